"""The files an analyst gets from the field: DMS coordinates, GPX, Shapefiles without a .cpg."""

import io
import re
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

import goldmap
from goldmap.errors import InputFileError
from goldmap.io._coordinates import CoordinateError, parse_coordinate

# --- Degrees, minutes, seconds ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "axis", "expected"),
    [
        ("120°30′15″E", "lon", 120 + 30 / 60 + 15 / 3600),
        ("东经120°30′15″", "lon", 120 + 30 / 60 + 15 / 3600),
        ("北纬37°24′", "lat", 37.4),
        ("120度30分15秒", "lon", 120 + 30 / 60 + 15 / 3600),
        ("37°12'N", "lat", 37.2),
        ("120°30'15\"", "lon", 120 + 30 / 60 + 15 / 3600),
        ("W 74°0′", "lon", -74.0),
        ("S 33°52′30″", "lat", -(33 + 52 / 60 + 30 / 3600)),
        ("120.35", "lon", 120.35),
        ("37.5N", "lat", 37.5),
    ],
)
def test_a_coordinate_cell_reads_in_every_published_form(text, axis, expected):
    assert parse_coordinate(text, axis) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("text", "axis", "reason"),
    [
        ("120 30", "lon", "without ° ′ ″ marks"),
        ("120°75′", "lon", "60 or more"),
        ("37°N", "lon", "latitude mark"),
        ("-120°W", "lon", "both a sign and a hemisphere"),
        ("near the river", "lon", "not a decimal or degrees-minutes-seconds"),
    ],
)
def test_an_ambiguous_or_wrong_cell_is_refused_with_the_reason(text, axis, reason):
    with pytest.raises(CoordinateError, match=reason):
        parse_coordinate(text, axis)


def test_a_table_mixing_dms_and_decimal_columns_is_located():
    table = (
        "名称,经度,纬度\n甲,东经120°30′15″,37.4\n乙,120.1,北纬37°24′\n丙,119°57′10″E,37°24′19″N\n"
    ).encode("gb18030")
    frame = goldmap.read_features(table, filename="notice.csv")
    xs, ys = frame.geometry.x.tolist(), frame.geometry.y.tolist()
    assert xs == pytest.approx([120.504167, 120.1, 119.952778], abs=1e-6)
    assert ys == pytest.approx([37.4, 37.4, 37.405278], abs=1e-6)
    located = goldmap.locate(frame)
    assert set(located["province_zh"].astype(str)) == {"山东省"}


def test_a_table_with_an_ambiguous_cell_is_refused_naming_the_cell():
    table = "name,lon,lat\nA,120°30′,37.4\nB,120 30,37.5\n".encode()
    with pytest.raises(InputFileError) as info:
        goldmap.read_features(table, filename="licence.csv")
    message = str(info.value)
    assert "'licence.csv'" in message and "row 2 'lon' '120 30'" in message
    assert "without ° ′ ″ marks" in message


# --- GPX -------------------------------------------------------------------------------------

GPX = b"""<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="field" xmlns="http://www.topografix.com/GPX/1/1">
  <wpt lat="37.40" lon="120.10"><ele>52</ele><name>\xe9\x92\xbb\xe5\xad\x94 ZK01</name></wpt>
  <wpt lat="37.41" lon="120.12"><name>ZK02</name><desc>trench</desc></wpt>
  <rte><name>access road</name>
    <rtept lat="37.40" lon="120.10"/><rtept lat="37.45" lon="120.20"/></rte>
  <trk><name>survey</name>
    <trkseg><trkpt lat="37.40" lon="120.10"/><trkpt lat="37.41" lon="120.11"/></trkseg>
    <trkseg><trkpt lat="37.42" lon="120.12"/><trkpt lat="37.43" lon="120.13"/></trkseg>
  </trk>
</gpx>"""


def test_gpx_waypoints_routes_and_tracks_are_read():
    frame = goldmap.read_features(GPX, filename="survey.gpx")
    assert frame["gpx_type"].tolist() == ["waypoint", "waypoint", "route", "track"]
    assert frame["name"].tolist() == ["钻孔 ZK01", "ZK02", "access road", "survey"]
    assert frame.geometry.geom_type.tolist() == ["Point", "Point", "LineString", "MultiLineString"]
    assert frame.geometry.iloc[3].equals(
        shapely.MultiLineString(
            [[(120.10, 37.40), (120.11, 37.41)], [(120.12, 37.42), (120.13, 37.43)]]
        )
    )
    assert frame.crs.to_epsg() == 4326
    tracks = goldmap.read_features(GPX, filename="survey.gpx", layer="tracks")
    assert tracks["gpx_type"].tolist() == ["track"]
    located = goldmap.locate(GPX, filename="survey.gpx")
    assert (located["province_zh"].astype(str) == "山东省").all()


