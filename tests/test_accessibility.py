"""axe-core finds no serious fault in what goldmap draws; the pages are saved for a reader's eye.

axe-core runs offline: the PyPI package ``axe-playwright-python`` (the ``dev`` extra) ships
``axe.min.js``, which each test puts into the page and into each of its frames (the app's map
is a frame) and runs there. A violation fails a test when axe rates it serious or critical, or
when it is one of :data:`ALWAYS_CHECKED` (the page's language and title, the order of its
headings, pinch zoom). Nothing is excluded: as of Streamlit 1.67 its own markup on goldmap's
pages raises no such violation either.

The screenshot test saves the app's first page with a mine's popup open and the page
``goldmap map`` writes, in both languages at a desktop's 1440x900 and a phone's 390x844, to
``tests/artifacts/<page>_<lang>_<w>x<h>.png``.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from goldmap.app.footer import METHOD_URL
from goldmap.citation import data_version
from goldmap.cli import cli
from tests.prerequisites import require_module
from tests.streamlit_page import AppPage
from tests.test_browser import app_url, browser, new_page  # noqa: F401  (shared fixtures)

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
#: Rules that fail a test whatever impact axe gives them (it rates these "moderate").
ALWAYS_CHECKED = {
    "document-title",
    "heading-order",
    "html-has-lang",
    "html-lang-valid",
    "meta-viewport",
    "page-has-heading-one",
    "valid-lang",
}
FAILING_IMPACTS = {"serious", "critical"}
#: The mine whose popup the tests open (a site-located mine, alone at its point).
MINE = {"en": "Dachaidan", "zh": "大柴旦"}
SIZES = [(1440, 900), (390, 844)]
HTML_LANG = {"en": "en", "zh": "zh-CN"}
TITLE = {"en": "China gold-industry plan 2025-2027: the map", "zh": "黄金产业规划地图 2025—2027"}
MAP_FRAME = 'iframe[title="goldmap.app.live_map.map"]'
#: The app has drawn its whole first page: the map reported back and the sidebar came.
_SIDEBAR = '[data-testid="stSidebar"]'
# Generous: the machine is shared and loaded.
WAIT_MS = 60_000


@functools.cache
def _axe_script() -> str:
    axe = require_module("axe_playwright_python")
    return (Path(axe.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def _violations(frame: Any, *, page_level: bool = True) -> list[str]:
    """Run axe-core in ``frame`` (its own document only) and describe what fails.

    ``page_level`` False leaves out the rules about a whole page (a frame's page has no
    ``h1`` of its own: the app's title is its heading).
    """
    frame.evaluate(_axe_script())
    results = frame.evaluate(
        "options => axe.run(document, options)",
        {"resultTypes": ["violations"], "iframes": False},
    )
    wanted = ALWAYS_CHECKED if page_level else ALWAYS_CHECKED - {"page-has-heading-one"}
    found = []
    for rule in results["violations"]:
        if rule["impact"] not in FAILING_IMPACTS and rule["id"] not in wanted:
            continue
        for node in rule["nodes"]:
            summary = " ".join((node.get("failureSummary") or "").split())
            found.append(f"{rule['id']} ({rule['impact']}) at {node['target']}: {summary}")
    return found


@pytest.fixture(scope="module")
def map_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The pages ``goldmap map -o map.html --lang <lang>`` writes, as file URLs."""
    folder = tmp_path_factory.mktemp("map_pages")
    pages = {}
    for lang in ("en", "zh"):
        path = folder / f"map_{lang}.html"
        result = CliRunner().invoke(cli, ["map", "-o", str(path), "--lang", lang])
        assert result.exit_code == 0, result.output
        pages[lang] = path.as_uri()
    return pages


def _open_popup(frame: Any, lang: str) -> Any:
    """Click the mine's star and return its popup once it shows.

    The star is clicked as an event on it, not at a point: on a phone's all-China view the
    fanned-out stars overlap, and a tap at a point goes to whichever star is on top.
    """
    frame.locator(f'.leaflet-marker-icon[title="{MINE[lang]}"]').dispatch_event("click")
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=WAIT_MS)
    return popup


def _open_app(app_url: str, new_page: Any, lang: str, size: tuple[int, int]) -> AppPage:  # noqa: F811
    """Open the app's first page in ``lang`` with the mine's popup open."""
    app = AppPage(new_page(*size))
    app.open(f"{app_url}/?lang={lang}")
    app.page.locator(_SIDEBAR).wait_for(state="attached", timeout=WAIT_MS)
    frame = app.page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-marker-icon").first.wait_for(timeout=WAIT_MS)
    with app.run(f"clicking {MINE[lang]}"):
        _open_popup(frame, lang)
    # Still open after the run the click asked for, which shows the mine's details.
    frame.locator(".leaflet-popup-content").wait_for(timeout=WAIT_MS)
    details = app.page.locator('[data-testid="stMarkdownContainer"] strong', has_text=MINE[lang])
    details.first.wait_for(timeout=WAIT_MS)
    return app


