"""Time ``goldmap.locate`` on a 2-worker Dask LocalCluster against the in-memory path.

10 million random points in 20 GeoParquet partitions (written once into ``bench/_work``) are
located with ``goldmap.locate(folder, client=client, compute=False)`` and the lazy result is
written back as partitioned GeoParquet. Throughput per worker is compared with the
in-memory ``goldmap.locate`` on one million points in one process. The cluster figure
includes what the in-memory one does not: reading and writing the partitions, starting the
reference data in each worker, and Dask's scheduling. The written output is inspected for
its GeoParquet version and a ``bbox`` covering column.
"""

from __future__ import annotations

from bench._common import WORK, Figure, run_python

_PARTITIONS = """
import json
from pathlib import Path
from bench import baselines
folder = Path({folder!r})
done = folder / "_complete"
if not done.exists():
    folder.mkdir(parents=True, exist_ok=True)
    size = {n} // {parts}
    for i in range({parts}):
        part = baselines.random_points(size, seed=1000 + i)
        part["id"] += i * size
        part.to_parquet(folder / f"part.{{i:03d}}.parquet")
    done.write_text("")
print(json.dumps({{}}))
"""

_RUN = """
import json, shutil, statistics, time
from pathlib import Path
import pyarrow.parquet as pq
from dask.distributed import Client, LocalCluster
import goldmap
from goldmap.spatial import write_located
from bench import baselines

points = baselines.random_points({inmemory})
goldmap.locate(points.iloc[:60_000])
start = time.perf_counter()
goldmap.locate(points)
inmemory = time.perf_counter() - start
del points

folder, out = Path({folder!r}), Path({out!r})
cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                       dashboard_address=None, memory_limit="6GiB")
with cluster, Client(cluster) as client:
    # Reference data loaded and the county grid built in each worker before timing.
    client.run(lambda: len(goldmap.locate(baselines.random_points(60_000))))
    times = []
    for _ in range({repeat}):
        shutil.rmtree(out, ignore_errors=True)
        start = time.perf_counter()
        lazy = goldmap.locate(str(folder), client=client, compute=False)
        write_located(lazy, out, client=client)
        times.append(time.perf_counter() - start)
files = sorted(out.glob("*.parquet"))
meta = json.loads(pq.read_schema(files[0]).metadata[b"geo"])
column = meta["columns"][meta["primary_column"]]
rows = sum(pq.read_metadata(f).num_rows for f in files)
print(json.dumps({{"inmemory": inmemory, "cluster": statistics.median(times), "rows": rows,
    "files": len(files), "version": meta.get("version"), "covering": column.get("covering"),
    "bbox_column": "bbox" in pq.read_schema(files[0]).names}}))
"""


def run(quick: bool = False) -> list[Figure]:
    n, parts = (1_000_000, 4) if quick else (10_000_000, 20)
    inmemory = 200_000 if quick else 1_000_000
    repeat = 1 if quick else 2
    folder = WORK / f"points_{n // 1_000_000}m_{parts}parts"
    out = WORK / "located_parquet"
    try:
        import dask_geopandas  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as e:
        return [Figure("locate on a 2-worker cluster", "/s", skipped=f"dask is missing ({e})")]
    run_python(_PARTITIONS.format(folder=str(folder), n=n, parts=parts), timeout=1800)
    r = run_python(
        _RUN.format(folder=str(folder), out=str(out), inmemory=inmemory, repeat=repeat),
        timeout=3600,
    )
    per_worker = r["rows"] / r["cluster"] / 2
    covering = f"covering {r['covering']}" if r["covering"] else "no bbox covering in the metadata"
    return [
        Figure(
            f"locate on a 2-worker LocalCluster, {n:,} points in {parts} partitions, per worker",
            "/s",
            per_worker,
            inmemory / r["inmemory"],
            description=(
                f"goldmap.locate in memory, one process, {inmemory:,} points (points per "
                "second): what each worker would do with no cluster"
            ),
            better="higher",
            note=(
                f"LocalCluster(n_workers=2, threads_per_worker=1) on this 2-core machine; "
                f"{r['rows']:,} rows located in {r['cluster']:.1f} s (median of {repeat}), "
                "reading the partitioned GeoParquet folder and writing the lazy result with "
                f"goldmap.spatial.write_located ({r['files']} files); output GeoParquet version "
                f"{r['version']}, {covering}, bbox column "
                f"{'present' if r['bbox_column'] else 'absent'}"
            ),
        )
    ]
