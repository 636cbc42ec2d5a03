"""Time ``goldmap.locate`` on a 2-worker Dask LocalCluster against the in-memory path.

10 million random points in 20 GeoParquet partitions (written once into ``bench/_work``) are
located with ``goldmap.locate(folder, client=client, compute=False)`` and the lazy result is
written back as partitioned GeoParquet (``write_located``). Throughput per worker is compared,
in the same run, with two in-memory baselines in one process: ``goldmap.locate`` of one
million points alone, and the same million read from a GeoParquet file, located and written
back as GeoParquet 1.1 with a bbox column (what each worker does, with no cluster: both sides
pay the same I/O). CPU seconds per million points are reported beside the wall-clock figures
(the machine is shared; CPU time is what the cluster's own overhead costs).

Then 100 million points in 100 partitions (generated once) are located and written by the
same cluster, its workers' resident memory polled (psutil, every 0.2 s, workers and their
children); 100,000 sampled output rows are compared with the in-memory answers.
"""

from __future__ import annotations

from bench._common import WORK, Figure, run_python

#: Writes ``n`` uniform random points over China's box as ``parts`` GeoParquet files, the WKB
#: of each point built in NumPy (seeded per file), once: a ``_complete`` file marks the end.
_PARTITIONS = """
import io, json
from pathlib import Path
import geopandas as gpd, numpy as np, pyarrow as pa, pyarrow.parquet as pq
folder = Path({folder!r})
done = folder / "_complete"
if not done.exists():
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    gpd.GeoDataFrame({{"id": [0]}}, geometry=gpd.points_from_xy([0.0], [0.0]),
                     crs="EPSG:4326").to_parquet(buffer)
    buffer.seek(0)
    geo = json.loads(pq.read_schema(buffer).metadata[b"geo"])
    size = {n} // {parts}
    for i in range({parts}):
        rng = np.random.default_rng(1000 + i)
        x, y = rng.uniform(73.5, 135.1, size), rng.uniform(18.0, 53.6, size)
        wkb = np.zeros((size, 21), dtype=np.uint8)
        wkb[:, 0] = 1
        wkb[:, 1:5] = np.frombuffer(np.uint32(1).tobytes(), dtype=np.uint8)
        wkb[:, 5:] = np.column_stack([x, y]).view(np.uint8)
        offsets = pa.py_buffer(np.arange(0, 21 * (size + 1), 21, dtype=np.int32))
        geometry = pa.Array.from_buffers(pa.binary(), size, [None, offsets, pa.py_buffer(wkb)])
        geo["columns"]["geometry"]["bbox"] = [x.min(), y.min(), x.max(), y.max()]
        table = pa.table({{"id": np.arange(i * size, (i + 1) * size), "geometry": geometry}})
        table = table.replace_schema_metadata({{b"geo": json.dumps(geo).encode()}})
        pq.write_table(table, folder / f"part.{{i:03d}}.parquet", row_group_size=250_000)
    done.write_text("")
print(json.dumps({{}}))
"""

_INMEMORY = """
import json, statistics, time
from pathlib import Path
import geopandas as gpd
import goldmap
from bench import baselines
source, out = Path({source!r}), Path({out!r})
if not source.exists():
    baselines.random_points({n}).to_parquet(source)
goldmap.locate(baselines.random_points(60_000))  # reference data loaded, grids built
alone, io, cpu = [], [], []
for _ in range({repeat}):
    points = gpd.read_parquet(source)
    start = time.perf_counter()
    goldmap.locate(points)
    alone.append(time.perf_counter() - start)
    del points
    start, c0 = time.perf_counter(), time.process_time()
    located = goldmap.locate(gpd.read_parquet(source))
    located.to_parquet(out, index=False, write_covering_bbox=True, schema_version="1.1.0")
    io.append(time.perf_counter() - start)
    cpu.append(time.process_time() - c0)
    del located
print(json.dumps({{"alone": statistics.median(alone), "io": statistics.median(io),
                  "io_cpu": statistics.median(cpu)}}))
"""

