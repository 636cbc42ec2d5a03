"""Answer ``goldmap.locate``'s questions without goldmap's code: the baselines it is timed against.

Two baselines, both built only on goldmap's public data (``goldmap.load``):

- :func:`hand_tuned_locate`, an exact shapely 2 pipeline written for speed: an STRtree
  bounding-box query of the county polygons, then ``shapely.intersects_xy`` on *prepared*
  polygons (the county gives the province through the counties' province columns); the
  same for the plan areas; a ``cKDTree`` on 3-D unit vectors of the de-duplicated mine
  points gives the sphere-nearest few (a duplicated point answers with its first mine
  row), and ``pyproj.Geod.inv`` on WGS84 measures those that may be the nearest on the
  ellipsoid (within a factor (1 - e²)^-1.5 of the sphere-nearest angle); the least
  geodesic km wins, on a tie the first mine row. It gives goldmap's answers on every point
  and the same columns.
- :func:`geopandas_locate`, what a geopandas user would write for the same three answers:
  ``sjoin`` to the counties, ``sjoin`` to the plan areas, ``sjoin_nearest`` in an equal-area
  CRS, then ``Geod.inv`` for the geodesic km. Its nearest mine is planar (Albers), so it may
  differ from the geodesic nearest for a few points; the benchmark counts them.

:func:`sjoin_counties` is the one-question baseline of the memory figure, and
:func:`random_points` the seeded input every benchmark and test uses.
"""

from __future__ import annotations

import functools
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod
from scipy.spatial import cKDTree

import goldmap
from goldmap.spatial import KM_STEP

#: Asia North Albers Equal Area Conic on WGS84 (ESRI:102025), as a PROJ string.
EQUAL_AREA = "+proj=aea +lat_0=30 +lon_0=95 +lat_1=15 +lat_2=65 +datum=WGS84 +units=m +no_defs"
#: goldmap's box around China: points outside it get no province or county.
CHINA_BOUNDS = (73.0, 3.0, 136.0, 54.0)
_GEOD = Geod(ellps="WGS84")
#: A mine farther than this factor times the sphere-nearest mine's central angle cannot be
#: the nearest on WGS84: the ellipsoid's scale over the unit sphere of geodetic latitudes
#: lies between a(1 - e²) (meridian, equator) and a / √(1 - e²) (poles).
_SPHERE_SLACK = (1.0 - _GEOD.es) ** -1.5
#: The answers compared point by point (and the exact geodesic km within 1e-6 km).
ANSWERS = (
    "province_adcode",
    "county_adcode",
    "exploration_areas",
    "development_areas",
    "nearest_mine_id",
)
_NOTE_SEA = "not in any county-level unit (at sea or outside China's boundary)"
_NOTE_OUTSIDE = "outside China: no province or county"


def random_points(n: int, *, seed: int = 20250101) -> gpd.GeoDataFrame:
    """Return ``n`` seeded uniform random points over China's bounding box, with an ``id``."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(73.5, 135.1, n)
    y = rng.uniform(18.0, 53.6, n)
    return gpd.GeoDataFrame(
        {"id": np.arange(n)}, geometry=gpd.points_from_xy(x, y), crs="EPSG:4326"
    )


def _unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lam, phi = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def _tree(geometries: Any) -> tuple[shapely.STRtree, np.ndarray]:
    polygons = np.asarray(geometries, dtype=object)
    shapely.prepare(polygons)
    return shapely.STRtree(polygons), polygons


@functools.cache
def _reference() -> dict[str, Any]:
    """Load goldmap's layers once and build the trees (not timed: both sides warm up)."""
    counties = goldmap.load("counties")
    areas = pd.concat(
        [goldmap.load("exploration_areas"), goldmap.load("development_areas")], ignore_index=True
    )
    mines = goldmap.load("key_mines")
    county_tree, county_polygons = _tree(counties.geometry.values)
    area_tree, area_polygons = _tree(areas.geometry.values)
    xy = np.column_stack([mines.geometry.x.to_numpy(), mines.geometry.y.to_numpy()])
    # A mine known only to its province has no point: it can be nobody's nearest mine.
    known = np.flatnonzero(np.isfinite(xy).all(axis=1))
    _, first = np.unique(xy[known], axis=0, return_index=True)
    distinct = known[np.sort(first)]  # the first mine row of each distinct point
    return {
        "counties": counties.drop(columns="geometry").reset_index(drop=True),
        "county_tree": county_tree,
        "county_polygons": county_polygons,
        "areas": areas[["kind", "name_zh", "name_en"]].reset_index(drop=True),
        "area_tree": area_tree,
        "area_polygons": area_polygons,
        "mines": mines[
            [
                "id",
                "name_zh",
                "name_en",
                "location_precision",
                "location_uncertainty_km",
                "shares_point_with",
            ]
        ].reset_index(drop=True),
        "mine_rows": distinct,
        "mine_xy": xy[distinct],
        "mine_tree": cKDTree(_unit_vectors(xy[distinct, 0], xy[distinct, 1])),
    }


