"""Upload 100,000 points to the app in headless Chromium: latency, page weight, server memory.

The same seeded CSV (columns ``sample, lon, lat, au_ppb``; lon uniform 100–120°E, lat
uniform 25–40°N) is uploaded through the page's file uploader, on goldmap's app (``app.py``,
English page, features uploader of the "Your data" tab) and on a baseline page: a plain
streamlit-folium page, what a streamlit-folium user writes to show the same points — the
file uploader, ``pandas.read_csv``, one ``folium.CircleMarker`` per point (the pattern of
folium's and streamlit-folium's examples) on a default ``folium.Map``, shown with
``st_folium(m, returned_objects=[])``, and a province-like filter (a sidebar selectbox that
keeps the points in Shandong's bounding box). It is the fair comparison because it is the
least code that puts every uploaded point on a streamlit-folium map and filters it: no
locating, no plan layers, no tables, which goldmap's page adds.

Four figures, each with an absolute goal on goldmap's own value (the baseline and the ratio
are context): the time from the upload (``set_input_files``) to the points on the map
(goldmap: the canvas layer and the layer switch's "Your features" entry; baseline: every
circle drawn), the time from a province filter change to the map's markers changing, the
bytes the browser received for the page by the time the points show (HTTP response bodies
of the page and its component iframes, plus the websocket frames Streamlit sends, which
carry the map's HTML), and the server's resident set once the session has expired, against
the server idle: after one visit without an upload, when it has loaded what its page needs
(goldmap: its libraries and layers, about 150 MB over a bare Streamlit; the baseline:
folium and pandas). The resident set before any session, the peak during the session (with
the worker processes goldmap locates in, every descendant) and the figure against the bare
server are in the note. Each side runs on a fresh Streamlit server per run, driven by
Playwright with Debian's Chromium (never a downloaded browser). A baseline that fails (an
error on the page, or no map within the timeout) is recorded as such, never fatal.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bench._common import ROOT, Figure
from bench._memory import sampling_peak, status_mb
from bench.browser import ARGS, CHROMIUM, _serve, unavailable
from bench.maps import _local_copy

#: Points uploaded (``--quick``: fewer) and the generator's seed.
N_POINTS = 100_000
N_QUICK = 20_000
SEED = 20250611
#: The points' box, degrees: lon 100–120°E, lat 25–40°N (central and eastern China).
LON, LAT = (100.0, 120.0), (25.0, 40.0)
#: How long either side may take to show the points, or to change the map after a filter.
TIMEOUT_S = 120.0
#: How long Streamlit keeps a closed tab's session (server.disconnectedSessionTTL), the
#: same on both sides: goldmap's .streamlit/config.toml value, given to the baseline too.
SESSION_TTL_S = 30
#: Wait after the browser context is closed before the server's resident set is read again:
#: past the session's time to live; then one short visit, which makes Streamlit drop it.
SETTLE_S = SESSION_TTL_S + 5.0
#: Goals, on goldmap's own value.
UPLOAD_GOAL_S = 15.0
FILTER_GOAL_S = 2.0
WEIGHT_GOAL_BYTES = 10e6
MEMORY_GOAL_MB = 150.0

# goldmap's map (its own component) or the baseline's (streamlit-folium's).
MAP_IFRAME = 'iframe[title="goldmap.app.live_map.map"], iframe[title="streamlit_folium.st_folium"]'
VIEWPORT = {"width": 1400, "height": 900}

BASELINE_PAGE = """
import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

REGIONS = {"All provinces": None, "Shandong": (114.8, 34.4, 122.7, 38.4)}

st.title("Points")
region = st.sidebar.selectbox("Province", list(REGIONS))
upload = st.file_uploader("Points (CSV)", type="csv")
m = folium.Map(location=[32.5, 110.0], zoom_start=5)
if upload is not None:
    df = pd.read_csv(upload)
    box = REGIONS[region]
    if box is not None:
        df = df[df["lon"].between(box[0], box[2]) & df["lat"].between(box[1], box[3])]
    for row in df.itertuples():
        folium.CircleMarker([row.lat, row.lon], radius=2, weight=1).add_to(m)