_CLUSTER = """
import json, os, random, shutil, statistics, threading, time
from pathlib import Path
import numpy as np, pandas as pd, psutil
import geopandas as gpd
from dask.distributed import Client, LocalCluster
import goldmap
from goldmap.spatial import LOCATE_COLUMNS, write_located
from bench import baselines

def tree(pid):
    p = psutil.Process(pid)
    return [p] + p.children(recursive=True)

def rss(pid):
    total = 0
    for p in tree(pid):
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total

def cpu(pids):
    return sum(t.user + t.system for pid in pids for t in [psutil.Process(pid).cpu_times()])

def same(a, b):
    def norm(s):
        return [None if pd.isna(v) else str(v) for v in s.astype(object).tolist()]
    return {{c: sum(x != y for x, y in zip(norm(a[c]), norm(b[c]), strict=True))
            for c in LOCATE_COLUMNS}}

folder, out = Path({folder!r}), Path({out!r})
cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                       dashboard_address=":0", memory_limit="{limit}")
client = Client(cluster)
try:
    # Reference data loaded and the county grid built in each worker before timing.
    client.run(lambda: len(goldmap.locate(baselines.random_points(60_000))))
    pids = list(client.run(os.getpid).values())
    peaks = dict.fromkeys(pids, 0)
    stop = threading.Event()
    def poll():
        while not stop.wait(0.2):
            for pid in pids:
                peaks[pid] = max(peaks[pid], rss(pid))
    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    times, cpus = [], []
    for _ in range({repeat}):
        shutil.rmtree(out, ignore_errors=True)
        c0, start = cpu(pids), time.perf_counter()
        lazy = goldmap.locate(str(folder), client=client, compute=False)
        write_located(lazy, out, client=client)
        times.append(time.perf_counter() - start)
        cpus.append(cpu(pids) - c0)
    stop.set()
    poller.join()
finally:
    # A loaded machine can be slow to stop the workers: that is no part of the figures.
    try:
        client.close()
        cluster.close(timeout=120)
    except (TimeoutError, OSError):
        pass
files = sorted(out.glob("*.parquet"))
inputs = sorted(folder.glob("*.parquet"))
import pyarrow.parquet as pq
meta = json.loads(pq.read_schema(files[0]).metadata[b"geo"])
column = meta["columns"][meta["primary_column"]]
rows = sum(pq.read_metadata(f).num_rows for f in files)
differ, checked = None, 0
if {sample}:
    rng = random.Random(7)
    picks = sorted(rng.sample(range(len(files)), min({sample_files}, len(files))))
    differ = dict.fromkeys(LOCATE_COLUMNS, 0)
    for i in picks:
        source = gpd.read_parquet(inputs[i])
        # (not "rows": that name holds the count of rows written, reported below)
        drawn = np.random.default_rng(i).choice(len(source), {sample} // len(picks), replace=False)
        at = np.sort(drawn)
        expected = goldmap.locate(source.iloc[at].reset_index(drop=True))
        got = pd.read_parquet(files[i], columns=["id", *LOCATE_COLUMNS]).iloc[at]
        assert got["id"].tolist() == expected["id"].tolist()
        for c, k in same(got.reset_index(drop=True), expected).items():
            differ[c] += k
        checked += len(at)
print(json.dumps({{"cluster": statistics.median(times), "cpu": statistics.median(cpus),
    "rows": rows, "files": len(files), "version": meta.get("version"),
    "covering": column.get("covering"), "bbox_column": "bbox" in pq.read_schema(files[0]).names,
    "peak_mb": [peaks[p] / 2**20 for p in pids], "differ": differ, "checked": checked}},
    default=lambda o: o.tolist()))
"""

_INMEMORY_IO = (
    "goldmap.locate in memory, one process, 1,000,000 points read from a GeoParquet file "
    "(geopandas.read_parquet) and written back as GeoParquet 1.1 with a bbox column "
    "(to_parquet(write_covering_bbox=True)): what each worker does with no cluster, the same "
    "I/O on both sides"
)


