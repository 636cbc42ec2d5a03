"""Corrections: better key-mine coordinates merged with provenance, refused row by row."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pandas as pd
import pyogrio
import pytest
from click.testing import CliRunner
from pyproj import Geod

import goldmap
from goldmap.cli import cli
from goldmap.corrections import (
    COLUMNS,
    UNCERTAINTY_KM,
    apply_corrections,
    read_corrections,
    write_template,
)
from goldmap.errors import CorrectionError, InputFileError

HEADER = ",".join(COLUMNS)
URL = "https://example.org/annual-report-2025.pdf"
QUOTE = "The Jiaojia mine (119.9512 E, 37.3987 N)"
# A point in 莱州市, Shandong, the province the plan lists Jiaojia under.
GOOD = f'sd-jiaojia,119.9512,37.3987,deposit,{URL},"{QUOTE}",site visit 2026'
# A point in 招远市 (another county of Shandong).
IN_ZHAOYUAN = (120.5, 37.3)


def write(tmp_path: Path, *rows: str, name: str = "corrections.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def refusal(path: Path) -> CorrectionError:
    with pytest.raises(CorrectionError) as info:
        goldmap.load("key_mines", corrections=path)
    return info.value


# --------------------------------------------------------------------------------------------
# A good correction
# --------------------------------------------------------------------------------------------


def test_a_correction_moves_exactly_that_mine_with_its_provenance(tmp_path: Path) -> None:
    before = goldmap.load("key_mines")
    after = goldmap.load("key_mines", corrections=write(tmp_path, GOOD))
    assert list(after.columns) == [*before.columns.drop("geometry"), "corrected", "geometry"]
    moved = after.set_index("id").loc["sd-jiaojia"]
    old = before.set_index("id").loc["sd-jiaojia"]
    assert (moved.geometry.x, moved.geometry.y) == (119.9512, 37.3987)
    assert moved.location_precision == "deposit"
    assert bool(moved.corrected) is True
    assert moved.sources[0] == {
        "url": URL,
        "quote": QUOTE,
        "checked": None,
        "check": None,
        "check_note": None,
    }
    assert moved.sources[1:] == list(old.sources)
    assert all(list(s) == ["url", "quote", "checked", "check", "check_note"] for s in moved.sources)
    assert moved.notes.startswith("site visit 2026 ")
    assert moved.notes.endswith(old.notes)
    others = after[after["id"] != "sd-jiaojia"]
    assert not others["corrected"].any()
    expected = before[before["id"] != "sd-jiaojia"]
    pd.testing.assert_frame_equal(others.drop(columns="corrected"), expected)


def test_load_without_corrections_is_unchanged_and_never_mutated(tmp_path: Path) -> None:
    before = goldmap.load("key_mines")
    corrected = goldmap.load("key_mines", corrections=write(tmp_path, GOOD))
    corrected.loc[:, "notes"] = "changed by the caller"
    corrected.iat[0, corrected.columns.get_loc("sources")].append({"url": "x"})
    pd.testing.assert_frame_equal(goldmap.load("key_mines"), before)
    assert "corrected" not in goldmap.load("key_mines").columns


def test_apply_corrections_leaves_the_callers_frame_alone(tmp_path: Path) -> None:
    mines = goldmap.load("key_mines")
    snapshot = mines.copy(deep=True)
    apply_corrections(mines, write(tmp_path, GOOD))
    pd.testing.assert_frame_equal(mines, snapshot)


def test_a_point_in_another_county_takes_that_county(tmp_path: Path) -> None:
    lon, lat = IN_ZHAOYUAN
    path = write(tmp_path, f"sd-jiaojia,{lon},{lat},mine_site,{URL},the quote,")
    moved = goldmap.load("key_mines", corrections=path).set_index("id").loc["sd-jiaojia"]
    assert moved.county_zh == "招远市"
    assert int(moved.county_adcode) == 370685
    assert "招远市" in moved.notes and "莱州市" in moved.notes


def test_an_offshore_mine_may_be_corrected_into_the_sea(tmp_path: Path) -> None:
    # North of 三山岛 under Laizhou Bay, about 5 km off the coast.
    path = write(tmp_path, f"sd-haiyu,119.94,37.46,deposit,{URL},the quote,")
    moved = goldmap.load("key_mines", corrections=path).set_index("id").loc["sd-haiyu"]
    assert (moved.geometry.x, moved.geometry.y) == (119.94, 37.46)
    assert moved.county_zh == goldmap.load("key_mines").set_index("id").loc["sd-haiyu"].county_zh


def test_uncertainty_follows_the_new_precision_when_the_layer_has_it(tmp_path: Path) -> None:
    mines = goldmap.load("key_mines").assign(location_uncertainty_km=99.0)
    fixed = apply_corrections(mines, write(tmp_path, GOOD)).set_index("id")
    assert fixed.loc["sd-jiaojia", "location_uncertainty_km"] == UNCERTAINTY_KM["deposit"]
    assert fixed.loc["sd-xincheng", "location_uncertainty_km"] == 99.0


def test_geojson_and_xlsx_corrections_read_like_csv(tmp_path: Path) -> None:
    csv = read_corrections(write(tmp_path, GOOD))
    feature = {
        "type": "Feature",
        "properties": {c: csv.iloc[0][c] for c in COLUMNS if c not in ("lon", "lat")},
        "geometry": {"type": "Point", "coordinates": [119.9512, 37.3987]},
    }
    geojson = tmp_path / "c.geojson"
    geojson.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    from_geojson = read_corrections(geojson)
    assert from_geojson.index.tolist() == ["feature 1"]
    xlsx = tmp_path / "c.xlsx"
    pd.read_csv(write(tmp_path, GOOD), dtype=str).to_excel(xlsx, index=False)
    from_xlsx = read_corrections(xlsx)
    for table in (from_geojson, from_xlsx):
        fixed = goldmap.load("key_mines", corrections=table).set_index("id")
        assert fixed.loc["sd-jiaojia", "geometry"].equals_exact(
            goldmap.load("key_mines", corrections=csv).set_index("id").geometry["sd-jiaojia"],
            1e-12,
        )


# --------------------------------------------------------------------------------------------
# Refusals: each names the row and the fix; nothing is half-applied
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "says"),
    [
        (f"sd-jiaojai,119.95,37.40,deposit,{URL},q,", ["not the id of a key mine", "sd-jiaojia"]),
        (f"sd-jiaojia,116.40,39.90,deposit,{URL},q,", ["outside 山东省", "Check the coordinates"]),
        (f"sd-jiaojia,37.40,119.95,deposit,{URL},q,", ["look swapped"]),
        (f"sd-jiaojia,119.95,37.40,somewhere,{URL},q,", ["'somewhere'", "mine_site"]),
        ("sd-jiaojia,119.95,37.40,deposit,,q,", ["source_url is empty"]),
        (f"sd-jiaojia,119.95,37.40,deposit,{URL},,", ["source_quote is empty"]),
        (f"sd-jiaojia,east,37.40,deposit,{URL},q,", ["lon 'east' is not a number"]),
    ],
)
def test_each_bad_row_is_refused_by_row_and_fix(tmp_path: Path, row: str, says: list[str]) -> None:
    before = goldmap.load("key_mines")
    error = refusal(write(tmp_path, GOOD.replace("sd-jiaojia", "sd-xincheng"), row))
    message = str(error)
    assert f"row 3 (id '{row.split(',')[0]}')" in message
    assert "nothing was applied" in message
    for text in says:
        assert text in message
    assert len(error.problems) == 1 and error.problems[0].startswith("row 3")
    assert isinstance(error, InputFileError) and isinstance(error, ValueError)
    pd.testing.assert_frame_equal(goldmap.load("key_mines"), before)


def test_a_duplicated_id_names_both_rows(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, GOOD, GOOD.replace("119.9512", "119.9513")))
    assert error.problems == [
        "row 3 (id 'sd-jiaojia'): the mine 'sd-jiaojia' is corrected again (first on row 2). "
        "Keep one row per mine: delete the other."
    ]


def test_every_bad_row_is_listed_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        GOOD,
        "nope,119.95,37.40,deposit,u,q,",
        "sd-xincheng,119.95,37.40,deposit,,,",
        ",119.95,37.40,deposit,u,q,",
    )
    error = refusal(path)
    rows = [p.split(":")[0] for p in error.problems]
    assert rows == ["row 3 (id 'nope')", *["row 4 (id 'sd-xincheng')"] * 2, "row 5"]


def test_missing_or_unknown_columns_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("id,lon,lat,precision,url\nsd-jiaojia,1,2,deposit,u\n", encoding="utf-8")
    message = str(refusal(path))
    assert "'location_precision'" in message and "'precision'" in message
    assert "goldmap corrections template" in message


def test_corrections_for_another_layer_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CorrectionError, match="key mines only"):
        goldmap.load("development_areas", corrections=write(tmp_path, GOOD))


def test_an_unsupported_file_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.kml"
    path.write_text("<kml/>", encoding="utf-8")
    with pytest.raises(CorrectionError, match=r"\.csv, \.tsv, \.txt, \.xlsx, \.geojson"):
        goldmap.load("key_mines", corrections=path)


# --------------------------------------------------------------------------------------------
# The template
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["my.csv", "my.xlsx"])
def test_the_template_round_trips_to_identical_points(tmp_path: Path, name: str) -> None:
    path = write_template(tmp_path / name)
    before = goldmap.load("key_mines")
    after = goldmap.load("key_mines", corrections=path)
    assert not after["corrected"].any()
    same = after.geometry.geom_equals_exact(before.geometry, 0)
    assert (same | (after.geometry.isna() & before.geometry.isna())).all()
    pd.testing.assert_frame_equal(after.drop(columns="corrected"), before)


def test_one_edited_template_row_corrects_one_mine(tmp_path: Path) -> None:
    path = write_template(tmp_path / "my.csv")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = table.index[table["id"] == "sd-jiaojia"][0]
    table.loc[row, ["lon", "lat", "location_precision"]] = ["119.9512", "37.3987", "deposit"]
    table.loc[row, ["source_url", "source_quote"]] = [URL, "the quote"]
    table.to_csv(path, index=False, encoding="utf-8-sig")
    after = goldmap.load("key_mines", corrections=path)
    assert after.loc[after["corrected"], "id"].tolist() == ["sd-jiaojia"]


def test_the_template_has_ids_points_and_precisions(tmp_path: Path) -> None:
    table = pd.read_csv(write_template(tmp_path / "t.csv"), encoding="utf-8-sig")
    mines = goldmap.load("key_mines")
    assert table["id"].tolist() == mines["id"].tolist()
    assert table["location_precision"].tolist() == mines["location_precision"].tolist()
    pd.testing.assert_series_equal(table["lon"], mines.geometry.x, check_names=False)
    pd.testing.assert_series_equal(table["lat"], mines.geometry.y, check_names=False)
    assert table.loc[mines.geometry.isna().to_numpy(), "lon"].isna().all()  # no point: empty
    with pytest.raises(goldmap.OutputExistsError):
        write_template(tmp_path / "t.csv")


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def test_cli_corrections_template(tmp_path: Path) -> None:
    out = tmp_path / "my.csv"
    result = run("corrections", "template", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(out)) == 35
    again = run("corrections", "template", "-o", str(out))
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert run("corrections", "template", "-o", str(out), "--overwrite").exit_code == 0


def _kml_placemark(path: Path, mine_name: str) -> SafeET.Element:
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    root = SafeET.parse(path).getroot()
    for placemark in root.iterfind(".//k:Placemark", ns):
        if placemark.findtext("k:name", namespaces=ns).startswith(mine_name):
            return placemark
    raise AssertionError(f"no placemark {mine_name}")


def test_cli_export_keeps_the_provenance_in_gpkg_and_kml(tmp_path: Path) -> None:
    corrections = write(tmp_path, GOOD)
    gpkg = tmp_path / "plan.gpkg"
    result = run("export", "key_mines", "--corrections", str(corrections), "-o", str(gpkg))
    assert result.exit_code == 0, result.output
    mines = pyogrio.read_dataframe(gpkg, layer="key_mines").set_index("id")
    assert bool(mines.loc["sd-jiaojia", "corrected"]) is True
    assert not mines.drop(index="sd-jiaojia")["corrected"].astype(bool).any()
    assert json.loads(mines.loc["sd-jiaojia", "sources"])[0]["url"] == URL
    point = mines.loc["sd-jiaojia", "geometry"]
    assert (point.x, point.y) == (119.9512, 37.3987)
    with sqlite3.connect(gpkg) as db:  # the column is declared boolean for QGIS
        types = dict(db.execute("SELECT name, type FROM pragma_table_info('key_mines')").fetchall())
    assert types["corrected"] == "BOOLEAN"

    kml = tmp_path / "plan.kml"
    result = run("export", "--corrections", str(corrections), "-o", str(kml))
    assert result.exit_code == 0, result.output
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    placemark = _kml_placemark(kml, "焦家")
    data = {
        d.get("name"): d.findtext("k:value", namespaces=ns)
        for d in placemark.iter(f"{{{ns['k']}}}Data")
    }
    assert data["corrected"] == "true"
    assert json.loads(data["sources"])[0]["url"] == URL
    balloon = placemark.findtext("k:description", namespaces=ns)
    assert "corrected" in balloon
    assert balloon.index(URL) < balloon.index(
        goldmap.load("key_mines").set_index("id").loc["sd-jiaojia", "sources"][0]["url"]
    )
    other = _kml_placemark(kml, "新城")
    assert {
        d.get("name"): d.findtext("k:value", namespaces=ns)
        for d in other.iter(f"{{{ns['k']}}}Data")
    }["corrected"] == "false"


def test_cli_export_refuses_corrections_without_the_key_mines(tmp_path: Path) -> None:
    result = run(
        "export", "exploration_areas", "--corrections", str(write(tmp_path, GOOD)),
        "-o", str(tmp_path / "x.gpkg"),
    )  # fmt: skip
    assert result.exit_code == 1
    assert "key_mines" in result.stderr and not (tmp_path / "x.gpkg").exists()


def test_cli_locate_measures_to_the_corrected_mine(tmp_path: Path) -> None:
    prospects = tmp_path / "p.csv"
    prospects.write_text("name,lon,lat\nA,119.9513,37.3988\nB,100.0,30.0\n", encoding="utf-8")
    plain = pd.read_csv(io.StringIO(run("locate", str(prospects)).stdout))
    result = run("locate", str(prospects), "--corrections", str(write(tmp_path, GOOD)))
    assert result.exit_code == 0, result.output
    located = pd.read_csv(io.StringIO(result.stdout))
    _, _, metres = Geod(ellps="WGS84").inv(119.9513, 37.3988, 119.9512, 37.3987)
    assert located.loc[0, "nearest_mine_id"] == "sd-jiaojia"
    assert plain.loc[0, "nearest_mine_id"] != "sd-jiaojia"
    assert located.loc[0, "nearest_mine_km_exact"] == pytest.approx(metres / 1000, abs=5e-4)
    # B is far from Shandong: its nearest mine and distance do not change.
    assert located.loc[1, "nearest_mine_id"] == plain.loc[1, "nearest_mine_id"]
    assert located.loc[1, "nearest_mine_km"] == pytest.approx(plain.loc[1, "nearest_mine_km"])
    assert located.loc[1, "nearest_mine_km_exact"] == pytest.approx(
        plain.loc[1, "nearest_mine_km_exact"]
    )


def test_cli_validate_with_corrections(tmp_path: Path) -> None:
    good = run("validate", "--corrections", str(write(tmp_path, GOOD)))
    assert good.exit_code == 0, good.output
    assert "All layers valid." in good.stdout
    bad = run("validate", "--corrections", str(write(tmp_path, GOOD.replace("deposit", "x"))))
    assert bad.exit_code == 1
    assert bad.stderr.startswith("Error: 1 problem(s) in the corrections")
    assert "row 2 (id 'sd-jiaojia')" in bad.stderr


def test_cli_map_draws_the_corrected_point(tmp_path: Path) -> None:
    out = tmp_path / "m.html"
    result = run("map", "--corrections", str(write(tmp_path, GOOD)), "-o", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "119.9512" in page and "37.3987" in page
    refused = run(
        "map", "--corrections", str(write(tmp_path, GOOD.replace("sd-jiaojia", "zz"))),
        "-o", str(tmp_path / "n.html"),
    )  # fmt: skip
    assert refused.exit_code == 1 and "row 2 (id 'zz')" in refused.stderr
    assert not (tmp_path / "n.html").exists()


def test_corrections_reach_the_zip_exports_too(tmp_path: Path) -> None:
    out = tmp_path / "plan.zip"
    result = run(
        "export", "key_mines", "exploration_areas", "--format", "geojson",
        "--corrections", str(write(tmp_path, GOOD)), "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        features = json.loads(archive.read("key_mines.geojson"))["features"]
    corrected = [f["properties"]["id"] for f in features if f["properties"]["corrected"]]
    assert corrected == ["sd-jiaojia"]


def test_a_corrected_mine_is_drawn_apart_with_its_correction_said_in_the_popup(tmp_path):
    from goldmap.maps import make_map, to_html

    corrected = goldmap.load("key_mines", corrections=write(tmp_path, GOOD))
    page = to_html(make_map({"key_mines": corrected}, lang="en"))
    plain = to_html(make_map({"key_mines": goldmap.load("key_mines")}, lang="en"))
    # One green star (its class) and one legend entry, only on the corrected map.
    assert page.count("goldmap-mine goldmap-corrected") == 1
    assert "goldmap-corrected" not in plain.replace(".goldmap-corrected.goldmap-uncertain", "")
    assert "Key mine (moved by your corrections)" in page
    assert "Key mine (moved by your corrections)" not in plain
    assert page.count("Moved by your corrections file") == 1
