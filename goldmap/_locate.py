"""Answer locate's three questions in memory: county (hence province), plan areas, nearest mine.

The engine behind :func:`goldmap.locate`, shared by its Dask path. Containment uses each
feature's representative point for the province and county (a point is its own) and the
whole geometry for the plan areas. Nearest mines are found exactly on the sphere (3-D unit
vectors in a k-d tree) and their distance is measured on the WGS84 ellipsoid.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod
from scipy.spatial import cKDTree

from goldmap.catalog import LayerGroup, layers_in, load
from goldmap.errors import OutsideChinaError

__all__ = [
    "CHINA_BOUNDS",
    "GRID_MIN_FEATURES",
    "LOCATE_COLUMNS",
    "anchor_points",
    "extent_masks",
    "locate_frame",
    "nearest_mine",
    "raise_for_extent",
]

logger = logging.getLogger(__name__)

#: Longitude/latitude box around China's territory, used to catch swapped or foreign points.
CHINA_BOUNDS = (73.0, 3.0, 136.0, 54.0)

_GEOD = Geod(ellps="WGS84")

LOCATE_COLUMNS = [
    "province_adcode",
    "province_zh",
    "province_en",
    "county_adcode",
    "county_zh",
    "exploration_areas",
    "development_areas",
    "nearest_mine_id",
    "nearest_mine_zh",
    "nearest_mine_en",
    "nearest_mine_km",
    "location_note",
]


def _in_box(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    lon0, lat0, lon1, lat1 = CHINA_BOUNDS
    return (x >= lon0) & (x <= lon1) & (y >= lat0) & (y <= lat1)


def extent_masks(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return masks of points inside China's box and of points inside it once swapped."""
    x, y = shapely.get_x(points), shapely.get_y(points)
    inside = _in_box(x, y)
    return inside, _in_box(y, x) & ~inside


def raise_for_extent(inside: int, swapped: int, total: int) -> None:
    """Raise when the counts say the coordinates are swapped or nowhere near China."""
    if total == 0:
        return
    if swapped > inside:
        raise OutsideChinaError(_swapped_message(swapped, total))
    if inside == 0:
        raise OutsideChinaError(
            f"None of the {total} feature(s) lies in or near China "
            f"(longitude {CHINA_BOUNDS[0]}-{CHINA_BOUNDS[2]}, latitude {CHINA_BOUNDS[1]}-"
            f"{CHINA_BOUNDS[3]}). Check the coordinate system: goldmap expects WGS84 degrees or "
            "a file whose CRS is declared."
        )


def _check_extent(points: np.ndarray) -> np.ndarray:
    """Return a mask of points inside China's box; raise when the input looks wrong."""
    inside, swapped = extent_masks(points)
    raise_for_extent(int(inside.sum()), int(swapped.sum()), len(points))
    return inside


def _swapped_message(count: int, total: int) -> str:
    return (
        f"{count} of {total} feature(s) have longitude and latitude swapped (their 'latitude' "
        "is between 73 and 136). Swap the columns, or pass lon='<column>', lat='<column>'."
    )


@functools.cache
def _reference() -> dict[str, Any]:
    """Build, once, the trees and arrays that every locate call queries."""
    counties = load("counties")
    mines = load("key_mines")
    areas = pd.concat([load(n) for n in layers_in(LayerGroup.PLAN_AREA)], ignore_index=True)
    return {
        "county_tree": shapely.STRtree(counties.geometry.values),
        "counties": counties.drop(columns="geometry").reset_index(drop=True),
        "area_tree": shapely.STRtree(areas.geometry.values),
        "areas": areas[["id", "kind", "name_zh", "name_en"]].reset_index(drop=True),
        "mine_tree": cKDTree(_unit_vectors(mines.geometry.x.values, mines.geometry.y.values)),
        "mines": mines[["id", "name_zh", "name_en"]].reset_index(drop=True),
        "mine_xy": np.column_stack([mines.geometry.x.values, mines.geometry.y.values]),
    }


