"""In the real browser: text and tables lead to the map, and the view holds across a language
switch (screenshots in tests/artifacts, both languages, 1440×900 and a 390×844 phone)."""

import pytest
import shapely

import goldmap
from tests import test_browser
from tests.streamlit_page import RUN_TIMEOUT_S, AppPage
from tests.test_browser import ARTIFACTS, _features_uploader, _map_frame, _wait_for_markers

# The real-browser module's fixtures (a server and a browser for this module too).
browser = test_browser.browser
new_page = test_browser.new_page
app_url = test_browser.app_url

pytestmark = pytest.mark.browser

SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
WAIT_MS = RUN_TIMEOUT_S * 1000
_FRAME = 'iframe[title="goldmap.app.live_map.map"]'
_IDLE = (
    "() => document.querySelector('[data-testid=\"stApp\"]')"
    "?.getAttribute('data-test-script-state') === 'notRunning'"
)
#: The map's frame stands in the window, just below the page's top bar (scrolled to it).
_MAP_IN_SIGHT = (
    "() => { const r = document.querySelector('iframe[title=\"goldmap.app.live_map.map\"]')"
    ".getBoundingClientRect(); return r.top >= 40 && r.top <= 90 && r.bottom <= innerHeight; }"
)
#: The open popup's first line (its title), or null.
_POPUP_TITLE = (
    "() => { const p = document.querySelector('.leaflet-popup-content');"
    " return p ? p.innerText.split('\\n')[0].trim() : null; }"
)
#: The feature with the open popup stands out (a glowing star, an outlined shape).
_HIGHLIGHTED = "() => document.querySelectorAll('path.goldmap-focus, [data-goldmap-focus]').length"
_VIEW = "() => { const c = window.map.getCenter(); return [c.lat, c.lng, window.map.getZoom()]; }"


def _open(app: AppPage, url: str) -> None:
    """Open ``url`` and wait for the whole page: the map, then the controls and the tabs."""
    app.open(url)
    _wait_for_markers(app.page)
    app.page.locator('[role="tab"]').first.wait_for(timeout=WAIT_MS)
    app.page.wait_for_function(_IDLE, timeout=WAIT_MS)


def _wait_for_popup(page, title: str) -> None:
    _map_frame(page).wait_for_function(f"t => ({_POPUP_TITLE})() === t", arg=title, timeout=WAIT_MS)


def _wait_for_popup_with(page, *texts: str) -> None:
    """Wait until the map's open popup holds all of ``texts``."""
    _map_frame(page).wait_for_function(
        "ts => { const p = document.querySelector('.leaflet-popup-content');"
        " return !!p && ts.every(t => p.innerText.includes(t)); }",
        arg=list(texts),
        timeout=WAIT_MS,
    )


def _name(row, lang: str) -> str:
    return str(row["name_zh"] if lang == "zh" else row["name_en"])


def _shows(page, geometry) -> bool:
    """Whether the map's view holds the centre of ``geometry``."""
    x, y = geometry.centroid.x, geometry.centroid.y
    return bool(_map_frame(page).evaluate(f"() => window.map.getBounds().contains([{y}, {x}])"))


@pytest.mark.parametrize(("lang", "size"), [("en", "desktop"), ("zh", "phone")])
def test_a_place_in_the_plan_text_opens_it_on_the_map(app_url, new_page, lang, size):
    areas = goldmap.load("exploration_areas").set_index("id")
    area = areas.loc["exp-yangtze-middle-lower"]
    page = new_page(*SIZES[size])
    app = AppPage(page)
    _open(app, f"{app_url}/?lang={lang}")
    page.get_by_role("tab", name="The plan" if lang == "en" else "规划原文").click()
    buttons = page.locator('[class*="st-key-plan_"] button:visible')
    buttons.first.wait_for(timeout=WAIT_MS)
    # Every place's whole name is on its button: none cut short.
    labels = buttons.evaluate_all(
        "bs => bs.map(b => { const p = b.querySelector('p');"
        " return [p.innerText.trim(), p.scrollWidth <= p.clientWidth + 1"
        " && p.scrollHeight <= p.clientHeight + 1]; })"
    )
    names = {
        _name(row, lang)
        for layer in ("exploration_areas", "development_areas", "key_mines")
        for _, row in goldmap.load(layer).iterrows()
    }
    assert {text for text, _ in labels} == names
    assert [text for text, whole in labels if not whole] == []
    title = _name(area, lang)
    button = page.get_by_role("button", name=title, exact=True)
    button.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"textmap_buttons_{lang}_{size}.png"))
    with app.run(f"clicking {title}"):
        button.click()
    # The map comes into sight, zoomed to the area, its popup open and the area outlined.
    page.wait_for_function(_MAP_IN_SIGHT, timeout=WAIT_MS)
    _wait_for_popup(page, title)
    assert _map_frame(page).evaluate(_HIGHLIGHTED) >= 1
    assert _map_frame(page).evaluate("() => window.map.getZoom()") >= 5
    assert _shows(page, area.geometry)
    page.screenshot(path=str(ARTIFACTS / f"textmap_place_{lang}_{size}.png"))


