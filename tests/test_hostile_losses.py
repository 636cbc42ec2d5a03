"""Files once read silently wrong or with a loss: each now reads correctly or says what it left.

Issue 29's "nothing silently wrong" cases, built as tiny files (tests/hostile.py): KML tracks
and rings, an xlsx with a merged two-row header, a CSV's own geometry column, a one-column
CSV, non-finite statistics, rows with longitude and latitude swapped.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import goldmap
from goldmap.cli import cli
from goldmap.errors import GoldmapError
from tests.hostile import (
    SITE_GRID_WKT,
    geojson_in,
    gpkg_in,
    kml,
    kml_multi_track,
    kml_ring_in_multigeometry,
    kml_track,
    xlsx_plain,
    xlsx_with_deep_header,
    xlsx_with_merged_header,
    zipped_shapefile_with_prj,
)

# --- KML ---------------------------------------------------------------------------------


def test_a_gx_track_reads_as_a_line_through_its_coords() -> None:
    data = kml(kml_track("walk", [(120.3, 37.2), (120.35, 37.25), (120.4, 37.3)]))
    frame = goldmap.read_features(data, filename="track.kml")
    assert frame["name"].tolist() == ["walk"]
    line = frame.geometry.iloc[0]
    assert line.geom_type == "LineString"
    assert list(line.coords) == [(120.3, 37.2), (120.35, 37.25), (120.4, 37.3)]
    assert frame.attrs["read_notes"] == []


def test_a_gx_multitrack_reads_as_a_multiline_of_its_tracks() -> None:
    tracks = [[(120.3, 37.2), (120.4, 37.3)], [(121.0, 37.0), (121.1, 37.1), (121.2, 37.0)]]
    frame = goldmap.read_features(kml(kml_multi_track("days", tracks)), filename="days.kml")
    shape = frame.geometry.iloc[0]
    assert shape.geom_type == "MultiLineString"
    assert [list(part.coords) for part in shape.geoms] == tracks


def test_a_linear_ring_in_a_multigeometry_reads_as_a_closed_line() -> None:
    frame = goldmap.read_features(kml(kml_ring_in_multigeometry("claim")), filename="ring.kml")
    parts = list(frame.geometry.iloc[0].geoms)
    # A closed line, not a polygon: KML draws a LinearRing as its boundary only.
    assert [p.geom_type for p in parts] == ["Point", "LineString"]
    assert parts[1].is_closed and len(parts[1].coords) == 4


def test_a_placemark_goldmap_cannot_read_is_reported_not_dropped_silently(
    caplog: pytest.LogCaptureFixture,
) -> None:
    model = (
        "<Placemark><name>headframe</name><Model><Location><longitude>120.3</longitude>"
        "<latitude>37.2</latitude></Location></Model></Placemark>"
    )
    data = kml(kml_track("walk", [(120.3, 37.2), (120.4, 37.3)]), model)
    with caplog.at_level(logging.WARNING, logger="goldmap"):
        frame = goldmap.read_features(data, filename="mixed.kml")
    assert frame["name"].tolist() == ["walk"]
    # One note for the placemark left out, one for the part of a kind goldmap does not read.
    placemarks, parts = frame.attrs["read_notes"]
    assert "'mixed.kml'" in placemarks and "1 placemark(s)" in placemarks
    assert "'headframe'" in placemarks and placemarks in caplog.text
    assert "'mixed.kml'" in parts and "1 part(s) of kind Model" in parts and parts in caplog.text
    assert (placemarks.kind, parts.kind) == ("kml_placemarks", "kml_parts")


def test_tracks_are_located_like_any_line() -> None:
    data = kml(kml_track("walk", [(120.3, 37.2), (120.35, 37.25)]))
    located = goldmap.locate(data, filename="track.kml")
    assert located["province_zh"].tolist() == ["山东省"]
    assert located["nearest_mine_km"].notna().all()


def test_a_track_with_a_bad_coord_is_one_error() -> None:
    bad = kml(
        "<Placemark><gx:Track><gx:coord>120.3 north</gx:coord><gx:coord>120 37 0</gx:coord>"
        "</gx:Track></Placemark>"
    )
    with pytest.raises(GoldmapError, match=r"'bad\.kml' has a geometry that cannot be built"):
        goldmap.read_features(bad, filename="bad.kml")


def test_kml_stays_refused_with_entities() -> None:
    body = kml(kml_track("&x;", [(120.3, 37.2), (120.4, 37.3)])).decode()
    evil = body.replace("?>", '?><!DOCTYPE kml [<!ENTITY x "y">]>', 1).encode()
    with pytest.raises(GoldmapError, match="entities or a DTD"):
        goldmap.read_features(evil, filename="evil.kml")


# --- CSV ---------------------------------------------------------------------------------


def test_a_csvs_own_geometry_column_is_kept_under_another_name(
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = b'name,lon,lat,geometry\nA,120.3,37.2,"POLYGON ((1 1, 2 1, 2 2, 1 1))"\nB,120.1,37.4,x\n'
    with caplog.at_level(logging.WARNING, logger="goldmap"):
        frame = goldmap.read_features(data, filename="own.csv")
    assert frame["geometry_input"].tolist() == ["POLYGON ((1 1, 2 1, 2 2, 1 1))", "x"]
    assert frame.geometry.name == "geometry"
    assert [(p.x, p.y) for p in frame.geometry] == [(120.3, 37.2), (120.1, 37.4)]
    (note,) = frame.attrs["read_notes"]
    assert "'own.csv'" in note and "'geometry_input'" in note and note in caplog.text
    located = goldmap.locate(data, filename="own.csv")
    assert located["geometry_input"].iloc[1] == "x"
    assert located.attrs["read_notes"] == [note]  # the note travels with the answer


def test_a_taken_geometry_input_name_is_not_overwritten_either() -> None:
    data = b"lon,lat,geometry,geometry_input\n120.3,37.2,g,h\n"
    frame = goldmap.read_features(data, filename="two.csv")
    assert frame[["geometry_input", "geometry_input2"]].iloc[0].tolist() == ["h", "g"]


@pytest.mark.parametrize(
    ("text", "columns"),
    [
        ("province\nShandong\nHenan\n", ["province"]),
        ("名称\n山东省\n河南省\n", ["名称"]),
        ("province;t\nShandong;1\n", ["province", "t"]),
        ("province|t\nShandong|1\n", ["province", "t"]),
        ("province\tt\nShandong\t1\n", ["province", "t"]),
        ("province t\nShandong 1\n", ["province", "t"]),
    ],
)
def test_a_one_column_csv_is_never_split_on_a_letter(text: str, columns: list[str]) -> None:
    table = goldmap.read_table(text.encode(), filename="one.csv")
    assert table.columns.tolist() == columns
    assert len(table) == text.count("\n") - 1


# --- Excel -------------------------------------------------------------------------------


def test_a_merged_two_row_header_gives_each_column_both_names() -> None:
    table = goldmap.read_table(xlsx_with_merged_header(), filename="merged.xlsx")
    assert table.columns.tolist() == ["名称", "坐标 经度", "坐标 纬度"]
    assert table["名称"].tolist() == ["三山岛", "焦家"]
    assert table["坐标 经度"].tolist() == [120.3, 120.1]
    (note,) = table.attrs["read_notes"]
    assert "'merged.xlsx'" in note and "two rows" in note


def test_a_merged_header_workbook_locates_its_points() -> None:
    located = goldmap.locate(xlsx_with_merged_header(), filename="merged.xlsx")
    assert located["名称"].tolist() == ["三山岛", "焦家"]
    assert located["province_zh"].tolist() == ["山东省", "山东省"]


def test_a_header_of_three_rows_is_refused_with_the_fix() -> None:
    with pytest.raises(GoldmapError, match=r"more than two rows.*A1:A3.*Unmerge"):
        goldmap.read_table(xlsx_with_deep_header(), filename="deep.xlsx")


def test_other_sheets_are_named(caplog: pytest.LogCaptureFixture) -> None:
    data = xlsx_plain({"产量": [["省份", "t"], ["山东", 1]], "来源": [["url"], ["x"]]})
    with caplog.at_level(logging.WARNING, logger="goldmap"):
        table = goldmap.read_table(data, filename="book.xlsx")
    (note,) = table.attrs["read_notes"]
    assert "2 sheets" in note and "'产量'" in note and "'来源'" in note and note in caplog.text
    both = goldmap.read_table(xlsx_with_merged_header(extra_sheet=True), filename="m.xlsx")
    assert len(both.attrs["read_notes"]) == 2 and "'说明'" in both.attrs["read_notes"][1]
    one = goldmap.read_table(xlsx_plain({"产量": [["省份", "t"], ["山东", 1]]}), filename="a.xlsx")
    assert one.attrs["read_notes"] == []


def test_a_blank_header_cell_without_merges_is_left_as_it_was() -> None:
    data = xlsx_plain({"s": [["省份", None, "t"], ["山东", "x", 1]]})
    table = goldmap.read_table(data, filename="blank.xlsx")
    assert table.columns.tolist() == ["省份", "Unnamed: 1", "t"]
    assert table.attrs["read_notes"] == []


# --- Statistics --------------------------------------------------------------------------


def test_non_finite_statistics_are_listed_as_unreadable_not_joined() -> None:
    data = (
        b"province,t\nShandong,inf\nHenan,1e400\nHebei,NaN\nShanxi,2\nHunan,-Infinity\nJiangxi,\n"
    )
    joined = goldmap.join_stats(data, filename="s.csv")
    values = joined.set_index("name_en")["t"]
    assert values["Shanxi"] == 2.0
    assert values[["Shandong", "Henan", "Hebei", "Hunan", "Jiangxi"]].isna().all()
    report = joined.attrs["join_report"]
    assert report.unreadable[["row", "column", "value"]].values.tolist() == [
        [1, "t", "inf"],
        [2, "t", "1e400"],
        [3, "t", "NaN"],
        [5, "t", "-Infinity"],
    ]
    assert "not read as numbers" in report.summary("en") and "'1e400'" in report.summary("en")
    assert "无法读为数字" in report.summary("zh")


def test_infinity_in_a_dataframe_is_not_joined_and_no_legend_shows_inf() -> None:
    import pandas as pd

    from goldmap.maps import Choropleth, make_map, to_html

    table = pd.DataFrame(
        {"province": ["Shandong", "Henan", "Hebei"], "t": [1.0, float("inf"), 3.0]}
    )
    joined = goldmap.join_stats(table)
    assert joined.attrs["join_report"].unreadable["province"].tolist() == ["河南省"]
    assert set(joined["t"].dropna()) == {1.0, 3.0}
    page = to_html(make_map([], choropleth=Choropleth(joined, "t")))
    assert re.search(r"\binf\b", page) is None  # the legend's classes end at 3


@pytest.mark.parametrize("data", [b"province,t\n", b"\xef\xbb\xbfprovince,t\r\n"])
def test_an_empty_statistics_table_says_it_is_empty(data: bytes) -> None:
    with pytest.raises(GoldmapError, match=r"'empty\.csv': the table is empty.*no rows"):
        goldmap.join_stats(data, filename="empty.csv")


# --- Coordinates swapped in a few rows ---------------------------------------------------


def test_rows_swapped_in_a_minority_get_a_hint_each_and_no_distance() -> None:
    data = (
        b"name,lon,lat\nA,120.3,37.2\nB,116.4,39.9\nC,37.2,120.3\nD,40.1,80.2\n"
        b"E,10.0,50.0\nF,400,37\n"
    )
    located = goldmap.locate(data, filename="mixed.csv")
    notes = located.set_index("name")["location_note"]
    hint = "longitude and latitude may be swapped in this row"
    # C is out of range as written, D in range but in the Arctic: both lie in China swapped.
    assert [n.startswith(hint) for n in notes] == [False, False, True, True, False, False]
    assert notes["E"].startswith("outside China") and "out of range" in notes["F"]
    km = located.set_index("name")["nearest_mine_km"]
    assert km[["A", "B"]].notna().all() and km[["C", "F"]].isna().all()


# --- CRSs that place nothing on a map ----------------------------------------------------

HORIZONTAL = "goldmap needs a horizontal geographic or projected CRS"


@pytest.mark.parametrize(
    ("crs", "kind"),
    [
        ("EPSG:4978", "geocentric CRS"),
        ("EPSG:5703", "vertical CRS"),
        ("urn:ogc:def:crs:EPSG::5703", "vertical CRS"),
        (SITE_GRID_WKT, "local engineering CRS 'site grid'"),
    ],
)
def test_a_geojson_in_a_crs_that_is_not_horizontal_is_refused(crs: str, kind: str) -> None:
    with pytest.raises(GoldmapError) as caught:
        goldmap.locate(geojson_in(crs), filename="heights.geojson")
    message = str(caught.value)
    assert kind in message and HORIZONTAL in message and "'heights.geojson'" in message
    assert "swapped" not in message


def test_a_geopackage_in_a_geocentric_crs_is_refused(tmp_path: Path) -> None:
    data = gpkg_in(tmp_path, "EPSG:4978", (-2.6e6, 4.7e6))
    with pytest.raises(
        GoldmapError, match=f"geocentric CRS 'WGS 84' \\(EPSG:4978\\).*{HORIZONTAL}"
    ):
        goldmap.locate(data, filename="ecef.gpkg")


def test_a_shapefile_on_a_site_grid_is_one_error_not_a_proj_traceback(tmp_path: Path) -> None:
    data = zipped_shapefile_with_prj(tmp_path, SITE_GRID_WKT)
    with pytest.raises(
        GoldmapError, match=f"'grid.zip' is in the local engineering CRS.*{HORIZONTAL}"
    ):
        goldmap.read_features(data, filename="grid.zip")
    path = tmp_path / "grid.zip"
    path.write_bytes(data)
    result = CliRunner().invoke(cli, ["locate", str(path), "-o", str(tmp_path / "out.csv")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    (line,) = result.output.strip().splitlines()
    assert line.startswith("Error: ") and HORIZONTAL in line


def test_horizontal_crss_with_heights_still_read() -> None:
    for crs in ("EPSG:4979", "EPSG:4326+5703"):
        frame = goldmap.read_features(geojson_in(crs), filename="h.geojson")
        assert (frame.geometry.x.iloc[0], frame.geometry.y.iloc[0]) == pytest.approx((120.3, 37.2))


# --- goldmap's own data, damaged or missing ----------------------------------------------


def _caches() -> list[object]:
    from goldmap import _dossier, _locate, _plan, catalog, names, schema, tracking

    return [
        _locate._reference,
        catalog._read,
        names._county_table,
        _plan._plan,
        _dossier._read,
        schema._read_schema,
        tracking._targets,
    ]


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A data folder of links to the real files, which the test may replace one by one."""
    from goldmap import _resources

    real = _resources.data_path()
    root = tmp_path / "data"
    for source in real.rglob("*"):
        target = root / source.relative_to(real)
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(source)
    monkeypatch.setattr(_resources, "_data_root", lambda: root)
    for cache in _caches():
        cache.cache_clear()  # type: ignore[attr-defined]
    yield root
    for cache in _caches():
        cache.cache_clear()  # type: ignore[attr-defined]


