"""In the real browser: popups clear of the map's controls at desktop and phone sizes, the
phone's folded controls, and a basemap that cannot load leaving the plan's layers on the map.

The app's map and the page ``goldmap map`` writes are both checked. Screenshots are kept in
tests/artifacts (both languages, both sizes).
"""

import os
import re

import pytest

import goldmap
from goldmap.maps.build import make_map, to_html
from goldmap.text import tr
from tests import test_browser
from tests.streamlit_page import WAIT_MS, AppPage
from tests.test_browser import ARTIFACTS, MAP, _wait_for_markers

# The real-browser module's fixtures (a server and a browser for this module too).
browser = test_browser.browser
new_page = test_browser.new_page
app_url = test_browser.app_url

pytestmark = pytest.mark.browser

SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
#: An isolated mine (no other star near it at any zoom used here).
MINE = "qh-dachaidan"
#: Requests that leave the machine (tiles): refused, as with no network.
OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1|localhost)")

# The page's Leaflet map: the app's frame sets window.map; goldmap map's page keeps it in a
# global named map_<id>.
_MAP_JS = "(window.map || Object.values(window).find(v => v instanceof L.Map))"

#: Move the map so that the mine's star sits near one edge or corner (``where``: a point
#: of the map in fractions of its size), clear of every control; close any popup first.
_PLACE = (
    "([title, fx, fy]) => { const map = " + _MAP_JS + "; map.closePopup();"
    "const c = map.getContainer(), o = c.getBoundingClientRect(), size = map.getSize();"
    "const boxes = [...c.querySelectorAll('.leaflet-control')]"
    ".map(e => e.getBoundingClientRect()).filter(r => r.width && r.height);"
    "const free = (x, y) => boxes.every(r => x + o.left < r.left - 16 || x + o.left > r.right + 16"
    " || y + o.top < r.top - 16 || y + o.top > r.bottom + 30);"
    "let x = 18 + fx * (size.x - 36), y = 30 + fy * (size.y - 48);"
    "const cx = size.x / 2, cy = size.y / 2;"
    "for (let i = 0; i < 200 && !free(x, y); i++) { x += (cx - x) * 0.04; y += (cy - y) * 0.04; }"
    "let star = null;"
    "map.eachLayer(l => { if (l.options && l.options.title === title) star = l; });"
    "const p = map.latLngToContainerPoint(star.getLatLng());"
    "map.panBy([p.x - x, p.y - y], {animate: false}); return [x, y]; }"
)

#: The open popup (its tip included) lies inside the map and touches no control.
_POPUP_CLEAR = (
    "() => { const map = " + _MAP_JS + "; const c = map.getContainer();"
    "const popup = c.querySelector('.leaflet-popup'); if (!popup) return false;"
    "const o = c.getBoundingClientRect(), p = popup.getBoundingClientRect();"
    "const tip = popup.querySelector('.leaflet-popup-tip-container').getBoundingClientRect();"
    "const b = {left: Math.min(p.left, tip.left), right: Math.max(p.right, tip.right),"
    " top: p.top, bottom: Math.max(p.bottom, tip.bottom)};"
    "if (b.left < o.left - 0.5 || b.top < o.top - 0.5 || b.right > o.right + 0.5"
    " || b.bottom > o.bottom + 0.5) return false;"
    "return [...c.querySelectorAll('.leaflet-control')].map(e => e.getBoundingClientRect())"
    ".filter(r => r.width && r.height).every(r => b.right <= r.left + 0.5 || b.left >= r.right"
    " - 0.5 || b.bottom <= r.top + 0.5 || b.top >= r.bottom - 0.5); }"
)

#: The map is neither zooming nor panning.
_IDLE = "() => { const m = " + _MAP_JS + "; return !m._animatingZoom && !m._panAnim?._inProgress; }"

_USER_PANS = (
    "() => { const m = " + _MAP_JS + "; m.panBy([0, -150], {animate: false});"
    "return m.getCenter(); }"
)
_CENTRE_AFTER_FRAMES = (
    "() => new Promise(done => { let n = 0; const step = () => ++n < 4 ?"
    " requestAnimationFrame(step) : done((" + _MAP_JS + ").getCenter());"
    " requestAnimationFrame(step); })"
)

#: Near each corner and the middle of each edge, as fractions of the map's size.
_PLACES = {
    "top-left": (0, 0), "top": (0.5, 0), "top-right": (1, 0), "right": (1, 0.5),
    "bottom-right": (1, 1), "bottom": (0.5, 1), "bottom-left": (0, 1), "left": (0, 0.5),
}  # fmt: skip


def _title(lang: str) -> str:
    mines = goldmap.load("key_mines").set_index("id")
    return str(mines.loc[MINE, "name_zh" if lang == "zh" else "name_en"])


