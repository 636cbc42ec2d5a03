"""Drive the real app in Debian's Chromium: the map must draw offline, a click shows details.

One Chromium serves the whole module and one Streamlit server the whole test process
(tests/app_server.py); each test opens its pages in a browser context of its own. Tests wait
for what they read (the app's runs, an element, a map state), never for a time.
"""

import re
from pathlib import Path
from typing import Any

import pytest

import goldmap
from tests.prerequisites import require, require_module
from tests.streamlit_page import WAIT_MS, AppPage

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


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module (each test opens its own contexts in it)."""
    require(Path(CHROMIUM).exists(), f"{CHROMIUM} is missing (`make browser`: Debian chromium)")
    sync_api = require_module("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser):
    """Open pages in browser contexts of their own (no shared session), closed after the test."""
    contexts = []

    def open_page(width: int, height: int):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def app_url(browser, app_server):
    """The app's address: the one server of this test process (tests/app_server.py)."""
    return app_server


#: The app's map (with an upload, the new map is the last frame for a moment).
MAP = 'iframe[title="goldmap.app.live_map.map"] >> nth=-1'


def _wait_for_markers(page, *, at_least: int = 1, exactly: int | None = None) -> None:
    """Wait until the app's (last) map shows ``exactly`` markers, or ``at_least`` that many."""
    page.wait_for_function(
        "([least, exact]) => { const f = [...document.querySelectorAll('iframe')].filter("
        "i => i.title === 'goldmap.app.live_map.map').pop();"
        "if (!f || !f.contentDocument) return false;"
        "const n = f.contentDocument.querySelectorAll('.leaflet-marker-icon').length;"
        "return exact === null ? n >= least : n === exact; }",
        arg=[at_least, exactly],
        timeout=WAIT_MS,
    )


def test_app_draws_the_map_offline_and_shows_a_clicked_mine(app_url, new_page):
    mines = goldmap.load("key_mines")
    outside = []
    page = new_page(1400, 1000)
    app = AppPage(page)
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith((app_url, "data:", "blob:", "about:"))
            else None
        ),
    )
    frame = page.frame_locator('iframe[title="goldmap.app.live_map.map"]')
    markers = frame.locator(".leaflet-marker-icon")
    with app.run("opening the app"):
        page.goto(f"{app_url}/?lang=en")
        markers.first.wait_for(timeout=WAIT_MS)
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
    with app.run(f"clicking {name}"):
        frame.locator(f'.leaflet-marker-icon[title="{name}"]').click()
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=WAIT_MS)
    assert name in popup.inner_text()
    details = page.locator('[data-testid="stMarkdownContainer"] strong', has_text=name)
    details.first.wait_for(timeout=WAIT_MS)
    assert "focus=key_mines" in page.url
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app.png"))
    assert not outside, f"requests left the machine: {outside[:5]}"


def _page_text(page) -> str:
    """Return the text of the page and of its frames (a frame removed meanwhile is gone)."""
    texts = []
    for frame in page.frames:
        try:
            texts.append(frame.content())
        except Exception:  # playwright's Error: a map frame replaced by a new map
            if not frame.is_detached():
                raise
    return "\n".join(texts)


def _features_uploader(page: Any) -> Any:
    """The English page's features uploader, found by its label as a user finds it.

    Not by its position: the page's elements shift while a run replaces the map.
    """
    return page.locator('[data-testid="stFileUploader"]').filter(
        has_text=re.compile(r"^Upload your features")
    )


