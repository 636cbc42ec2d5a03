"""Drive the real app in Debian's Chromium: the map must draw offline, a click shows details."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import goldmap

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
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


def _require(ok: bool, why: str) -> None:
    if ok:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{why} (required under CI=true)")
    pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def app_url():
    streamlit = shutil.which("streamlit", path=str(Path(sys.executable).parent))
    _require(streamlit is not None, "streamlit is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [streamlit, "run", "app.py", "--server.port", str(port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("streamlit did not start within 60 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_app_draws_the_map_offline_and_shows_a_clicked_mine(app_url):
    _require(Path(CHROMIUM).exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    mines = goldmap.load("key_mines")
    outside = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on(
            "request",
            lambda r: (
                outside.append(r.url)
                if not r.url.startswith((app_url, "data:", "blob:", "about:"))
                else None
            ),
        )
        started = time.monotonic()
        page.goto(f"{app_url}/?lang=en")
        frame = page.frame_locator('iframe[title="goldmap.app.live_map.map"]')
        markers = frame.locator(".leaflet-marker-icon")
        markers.first.wait_for(timeout=30_000)
        elapsed = time.monotonic() - started
        placed = mines[mines.geometry.notna()]  # a mine known only to its province is listed
        assert markers.count() == len(placed)
        # Provinces, 8 exploration and 7 development areas are SVG paths.
        paths = frame.locator("path.leaflet-interactive")
        assert paths.count() >= 34 + 8 + 7
        assert frame.locator(".goldmap-uncertain").count() == int(
            placed["location_precision"].isin(["county", "province"]).sum()
        )
        assert frame.get_by_text("Key mines (35)").count() == 1
        # Beijing and the provincial capitals are named on the map, the others on hover.
        cities = goldmap.load("cities")
        capitals = cities[cities["rank"].isin(["capital", "provincial_capital"])]
        labels = frame.locator(".goldmap-city")
        assert labels.count() == len(capitals)
        assert labels.get_by_text("Beijing", exact=True).count() == 1

        name = "Dachaidan"
        frame.locator(f'.leaflet-marker-icon[title="{name}"]').click()
        popup = frame.locator(".leaflet-popup-content")
        popup.wait_for(timeout=5_000)
        assert name in popup.inner_text()
        details = page.locator('[data-testid="stMarkdownContainer"] strong', has_text=name)
        details.first.wait_for(timeout=15_000)
        assert "focus=key_mines" in page.url
        page.wait_for_timeout(500)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "app.png"))
        browser.close()
    assert not outside, f"requests left the machine: {outside[:5]}"
    assert elapsed < 30


def _page_text(page) -> str:
    """Return the text of the page and its frames, read again if a frame is replaced meanwhile."""
    for _ in range(10):
        try:
            return "\n".join(frame.content() for frame in page.frames)
        except Exception as err:  # playwright's Error: a map frame replaced by a new map
            if "detached" not in str(err):
                raise
            page.wait_for_timeout(200)
    raise AssertionError("the page's frames kept changing")


def test_hostile_uploads_get_one_line_errors_in_the_app(app_url, hostile_files, canary):
    _require(Path(CHROMIUM).exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    from goldmap.io import MAX_UPLOAD_BYTES

    asked = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("request", lambda r: asked.append(r.url) if str(canary.port) in r.url else None)
        page.goto(f"{app_url}/?lang=en")
        page.get_by_role("tab", name="Your data").click()
        uploader = page.locator('[data-testid="stFileUploader"]').nth(1)
        errors = page.locator('[data-testid="stAlertContentError"]')
        seen = {}
        for item, path in hostile_files:
            uploader.locator('input[type="file"]').set_input_files(str(path))
            if len(item.content) > MAX_UPLOAD_BYTES:
                # Streamlit's uploader refuses it before the app sees it, naming the limit.
                refusal = uploader.get_by_text(re.compile(r"must be [\d.]+\s*MB or smaller"))
                refusal.first.wait_for(timeout=20_000)
                seen[item.name] = refusal.first.inner_text()
            elif item.may_succeed:
                located = page.get_by_text("Located features")
                located.first.wait_for(timeout=30_000)
                page.wait_for_timeout(300)
                assert errors.filter(has_text=item.name).count() == 0, item.name
                seen[item.name] = "read"
            else:
                error = errors.filter(has_text=item.name)
                error.first.wait_for(timeout=30_000)
                message = error.first.inner_text().strip()
                assert "\n" not in message and "Traceback" not in message, (item.name, message)
                seen[item.name] = message
            assert canary.secret not in _page_text(page), item.name
        assert "not a GeoPackage" in seen["vrt_local.gpkg"]
        assert page.locator('[data-testid="stException"]').count() == 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "hostile.png"), full_page=True)
        browser.close()
    assert len(seen) == len(hostile_files)
    assert asked == [] and canary.hits == [], (asked, canary.hits)


_LEAFLET_ZOOM = "() => window.map ? window.map.getZoom() : null"


def _map_frame(page):
    return next(f for f in page.frames if "goldmap.app.live_map.map" in f.url)


def test_language_round_trip_keeps_the_layers_and_a_focus_link_zooms_in(app_url):
    _require(Path(CHROMIUM).exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    mines_drawn = int(goldmap.load("key_mines").geometry.notna().sum())
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{app_url}/?lang=zh")
        frame = page.frame_locator('iframe[title="goldmap.app.live_map.map"]')
        markers = frame.locator(".leaflet-marker-icon")
        markers.first.wait_for(timeout=30_000)
        for label in ("English", "中文", "English"):
            page.get_by_text(label, exact=True).click()
            page.wait_for_timeout(2_500)
            markers.first.wait_for(timeout=30_000)
            assert "layers=exploration_areas%2Cdevelopment_areas%2Ckey_mines" in page.url, label
            assert markers.count() >= mines_drawn, label
        # A shared link to a mine opens zoomed in on it, and stays there.
        page.goto(f"{app_url}/?lang=en&focus=key_mines:qh-dachaidan")
        markers.first.wait_for(timeout=30_000)
        page.wait_for_timeout(3_000)
        assert _map_frame(page).evaluate(_LEAFLET_ZOOM) >= 7
        page.wait_for_timeout(3_000)
        assert _map_frame(page).evaluate(_LEAFLET_ZOOM) >= 7
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "focus.png"))
        browser.close()


def _wait_until_idle(page, timeout_s: float = 30.0) -> None:
    """Wait until the app has no script run going (Streamlit's running indicator is gone)."""
    deadline = time.monotonic() + timeout_s
    quiet_since = None
    while time.monotonic() < deadline:
        running = page.locator('[data-testid="stStatusWidget"]').count() > 0
        now = time.monotonic()
        quiet_since = None if running else (quiet_since or now)
        if quiet_since is not None and now - quiet_since > 1.5:
            return
        page.wait_for_timeout(200)
    raise AssertionError("the app kept running for 30 s")


def test_a_filter_change_keeps_the_users_zoom_and_swaps_the_layers(app_url):
    _require(Path(CHROMIUM).exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    mines = goldmap.load("key_mines")
    in_shandong = int((mines["province_adcode"] == 370000).sum())
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{app_url}/?lang=en")
        frame = page.frame_locator('iframe[title="goldmap.app.live_map.map"]')
        markers = frame.locator(".leaflet-marker-icon")
        markers.first.wait_for(timeout=30_000)
        _wait_until_idle(page)
        # The map is the page: most of the window's height, and all of it in the window.
        box = page.locator('iframe[title="goldmap.app.live_map.map"]').bounding_box()
        assert box["height"] >= 0.7 * 900 and box["y"] + box["height"] <= 900, box
        assert _map_frame(page).evaluate("() => window.map.getSize().y") == round(box["height"])
        # The user zooms in on Jiaodong, as with the mouse wheel.
        _map_frame(page).evaluate("() => window.map.setView([37.3, 120.2], 8)")
        page.wait_for_timeout(1_000)
        _map_frame(page).evaluate("() => { window.map._goldmapMark = 'kept'; }")
        assert _map_frame(page).evaluate(_LEAFLET_ZOOM) == 8
        page.locator('[data-testid="stMultiSelect"]').nth(1).click()
        page.keyboard.type("Shandong")
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        page.wait_for_function(
            "n => { const f = [...document.querySelectorAll('iframe')].find("
            "i => i.title === 'goldmap.app.live_map.map'); if (!f) return false;"
            "return f.contentDocument.querySelectorAll('.leaflet-marker-icon').length === n; }",
            arg=in_shandong,
            timeout=30_000,
        )
        assert "prov=370000" in page.url
        # The same Leaflet map (not a new page), at the user's zoom and centre.
        assert _map_frame(page).evaluate("() => window.map._goldmapMark") == "kept"
        assert _map_frame(page).evaluate(_LEAFLET_ZOOM) == 8
        centre = _map_frame(page).evaluate("() => window.map.getCenter()")
        assert abs(centre["lat"] - 37.3) < 0.01 and abs(centre["lng"] - 120.2) < 0.01
        assert frame.get_by_text(f"Key mines ({in_shandong})").count() == 1
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "filter_keeps_zoom.png"))
        browser.close()