def _open_everywhere(frame, page, title: str) -> None:
    """Open the mine's popup from near every edge and corner; each must end clear."""
    star = frame.locator(f'.leaflet-marker-icon[title="{title}"]')
    for where, (fx, fy) in _PLACES.items():
        frame.wait_for_function(_IDLE)  # the opening view's zoom, or a pan, has ended
        frame.evaluate(_PLACE, [title, fx, fy])
        # The star's own click (Leaflet's handler), not the mouse at page coordinates: in
        # the app's phone layout the page scrolls under Playwright's computed point.
        star.dispatch_event("click")
        try:
            frame.wait_for_function(_POPUP_CLEAR, timeout=WAIT_MS)
        except Exception as err:  # playwright's TimeoutError
            page.screenshot(path=str(ARTIFACTS / f"popup_failed_{where}.png"))
            raise AssertionError(f"the popup opened {where} stays under a control") from err
        assert title in frame.locator(".leaflet-popup-content").inner_text(), where
    # Shown in full (faded in) for the screenshot.
    frame.wait_for_function(
        "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
    )
    # Long source URLs wrap inside the popup instead of running out of it.
    content = frame.locator(".leaflet-popup-content")
    assert content.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    # The user's own panning of the open popup is left alone: the map is not sent back
    # (four frames later, when a pan back would have begun, it is where the user put it).
    frame.wait_for_function(_IDLE)  # goldmap's own pan has ended (a drag would stop it)
    moved = frame.evaluate(_USER_PANS)
    assert frame.evaluate(_CENTRE_AFTER_FRAMES) == moved


def _controls_fold(frame, small: bool) -> None:
    """On a phone the layer switch is its button and the legend is folded; not on a desktop."""
    switch = frame.locator(".leaflet-control-layers")
    legend = frame.locator(".goldmap-legend")
    assert switch.count() == 1 and legend.count() == 1
    expanded = switch.evaluate("e => e.classList.contains('leaflet-control-layers-expanded')")
    folded = legend.evaluate("e => e.classList.contains('goldmap-folded')")
    assert (expanded, folded) == (not small, small)
    scale = frame.locator(".leaflet-control-scale-line").first
    assert scale.evaluate("e => getComputedStyle(e).fontSize") == "11px"


def _app_frame(page):
    return next(f for f in page.frames if "goldmap.app.live_map.map" in f.url)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", list(SIZES))
def test_app_popups_stay_clear_of_the_controls(app_url, new_page, size, lang):
    page = new_page(*SIZES[size])
    app = AppPage(page)
    app.open(f"{app_url}/?lang={lang}&layers=key_mines")
    _wait_for_markers(page, at_least=20)
    frame = _app_frame(page)
    frame.wait_for_function("() => document.querySelector('.leaflet-control-layers')")
    _controls_fold(frame, size == "phone")
    _open_everywhere(frame, page, _title(lang))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"popup_app_{lang}_{size}.png"))


@pytest.fixture(scope="module")
def map_pages(tmp_path_factory):
    """The pages `goldmap map -o map.html` writes, in both languages, opened from disk."""
    folder = tmp_path_factory.mktemp("maps")
    pages = {}
    for lang in ("en", "zh"):
        path = folder / f"map_{lang}.html"
        to_html(make_map(lang=lang, basemap="osm"), path)
        pages[lang] = path.as_uri()
    return pages


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", list(SIZES))
def test_map_page_popups_stay_clear_and_failed_tiles_are_said(map_pages, new_page, size, lang):
    page = new_page(*SIZES[size])
    page.route(OUTSIDE, lambda route: route.abort())
    page.goto(map_pages[lang])
    frame = page.main_frame
    frame.wait_for_function("n => document.querySelectorAll('.leaflet-marker-icon').length >= n",
                            arg=20)  # fmt: skip
    _controls_fold(frame, size == "phone")
    # The tiles failed: the plan's layers are drawn and a notice says why the basemap is gone.
    notice = frame.locator(".goldmap-notice")
    notice.wait_for(timeout=WAIT_MS)
    assert notice.inner_text() == tr("basemap_failed", lang)
    assert frame.locator("path.leaflet-interactive").count() >= 34 + 8 + 7
    assert tr("basemap_osm", lang) in frame.locator(".leaflet-control-layers").text_content()
    _open_everywhere(frame, page, _title(lang))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"popup_page_{lang}_{size}.png"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_basemap_that_cannot_load_leaves_the_plan_layers_with_a_notice(app_url, new_page, lang):
    mines_drawn = int(goldmap.load("key_mines").geometry.notna().sum())
    page = new_page(1440, 900)
    page.route(OUTSIDE, lambda route: route.abort())
    app = AppPage(page)
    # Tiles that fail (no network): the layers draw, a notice says why the basemap is gone.
    app.open(f"{app_url}/?lang={lang}&basemap=light")
    _wait_for_markers(page, at_least=mines_drawn)
    frame = page.frame_locator(MAP)
    notice = frame.locator(".goldmap-notice")
    notice.wait_for(timeout=WAIT_MS)
    assert notice.inner_text() == tr("basemap_failed", lang)
    assert tr("basemap_light", lang) in frame.locator(".leaflet-control-layers").text_content()
    assert frame.locator("path.leaflet-interactive").count() >= 34 + 8 + 7
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"basemap_failed_{lang}.png"))
    if os.environ.get("TIANDITU_KEY"):
        return  # the server has a key: the keyless case cannot be shown here
    # Tianditu without its key: no error box in place of the map; the layers and a notice.
    page = new_page(1440, 900)
    app = AppPage(page)
    app.open(f"{app_url}/?lang={lang}&basemap=tianditu-vec")
    _wait_for_markers(page, at_least=mines_drawn)
    notice = page.frame_locator(MAP).locator(".goldmap-notice")
    notice.wait_for(timeout=WAIT_MS)
    assert notice.inner_text() == tr("basemap_needs_key", lang)
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    page.screenshot(path=str(ARTIFACTS / f"basemap_no_key_{lang}.png"))