def test_hostile_uploads_get_one_line_errors_in_the_app(app_url, new_page, hostile_files, canary):
    from goldmap.io import MAX_UPLOAD_BYTES

    asked = []
    page = new_page(1400, 1000)
    app = AppPage(page)
    page.on("request", lambda r: asked.append(r.url) if str(canary.port) in r.url else None)
    app.open(f"{app_url}/?lang=en")
    page.get_by_role("tab", name="Your data").click()
    uploader = _features_uploader(page)
    errors = page.locator('[data-testid="stAlertContentError"]')
    seen = {}
    for item, path in hostile_files:
        files = uploader.locator('input[type="file"]')
        if len(item.content) > MAX_UPLOAD_BYTES:
            files.set_input_files(str(path))
            # Streamlit's uploader refuses it before the app sees it, naming the limit.
            refusal = uploader.get_by_text(re.compile(r"must be [\d.]+\s*MB or smaller"))
            refusal.first.wait_for(timeout=WAIT_MS)
            seen[item.name] = refusal.first.inner_text()
            continue
        with app.run(f"uploading {item.name}"):
            files.set_input_files(str(path))
        if item.may_succeed:
            page.get_by_text("Located features").first.wait_for(timeout=WAIT_MS)
            assert errors.filter(has_text=item.name).count() == 0, item.name
            seen[item.name] = "read"
        else:
            error = errors.filter(has_text=item.name)
            error.first.wait_for(timeout=WAIT_MS)
            message = error.first.inner_text().strip()
            assert "\n" not in message and "Traceback" not in message, (item.name, message)
            seen[item.name] = message
        assert canary.secret not in _page_text(page), item.name
    assert "not a GeoPackage" in seen["vrt_local.gpkg"]
    assert page.locator('[data-testid="stException"]').count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "hostile.png"), full_page=True)
    assert len(seen) == len(hostile_files)
    assert asked == [] and canary.hits == [], (asked, canary.hits)


def test_the_uploader_and_the_library_share_one_size_limit(app_url, new_page, tmp_path):
    from goldmap.io import MAX_UPLOAD_BYTES, read_features

    edge, over = tmp_path / "edge.geojson", tmp_path / "over.geojson"
    edge.write_bytes(b" " * MAX_UPLOAD_BYTES)  # as large as goldmap reads: not valid JSON
    over.write_bytes(b" " * (MAX_UPLOAD_BYTES + 1))
    with pytest.raises(goldmap.GoldmapError, match="not valid UTF-8 JSON"):
        read_features(edge)
    with pytest.raises(goldmap.GoldmapError, match="larger than goldmap's"):
        read_features(over)
    page = new_page(1400, 1000)
    app = AppPage(page)
    app.open(f"{app_url}/?lang=en")
    page.get_by_role("tab", name="Your data").click()
    uploader = _features_uploader(page)
    files = uploader.locator('input[type="file"]')
    # The largest file the library reads passes the uploader: the app reads it and says why
    # it is not GeoJSON.
    with app.run("uploading a file of the largest size"):
        files.set_input_files(str(edge))
    error = page.locator('[data-testid="stAlertContentError"]').filter(has_text="edge.geojson")
    error.first.wait_for(timeout=WAIT_MS)
    assert "not valid UTF-8 JSON" in error.first.inner_text()
    assert uploader.get_by_text(re.compile(r"must be [\d.]+\s*MB or smaller")).count() == 0
    # One byte more is refused, by the uploader itself.
    files.set_input_files(str(over))
    refusal = uploader.get_by_text(re.compile(r"must be [\d.]+\s*MB or smaller"))
    refusal.first.wait_for(timeout=WAIT_MS)


_LEAFLET_ZOOM = "() => window.map ? window.map.getZoom() : null"


def _map_frame(page):
    return next(f for f in page.frames if "goldmap.app.live_map.map" in f.url)


def test_language_round_trip_keeps_the_layers_and_a_focus_link_zooms_in(app_url, new_page):
    mines_drawn = int(goldmap.load("key_mines").geometry.notna().sum())
    page = new_page(1440, 900)
    app = AppPage(page)
    app.open(f"{app_url}/?lang=zh")
    markers = page.frame_locator(MAP).locator(".leaflet-marker-icon")
    _wait_for_markers(page)
    for label in ("English", "中文", "English"):
        with app.run(f"choosing {label}"):
            page.get_by_text(label, exact=True).click()
        _wait_for_markers(page, at_least=mines_drawn)
        assert "layers=exploration_areas%2Cdevelopment_areas%2Ckey_mines" in page.url, label
        assert markers.count() >= mines_drawn, label
    # A shared link to a mine opens zoomed in on it, and stays there once the app has run.
    with app.run("opening a link to a mine"):
        page.goto(f"{app_url}/?lang=en&focus=key_mines:qh-dachaidan")
        _wait_for_markers(page)
        _map_frame(page).wait_for_function("() => window.map && window.map.getZoom() >= 7")
        assert _map_frame(page).evaluate(_LEAFLET_ZOOM) >= 7
    _wait_for_markers(page)
    assert _map_frame(page).evaluate(_LEAFLET_ZOOM) >= 7
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "focus.png"))