def _hits(tree: shapely.STRtree, polygons: np.ndarray, points: np.ndarray, x, y):  # type: ignore[no-untyped-def]
    """Pairs (point, polygon) whose bounding boxes meet and whose shapes intersect."""
    point_rows, polygon_rows = tree.query(points)
    keep = shapely.intersects_xy(polygons[polygon_rows], x[point_rows], y[point_rows])
    return point_rows[keep], polygon_rows[keep]


def _categorical(names: pd.Series, rows: np.ndarray) -> pd.Categorical:
    categories, codes = np.unique(names.astype(str).to_numpy(), return_inverse=True)
    picked = np.where(rows >= 0, codes[np.maximum(rows, 0)], -1)
    return pd.Categorical.from_codes(picked, categories=pd.Index(categories))


def _names(points: np.ndarray, rows: np.ndarray, n: int, names: np.ndarray) -> np.ndarray:
    """Per point, the sorted distinct names of the areas it meets, joined by "; "."""
    distinct = sorted(set(names.tolist()))
    rank = {name: i for i, name in enumerate(distinct)}
    bits = np.array([1 << rank[name] for name in names], dtype=np.uint64)
    masks = np.zeros(n, dtype=np.uint64)
    np.bitwise_or.at(masks, points, bits[rows])
    unique, inverse = np.unique(masks, return_inverse=True)
    labels = ["; ".join(s for i, s in enumerate(distinct) if int(m) >> i & 1) for m in unique]
    return np.asarray(labels, dtype=object)[inverse]


def _within_reach(chord: np.ndarray) -> np.ndarray:
    """Chord beyond which no mine can be geodesic-nearer than one at ``chord``."""
    angle = 2.0 * np.arcsin(np.minimum(chord / 2.0, 1.0)) * _SPHERE_SLACK
    return 2.0 * np.sin(np.minimum(angle, np.pi) / 2.0) * (1.0 + 1e-9) + 1e-12


def _geodesic_nearest(tree: cKDTree, mine_xy: np.ndarray, x: np.ndarray, y: np.ndarray):  # type: ignore[no-untyped-def]
    """Per point, the distinct mine nearest on WGS84 (ties: the lowest, i.e. first, row)."""
    vectors = _unit_vectors(x, y)
    k = min(4, tree.n)
    chord, entry = tree.query(vectors, k=[*range(1, k + 1)])
    reach = _within_reach(chord[:, 0])
    nearest = entry[:, 0].copy()
    open_ended = (chord[:, -1] <= reach) & (k < tree.n)  # more may lie within reach
    ambiguous = np.flatnonzero((chord[:, min(1, k - 1)] <= reach) & ~open_ended & (k > 1))
    rows, cols = np.nonzero(chord[ambiguous] <= reach[ambiguous, None])
    point, mine = ambiguous[rows], entry[ambiguous[rows], cols]
    rest = np.flatnonzero(open_ended)
    if len(rest):
        chord_all, entry_all = tree.query(vectors[rest], k=[*range(1, tree.n + 1)])
        rows, cols = np.nonzero(chord_all <= _within_reach(chord_all[:, 0])[:, None])
        point = np.concatenate([point, rest[rows]])
        mine = np.concatenate([mine, entry_all[rows, cols]])
    _, _, metres = _GEOD.inv(x[point], y[point], mine_xy[mine, 0], mine_xy[mine, 1])
    order = np.lexsort((mine, np.asarray(metres), point))  # by point, then km, then row
    lead = np.ones(len(order), dtype=bool)
    lead[1:] = point[order][1:] != point[order][:-1]
    nearest[point[order][lead]] = mine[order][lead]
    return nearest


