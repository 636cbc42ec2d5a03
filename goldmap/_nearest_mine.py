"""The nearest key mine to each point, over the mines frame a call is given.

Mines are data: :func:`mine_index` indexes a frame (the packaged key mines, or the frame
``goldmap.load("key_mines", corrections=...)`` returns) and keeps the index by the frame's
content digest, so the library, the CLI and the app measure to the same mines the same way.
The nearest mine is the one nearest on the WGS84 ellipsoid (geodesic km, ``pyproj.Geod``):
a k-d tree of 3-D unit vectors gives, on the sphere, the few mines that can be it
(:data:`SPHERE_TO_ELLIPSOID`), and the geodesic distance to each decides.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections import OrderedDict

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod
from scipy.spatial import cKDTree

from goldmap._mines_digest import MINE_COLUMNS, MINE_DETAILS, mines_digest
from goldmap._points import CHINA_BOUNDS, anchor_points, grid_cells, in_box, unit_vectors
from goldmap.catalog import load
from goldmap.crs import WGS84, require_crs
from goldmap.errors import OptionError

__all__ = ["MineIndex", "check_mines", "mine_index", "nearest_mine", "nearest_rows"]

logger = logging.getLogger(__name__)

_GEOD = Geod(ellps="WGS84")

#: How much farther, on the sphere, a mine can be than the sphere-nearest one and still be
#: the nearest on the ellipsoid. Put each point of the ellipsoid at its geodetic latitude
#: and longitude on the unit sphere: the line element is ds² = M² dφ² + N² cos²φ dλ² against
#: dσ² = dφ² + cos²φ dλ², and M <= N, so M dσ <= ds <= N dσ. Over the globe M is least at
#: the equator, a(1 - e²), and N greatest at the poles, a / √(1 - e²). Hence a geodesic of
#: central angle σ is at least a(1 - e²) σ long (its image on the sphere is no shorter than
#: the great circle), and the image of the great circle is at most a σ / √(1 - e²) long. A
#: mine at angle σ_j can be nearer than one at σ_i only if σ_j <= σ_i / (1 - e²)^1.5, about
#: σ_i × 1.0101. (At one latitude N/M alone is at most 1/(1 - e²) ≈ 1.0067, the ~0.5% that
#: separates the two orderings in practice; the factor also covers paths across latitudes,
#: from any point of the globe.)
SPHERE_TO_ELLIPSOID = (1.0 - _GEOD.es) ** -1.5

#: Sphere-nearest candidates asked of the tree at first; a point with more within reach
#: asks for all of them.
_CANDIDATES = 4


_MINE_CELL_DEG = 0.1


class MineIndex:
    """The searchable points of one mines frame: one entry per distinct known position.

    A mine with an empty or missing geometry, or non-finite coordinates, has no position to
    measure to: it is left out, so it is never anyone's nearest mine. Mines sharing one point
    are kept once, as their first row, and the first row's answer names the others
    (``shared_zh``/``shared_en``): a tie is never silent. Build it with :func:`mine_index`,
    which keeps one per content of the frame.

    Attributes
    ----------
    mines : pandas.DataFrame
        The frame's ``id``, ``name_zh``, ``name_en``, ``location_precision`` and
        ``location_uncertainty_km`` (missing when the frame has no such column), index 0..n-1.
    shared_zh, shared_en : pandas.Series
        Per row of ``mines``, the names of the other mines at exactly the same point, joined
        by "; " (empty when none).
    rows : numpy.ndarray
        For each distinct point, its first row in ``mines``.
    xy : numpy.ndarray
        The distinct points' longitude and latitude, shape (k, 2).
    tree : scipy.spatial.cKDTree
        The distinct points as unit vectors (chords on the sphere order as great circles).
    """

    def __init__(self, mines: gpd.GeoDataFrame) -> None:
        geometries = np.asarray(mines.geometry.values, dtype=object)
        known = ~(shapely.is_empty(geometries) | shapely.is_missing(geometries))
        rows = np.flatnonzero(known)
        points = anchor_points(geometries[rows], np.zeros(len(rows), dtype=bool))
        xy = np.column_stack([shapely.get_x(points), shapely.get_y(points)])
        finite = np.isfinite(xy).all(axis=1)
        rows, xy = rows[finite], xy[finite]
        _, first = np.unique(xy, axis=0, return_index=True)
        distinct = np.sort(first)  # positions in ``rows`` of each point's first mine row
        if len(rows) < len(mines):
            logger.debug(
                "%d key mine(s) without a position: never a nearest mine", len(mines) - len(rows)
            )
        self.mines = _mine_columns(mines)
        self.shared_zh, self.shared_en = _shared_names(self.mines, rows, xy)
        self.rows = rows[distinct]
        self.xy = xy[distinct]
        self.tree = cKDTree(unit_vectors(self.xy[:, 0], self.xy[:, 1]))

    @functools.cached_property
    def grid(self) -> np.ndarray:
        """Per 0.1° cell, the distinct point nearest to all of the cell (-1: not one).

        In central angles on the sphere, with σ₁ and σ₂ the nearest and second nearest
        points to the cell's centre and r the cell's radius (its centre-to-corner angle, the
        farthest point of a small longitude/latitude box), every point of the cell is within
        σ₁ + r of the nearest and beyond σ₂ - r of any other (triangle inequality). A cell is
        answered when σ₂ - r > (σ₁ + r) × :data:`SPHERE_TO_ELLIPSOID`: then that point is
        the nearest on the ellipsoid to every point of the cell. Other cells ask the tree.
        """
        lon0, _, _, lat1 = CHINA_BOUNDS
        shape = _mine_grid_shape()
        grid = np.full(shape, -1, dtype=np.int16)
        if self.tree.n < 2:
            grid[:] = 0 if self.tree.n == 1 else -1
            return grid.ravel()
        lat = lat1 - (np.arange(shape[0]) + 0.5) * _MINE_CELL_DEG
        lon = lon0 + (np.arange(shape[1]) + 0.5) * _MINE_CELL_DEG
        centre = unit_vectors(np.tile(lon, shape[0]), np.repeat(lat, shape[1]))
        half = _MINE_CELL_DEG / 2
        corners = [
            unit_vectors(np.full(shape[0], lon[0] + dx), lat + dy)
            for dx in (-half, half)
            for dy in (-half, half)
        ]
        radius = np.max(
            [
                np.linalg.norm(c - unit_vectors(np.full(shape[0], lon[0]), lat), axis=1)
                for c in corners
            ],
            axis=0,
        )
        chord, nearest = self.tree.query(centre, k=2)
        angle, reach = _angle(chord), np.repeat(_angle(radius), shape[1]) * 1.001
        sure = angle[:, 1] - reach > (angle[:, 0] + reach) * SPHERE_TO_ELLIPSOID + 1e-9
        grid.ravel()[sure] = nearest[sure, 0]
        return grid.ravel()

    def nearest_distinct(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Entry of the geodesic-nearest distinct point to each position (ties: the first)."""
        distinct = np.full(len(lon), -1, dtype=np.intp)
        inside = in_box(lon, lat)
        distinct[inside] = self.grid[
            grid_cells(lon[inside], lat[inside], _MINE_CELL_DEG, _mine_grid_shape())
        ]
        ask = np.flatnonzero(distinct < 0)
        if len(ask):
            distinct[ask] = self.geodesic_nearest(lon[ask], lat[ask])
        return distinct

    def geodesic_nearest(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Entry of the geodesic-nearest distinct point to each position, asking the tree.

        The tree gives the sphere-nearest points; those within :data:`SPHERE_TO_ELLIPSOID`
        of the nearest's angle are measured with ``Geod.inv`` and the least wins, on a tie
        the lowest entry (the first mine row: entries are in row order).
        """
        vectors = unit_vectors(lon, lat)
        if self.tree.n == 1:
            return np.zeros(len(lon), dtype=np.intp)
        k = min(_CANDIDATES, self.tree.n)
        chord, entry = self.tree.query(vectors, k=k)
        reach = _reach(chord[:, 0])
        answer = np.array(entry[:, 0], dtype=np.intp)
        full = (chord[:, -1] <= reach) if k < self.tree.n else np.zeros(len(lon), dtype=bool)
        few = np.flatnonzero((chord[:, 1] <= reach) & ~full)
        at, column = np.nonzero(chord[few] <= reach[few, None])
        points, entries = few[at], entry[few[at], column]
        many = np.flatnonzero(full)
        if len(many):
            chord_all, entry_all = self.tree.query(vectors[many], k=self.tree.n)
            at, column = np.nonzero(chord_all <= _reach(chord_all[:, 0])[:, None])
            points = np.concatenate([points, many[at]])
            entries = np.concatenate([entries, entry_all[at, column]])
        if len(points):
            _, _, metres = _GEOD.inv(
                lon[points], lat[points], self.xy[entries, 0], self.xy[entries, 1]
            )
            order = np.lexsort((entries, np.asarray(metres), points))
            first = np.ones(len(order), dtype=bool)
            first[1:] = points[order][1:] != points[order][:-1]
            answer[points[order][first]] = entries[order][first]
        return answer


def _angle(chord: np.ndarray) -> np.ndarray:
    """Central angle, in radians, of a chord of the unit sphere."""
    return 2.0 * np.arcsin(np.minimum(chord / 2.0, 1.0))


def _reach(chord: np.ndarray) -> np.ndarray:
    """Chord within which a point may be geodesic-nearer than one at ``chord`` (with margin)."""
    angle = np.minimum(_angle(chord) * SPHERE_TO_ELLIPSOID, np.pi)
    reach: np.ndarray = 2.0 * np.sin(angle / 2.0) * (1.0 + 1e-9) + 1e-12
    return reach


def _mine_columns(mines: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the named and the precision columns of ``mines`` (missing ones empty)."""
    frame = pd.DataFrame(mines[list(MINE_COLUMNS)]).reset_index(drop=True)
    precision, uncertainty = MINE_DETAILS
    given = mines.columns
    frame[precision] = (
        mines[precision].to_numpy(dtype=object) if precision in given else [None] * len(frame)
    )
    frame[uncertainty] = (
        pd.to_numeric(mines[uncertainty], errors="coerce").to_numpy(dtype=float)
        if uncertainty in given
        else np.full(len(frame), np.nan)
    )
    return frame


def _shared_names(
    mines: pd.DataFrame, rows: np.ndarray, xy: np.ndarray
) -> tuple[pd.Series, pd.Series]:
    """Per mine row, the Chinese and English names of the other mines at its exact point."""
    zh, en = [""] * len(mines), [""] * len(mines)
    if len(rows):
        _, group = np.unique(xy, axis=0, return_inverse=True)
        members: dict[int, list[int]] = {}
        for row, g in zip(rows.tolist(), np.ravel(group).tolist(), strict=True):
            members.setdefault(g, []).append(row)
        for together in (m for m in members.values() if len(m) > 1):
            for row in together:
                others = [r for r in together if r != row]
                zh[row] = "; ".join(str(mines.at[r, "name_zh"]) for r in others)
                en[row] = "; ".join(str(mines.at[r, "name_en"]) for r in others)
    return pd.Series(zh, dtype=object), pd.Series(en, dtype=object)


def _mine_grid_shape() -> tuple[int, int]:
    lon0, lat0, lon1, lat1 = CHINA_BOUNDS
    return round((lat1 - lat0) / _MINE_CELL_DEG), round((lon1 - lon0) / _MINE_CELL_DEG)


_MINE_INDEXES: OrderedDict[str, MineIndex] = OrderedDict()
_MINE_INDEXES_LOCK = threading.Lock()
_MAX_MINE_INDEXES = 8


def check_mines(mines: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return ``mines`` in EPSG:4326, or raise when it cannot be measured to.

    Raises
    ------
    OptionError
        When ``mines`` is not a GeoDataFrame, or lacks ``id``, ``name_zh`` or ``name_en``.
    MissingCRSError
        When ``mines`` has no CRS.
    """
    if not isinstance(mines, gpd.GeoDataFrame):
        raise OptionError(
            f"mines must be a GeoDataFrame such as goldmap.load('key_mines'), not "
            f"{type(mines).__name__}."
        )
    missing = [c for c in MINE_COLUMNS if c not in mines.columns]
    if missing:
        raise OptionError(
            f"The mines frame lacks the column(s) {', '.join(missing)}: pass the key mines as "
            "goldmap.load('key_mines') (optionally with corrections=...) returns them."
        )
    require_crs(mines, "The mines frame")
    return mines if mines.crs.equals(WGS84) else mines.to_crs(WGS84)


def mine_index(mines: gpd.GeoDataFrame | None = None) -> MineIndex:
    """Return the searchable index of ``mines`` (default: the packaged key mines).

    Indexes are kept by the content digest of the frame (:func:`mines_digest`), a few at a
    time: a frame with the same ids, names and positions reuses its index, a corrected one
    gets its own.

    Parameters
    ----------
    mines : geopandas.GeoDataFrame, optional
        The key mines to measure to, as ``goldmap.load("key_mines", corrections=...)``
        returns them.

    Returns
    -------
    MineIndex
        The index; its rows refer to ``mines``' rows in order.
    """
    frame = load("key_mines") if mines is None else check_mines(mines)
    key = mines_digest(frame)
    with _MINE_INDEXES_LOCK:
        index = _MINE_INDEXES.get(key)
        if index is not None:
            _MINE_INDEXES.move_to_end(key)
            return index
    index = MineIndex(frame)
    with _MINE_INDEXES_LOCK:
        _MINE_INDEXES[key] = index
        while len(_MINE_INDEXES) > _MAX_MINE_INDEXES:
            _MINE_INDEXES.popitem(last=False)
    return index


def nearest_mine(
    lon: np.ndarray, lat: np.ndarray, *, mines: gpd.GeoDataFrame | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Find the nearest key mine to each point and its geodesic distance.

    Mines whose geometry is empty or missing (position unknown) are skipped: they are never
    the nearest. Mines sharing one point tie: the first row among them is the answer.

    Parameters
    ----------
    lon, lat : array-like
        Coordinates in WGS84 degrees.
    mines : geopandas.GeoDataFrame, optional
        The mines to measure to, e.g. ``goldmap.load("key_mines", corrections="my.csv")``.
        Default: the packaged key mines.

    Returns
    -------
    index : numpy.ndarray
        Row (position) of the nearest mine in ``mines`` (-1 when no mine has a position).
    distance_km : numpy.ndarray
        Geodesic distance on the WGS84 ellipsoid, in kilometres (NaN when no mine has a
        position).

    Raises
    ------
    OptionError
        When ``mines`` is not a key-mines frame (see :func:`check_mines`).

    Examples
    --------
    >>> index, km = nearest_mine([120.0], [37.4])
    >>> float(km[0]) < 100
    True
    """
    return nearest_rows(mine_index(mines), lon, lat)


def nearest_rows(
    index: MineIndex, lon: np.ndarray, lat: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Row in ``index.mines`` of the nearest mine to each point, and its geodesic km."""
    lon_arr = np.ascontiguousarray(lon, dtype="float64")
    lat_arr = np.ascontiguousarray(lat, dtype="float64")
    n = len(lon_arr)
    if index.tree.n == 0:
        return np.full(n, -1), np.full(n, np.nan)
    distinct = index.nearest_distinct(lon_arr, lat_arr)
    # Geod.inv writes its answers into its (fresh, float64) inputs: no further copies.
    _, _, metres = _GEOD.inv(
        lon_arr.copy(),
        lat_arr.copy(),
        index.xy[distinct, 0],
        index.xy[distinct, 1],
        inplace=True,
        return_back_azimuth=False,
    )
    km = np.asarray(metres)
    km /= 1000.0
    return index.rows[distinct], km
