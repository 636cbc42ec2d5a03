"""Clip rasters to plan areas, compute zonal statistics, sample at key mines, rasterize layers.

A raster is any file GDAL reads (GeoTIFF, NetCDF, JPEG2000 ...) or an open rasterio dataset.
The areas are reprojected to the raster's CRS, never the raster to the areas', and only the
window around each area is read, so large rasters stay cheap. A pixel belongs to an area when
its centre lies inside (``all_touched=False``), as in ``rasterio.mask`` and ``rasterstats``.
"""

from __future__ import annotations

import logging
import math
import os
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import rasterio.features
import rasterio.io
import rasterio.mask
import shapely
from rasterio.errors import NotGeoreferencedWarning, RasterioIOError, WindowError
from rasterio.windows import Window

from goldmap import _zonal
from goldmap._rasterize import rasterize_layer, write_geotiff
from goldmap.catalog import LAYERS, LayerGroup, find_area, layers_in, load
from goldmap.crs import GEOGRAPHIC_CRS, require_crs
from goldmap.errors import RasterError
from goldmap.io._files import check_output

__all__ = [
    "STATS",
    "AreaSource",
    "RasterSource",
    "area_frame",
    "clip",
    "rasterize_layer",
    "sample_at_mines",
    "zonal_stats",
]

logger = logging.getLogger(__name__)

#: A raster: a path GDAL can open, or an open rasterio dataset (left open).
RasterSource: TypeAlias = str | os.PathLike[str] | rasterio.io.DatasetReader
#: An area: a plan-area id or name, a polygon layer name, a GeoDataFrame/GeoSeries, a geometry.
AreaSource: TypeAlias = str | Sequence[str] | gpd.GeoDataFrame | gpd.GeoSeries | shapely.Geometry

_AREA_LAYERS = layers_in(LayerGroup.PLAN_AREA)
_KEY_COLUMNS = ("id", "adcode", "kind", "name_zh", "name_en")


def _count(values: np.ndarray) -> float:
    return float(values.size)


def _stat(func: Callable[[np.ndarray], Any]) -> Callable[[np.ndarray], float]:
    def compute(values: np.ndarray) -> float:
        return float(func(values)) if values.size else math.nan

    return compute


#: The statistics :func:`zonal_stats` computes, by name. ``count`` is the number of valid
#: pixels; ``nodata`` (computed separately) the number of nodata/NaN pixels in the zone.
STATS: dict[str, Callable[[np.ndarray], float]] = {
    "min": _stat(np.min),
    "max": _stat(np.max),
    "mean": _stat(lambda v: np.mean(v, dtype="float64")),
    "sum": _stat(lambda v: np.sum(v, dtype="float64")),
    "std": _stat(lambda v: np.std(v, dtype="float64")),
    "median": _stat(np.median),
    "range": _stat(np.ptp),
    "count": _count,
}
_ALL_STATS = (*STATS, "nodata")


# --- opening rasters ----------------------------------------------------------------------


@contextmanager
def _open(raster: RasterSource) -> Iterator[Any]:
    """Yield an open, georeferenced dataset; close it only if it was opened here."""
    if isinstance(raster, str | os.PathLike):
        path = Path(raster)
        if not path.exists() and "://" not in str(raster) and not str(raster).startswith("/vsi"):
            raise RasterError(f"No such raster file: {str(raster)!r}. Check the path.")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", NotGeoreferencedWarning)
                dataset = rasterio.open(raster)
        except RasterioIOError as err:
            raise RasterError(
                f"Could not read {str(raster)!r} as a raster: {err}. Give a GeoTIFF or "
                "another format GDAL reads (see `gdalinfo --formats`)."
            ) from err
        with dataset:
            _check_georeferenced(dataset, str(raster))
            yield dataset
        return
    if not (hasattr(raster, "read") and hasattr(raster, "transform")):
        raise RasterError(
            f"raster must be a path or an open rasterio dataset, got {type(raster).__name__}."
        )
    if getattr(raster, "closed", False):
        raise RasterError(f"The rasterio dataset {raster.name!r} is closed; open it again.")
    _check_georeferenced(raster, str(raster.name))
    yield raster