def test_a_gpx_with_an_entity_is_refused_and_reads_nothing(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read")
    hostile = (
        f'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<gpx><wpt lat="37" lon="120"><name>&x;</name></wpt></gpx>'
    ).encode()
    with pytest.raises(InputFileError, match=r"'bad.gpx'.*entities or a DTD are refused"):
        goldmap.read_features(hostile, filename="bad.gpx")


def test_a_gpx_without_anything_or_not_gpx_says_so():
    with pytest.raises(InputFileError, match="holds no waypoint"):
        goldmap.read_features(b'<gpx version="1.1"></gpx>', filename="empty.gpx")
    with pytest.raises(InputFileError, match="not GPX"):
        goldmap.read_features(b"<kml></kml>", filename="other.gpx")


# --- Shapefiles without a .cpg -------------------------------------------------------------


def _zipped_shapefile(tmp_path: Path, names: list[str], encoding: str) -> bytes:
    frame = gpd.GeoDataFrame(
        {"name": names}, geometry=[shapely.Point(120 + i / 10, 37) for i in range(len(names))],
        crs=4326,
    )  # fmt: skip
    path = tmp_path / f"mines_{encoding}.shp"
    pyogrio.write_dataframe(frame, path, encoding=encoding)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for suffix in (".shp", ".shx", ".dbf", ".prj"):  # no .cpg, as old exports come
            archive.write(path.with_suffix(suffix), path.with_suffix(suffix).name)
    return buffer.getvalue()


@pytest.mark.parametrize("encoding", ["GBK", "UTF-8"])
def test_a_shapefile_without_cpg_has_its_chinese_names_read_right(tmp_path, encoding):
    names = ["三山岛金矿", "焦家金矿", "玲珑"]
    data = _zipped_shapefile(tmp_path, names, encoding)
    frame = goldmap.read_features(data, filename="old_export.zip")
    assert frame["name"].tolist() == names


def test_a_shapefile_without_cpg_in_another_encoding_is_refused_not_garbled(tmp_path):
    data = _zipped_shapefile(tmp_path, ["Zürich", "Café"], "cp1252")
    with pytest.raises(InputFileError, match=r"'old_export.zip'.*no \.cpg.*Add a \.cpg"):
        goldmap.read_features(data, filename="old_export.zip")


# --- Inputs that once crashed ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        (
            "line.geojson",
            b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
            b'"geometry":{"type":"LineString","coordinates":[[120,37]]}}]}',
            "Feature 1 of 'line.geojson' has an invalid geometry",
        ),
        (
            "line.kml",
            b'<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><LineString>'
            b"<coordinates>120,37</coordinates></LineString></Placemark></kml>",
            "'line.kml' has a geometry that cannot be built",
        ),
        ("inf.csv", b"lon,lat\ninf,37\n120,37.4\n", "row 1 'lon' 'inf': not a finite number"),
    ],
)
def test_a_broken_geometry_or_coordinate_is_a_message_not_a_traceback(name, data, reason):
    with pytest.raises(InputFileError, match=re.escape(reason)):
        goldmap.locate(data, filename=name)


def test_nan_or_out_of_range_points_get_a_note_and_no_distance():
    data = (
        b'{"type":"FeatureCollection","features":['
        b'{"type":"Feature","properties":{"n":"a"},"geometry":{"type":"Point","coordinates":[NaN,37]}},'
        b'{"type":"Feature","properties":{"n":"b"},"geometry":{"type":"Point","coordinates":[400,37]}},'
        b'{"type":"Feature","properties":{"n":"c"},"geometry":{"type":"Point","coordinates":[120,37.4]}}]}'
    )
    located = goldmap.locate(data, filename="mixed.geojson")
    assert located["nearest_mine_km"].isna().tolist() == [True, True, False]
    notes = located["location_note"].tolist()
    assert "not a finite number" in notes[0] and "out of range" in notes[1] and notes[2] == ""


def test_located_output_can_be_located_again_and_written():
    import pandas as pd

    once = goldmap.locate(pd.DataFrame({"lon": [120.1], "lat": [37.4]}))
    thrice = goldmap.locate(goldmap.locate(once))
    assert not thrice.columns.duplicated().any()
    assert {"province_zh", "province_zh_input", "province_zh_input2"} <= set(thrice.columns)
    assert len(goldmap.export_bytes({"located": thrice}, format="gpkg")[0]) > 0
