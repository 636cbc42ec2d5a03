"""Read goldmap's packaged GeoJSON layers quickly, keeping list and object properties.

The json module keeps properties such as ``sources`` and ``commodities`` as Python lists
and dicts (GDAL would turn them into text or arrays). Geometry is built in bulk:
:func:`shapely.from_ragged_array` takes each geometry type's coordinates as one array,
instead of one shapely constructor call per ring, which is what
:meth:`geopandas.GeoDataFrame.from_features` does and what a cold start cannot afford.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely import GeometryType
from shapely.errors import GEOSException
from shapely.geometry import shape

__all__ = ["geometries_of", "read_feature_collection"]

#: GeoJSON type -> (shapely type, levels of nesting above the coordinate pairs).
_RAGGED: dict[str, tuple[GeometryType, int]] = {
    "Point": (GeometryType.POINT, 0),
    "LineString": (GeometryType.LINESTRING, 1),
    "MultiPoint": (GeometryType.MULTIPOINT, 1),
    "Polygon": (GeometryType.POLYGON, 2),
    "MultiLineString": (GeometryType.MULTILINESTRING, 2),
    "MultiPolygon": (GeometryType.MULTIPOLYGON, 3),
}


def read_feature_collection(path: Path, crs: pyproj.CRS) -> gpd.GeoDataFrame:
    """Read a GeoJSON FeatureCollection file into a GeoDataFrame.

    Parameters
    ----------
    path : pathlib.Path
        A UTF-8 GeoJSON file holding one FeatureCollection.
    crs : pyproj.CRS
        The CRS to give the frame; pass one shared object, as building a CRS from its
        name costs milliseconds each time.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per feature in file order; the properties as columns in the order they
        first appear, then ``geometry``. Missing properties are NaN, null geometries None:
        the frame :meth:`geopandas.GeoDataFrame.from_features` gives, columns ordered.
    """
    with path.open(encoding="utf-8") as f:
        collection = json.load(f)
    features = collection.get("features") or []
    columns = _property_order(features)
    properties = pd.DataFrame([f.get("properties") or {} for f in features], columns=columns)
    return gpd.GeoDataFrame(properties, geometry=geometries_of(features), crs=crs)


def geometries_of(features: Sequence[Mapping[str, Any]]) -> np.ndarray:
    """Return the shapely geometry of each GeoJSON feature (None where it has none).

    Parameters
    ----------
    features : sequence of dict
        GeoJSON features as the json module reads them.

    Returns
    -------
    numpy.ndarray
        Object array, one geometry per feature, equal to
        :func:`shapely.geometry.shape` of its ``geometry`` member.
    """
    geometries: list[Mapping[str, Any]] = [feature.get("geometry") or {} for feature in features]
    out = np.full(len(geometries), None, dtype=object)
    rows_by_type: dict[str, list[int]] = {}
    for row, geometry in enumerate(geometries):
        if geometry:
            rows_by_type.setdefault(geometry.get("type", ""), []).append(row)
    for kind, rows in rows_by_type.items():
        of_kind = [geometries[row] for row in rows]
        out[rows] = _in_bulk(kind, of_kind) if kind in _RAGGED else _one_by_one(of_kind)
    return out


def _in_bulk(kind: str, geometries: list[Mapping[str, Any]]) -> np.ndarray:
    geometry_type, depth = _RAGGED[kind]
    try:
        coordinates, offsets = _flatten([g["coordinates"] for g in geometries], depth)
        if coordinates.ndim != 2 or coordinates.shape[1] not in (2, 3):
            raise ValueError("coordinates are not pairs or triples")
        built: np.ndarray = (
            shapely.points(coordinates)
            if depth == 0
            else shapely.from_ragged_array(geometry_type, coordinates, offsets)
        )
        return built
    except (ValueError, TypeError, KeyError, GEOSException):
        # Mixed dimensions, empty parts or rings left open: shapely's one-by-one
        # constructors accept (and close) what the bulk path cannot.
        return _one_by_one(geometries)


def _one_by_one(geometries: list[Mapping[str, Any]]) -> np.ndarray:
    out = np.empty(len(geometries), dtype=object)
    out[:] = [shape(geometry) for geometry in geometries]
    return out


def _flatten(nested: list[Any], depth: int) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """Return the coordinate rows under ``depth`` levels of lists, and each level's offsets.

    The offsets come innermost first, as :func:`shapely.from_ragged_array` takes them.
    """
    offsets = []
    level = nested
    for _ in range(depth):
        lengths = np.fromiter(map(len, level), dtype=np.int64, count=len(level))
        offsets.append(np.concatenate([[0], np.cumsum(lengths)]))
        level = list(itertools.chain.from_iterable(level))
    return np.asarray(level, dtype=float), tuple(reversed(offsets))


def _property_order(features: Sequence[Mapping[str, Any]]) -> list[str]:
    order: dict[str, None] = {}
    for feature in features:
        order.update(dict.fromkeys(feature.get("properties") or {}))
    return list(order)
