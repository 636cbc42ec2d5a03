"""Locating user features: hand-checked answers, every input format, clear errors."""

from __future__ import annotations

import io
import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

import goldmap
from goldmap.spatial import locate, read_features

# Hand-checked places: (lon, lat, province, county)
LAIZHOU_COAST = (120.0, 37.4, "山东省", None)  # between Sanshandao and Jiaojia, Laizhou
LHASA = (91.13, 29.65, "西藏自治区", None)
ZHENGZHOU = (113.65, 34.76, "河南省", None)


def brute_force_nearest(lon, lat):
    mines = goldmap.load("key_mines")
    geod = Geod(ellps="WGS84")
    n = len(mines)
    _, _, metres = geod.inv([lon] * n, [lat] * n, mines.geometry.x, mines.geometry.y)
    # A mine with no known position (no point) is nobody's nearest mine.
    metres = np.where(np.isfinite(metres), metres, np.inf)
    best = int(np.argmin(metres))
    return mines.iloc[best]["id"], metres[best] / 1000


def test_a_point_in_laizhou_is_in_shandong_and_the_laizhou_zhaoyuan_area():
    lon, lat, province, _ = LAIZHOU_COAST
    row = locate(pd.DataFrame({"lon": [lon], "lat": [lat]})).iloc[0]
    assert row["province_zh"] == province
    assert row["county_zh"] in {"莱州市", "招远市"}
    assert "莱州-招远" in row["development_areas"]
    assert row["exploration_areas"] == ""
    mine_id, km = brute_force_nearest(lon, lat)
    assert row["nearest_mine_id"] == mine_id
    assert row["nearest_mine_km_exact"] == pytest.approx(km, abs=0.01)
    assert km < 10


def test_nearest_mine_matches_brute_force_on_random_points():
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(80, 130, 40), rng.uniform(22, 50, 40)
    located = locate(pd.DataFrame({"lon": lon, "lat": lat}))
    for row, x, y in zip(located.itertuples(), lon, lat, strict=True):
        mine_id, km = brute_force_nearest(x, y)
        assert row.nearest_mine_id == mine_id
        assert row.nearest_mine_km_exact == pytest.approx(km, abs=0.01)


def test_provinces_of_hand_checked_cities_and_input_columns_kept():
    table = pd.DataFrame(
        {
            "name": ["Lhasa", "Zhengzhou"],
            "经度": [LHASA[0], ZHENGZHOU[0]],
            "纬度": [LHASA[1], ZHENGZHOU[1]],
        }
    )
    located = locate(table, lang="en")
    assert located["province_zh"].tolist() == ["西藏自治区", "河南省"]
    assert located["name"].tolist() == ["Lhasa", "Zhengzhou"]
    # The oracle: the area polygons themselves, tested with shapely, not through locate.
    areas = goldmap.load("exploration_areas")
    inside = areas[areas.contains(shapely.Point(LHASA[0], LHASA[1]))]
    assert located.loc[0, "exploration_areas"] == "; ".join(inside["name_en"])


def test_polygon_features_list_every_area_they_touch():
    areas = goldmap.load("development_areas").set_index("id")
    laizhou = areas.loc["dev-shandong-laizhou-zhaoyuan", "geometry"]
    polygon = gpd.GeoDataFrame({"name": ["block"]}, geometry=[laizhou.buffer(0.01)], crs=4326)
    row = locate(polygon).iloc[0]
    assert row["province_zh"] == "山东省"
    assert "山东莱州-招远" in row["development_areas"]


def test_points_at_sea_and_abroad_are_kept_with_a_note():
    table = pd.DataFrame({"lon": [119.95, 122.5, 2.35], "lat": [37.2, 36.0, 48.85]})
    located = locate(table)
    assert len(located) == 3
    assert located.loc[0, "location_note"] == ""
    assert pd.isna(located.loc[1, "province_adcode"]) and "sea" in located.loc[1, "location_note"]
    assert "outside China" in located.loc[2, "location_note"]


def test_swapped_coordinates_are_caught():
    table = pd.DataFrame({"lon": [37.2, 29.6], "lat": [120.0, 91.1]})
    with pytest.raises(goldmap.OutsideChinaError, match="swapped"):
        locate(table)


def test_points_far_from_china_are_caught():
    with pytest.raises(goldmap.OutsideChinaError, match="None of the 2"):
        locate(pd.DataFrame({"lon": [-74.0, 2.35], "lat": [40.7, 48.85]}))


