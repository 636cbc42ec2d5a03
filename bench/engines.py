"""Time in-memory ``goldmap.locate`` against a single-node spatial SQL engine asking the same.

The engine is DuckDB with its spatial extension, both from PyPI (``duckdb`` and
``duckdb-extension-spatial``, which ships the extension file, so nothing is downloaded at
run time), and pyarrow to fetch its answer as an Arrow table. None is a dependency of
goldmap: they live in their own virtual environment, ``bench/_work/engines`` (or the
interpreter named by ``GOLDMAP_BENCH_ENGINES_PYTHON``)::

    python -m venv bench/_work/engines
    bench/_work/engines/bin/pip install duckdb==1.5.5 duckdb-extension-spatial==1.5.5 \
        pyarrow==26.0.1

One million random points, the 2,891 counties, the 15 plan areas and the 35 key mines are
written as Parquet with WKB geometry, loaded into DuckDB tables (not timed), and the three
questions are asked in one SQL statement whose answer is fetched as an Arrow table (timed):
county (hence province) by ``ST_Intersects`` (DuckDB plans it as a spatial join), the plan
areas by ``ST_Intersects`` with the names of each kind joined, and the nearest mine as the
``arg_min`` of ``ST_Distance_Spheroid`` (geodesic metres on WGS84) over every mine. The
answers are then compared with goldmap's, point by point.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from bench._common import ROOT, WORK, Figure, run_python

ENGINES = Path(os.environ.get("GOLDMAP_BENCH_ENGINES_PYTHON", WORK / "engines" / "bin" / "python"))

_EXPORT = """
import json, statistics, time
from pathlib import Path
import numpy as np, pandas as pd, shapely
import goldmap
from goldmap.catalog import LayerGroup, layers_in
from bench import baselines
folder = Path({folder!r})
folder.mkdir(parents=True, exist_ok=True)
points = baselines.random_points({n})
def wkb(frame):
    return shapely.to_wkb(np.asarray(frame.geometry.values, dtype=object))
pd.DataFrame({{"id": points["id"], "wkb": wkb(points)}}).to_parquet(folder / "points.parquet")
counties = goldmap.load("counties")
pd.DataFrame({{"row": np.arange(len(counties)), "adcode": counties["adcode"].astype("int64"),
              "province_adcode": counties["province_adcode"].astype("int64"),
              "wkb": wkb(counties)}}).to_parquet(folder / "counties.parquet")
areas = pd.concat([goldmap.load(n) for n in layers_in(LayerGroup.PLAN_AREA)], ignore_index=True)
pd.DataFrame({{"row": np.arange(len(areas)), "kind": areas["kind"], "name": areas["name_zh"],
              "wkb": wkb(areas)}}).to_parquet(folder / "areas.parquet")
mines = goldmap.load("key_mines")
known = ~(mines.geometry.is_empty | mines.geometry.isna())
pd.DataFrame({{"row": np.arange(len(mines))[known], "id": mines["id"][known],
              "wkb": wkb(mines[known])}}).to_parquet(folder / "mines.parquet")
goldmap.locate(points.iloc[:60_000])
times, cpus = [], []
for _ in range({repeat}):
    start, c0 = time.perf_counter(), time.process_time()
    located = goldmap.locate(points)
    times.append(time.perf_counter() - start)
    cpus.append(time.process_time() - c0)
answers = ["province_adcode", "county_adcode", "exploration_areas", "development_areas",
           "nearest_mine_id", "nearest_mine_km"]
frame = pd.DataFrame({{"id": points["id"]}})
for column in answers:
    frame[column] = located[column].astype(object).where(located[column].notna(), None)
# The geodesic km to the metre (nearest_mine_km is rounded to the mine's precision step).
frame["nearest_mine_km"] = located["nearest_mine_km_exact"]
frame.to_parquet(folder / "goldmap.parquet")
print(json.dumps({{"goldmap": statistics.median(times), "cpu": statistics.median(cpus)}}))
"""

#: The three questions in DuckDB's SQL. ST_Distance_Spheroid takes (latitude, longitude).
QUERY = """
WITH county AS (
    SELECT p.id, min(c.row) AS row
    FROM points p JOIN counties c ON ST_Intersects(c.geom, p.geom)
    GROUP BY p.id
), area AS (
    SELECT p.id,
        string_agg(DISTINCT a.name, '; ' ORDER BY a.name)
            FILTER (WHERE a.kind = 'exploration') AS exploration_areas,
        string_agg(DISTINCT a.name, '; ' ORDER BY a.name)
            FILTER (WHERE a.kind = 'development') AS development_areas
    FROM points p JOIN areas a ON ST_Intersects(a.geom, p.geom)
    GROUP BY p.id
), nearest AS (
    SELECT id, arg_min(mine_id, metres) AS mine_id, min(metres) AS metres
    FROM (
        SELECT p.id, m.id AS mine_id, ST_Distance_Spheroid(p.latlon, m.latlon) AS metres
        FROM (SELECT id, ST_FlipCoordinates(geom) AS latlon FROM points p) p CROSS JOIN mines m
    )
    GROUP BY id
)
SELECT p.id, c.province_adcode, c.adcode AS county_adcode,
    coalesce(area.exploration_areas, '') AS exploration_areas,
    coalesce(area.development_areas, '') AS development_areas,
    nearest.mine_id AS nearest_mine_id, round(nearest.metres / 1000, 3) AS nearest_mine_km
FROM points p
LEFT JOIN county USING (id) LEFT JOIN counties c ON c.row = county.row
LEFT JOIN area USING (id) LEFT JOIN nearest USING (id)
ORDER BY p.id
"""

_DUCKDB = """
import json, os, statistics, sys, time
import duckdb, duckdb_extension_spatial
import pyarrow.parquet as pq
folder = {folder!r}
extension = os.path.join(os.path.dirname(duckdb_extension_spatial.__file__), "extensions",
                         "v" + duckdb.__version__, "spatial.duckdb_extension")
