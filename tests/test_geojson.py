"""The packaged GeoJSON reader gives the frame geopandas' own reader would, every shape kind."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyproj
import pytest
import shapely
from shapely.geometry import shape

from goldmap._geojson import geometries_of, read_feature_collection
from goldmap._resources import data_path

WGS84 = pyproj.CRS.from_epsg(4326)
PACKAGED = sorted(p.relative_to(data_path()) for p in data_path().rglob("*.geojson"))


def _from_features(path: Path) -> gpd.GeoDataFrame:
    """What geopandas reads, columns in the order the properties first appear."""
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    frame = gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")
    order = list(dict.fromkeys(key for f in features for key in f.get("properties") or {}))
    return frame[[*order, "geometry"]]


def _assert_same_frame(ours: gpd.GeoDataFrame, theirs: gpd.GeoDataFrame) -> None:
    assert list(ours.columns) == list(theirs.columns)
    pd.testing.assert_frame_equal(
        pd.DataFrame(ours.drop(columns="geometry")), pd.DataFrame(theirs.drop(columns="geometry"))
    )
    assert ours.crs == theirs.crs
    wkb = shapely.to_wkb
    assert list(wkb(ours.geometry.values)) == list(wkb(theirs.geometry.values))


@pytest.mark.parametrize("relative", PACKAGED, ids=str)
def test_every_packaged_file_reads_as_geopandas_reads_it(relative: Path) -> None:
    path = data_path(*relative.parts)
    _assert_same_frame(read_feature_collection(path, WGS84), _from_features(path))


def _square(x: float, close: bool = True) -> list[list[float]]:
    ring = [[x, 0.0], [x + 1, 0.0], [x + 1, 1.0], [x, 1.0]]
    return [*ring, ring[0]] if close else ring


# Every kind of geometry, and what the bulk path cannot take: open rings (shapely closes
# them), mixed 2D and 3D, empty parts, collections, null geometry.
AWKWARD = [
    {"type": "Point", "coordinates": [100.0, 30.0]},
    None,
    {"type": "Point", "coordinates": [101.5, 31.25, 1200.0]},
    {"type": "LineString", "coordinates": [[100, 30], [101, 31], [102, 30.5]]},
    {"type": "MultiPoint", "coordinates": [[100, 30], [101, 31]]},
    {"type": "Polygon", "coordinates": [_square(0), _square(0.25)[::-1]]},
    {"type": "Polygon", "coordinates": [_square(5, close=False)]},
    {"type": "Polygon", "coordinates": []},
    {"type": "MultiLineString", "coordinates": [[[0, 0], [1, 1]], [[2, 2], [3, 3], [4, 2]]]},
    {"type": "MultiPolygon", "coordinates": [[_square(0)], [_square(3), _square(3.5)]]},
    {"type": "MultiPolygon", "coordinates": [[_square(9)]]},
    {
        "type": "GeometryCollection",
        "geometries": [{"type": "Point", "coordinates": [1, 2]}],
    },
]


@pytest.mark.parametrize("order", ["as listed", "reversed"])
def test_every_geometry_kind_equals_shapely_shape(order: str) -> None:
    geometries = AWKWARD if order == "as listed" else AWKWARD[::-1]
    features = [{"type": "Feature", "properties": {}, "geometry": g} for g in geometries]
    ours = geometries_of(features)
    expected = [shape(g) if g else None for g in geometries]
    assert len(ours) == len(expected)
    for got, want in zip(ours, expected, strict=True):
        if want is None:
            assert got is None
        else:
            assert shapely.to_wkb(got) == shapely.to_wkb(want), (got, want)


def test_a_file_with_gaps_reads_as_geopandas_reads_it(tmp_path: Path) -> None:
    features = [
        {"type": "Feature", "properties": {"name": "a", "n": 1}, "geometry": AWKWARD[0]},
        {"type": "Feature", "properties": None, "geometry": None},
        {"type": "Feature", "properties": {"tags": ["x", "y"], "n": 2.5}, "geometry": AWKWARD[5]},
        {"type": "Feature", "geometry": AWKWARD[3]},
    ]
    path = tmp_path / "gaps.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    ours = read_feature_collection(path, WGS84)
    _assert_same_frame(ours, _from_features(path))
    assert ours["tags"].iloc[2] == ["x", "y"]


def test_an_empty_collection_reads_as_an_empty_frame(tmp_path: Path) -> None:
    path = tmp_path / "empty.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": []}), "utf-8")
    frame = read_feature_collection(path, WGS84)
    assert len(frame) == 0 and frame.crs == WGS84 and list(frame.columns) == ["geometry"]
