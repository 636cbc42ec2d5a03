"""The published schemas: every packaged layer conforms; broken features are caught."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

import goldmap
from goldmap import validate
from goldmap._resources import data_path
from goldmap.cli import cli
from goldmap.schema import SCHEMA_LAYERS, schema, validate_against_schema


@pytest.mark.parametrize("layer", SCHEMA_LAYERS)
def test_each_schema_is_a_valid_draft_2020_12_schema(layer: str) -> None:
    spec = schema(layer)
    assert spec["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(spec)
    assert data_path("schema", f"{layer}.schema.json").is_file()


@pytest.mark.parametrize("layer", SCHEMA_LAYERS)
def test_every_packaged_layer_validates(layer: str) -> None:
    assert validate_against_schema(layer, goldmap.load(layer)) == []


@pytest.mark.parametrize("layer", SCHEMA_LAYERS)
def test_the_geojson_files_validate_as_stored(layer: str) -> None:
    # Independent of goldmap's reader: the raw feature properties of the packaged file.
    spec = schema(layer)
    path = next(p for p in data_path().rglob(f"{layer}.geojson"))
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    validator = jsonschema.Draft202012Validator(spec)
    assert [list(validator.iter_errors(f["properties"])) for f in features] == [[]] * len(features)


def test_the_precision_enum_is_the_one_the_data_readme_documents() -> None:
    readme = data_path("README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `location_precision`"))
    documented = re.findall(r"`(\w+)` \(", row)
    assert documented == schema("key_mines")["$defs"]["precision"]["enum"]


@pytest.mark.parametrize(
    ("column", "value", "says"),
    [
        ("location_precision", "somewhere", "'somewhere' is not one of"),
        ("id", "sd xincheng", "does not match"),
        ("province_adcode", 12, "less than the minimum"),
        ("county_adcode", 12.0, "less than the minimum"),
        ("sources", [{"url": "https://x.org", "quote": "q"}], "'checked' is a required property"),
        ("commodity", [], "should be non-empty"),
    ],
)
def test_a_broken_feature_is_caught(column: str, value: object, says: str) -> None:
    mines = goldmap.load("key_mines")
    mines[column] = mines[column].astype(object)
    mines.iat[0, mines.columns.get_loc(column)] = value
    problems = validate_against_schema("key_mines", mines)
    assert len(problems) >= 1
    assert all(p.startswith(f"{mines['id'].iloc[0]}: {column}") for p in problems)
    assert any(says in p for p in problems)


def test_an_unknown_field_is_caught() -> None:
    areas = goldmap.load("exploration_areas").assign(colour="red")
    problems = validate_against_schema("exploration_areas", areas)
    assert len(problems) == len(areas)
    assert "'colour' was unexpected" in problems[0]


def test_validate_reports_schema_violations(monkeypatch: pytest.MonkeyPatch) -> None:
    real_load = validate.load

    def broken_load(name: str, **kwargs: object):
        frame = real_load(name, **kwargs)
        if name == "key_mines":
            frame.iat[0, frame.columns.get_loc("location_precision")] = "somewhere"
            frame.iat[1, frame.columns.get_loc("id")] = "sd bad id"
        if name == "development_areas":
            frame["confidence"] = frame["confidence"].astype(object)
            frame.iat[0, frame.columns.get_loc("confidence")] = "certain"
        return frame

    monkeypatch.setattr(validate, "load", broken_load)
    problems = [str(p) for p in goldmap.validate_data(checks=["schema"])]
    assert any(p.startswith("key_mines[sd-xincheng]: location_precision:") for p in problems)
    assert any(p.startswith("key_mines[sd bad id]: id:") for p in problems)
    assert any("development_areas[" in p and "'certain'" in p for p in problems)
    assert len(problems) == 3


def test_cli_schema_prints_a_schema_jsonschema_accepts() -> None:
    result = CliRunner().invoke(cli, ["schema", "key_mines"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(printed)
    assert printed == schema("key_mines")


def test_cli_schema_refuses_a_layer_without_one() -> None:
    result = CliRunner().invoke(cli, ["schema", "counties"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: No schema for layer 'counties'")
    assert "key_mines" in result.stderr


def test_schema_returns_a_copy() -> None:
    schema("key_mines")["properties"].clear()
    assert schema("key_mines")["properties"]


# --------------------------------------------------------------------------------------------
# Data version and citation
# --------------------------------------------------------------------------------------------


def test_data_version_changelog_and_citation_agree() -> None:
    version = goldmap.data_version()
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    changelog = data_path("CHANGELOG.md").read_text(encoding="utf-8")
    latest = re.search(r"^## (\d+\.\d+\.\d+) — (\d{4}-\d{2}-\d{2})$", changelog, re.M)
    assert latest is not None and latest.group(1) == version
    root = data_path().parent
    citation = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    assert citation["title"] == "goldmap"
    assert citation["version"] == version
    assert citation["date-released"] == latest.group(2)
    assert citation["license"] == "MIT"
    assert citation["message"] and citation["authors"]