con = duckdb.connect(config={{"allow_unsigned_extensions": "true"}})
con.execute(f"LOAD '{{extension}}'")
for name in ("points", "counties", "areas", "mines"):
    path = os.path.join(folder, name + ".parquet")
    con.execute(f"CREATE TABLE {{name}} AS SELECT * EXCLUDE (wkb), ST_GeomFromWKB(wkb) AS geom "
                f"FROM read_parquet('{{path}}')")
con.execute("ALTER TABLE mines ADD COLUMN latlon GEOMETRY")
con.execute("UPDATE mines SET latlon = ST_FlipCoordinates(geom)")
query = {query!r}
warm = query.replace("FROM points p", "FROM (SELECT * FROM points LIMIT 10000) p")
con.execute(warm).fetch_arrow_table()
times, cpus = [], []
for _ in range({repeat}):
    start, c0 = time.perf_counter(), time.process_time()
    answer = con.execute(query).fetch_arrow_table()
    times.append(time.perf_counter() - start)
    cpus.append(time.process_time() - c0)
pq.write_table(answer, os.path.join(folder, "duckdb.parquet"))
print(json.dumps({{"engine": statistics.median(times), "cpu": statistics.median(cpus),
                  "threads": con.execute("SELECT current_setting('threads')").fetchone()[0],
                  "version": duckdb.__version__}}))
"""

_COMPARE = """
import json
import numpy as np, pandas as pd
folder = {folder!r}
ours = pd.read_parquet(folder + "/goldmap.parquet").set_index("id")
theirs = pd.read_parquet(folder + "/duckdb.parquet").set_index("id").loc[ours.index]
differ = {{}}
for column in ("province_adcode", "county_adcode", "exploration_areas", "development_areas",
               "nearest_mine_id"):
    a = [None if pd.isna(v) else str(v) for v in ours[column].astype(object)]
    b = [None if pd.isna(v) else str(v) for v in theirs[column].astype(object)]
    differ[column] = sum(x != y for x, y in zip(a, b, strict=True))
mine_ours = ours["nearest_mine_id"].astype(str).to_numpy()
same_mine = mine_ours == theirs["nearest_mine_id"].astype(str).to_numpy()
delta = np.abs(ours["nearest_mine_km"].to_numpy() - theirs["nearest_mine_km"].to_numpy())
differ["nearest_mine_km"] = int((delta[same_mine] > 0.0015).sum())
other = ~same_mine
gap = (theirs["nearest_mine_km"].to_numpy() - ours["nearest_mine_km"].to_numpy())[other]
print(json.dumps({{"differ": differ, "max_km_delta_same_mine": float(delta[same_mine].max()),
                  "other_mine_km_gap_max": float(np.abs(gap).max()) if len(gap) else 0.0}}))
"""

DESCRIPTION = (
    "DuckDB {version} with the spatial extension (PyPI duckdb + duckdb-extension-spatial, "
    "separate venv, {threads} threads), the same three questions in one SQL statement "
    "(bench/engines.py QUERY): county by ST_Intersects spatial join (first county row on a "
    "shared border), plan areas by ST_Intersects with the names of each kind joined sorted, "
    "nearest mine as arg_min of ST_Distance_Spheroid (WGS84 geodesic) over every mine; "
    "answer fetched as Arrow, tables loaded before timing"
)


def run(quick: bool = False) -> list[Figure]:
    n = 100_000 if quick else 1_000_000
    repeat = 1 if quick else 3
    name = f"locate, {n:,} points, three answers, vs a spatial SQL engine"
    if not ENGINES.exists():
        return [
            Figure(
                name,
                "s",
                skipped=f"no engines venv at {ENGINES} (see bench/engines.py to create it)",
            )
        ]
    folder = str(WORK / "engines_input")
    ours = run_python(_EXPORT.format(folder=folder, n=n, repeat=repeat))
    done = subprocess.run(
        [str(ENGINES), "-c", _DUCKDB.format(folder=folder, query=QUERY, repeat=repeat)],
        capture_output=True,
        text=True,
        timeout=3600,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        return [Figure(name, "s", skipped=f"DuckDB failed: {done.stderr[-300:]}")]
    engine = json.loads(done.stdout.strip().splitlines()[-1])
    compared = run_python(_COMPARE.format(folder=folder))
    differ = ", ".join(f"{k} {v:,}" for k, v in compared["differ"].items())
    return [
        Figure(
            name,
            "s",
            ours["goldmap"],
            engine["engine"],
            description=DESCRIPTION.format(**engine),
            goal="≤ 1.0×, answers compared",
            target=1.0,
            note=(
                f"{n:,} random points in China's bounding box, median of {repeat}; CPU time "
                f"goldmap {ours['cpu']:.2f} s (one thread), DuckDB {engine['cpu']:.2f} s; "
                f"points whose answer differs: {differ} (km: more than 0.0015 km apart for the "
                f"same mine; largest difference {compared['max_km_delta_same_mine']:.4f} km). "
                "Both choose the nearest mine by the geodesic distance on WGS84 (goldmap: "
                "k-d tree candidates, then pyproj.Geod.inv, ties to the first mine row; "
                "DuckDB: ST_Distance_Spheroid to every mine, arg_min keeps any of equal "
                "ones), so a nearest mine can only differ on an exact tie or where the two "
                "geodesic solvers disagree in the last digits; largest km gap where they "
                f"differ {compared['other_mine_km_gap_max']:.4f} km"
            ),
        )
    ]