st_folium(m, returned_objects=[], height=640, use_container_width=True)
"""

BASELINE = (
    "a plain streamlit-folium page: st.file_uploader, pandas.read_csv, one "
    "folium.CircleMarker per point on a default folium.Map, st_folium(m, "
    "returned_objects=[]), a sidebar selectbox keeping Shandong's bounding box; same CSV, "
    "same browser; the CDN files streamlit-folium loads served from local copies"
)

_GOLDMAP_SHOWN = """() => !!document.querySelector('canvas') && Array.from(
    document.querySelectorAll('.leaflet-control-layers label')).some(
    (label) => label.textContent.includes('Your features'))"""
_BASELINE_SHOWN = """(n) => document.querySelectorAll('path.leaflet-interactive').length >= n"""
_MARKERS = """() => document.querySelectorAll('.leaflet-marker-icon').length"""
_CIRCLES = """() => document.querySelectorAll('path.leaflet-interactive').length"""
_LOADED = """() => !!document.querySelector('.leaflet-container')"""


@dataclass
class _Absolute(Figure):
    """A figure whose goal bounds goldmap's own value; the baseline and ratio are context."""

    limit: float | None = None

    @property
    def met(self) -> bool | None:
        if self.limit is None or self.goldmap is None:
            return None
        return self.goldmap <= self.limit


@dataclass
class _Run:
    """What one session on one server measured."""

    upload_s: float | None = None
    filter_s: float | None = None
    #: Why the upload or the filter step did not finish ("" when it did).
    failure: str = ""
    http_bytes: int = 0
    ws_bytes: int = 0
    #: Bytes (HTTP + websocket) received after ``set_input_files``, to the points shown.
    after_upload_bytes: int = 0
    responses: int = 0
    unreadable: int = 0
    external: list[str] = field(default_factory=list)
    #: CDN files served from a local copy of the same file, and those served empty.
    local: list[str] = field(default_factory=list)
    stubbed: list[str] = field(default_factory=list)
    #: Before any session; idle: after one visit without an upload (libraries, layers loaded).
    bare_mb: float = 0.0
    idle_mb: float = 0.0
    peak_mb: float = 0.0
    #: Peak of the server and all its descendants (the workers) together (sampled every 0.1 s).
    tree_peak_mb: float = 0.0
    after_mb: float = 0.0

    @property
    def weight(self) -> int:
        return self.http_bytes + self.ws_bytes


class _PageError(RuntimeError):
    """The page showed a Streamlit exception instead of the map."""


def write_points(path: Path, n: int, *, seed: int = SEED) -> Path:
    """Write ``n`` seeded random sample points as CSV.

    Parameters
    ----------
    path : Path
        The CSV file to write.
    n : int
        Number of points.
    seed : int, optional
        Seed of the generator; the same seed gives the same file.

    Returns
    -------
    Path
        ``path``, with columns ``sample``, ``lon`` (uniform 100–120), ``lat`` (uniform
        25–40) and ``au_ppb`` (log-normal gold grades).
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "sample": [f"S{i:06d}" for i in range(n)],
            "lon": rng.uniform(*LON, n).round(6),
            "lat": rng.uniform(*LAT, n).round(6),
            "au_ppb": rng.lognormal(1.5, 1.2, n).round(2),
        }
    )
    frame.to_csv(path, index=False)
    return path


def _server_pid(script: Path) -> int:
    """Find the Streamlit server that :func:`bench.browser._serve` started for ``script``."""
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if parent == me and "streamlit" in command and str(script) in command:
                return int(entry.name)
    raise RuntimeError(f"no streamlit process for {script}")


def _map_frame(page: Any) -> Any:
    handle = page.query_selector(MAP_IFRAME)
    return None if handle is None else handle.content_frame()


def _until(page: Any, check: Callable[[Any], Any], timeout: float) -> None:
    """Poll ``check(map frame)`` until it is true; a Streamlit exception on the page stops."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        with contextlib.suppress(Exception):
            frame = _map_frame(page)
            if frame is not None and check(frame):
                return
        error = page.query_selector('[data-testid="stException"]')
        if error is not None:
            raise _PageError(" ".join(error.inner_text().split())[:200])
        page.wait_for_timeout(50)  # lets Playwright process the page's events
    raise TimeoutError(f"not within {timeout:.0f} s")