def hand_tuned_locate(points: gpd.GeoDataFrame, *, lang: str = "zh") -> gpd.GeoDataFrame:
    """Locate points as ``goldmap.locate`` does, with a hand-tuned shapely 2 pipeline.

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Points in EPSG:4326, none empty.
    lang : {"zh", "en"}, default "zh"
        Language of the plan-area names.

    Returns
    -------
    geopandas.GeoDataFrame
        The input plus goldmap's ``locate`` columns, with the same values.
    """
    ref = _reference()
    n = len(points)
    result = points.reset_index(drop=True)
    geometries = result.geometry.values
    x, y = shapely.get_x(geometries), shapely.get_y(geometries)
    lon0, lat0, lon1, lat1 = CHINA_BOUNDS
    inside = (x >= lon0) & (x <= lon1) & (y >= lat0) & (y <= lat1)

    county = np.full(n, np.iinfo(np.int64).max)
    rows, polygons = _hits(ref["county_tree"], ref["county_polygons"], geometries, x, y)
    keep = inside[rows]
    np.minimum.at(county, rows[keep], polygons[keep])  # on a shared border: the first row
    found = county < len(ref["county_polygons"])
    county = np.where(found, county, -1)
    take = np.maximum(county, 0)
    counties = ref["counties"]
    result = result.copy()
    result["province_adcode"] = pd.arrays.IntegerArray(
        counties["province_adcode"].to_numpy()[take].astype("int64"), ~found
    )
    result["province_zh"] = _categorical(counties["province_zh"], county)
    result["province_en"] = _categorical(counties["province_en"], county)
    result["county_adcode"] = pd.arrays.IntegerArray(
        counties["adcode"].to_numpy()[take].astype("int64"), ~found
    )
    result["county_zh"] = _categorical(counties["name_zh"], county)

    areas = ref["areas"]
    rows, polygons = _hits(ref["area_tree"], ref["area_polygons"], geometries, x, y)
    names = areas["name_zh" if lang == "zh" else "name_en"].astype(str).to_numpy()
    for kind in ("exploration", "development"):
        of_kind = (areas["kind"] == kind).to_numpy()
        keep = of_kind[polygons]
        # Re-number the areas of this kind 0..k-1 so that their names index one table.
        local = np.cumsum(of_kind) - 1
        result[f"{kind}_areas"] = _names(rows[keep], local[polygons[keep]], n, names[of_kind])

    nearest = _geodesic_nearest(ref["mine_tree"], ref["mine_xy"], x, y)
    mine = ref["mine_rows"][nearest]
    mine_xy = ref["mine_xy"][nearest]
    _, _, metres = _GEOD.inv(x, y, mine_xy[:, 0], mine_xy[:, 1])
    mines = ref["mines"]
    result["nearest_mine_id"] = _categorical(mines["id"], mine)
    result["nearest_mine_zh"] = _categorical(mines["name_zh"], mine)
    result["nearest_mine_en"] = _categorical(mines["name_en"], mine)
    km = np.asarray(metres) / 1000.0
    step = mines["location_precision"].map(KM_STEP).to_numpy(float)[mine]
    result["nearest_mine_km"] = np.round(np.round(km / step) * step, 1)
    result["nearest_mine_precision"] = _categorical(mines["location_precision"], mine)
    result["nearest_mine_uncertainty_km"] = mines["location_uncertainty_km"].to_numpy(float)[mine]
    by_id = mines.set_index("id")["name_zh" if lang == "zh" else "name_en"]
    shared = mines["shares_point_with"].map(lambda ids: "; ".join(by_id[i] for i in ids))
    result["nearest_mine_shares_point"] = _categorical(shared, mine)
    result["nearest_mine_km_exact"] = np.round(km, 3)
    notes = np.full(n, "", dtype=object)
    notes[~found] = _NOTE_SEA
    notes[~inside] = _NOTE_OUTSIDE
    result["location_note"] = notes
    return result