#: The map fills most of the window once the app has laid out its page.
_MAP_FILLS_THE_WINDOW = (
    "() => { const f = [...document.querySelectorAll('iframe')].find("
    "i => i.title === 'goldmap.app.live_map.map'); if (!f) return false;"
    "const box = f.getBoundingClientRect(); const map = f.contentWindow.map;"
    "return box.height >= 0.7 * innerHeight && box.bottom <= innerHeight"
    " && !!map && map.getSize().y === Math.round(box.height); }"
)


def test_a_filter_change_keeps_the_users_zoom_and_swaps_the_layers(app_url, new_page):
    mines = goldmap.load("key_mines")
    in_shandong = int((mines["province_adcode"] == 370000).sum())
    page = new_page(1440, 900)
    app = AppPage(page)
    app.open(f"{app_url}/?lang=en")
    frame = page.frame_locator('iframe[title="goldmap.app.live_map.map"]')
    _wait_for_markers(page)
    # The map is the page: most of the window's height, and all of it in the window.
    page.wait_for_function(_MAP_FILLS_THE_WINDOW, timeout=WAIT_MS)
    box = page.locator('iframe[title="goldmap.app.live_map.map"]').bounding_box()
    assert box["height"] >= 0.7 * 900 and box["y"] + box["height"] <= 900, box
    assert _map_frame(page).evaluate("() => window.map.getSize().y") == round(box["height"])
    # The user zooms in on Jiaodong, as with the mouse wheel.
    _map_frame(page).evaluate("() => window.map.setView([37.3, 120.2], 8)")
    _map_frame(page).wait_for_function(
        "() => window.map.getZoom() === 8 && !window.map._animatingZoom"
    )
    _map_frame(page).evaluate("() => { window.map._goldmapMark = 'kept'; }")
    assert _map_frame(page).evaluate(_LEAFLET_ZOOM) == 8
    with app.run("choosing Shandong"):
        page.locator('[data-testid="stMultiSelect"]').nth(1).click()
        page.keyboard.type("Shandong")
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
    _wait_for_markers(page, exactly=in_shandong)
    assert "prov=370000" in page.url
    # The same Leaflet map (not a new page), at the user's zoom and centre.
    assert _map_frame(page).evaluate("() => window.map._goldmapMark") == "kept"
    assert _map_frame(page).evaluate(_LEAFLET_ZOOM) == 8
    centre = _map_frame(page).evaluate("() => window.map.getCenter()")
    assert abs(centre["lat"] - 37.3) < 0.01 and abs(centre["lng"] - 120.2) < 0.01
    frame.get_by_text(f"Key mines ({in_shandong})").wait_for(timeout=WAIT_MS)
    assert frame.get_by_text(f"Key mines ({in_shandong})").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "filter_keeps_zoom.png"))


#: The mines that share one stand-in point (English names, the markers' titles).
_STACKED = (
    ("Sanshandao", "Haiyu", "Xiling"),
    ("Xincheng", "Shaling"),
    ("Xiadian", "Dayingezhuang", "Lingnan-Fushan"),
)

#: The popup open on the map is the one of ``name`` (its first line).
_POPUP_OF = (
    "name => { const p = document.querySelectorAll('.leaflet-popup-content');"
    "return p.length === 1 && p[0].innerText.split('\\n')[0].trim() === name; }"
)

#: Every star of a stack has been fanned out by the map's script.
_FANNED_OUT = "n => document.querySelectorAll('.leaflet-marker-icon.goldmap-stacked').length >= n"


def _box_key(box):
    return tuple(round(box[k]) for k in ("x", "y", "width", "height"))