def _map_frame(page: Any) -> Any:
    """Return the frame of the app's map (the component's page)."""
    (frame,) = [f for f in page.frames if "/component/goldmap.app.live_map.map/" in f.url]
    return frame


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_axe_finds_no_serious_fault_in_the_app(app_url, new_page, lang):  # noqa: F811
    app = _open_app(app_url, new_page, lang, SIZES[0])
    page = app.page
    found = [f"page: {v}" for v in _violations(page.main_frame)]
    map_frame = _map_frame(page)
    found += [f"map frame: {v}" for v in _violations(map_frame, page_level=False)]
    tabs = page.get_by_role("tab")
    assert tabs.count() == 4
    for i in range(tabs.count()):
        tabs.nth(i).click()
        page.wait_for_function(
            "i => document.querySelectorAll('[role=tab]')[i].getAttribute('aria-selected')"
            " === 'true'",
            arg=i,
            timeout=WAIT_MS,
        )
        name = tabs.nth(i).inner_text()
        found += [f"tab {name}: {v}" for v in _violations(page.main_frame)]
    assert not found, "\n".join(found)
    # The map's frame speaks the page's language, and a reader may zoom it.
    assert map_frame.evaluate("document.documentElement.lang") == HTML_LANG[lang]
    # The footer: the data's version, how to cite it, a link to the method.
    footer = page.locator('[data-testid="stCaptionContainer"]', has_text=data_version()).last
    assert "CITATION.cff" in footer.inner_text()
    assert footer.get_by_role("link", name=METHOD_URL).get_attribute("href") == METHOD_URL


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_axe_finds_no_fault_in_the_goldmap_map_page(map_pages, new_page, lang):  # noqa: F811
    page = new_page(*SIZES[0])
    page.goto(map_pages[lang])
    popup = _open_popup(page.main_frame, lang)
    assert MINE[lang] in popup.inner_text()
    found = _violations(page.main_frame)
    assert not found, "\n".join(found)
    assert page.evaluate("document.documentElement.lang") == HTML_LANG[lang]
    assert page.title() == TITLE[lang]
    assert page.get_by_role("heading", level=1).inner_text() == TITLE[lang]


#: goldmap's boxes on the map, which must not cover one another.
_MAP_BOXES = (
    ".leaflet-control-zoom",
    ".leaflet-control-layers",
    ".goldmap-legend",
    ".goldmap-unknown",
    ".leaflet-control-scale",
    ".leaflet-control-attribution",
)
_BOXES_JS = """selectors => selectors.flatMap(s => [...document.querySelectorAll(s)].map(e => {
    const r = e.getBoundingClientRect();
    return {name: s, left: r.left, top: r.top, right: r.right, bottom: r.bottom};
}))"""


#: The number of lines an element's text takes (the distinct tops of its text's boxes).
_LINES_JS = """e => {
    const tops = new Set(), walk = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
    for (let node = walk.nextNode(); node; node = walk.nextNode()) {
        const range = document.createRange(); range.selectNodeContents(node);
        for (const r of range.getClientRects()) { if (r.width > 0) tops.add(Math.round(r.top)); }
    }
    return tops.size; }"""


def _overlaps(frame: Any) -> list[str]:
    """Name the pairs of goldmap's map boxes in ``frame`` that cover one another."""
    boxes = frame.evaluate(_BOXES_JS, list(_MAP_BOXES))
    assert {b["name"] for b in boxes} >= {".leaflet-control-zoom", ".goldmap-legend"}
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = (
                a["right"] <= b["left"]
                or b["right"] <= a["left"]
                or a["bottom"] <= b["top"]
                or b["bottom"] <= a["top"]
            )
            if not apart:
                found.append(f"{a['name']} covers {b['name']}: {a} / {b}")
    return found


#: Resolves once the open popup has faded in and the map's pan to show it has ended: the
#: popup's place and opacity are the same on two frames running.
_POPUP_AT_REST_JS = """() => new Promise(resolve => {
    let last = null;
    (function tick() {
        const popup = document.querySelector(".leaflet-popup");
        const r = popup.getBoundingClientRect(), opacity = getComputedStyle(popup).opacity;
        const now = [r.left, r.top, opacity].join();
        if (now === last && opacity === "1") { resolve(true); return; }
        last = now;
        requestAnimationFrame(tick);
    })();
})"""


def _shot(page: Any, name: str, lang: str, size: tuple[int, int], frame: Any) -> None:
    frame.evaluate(_POPUP_AT_REST_JS)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}_{lang}_{size[0]}x{size[1]}.png"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_screenshots_of_the_app_and_the_map_page(app_url, map_pages, new_page, lang, size):  # noqa: F811
    app = _open_app(app_url, new_page, lang, size)
    frame = _map_frame(app.page)
    # The map in view, its top under the window's top (on a phone the title is above it).
    app.page.locator(MAP_FRAME).scroll_into_view_if_needed()
    _shot(app.page, "app", lang, size, frame)
    found = [f"app: {v}" for v in _overlaps(frame)]
    # On a phone the page's title takes at most two lines.
    title = app.page.get_by_role("heading", level=1)
    lines = title.evaluate(_LINES_JS)
    assert lines <= 2, f"the title takes {lines} lines"

    page = new_page(*size)
    page.goto(map_pages[lang])
    _open_popup(page.main_frame, lang)
    _shot(page, "map", lang, size, page.main_frame)
    found += [f"map page: {v}" for v in _overlaps(page.main_frame)]
    assert not found, "\n".join(found)
