"""Serve many short sessions and see whether the server's memory comes back down.

An analyst's team opens the atlas many times a day: each short session opens the page,
changes the province filter and the statistic, and closes. Forty such sessions run one after
another on one fresh server (headless Chromium, Debian's); once Streamlit has dropped the
closed sessions (``server.disconnectedSessionTTL``) and one more page was opened, the
server's resident set is compared with the server idle (after one such session). Memory that grew
with every session would show here; bounded caches keep it flat. Reported against the same
≤ 150 MB above idle as one session with an upload.
"""

from __future__ import annotations

import os
import time
from typing import Any

from bench._common import ROOT, Figure
from bench._memory import status_mb
from bench.browser import ARGS, CHROMIUM, _serve, unavailable
from bench.upload import (
    SESSION_TTL_S,
    SETTLE_S,
    VIEWPORT,
    _Absolute,
    _server_pid,
    _visit,
)

SESSIONS = 40
_MAP = 'iframe[title="goldmap.app.live_map.map"]'


def _short_session(browser: Any, url: str, province: str) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(url)
        page.frame_locator(_MAP).locator(".leaflet-marker-icon").first.wait_for(timeout=60_000)
        page.locator('[data-testid="stMultiSelect"]').nth(1).click(timeout=120_000)
        page.keyboard.type(province)
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        page.wait_for_timeout(1500)
    finally:
        context.close()


def run(quick: bool = False) -> list[Figure]:
    count = 6 if quick else SESSIONS
    name = f"server memory after {count} short sessions (browser)"
    reason = unavailable()
    if reason:
        return [Figure(name, "MB", skipped=reason)]
    from playwright.sync_api import sync_playwright

    provinces = ["Shandong", "Henan", "Hebei", "Gansu", "Yunnan", "Xinjiang", "Anhui", "Hunan"]
    os.environ["STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL"] = str(SESSION_TTL_S)
    app = ROOT / "app.py"
    seen: list[float] = []
    try:
        with sync_playwright() as p, _serve(app) as url:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            pid = _server_pid(app)
            time.sleep(1.0)
            bare = status_mb(pid, "VmRSS")
            _short_session(browser, url + "?lang=en", "Shandong")  # all loaded: idle
            time.sleep(2.0)
            idle = status_mb(pid, "VmRSS")
            for i in range(count):
                _short_session(browser, url + "?lang=en", provinces[i % len(provinces)])
                if (i + 1) % 10 == 0 or i + 1 == count:
                    seen.append(status_mb(pid, "VmRSS"))
            time.sleep(SETTLE_S)
            _visit(browser, url + "?lang=en")
            after = status_mb(pid, "VmRSS")
            peak = status_mb(pid, "VmHWM")
            browser.close()
    except Exception as e:  # a browser run that cannot finish is reported, never fatal
        return [Figure(name, "MB", skipped=f"{type(e).__name__}: {e}"[:300])]
    steps = ", ".join(f"{m:.0f}" for m in seen)
    return [
        _Absolute(
            name, "MB", after - idle, None,
            description="none: the same server idle (after one visit) is the reference",
            goal="≤ 150 MB above idle", limit=150.0,
            note=f"{count} sessions, each: open the English page, wait for the mines, filter "
            "to one province, close; VmRSS before any session / idle / after every 10 "
            f"sessions / after they expired and one visit / peak: {bare:.0f} / {idle:.0f} / "
            f"{steps} / {after:.0f} / {peak:.0f} MB",
        )
    ]  # fmt: skip