@dataclass
class _Side:
    """How to drive one page: open it, upload, see the points, change the filter."""

    name: str
    script: Path
    query: str
    #: Wait until the page is ready for the upload; return the uploader's file input.
    prepare: Callable[[Any], Any]
    shown: Callable[[Any, int], bool]
    count: str
    change_filter: Callable[[Any], None]


def _goldmap_prepare(page: Any) -> Any:
    _until(page, lambda f: f.evaluate(_MARKERS) > 0, TIMEOUT_S)
    page.get_by_role("tab", name="Your data").click()
    uploader = page.locator('[data-testid="stFileUploader"]').nth(1)
    return uploader.locator('input[type="file"]')


def _goldmap_filter(page: Any) -> None:
    page.locator('[data-testid="stMultiSelect"]').nth(1).click()
    page.keyboard.type("Shandong")


def _baseline_prepare(page: Any) -> Any:
    _until(page, lambda f: f.evaluate(_LOADED), TIMEOUT_S)
    return page.locator('[data-testid="stFileUploader"] input[type="file"]').first


def _baseline_filter(page: Any) -> None:
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.keyboard.type("Shandong")


def _is_local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme not in ("http", "https", "ws", "wss") or parsed.hostname in (
        "127.0.0.1",
        "localhost",
    )


def _offline_cdn(run: _Run) -> Callable[[Any], None]:
    """Answer a CDN request as the CDN would, from a local copy of the same file.

    streamlit-folium loads the scripts and style sheets a folium map links (Leaflet, jQuery,
    Bootstrap, ...) from their CDNs, and stops drawing if one fails, so offline the baseline
    gets them from the pip packages that carry them (see :func:`bench.maps._local_copy`);
    a script or style sheet with no local copy is served empty (its bytes are not counted,
    so the baseline's page weight is a lower bound); tiles and fonts are refused.
    """

    def handle(route: Any) -> None:
        request = route.request
        path, origin = _local_copy(request.url)
        name = request.url.rsplit("/", 1)[-1]
        if path is not None:
            run.local.append(f"{name} ({origin})")
            route.fulfill(path=str(path))
        elif request.resource_type in ("script", "stylesheet"):
            run.stubbed.append(name)
            kind = "text/css" if request.resource_type == "stylesheet" else "text/javascript"
            route.fulfill(status=200, body="", content_type=kind)
        else:
            route.abort()

    return handle


