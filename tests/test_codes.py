"""Administrative codes stay six-digit whole numbers: in load() and in every export format.

A join on ``county_adcode`` fails when a CSV says "370683.0"; these tests read each format back
the way a user's tool would (text for CSV and KML, typed fields for the others).
"""

import io
import json
import re
import zipfile
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

import goldmap
from goldmap.io.write import FORMATS, export

# The plan layers with code columns (one with a missing county code), small enough for KML.
LAYERS = ("key_mines", "consolidation_provinces", "copper_bases")


def _code_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if str(c).endswith("adcode")]


@pytest.mark.parametrize("name", goldmap.layers())
def test_every_code_column_of_every_layer_is_an_integer(name):
    frame = goldmap.load(name)
    for column in _code_columns(frame):
        assert pd.api.types.is_integer_dtype(frame[column]), (name, column, frame[column].dtype)
        known = frame[column].dropna()
        assert known.between(100000, 999999).all(), (name, column)
    for column in (c for c in frame.columns if str(c).endswith("adcodes")):
        for codes in frame[column]:
            assert all(isinstance(code, int) for code in codes), (name, column)


def test_the_key_mines_keep_a_missing_county_code_missing():
    mines = goldmap.load("key_mines").set_index("id")
    assert pd.isna(mines.loc["gs-yidinan", "county_adcode"])
    assert mines.loc["sd-xincheng", "county_adcode"] == 370683


def _members(path: Path) -> dict[str, str]:
    """The text files of an export by name (a zip's members, or the file itself)."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return {n: archive.read(n).decode("utf-8-sig") for n in archive.namelist()}
    return {path.name: path.read_text(encoding="utf-8-sig")}


def _code_texts(fmt: str, path: Path) -> list[str]:
    """Every value of a code field as the file writes it, read as text."""
    values: list[str] = []
    for member, text in _members(path).items():
        if fmt == "csv":
            table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
            values += [v for c in _code_columns(table) for v in table[c] if v]
        elif fmt == "geojson":
            for feature in json.loads(text)["features"]:
                props = feature["properties"]
                values += [json.dumps(props[c]) for c in props if c.endswith("adcode")]
        elif member.endswith(".kml"):
            values += re.findall(
                r'<(?:Simple)?Data name="[a-z_]*adcode">\s*(?:<value>)?([^<]*)<', text
            )
    return [v for v in values if v not in ("", "null")]


@pytest.mark.parametrize("fmt", ["csv", "kml", "geojson"])
def test_text_formats_write_codes_without_a_decimal_point(fmt, tmp_path):
    path = tmp_path / ("out.zip" if not FORMATS[fmt].multi_layer else f"out.{fmt}")
    export({name: goldmap.load(name) for name in LAYERS}, path, format=fmt)
    values = _code_texts(fmt, path)
    assert "370683" in values  # 新城's county
    assert len(values) >= 35 + 6 + 4
    assert all(re.fullmatch(r"\d{6}", v) for v in values), sorted(set(values))[:5]


def _field_types(fmt: str, path: Path, tmp_path: Path) -> dict[str, str]:
    """The field types a GIS sees in the file (GDAL's for vector formats, Arrow's for Parquet)."""
    if fmt == "gpkg":
        info = pyogrio.read_info(path, layer="key_mines")
    elif fmt == "shp":
        info = pyogrio.read_info(f"/vsizip/{path}/key_mines.shp")
    else:
        with zipfile.ZipFile(path) as archive:
            archive.extractall(tmp_path / "x")
        member = tmp_path / "x" / f"key_mines{FORMATS[fmt].extensions[0]}"
        if fmt == "parquet":
            import pyarrow.parquet as pq

            schema = pq.read_schema(member)
            return {name: str(schema.field(name).type) for name in schema.names}
        info = pyogrio.read_info(member)
    return dict(zip(info["fields"], map(str, info["dtypes"]), strict=True))


@pytest.mark.parametrize("fmt", ["gpkg", "shp", "parquet", "fgb"])
def test_typed_formats_store_codes_as_integer_fields(fmt, tmp_path):
    single = not FORMATS[fmt].multi_layer
    path = tmp_path / ("out.zip" if single else f"out{FORMATS[fmt].extensions[0]}")
    export({"key_mines": goldmap.load("key_mines")}, path, format=fmt)
    types = _field_types(fmt, path, tmp_path)
    for column in ("province_adcode", "county_adcode"):
        # A Shapefile's field names are cut to 10 characters (the field map says which).
        (name,) = [n for n in types if n == column or (fmt == "shp" and n == column[:10])]
        assert types[name].startswith("int"), (fmt, column, types[name])
