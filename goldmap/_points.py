"""Points on the globe as locate sees them: China's box, grid cells, unit vectors, anchors."""

from __future__ import annotations

import numpy as np
import shapely

__all__ = ["CHINA_BOUNDS", "anchor_points", "grid_cells", "in_box", "unit_vectors"]

#: Longitude/latitude box around China's territory, used to catch swapped or foreign points.
CHINA_BOUNDS = (73.0, 3.0, 136.0, 54.0)


def in_box(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mask of the points inside :data:`CHINA_BOUNDS`."""
    lon0, lat0, lon1, lat1 = CHINA_BOUNDS
    return (x >= lon0) & (x <= lon1) & (y >= lat0) & (y <= lat1)


def grid_cells(x: np.ndarray, y: np.ndarray, size: float, shape: tuple[int, int]) -> np.ndarray:
    """Flat index of the ``size``-degree cell of each point (points inside China's box)."""
    lon0, _, _, lat1 = CHINA_BOUNDS
    rows = np.clip(((lat1 - y) / size).astype(np.intp), 0, shape[0] - 1)
    cols = np.clip(((x - lon0) / size).astype(np.intp), 0, shape[1] - 1)
    return rows * shape[1] + cols


def unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """3-D unit vectors of points on the sphere (chords order as great circles)."""
    lam, phi = np.radians(lon), np.radians(lat)
    cos_phi = np.cos(phi)
    return np.column_stack([cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)])


def anchor_points(geometries: np.ndarray, empty: np.ndarray) -> np.ndarray:
    """Return each feature's representative point (a point is its own); POINT(0 0) if empty."""
    anchors = np.array(geometries, dtype=object)
    types = shapely.get_type_id(geometries)
    needs = ~empty & (types != 0)
    if needs.any():
        anchors[needs] = shapely.point_on_surface(geometries[needs])
    anchors[empty] = shapely.Point(0, 0)
    return anchors
