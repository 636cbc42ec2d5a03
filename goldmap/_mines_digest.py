"""A digest of a key-mines frame: what the nearest-mine answers depend on.

Kept apart from the locate engine so that the app's server can key its caches by the
session's mines without importing the engine (scipy, the boundaries).
"""

from __future__ import annotations

import hashlib

import geopandas as gpd
import numpy as np
import shapely

__all__ = ["MINE_COLUMNS", "MINE_DETAILS", "mines_digest"]

#: The columns of a mines frame that a located answer names (required).
MINE_COLUMNS = ("id", "name_zh", "name_en")
#: The columns that say how precise a mine's point is (used when the frame has them).
MINE_DETAILS = ("location_precision", "location_uncertainty_km")


def mines_digest(mines: gpd.GeoDataFrame) -> str:
    """Return a digest of what the nearest-mine answers depend on: ids, names, precision, points.

    Two frames with the same digest give the same answers, whichever process built them.
    """
    digest = hashlib.sha256()
    for column in (*MINE_COLUMNS, *(c for c in MINE_DETAILS if c in mines.columns)):
        digest.update(column.encode("utf-8"))
        digest.update("\x1f".join(map(str, mines[column].tolist())).encode("utf-8"))
        digest.update(b"\x1e")
    for wkb in shapely.to_wkb(np.asarray(mines.geometry.values, dtype=object)):
        digest.update(b"\x00" if wkb is None else wkb)
        digest.update(b"\x1d")
    return digest.hexdigest()
