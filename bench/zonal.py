"""Time zonal statistics over the 15 plan areas on a large raster against ``rasterstats``.

The raster (10,000 x 10,000 float32 over China, EPSG:4326, 1% nodata) is written by the
benchmark into a temporary directory. Agreement with ``exactextract`` is checked where it
is installed (it weights partial pixels, so its figures differ slightly by design).
"""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

import numpy as np

from bench._common import Figure, median_time

STATS = ("min", "max", "mean", "count")


def _write_raster(path: Path, size: int) -> None:
    import rasterio
    from rasterio.transform import from_bounds

    transform = from_bounds(73.0, 15.0, 136.0, 54.0, size, size)
    rng = np.random.default_rng(7)
    profile = {
        "driver": "GTiff",
        "width": size,
        "height": size,
        "count": 1,
        "dtype": "float32",
        "crs": "EPSG:4326",
        "transform": transform,
        "nodata": -9999.0,
        "tiled": True,
        "blockxsize": 512,
        "blockysize": 512,
    }
    with rasterio.open(path, "w", **profile) as dst:
        step = 1000
        for row in range(0, size, step):
            block = rng.random((step, size), dtype=np.float32) * 1000
            block[rng.random((step, size)) < 0.01] = -9999.0
            dst.write(block, 1, window=((row, row + step), (0, size)))


def run(quick: bool = False) -> list[Figure]:
    try:
        from goldmap.raster import zonal_stats
    except ImportError as e:
        return [Figure("zonal statistics", "s", skipped=f"goldmap.raster is not available ({e})")]
    if importlib.util.find_spec("rasterstats") is None:
        return [Figure("zonal statistics", "s", skipped="rasterstats is not installed")]
    import pandas as pd
    import rasterstats

    from goldmap.raster import _plan_areas

    size = 4000 if quick else 10_000
    repeat = 1 if quick else 3
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.tif"
        _write_raster(path, size)
        areas = _plan_areas()
        ours_time, ours = median_time(lambda: zonal_stats(path, stats=STATS), repeat)
        base_time, base = median_time(
            lambda: rasterstats.zonal_stats(areas, str(path), stats=list(STATS)), repeat
        )
        base = pd.DataFrame(base)
        worst = float(np.nanmax(np.abs(ours["mean"].to_numpy() - base["mean"].to_numpy())))
        counts_equal = bool((ours["count"].to_numpy() == base["count"].to_numpy()).all())
        agreement = (
            f"vs rasterstats: counts {'identical' if counts_equal else 'DIFFER'}, "
            f"largest mean difference {worst:.2e}"
        )
        if importlib.util.find_spec("exactextract") is None:
            agreement += "; exactextract not installed, not compared"
        else:
            from exactextract import exact_extract

            exact = exact_extract(str(path), areas, ["mean"], output="pandas")
            diff = np.abs(ours["mean"].to_numpy() - exact["mean"].to_numpy())
            agreement += (
                f"; vs exactextract (partial-pixel weights): largest |Δmean| {diff.max():.3g}"
            )
    return [
        Figure(
            "zonal statistics, 15 areas",
            "s",
            ours_time,
            base_time,
            goal="≥ 3× faster (ratio ≤ 0.33)",
            target=1 / 3,
            note=f"{size:,} x {size:,} float32, stats {', '.join(STATS)}, median of {repeat}; "
            + agreement,
        )
    ]
