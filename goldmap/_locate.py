"""Answer locate's three questions in memory: county (hence province), plan areas, nearest mine.

The engine behind :func:`goldmap.locate`, shared by its Dask path. Containment uses each
feature's representative point for the province and county (a point is its own) and the
whole geometry for the plan areas. Nearest mines come from :mod:`goldmap._nearest_mine`,
over the mines frame each call is given.

Two lookup grids answer most points without a polygon test or a tree query: a county grid
(cells inside one county) and a mine grid (cells whose nearest mine is the same for every
point of the cell). Both only answer where the answer is certain; every other point is
tested exactly, so the grids change the time, never the answer.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from goldmap import _county_grid
from goldmap._nearest_mine import MineIndex, check_mines, mine_index, nearest_mine, nearest_rows
from goldmap._note_words import LOCATION_NOTES
from goldmap._points import CHINA_BOUNDS, anchor_points, grid_cells, in_box
from goldmap.catalog import LayerGroup, layers_in, load
from goldmap.errors import OutsideChinaError

__all__ = [
    "CHINA_BOUNDS",
    "GRID_MIN_FEATURES",
    "KM_STEP",
    "LOCATE_COLUMNS",
    "MineIndex",
    "anchor_points",
    "check_mines",
    "extent_masks",
    "locate_frame",
    "mine_index",
    "nearest_mine",
    "plan_area_names",
    "raise_for_extent",
]

logger = logging.getLogger(__name__)

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
    "nearest_mine_precision",
    "nearest_mine_uncertainty_km",
    "nearest_mine_shares_point",
    "nearest_mine_km_exact",
    "location_note",
]

#: The step, in km, that ``nearest_mine_km`` is rounded to, by the nearest mine's
#: ``location_precision``: a distance is given no finer than the mine's point supports. A
#: deposit or mine-site point is good to a kilometre or so (0.1 km); a town's point stands
#: for a township of 50-300 km² (1 km); a county stand-in, for a county of some 2,000 km²
#: (5 km); a province-only mine has no point. A mines frame without ``location_precision``
#: is rounded to 0.1 km. The geodesic value, to the metre, is ``nearest_mine_km_exact``.
KM_STEP: dict[str, float] = {
    "deposit": 0.1,
    "mine_site": 0.1,
    "town": 1.0,
    "county": 5.0,
    "province": 10.0,
}
_DEFAULT_KM_STEP = 0.1


def extent_masks(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return masks of points inside China's box and of points inside it once swapped."""
    x, y = shapely.get_x(points), shapely.get_y(points)
    inside = in_box(x, y)
    return inside, in_box(y, x) & ~inside