#: The mines that share one stand-in point (English names, the markers' titles).
_STACKED = (
    ("Sanshandao", "Haiyu", "Xiling"),
    ("Xincheng", "Shaling"),
    ("Xiadian", "Dayingezhuang", "Lingnan-Fushan"),
)


def _popup_titled(page, popup, name: str, timeout_s: float = 5.0) -> str:
    """Wait until the open popup is the one of ``name``; return its text."""
    deadline = time.monotonic() + timeout_s
    text = ""
    while time.monotonic() < deadline:
        if popup.count() == 1:
            text = popup.inner_text()
            if text.splitlines()[0].strip() == name:
                return text
        page.wait_for_timeout(100)
    raise AssertionError(f"the popup of {name} did not open: {text[:80]!r}")


def _box_key(box):
    return tuple(round(box[k]) for k in ("x", "y", "width", "height"))


@pytest.fixture(scope="module")
def map_url(tmp_path_factory):
    """The page `goldmap map -o map.html --lang en` writes, opened from disk (offline)."""
    from goldmap.maps.build import make_map, to_html

    path = tmp_path_factory.mktemp("map") / "map.html"
    to_html(make_map(lang="en"), path)
    return path.as_uri()


def test_mines_sharing_a_point_are_told_apart_and_each_opens_its_popup(map_url):
    _require(Path(CHROMIUM).exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(map_url)
        frame = page.main_frame
        frame.locator(".leaflet-marker-icon").first.wait_for(timeout=30_000)
        page.wait_for_timeout(500)
        assert frame.get_by_text("Location unknown: Yidinan (Gansu)").count() == 1
        boxes = {}
        for group in _STACKED:
            for name in group:
                icon = frame.locator(f'.leaflet-marker-icon[title="{name}"]')
                assert icon.count() == 1, name
                boxes[name] = icon.bounding_box()
            keys = [_box_key(boxes[name]) for name in group]
            assert len(set(keys)) == len(group), (group, keys)
        popup = frame.locator(".leaflet-popup-content")
        for group in _STACKED:
            for name in group:
                # From the initial view, a real click at the icon's centre: it fails if
                # another icon (or anything else) covers it.
                page.goto(map_url)
                frame.locator(".leaflet-marker-icon").first.wait_for(timeout=30_000)
                frame.locator(f'.leaflet-marker-icon[title="{name}"]').click(timeout=5_000)
                text = _popup_titled(page, popup, name)
                assert "representative point" in text or "shore point" in text, name
                others = [o for o in group if o != name]
                assert all(o in text for o in others), (name, others)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "stacked.png"))
        browser.close()


