"""Burn vector layers into GeoTIFF grids: counts or sums per cell, in degrees or metres."""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import rasterio.features
import shapely
from rasterio.enums import MergeAlg
from rasterio.errors import RasterioIOError
from rasterio.transform import from_origin
from rasterio.warp import transform_bounds

from goldmap.catalog import load
from goldmap.crs import EQUAL_AREA_CRS, GEOGRAPHIC_CRS, require_crs
from goldmap.errors import ExportError, GoldmapError, RasterError
from goldmap.io._files import check_output, staged_output

__all__ = ["rasterize_layer", "write_geotiff"]

logger = logging.getLogger(__name__)

#: Largest grid rasterize_layer writes, in cells.
_MAX_CELLS = 200_000_000


def write_geotiff(path: Path, array: np.ndarray, profile: dict[str, Any]) -> None:
    """Write ``array`` as a GeoTIFF with ``profile``, whole or not at all.

    ``path`` was checked before the work (:func:`~goldmap.io._files.check_output`); it is
    replaced only once the file is complete. A GDAL failure becomes an ExportError.
    """
    try:
        with (
            staged_output(path, overwrite=True) as stage,
            rasterio.open(stage, "w", **profile) as dst,
        ):
            dst.write(array)
    except (RasterioIOError, OSError) as err:
        if isinstance(err, GoldmapError):  # a refusal (it exists ...), not a write failure
            raise
        raise ExportError(f"Could not write the GeoTIFF {str(path)!r}: {err}") from err


def _grid(
    bounds: Sequence[float], resolution: float
) -> tuple[Any, int, int, tuple[float, float, float, float]]:
    """Snap the extent outward to multiples of the resolution; return transform and size.

    The grid always reaches past the east and north edges, so that a feature lying exactly
    on them still falls in a cell.
    """
    west = round(math.floor(bounds[0] / resolution) * resolution, 9)
    south = round(math.floor(bounds[1] / resolution) * resolution, 9)
    width = math.floor((bounds[2] - west) / resolution) + 1
    height = math.floor((bounds[3] - south) / resolution) + 1
    north = round(south + height * resolution, 9)
    transform = from_origin(west, north, resolution, resolution)
    return transform, width, height, (west, south, west + width * resolution, north)


def _rasterizable(layer: str | gpd.GeoDataFrame, value: str) -> gpd.GeoDataFrame:
    """Return the layer's non-empty features, checking it has a CRS and the value column."""
    frame = load(layer) if isinstance(layer, str) else layer.copy()
    require_crs(frame, "The layer")
    frame = frame[~(frame.geometry.is_empty | frame.geometry.isna())]
    if frame.empty:
        raise RasterError("The layer has no features to rasterize.")
    if value != "count" and (
        value not in frame.columns or not pd.api.types.is_numeric_dtype(frame[value])
    ):
        numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
        raise RasterError(
            f"value={value!r} must be 'count' or a numeric column of the layer; its numeric "
            f"columns are {numeric}."
        )
    return frame


def _extent(
    projected: gpd.GeoDataFrame, bounds: Sequence[float] | None, crs: str
) -> tuple[float, ...]:
    """Return the grid extent in ``crs``: the features' bounds, or ``bounds`` (degrees)."""
    if bounds is None:
        return tuple(float(v) for v in projected.total_bounds)
    else:
        west, south, east, north = bounds
        if not (west < east and south < north):
            raise RasterError(
                f"bounds={bounds!r} must be (west, south, east, north) with west < east and "
                "south < north, in degrees."
            )
        return (
            tuple(bounds)
            if crs == GEOGRAPHIC_CRS
            else tuple(transform_bounds(GEOGRAPHIC_CRS, crs, *bounds))
        )


def _burn(
    projected: gpd.GeoDataFrame, value: str, transform: Any, shape: tuple[int, int]
) -> tuple[np.ndarray, float | None]:
    """Burn the features into a grid: their count per cell, or the sum of ``value``."""
    geometries = list(projected.geometry)
    counts = rasterio.features.rasterize(
        ((g, 1) for g in geometries),
        out_shape=shape,
        transform=transform,
        fill=0,
        merge_alg=MergeAlg.add,
        dtype="int32",
    )
    if value == "count":
        array: np.ndarray = counts
        nodata: float | None = None
    else:
        numbers = projected[value].astype("float64")
        pairs = [(g, v) for g, v in zip(geometries, numbers, strict=True) if np.isfinite(v)]
        if len(pairs) < len(geometries):
            logger.warning(
                "rasterize_layer: %d feature(s) have no %r value, left out",
                len(geometries) - len(pairs),
                value,
            )
        sums = (
            rasterio.features.rasterize(
                pairs,
                out_shape=shape,
                transform=transform,
                fill=0,
                merge_alg=MergeAlg.add,
                dtype="float64",
            )
            if pairs
            else np.zeros(shape)
        )
        array = np.where(counts > 0, sums, np.nan)
        nodata = math.nan
    return array, nodata