def _visit(browser: Any, url: str) -> None:
    """Open and close the page once: Streamlit drops expired sessions when one is saved."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.new_page().goto(url, wait_until="load")
        time.sleep(3.0)
    finally:
        context.close()
    time.sleep(2.0)


def _served_once(browser: Any, url: str, side: _Side) -> None:
    """Open the page until its map is drawn (the server has loaded all it needs), then close."""
    context = browser.new_context(viewport=VIEWPORT)
    context.route(lambda url: not _is_local(url), _offline_cdn(_Run()))  # as in _session
    try:
        page = context.new_page()
        page.goto(url)
        side.prepare(page)
        time.sleep(1.0)
    finally:
        context.close()
    time.sleep(2.0)


def _session(browser: Any, side: _Side, csv: Path, n: int) -> _Run:
    """Serve ``side``'s page, upload ``csv``, change the filter; measure all four figures."""
    run = _Run()
    responses: list[Any] = []
    frames = [0]

    def on_request(request: Any) -> None:
        if not _is_local(request.url):
            run.external.append(request.url)

    def on_frame(payload: str | bytes) -> None:
        frames[0] += len(payload.encode("utf-8") if isinstance(payload, str) else payload)

    with _serve(side.script) as url:
        pid = _server_pid(side.script)
        time.sleep(1.0)
        run.bare_mb = status_mb(pid, "VmRSS")
        _served_once(browser, url + side.query, side)  # the server idle once it served a page
        run.idle_mb = status_mb(pid, "VmRSS")
        sampling = sampling_peak(pid)
        tree_peak = sampling.__enter__()
        context = browser.new_context(viewport=VIEWPORT)
        context.on("request", on_request)
        context.route(lambda url: not _is_local(url), _offline_cdn(run))
        context.on("response", lambda response: responses.append(response))
        page = context.new_page()
        page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
        mark = shown_at = None
        try:
            page.goto(url + side.query)
            file_input = side.prepare(page)
            mark = (len(responses), frames[0])
            start = time.perf_counter()
            file_input.set_input_files(str(csv))
            _until(page, lambda f: side.shown(f, n), TIMEOUT_S)
            run.upload_s = time.perf_counter() - start
            shown_at = (len(responses), frames[0])
            page.wait_for_timeout(1000)
            before = _map_frame(page).evaluate(side.count)
            side.change_filter(page)
            start = time.perf_counter()
            page.keyboard.press("Enter")
            page.keyboard.press("Escape")
            _until(page, lambda f: f.evaluate(side.count) != before, TIMEOUT_S)
            run.filter_s = time.perf_counter() - start
        except (TimeoutError, _PageError) as e:
            step = "points" if run.upload_s is None else "filter change"
            run.failure = f"{step}: {type(e).__name__}: {e}"
        finally:
            if shown_at is None:  # the points never showed: what arrived until the failure
                shown_at = (len(responses), frames[0])
            mark = mark or shown_at
            for i, response in enumerate(responses[: shown_at[0]]):
                try:
                    size = len(response.body())
                except Exception:
                    run.unreadable += 1
                    continue
                run.http_bytes += size
                if i >= mark[0]:
                    run.after_upload_bytes += size
            run.responses = shown_at[0]
            run.ws_bytes = shown_at[1]
            run.after_upload_bytes += shown_at[1] - mark[1]
            context.close()
            time.sleep(SETTLE_S)
            _visit(browser, url)
            run.after_mb = status_mb(pid, "VmRSS")
            # The server may still be running the script after the tab closed: the peak
            # covers the session and the wait after it.
            run.peak_mb = status_mb(pid, "VmHWM")
            sampling.__exit__(None, None, None)
            run.tree_peak_mb = tree_peak.mb
    return run


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def _timing(runs: list[_Run], attribute: str) -> tuple[float | None, str]:
    """Median of a time; a side that never finished gets the timeout, as a lower bound."""
    values = [getattr(r, attribute) for r in runs]
    if all(v is not None for v in values):
        return _median(values), ""
    failures = "; ".join(r.failure for r in runs if r.failure)
    return TIMEOUT_S if all(v is None for v in values) else _median(values), failures


def _mb(value: float) -> str:
    return f"{value:.0f} MB"


