"""Rasters: clip to plan areas, zonal statistics, sampling at mines, rasterizing layers.

Every raster is built here with known values (a function of the pixel centre), so each
result can be checked by an independent route: rasterio.mask over the full raster, numpy,
rasterstats, or by hand.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import rasterio.mask
import shapely
from rasterio.transform import from_origin, rowcol

import goldmap
from goldmap.crs import EQUAL_AREA_CRS
from goldmap.errors import ExportError, MissingCRSError, NameNotFoundError, RasterError
from goldmap.raster import clip, rasterize_layer, sample_at_mines, zonal_stats
from tests.prerequisites import require_module

LAIZHOU = "dev-shandong-laizhou-zhaoyuan"
RES = 0.05  # degrees
CHINA = (73.0, 17.0, 136.0, 54.0)


def lonlat_value(lon, lat):
    """The value of a pixel whose centre is at lon/lat: unique, easy to check by hand."""
    return lon * 1000.0 + lat


def write_raster(path, array, transform, crs="EPSG:4326", nodata=None):
    profile = {
        "driver": "GTiff",
        "width": array.shape[1],
        "height": array.shape[0],
        "count": 1,
        "dtype": array.dtype.name,
        "crs": crs,
        "transform": transform,
        "nodata": nodata,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(array, 1)
    return path


def centres(bounds, res):
    west, south, east, north = bounds
    width, height = round((east - west) / res), round((north - south) / res)
    lon = west + res * (np.arange(width) + 0.5)
    lat = north - res * (np.arange(height) + 0.5)
    return lon, lat, from_origin(west, north, res, res)


@pytest.fixture
def china_tif(tmp_path):
    """China at 0.05°, value = lon*1000 + lat, a nodata block over part of Laizhou-Zhaoyuan."""
    lon, lat, transform = centres(CHINA, RES)
    array = lonlat_value(lon[None, :], lat[:, None]).astype("float32")
    rows = slice(*sorted(rowcol(transform, [120.0, 120.0], [37.3, 37.0])[0]))
    cols = slice(*sorted(rowcol(transform, [120.0, 120.3], [37.0, 37.0])[1]))
    array[rows, cols] = -9999.0
    return write_raster(tmp_path / "china.tif", array, transform, nodata=-9999.0)


@pytest.fixture
def albers_tif(tmp_path):
    """China on the equal-area grid at 5 km, with NaN holes and no declared nodata."""
    res = 5000.0
    bounds = (-3_000_000.0, 1_500_000.0, 2_500_000.0, 6_200_000.0)
    x, y, transform = centres(bounds, res)
    array = (x[None, :] / 1000.0 + y[:, None] / 100.0).astype("float32")
    array[::7, ::5] = np.nan
    return write_raster(tmp_path / "albers.tif", array, transform, crs=EQUAL_AREA_CRS)


def independent_stats(path, areas):
    """Min/mean/max/count per area from rasterio.mask over the whole raster, then numpy."""
    out = []
    with rasterio.open(path) as src:
        projected = areas.to_crs(src.crs)
        for geometry in projected.geometry:
            masked, _ = rasterio.mask.mask(src, [geometry], crop=False, filled=False)
            values = masked[0].astype("float64").filled(np.nan)
            values = values[~np.isnan(values)]
            if values.size == 0:
                out.append((math.nan, math.nan, math.nan, 0))
            else:
                out.append((np.min(values), np.mean(values), np.max(values), values.size))
    return out


def plan_areas():
    return pd.concat(
        [goldmap.load("exploration_areas"), goldmap.load("development_areas")],
        ignore_index=True,
    )


# --- zonal statistics ---------------------------------------------------------------------


@pytest.mark.parametrize("raster", ["china_tif", "albers_tif"])
def test_zonal_stats_of_every_plan_area_agree_with_a_full_raster_mask(raster, request):
    path = request.getfixturevalue(raster)
    areas = plan_areas()
    table = zonal_stats(path)
    assert table["id"].tolist() == areas["id"].tolist()
    assert {"name_zh", "name_en", "min", "mean", "max", "count"} <= set(table.columns)
    expected = independent_stats(path, areas)
    for row, (lo, mean, hi, count) in zip(table.itertuples(), expected, strict=True):
        assert row.count == count > 0, row.id
        assert row.min == pytest.approx(lo)
        assert row.mean == pytest.approx(mean, rel=1e-9)
        assert row.max == pytest.approx(hi)


def test_zonal_stats_leave_out_nodata_pixels(china_tif):
    table = zonal_stats(china_tif, LAIZHOU, stats=("min", "count", "nodata"))
    row = table.iloc[0]
    assert row["nodata"] > 0
    assert row["min"] > 0  # -9999 never enters
    full = independent_stats(china_tif, plan_areas().query("id == @LAIZHOU"))[0]
    assert row["count"] == full[3]


def test_zonal_stats_agree_with_rasterstats(albers_tif):
    rasterstats = require_module("rasterstats")
    areas = plan_areas()
    ours = zonal_stats(albers_tif, stats=("min", "max", "mean", "sum", "std", "median", "count"))
    theirs = rasterstats.zonal_stats(
        list(areas.to_crs(EQUAL_AREA_CRS).geometry),
        str(albers_tif),
        stats=["min", "max", "mean", "sum", "std", "median", "count"],
        nodata=np.nan,
    )
    for row, ref in zip(ours.itertuples(), theirs, strict=True):
        assert row.count == ref["count"]
        for name in ("min", "max", "mean", "sum", "std", "median"):
            assert getattr(row, name) == pytest.approx(ref[name], rel=1e-6), (row.id, name)


def test_zonal_stats_by_hand_on_pixel_aligned_squares(tmp_path):
    # 10 x 10 pixels of 1°, value = column index; square zones on pixel edges.
    array = np.tile(np.arange(10, dtype="int16"), (10, 1))
    array[0, 0] = -1
    path = write_raster(tmp_path / "cols.tif", array, from_origin(100, 40, 1, 1), nodata=-1)
    zones = gpd.GeoDataFrame(
        {"name": ["left", "right", "corner", "far away"]},
        geometry=[
            shapely.box(100, 30, 102, 40),  # columns 0-1, 20 pixels, one nodata
            shapely.box(107, 35, 110, 37),  # columns 7-9, rows 3-4: 6 pixels
            shapely.box(100, 39, 101, 40),  # the nodata pixel alone
            shapely.box(60, 0, 61, 1),
        ],
        crs="EPSG:4326",
    )
    table = zonal_stats(path, zones, stats=("count", "nodata", "sum", "mean", "min", "max"))
    assert table["name"].tolist() == ["left", "right", "corner", "far away"]
    left, right, corner, far = (table.iloc[i] for i in range(4))
    assert (left["count"], left["nodata"], left["sum"]) == (19, 1, 10)  # 9 zeros + 10 ones
    assert (right["count"], right["sum"], right["min"], right["max"]) == (6, 48, 7, 9)
    assert right["mean"] == 8
    assert (corner["count"], corner["nodata"]) == (0, 1)
    assert math.isnan(corner["mean"])
    assert far["count"] == 0 and math.isnan(far["min"])


def test_zonal_stats_by_province_and_on_an_open_dataset(china_tif):
    with rasterio.open(china_tif) as src:
        table = zonal_stats(src, "provinces", stats=("mean",))
        assert not src.closed  # the caller's dataset stays open
    shandong = table.set_index("adcode").loc[370000, "mean"]
    assert 114_000 < shandong < 123_000  # Shandong spans about 114.8-122.7°E


def test_zonal_stats_errors_name_what_is_allowed(china_tif):
    with pytest.raises(RasterError, match="choose from min, max, mean"):
        zonal_stats(china_tif, stats=("mode",))
    with pytest.raises(RasterError, match="has bands 1 to 1"):
        zonal_stats(china_tif, band=2)


# --- clip ---------------------------------------------------------------------------------


def test_clip_keeps_the_area_pixels_and_blanks_the_rest(china_tif, tmp_path):
    out = tmp_path / "laizhou.tif"
    array, profile = clip(china_tif, LAIZHOU, out)
    area = plan_areas().query("id == @LAIZHOU").geometry.iloc[0]
    assert array.shape[0] == 1
    assert profile["crs"] == rasterio.crs.CRS.from_epsg(4326)
    # The crop is the area's bounding box on the raster's grid.
    west, south, east, north = area.bounds
    transform = profile["transform"]
    right = transform.c + array.shape[2] * RES
    bottom = transform.f - array.shape[1] * RES
    assert transform.c <= west < transform.c + RES and right - RES < east <= right
    assert transform.f - RES < north <= transform.f and bottom <= south < bottom + RES
    # Every kept pixel is the source value at its centre; pixels outside are nodata.
    rows, cols = np.indices(array.shape[1:])
    xs, ys = rasterio.transform.xy(transform, rows.ravel(), cols.ravel())
    inside = shapely.contains_xy(area, xs, ys).reshape(array.shape[1:])
    data = array[0]
    assert (data[~inside] == -9999).all()
    kept = inside & (data != -9999)
    expected = lonlat_value(np.asarray(xs), np.asarray(ys)).reshape(data.shape)
    np.testing.assert_allclose(data[kept], expected[kept], atol=0.02)
    # The file holds the same array, on the map.
    with rasterio.open(out) as written:
        assert written.crs == profile["crs"] and written.transform == transform
        assert written.nodata == -9999
        np.testing.assert_array_equal(written.read(), array)


def test_clip_by_chinese_or_english_name_and_to_your_own_polygon(albers_tif):
    by_id, _ = clip(albers_tif, LAIZHOU)
    by_zh, _ = clip(albers_tif, "山东莱州-招远")
    by_en, _ = clip(albers_tif, "Laizhou-Zhaoyuan, Shandong")
    np.testing.assert_array_equal(by_id, by_zh)
    np.testing.assert_array_equal(by_id, by_en)
    # No declared nodata on a float raster: outside pixels become NaN.
    square = shapely.box(119.0, 36.0, 120.0, 37.0)
    array, profile = clip(albers_tif, square)
    assert math.isnan(profile["nodata"]) and np.isnan(array).any()


def test_clip_refuses_to_overwrite(china_tif, tmp_path):
    out = tmp_path / "out.tif"
    clip(china_tif, LAIZHOU, out)
    with pytest.raises(ExportError, match="overwrite=True"):
        clip(china_tif, LAIZHOU, out)
    clip(china_tif, LAIZHOU, out, overwrite=True)


def test_clip_errors_say_what_is_wrong(china_tif, tmp_path):
    with pytest.raises(NameNotFoundError, match="dev-shandong-laizhou-zhaoyuan") as unknown:
        clip(china_tif, "Atlantis")
    assert "'Atlantis'" in str(unknown.value)
    with pytest.raises(RasterError, match="does not overlap"):
        clip(china_tif, shapely.box(10, 10, 11, 11))
    with pytest.raises(RasterError, match="cannot be stored in the raster's type 'float32'"):
        clip(china_tif, LAIZHOU, nodata=1e300)
    array = np.ones((4, 4), dtype="uint8")
    no_crs = write_raster(tmp_path / "nocrs.tif", array, from_origin(119, 38, 1, 1), crs=None)
    with pytest.raises(MissingCRSError, match="has no CRS"):
        clip(no_crs, LAIZHOU)
    garbage = tmp_path / "garbage.tif"
    garbage.write_bytes(b"not a raster at all")
    with pytest.raises(RasterError, match="Could not read"):
        clip(garbage, LAIZHOU)
    with pytest.raises(RasterError, match="No such raster file"):
        zonal_stats(tmp_path / "missing.tif")


# --- sampling at mines --------------------------------------------------------------------


def test_sample_at_mines_reads_the_pixel_under_each_mine(china_tif):
    mines = goldmap.load("key_mines")
    sampled = sample_at_mines(china_tif)
    assert sampled["id"].tolist() == mines["id"].tolist()
    placed = mines.geometry.notna().to_numpy()  # a mine known only to its province: NaN
    assert sampled["value"][~placed].isna().all()
    mines = mines[placed]
    with rasterio.open(china_tif) as src:
        rows, cols = rowcol(src.transform, mines.geometry.x, mines.geometry.y)
        lon, lat = rasterio.transform.xy(src.transform, rows, cols)
        data = src.read(1)
    raw = data[rows, cols]
    expected = np.where(raw == -9999, np.nan, lonlat_value(np.asarray(lon), np.asarray(lat)))
    np.testing.assert_allclose(sampled["value"][placed], expected, atol=0.02)
    assert sampled["value"].notna().any()


def test_sample_at_mines_outside_the_raster_is_nan(tmp_path):
    # A raster over Jiaodong only: mines elsewhere get NaN, Jiaodong mines a value.
    lon, lat, transform = centres((119.0, 36.0, 122.0, 38.0), 0.01)
    array = lonlat_value(lon[None, :], lat[:, None]).astype("float64")
    path = write_raster(tmp_path / "jiaodong.tif", array, transform)
    sampled = sample_at_mines(path)
    sampled = sampled[sampled.geometry.notna()]  # a mine with no point is NaN everywhere
    x, y = sampled.geometry.x, sampled.geometry.y
    inside = (x > 119) & (x < 122) & (y > 36) & (y < 38)
    assert inside.any() and (~inside).any()
    assert sampled.loc[inside, "value"].notna().all()
    assert sampled.loc[~inside, "value"].isna().all()
    np.testing.assert_allclose(
        sampled.loc[inside, "value"], lonlat_value(x[inside], y[inside]), atol=10.0
    )


# --- rasterize ----------------------------------------------------------------------------


def test_rasterize_key_mines_counts_each_mine_in_its_cell(tmp_path):
    mines = goldmap.load("key_mines")
    mines = mines[mines.geometry.notna()]  # a mine known only to its province is not counted
    path = rasterize_layer("key_mines", tmp_path / "density.tif", resolution_deg=0.5)
    with rasterio.open(path) as src:
        counts = src.read(1)
        assert src.crs.to_epsg() == 4326
        assert src.res == (0.5, 0.5)
        rows, cols = rowcol(src.transform, mines.geometry.x, mines.geometry.y)
    assert counts.sum() == len(mines)
    expected = np.zeros_like(counts)
    np.add.at(expected, (np.asarray(rows), np.asarray(cols)), 1)
    np.testing.assert_array_equal(counts, expected)
    assert counts.max() >= 2  # Jiaodong's mines share cells


def test_rasterize_on_the_equal_area_grid_sums_a_column(tmp_path):
    points = gpd.GeoDataFrame(
        {"tonnes": [1.5, 2.0, 4.0]},
        geometry=[
            shapely.Point(120.0, 37.0),
            shapely.Point(120.001, 37.001),
            shapely.Point(90, 30),
        ],
        crs="EPSG:4326",
    )
    path = rasterize_layer(points, tmp_path / "t.tif", resolution_m=10_000, value="tonnes")
    with rasterio.open(path) as src:
        assert src.crs == rasterio.crs.CRS.from_string(EQUAL_AREA_CRS)
        assert src.res == (10_000, 10_000)
        data = src.read(1)
        xy = points.to_crs(EQUAL_AREA_CRS).geometry
        rows, cols = rowcol(src.transform, xy.x, xy.y)
    expected = np.full(data.shape, np.nan)
    for row, col, tonnes in zip(rows, cols, points["tonnes"], strict=True):
        expected[row, col] = np.nan_to_num(expected[row, col]) + tonnes
    np.testing.assert_array_equal(data, expected)
    assert np.nansum(data) == 7.5
    assert (data == 3.5).sum() == 1  # the two nearby points share a cell


def test_rasterize_checks_its_options(tmp_path):
    with pytest.raises(RasterError, match="not both"):
        rasterize_layer("key_mines", tmp_path / "a.tif", resolution_deg=0.1, resolution_m=1e4)
    with pytest.raises(RasterError, match="numeric column"):
        rasterize_layer("key_mines", tmp_path / "a.tif", value="name_zh")
    path = rasterize_layer("key_mines", tmp_path / "a.tif", bounds=(119, 36, 122, 38))
    with rasterio.open(path) as src:
        jiaodong = goldmap.load("key_mines").cx[119:122, 36:38]
        assert src.read(1).sum() == len(jiaodong)
    with pytest.raises(ExportError, match="overwrite=True"):
        rasterize_layer("key_mines", path)


def test_a_south_up_raster_gives_the_same_answers(china_tif, tmp_path):
    # NetCDF-style grids often store the southernmost row first (positive pixel height).
    with rasterio.open(china_tif) as src:
        flipped = src.read(1)[::-1].copy()
        west, south = src.bounds.left, src.bounds.bottom
        nodata = src.nodata
    south_up = rasterio.Affine(RES, 0, west, 0, RES, south)
    path = write_raster(tmp_path / "south_up.tif", flipped, south_up, nodata=nodata)
    stats = ("min", "mean", "max", "count", "nodata")
    pd.testing.assert_frame_equal(
        zonal_stats(path, stats=stats), zonal_stats(china_tif, stats=stats)
    )
    np.testing.assert_array_equal(
        sample_at_mines(path)["value"].to_numpy(), sample_at_mines(china_tif)["value"].to_numpy()
    )
    # The clip keeps the raster's orientation: its rows run south to north.
    flipped_clip, profile = clip(path, LAIZHOU)
    assert profile["transform"].e > 0
    np.testing.assert_array_equal(flipped_clip[:, ::-1], clip(china_tif, LAIZHOU)[0])


def test_clip_of_an_integer_raster_without_nodata_uses_the_type_maximum(tmp_path):
    array = np.full((40, 60), 7, dtype="uint8")
    path = write_raster(tmp_path / "classes.tif", array, from_origin(119, 38, 0.05, 0.05))
    clipped, profile = clip(path, LAIZHOU)
    assert profile["nodata"] == 255 and profile["dtype"] == "uint8"
    assert set(np.unique(clipped)) == {7, 255}
    with pytest.raises(RasterError, match="cannot be stored"):
        clip(path, LAIZHOU, nodata=math.nan)


# --- zonal statistics: the labelled pass ---------------------------------------------------

ALL_STATS = ("min", "max", "mean", "sum", "std", "median", "range", "count", "nodata")
JIAODONG = (119.0, 35.0, 123.0, 38.5)  # west, south, east, north


def jiaodong_tif(path, *, south_up=False, dtype="float32"):
    """Eastern Shandong at 0.01°: values vary per pixel, a nodata block, NaN holes."""
    lon, lat, transform = centres(JIAODONG, 0.01)
    array = lonlat_value(lon[None, :], lat[:, None]) % 997.0
    rng = np.random.default_rng(3)
    array[rng.random(array.shape) < 0.02] = -9999.0
    array[40:90, 150:260] = -9999.0
    if dtype == "float32":
        array = array.astype("float32")
        array[rng.random(array.shape) < 0.02] = np.nan
    else:
        array = np.round(array).astype(dtype)
    if south_up:
        west, south = JIAODONG[0], JIAODONG[1]
        array, transform = array[::-1].copy(), rasterio.Affine(0.01, 0, west, 0, 0.01, south)
    return write_raster(path, array, transform, nodata=-9999.0)


def jiaodong_zones():
    """Real counties (they tile, some run off the raster) and awkward zones of every kind."""
    counties = goldmap.load("counties")
    counties = counties[counties.intersects(shapely.box(*JIAODONG))][["adcode", "geometry"]]
    extra = gpd.GeoDataFrame(
        {"adcode": [-1, -2, -3, -4, -5, -6, -7]},
        geometry=[
            shapely.box(120.0, 36.0, 121.0, 37.0),  # overlaps counties and the next box
            shapely.box(120.5, 36.5, 121.5, 37.5),
            shapely.box(60.0, 10.0, 61.0, 11.0),  # outside the raster
            shapely.box(120.0012, 36.0012, 120.0038, 36.0038),  # inside one pixel, no centre
            shapely.box(120.004, 36.004, 120.006, 36.006),  # smaller than a pixel, one centre
            shapely.MultiPolygon(
                [shapely.box(119.1, 35.1, 119.2, 35.2), shapely.box(122.8, 38.3, 123.2, 38.7)]
            ),
            shapely.Polygon(),  # empty
        ],
        crs="EPSG:4326",
    )
    return pd.concat([counties, extra], ignore_index=True)


def both_paths(monkeypatch, path, zones, stats=ALL_STATS):
    from goldmap import _zonal

    results = []
    for labelled in (True, False):
        monkeypatch.setattr(_zonal, "prefer_labelled", lambda *args, choice=labelled: choice)
        results.append(zonal_stats(path, zones, stats=stats))
    return results


def assert_same_stats(labelled, per_zone, stats=ALL_STATS):
    for name in ("count", "nodata"):
        np.testing.assert_array_equal(labelled[name], per_zone[name], err_msg=name)
    for name in ("min", "max", "median", "range"):
        if name in stats:
            np.testing.assert_array_equal(labelled[name], per_zone[name], err_msg=name)
    for name in ("mean", "sum", "std"):
        if name in stats:
            np.testing.assert_allclose(labelled[name], per_zone[name], rtol=1e-9, err_msg=name)


@pytest.mark.parametrize("south_up", [False, True], ids=["north-up", "south-up"])
def test_the_labelled_pass_agrees_with_the_zone_by_zone_path(tmp_path, monkeypatch, south_up):
    path = jiaodong_tif(tmp_path / "jiaodong.tif", south_up=south_up)
    zones = jiaodong_zones()
    labelled, per_zone = both_paths(monkeypatch, path, zones)
    assert_same_stats(labelled, per_zone)
    by_code = labelled.set_index("adcode")
    assert by_code.loc[-3, "count"] == by_code.loc[-4, "count"] == 0  # outside; no centre
    assert by_code.loc[-5, "count"] + by_code.loc[-5, "nodata"] == 1
    assert by_code.loc[-7, "count"] == 0 and math.isnan(by_code.loc[-7, "mean"])
    assert (labelled["nodata"] > 0).sum() > 10 and (labelled["count"] > 1000).sum() > 10


def test_the_labelled_pass_agrees_on_an_integer_raster(tmp_path, monkeypatch):
    path = jiaodong_tif(tmp_path / "jiaodong_int.tif", dtype="int16")
    labelled, per_zone = both_paths(monkeypatch, path, jiaodong_zones())
    assert_same_stats(labelled, per_zone)
    assert labelled["min"].min() >= 0  # -9999 never enters


@pytest.mark.filterwarnings("ignore:Warning. converting a masked element:UserWarning")
def test_the_labelled_pass_agrees_with_rasterstats(tmp_path, monkeypatch):
    rasterstats = require_module("rasterstats")
    from goldmap import _zonal

    monkeypatch.setattr(_zonal, "prefer_labelled", lambda *args: True)
    path = jiaodong_tif(tmp_path / "jiaodong.tif")
    zones = jiaodong_zones().iloc[:-1]  # rasterstats fails on an empty polygon
    stats = ["min", "max", "mean", "sum", "std", "median", "count", "nodata"]
    ours = zonal_stats(path, zones, stats=stats)
    theirs = pd.DataFrame(rasterstats.zonal_stats(list(zones.geometry), str(path), stats=stats))
    np.testing.assert_array_equal(ours["count"], theirs["count"].fillna(0))
    for name in ("min", "max", "mean", "sum", "std", "median"):
        np.testing.assert_allclose(ours[name], theirs[name].astype(float), rtol=1e-6)


def test_zones_sharing_pixels_are_computed_zone_by_zone(tmp_path):
    from goldmap import _zonal

    path = jiaodong_tif(tmp_path / "jiaodong.tif")
    zones = jiaodong_zones()
    geometries = zones.geometry.to_numpy()
    counties = geometries[zones["adcode"].to_numpy() > 0]
    boxes = set(np.flatnonzero(zones["adcode"].isin([-1, -2])).tolist())
    with rasterio.open(path) as src:
        _, again = _zonal.labelled_stats(
            src, counties, _zonal.zone_windows(src, counties), 1, ("count",)
        )
        assert again.size == 0  # counties tile: one labelled pass settles them all
        _, again = _zonal.labelled_stats(
            src, geometries, _zonal.zone_windows(src, geometries), 1, ("count",)
        )
    assert boxes <= set(again.tolist())  # the two boxes overlap each other and counties
    settled = np.flatnonzero(zones["adcode"].isin([-3, -7]))  # outside the raster; empty
    assert not set(again.tolist()) & set(settled.tolist())


def test_the_labelled_pass_is_chosen_for_many_zones_only():
    from types import SimpleNamespace

    from goldmap import _zonal

    big = SimpleNamespace(width=10_000, height=10_000, dtypes=["float32"])
    counties = np.array(
        [[r, r + 40, c, c + 40] for r in range(0, 10_000, 200) for c in range(0, 10_000, 200)]
    )  # 2,500 small zones
    two_areas = np.array([[0, 500, 0, 500], [0, 500, 9_000, 9_500]])  # far apart, one strip
    assert _zonal.prefer_labelled(big, counties, 1, ("mean",), False)
    assert not _zonal.prefer_labelled(big, two_areas, 1, ("mean",), False)
    assert not _zonal.prefer_labelled(big, counties, 1, ("mean",), True)  # all_touched
    tiles = counties + np.array([0, 160, 0, 160])  # 2,500 zones tiling the raster
    assert _zonal.prefer_labelled(big, tiles, 1, ("mean",), False)
    assert not _zonal.prefer_labelled(big, tiles, 1, ("median",), False)  # 100 M values


def test_the_labelled_pass_honours_a_mask_band(tmp_path, monkeypatch):
    lon, lat, transform = centres(JIAODONG, 0.01)
    array = (lonlat_value(lon[None, :], lat[:, None]) % 251).astype("uint8")
    mask = np.full(array.shape, 255, dtype="uint8")
    mask[100:200, 50:300] = 0  # masked out, whatever the values there
    path = write_raster(tmp_path / "masked.tif", array, transform)
    with rasterio.Env(GDAL_TIFF_INTERNAL_MASK=True), rasterio.open(path, "r+") as dst:
        dst.write_mask(mask)
    labelled, per_zone = both_paths(monkeypatch, path, jiaodong_zones())
    assert_same_stats(labelled, per_zone)
    assert labelled["nodata"].sum() > 0
