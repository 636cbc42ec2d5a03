"""Measure located features to the corrected mines instead of the packaged ones."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from goldmap.catalog import load
from goldmap.corrections._apply import corrected_layer
from goldmap.corrections._table import CorrectionsSource


def _categorical(values: pd.Series, rows: Any) -> pd.Categorical:
    categories, inverse = np.unique(values.astype(str).to_numpy(), return_inverse=True)
    codes = np.where(rows >= 0, inverse[np.where(rows >= 0, rows, 0)], -1)
    return pd.Categorical.from_codes(codes, categories=pd.Index(categories))


def nearest_corrected_mine(
    located: gpd.GeoDataFrame, mines: gpd.GeoDataFrame, *, chunk: int = 20_000
) -> gpd.GeoDataFrame:
    """Recompute the nearest-mine columns of a located frame against the given mines.

    The nearest mine of each feature's representative point is found by geodesic distance
    on the WGS84 ellipsoid to every mine with a known position (ties go to the first mine in
    ``mines``; a mine known only to its province is never the nearest), as
    :func:`goldmap.locate` does for the packaged mines.

    Parameters
    ----------
    located : geopandas.GeoDataFrame
        A result of :func:`goldmap.locate`. Not changed.
    mines : geopandas.GeoDataFrame
        The key mines to measure to, e.g. ``goldmap.load("key_mines", corrections=...)``.
    chunk : int, default 20000
        Features measured at a time (bounds memory to ``chunk`` x mines distances).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``located`` with ``nearest_mine_id``, ``nearest_mine_zh``,
        ``nearest_mine_en`` and ``nearest_mine_km`` (rounded to metres) recomputed.

    Examples
    --------
    >>> import goldmap  # doctest: +SKIP
    >>> located = goldmap.locate("prospects.csv")  # doctest: +SKIP
    >>> nearest_corrected_mine(located, goldmap.load("key_mines", corrections="my.csv"))
    ... # doctest: +SKIP
    """
    from pyproj import Geod

    from goldmap._locate import anchor_points

    result = located.copy()
    placed = mines.geometry.values
    mines = mines[~(shapely.is_empty(placed) | shapely.is_missing(placed))]
    geometries = result.geometry.values
    empty = shapely.is_empty(geometries) | shapely.is_missing(geometries)
    anchors = anchor_points(geometries, empty)
    x, y = shapely.get_x(anchors), shapely.get_y(anchors)
    mine_x = mines.geometry.x.to_numpy()
    mine_y = mines.geometry.y.to_numpy()
    geod = Geod(ellps="WGS84")
    rows = np.full(len(result), -1)
    km = np.full(len(result), np.nan)
    usable = np.flatnonzero(~empty)
    for start in range(0, len(usable), chunk):
        take = usable[start : start + chunk]
        lon = np.repeat(x[take], len(mine_x))
        lat = np.repeat(y[take], len(mine_x))
        _, _, metres = geod.inv(lon, lat, np.tile(mine_x, len(take)), np.tile(mine_y, len(take)))
        metres = np.asarray(metres).reshape(len(take), len(mine_x))
        best = metres.argmin(axis=1)
        rows[take] = best
        km[take] = metres[np.arange(len(take)), best] / 1000.0
    frame = mines.reset_index(drop=True)
    for suffix, column in (("id", "id"), ("zh", "name_zh"), ("en", "name_en")):
        result[f"nearest_mine_{suffix}"] = _categorical(frame[column], rows)
    result["nearest_mine_km"] = np.round(km, 3)
    return result


def locate_corrected(
    features: Any, corrections: CorrectionsSource, **options: Any
) -> gpd.GeoDataFrame:
    """Locate features as :func:`goldmap.locate` does, measuring to the corrected mines.

    Parameters
    ----------
    features : GeoDataFrame, DataFrame with lon/lat, path, bytes or file object
        As for :func:`goldmap.locate`.
    corrections : path, bytes, binary file or DataFrame
        As for :func:`apply_corrections`.
    **options
        ``filename``, ``lon``, ``lat``, ``layer``, ``lang``, as for :func:`goldmap.locate`.

    Returns
    -------
    geopandas.GeoDataFrame
        The located features; the nearest key mine and its distance are those of the
        corrected mines.

    Raises
    ------
    CorrectionError
        When the corrections cannot be applied (checked before the features are read).
    InputFileError
        When a file cannot be read.

    Examples
    --------
    >>> located = locate_corrected("prospects.csv", "my.csv")  # doctest: +SKIP
    """
    from goldmap.spatial import locate

    mines = corrected_layer("key_mines", load("key_mines"), corrections)
    located = locate(features, **options)
    return nearest_corrected_mine(located, mines)
