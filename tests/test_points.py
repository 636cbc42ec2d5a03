"""Many uploaded points on the map: one canvas layer from a compact array, light pages."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

import goldmap
from goldmap.maps import make_map, to_html
from goldmap.maps.points import add_points


def _points(n: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"lon": rng.uniform(100, 120, n), "lat": rng.uniform(25, 40, n)})


def test_100k_points_make_a_page_under_10_mb_with_every_coordinate():
    table = _points(100_000)
    page = to_html(add_points(make_map([]), goldmap.read_features(table), name="samples"))
    assert len(page.encode("utf-8")) < 10 * 2**20
    arrays = re.findall(r"var xy = (\[[^\]]*\]);", page)
    assert len(arrays) == 1
    xy = np.array(json.loads(arrays[0]), dtype=float).reshape(-1, 2)
    assert len(xy) == len(table)
    # Rounded to 1e-5 degrees (about a metre), in the table's order.
    assert np.abs(xy[:, 0] - table["lon"].to_numpy()).max() <= 5e-6 + 1e-12
    assert np.abs(xy[:, 1] - table["lat"].to_numpy()).max() <= 5e-6 + 1e-12
    # No per-point HTML: the page grows by tens of bytes a point, not hundreds.
    base = len(to_html(make_map([])).encode("utf-8"))
    assert (len(page.encode("utf-8")) - base) / len(table) < 40


def test_the_points_are_a_switchable_layer_named_as_given():
    page = to_html(add_points(make_map([]), goldmap.read_features(_points(10)), name="钻孔"))
    assert '"钻孔"' in page or "\\u94bb\\u5b54" in page


def test_a_radius_must_be_positive():
    with pytest.raises(goldmap.OptionError, match="radius"):
        add_points(make_map([]), goldmap.read_features(_points(3)), name="x", radius=0)


def test_a_feature_without_coordinates_is_drawn_nowhere_and_keeps_its_row():
    import geopandas as gpd
    import shapely

    features = gpd.GeoDataFrame(
        geometry=[
            shapely.Point(120.5, 37.25),
            shapely.Point(),
            shapely.box(100, 30, 101, 31),
            None,
            shapely.Polygon(),
        ],
        crs="EPSG:4326",
    )
    page = to_html(add_points(make_map([]), features, name="x"))
    (array,) = re.findall(r"var xy = (\[[^\]]*\]);", page)
    xy = json.loads(array)  # strict JSON: no NaN token
    assert xy[:4] == [120.5, 37.25, None, None]
    assert 100 < xy[4] < 101 and 30 < xy[5] < 31  # a polygon at a point inside it
    assert xy[6:] == [None] * 4
