"""Time ``goldmap.locate`` on a million random points against baselines that answer the same.

goldmap answers three questions per point: province and county, plan areas, nearest key mine
with its exact geodesic distance on WGS84. It is timed, in one fresh interpreter and
interleaved, against two baselines that answer all three (:mod:`bench.baselines`): the exact
hand-tuned shapely 2 pipeline (same answers on every point, checked here) and a geopandas
user's sjoin + sjoin + sjoin_nearest + ``Geod.inv``. Reference data are loaded and the code
warmed up before timing, on both sides.

Peak memory is measured per call in a fresh interpreter per measurement: the high-water
resident set during the call (``VmHWM``, reset just before it through
``/proc/self/clear_refs``) minus the resident set just before it, with the points already in
memory. The baseline of that figure is ``geopandas.sjoin`` to the counties.
"""

from __future__ import annotations

from bench._common import MEMORY_HELPERS, Figure, run_python

_SETUP = """
import json, statistics, time
import goldmap
from bench import baselines
points = baselines.random_points({n})
"""

_TIMES = """
goldmap.locate(points.iloc[:60_000])  # loads the reference data and builds its grid
baselines.hand_tuned_locate(points.iloc[:1000])
baselines.geopandas_locate(points.iloc[:1000])
sides = {{"goldmap": goldmap.locate, "hand_tuned": baselines.hand_tuned_locate,
         "geopandas": baselines.geopandas_locate}}
times = {{name: [] for name in sides}}
results = {{}}
for _ in range({repeat}):  # interleaved, so that every side sees the same machine state
    for name, func in sides.items():
        start = time.perf_counter()
        results[name] = func(points)
        times[name].append(time.perf_counter() - start)
out = {{name: statistics.median(t) for name, t in times.items()}}
out["hand_tuned_differ"] = baselines.compare(results["goldmap"], results["hand_tuned"])
out["geopandas_differ"] = baselines.compare(results["goldmap"], results["geopandas"])
out["in_county"] = int(results["goldmap"]["county_adcode"].notna().sum())
print(json.dumps(out))
"""

_MEMORY = """
{call}(points.iloc[:60_000])  # reference data loaded, grid and trees built
before = reset_peak()
result = {call}(points)
peak = peak_mb()
print(json.dumps({{"over_input_mb": peak - before, "before_mb": before}}))
"""

_CALLS = {
    "goldmap": "goldmap.locate",
    "sjoin_counties": "baselines.sjoin_counties",
    "hand_tuned": "baselines.hand_tuned_locate",
}

HAND_TUNED = (
    "exact hand-tuned shapely 2 pipeline (bench/baselines.py): STRtree bbox query of the "
    "2,891 county polygons then shapely.intersects_xy on prepared polygons (county gives "
    "province), the same for the 15 plan areas, cKDTree on 3-D unit vectors of the "
    "de-duplicated mine points for the sphere-nearest candidates, Geod.inv on WGS84 to those "
    "that may be the geodesic nearest; the same three answers and columns as "
    "goldmap, checked equal on every point: the fastest exact way to answer the same questions"
)
GEOPANDAS = (
    "what a geopandas user writes for the same three answers: sjoin to counties, sjoin to "
    "plan areas (names joined), sjoin_nearest in Asia North Albers equal-area, Geod.inv for "
    "km; its nearest mine is planar, so it may differ from goldmap's geodesic one"
)
SJOIN = (
    "geopandas.sjoin of the points to the 2,891 county polygons (one answer: county and "
    "province): the least any locate must hold in memory"
)


def run(quick: bool = False) -> list[Figure]:
    n = 100_000 if quick else 1_000_000
    repeat = 1 if quick else 3
    setup = _SETUP.format(n=n)
    t = run_python(setup + _TIMES.format(repeat=repeat))
    memory = {
        name: run_python(setup + MEMORY_HELPERS + _MEMORY.format(call=call))
        for name, call in _CALLS.items()
    }
    same = not any(t["hand_tuned_differ"].values())
    differ = ", ".join(f"{k} {v:,}" for k, v in t["hand_tuned_differ"].items())
    gpd_differ = t["geopandas_differ"]
    common = f"{n:,} random points in China's bounding box ({t['in_county']:,} in a county)"
    return [
        Figure(
            f"locate, {n:,} points, three answers, exact WGS84 km",
            "s",
            t["goldmap"],
            t["hand_tuned"],
            description=HAND_TUNED,
            goal="≤ 1.0×, same answers on all points",
            target=1.0,
            condition=same,
            note=f"{common}, median of {repeat}; points that differ from goldmap: {differ}",
        ),
        Figure(
            "locate vs geopandas doing all three",
            "s",
            t["goldmap"],
            t["geopandas"],
            description=GEOPANDAS,
            goal="≤ 0.4×",
            target=0.4,
            note=f"{common}, median of {repeat}; the geopandas answer differs from goldmap's "
            f"on {gpd_differ['nearest_mine_id']:,} nearest mines (planar vs geodesic), "
            f"{gpd_differ['county_adcode']:,} counties, "
            f"{gpd_differ['exploration_areas'] + gpd_differ['development_areas']:,} plan-area "
            "strings",
        ),
        Figure(
            "locate peak memory over the input",
            "MB",
            memory["goldmap"]["over_input_mb"],
            memory["sjoin_counties"]["over_input_mb"],
            description=SJOIN,
            goal="≤ 1.5×",
            target=1.5,
            note=f"{n:,} points; per call, fresh interpreter each: peak resident set during "
            "the call (VmHWM reset through /proc/self/clear_refs just before it) minus the "
            f"resident set just before it, points and reference data loaded "
            f"({memory['goldmap']['before_mb']:.0f} MB before goldmap's call); the hand-tuned "
            f"pipeline needs {memory['hand_tuned']['over_input_mb']:.0f} MB",
        ),
        Figure(
            "locate throughput, in memory",
            "/s",
            n / t["goldmap"],
            n / t["hand_tuned"],
            description="the hand-tuned pipeline above",
            better="higher",
            note="points per second, one process; the reference of the cluster figure",
        ),
    ]