def raise_for_extent(inside: int, swapped: int, total: int) -> None:
    """Raise when the counts say the coordinates are swapped or nowhere near China."""
    if total == 0:
        return
    if swapped > inside:
        raise OutsideChinaError(
            _swapped_message(swapped, total), kind="swapped", count=swapped, total=total
        )
    if inside == 0:
        raise OutsideChinaError(
            f"None of the {total} feature(s) lies in or near China "
            f"(longitude {CHINA_BOUNDS[0]}-{CHINA_BOUNDS[2]}, latitude {CHINA_BOUNDS[1]}-"
            f"{CHINA_BOUNDS[3]}). Check the coordinate system: goldmap expects WGS84 degrees or "
            "a file whose CRS is declared.",
            kind="not_near_china",
            total=total,
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
    """Build, once, the trees and arrays of the packaged boundaries every locate call queries.

    County and plan-area polygons are prepared, so that a point is tested against them
    with ``shapely.intersects_xy``. The mines are not here: they are data given to each
    call (see :func:`mine_index`).
    """
    counties = load("counties")
    areas = pd.concat([load(n) for n in layers_in(LayerGroup.PLAN_AREA)], ignore_index=True)
    county_polygons = np.asarray(counties.geometry.values, dtype=object)
    area_polygons = np.asarray(areas.geometry.values, dtype=object)
    shapely.prepare(county_polygons)
    shapely.prepare(area_polygons)
    return {
        "county_tree": shapely.STRtree(county_polygons),
        "county_polygons": county_polygons,
        "counties": counties.drop(columns="geometry").reset_index(drop=True),
        "area_tree": shapely.STRtree(area_polygons),
        "area_polygons": area_polygons,
        "areas": areas[["id", "kind", "name_zh", "name_en"]].reset_index(drop=True),
    }


def plan_area_names() -> pd.DataFrame:
    """Return the plan areas locate names (``id``, ``kind``, ``name_zh``, ``name_en``)."""
    areas: pd.DataFrame = _reference()["areas"].copy()
    return areas


#: Points handled at a time where a step's temporaries grow with the input.
_CHUNK = 1 << 17


def _chunks(positions: np.ndarray) -> list[np.ndarray]:
    """``positions`` in consecutive pieces of at most :data:`_CHUNK` (bounds temporaries)."""
    return [positions[i : i + _CHUNK] for i in range(0, max(len(positions), 1), _CHUNK)]


#: Inputs of at least this many features use the county lookup grid (building it costs
#: about a second once per process; below this size the tree alone is faster).
GRID_MIN_FEATURES = 50_000
_GRID_CELL_DEG = 0.02


def county_grid() -> np.ndarray:
    """Return the county lookup grid of 0.02° cells over :data:`CHINA_BOUNDS`, north row first.

    See :mod:`goldmap._county_grid`: shipped with the counties, built when they change.
    """
    return _county_grid.county_grid(CHINA_BOUNDS, _GRID_CELL_DEG)


def _polygon_hits(
    tree: shapely.STRtree, polygons: np.ndarray, points: np.ndarray, x: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (point, polygon) of the ``points`` (at ``x, y``) inside or on a prepared polygon.

    The tree gives the pairs whose bounding boxes meet; ``intersects_xy`` on the prepared
    polygon decides (the same answer as the ``intersects`` predicate for a point).
    """
    at, rows = tree.query(points)
    keep = shapely.intersects_xy(polygons[rows], x[at], y[at])
    return at[keep], rows[keep]


def county_rows(
    anchors: np.ndarray, x: np.ndarray, y: np.ndarray, inside: np.ndarray
) -> np.ndarray:
    """Row of the county containing each anchor point (at ``x, y``; -1 for none).

    A point on a shared border meets two counties: the first row wins. Inputs of at least
    :data:`GRID_MIN_FEATURES` points inside China's box are first looked up in
    :func:`county_grid`; the points of its boundary cells, and all points of smaller
    inputs, are tested against the polygons.
    """
    index = np.full(len(x), -1, dtype=np.int32)
    exact = np.flatnonzero(inside)
    if len(exact) >= GRID_MIN_FEATURES:
        grid = county_grid()
        cells, boundary = grid.ravel(), []
        for part in _chunks(exact):
            cell = cells[grid_cells(x[part], y[part], _GRID_CELL_DEG, grid.shape)]
            index[part] = np.maximum(cell, -1)
            boundary.append(part[cell == -2])
        exact = np.concatenate(boundary)
    ref = _reference()
    tree, polygons = ref["county_tree"], ref["county_polygons"]
    points, rows = _polygon_hits(tree, polygons, anchors[exact], x[exact], y[exact])
    first = np.full(len(exact), np.iinfo(np.intp).max)
    np.minimum.at(first, points, rows)
    index[exact] = np.where(first < len(ref["county_polygons"]), first, -1)
    return index


def _masked_int(values: pd.Series, rows: np.ndarray) -> pd.arrays.IntegerArray:
    """``values`` picked by row (-1: missing) as a nullable Int64 array."""
    picked = np.concatenate([[0], values.to_numpy(dtype="int64")])[rows + 1]
    return pd.arrays.IntegerArray(picked, rows < 0)


def _labels(names: pd.Series, rows: np.ndarray) -> pd.Categorical:
    """Names picked by row (-1: missing) as a categorical: one string per distinct name."""
    categories, codes = _codes(tuple(names.astype(str).tolist()))
    return pd.Categorical.from_codes(codes[rows + 1], categories=pd.Index(categories))


@functools.lru_cache(maxsize=32)
def _codes(names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct names, and each row's code after a leading -1 (the missing row)."""
    categories, codes = np.unique(np.asarray(names, dtype=object), return_inverse=True)
    small = np.int8 if len(categories) < 2**7 else np.int16 if len(categories) < 2**15 else np.int32
    return categories, np.concatenate([[-1], codes]).astype(small)


def _strings(labels: list[str], codes: np.ndarray) -> Any:
    """Return the ``str`` column of ``labels[codes]``, taken in Arrow (no Python string per row)."""
    import pyarrow as pa

    taken = pa.array(labels, type=pa.large_string()).take(pa.array(codes))
    return pd.array(taken, dtype=pd.StringDtype(na_value=np.nan))


def _area_pairs(
    geometries: np.ndarray, anchors: np.ndarray, x: np.ndarray, y: np.ndarray, empty: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (feature, plan-area row) of the features meeting an area.

    Points are tested with ``intersects_xy`` against the prepared areas; other geometries
    (lines, polygons) with the tree's ``intersects`` predicate on their whole shape.
    """
    ref = _reference()
    tree, polygons = ref["area_tree"], ref["area_polygons"]
    point = (shapely.get_type_id(geometries) == 0) & ~empty
    if point.all():  # the common case: no copies
        features, rows = _polygon_hits(tree, polygons, anchors, x, y)
    else:
        at = np.flatnonzero(point)
        features, rows = _polygon_hits(tree, polygons, anchors[at], x[at], y[at])
        features = at[features]
    others = np.flatnonzero(~point & ~empty)
    if len(others):
        more = tree.query(geometries[others], predicate="intersects")
        features = np.concatenate([features, others[more[0]]])
        rows = np.concatenate([rows, more[1]])
    return features, rows


def _area_masks(pairs: tuple[np.ndarray, np.ndarray], n: int, count: int) -> list[int] | np.ndarray:
    """Per feature, the plan-area rows it meets (of ``count`` areas) as bits of an integer."""
    features, rows = pairs
    if count > 63:  # more rows than bits: Python integers
        masks = [0] * n
        for feature, row in zip(features.tolist(), rows.tolist(), strict=True):
            masks[feature] |= 1 << row
        return masks
    widths = (np.uint8, np.uint16, np.uint32, np.uint64)
    dtype = next(t for t in widths if np.iinfo(t).bits > count)
    bits = np.zeros(n, dtype=dtype)
    np.bitwise_or.at(bits, features, np.left_shift(1, rows).astype(dtype))
    return bits


def _join_names(masks: list[int] | np.ndarray, areas: pd.DataFrame, kind: str, lang: str) -> Any:
    """Return, per feature, the sorted distinct names of the areas of ``kind`` it meets."""
    names = areas[lang].astype(str).tolist()
    of_kind = [i for i, k in enumerate(areas["kind"]) if k == kind]
    if isinstance(masks, list):
        unique_masks, inverse = np.unique(
            np.asarray([m & sum(1 << i for i in of_kind) for m in masks], dtype=object),
            return_inverse=True,
        )
    else:
        unique_masks, inverse = _unique(masks & masks.dtype.type(sum(1 << i for i in of_kind)))
    labels = [
        "; ".join(sorted({names[i] for i in of_kind if int(mask) >> i & 1}))
        for mask in unique_masks
    ]
    return _strings(labels, inverse)


def _unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` by counting when the values are small."""
    if len(values) == 0 or int(values.max()) >= 1 << 20:
        unique, inverse = np.unique(values, return_inverse=True)
        return unique, inverse
    present = np.flatnonzero(np.bincount(values))
    lookup = np.zeros(int(present[-1]) + 1, dtype=np.int32)
    lookup[present] = np.arange(len(present))
    return present, lookup[values]


_NOTES = [LOCATION_NOTES[code][1] for code in range(len(LOCATION_NOTES))]


def _input_names(frame: pd.DataFrame) -> dict[str, str]:
    """Return new names for the input's columns that locate's answers would repeat.

    ``province_zh`` becomes ``province_zh_input``, then ``province_zh_input2`` ... so that a
    located frame can be located again with no two columns of one name.
    """
    taken = set(map(str, frame.columns)) | set(LOCATE_COLUMNS)
    names = {}
    for column in (c for c in LOCATE_COLUMNS if c in frame.columns):
        new, n = f"{column}_input", 1
        while new in taken:
            n += 1
            new = f"{column}_input{n}"
        names[column] = new
        taken.add(new)
    return names


def locate_frame(
    frame: gpd.GeoDataFrame,
    *,
    lang: str,
    mines: gpd.GeoDataFrame | None = None,
    check_extent: bool = True,
) -> gpd.GeoDataFrame:
    """Locate the features of an EPSG:4326 frame (the work behind :func:`goldmap.locate`).

    ``mines`` are the key mines to measure to (default: the packaged layer).
    """
    index = mine_index(mines)
    frame = frame.reset_index(drop=True)
    clash = _input_names(frame)
    if clash:
        frame = frame.rename(columns=clash)
    geometries = frame.geometry.values
    empty = shapely.is_empty(geometries) | shapely.is_missing(geometries)
    if empty.any() or (shapely.get_type_id(geometries) != 0).any():
        anchors = anchor_points(geometries, empty)
    else:  # points only: each is its own anchor (read, never written)
        anchors = geometries
    x, y = shapely.get_x(anchors), shapely.get_y(anchors)
    finite = np.isfinite(x) & np.isfinite(y)
    in_range = finite & (np.abs(x) <= 180) & (np.abs(y) <= 90)
    inside, swapped = in_box(x, y), in_box(y, x)
    swapped &= ~inside
    if check_extent:
        raise_for_extent(int(inside.sum()), int(swapped.sum()), len(frame))
    inside &= ~empty & in_range
    ref = _reference()

    county_index = county_rows(anchors, x, y, inside)
    found = county_index >= 0
    counties = ref["counties"]
    # Copy-on-write: new columns never reach the caller's frame.
    result = frame.copy(deep=False)
    result["province_adcode"] = _masked_int(counties["province_adcode"], county_index)
    result["province_zh"] = _labels(counties["province_zh"], county_index)
    result["province_en"] = _labels(counties["province_en"], county_index)
    result["county_adcode"] = _masked_int(counties["adcode"], county_index)
    result["county_zh"] = _labels(counties["name_zh"], county_index)

    column = "name_zh" if lang == "zh" else "name_en"
    pairs = _area_pairs(geometries, anchors, x, y, empty | ~finite)
    masks = _area_masks(pairs, len(frame), len(ref["areas"]))
    result["exploration_areas"] = _join_names(masks, ref["areas"], "exploration", column)
    result["development_areas"] = _join_names(masks, ref["areas"], "development", column)
    del masks

    usable = ~empty & in_range  # no distance from a point that is not on the globe
    _add_nearest_mines(result, index, x, y, usable, lang=lang)
    notes = np.zeros(len(frame), dtype=np.int8)
    notes[~found] = 1
    notes[~inside] = 2
    notes[~in_range] = 4
    notes[~finite] = 5
    notes[empty] = 3
    notes[_lands_in_china_swapped(x, y, swapped & ~found & ~empty & finite)] = 6
    result["location_note"] = _strings(_NOTES, notes)
    return result


def _lands_in_china_swapped(x: np.ndarray, y: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Mask of the ``candidates`` that lie in a county of China once ``x`` and ``y`` swap."""
    rows = np.flatnonzero(candidates)
    mask = np.zeros(len(x), dtype=bool)
    if len(rows):
        sx, sy = y[rows], x[rows]
        counties = county_rows(shapely.points(sx, sy), sx, sy, np.ones(len(rows), dtype=bool))
        mask[rows[counties >= 0]] = True
    return mask


def _add_nearest_mines(
    result: pd.DataFrame,
    mines: MineIndex,
    x: np.ndarray,
    y: np.ndarray,
    usable: np.ndarray,
    *,
    lang: str,
) -> None:
    """Add the nearest mine: id, names, km (rounded and exact), precision, shared point.

    Missing where not ``usable``; ``nearest_mine_km`` is rounded to the step its mine's
    precision supports (:data:`KM_STEP`).
    """
    index = np.full(len(x), -1, dtype=np.int32)
    km = np.full(len(x), np.nan)
    for part in _chunks(np.flatnonzero(usable)):
        index[part], km[part] = nearest_rows(mines, x[part], y[part])
    for column_name, source in (("id", "id"), ("zh", "name_zh"), ("en", "name_en")):
        result[f"nearest_mine_{column_name}"] = _labels(mines.mines[source], index)
    precision = mines.mines["location_precision"]
    steps = np.array([KM_STEP.get(str(p), _DEFAULT_KM_STEP) for p in precision] + [np.nan])
    step = steps[index]  # index -1 picks the trailing NaN
    result["nearest_mine_km"] = np.round(np.round(km / step) * step, 1)
    known = np.append(precision.notna().to_numpy(), False)
    rows = np.where(known[index], index, -1)
    result["nearest_mine_precision"] = _labels(precision.fillna(""), rows)
    uncertainty = np.append(mines.mines["location_uncertainty_km"].to_numpy(dtype=float), np.nan)
    result["nearest_mine_uncertainty_km"] = uncertainty[index]
    shared = mines.shared_zh if lang == "zh" else mines.shared_en
    result["nearest_mine_shares_point"] = _labels(shared, index)
    result["nearest_mine_km_exact"] = np.round(km, 3, out=km)
