"""Time zonal statistics over the 2,891 counties and the 15 plan areas on a large raster.

The raster (10,000 x 10,000 float32 over China, EPSG:4326, 1% nodata, tiled) is written once
into ``bench/_work``. goldmap is timed against ``rasterstats`` (the same question: pixels
whose centre is inside each zone, nodata left out; counts must be identical) and against
``exactextract`` (the fastest zonal statistics in Python; it weights partial pixels by
coverage, so its counts are fractional and its means differ slightly by design).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from bench._common import WORK, Figure, median_time

STATS = ("min", "max", "mean", "count")

RASTERSTATS = (
    "rasterstats.zonal_stats: per zone, read its window, rasterize it, mask (pixel centres "
    "inside, nodata out); the same answer as goldmap's, counts checked identical"
)


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
    partial = path.with_suffix(".partial.tif")
    with rasterio.open(partial, "w", **profile) as dst:
        step = 1000
        for row in range(0, size, step):
            block = rng.random((step, size), dtype=np.float32) * 1000
            block[rng.random((step, size)) < 0.01] = -9999.0
            dst.write(block, 1, window=((row, row + step), (0, size)))
    partial.rename(path)


def _raster(size: int) -> Path:
    path = WORK / f"zonal_{size}.tif"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_raster(path, size)
    return path


def _warm_file(path: Path) -> None:
    """Read the file once, so that neither side's timing includes reading it from disk."""
    with path.open("rb") as f:
        while f.read(1 << 24):
            pass


def _agreement(ours, base) -> tuple[bool, float]:  # type: ignore[no-untyped-def]
    counts = ours["count"].to_numpy(int) == base["count"].fillna(0).to_numpy(int)
    diff = np.abs(ours["mean"].to_numpy(float) - base["mean"].to_numpy(float))
    return bool(counts.all()), float(np.nanmax(diff)) if np.isfinite(diff).any() else 0.0


def run(quick: bool = False) -> list[Figure]:
    try:
        import goldmap
        from goldmap.raster import zonal_stats
    except ImportError as e:
        return [Figure("zonal statistics", "s", skipped=f"goldmap.raster is not available ({e})")]
    if importlib.util.find_spec("rasterstats") is None:
        return [Figure("zonal statistics", "s", skipped="rasterstats is not installed")]
    import pandas as pd
    import rasterstats

    size = 4000 if quick else 10_000
    path = _raster(size)
    counties = goldmap.load("counties")
    areas = pd.concat(
        [goldmap.load("exploration_areas"), goldmap.load("development_areas")], ignore_index=True
    )
    figures = []
    raster = f"{size:,} x {size:,} float32, stats {', '.join(STATS)}"
    for label, zones, name, repeat in (
        (f"zonal statistics, {len(counties):,} counties", counties, "counties", 1 if quick else 2),
        (f"zonal statistics, {len(areas)} plan areas", areas, None, 1 if quick else 3),
    ):
        args = (path,) if name is None else (path, name)
        _warm_file(path)  # both sides read the raster from the OS page cache, not the disk
        zonal_stats(path, zones.iloc[:2], stats=STATS)  # warm: imports, GDAL cache of nothing
        ours_time, ours = median_time(lambda a=args: zonal_stats(*a, stats=STATS), repeat)
        base_time, base = median_time(
            lambda z=zones: rasterstats.zonal_stats(z.geometry, str(path), stats=list(STATS)),
            repeat,
        )
        base = pd.DataFrame(base)
        if name is None:  # goldmap's default zones: align rasterstats' rows by area id
            base.index = areas["id"]
            base = base.loc[ours["id"]].reset_index(drop=True)
        counts_equal, worst = _agreement(ours, base)
        note = (
            f"{raster}, median of {repeat}; vs rasterstats: counts "
            f"{'identical' if counts_equal else 'DIFFER'} on all {len(ours):,} zones, largest "
            f"|Δmean| {worst:.2e}"
        )
        extra = []
        if importlib.util.find_spec("exactextract") is None:
            note += "; exactextract not installed, not compared"
        else:
            from exactextract import exact_extract

            exact_time, exact = median_time(
                lambda z=zones: exact_extract(str(path), z, list(STATS), output="pandas"),
                repeat,
            )
            if name is None:
                exact.index = areas["id"]
                exact = exact.loc[ours["id"]].reset_index(drop=True)
            diff = np.abs(ours["mean"].to_numpy(float) - exact["mean"].to_numpy(float))
            note += (
                f"; exactextract {exact_time:.2f} s (partial-pixel coverage weights: "
                f"largest |Δmean| {np.nanmax(diff):.3g}, fractional counts)"
            )
            extra.append(
                Figure(
                    f"{label}, vs exactextract",
                    "s",
                    ours_time,
                    exact_time,
                    description=(
                        "exactextract.exact_extract (C++, one pass per zone with exact "
                        "coverage fractions): the fastest zonal statistics in Python; a "
                        "slightly different answer (partial pixels weighted)"
                    ),
                    note=f"{raster}, median of {repeat}",
                )
            )
        counties_row = name is not None
        figures.append(
            Figure(
                label,
                "s",
                ours_time,
                base_time,
                description=RASTERSTATS,
                goal="≤ 0.25× rasterstats, counts identical" if counties_row else "≤ 1.0×",
                target=0.25 if counties_row else 1.0,
                condition=counts_equal,
                note=note,
            )
        )
        figures.extend(extra)
    return figures