def _upload_features(page, app_url: str, path: Path, *, timeout_ms: int):
    """Open the English app, upload ``path`` as features; return the map frame once located."""
    page.goto(f"{app_url}/?lang=en")
    # The upload replaces the map: for a moment there are two frames, the new one last.
    frame = page.frame_locator('iframe[title="goldmap.app.live_map.map"] >> nth=-1')
    frame.locator(".leaflet-marker-icon").first.wait_for(timeout=30_000)
    page.get_by_role("tab", name="Your data").click()
    uploader = page.locator('[data-testid="stFileUploader"]').nth(1)
    uploader.locator('input[type="file"]').set_input_files(str(path))
    located = page.get_by_text("Located features").locator("visible=true")
    deadline = time.monotonic() + timeout_ms / 1000
    while not located.count():
        if time.monotonic() > deadline:
            errors = page.locator('[data-testid="stAlertContentError"]').all_text_contents()
            raise AssertionError(f"{path.name} was not located; the page says: {errors}")
        page.wait_for_timeout(200)
    return frame


def test_100k_uploaded_points_appear_on_the_map(app_url, tmp_path):
    _require(Path(CHROMIUM).exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(3)
    n = 100_000
    samples = tmp_path / "samples_100k.csv"
    pd.DataFrame(
        {
            "sample": [f"S{i}" for i in range(n)],
            "lon": rng.uniform(100, 120, n).round(5),
            "lat": rng.uniform(25, 40, n).round(5),
            "au_ppb": rng.lognormal(2, 1, n).round(2),
        }
    ).to_csv(samples, index=False)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        frame = _upload_features(page, app_url, samples, timeout_ms=120_000)
        frame.locator("canvas").first.wait_for(timeout=120_000)
        frame.get_by_text("Your features").first.wait_for(timeout=30_000)
        errors = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
        assert errors.count() == 0
        browser.close()


# Words that stay as they are in the Chinese interface: the language switch names both
# languages; format and product names have no Chinese form.
_NOT_TRANSLATED = {"Language", "English", "GeoJSON", "KML", "CSV", "XLSX", "Shapefile", "zip",
                   "GeoPackage", "Leaflet", "OpenStreetMap", "Esri", "GCJ", "png",
                   "pdf"}  # fmt: skip


def _english_words(texts: list[str]) -> list[str]:
    words = [w for t in texts for w in re.findall(r"[A-Za-z]{3,}", t)]
    return [w for w in words if w not in _NOT_TRANSLATED]


def test_every_label_of_the_chinese_interface_is_chinese(app_url):
    _require(Path(CHROMIUM).exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(f"{app_url}/?lang=zh&stat=summary:key_mines")
        frame = page.frame_locator('iframe[title="goldmap.app.live_map.map"]')
        frame.locator(".leaflet-marker-icon").first.wait_for(timeout=30_000)
        headers = page.locator('[data-testid="stDataFrame"] [role="columnheader"]')
        headers.first.wait_for(state="attached", timeout=30_000)  # the grid's accessible table
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        tabs = [t.inner_text() for t in page.locator('[role="tab"]').all()]
        header_texts = [str(h.text_content()) for h in headers.all()]
        assert tabs == ["要素表", "规划原文", "我的数据", "下载"]
        assert "中文名称" in header_texts and "位置精度" in header_texts
        assert "省份筛选" in sidebar  # the controls are drawn (they come after the map)
        assert _english_words([sidebar]) == []
        assert _english_words(tabs) == []
        assert _english_words(header_texts) == []
        # The Downloads tab: layer and format choices in Chinese too.
        page.get_by_role("tab", name="下载").click()
        downloads = page.locator('[data-testid="stTabPanel"]:visible').inner_text()
        assert "仅下载筛选后的要素" in downloads
        assert _english_words([downloads]) == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "zh_1920.png"))
        browser.close()


