"""Measure goldmap against baselines that answer the same questions; ``python -m bench`` runs all.

Each benchmark module has a ``run(quick: bool) -> list[Figure]`` that times goldmap and its
baseline in the same run and returns median figures, their ratio, the baseline's description
and whether the goal is met. :mod:`bench.baselines` holds the hand-written baselines of
``locate``. ``python -m bench`` prints the figures and writes ``bench/RESULTS.md``.
Benchmarks never fail on a figure: a goal that is not met is reported as such.
"""