def _check_georeferenced(dataset: Any, name: str) -> None:
    require_crs(
        dataset,
        f"The raster {name!r}",
        fix="Assign one, e.g. `gdal_edit.py -a_srs EPSG:4326 FILE` or "
        "`rio edit-info --crs EPSG:4326 FILE`.",
    )
    if dataset.transform.is_identity:
        how = (
            "it is placed by ground control points only: warp it first with `gdalwarp`"
            if dataset.gcps[0]
            else "georeference it first, e.g. with `gdal_translate -a_ullr`"
        )
        raise RasterError(
            f"The raster {name!r} has no geotransform (pixel size and origin); {how}."
        )


def _check_band(dataset: Any, band: int) -> None:
    if not isinstance(band, int | np.integer) or not 1 <= band <= dataset.count:
        raise RasterError(
            f"band={band!r} is not a band of {dataset.name!r}, which has bands 1 to "
            f"{dataset.count}. Pass band=<1..{dataset.count}>."
        )


# --- areas --------------------------------------------------------------------------------


def _plan_areas() -> gpd.GeoDataFrame:
    return pd.concat([load(name) for name in _AREA_LAYERS], ignore_index=True)


def area_frame(area: AreaSource) -> gpd.GeoDataFrame:
    """Turn any way of naming an area into a GeoDataFrame with a CRS.

    Parameters
    ----------
    area : str, list of str, GeoDataFrame, GeoSeries or shapely geometry
        A plan-area id (``"dev-shandong-laizhou-zhaoyuan"``), its ``name_zh``, ``name_en``
        or ``name_plan_en``; a list of those; a polygon layer name (``"provinces"``,
        ``"counties"``, ``"exploration_areas"`` ...); a GeoDataFrame or GeoSeries with a CRS;
        or a shapely geometry in WGS84 longitude/latitude.

    Returns
    -------
    geopandas.GeoDataFrame
        The area(s), a copy, in their own CRS.

    Raises
    ------
    NameNotFoundError
        When a name matches no plan area (the message lists the ids).
    MissingCRSError
        When a GeoDataFrame or GeoSeries has no CRS.
    RasterError
        When ``area`` names a point layer or is of another type.

    Examples
    --------
    >>> area_frame("山东莱州-招远")["id"].tolist()
    ['dev-shandong-laizhou-zhaoyuan']
    """
    if isinstance(area, gpd.GeoDataFrame | gpd.GeoSeries):
        frame = area.to_frame("geometry") if isinstance(area, gpd.GeoSeries) else area.copy()
        require_crs(frame, "The area")
        return gpd.GeoDataFrame(frame, geometry=frame.geometry.name, crs=frame.crs)
    if isinstance(area, shapely.Geometry):
        return gpd.GeoDataFrame(geometry=[area], crs=GEOGRAPHIC_CRS)
    if isinstance(area, str):
        if area in LAYERS:
            layer = load(area)
            if not layer.geom_type.isin(["Polygon", "MultiPolygon"]).all():
                raise RasterError(
                    f"Layer {area!r} holds points, not areas. Use a polygon layer: "
                    f"{', '.join(_AREA_LAYERS)}, provinces, counties ..."
                )
            return layer
        return find_area(area)
    if isinstance(area, Sequence) and all(isinstance(a, str) for a in area):
        return pd.concat([find_area(a) for a in area], ignore_index=True)
    raise RasterError(
        f"Cannot use {type(area).__name__} as an area. Pass a plan-area id or name, a "
        "GeoDataFrame, a GeoSeries or a shapely geometry."
    )


def _in_raster_crs(frame: gpd.GeoDataFrame, dataset: Any) -> gpd.GeoDataFrame:
    return frame if frame.crs == dataset.crs else frame.to_crs(dataset.crs)


def _default_nodata(dtype: str) -> float | int:
    kind = np.dtype(dtype)
    if kind.kind == "f":
        return math.nan
    if kind.kind == "u":
        return int(np.iinfo(kind).max)
    if kind.kind == "i":
        return int(np.iinfo(kind).min)
    raise RasterError(f"Rasters of type {dtype!r} are not supported; convert to a number type.")


