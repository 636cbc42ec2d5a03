"""Time a cold start: ``import goldmap`` and load every layer, against geopandas reading them.

The baseline is ``import geopandas`` and reading the same packaged files (``data/``, one per
layer) with pyogrio (GeoJSON) and ``geopandas.read_parquet`` (GeoParquet: this GDAL has no
Parquet driver, pyogrio cannot read them). Each repetition is a fresh interpreter, so
nothing is cached between them; the two sides are interleaved.
"""

from __future__ import annotations

import statistics

from bench._common import ROOT, Figure, run_python

_GOLDMAP = """
import json, time
start = time.perf_counter()
import goldmap
for name in goldmap.layers():
    goldmap.load(name)
print(json.dumps({"seconds": time.perf_counter() - start}))
"""

_BASELINE = """
import json, time
start = time.perf_counter()
import geopandas, pyogrio
for path in {paths!r}:
    if path.endswith(".parquet"):
        geopandas.read_parquet(path)
    else:
        pyogrio.read_dataframe(path)
print(json.dumps({{"seconds": time.perf_counter() - start}}))
"""


def _files() -> list[str]:
    import goldmap

    found = []
    for name in goldmap.layers():
        paths = sorted(ROOT.glob(f"data/**/{name}.parquet")) + sorted(
            ROOT.glob(f"data/**/{name}.geojson")
        )
        if paths:
            found.append(str(paths[0]))
    return found


def run(quick: bool = False) -> list[Figure]:
    import goldmap

    repeat = 3 if quick else 7
    paths = _files()
    layers = len(goldmap.layers())
    baseline = _BASELINE.format(paths=paths)
    ours, base = [], []
    for _ in range(repeat):  # interleaved, so that both see the same machine state
        ours.append(run_python(_GOLDMAP)["seconds"])
        base.append(run_python(baseline)["seconds"])
    return [
        Figure(
            "cold start: import + load every layer",
            "s",
            statistics.median(ours),
            statistics.median(base),
            description=(
                f"import geopandas + read the same {len(paths)} files with pyogrio (GeoJSON) "
                "and geopandas.read_parquet (GeoParquet): the least a cold start must do"
            ),
            goal="≤ 1.2×",
            target=1.2,
            note=f"fresh interpreter each time, median of {repeat}; {layers} layers, "
            f"{len(paths)} files found for them under data/",
        )
    ]