def rasterize_layer(
    layer: str | gpd.GeoDataFrame,
    out_path: str | os.PathLike[str],
    *,
    resolution_deg: float | None = None,
    resolution_m: float | None = None,
    value: str = "count",
    bounds: tuple[float, float, float, float] | None = None,
    overwrite: bool = False,
) -> Path:
    """Burn a layer into a GeoTIFF grid: features per cell, or the sum of a column.

    Parameters
    ----------
    layer : str or GeoDataFrame
        A goldmap layer name (``"key_mines"`` ...) or your own features with a CRS.
    out_path : path
        The GeoTIFF to write.
    resolution_deg : float, optional
        Cell size in degrees on a WGS84 longitude/latitude grid (EPSG:4326). The default
        when neither resolution is given: 0.1.
    resolution_m : float, optional
        Cell size in metres on the China Albers equal-area grid
        (:data:`goldmap.crs.EQUAL_AREA_CRS`), so every cell has the same area.
    value : str, default "count"
        ``"count"``: the number of features in each cell (points: the cell holding the
        point; polygons: cells whose centre is inside), as int32 with 0 where none.
        A numeric column name: the column summed over the features in each cell, as
        float64 with NaN (nodata) where no feature is.
    bounds : (west, south, east, north), optional
        The grid's extent in WGS84 degrees; default: the layer's extent. Cells are snapped
        to multiples of the resolution. Features outside are left out with a warning.
    overwrite : bool, default False
        Replace ``out_path`` if it exists.

    Returns
    -------
    pathlib.Path
        The written GeoTIFF (CRS and transform set).

    Raises
    ------
    RasterError
        When both resolutions are given, a resolution is not positive, ``value`` is not a
        numeric column, the grid would be too large, or the layer is empty.
    ExportError
        When ``out_path`` exists (and ``overwrite`` is False) or cannot be written.
    LayerNotFoundError
        When ``layer`` names no goldmap layer.
    MissingCRSError
        When ``layer`` is a GeoDataFrame without a CRS.

    Examples
    --------
    >>> path = rasterize_layer("key_mines", "mines.tif", resolution_deg=0.5)  # doctest: +SKIP
    """
    path = check_output(out_path, overwrite=overwrite)
    if resolution_deg is not None and resolution_m is not None:
        raise RasterError(
            "Give resolution_deg (a longitude/latitude grid) or resolution_m (an equal-area "
            "grid in metres), not both."
        )
    crs = EQUAL_AREA_CRS if resolution_m is not None else GEOGRAPHIC_CRS
    resolution = resolution_m if resolution_m is not None else resolution_deg or 0.1
    if not resolution > 0:
        raise RasterError(f"The resolution must be positive, got {resolution!r}.")
    frame = _rasterizable(layer, value)
    projected = frame.to_crs(crs)
    extent = _extent(projected, bounds, crs)
    transform, width, height, grid_bounds = _grid(extent, resolution)
    if width * height > _MAX_CELLS:
        raise RasterError(
            f"The grid would have {width} x {height} cells; choose a coarser resolution than "
            f"{resolution!r} or smaller bounds."
        )
    box = shapely.box(*grid_bounds)
    outside = int((~projected.intersects(box)).sum())
    if outside:
        logger.warning("rasterize_layer: %d feature(s) lie outside the grid, left out", outside)
    array, nodata = _burn(projected, value, transform, (height, width))
    profile = {
        "driver": "GTiff",
        "dtype": array.dtype.name,
        "count": 1,
        "height": height,
        "width": width,
        "crs": crs,
        "transform": transform,
        "nodata": nodata,
        "compress": "deflate",
    }
    write_geotiff(path, array[np.newaxis], profile)
    logger.info("rasterize_layer: wrote %s (%d x %d, %s)", path, width, height, value)
    return path
