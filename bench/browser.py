"""Time to first map, and latency of a province filter, in headless Chromium.

goldmap's app (``app.py``), time until the map shows its features, against a blank
Streamlit page, time until its one title shows: the least any Streamlit app costs to
appear, so the ratio is what the atlas adds. Both are served by Streamlit on a local port,
at the same time, and driven by Playwright with Debian's Chromium (never a downloaded
browser); their pages take turns. The filter
change latency has no baseline (reported).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench._common import ROOT, Figure

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PROVINCE = "山东省"

BASELINE_PAGE = """
import streamlit as st

st.title("blank")
"""

_COUNT = """() => document.querySelectorAll(
    'path.leaflet-interactive, .leaflet-marker-icon').length"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _serve(script: Path) -> Iterator[str]:
    port = _free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=script.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"streamlit did not start on port {port}")
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def _map_frame(page, timeout: float):  # type: ignore[no-untyped-def]
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        for frame in page.frames:
            with contextlib.suppress(Exception):
                if frame.evaluate(_COUNT) > 0:
                    return frame
        page.wait_for_timeout(20)  # lets Playwright process the page's events
    raise TimeoutError("no map appeared")


def _first_paint(browser, url: str) -> float:  # type: ignore[no-untyped-def]
    """Time until the blank page's title shows, on a new page."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    start = time.perf_counter()
    page.goto(url)
    page.get_by_text("blank").first.wait_for(state="visible", timeout=60_000)
    seconds = time.perf_counter() - start
    page.close()
    return seconds


def _measure(browser, url: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Time to the first map on a new page, then a province filter's latency on it."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    start = time.perf_counter()
    page.goto(url)
    frame = _map_frame(page, 60)
    first = time.perf_counter() - start
    # The filter is the second multiselect of the controls, which come after the map.
    target = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').nth(1)
    target.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    before = frame.evaluate(_COUNT)
    target.click()
    page.keyboard.type(PROVINCE[:2])
    start = time.perf_counter()
    page.keyboard.press("Enter")
    deadline = start + 30
    while time.perf_counter() < deadline:
        with contextlib.suppress(Exception):
            frame = _map_frame(page, 5)
            if frame.evaluate(_COUNT) != before:
                break
        page.wait_for_timeout(10)
    else:
        raise TimeoutError("the map did not change after the filter")
    latency = time.perf_counter() - start
    page.close()
    return first, latency


def unavailable() -> str:
    """Return why the browser benchmarks cannot run here, or "" when they can."""
    if not (ROOT / "app.py").is_file():
        return "app.py does not exist yet"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (make browser installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return ""


def run(quick: bool = False) -> list[Figure]:
    names = ("time to first map (browser)", "filter change latency (browser)")
    app = ROOT / "app.py"
    reason = unavailable()
    if reason:
        return [Figure(n, "s", skipped=reason) for n in names]
    from playwright.sync_api import sync_playwright

    repeat = 2 if quick else 5
    os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    try:
        with tempfile.TemporaryDirectory() as folder:
            baseline = Path(folder) / "baseline.py"
            baseline.write_text(BASELINE_PAGE, encoding="utf-8")
            config = ROOT / ".streamlit"
            if config.is_dir():
                shutil.copytree(config, Path(folder) / ".streamlit")
            with sync_playwright() as p, _serve(app) as url, _serve(baseline) as blank:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                # The two pages take turns, so that a slow spell of the machine falls on both.
                firsts, latencies, base_times = [], [], []
                for _ in range(repeat):
                    first, latency = _measure(browser, url)
                    firsts.append(first)
                    latencies.append(latency)
                    base_times.append(_first_paint(browser, blank))
                browser.close()
            ours = statistics.median(firsts), statistics.median(latencies)
            base = statistics.median(base_times)
    except Exception as e:  # a browser run that cannot finish is reported, never fatal
        return [Figure(n, "s", skipped=f"{type(e).__name__}: {e}"[:300]) for n in names]
    note = (
        f"headless Chromium, median of {repeat}, each a new page from navigation, the two "
        "servers up together and their pages taking turns"
    )
    return [
        Figure(
            names[0],
            "s",
            ours[0],
            base,
            description=(
                "a blank Streamlit page (one title), navigation to the title visible: the "
                "least a Streamlit page costs, so the ratio is what the atlas adds"
            ),
            goal="≤ 1.5×",
            target=1.5,
            note=note + "; goldmap: navigation to the first map feature drawn",
        ),
        Figure(
            names[1],
            "s",
            ours[1],
            None,
            description="none (reported)",
            note=f"headless Chromium, median of {repeat}; filter: provinces = {PROVINCE}, "
            "Enter pressed to the map's feature count changed",
        ),
    ]
