"""The official boundary layers: complete, valid, nested, and their display copies faithful."""

from __future__ import annotations

import json

import pytest
import shapely

import goldmap
from goldmap._resources import data_path
from goldmap.crs import EQUAL_AREA_CRS


@pytest.fixture(scope="module")
def provinces():
    return goldmap.load("provinces")


@pytest.fixture(scope="module")
def counties():
    return goldmap.load("counties")


def display_tolerance_m(layer: str) -> float:
    manifest = json.loads(data_path("boundaries", "manifest.json").read_text(encoding="utf-8"))
    return float(manifest["display_simplification"]["tolerance_m"][layer])


@pytest.mark.parametrize("name", ["provinces", "counties"])
@pytest.mark.parametrize("simplified", [False, True])
def test_boundaries_are_valid_wgs84_and_fully_attributed(name, simplified):
    frame = goldmap.load(name, simplified=simplified)
    assert frame.crs.to_epsg() == 4326
    assert frame.geometry.is_valid.all()
    assert not frame.geometry.is_empty.any()
    assert frame["adcode"].is_unique
    for column in ("adcode", "name_zh", "name_zh_short", "name_en"):
        assert frame[column].notna().all(), column
    lon_min, lat_min, lon_max, lat_max = frame.total_bounds
    assert lon_min > 73 and lon_max < 136 and lat_min > 3 and lat_max < 54


def test_34_province_level_units(provinces):
    assert len(provinces) == 34
    assert set(provinces["adcode"] % 10000) == {0}
    assert {"内蒙古自治区", "西藏自治区", "台湾省", "香港特别行政区"} <= set(provinces["name_zh"])


def test_every_county_level_unit_of_the_source_is_present(counties):
    import pandas as pd

    source = pd.read_parquet(data_path("boundaries", "counties.parquet"), columns=["adcode"])
    assert len(counties) == len(source) > 2800
    assert {"prefecture_zh", "prefecture_adcode", "province_zh", "province_adcode"} <= set(
        counties.columns
    )
    assert counties["province_adcode"].isin(goldmap.load("provinces")["adcode"]).all()


def test_counties_nest_in_their_province(provinces, counties):
    parents = provinces.set_index("adcode").geometry.reindex(counties["province_adcode"]).values
    outside = shapely.area(shapely.difference(counties.geometry.values, parents))
    share = outside / shapely.area(counties.geometry.values)
    assert share.max() < 0.005


@pytest.mark.parametrize("name", ["provinces", "counties"])
def test_display_copy_stays_within_the_tolerance_and_keeps_shared_edges(name):
    tolerance = display_tolerance_m(name)
    full = goldmap.load(name).to_crs(EQUAL_AREA_CRS)
    light = goldmap.load(name, simplified=True).to_crs(EQUAL_AREA_CRS)
    assert list(full["adcode"]) == list(light["adcode"])
    # Each simplified shape lies within the tolerance of its full-detail shape.
    stray = shapely.difference(light.geometry.values, full.buffer(tolerance * 1.01).values)
    assert (shapely.area(stray) < 1.0).all()
    # Coverage is preserved: neighbours do not overlap, so summed area equals the union's.
    summed = light.area.sum()
    union = shapely.union_all(light.geometry.values).area
    assert summed == pytest.approx(union, rel=1e-4)
    # And the display copy is actually lighter.
    assert (
        shapely.get_num_coordinates(light.geometry.values).sum()
        < shapely.get_num_coordinates(full.geometry.values).sum()
    )


def test_simplified_counties_nest_in_their_province_up_to_the_tolerance():
    tolerance = display_tolerance_m("counties")
    provinces = goldmap.load("provinces").to_crs(EQUAL_AREA_CRS)
    counties = goldmap.load("counties", simplified=True).to_crs(EQUAL_AREA_CRS)
    grown = provinces.set_index("adcode").buffer(tolerance).reindex(counties["province_adcode"])
    outside = shapely.area(shapely.difference(counties.geometry.values, grown.values))
    assert (outside / counties.area.values).max() < 0.001


def test_load_returns_a_fresh_copy_each_time():
    first = goldmap.load("provinces")
    first.loc[0, "name_zh"] = "changed"
    del first["name_en"]
    second = goldmap.load("provinces")
    assert second.loc[0, "name_zh"] == "北京市"
    assert "name_en" in second.columns


def test_unknown_layer_names_the_available_ones():
    with pytest.raises(goldmap.LayerNotFoundError, match="key_mines") as info:
        goldmap.load("mines")
    assert "'mines'" in str(info.value)


def test_layers_lists_every_loadable_layer():
    names = goldmap.layers()
    assert {"key_mines", "exploration_areas", "development_areas", "provinces", "counties"} <= set(
        names
    )
    for name in names:
        assert goldmap.load(name).crs.to_epsg() == 4326
