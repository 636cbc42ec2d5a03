"""The county lookup grid of :func:`goldmap.locate`: built from the counties, shipped with them.

Rasterizing the ~2,900 county polygons takes one to two seconds (rasterio reads every vertex
through shapely's Python ``__geo_interface__``), which every upload's worker process would
pay again. The grid is therefore built once, by ``scripts/build_county_grid.py``, and
shipped as ``data/boundaries/county_grid.npz`` (about 300 kB) with the SHA-256 of the
counties file it was built from, its box and its cell size. The shipped grid is used only
when all three match what is asked and installed; otherwise the grid is built here, by the
same function, so a stale file costs time, never a wrong answer.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from pathlib import Path

import numpy as np
import shapely

from goldmap._resources import data_path, read_packaged
from goldmap.catalog import layer_spec, load

__all__ = ["GRID_FILE", "build_county_grid", "county_grid", "write_county_grid"]

logger = logging.getLogger(__name__)

#: Where the shipped grid lives under data/.
GRID_FILE = ("boundaries", "county_grid.npz")

Bounds = tuple[float, float, float, float]


def build_county_grid(bounds: Bounds, cell_deg: float) -> np.ndarray:
    """Rasterize the counties into a lookup grid over ``bounds`` (row-major, north first).

    A cell holds its county's row when one county covers it entirely, -1 when no county
    touches it, and -2 when a boundary crosses it or a neighbouring cell (those cells are
    answered exactly by the polygons).

    Parameters
    ----------
    bounds : tuple of float
        ``(lon0, lat0, lon1, lat1)`` in degrees.
    cell_deg : float
        Cell size in degrees.

    Returns
    -------
    numpy.ndarray
        int16 (int32 above 32,767 counties), shape ``(rows, columns)``.
    """
    from rasterio import features, transform
    from scipy import ndimage

    shape = _shape(bounds, cell_deg)
    affine = transform.from_origin(bounds[0], bounds[3], cell_deg, cell_deg)
    geoms = load("counties").geometry.values
    grid: np.ndarray = features.rasterize(
        zip(geoms, range(len(geoms)), strict=True),
        out_shape=shape,
        transform=affine,
        fill=-1,
        dtype="int16" if len(geoms) < 2**15 else "int32",
    )
    edges = features.rasterize(
        ((g, 1) for g in shapely.boundary(geoms)),
        out_shape=shape,
        transform=affine,
        fill=0,
        all_touched=True,
        dtype="uint8",
    )
    # One cell of margin: a boundary that only grazes a cell's corner must not be missed.
    grid[ndimage.binary_dilation(edges.astype(bool))] = -2
    return grid


@functools.cache
def county_grid(bounds: Bounds, cell_deg: float) -> np.ndarray:
    """Return the county grid over ``bounds`` (see :func:`build_county_grid`), once per process.

    The shipped grid when it was built from the installed counties with this box and cell
    size, else one built now.
    """
    grid = _shipped(bounds, cell_deg)
    return build_county_grid(bounds, cell_deg) if grid is None else grid


def write_county_grid(bounds: Bounds, cell_deg: float, path: Path | None = None) -> Path:
    """Build the grid and write it, with what it was built from, to ``path`` (default: data/).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    path = path or data_path(*GRID_FILE)
    np.savez_compressed(
        path,
        grid=build_county_grid(bounds, cell_deg),
        bounds=np.asarray(bounds, dtype=float),
        cell_deg=np.float64(cell_deg),
        counties_sha256=np.str_(_counties_digest()),
    )
    return path


def _shipped(bounds: Bounds, cell_deg: float) -> np.ndarray | None:
    path = data_path(*GRID_FILE)
    if not path.is_file():
        return None
    # The file found above, read with the packaged-data error if it is damaged.
    built_for, digest, grid = read_packaged(lambda _: _load_grid(path), *GRID_FILE)
    if built_for != (tuple(map(float, bounds)), float(cell_deg)):
        return None
    if digest != _counties_digest():
        logger.info("%s was built from other counties; building the grid again", path.name)
        return None
    return grid if grid.shape == _shape(bounds, cell_deg) else None


def _load_grid(path: Path) -> tuple[tuple[tuple[float, ...], float], str, np.ndarray]:
    with np.load(path, allow_pickle=False) as stored:
        built_for = (tuple(stored["bounds"].tolist()), float(stored["cell_deg"]))
        return built_for, str(stored["counties_sha256"]), stored["grid"]


def _counties_digest() -> str:
    return read_packaged(
        lambda path: hashlib.sha256(path.read_bytes()).hexdigest(), *layer_spec("counties").path
    )


def _shape(bounds: Bounds, cell_deg: float) -> tuple[int, int]:
    lon0, lat0, lon1, lat1 = bounds
    return round((lat1 - lat0) / cell_deg), round((lon1 - lon0) / cell_deg)