def _unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lam, phi = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def nearest_mine(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Find the nearest key mine to each point and its geodesic distance.

    Parameters
    ----------
    lon, lat : array-like
        Coordinates in WGS84 degrees.

    Returns
    -------
    index : numpy.ndarray
        Row of the nearest mine in ``goldmap.load("key_mines")``.
    distance_km : numpy.ndarray
        Geodesic distance on the WGS84 ellipsoid, in kilometres.

    Examples
    --------
    >>> index, km = nearest_mine([120.0], [37.4])
    >>> float(km[0]) < 100
    True
    """
    ref = _reference()
    lon_arr = np.asarray(lon, dtype="float64")
    lat_arr = np.asarray(lat, dtype="float64")
    tree = ref["mine_tree"]
    # Mines located at the same gazetteer point tie: take the first row among them, so
    # the answer does not depend on the tree's internal order.
    k = min(4, tree.n)
    chord, candidates = tree.query(_unit_vectors(lon_arr, lat_arr), k=k)
    chord, candidates = chord.reshape(-1, k), candidates.reshape(-1, k)
    tied = chord == chord[:, :1]
    index = np.where(tied, candidates, tree.n).min(axis=1)
    mine_xy = ref["mine_xy"][index]
    _, _, metres = _GEOD.inv(lon_arr, lat_arr, mine_xy[:, 0], mine_xy[:, 1])
    return np.asarray(index), np.asarray(metres) / 1000.0


#: Inputs of at least this many features use the county lookup grid (building it costs
#: about a second once per process; below this size the tree alone is faster).
GRID_MIN_FEATURES = 50_000
_GRID_CELL_DEG = 0.05


@functools.cache
def county_grid() -> tuple[np.ndarray, Any]:
    """Rasterize the counties once into a lookup grid of 0.05° cells.

    A cell holds its county's row when one county covers it entirely, -1 when no county
    touches it, and -2 when a boundary crosses it (those cells are answered exactly by the
    polygon tree).
    """
    from rasterio import features, transform
    from scipy import ndimage

    lon0, lat0, lon1, lat1 = CHINA_BOUNDS
    shape = (round((lat1 - lat0) / _GRID_CELL_DEG), round((lon1 - lon0) / _GRID_CELL_DEG))
    affine = transform.from_origin(lon0, lat1, _GRID_CELL_DEG, _GRID_CELL_DEG)
    geoms = load("counties").geometry.values
    grid = features.rasterize(
        zip(geoms, range(len(geoms)), strict=True),
        out_shape=shape,
        transform=affine,
        fill=-1,
        dtype="int32",
    )
    edges = features.rasterize(
        ((g, 1) for g in shapely.boundary(geoms)),
        out_shape=shape,
        transform=affine,
        fill=0,
        all_touched=True,
        dtype="uint8",
    )
    # One cell of margin: a boundary that only grazes a cell's corner must not be missed.
    grid[ndimage.binary_dilation(edges.astype(bool))] = -2
    return grid, affine


def county_rows(anchors: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """Row of the county containing each anchor point (-1 for none)."""
    n = len(anchors)
    index = np.full(n, -1)
    exact = inside.copy()
    if inside.sum() >= GRID_MIN_FEATURES:
        grid, _ = county_grid()
        lon0, _, _, lat1 = CHINA_BOUNDS
        rows = ((lat1 - shapely.get_y(anchors[inside])) / _GRID_CELL_DEG).astype(int)
        cols = ((shapely.get_x(anchors[inside]) - lon0) / _GRID_CELL_DEG).astype(int)
        rows = np.clip(rows, 0, grid.shape[0] - 1)
        cols = np.clip(cols, 0, grid.shape[1] - 1)
        cell = grid[rows, cols]
        positions = np.flatnonzero(inside)
        index[positions] = np.where(cell >= 0, cell, -1)
        exact[positions[cell != -2]] = False
    positions = np.flatnonzero(exact)
    hits = _reference()["county_tree"].query(anchors[exact], predicate="intersects")
    # A point on a shared border meets two counties; keep the first, deterministically.
    first = pd.Series(hits[1]).groupby(hits[0]).min()
    index[positions[first.index.to_numpy()]] = first.to_numpy()
    return index


def _masked_int(values: np.ndarray, valid: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.arrays.IntegerArray(values.astype("int64"), ~valid)


def _labels(names: pd.Series, rows: np.ndarray) -> pd.Categorical:
    """Names picked by row (-1: missing) as a categorical: one string per distinct name."""
    categories, codes = np.unique(names.astype(str).to_numpy(), return_inverse=True)
    picked = np.where(rows >= 0, codes[np.maximum(rows, 0)], -1)
    return pd.Categorical.from_codes(picked, categories=pd.Index(categories))


def anchor_points(geometries: np.ndarray, empty: np.ndarray) -> np.ndarray:
    """Return each feature's representative point (a point is its own); POINT(0 0) if empty."""
    anchors = np.array(geometries, dtype=object)
    types = shapely.get_type_id(geometries)
    needs = ~empty & (types != 0)
    if needs.any():
        anchors[needs] = shapely.point_on_surface(geometries[needs])
    anchors[empty] = shapely.Point(0, 0)
    return anchors


def _join_names(pairs: np.ndarray, n: int, areas: pd.DataFrame, kind: str, lang: str) -> list[str]:
    """Return, per feature, the sorted distinct names of the areas of ``kind`` it meets."""
    of_kind = (areas["kind"] == kind).to_numpy()
    names = areas[lang].astype(str).to_numpy()
    distinct = sorted(set(names[of_kind]))
    keep = of_kind[pairs[1]]
    features, rows = pairs[0][keep], pairs[1][keep]
    if len(distinct) > 63:  # more names than bits: the plain loop
        lists: list[set[str]] = [set() for _ in range(n)]
        for feature, row in zip(features, rows, strict=True):
            lists[feature].add(str(names[row]))
        return ["; ".join(sorted(v)) for v in lists]
    # One bit per distinct name: a feature's set of names is an integer, and the few
    # distinct sets are joined once each.
    rank = {name: i for i, name in enumerate(distinct)}
    bits = np.array([1 << rank[name] if name in rank else 0 for name in names], dtype=np.uint64)
    masks = np.zeros(n, dtype=np.uint64)
    np.bitwise_or.at(masks, features, bits[rows])
    unique, inverse = np.unique(masks, return_inverse=True)
    labels = [
        "; ".join(name for i, name in enumerate(distinct) if int(mask) >> i & 1) for mask in unique
    ]
    joined: list[str] = np.asarray(labels, dtype=object)[inverse].tolist()
    return joined


def locate_frame(
    frame: gpd.GeoDataFrame, *, lang: str, check_extent: bool = True
) -> gpd.GeoDataFrame:
    """Locate the features of an EPSG:4326 frame (the work behind :func:`goldmap.locate`)."""
    frame = frame.reset_index(drop=True)
    clash = [c for c in LOCATE_COLUMNS if c in frame.columns]
    if clash:
        frame = frame.rename(columns={c: f"{c}_input" for c in clash})
    geometries = frame.geometry.values
    empty = shapely.is_empty(geometries) | shapely.is_missing(geometries)
    anchors = anchor_points(geometries, empty)
    inside = (_check_extent(anchors) if check_extent else extent_masks(anchors)[0]) & ~empty
    ref = _reference()
    n = len(frame)

    county_index = county_rows(anchors, inside)
    found = county_index >= 0
    counties = ref["counties"]
    take = np.where(found, county_index, 0)
    result = frame.copy()
    result["province_adcode"] = _masked_int(counties["province_adcode"].to_numpy()[take], found)
    result["province_zh"] = _labels(counties["province_zh"], county_index)
    result["province_en"] = _labels(counties["province_en"], county_index)
    result["county_adcode"] = _masked_int(counties["adcode"].to_numpy()[take], found)
    result["county_zh"] = _labels(counties["name_zh"], county_index)

    column = "name_zh" if lang == "zh" else "name_en"
    pairs = ref["area_tree"].query(np.where(empty, None, geometries), predicate="intersects")
    result["exploration_areas"] = _join_names(pairs, n, ref["areas"], "exploration", column)
    result["development_areas"] = _join_names(pairs, n, ref["areas"], "development", column)

    x, y = shapely.get_x(anchors), shapely.get_y(anchors)
    index, km = nearest_mine(x, y)
    mines = ref["mines"]
    usable = ~empty
    for column_name, source in (("id", "id"), ("zh", "name_zh"), ("en", "name_en")):
        result[f"nearest_mine_{column_name}"] = _labels(mines[source], np.where(usable, index, -1))
    result["nearest_mine_km"] = np.where(usable, np.round(km, 3), np.nan)
    notes = np.full(n, "", dtype=object)
    notes[~found] = "not in any county-level unit (at sea or outside China's boundary)"
    notes[~inside] = "outside China: no province or county"
    notes[empty] = "empty geometry"
    result["location_note"] = notes
    return result