@pytest.mark.parametrize(("lang", "size"), [("zh", "desktop"), ("en", "phone")])
def test_a_table_row_opens_its_feature_on_the_map(app_url, new_page, lang, size):
    mines = goldmap.load("key_mines")
    row = mines.index[mines["id"] == "sd-jiaojia"][0]
    page = new_page(*SIZES[size])
    app = AppPage(page)
    _open(app, f"{app_url}/?lang={lang}&layers=key_mines")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # The row's selection box, at the left of the row (header and rows 35 px high).
    with app.run("choosing the row of Jiaojia"):
        page.mouse.click(box["x"] + 18, box["y"] + 35 * (row + 1) + 17)
    page.wait_for_function(_MAP_IN_SIGHT, timeout=WAIT_MS)
    title = _name(mines.loc[row], lang)
    _wait_for_popup(page, title)
    assert _map_frame(page).evaluate(_HIGHLIGHTED) == 1
    assert _map_frame(page).evaluate("() => window.map.getZoom()") >= 8
    assert _shows(page, mines.loc[row, "geometry"])
    assert "focus=key_mines%3Asd-jiaojia" in page.url or "focus=key_mines:sd-jiaojia" in page.url
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"textmap_row_{lang}_{size}.png"))


def test_a_province_filter_fits_the_map_to_the_province(app_url, new_page):
    henan = goldmap.load("provinces").set_index("adcode").geometry[410000]
    page = new_page(*SIZES["desktop"])
    app = AppPage(page)
    _open(app, f"{app_url}/?lang=en")
    assert _map_frame(page).evaluate("() => window.map.getZoom()") < 5  # all of China
    with app.run("choosing Henan"):
        page.locator('[data-testid="stMultiSelect"]').nth(1).click()
        page.keyboard.type("Henan")
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
    _map_frame(page).wait_for_function("() => window.map.getZoom() >= 5.5", timeout=WAIT_MS)
    assert _shows(page, henan)
    (west, south, east, north) = henan.bounds
    for lat, lon in ((south, west), (north, east)):
        inside = f"() => window.map.getBounds().contains([{lat}, {lon}])"
        assert _map_frame(page).evaluate(inside), (lat, lon)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "textmap_province_en_desktop.png"))


def _switch_language(app: AppPage, to: str) -> None:
    """Choose the other language in the sidebar (opened first on a phone), and wait."""
    page = app.page
    label = "中文" if to == "zh" else "English"
    opener = page.locator('[data-testid="stExpandSidebarButton"]')
    closed = opener.is_visible()  # a phone's sidebar is folded away
    if closed:
        opener.click()
    # The page's old map is marked: the switch draws the map anew, in the other language.
    _map_frame(page).evaluate("() => { window.map._goldmapOld = true; }")
    with app.run(f"choosing {label}"):
        page.locator('[data-testid="stSidebar"]').get_by_text(label, exact=True).click()
    _map_frame(page).wait_for_function(
        "() => window.map && !window.map._goldmapOld", timeout=WAIT_MS
    )
    page.wait_for_function(_IDLE, timeout=WAIT_MS)
    if closed:  # folded again, so that the reader (and the screenshot) sees the map
        page.get_by_role("button", name="Collapse sidebar").click()
        opener.wait_for(timeout=WAIT_MS)


#: The map has stopped moving (a popup's auto-pan is animated).
_STILL = (
    "() => !window.map._animatingZoom && !(window.map._panAnim && window.map._panAnim._inProgress)"
)


def _settled_view(page) -> list[float]:
    """Return the map's centre and zoom once it has stopped moving."""
    _map_frame(page).wait_for_function(_STILL, timeout=WAIT_MS)
    return _map_frame(page).evaluate(_VIEW)


def _bring_the_map_into_sight(page) -> None:
    """Scroll the whole map into the window, as a reader would before clicking on it.

    (A click that makes the page scroll between pressing and releasing is a drag to Leaflet.)
    """
    page.locator(_FRAME).evaluate("f => f.scrollIntoView({block: 'center'})")
    page.wait_for_function(
        f"() => {{ const r = document.querySelector('{_FRAME}').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight; }",
        timeout=WAIT_MS,
    )


