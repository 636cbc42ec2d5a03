"""In the real browser: one legend box with a statistic and coloured mines, the precision
marks, and the company view, in both languages (screenshots kept in tests/artifacts)."""

from urllib.parse import quote

import pytest

import goldmap
from goldmap.maps import filter_layer
from tests import test_browser
from tests.streamlit_page import WAIT_MS, AppPage
from tests.test_browser import ARTIFACTS, MAP, _wait_for_markers

# The real-browser module's fixtures (a server and a browser for this module too).
browser = test_browser.browser
new_page = test_browser.new_page
app_url = test_browser.app_url

pytestmark = pytest.mark.browser

MARK_WORDS = {
    "zh": ("实心星", "半实心星", "空心星"),
    "en": ("filled star", "half-filled", "hollow star"),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_statistic_and_coloured_mines_share_one_legend_box(app_url, new_page, lang):
    page = new_page(1440, 900)
    app = AppPage(page)
    app.open(f"{app_url}/?lang={lang}&stat=summary:key_mines&color=status")
    _wait_for_markers(page, at_least=20)
    frame = page.frame_locator(MAP)
    legend = frame.locator(".goldmap-legend")
    legend.first.wait_for(timeout=WAIT_MS)
    assert legend.count() == 1
    parts = legend.locator(".goldmap-legend-part")
    assert parts.count() == 2  # the statistic's classes, then the mines
    assert parts.nth(0).locator(".goldmap-class").count() >= 3
    text = legend.inner_text()
    assert all(words in text for words in MARK_WORDS[lang])
    assert ("生产" if lang == "zh" else "Producing") in text
    # Every mine's star on the page is marked by its precision.
    mines = goldmap.load("key_mines")
    town = int((mines["location_precision"] == "town").sum())
    assert frame.locator(".goldmap-mark-half").count() == town
    assert frame.locator(".goldmap-mark-filled").count() == int(
        mines["location_precision"].isin(["deposit", "mine_site"]).sum()
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"legend_{lang}_1440.png"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_company_view_shows_its_mines_only(app_url, new_page, lang):
    company = "紫金矿业集团股份有限公司"
    kept = filter_layer(goldmap.load("key_mines"), company=company)
    placed = int(kept.geometry.notna().sum())
    page = new_page(1440, 900)
    app = AppPage(page)
    app.open(f"{app_url}/?lang={lang}&layers=key_mines&company={quote(company)}&color=owner")
    _wait_for_markers(page, exactly=placed)
    frame = page.frame_locator(MAP)
    assert frame.locator(".goldmap-legend").count() == 1
    heading = "其重点矿山" if lang == "zh" else "its key mines"
    page.get_by_text(heading).first.wait_for(timeout=WAIT_MS)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"company_{lang}_1440.png"), full_page=True)