def _describe(label: str, runs: list[_Run]) -> str:
    """Each run's bytes and resident set, and what the page asked of other hosts."""
    parts = []
    for i, r in enumerate(runs, 1):
        parts.append(
            f"{label} run {i}: {r.responses} responses {r.http_bytes / 1e6:.2f} MB + websocket "
            f"{r.ws_bytes / 1e6:.2f} MB ({r.after_upload_bytes / 1e6:.2f} MB after the upload)"
            + (f", {r.unreadable} bodies unreadable" if r.unreadable else "")
            + f", RSS before any session {_mb(r.bare_mb)}, idle {_mb(r.idle_mb)}, peak "
            f"{_mb(r.peak_mb)} (with its workers {_mb(r.tree_peak_mb)}), after "
            f"{_mb(r.after_mb)}"
        )
    last = runs[-1]
    hosts = sorted({urlparse(u).hostname or u for u in last.external})
    parts.append(
        f"{label} requests not to 127.0.0.1: "
        + (f"{len(last.external)} to {', '.join(hosts)}" if last.external else "none")
        + (f"; served from local copies: {', '.join(sorted(set(last.local)))}"
           if last.local else "")
        + (f"; served empty (no local copy): {', '.join(sorted(set(last.stubbed)))}"
           if last.stubbed else "")
        + ("; tiles and fonts refused" if len(last.local) + len(last.stubbed) < len(last.external)
           else "")
    )  # fmt: skip
    return "; ".join(parts)


def _each(runs: list[_Run], attribute: str) -> str:
    values = [getattr(r, attribute) for r in runs]
    return ", ".join("failed" if v is None else f"{v:.2f} s" for v in values)


