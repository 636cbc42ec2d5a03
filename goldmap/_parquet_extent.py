"""Count, per GeoParquet file, the points inside China's box and those inside it once swapped.

The extent check of :func:`goldmap.locate` needs, before a lazy result is handed back, the
counts over all partitions. For a folder of GeoParquet files those counts are taken from
the geometry column alone: the other columns are not read, and the WKB of two-dimensional
points (21 bytes each) is decoded in NumPy instead of being turned into shapely geometries.
Any other geometry is decoded by shapely and counted by its anchor point, as in memory, so
the counts are exactly those of the in-memory check.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np
import shapely

__all__ = ["extent_counts", "file_counts", "parquet_files"]

#: Bytes of the WKB of a 2-D point: byte order, type (uint32), x, y (float64).
_POINT_WKB = 21


def extent_counts(geometries: np.ndarray) -> tuple[int, int, int]:
    """Return (inside China's box, swapped into it, total) for an array of geometries."""
    from goldmap._locate import anchor_points, extent_masks

    empty = shapely.is_empty(geometries) | shapely.is_missing(geometries)
    inside, swapped = extent_masks(anchor_points(geometries, empty))
    return int(inside.sum()), int(swapped.sum()), len(geometries)


def parquet_files(folder: str | os.PathLike[str]) -> tuple[list[str], str] | None:
    """Return the files of a GeoParquet folder and its geometry column, or None.

    None when the counts cannot be taken from the raw column: no GeoParquet metadata, a
    geometry encoding other than WKB, or a CRS other than longitude/latitude on WGS84 (those
    partitions are counted after reading, as in memory).
    """
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq
    from pyproj import CRS

    from goldmap.crs import WGS84

    files = sorted(ds.dataset(os.fspath(folder), format="parquet").files)
    if not files:
        return None
    metadata = pq.read_schema(files[0]).metadata or {}
    if b"geo" not in metadata:
        return None
    geo = json.loads(metadata[b"geo"])
    column = geo.get("primary_column")
    spec = geo.get("columns", {}).get(column, {})
    if str(spec.get("encoding", "")).upper() != "WKB":
        return None
    crs = spec.get("crs", "OGC:CRS84")  # GeoParquet: no crs key means OGC:CRS84
    if crs is None or not CRS.from_user_input(crs).equals(WGS84, ignore_axis_order=True):
        return None
    return files, column


def _point_xy(chunk: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """Return x and y of a WKB chunk made only of little-endian 2-D points, else None."""
    import pyarrow as pa

    large = pa.types.is_large_binary(chunk.type)
    if chunk.null_count or not (large or pa.types.is_binary(chunk.type)):
        return None
    n = len(chunk)
    offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64 if large else np.int32)
    offsets = offsets[chunk.offset : chunk.offset + n + 1]
    if n == 0 or (np.diff(offsets) != _POINT_WKB).any():
        return None
    raw = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    rows = raw.reshape(n, _POINT_WKB)
    if (rows[:, 0] != 1).any() or (rows[:, 1:5].copy().view("<u4").ravel() != 1).any():
        return None
    xy = rows[:, 5:].copy().view("<f8")
    return xy[:, 0], xy[:, 1]


def file_counts(path: str, column: str) -> tuple[int, int, int]:
    """Return (inside China's box, swapped into it, total) of one GeoParquet file."""
    import pyarrow.parquet as pq

    from goldmap._points import in_box

    inside = swapped = total = 0
    for chunk in pq.read_table(path, columns=[column]).column(column).chunks:
        xy = _point_xy(chunk)
        if xy is None:
            counts = extent_counts(shapely.from_wkb(chunk.to_numpy(zero_copy_only=False)))
        else:
            x, y = xy
            box = in_box(x, y)
            counts = int(box.sum()), int((in_box(y, x) & ~box).sum()), len(chunk)
        inside, swapped, total = inside + counts[0], swapped + counts[1], total + counts[2]
    return inside, swapped, total