def _assert_same_view(page, before: list[float]) -> None:
    """The map's zoom is that of ``before``, its centre too but for the popup's auto-pan.

    The popup reopened in the other language may be larger: Leaflet then pans the map just
    enough to show it whole (a phone's narrow map, mostly).
    """
    after = _settled_view(page)
    assert after[2] == before[2], (before, after)
    shift, limit = _map_frame(page).evaluate(
        "([lat, lng]) => { const p = window.map.latLngToContainerPoint([lat, lng]);"
        " const s = window.map.getSize(), c = s.divideBy(2);"
        " return [Math.hypot(p.x - c.x, p.y - c.y), Math.min(s.x, s.y) / 4]; }",
        before[:2],
    )
    assert shift <= limit, (before, after, shift)


@pytest.mark.parametrize(("lang", "size"), [("en", "desktop"), ("zh", "phone")])
def test_a_language_switch_keeps_the_view_and_the_open_popup(app_url, new_page, lang, size):
    mines = goldmap.load("key_mines").set_index("id")
    mine = mines.loc["sd-sanshandao"]
    other = "zh" if lang == "en" else "en"
    page = new_page(*SIZES[size])
    app = AppPage(page)
    _open(app, f"{app_url}/?lang={lang}")
    # The reader zooms in on Jiaodong and opens a mine's popup.
    _map_frame(page).evaluate(f"() => window.map.setView([{mine.geometry.y}, 120.3], 9)")
    _bring_the_map_into_sight(page)
    _map_frame(page).locator(f'.leaflet-marker-icon[title="{_name(mine, lang)}"]').click()
    _wait_for_popup(page, _name(mine, lang))
    before = _settled_view(page)
    _switch_language(app, other)
    _wait_for_popup(page, _name(mine, other))  # the same mine's popup, in the other language
    assert _map_frame(page).evaluate(_HIGHLIGHTED) == 1
    _assert_same_view(page, before)
    _bring_the_map_into_sight(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"textmap_switch_{lang}_to_{other}_{size}.png"))


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_an_uploaded_view_holds_across_a_language_switch(app_url, new_page, tmp_path, size):
    points = tmp_path / "prospects.csv"
    points.write_text(
        "prospect,lon,lat\nZY-North,120.45,37.42\nZY-South,120.38,37.30\nLZ-West,119.90,37.18\n",
        encoding="utf-8",
    )
    located = goldmap.locate(points, lang="zh")
    area_zh = located.loc[0, "development_areas"]
    assert area_zh  # the prospect lies in a plan area, named in Chinese once switched
    page = new_page(*SIZES[size])
    app = AppPage(page)
    _open(app, f"{app_url}/?lang=en")
    page.get_by_role("tab", name="Your data").click()
    with app.run("uploading prospects.csv"):
        _features_uploader(page).locator('input[type="file"]').set_input_files(str(points))
    page.get_by_text("Located features").first.wait_for(timeout=WAIT_MS)
    page.wait_for_function(f"() => document.querySelectorAll('{_FRAME}').length === 1")
    frame = _map_frame(page)
    frame.wait_for_function("() => window.map && window.map.getZoom() >= 8", timeout=WAIT_MS)
    # The reader pans a little and opens the first prospect's popup.
    frame.evaluate("() => window.map.setView([37.36, 120.3], 10)")
    _bring_the_map_into_sight(page)
    box = page.locator(_FRAME).bounding_box()
    at = frame.evaluate("() => window.map.latLngToContainerPoint([37.42, 120.45])")
    with app.run("clicking ZY-North"):
        page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
    _wait_for_popup_with(page, "ZY-North")
    before = _settled_view(page)
    _switch_language(app, "zh")
    frame = _map_frame(page)
    _wait_for_popup_with(page, "ZY-North", area_zh)
    assert frame.evaluate(_HIGHLIGHTED) == 1
    _assert_same_view(page, before)
    _bring_the_map_into_sight(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"textmap_upload_switch_{size}.png"))
    # A row of the located table opens that feature on the map (the third: LZ-West).
    page.get_by_role("tab", name="我的数据").click()
    table = page.locator('[data-testid="stDataFrame"]').filter(has_text="ZY-North")
    table.first.wait_for(timeout=WAIT_MS)
    table.first.scroll_into_view_if_needed()
    box = table.first.bounding_box()
    with app.run("choosing the row of LZ-West"):
        page.mouse.click(box["x"] + 18, box["y"] + 35 * 3 + 17)
    page.wait_for_function(_MAP_IN_SIGHT, timeout=WAIT_MS)
    _wait_for_popup_with(page, "LZ-West")
    assert _shows(page, shapely.Point(119.90, 37.18))
    page.screenshot(path=str(ARTIFACTS / f"textmap_upload_row_zh_{size}.png"))
