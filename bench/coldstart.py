"""Time a cold start: ``import goldmap`` and load every layer, against ``import geopandas``.

Each repetition is a fresh interpreter, so nothing is cached between them.
"""

from __future__ import annotations

import statistics

from bench._common import Figure, run_python

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
import geopandas
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def run(quick: bool = False) -> list[Figure]:
    repeat = 3 if quick else 7
    ours, base = [], []
    for _ in range(repeat):  # interleaved, so that both see the same machine state
        ours.append(run_python(_GOLDMAP)["seconds"])
        base.append(run_python(_BASELINE)["seconds"])
    return [
        Figure(
            "cold start: import + load every layer",
            "s",
            statistics.median(ours),
            statistics.median(base),
            goal="≤ 2× import geopandas",
            target=2.0,
            note=f"fresh interpreter each time, median of {repeat}",
        )
    ]