@pytest.fixture(scope="module")
def map_url(tmp_path_factory):
    """The page `goldmap map -o map.html --lang en` writes, opened from disk (offline)."""
    from goldmap.maps.build import make_map, to_html

    path = tmp_path_factory.mktemp("map") / "map.html"
    to_html(make_map(lang="en"), path)
    return path.as_uri()


def test_mines_sharing_a_point_are_told_apart_and_each_opens_its_popup(map_url, new_page):
    stacked = sum(len(group) for group in _STACKED)
    page = new_page(1400, 1000)
    page.goto(map_url)
    frame = page.main_frame
    frame.wait_for_function(_FANNED_OUT, arg=stacked)
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
            frame.wait_for_function(_FANNED_OUT, arg=stacked)
            frame.locator(f'.leaflet-marker-icon[title="{name}"]').click(timeout=WAIT_MS)
            try:
                frame.wait_for_function(_POPUP_OF, arg=name, timeout=WAIT_MS)
            except Exception as err:  # playwright's TimeoutError
                shown = popup.all_inner_texts()
                raise AssertionError(f"the popup of {name} did not open: {shown}") from err
            text = popup.inner_text()
            assert "representative point" in text or "shore point" in text, name
            others = [o for o in group if o != name]
            assert all(o in text for o in others), (name, others)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "stacked.png"))


def _upload_features(app: "AppPage", app_url: str, path: Path, *, timeout_ms: int):
    """Open the English app, upload ``path`` as features; return the map frame once located."""
    page = app.page
    app.open(f"{app_url}/?lang=en")
    _wait_for_markers(page)
    page.get_by_role("tab", name="Your data").click()
    uploader = _features_uploader(page)
    with app.run(f"uploading {path.name}"):
        uploader.locator('input[type="file"]').set_input_files(str(path))
    located = page.get_by_text("Located features").locator("visible=true")
    try:
        located.first.wait_for(timeout=timeout_ms)
    except Exception as err:  # playwright's TimeoutError
        errors = page.locator('[data-testid="stAlertContentError"]').all_text_contents()
        raise AssertionError(f"{path.name} was not located; the page says: {errors}") from err
    # The upload replaces the map: for a moment there are two frames, the new one last.
    page.wait_for_function(
        "() => document.querySelectorAll('iframe[title=\"goldmap.app.live_map.map\"]')"
        ".length === 1",
        timeout=WAIT_MS,
    )
    return page.frame_locator(MAP)


def test_100k_uploaded_points_appear_on_the_map(app_url, new_page, tmp_path):
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
    page = new_page(1440, 900)
    frame = _upload_features(AppPage(page), app_url, samples, timeout_ms=120_000)
    frame.locator("canvas").first.wait_for(timeout=WAIT_MS)
    frame.get_by_text("Your features").first.wait_for(timeout=WAIT_MS)
    errors = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    assert errors.count() == 0


# Words that stay as they are in the Chinese interface: the language switch names both
# languages; format and product names have no Chinese form.
_NOT_TRANSLATED = {"Language", "English", "GeoJSON", "KML", "CSV", "XLSX", "Shapefile", "zip",
                   "GeoPackage", "Leaflet", "OpenStreetMap", "Esri", "GCJ", "png",
                   "pdf"}  # fmt: skip


def _english_words(texts: list[str]) -> list[str]:
    words = [w for t in texts for w in re.findall(r"[A-Za-z]{3,}", t)]
    return [w for w in words if w not in _NOT_TRANSLATED]


def test_every_label_of_the_chinese_interface_is_chinese(app_url, new_page):
    page = new_page(1920, 1080)
    app = AppPage(page)
    # The page is read once the app has run to its end: every table is attached by then.
    app.open(f"{app_url}/?lang=zh&stat=summary:key_mines")
    _wait_for_markers(page)
    headers = page.locator('[data-testid="stDataFrame"] [role="columnheader"]')
    for name in ("中文名称", "位置精度"):  # the grids' accessible tables are drawn
        headers.filter(has_text=re.compile(f"^{name}$")).first.wait_for(
            state="attached", timeout=WAIT_MS
        )
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
    panel = page.locator('[data-testid="stTabPanel"]:visible')
    panel.get_by_text("仅下载筛选后的要素").wait_for(timeout=WAIT_MS)
    downloads = panel.inner_text()
    assert "仅下载筛选后的要素" in downloads
    assert _english_words([downloads]) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "zh_1920.png"))