def _figures(n: int, parts: int, inmemory: int, repeat: int, r: dict, m: dict) -> list[Figure]:
    per_worker = r["rows"] / r["cluster"] / 2
    covering = f"covering {r['covering']}" if r["covering"] else "no bbox covering in the metadata"
    cpu_cluster = r["cpu"] / r["rows"] * 1e6
    cpu_io = m["io_cpu"] / inmemory * 1e6
    common = (
        f"LocalCluster(n_workers=2, threads_per_worker=1) on this 2-core machine; "
        f"{r['rows']:,} rows located in {r['cluster']:.1f} s (median of {repeat}), reading the "
        "partitioned GeoParquet folder and writing the lazy result with "
        f"goldmap.spatial.write_located ({r['files']} files); output GeoParquet version "
        f"{r['version']}, {covering}, bbox column {'present' if r['bbox_column'] else 'absent'}"
    )
    name = f"locate on a 2-worker LocalCluster, {n:,} points in {parts} partitions, per worker"
    return [
        Figure(
            name,
            "/s",
            per_worker,
            inmemory / m["alone"],
            description=(
                f"goldmap.locate in memory, one process, {inmemory:,} points (points per "
                "second), no reading or writing"
            ),
            better="higher",
            note=common,
        ),
        Figure(
            f"{name}, read + locate + write vs the same in memory",
            "/s",
            per_worker,
            inmemory / m["io"],
            description=_INMEMORY_IO,
            goal="≥ 0.7×",
            target=0.7,
            better="higher",
            note=(
                f"{common}; CPU time per million points: workers {cpu_cluster:.2f} s (both "
                f"together), in memory with I/O {cpu_io:.2f} s, ratio "
                f"{cpu_io / cpu_cluster:.2f} (in memory / cluster: the cluster's own overhead "
                "with the machine's load taken out)"
            ),
        ),
    ]


def _large(n: int, parts: int, r: dict) -> list[Figure]:
    peak = max(r["peak_mb"])
    differ = sum(r["differ"].values())
    note = (
        f"{n:,} points in {parts} GeoParquet partitions of {n // parts:,} (generated once into "
        f"bench/_work), LocalCluster(n_workers=2, threads_per_worker=1, memory_limit='3GiB'), "
        f"goldmap.locate(folder, compute=False) + write_located; {r['rows']:,} rows written in "
        f"{r['cluster']:.0f} s; peak resident memory per worker (worker and its children, "
        f"psutil every 0.2 s): {', '.join(f'{p:,.0f} MB' for p in r['peak_mb'])}; "
        f"{r['checked']:,} sampled output rows compared with goldmap.locate in memory: "
        f"{differ} value(s) differ"
    )
    return [
        Figure(
            f"locate on a 2-worker LocalCluster, {n:,} points in {parts} partitions, per worker",
            "/s",
            r["rows"] / r["cluster"] / 2,
            description="none (reported)",
            better="higher",
            note=note,
        ),
        Figure(
            f"peak memory per worker, {n:,} points on 2 workers",
            "MB",
            peak,
            3072,
            description="the budget: 3 GB per worker",
            goal="≤ 3 GB per worker, sampled rows equal",
            target=1.0,
            condition=differ == 0 and r["checked"] >= min(100_000, n) and r["rows"] == n,
            note=note,
        ),
    ]


def run(quick: bool = False) -> list[Figure]:
    n, parts = (1_000_000, 4) if quick else (10_000_000, 20)
    inmemory = 200_000 if quick else 1_000_000
    repeat = 1 if quick else 2
    folder = WORK / f"points_{n // 1_000_000}m_{parts}parts"
    out = WORK / "located_parquet"
    try:
        import dask_geopandas  # noqa: F401
        import distributed  # noqa: F401
        import psutil  # noqa: F401
    except ImportError as e:
        return [Figure("locate on a 2-worker cluster", "/s", skipped=f"dask is missing ({e})")]
    run_python(_PARTITIONS.format(folder=str(folder), n=n, parts=parts), timeout=1800)
    m = run_python(
        _INMEMORY.format(
            source=str(WORK / f"points_{inmemory}.parquet"),
            out=str(WORK / "located_inmemory.parquet"),
            n=inmemory,
            repeat=repeat + 1,
        )
    )
    cluster = _CLUSTER.format(
        folder=str(folder), out=str(out), repeat=repeat, limit="6GiB", sample=0, sample_files=0
    )
    figures = _figures(n, parts, inmemory, repeat, run_python(cluster, timeout=3600), m)
    large_n, large_parts = (10_000_000, 100) if quick else (100_000_000, 100)
    large = WORK / f"points_{large_n // 1_000_000}m_{large_parts}parts"
    run_python(_PARTITIONS.format(folder=str(large), n=large_n, parts=large_parts), timeout=3600)
    cluster = _CLUSTER.format(
        folder=str(large),
        out=str(out),
        repeat=1,
        limit="3GiB",
        sample=10_000 if quick else 100_000,
        sample_files=20,
    )
    return figures + _large(large_n, large_parts, run_python(cluster, timeout=4 * 3600))