def _damage(root: Path, *parts: str, keep: int | None) -> None:
    path = root.joinpath(*parts)
    content = path.read_bytes()
    path.unlink()
    if keep is not None:
        path.write_bytes(content[:keep])


@pytest.mark.parametrize("keep", [None, 300], ids=["missing", "truncated"])
@pytest.mark.parametrize(
    "parts",
    [("mines", "key_mines.geojson"), ("boundaries", "provinces.parquet"), ("plan", "plan.yaml")],
)
def test_a_damaged_or_missing_data_file_is_one_error_naming_it(
    data_copy: Path, parts: tuple[str, ...], keep: int | None, tmp_path: Path
) -> None:
    _damage(data_copy, *parts, keep=keep)
    name = "data/" + "/".join(parts)
    with pytest.raises(goldmap.PackageDataError) as caught:
        if parts[-1] == "plan.yaml":
            goldmap.plan()
        else:
            goldmap.load(parts[-1].split(".")[0])
    message = str(caught.value)
    assert name in message and "Reinstall goldmap" in message
    assert ("missing" if keep is None else "damaged") in message
    assert str(tmp_path) not in message


@pytest.mark.parametrize("keep", [None, 300], ids=["missing", "truncated"])
def test_goldmap_validate_says_which_file_to_reinstall(data_copy: Path, keep: int | None) -> None:
    _damage(data_copy, "mines", "key_mines.geojson", keep=keep)
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith("Error: ") and "data/mines/key_mines.geojson" in line
    assert "Reinstall goldmap" in line


def test_a_located_upload_with_damaged_data_says_to_reinstall(data_copy: Path) -> None:
    _damage(data_copy, "boundaries", "counties.parquet", keep=100)
    with pytest.raises(goldmap.PackageDataError, match=r"data/boundaries/counties\.parquet"):
        goldmap.locate(b"lon,lat\n120.3,37.2\n", filename="p.csv")


def test_markup_saved_as_csv_is_refused_not_read_as_one_column() -> None:
    with pytest.raises(GoldmapError, match=r"'page\.csv' holds markup.*Save the table as CSV"):
        goldmap.read_table(b'<OGRVRTDataSource><OGRVRTLayer name="x"/>\n', filename="page.csv")
