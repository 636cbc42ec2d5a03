"""Measure goldmap against a plain geopandas/folium baseline; ``python -m bench`` runs them all.

Each benchmark module has a ``run(quick: bool) -> list[Figure]`` that times goldmap and its
baseline in the same run, several repetitions, and returns median figures and their ratio.
``python -m bench`` prints them and writes ``bench/RESULTS.md``. Benchmarks never fail on a
time: a goal that is not met is reported as such.
"""
