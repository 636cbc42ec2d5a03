"""Shared plumbing of the benchmarks: timing, figures, machine description, the results table."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
#: Large generated inputs (rasters, partitioned points), kept between runs; gitignored.
WORK = Path(__file__).resolve().parent / "_work"
#: China's bounding box of the random points: land, sea and neighbours alike.
CHINA_BOX = (73.5, 18.0, 135.1, 53.6)


def quick() -> bool:
    """Whether to run reduced sizes (``--quick`` or ``GOLDMAP_BENCH_QUICK=1``)."""
    return os.environ.get("GOLDMAP_BENCH_QUICK", "") not in ("", "0")


@dataclass
class Figure:
    """One line of the results table."""

    name: str
    unit: str
    goldmap: float | None = None
    baseline: float | None = None
    #: What the baseline is and answers, and why it is the fair comparison.
    description: str = ""
    goal: str = ""
    #: "lower" when a smaller ratio goldmap/baseline is better (times, bytes), else "higher".
    better: str = "lower"
    #: The ratio the goal asks for, compared with goldmap/baseline in the direction of `better`.
    target: float | None = None
    note: str = ""
    skipped: str = ""
    #: A second condition of the goal besides the ratio (e.g. "same answers on all points").
    condition: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.goldmap is None or not self.baseline:
            return None
        return self.goldmap / self.baseline

    @property
    def met(self) -> bool | None:
        if self.target is None or self.ratio is None:
            return None
        ok = self.ratio <= self.target if self.better == "lower" else self.ratio >= self.target
        return ok and self.condition is not False

    def line(self) -> str:
        if self.skipped:
            return f"{self.name}: skipped: {self.skipped}"
        ratio = "n/a" if self.ratio is None else f"{self.ratio:.3g}"
        verdict = {True: "goal met", False: "goal NOT met", None: ""}[self.met]
        return (
            f"{self.name}: goldmap {fmt(self.goldmap, self.unit)}, baseline "
            f"{fmt(self.baseline, self.unit)}, ratio goldmap/baseline {ratio}"
            + (f" ({self.goal}: {verdict})" if self.goal else "")
            + (f" — {self.note}" if self.note else "")
        )


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.3f} s" if value < 100 else f"{value:.0f} s"
    if unit == "bytes":
        return f"{value / 1e6:.2f} MB" if value >= 1e5 else f"{value / 1e3:.1f} kB"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "/s":
        return f"{value:,.0f} /s"
    return f"{value:.4g} {unit}"


def median_time(func: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Run ``func`` ``repeat`` times; return the median wall time and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


#: Code for a fresh interpreter: the resident set now, and the peak since the last reset.
#: Writing 5 to /proc/self/clear_refs resets VmHWM (Linux >= 4.0), so that the peak of one
#: call is measured, not that of everything the process did before it; ``malloc_trim``
#: first returns what a warm-up freed to the system, so the call cannot hide in it.
MEMORY_HELPERS = """
import ctypes, gc
def _status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
def rss_mb():
    return _status("VmRSS")
def reset_peak():
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    return rss_mb()
def peak_mb():
    return _status("VmHWM")
"""


def run_python(code: str, *, timeout: float = 900) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter; it prints one JSON object as its last line."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"subprocess failed ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 2**30:.0f} GiB RAM"
    except (ValueError, OSError, AttributeError):
        memory = ""
    return (
        f"{cpu}, {os.cpu_count()} CPU{memory}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def versions(*names: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in names:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)