def _fits(value: float, dtype: str) -> bool:
    """Tell whether ``value`` can be stored exactly as a nodata value of ``dtype``."""
    kind = np.dtype(dtype)
    if kind.kind == "f":
        return math.isnan(value) or abs(value) <= float(np.finfo(kind).max) or math.isinf(value)
    if kind.kind in "iu":
        info = np.iinfo(kind)
        return math.isfinite(value) and value == int(value) and info.min <= value <= info.max
    return False


# --- clip ---------------------------------------------------------------------------------


def clip(
    raster: RasterSource,
    area: AreaSource,
    out_path: str | os.PathLike[str] | None = None,
    *,
    all_touched: bool = False,
    nodata: float | None = None,
    overwrite: bool = False,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Clip a raster to a plan area (or any area), reading only the window it covers.

    Parameters
    ----------
    raster : path or rasterio dataset
        A GeoTIFF or any raster GDAL reads, with a CRS.
    area : str, list of str, GeoDataFrame, GeoSeries or shapely geometry
        See :func:`area_frame`: a plan-area id or name, a polygon layer, your own polygons.
        It is reprojected to the raster's CRS.
    out_path : path, optional
        Also write the clipped raster there as a GeoTIFF (deflate-compressed).
    all_touched : bool, default False
        Keep every pixel the area touches, not only those whose centre is inside.
    nodata : float, optional
        Value for pixels outside the area. Default: the raster's nodata, else NaN for
        floating-point rasters and the type's extreme (255, -32768 ...) for integers.
    overwrite : bool, default False
        Replace ``out_path`` if it exists.

    Returns
    -------
    array : numpy.ndarray
        Shape ``(bands, rows, cols)``, cropped to the area's bounding box; pixels outside the
        area hold ``profile["nodata"]``.
    profile : dict
        A GeoTIFF profile (``crs``, ``transform``, ``nodata``, ``width``, ``height`` ...)
        that places ``array`` on the map, ready for ``rasterio.open(path, "w", **profile)``.

    Raises
    ------
    RasterError
        When the raster cannot be read or does not overlap the area.
    NameNotFoundError
        When the area name is unknown.
    MissingCRSError
        When the raster or the area has no CRS.
    ExportError
        When ``out_path`` exists (and ``overwrite`` is False) or cannot be written.

    Examples
    --------
    >>> array, profile = clip("dem.tif", "dev-shandong-laizhou-zhaoyuan")  # doctest: +SKIP
    >>> array, profile = clip("dem.tif", "山东莱州-招远", "laizhou.tif")  # doctest: +SKIP
    """
    path = check_output(out_path, overwrite=overwrite) if out_path is not None else None
    frame = area_frame(area)
    with _open(raster) as dataset:
        projected = _in_raster_crs(frame, dataset)
        shapes = [g for g in projected.geometry if g is not None and not g.is_empty]
        if not shapes:
            raise RasterError("The area is empty: it has no geometry to clip to.")
        if nodata is None:
            nodata = dataset.nodata
        if nodata is None:
            nodata = _default_nodata(dataset.dtypes[0])
            logger.info("clip: %s has no nodata value; using %r", dataset.name, nodata)
        elif not _fits(nodata, dataset.dtypes[0]):
            raise RasterError(
                f"nodata={nodata!r} cannot be stored in the raster's type "
                f"{dataset.dtypes[0]!r}; pass a value of that type's range."
            )
        try:
            array, transform = rasterio.mask.mask(
                dataset, shapes, crop=True, all_touched=all_touched, nodata=nodata
            )
        except (ValueError, WindowError) as err:
            if "overlap" not in str(err) and "intersect" not in str(err):
                raise RasterError(f"Could not clip {dataset.name!r}: {err}") from err
            west, south, east, north = (round(v, 4) for v in projected.total_bounds)
            raise RasterError(
                f"The area does not overlap the raster {dataset.name!r}: the raster covers "
                f"{tuple(round(v, 4) for v in dataset.bounds)} and the area "
                f"{(west, south, east, north)} (left, bottom, right, top in {dataset.crs}). "
                "Check that the raster covers the area and that its CRS is declared right."
            ) from err
        profile = {
            "driver": "GTiff",
            "dtype": array.dtype.name,
            "count": array.shape[0],
            "height": array.shape[1],
            "width": array.shape[2],
            "crs": dataset.crs,
            "transform": transform,
            "nodata": nodata,
            "compress": "deflate",
        }
    if path is not None:
        write_geotiff(path, array, profile)
        logger.info("clip: wrote %s (%d x %d)", path, array.shape[2], array.shape[1])
    return array, profile


# --- zonal statistics ---------------------------------------------------------------------


def _zone_values(
    dataset: Any, geometry: shapely.Geometry, band: int, all_touched: bool
) -> tuple[np.ndarray, int]:
    """Read one zone's window; return its valid pixel values and its nodata pixel count."""
    if geometry is None or shapely.is_empty(geometry):
        return np.empty(0, dtype=dataset.dtypes[band - 1]), 0
    try:
        window = rasterio.features.geometry_window(dataset, [geometry])
    except WindowError:
        return np.empty(0, dtype=dataset.dtypes[band - 1]), 0
    window = window.intersection(Window(0, 0, dataset.width, dataset.height))
    if window.width < 1 or window.height < 1:
        return np.empty(0, dtype=dataset.dtypes[band - 1]), 0
    data = dataset.read(band, window=window, masked=True)
    inside = rasterio.features.geometry_mask(
        [geometry],
        out_shape=data.shape,
        transform=dataset.window_transform(window),
        invert=True,
        all_touched=all_touched,
    )
    invalid = np.ma.getmaskarray(data)
    values = np.ma.getdata(data)
    if values.dtype.kind == "f":
        invalid = invalid | np.isnan(values)
    valid = inside & ~invalid
    return values[valid], int((inside & invalid).sum())


def _zonal_table(
    dataset: Any,
    geometries: np.ndarray,
    band: int,
    stats: Sequence[str],
    all_touched: bool,
) -> pd.DataFrame:
    """Compute ``stats`` per zone: in one labelled pass when cheaper, else zone by zone.

    Zones the labelled pass cannot settle (those sharing pixels with another zone) are
    computed zone by zone; see :mod:`goldmap._zonal`.
    """
    windows = _zonal.zone_windows(dataset, geometries)
    columns = {name: np.full(len(geometries), math.nan) for name in stats}
    again: Iterable[Any] = range(len(geometries))
    if _zonal.prefer_labelled(dataset, windows, band, stats, all_touched):
        columns, again = _zonal.labelled_stats(dataset, geometries, windows, band, stats)
        logger.debug("zonal_stats: labelled pass, %d zone(s) again one by one", len(again))
    for i in again:
        values, nodata_count = _zone_values(dataset, geometries[i], band, all_touched)
        for name in stats:
            columns[name][i] = float(nodata_count) if name == "nodata" else STATS[name](values)
    return pd.DataFrame(columns, columns=list(stats))


def zonal_stats(
    raster: RasterSource,
    zones: AreaSource | None = None,
    *,
    band: int = 1,
    stats: Sequence[str] = ("min", "mean", "max", "count"),
    all_touched: bool = False,
) -> pd.DataFrame:
    """Compute statistics of a raster band over each plan area or each of your polygons.

    Each zone is reprojected to the raster's CRS. Many zones (counties ...) are burned
    into one label array, strip by strip, and every statistic reduced per label in one
    pass over the raster; a few large zones (plan areas) have only their windows read,
    zone by zone. The choice is made from the pixels each way reads; both count the
    pixels whose centre is inside (as rasterstats does) and give the same answers. Zones
    that share pixels with another zone (overlapping areas) are always computed zone by
    zone, so each counts all of its pixels. Nodata pixels (the raster's nodata value, its
    mask, and NaN) are left out.

    Parameters
    ----------
    raster : path or rasterio dataset
        A GeoTIFF or any raster GDAL reads, with a CRS.
    zones : str, list of str, GeoDataFrame, GeoSeries or geometry, optional
        Default: all exploration and development areas. Otherwise anything
        :func:`area_frame` accepts, e.g. ``"provinces"`` or your own polygons.
    band : int, default 1
        The band to summarise (1-based, as in rasterio).
    stats : sequence of str, default ("min", "mean", "max", "count")
        Any of ``min``, ``max``, ``mean``, ``sum``, ``std``, ``median``, ``range``,
        ``count`` (valid pixels) and ``nodata`` (nodata pixels inside the zone).
    all_touched : bool, default False
        Count every pixel a zone touches, not only those whose centre is inside.

    Returns
    -------
    pandas.DataFrame
        One row per zone, in order: for goldmap layers their ``id``/``adcode``, ``kind``,
        ``name_zh``, ``name_en``; for your own zones all their columns; then one column per
        statistic. A zone with no valid pixel (outside the raster, all nodata) has
        ``count`` 0 and NaN elsewhere.

    Raises
    ------
    RasterError
        When the raster cannot be read, the band does not exist or a statistic is unknown.
    NameNotFoundError
        When a zone name is unknown.
    MissingCRSError
        When the raster or the zones have no CRS.

    Examples
    --------
    >>> table = zonal_stats("dem.tif")  # doctest: +SKIP
    >>> table[["id", "mean"]]  # doctest: +SKIP
    """
    if isinstance(stats, str):
        stats = (stats,)
    unknown = [s for s in stats if s not in _ALL_STATS]
    if unknown or not stats:
        raise RasterError(f"Unknown statistic(s) {unknown!r}; choose from {', '.join(_ALL_STATS)}.")
    frame = _plan_areas() if zones is None else area_frame(zones)
    own = zones is not None and not isinstance(zones, str | Sequence)
    columns = (
        [c for c in frame.columns if c != frame.geometry.name]
        if own
        else [c for c in _KEY_COLUMNS if c in frame.columns]
    )
    with _open(raster) as dataset:
        _check_band(dataset, band)
        projected = _in_raster_crs(frame, dataset)
        table = _zonal_table(dataset, projected.geometry.to_numpy(), band, stats, all_touched)
    result = pd.DataFrame(frame[columns]).reset_index(drop=True)
    for name in ("count", "nodata"):
        if name in table.columns:
            table[name] = table[name].astype("int64")
    return pd.concat([result, table], axis=1)


# --- sampling -----------------------------------------------------------------------------


def sample_at_mines(raster: RasterSource, *, band: int = 1) -> gpd.GeoDataFrame:
    """Read the raster's value at each key mine.

    Parameters
    ----------
    raster : path or rasterio dataset
        A GeoTIFF or any raster GDAL reads, with a CRS.
    band : int, default 1
        The band to sample (1-based).

    Returns
    -------
    geopandas.GeoDataFrame
        The key mines (``id``, ``name_zh``, ``name_en``, ``province_zh``,
        ``location_precision``, geometry in EPSG:4326) with ``value`` (float): the pixel
        under each mine, NaN where the pixel is nodata or the mine lies outside the raster.
        Mines located only to a town or county (``location_precision``) may fall in a
        neighbouring pixel of a fine raster.

    Raises
    ------
    RasterError
        When the raster cannot be read or the band does not exist.
    MissingCRSError
        When the raster has no CRS.

    Examples
    --------
    >>> sample_at_mines("dem.tif")[["id", "value"]]  # doctest: +SKIP
    """
    mines = load("key_mines")
    keep = ["id", "name_zh", "name_en", "province_zh", "location_precision"]
    result = mines[[c for c in keep if c in mines.columns] + ["geometry"]].copy()
    values = np.full(len(result), np.nan)
    with _open(raster) as dataset:
        _check_band(dataset, band)
        points = result.geometry.to_crs(dataset.crs)
        xs, ys = points.x.to_numpy(), points.y.to_numpy()
        finite = np.isfinite(xs) & np.isfinite(ys)  # NaN: a mine known only to its province
        rows, cols = np.full(len(xs), -1), np.full(len(xs), -1)
        if finite.any():
            found = rasterio.transform.rowcol(dataset.transform, xs[finite], ys[finite])
            rows[finite], cols[finite] = np.asarray(found[0]), np.asarray(found[1])
        inside = (
            finite & (rows >= 0) & (rows < dataset.height) & (cols >= 0) & (cols < dataset.width)
        )
        if inside.any():
            coords = list(zip(xs[inside], ys[inside], strict=True))
            samples = np.ma.stack(list(dataset.sample(coords, indexes=band, masked=True)))
            sampled = np.ma.filled(samples[:, 0].astype("float64"), np.nan)
            values[inside] = sampled
    outside = int((~inside).sum())
    if outside:
        logger.info("sample_at_mines: %d mine(s) lie outside the raster", outside)
    result["value"] = values
    return result


# --- rasterize ----------------------------------------------------------------------------