def test_a_clicked_uploaded_polygon_shows_its_row_in_the_details(app_url, new_page, tmp_path):
    import json

    concession = tmp_path / "concessions.geojson"
    square = [[112.0, 34.0], [112.6, 34.0], [112.6, 34.4], [112.0, 34.4], [112.0, 34.0]]
    concession.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"licence": "HN-A17", "holder": "Song Mining"},
        "geometry": {"type": "Polygon", "coordinates": [square]},
    }]}), encoding="utf-8")  # fmt: skip
    page = new_page(1440, 900)
    app = AppPage(page)
    frame = _upload_features(app, app_url, concession, timeout_ms=60_000)
    frame.get_by_text("Your features").first.wait_for(timeout=WAIT_MS)
    # The map went to the upload; a click in its middle lands on the concession.
    _map_frame(page).wait_for_function("() => window.map && window.map.getZoom() >= 7")
    assert _map_frame(page).evaluate(_LEAFLET_ZOOM) >= 7
    box = page.locator(MAP).bounding_box()
    centre = _map_frame(page).evaluate("() => window.map.latLngToContainerPoint([34.2, 112.3])")
    panel = page.locator(
        '[data-testid="stColumn"]', has=page.get_by_role("heading", name="Details")
    ).last
    assert "HN-A17" not in panel.inner_text()
    with app.run("clicking the uploaded polygon"):
        page.mouse.click(box["x"] + centre["x"], box["y"] + centre["y"])
    panel.get_by_text("HN-A17").first.wait_for(timeout=WAIT_MS)
    shown = panel.inner_text()
    assert "Song Mining" in shown and "Henan" in shown, shown
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "uploaded_polygon_details.png"))


def test_a_bad_upload_in_chinese_says_why_in_chinese_and_the_uploader_stays(
    app_url, new_page, tmp_path
):
    page = new_page(1440, 900)
    app = AppPage(page)
    app.open(f"{app_url}/?lang=zh")
    page.get_by_role("tab", name="我的数据").click()
    uploader = page.locator('[data-testid="stFileUploader"]').filter(
        has_text=re.compile(r"^上传您的点/面")
    )
    # Streamlit's own words on the uploader are replaced by the table's (in the page's style).
    dropzone = uploader.locator('[data-testid="stFileUploaderDropzone"]')
    shown = page.evaluate(
        "(zone) => [zone.querySelector('[data-testid=\"stFileUploaderDropzoneInstructions\"]'),"
        " zone.querySelector('[data-testid=\"stBaseButton-secondary\"]')].map("
        "e => getComputedStyle(e, '::after').content)",
        dropzone.element_handle(),
    )
    assert shown == ['"每个文件不超过 50 MB"', '"上传"'], shown
    bad = tmp_path / "坏.geojson"
    bad.write_bytes(b"{not json")
    files = uploader.locator('input[type="file"]')
    with app.run("uploading a bad file"):
        files.set_input_files(str(bad))
    error = page.locator('[data-testid="stAlertContentError"]').filter(has_text="坏.geojson")
    error.first.wait_for(timeout=WAIT_MS)
    message = error.first.inner_text()
    assert "不是有效的 UTF-8 JSON" in message, message
    assert "Traceback" not in message and str(ROOT) not in message and "详细信息" not in message
    assert page.locator('[data-testid="stException"]').count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "zh_bad_upload.png"))
    good = tmp_path / "好.csv"
    good.write_text("名称,lon,lat\n招远,120.41,37.31\n", encoding="utf-8")
    with app.run("uploading a good file"):
        files.set_input_files(str(good))
    page.get_by_text("已定位 1 个要素").first.wait_for(timeout=WAIT_MS)
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    page.screenshot(path=str(ARTIFACTS / "zh_good_upload.png"))