def test_a_clicked_uploaded_polygon_shows_its_row_in_the_details(app_url, tmp_path):
    _require(Path(CHROMIUM).exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    import json

    concession = tmp_path / "concessions.geojson"
    square = [[112.0, 34.0], [112.6, 34.0], [112.6, 34.4], [112.0, 34.4], [112.0, 34.0]]
    concession.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"licence": "HN-A17", "holder": "Song Mining"},
        "geometry": {"type": "Polygon", "coordinates": [square]},
    }]}), encoding="utf-8")  # fmt: skip
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        frame = _upload_features(page, app_url, concession, timeout_ms=60_000)
        frame.get_by_text("Your features").first.wait_for(timeout=30_000)
        _wait_until_idle(page)
        # The map went to the upload; a click in its middle lands on the concession.
        assert _map_frame(page).evaluate(_LEAFLET_ZOOM) >= 7
        box = page.locator('iframe[title="goldmap.app.live_map.map"] >> nth=-1').bounding_box()
        centre = _map_frame(page).evaluate("() => window.map.latLngToContainerPoint([34.2, 112.3])")
        panel = page.locator(
            '[data-testid="stColumn"]', has=page.get_by_role("heading", name="Details")
        ).last
        assert "HN-A17" not in panel.inner_text()
        page.mouse.click(box["x"] + centre["x"], box["y"] + centre["y"])
        panel.get_by_text("HN-A17").first.wait_for(timeout=15_000)
        shown = panel.inner_text()
        assert "Song Mining" in shown and "Henan" in shown, shown
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "uploaded_polygon_details.png"))
        browser.close()