@functools.cache
def _geopandas_reference() -> dict[str, gpd.GeoDataFrame]:
    counties = goldmap.load("counties")[
        ["adcode", "name_zh", "province_adcode", "province_zh", "province_en", "geometry"]
    ]
    areas = pd.concat(
        [goldmap.load("exploration_areas"), goldmap.load("development_areas")], ignore_index=True
    )[["kind", "name_zh", "name_en", "geometry"]]
    mines = goldmap.load("key_mines")[["id", "name_zh", "name_en", "geometry"]]
    return {"counties": counties, "areas": areas, "mines": mines}


def geopandas_locate(points: gpd.GeoDataFrame, *, lang: str = "zh") -> gpd.GeoDataFrame:
    """Answer the same three questions as a geopandas user would, with sjoin and sjoin_nearest.

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Points in EPSG:4326.
    lang : {"zh", "en"}, default "zh"
        Language of the plan-area names.

    Returns
    -------
    geopandas.GeoDataFrame
        The input plus county, province, plan areas, nearest mine and geodesic km.
    """
    ref = _geopandas_reference()
    points = points.reset_index(drop=True)
    joined = gpd.sjoin(points, ref["counties"], how="left", predicate="intersects")
    joined = joined.sort_values("index_right", kind="stable")
    joined = joined[~joined.index.duplicated(keep="first")].sort_index()
    result = joined.drop(columns="index_right").rename(
        columns={"adcode": "county_adcode", "name_zh": "county_zh"}
    )

    column = "name_zh" if lang == "zh" else "name_en"
    hits = gpd.sjoin(points[["geometry"]], ref["areas"], how="inner", predicate="intersects")
    hits = hits[["kind", column]].reset_index().drop_duplicates().sort_values(column)
    for kind in ("exploration", "development"):
        of_kind = hits[hits["kind"] == kind]
        joined_names = of_kind.groupby("index")[column].agg("; ".join)
        result[f"{kind}_areas"] = joined_names.reindex(result.index, fill_value="").to_numpy()

    mines = ref["mines"]
    nearest = gpd.sjoin_nearest(
        points[["geometry"]].to_crs(EQUAL_AREA), mines.to_crs(EQUAL_AREA), how="left"
    )
    nearest = nearest[~nearest.index.duplicated(keep="first")]  # ties: the first mine row
    mine = mines.geometry.values[nearest["index_right"].to_numpy()]
    _, _, metres = _GEOD.inv(
        points.geometry.x.to_numpy(),
        points.geometry.y.to_numpy(),
        shapely.get_x(mine),
        shapely.get_y(mine),
    )
    result["nearest_mine_id"] = nearest["id"].to_numpy()
    result["nearest_mine_zh"] = nearest["name_zh"].to_numpy()
    result["nearest_mine_en"] = nearest["name_en"].to_numpy()
    result["nearest_mine_km"] = np.asarray(metres) / 1000.0
    return result


def sjoin_counties(points: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Join the points to the county polygons (one answer: county and province)."""
    counties = _geopandas_reference()["counties"]
    return gpd.sjoin(points, counties, how="left", predicate="intersects")


def _exact_km(frame: pd.DataFrame) -> np.ndarray:
    """Return the geodesic km to the nearest mine (goldmap's exact column, or a baseline's)."""
    column = "nearest_mine_km_exact" if "nearest_mine_km_exact" in frame else "nearest_mine_km"
    return frame[column].to_numpy(float)


def compare(ours: pd.DataFrame, theirs: pd.DataFrame) -> dict[str, int]:
    """Count the points on which two located frames disagree, per answer."""

    def text(frame: pd.DataFrame, column: str) -> np.ndarray:
        values = frame[column]
        if column.endswith("_adcode"):  # a left join with misses gives floats
            values = values.astype("Float64").astype("Int64")
        return values.astype("string").fillna("<NA>").to_numpy()

    def differ(column: str) -> int:
        return int((text(ours, column) != text(theirs, column)).sum())

    counts = {column: differ(column) for column in ANSWERS}
    km = np.abs(_exact_km(ours) - _exact_km(theirs))
    counts["nearest_mine_km"] = int((km > 1e-6).sum())
    return counts
