"""Time ``goldmap.locate`` on a million random points against ``geopandas.sjoin`` to provinces.

goldmap answers three questions per point (province and county, plan areas, nearest key mine
with its geodesic distance); the baseline answers one (the province, by a spatial join to the
full-detail province polygons). Each side runs in a fresh interpreter so that its peak memory
(``ru_maxrss``) is its own. Reference data are loaded, and the code warmed up, before timing.
"""

from __future__ import annotations

from bench._common import Figure, run_python

_POINTS = """
import numpy as np, geopandas as gpd
rng = np.random.default_rng(20250101)
n = {n}
# Uniform over China's bounding box: land, sea and neighbours alike.
points = gpd.GeoDataFrame(
    {{"id": np.arange(n)}},
    geometry=gpd.points_from_xy(rng.uniform(73.5, 135.1, n), rng.uniform(18.0, 53.6, n)),
    crs="EPSG:4326",
)
"""

_GOLDMAP = """
import json, resource, statistics, time
import goldmap
goldmap.locate(points.iloc[:1000])
times = []
for _ in range({repeat}):
    start = time.perf_counter()
    result = goldmap.locate(points)
    times.append(time.perf_counter() - start)
assert len(result) == n
print(json.dumps({{"seconds": statistics.median(times),
    "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "in_province": int(result["province_adcode"].notna().sum())}}))
"""

_BASELINE = """
import json, resource, statistics, time
import goldmap
provinces = goldmap.load("provinces")[["adcode", "name_zh", "geometry"]]
gpd.sjoin(points.iloc[:1000], provinces, how="left", predicate="within")
times = []
for _ in range({repeat}):
    start = time.perf_counter()
    result = gpd.sjoin(points, provinces, how="left", predicate="within")
    times.append(time.perf_counter() - start)
print(json.dumps({{"seconds": statistics.median(times),
    "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "in_province": int(result["adcode"].notna().sum())}}))
"""


def run(quick: bool = False) -> list[Figure]:
    n = 100_000 if quick else 1_000_000
    repeat = 1 if quick else 3
    points = _POINTS.format(n=n)
    ours = run_python(points + _GOLDMAP.format(repeat=repeat))
    base = run_python(points + _BASELINE.format(repeat=repeat))
    note = (
        f"{n:,} points, median of {repeat}; goldmap: province+county, plan areas, nearest "
        f"mine; baseline: province only ({ours['in_province']:,} vs {base['in_province']:,} "
        "points found in a province)"
    )
    return [
        Figure(
            "locate throughput",
            "/s",
            n / ours["seconds"],
            n / base["seconds"],
            goal="≥ 0.8× the baseline's throughput",
            better="higher",
            target=0.8,
            note=note,
        ),
        Figure(
            "locate time",
            "s",
            ours["seconds"],
            base["seconds"],
            note=f"{n:,} points",
        ),
        Figure(
            "locate peak memory (ru_maxrss)",
            "MB",
            ours["maxrss_mb"],
            base["maxrss_mb"],
            note="whole subprocess: interpreter, libraries, points, reference data",
        ),
    ]