# --- every input format -----------------------------------------------------------------


@pytest.fixture
def points() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": ["莱州 prospect", "拉萨 prospect"], "grade": [1.5, 2.5]},
        geometry=gpd.points_from_xy([LAIZHOU_COAST[0], LHASA[0]], [LAIZHOU_COAST[1], LHASA[1]]),
        crs="EPSG:4326",
    )


def zipped_shapefile(frame, folder):
    shp = folder / "prospects.shp"
    frame.to_file(shp, engine="pyogrio", encoding="utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in folder.glob("prospects.*"):
            archive.write(part, part.name)
    return buffer.getvalue()


KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>莱州 prospect</name>
<Point><coordinates>120.0,37.4,0</coordinates></Point></Placemark>
<Placemark><name>拉萨 prospect</name>
<Point><coordinates>91.13,29.65</coordinates></Point></Placemark>
</Document></kml>"""


@pytest.mark.parametrize("kind", ["csv", "geojson", "kml", "zip", "gpkg", "fgb", "parquet"])
def test_locate_reads_every_supported_format(kind, points, tmp_path):
    path = tmp_path / f"prospects.{kind}"
    if kind == "csv":
        table = pd.DataFrame(
            {"name": points["name"], "lng": points.geometry.x, "lat": points.geometry.y}
        )
        path.write_bytes(table.to_csv(index=False).encode("gb18030"))
    elif kind == "kml":
        path.write_text(KML, encoding="utf-8")
    elif kind == "zip":
        folder = tmp_path / "shp"
        folder.mkdir()
        path.write_bytes(zipped_shapefile(points, folder))
    elif kind == "parquet":
        points.to_parquet(path)
    else:
        points.to_file(path, engine="pyogrio")
    located = locate(path)
    assert located["name"].tolist() == ["莱州 prospect", "拉萨 prospect"]
    assert located["province_zh"].tolist() == ["山东省", "西藏自治区"]
    # Bytes plus a file name, as an upload arrives, give the same answer.
    again = locate(path.read_bytes(), filename=path.name)
    assert again["province_zh"].tolist() == ["山东省", "西藏自治区"]


def test_kml_entities_are_refused(tmp_path):
    bomb = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&lol2;</name>
<Point><coordinates>120,37</coordinates></Point></Placemark></kml>"""
    with pytest.raises(goldmap.InputFileError, match="refuses"):
        read_features(bomb.encode(), filename="bomb.kml")


def test_zip_members_escaping_the_archive_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../evil.shp", b"x")
    with pytest.raises(goldmap.InputFileError, match="outside the archive"):
        read_features(buffer.getvalue(), filename="upload.zip")


def test_shapefile_without_prj_is_explained(points, tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    data = zipped_shapefile(points, folder)
    stripped = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(stripped, "w") as dst:
        for item in src.infolist():
            if not item.filename.endswith(".prj"):
                dst.writestr(item, src.read(item))
    with pytest.raises(goldmap.InputFileError, match=r"\.prj"):
        read_features(stripped.getvalue(), filename="prospects.zip")


@pytest.mark.parametrize(
    ("content", "name", "error", "message"),
    [
        (b"a,b\n1,2\n", "t.csv", goldmap.ColumnNotFoundError, "longitude/latitude"),
        (b"lon,lat\n120,abc\n", "t.csv", goldmap.InputFileError, "non-numeric"),
        (b"lon,lat\n120,37\n", "t.docx", goldmap.InputFileError, "Unsupported file type"),
        (b"not a zip", "t.zip", goldmap.InputFileError, "damaged"),
        (b"<kml><Placemark>", "t.kml", goldmap.InputFileError, "well-formed"),
        (b"{not json", "t.geojson", goldmap.InputFileError, "Could not read"),
    ],
)
def test_bad_files_get_clear_errors(content, name, error, message):
    with pytest.raises(error, match=message):
        locate(content, filename=name)


def test_locate_does_not_change_the_callers_frame(points):
    before = points.copy()
    locate(points)
    assert points.equals(before)
    assert list(points.columns) == ["name", "grade", "geometry"]


def test_a_projected_input_is_reprojected(points):
    projected = points.to_crs(3857)
    located = locate(projected)
    assert located.crs.to_epsg() == 4326
    assert located["province_zh"].tolist() == ["山东省", "西藏自治区"]
    assert shapely.equals_exact(
        located.geometry.values, points.geometry.values, tolerance=1e-6
    ).all()
