"""Time to first map, and latency of a province filter, in headless Chromium.

goldmap's app (``app.py``) against a minimal streamlit-folium page that shows chained
``explore()`` of the same layers with one province filter. Both are served by Streamlit on
a local port and driven by Playwright with Debian's Chromium (never a downloaded browser).
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
from streamlit_folium import st_folium
import goldmap

@st.cache_data
def layers():
    return {n: goldmap.load(n) for n in
            ("provinces", "exploration_areas", "development_areas", "key_mines")}

frames = layers()
chosen = st.sidebar.multiselect("provinces", sorted(frames["provinces"]["name_zh"]))
m = None
for name, frame in frames.items():
    if chosen and name == "key_mines":
        frame = frame[frame["province_zh"].isin(chosen)]
    m = frame.explore(m=m, name=name)
st_folium(m, height=600, returned_objects=[])
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


def _measure(browser, url: str, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    first, latency = [], []
    for _ in range(repeat):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        start = time.perf_counter()
        page.goto(url)
        frame = _map_frame(page, 60)
        first.append(time.perf_counter() - start)
        page.wait_for_timeout(1000)
        before = frame.evaluate(_COUNT)
        box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]')
        target = box.nth(1) if box.count() > 1 else box.first
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
        latency.append(time.perf_counter() - start)
        page.close()
    return statistics.median(first), statistics.median(latency)


def run(quick: bool = False) -> list[Figure]:
    names = ("time to first map (browser)", "filter change latency (browser)")
    app = ROOT / "app.py"
    reason = ""
    if not app.is_file():
        reason = "app.py does not exist yet"
    elif not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing (make browser installs it)"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            reason = "playwright is not installed"
    if reason:
        return [Figure(n, "s", skipped=reason) for n in names]
    repeat = 2 if quick else 3
    os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    try:
        with tempfile.TemporaryDirectory() as folder:
            baseline = Path(folder) / "baseline.py"
            baseline.write_text(BASELINE_PAGE, encoding="utf-8")
            config = ROOT / ".streamlit"
            if config.is_dir():
                shutil.copytree(config, Path(folder) / ".streamlit")
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                with _serve(app) as url:
                    ours = _measure(browser, url, repeat)
                base_note = ""
                try:
                    with _serve(baseline) as url:
                        base: tuple[float | None, float | None] = _measure(browser, url, 1)
                except TimeoutError:
                    base = (None, None)
                    base_note = (
                        "; the explore() page never showed a map within 60 s: its Leaflet, "
                        "jQuery and Bootstrap come from CDNs, which this machine cannot reach"
                    )
                browser.close()
    except Exception as e:  # a browser run that cannot finish is reported, never fatal
        return [Figure(n, "s", skipped=f"{type(e).__name__}: {e}"[:300]) for n in names]
    note = f"headless Chromium, median of {repeat}; filter: provinces = {PROVINCE}{base_note}"
    return [
        Figure(names[0], "s", ours[0], base[0], note=note),
        Figure(names[1], "s", ours[1], base[1], note=note),
    ]