def run(quick: bool = False) -> list[Figure]:
    names = (
        "upload to points on the map (browser)",
        "filter change after the upload (browser)",
        "page weight after the upload (browser)",
        "server memory after the session (browser)",
    )
    app = ROOT / "app.py"
    reason = unavailable()
    if reason:
        return [Figure(n, "", skipped=reason) for n in names]
    from playwright.sync_api import sync_playwright

    n = N_QUICK if quick else N_POINTS
    repeat = 1 if quick else 2
    os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    # Both servers keep a closed tab's session equally long.
    os.environ["STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL"] = str(SESSION_TTL_S)
    ours: list[_Run] = []
    base: list[_Run] = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            csv = write_points(Path(folder) / "points.csv", n)
            script = Path(folder) / "baseline.py"
            script.write_text(BASELINE_PAGE, encoding="utf-8")
            config = ROOT / ".streamlit"
            if config.is_dir():
                shutil.copytree(config, Path(folder) / ".streamlit")
            goldmap_side = _Side(
                "goldmap", app, "?lang=en", _goldmap_prepare,
                lambda f, _n: bool(f.evaluate(_GOLDMAP_SHOWN)), _MARKERS, _goldmap_filter,
            )  # fmt: skip
            baseline_side = _Side(
                "baseline", script, "", _baseline_prepare,
                lambda f, n: bool(f.evaluate(_BASELINE_SHOWN, n)), _CIRCLES, _baseline_filter,
            )  # fmt: skip
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                for _ in range(repeat):
                    ours.append(_session(browser, goldmap_side, csv, n))
                    # A baseline that timed out once is not made to time out again.
                    if not base or base[-1].upload_s is not None:
                        base.append(_session(browser, baseline_side, csv, n))
                browser.close()
            size = csv.stat().st_size
    except Exception as e:  # a browser run that cannot finish is reported, never fatal
        return [Figure(name, "", skipped=f"{type(e).__name__}: {e}"[:300]) for name in names]
    up_ours, up_ours_fail = _timing(ours, "upload_s")
    up_base, up_base_fail = _timing(base, "upload_s")
    fi_ours, fi_ours_fail = _timing(ours, "filter_s")
    fi_base, fi_base_fail = _timing(base, "filter_s")
    if up_base_fail:  # no points, no filter to change
        fi_base, fi_base_fail = None, "not measured: the points never showed"
    runs = (
        f"{n:,} points, CSV {size / 1e6:.2f} MB, seed {SEED}; headless Chromium; median of "
        f"{len(ours)} run(s) for goldmap, {len(base)} for the baseline, a fresh server each"
    )

    def failed(label: str, text: str) -> str:
        if not text:
            return ""
        bound = f"its value is the {TIMEOUT_S:.0f} s timeout, a lower bound"
        return f"; {label} failed ({text}), {bound}"

    weight_ours = _median([r.weight for r in ours])
    weight_base = _median([r.weight for r in base])
    back_ours = _median([r.after_mb - r.idle_mb for r in ours])
    back_base = _median([r.after_mb - r.idle_mb for r in base])
    return [
        _Absolute(
            names[0], "s", up_ours, up_base, description=BASELINE, goal="≤ 15 s",
            limit=UPLOAD_GOAL_S,
            note=runs + "; set_input_files to the points drawn (goldmap: a canvas and the "
            "layer switch's 'Your features' in the map iframe; baseline: every circle's path)"
            + f"; runs: goldmap {_each(ours, 'upload_s')}, baseline {_each(base, 'upload_s')}"
            + failed("goldmap", up_ours_fail) + failed("baseline", up_base_fail),
        ),
        _Absolute(
            names[1], "s", fi_ours, fi_base, description=BASELINE, goal="≤ 2 s",
            limit=FILTER_GOAL_S,
            note=runs + "; goldmap: Provinces = Shandong, Enter to the number of "
            ".leaflet-marker-icon changed; baseline: selectbox = Shandong, Enter to the "
            "number of circles changed"
            + f"; runs: goldmap {_each(ours, 'filter_s')}, baseline {_each(base, 'filter_s')}"
            + failed("goldmap", fi_ours_fail)
            + (
                f"; baseline {fi_base_fail}"
                if fi_base is None
                else failed("baseline", fi_base_fail)
            ),
        ),
        _Absolute(
            names[2], "bytes", weight_ours, weight_base, description=BASELINE,
            goal="< 10 MB", limit=WEIGHT_GOAL_BYTES,
            note=runs + "; from navigation to the points shown: HTTP response bodies (page, "
            "component iframes, static files; decoded) + websocket frames received; "
            + _describe("goldmap", ours) + "; " + _describe("baseline", base)
            + ("; the baseline's points never showed: its bytes are those received until "
               "it failed" if up_base_fail else ""),
        ),
        _Absolute(
            names[3], "MB", back_ours, back_base, description=BASELINE,
            goal="≤ 150 MB above idle", limit=MEMORY_GOAL_MB,
            note=runs + f"; VmRSS of the server {SETTLE_S:.0f} s after the browser context "
            "closed and one short visit (Streamlit drops a closed tab's session after "
            f"server.disconnectedSessionTTL, {SESSION_TTL_S} s on both sides, when another "
            "session is saved) minus VmRSS idle: the server after one visit without an "
            "upload (open until its map was drawn), "
            "with the page's libraries and data loaded (peak = VmHWM, the session and the "
            "wait; with the workers, every descendant process: sampled every 0.1 s); "
            "goldmap before any session/idle/peak/peak with workers/after "
            f"{_mb(_median([r.bare_mb for r in ours]))}/{_mb(_median([r.idle_mb for r in ours]))}"
            f"/{_mb(_median([r.peak_mb for r in ours]))}"
            f"/{_mb(_median([r.tree_peak_mb for r in ours]))}"
            f"/{_mb(_median([r.after_mb for r in ours]))}, baseline "
            f"{_mb(_median([r.bare_mb for r in base]))}/{_mb(_median([r.idle_mb for r in base]))}"
            f"/{_mb(_median([r.peak_mb for r in base]))}"
            f"/{_mb(_median([r.tree_peak_mb for r in base]))}"
            f"/{_mb(_median([r.after_mb for r in base]))}; after minus before any session: "
            f"goldmap {_mb(_median([r.after_mb - r.bare_mb for r in ours]))}, baseline "
            f"{_mb(_median([r.after_mb - r.bare_mb for r in base]))}",
        ),
    ]  # fmt: skip
