"""Run every benchmark, print its figures and write ``bench/RESULTS.md``.

``python -m bench`` runs them all; ``python -m bench --quick`` (or ``GOLDMAP_BENCH_QUICK=1``)
runs smaller sizes; ``python -m bench locate zonal`` runs the named ones (their table goes to
``bench/_work/``); ``python -m bench heavy sessions --update`` also puts their rows into
``bench/RESULTS.md`` in place of the old ones, dated (:mod:`bench._update`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import logging
import sys
import time
import traceback

from bench._common import RESULTS, WORK, Figure, fmt, machine, quick, versions
from bench._update import update_results

#: In this order; the browser benchmarks last (``browser`` the very last).
BENCHMARKS = (
    "locate", "cluster", "engines", "zonal", "maps", "app", "coldstart", "upload", "heavy",
    "sessions",
    "browser",
)  # fmt: skip


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(figures: list[Figure], when: str, where: str) -> str:
    lines = [
        "# goldmap benchmarks",
        "",
        "Written by `make bench` (`python -m bench`). Each row times goldmap and its baseline "
        "in the same run; ratio = goldmap / baseline. Benchmarks never fail the build: a goal "
        "that is not met says so here. The baseline column says what the baseline answers and "
        "why it is the fair comparison.",
        "",
        f"Machine: {where}. Date: {when}.",
        "",
        "| figure | goldmap | baseline | baseline description | ratio | goal | met? |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for f in figures:
        if f.skipped:
            lines.append(
                f"| {f.name} | skipped: {_cell(f.skipped)} | | {_cell(f.description)} | | "
                f"{f.goal} | not measured |"
            )
            continue
        ratio = "n/a" if f.ratio is None else f"{f.ratio:.3g}"
        verdict = {True: "met", False: "**not met**", None: "—"}[f.met]
        lines.append(
            f"| {f.name} | {fmt(f.goldmap, f.unit)} | {fmt(f.baseline, f.unit)} | "
            f"{_cell(f.description)} | {ratio} | {f.goal or '(reported)'} | {verdict} |"
        )
    lines += ["", "## Notes", ""]
    lines += [f"- **{f.name}**: {_cell(f.note)}" for f in figures if f.note and not f.skipped]
    lines += [
        "",
        "Versions: "
        + versions("goldmap", "geopandas", "shapely", "pandas", "numpy", "scipy", "pyproj")
        + ", "
        + versions("folium", "rasterio", "rasterstats", "exactextract", "dask", "distributed")
        + ", "
        + versions("dask-geopandas", "streamlit", "streamlit-folium", "playwright"),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run, of {', '.join(BENCHMARKS)}")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repetitions")
    parser.add_argument(
        "--update",
        action="store_true",
        help="put the named benchmarks' rows into bench/RESULTS.md (dated), keeping the others",
    )
    args = parser.parse_args(argv)
    args.quick = args.quick or quick()
    logging.basicConfig(level=logging.WARNING)
    names = args.names or list(BENCHMARKS)
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose from {', '.join(BENCHMARKS)}")
    figures: list[Figure] = []
    failed = False
    for name in names:
        start = time.perf_counter()
        print(f"== {name}", flush=True)
        try:
            results = importlib.import_module(f"bench.{name}").run(quick=args.quick)
        except Exception as e:
            traceback.print_exc()
            results = [Figure(name, "", skipped=f"error: {type(e).__name__}: {e}"[:300])]
            failed = True
        for figure in results:
            print("  " + figure.line(), flush=True)
        print(f"   ({time.perf_counter() - start:.0f} s)", flush=True)
        figures.extend(results)
    when = dt.date.today().isoformat()
    text = _table(figures, when, machine() + (" (--quick)" if args.quick else ""))
    # Only a full run replaces the committed table; quick or partial runs go to bench/_work/.
    target = RESULTS if not args.quick and not args.names else WORK / "RESULTS.partial.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    if args.update and args.names and not args.quick:
        command = "python -m bench " + " ".join(args.names) + " --update"
        merged = update_results(RESULTS.read_text(encoding="utf-8"), text, command, when)
        RESULTS.write_text(merged, encoding="utf-8")
        print(f"updated {RESULTS}: {', '.join(args.names)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
