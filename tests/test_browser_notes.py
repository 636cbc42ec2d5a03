"""In the real browser: what the readers noted about an upload, under its summary line.

Real small files built here (a workbook with a merged two-row header and a second sheet whose
name is markup, a CSV with its own ``geometry`` column and a swapped row, a KML with a
``gx:Track`` and a placemark of a kind goldmap does not read) are uploaded one after another
through the features uploader, in English and in Chinese; each upload's notes appear in the
page's language, the file's own text as text (screenshots kept in tests/artifacts).
"""

import re

import pytest

from tests import test_browser
from tests.note_files import OWN_GEOMETRY, TRACK_AND_MODEL, merged_workbook
from tests.streamlit_page import WAIT_MS, AppPage
from tests.test_browser import ARTIFACTS, _wait_for_markers

# The real-browser module's fixtures (a server and a browser for this module too).
browser = test_browser.browser
new_page = test_browser.new_page
app_url = test_browser.app_url

pytestmark = pytest.mark.browser

#: A sheet's name that would be an element if it reached the page as HTML.
MARKUP_SHEET = "<img src=x class=evil>"

#: The "Your data" tab and the features uploader's label, as a reader finds them.
PAGE = {
    "en": ("Your data", r"^Upload your features"),
    "zh": ("我的数据", r"^上传您的点/面"),
}

#: (file name, content, what the page must say after the upload) per language.
UPLOADS = {
    "en": [
        (
            "book.xlsx",
            merged_workbook(second_sheet=MARKUP_SHEET),
            [
                "1 located: 1 in China",
                "Notes on reading the file:",
                "'book.xlsx': the header is two rows with merged cells",
                f"'book.xlsx' has 2 sheets; goldmap read '矿点' and not '{MARKUP_SHEET}'",
            ],
        ),
        (
            "own.csv",
            OWN_GEOMETRY,
            [
                "2 located: 1 in China, 0 outside China",
                "'own.csv' has its own 'geometry' column; it is kept as 'geometry_input'",
                "1 feature(s): longitude and latitude may be swapped in this row",
            ],
        ),
        (
            "walk.kml",
            TRACK_AND_MODEL,
            [
                "1 located: 1 in China",
                "'walk.kml': left out 1 placemark(s) without a geometry goldmap reads "
                "('headframe')",
                "'walk.kml': left out 1 part(s) of kind Model",
            ],
        ),
    ],
    "zh": [
        (
            "工作簿.xlsx",
            merged_workbook(second_sheet=MARKUP_SHEET),
            [
                "已定位 1 个要素：中国境内 1 个",
                "读取文件时的说明：",
                "文件 '工作簿.xlsx' 的表头为两行（含合并单元格）",
                f"文件 '工作簿.xlsx' 有 2 个工作表；只读取了 '矿点'，未读取 '{MARKUP_SHEET}'",
            ],
        ),
        (
            "自带几何.csv",
            OWN_GEOMETRY,
            [
                "已定位 2 个要素：中国境内 1 个，境外 0 个",
                "文件 '自带几何.csv' 自带一列 'geometry'，已改名为 'geometry_input' 保留",
                "1 个要素：此行的经度和纬度可能写反了",
            ],
        ),
        (
            "轨迹.kml",
            TRACK_AND_MODEL,
            [
                "已定位 1 个要素：中国境内 1 个",
                "文件 '轨迹.kml' 中有 1 个地标没有可读取的几何图形，已略去（'headframe'）",
                "文件 '轨迹.kml' 中有 1 个 Model 类型的部分未读取",
            ],
        ),
    ],
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_uploads_notes_are_shown_in_the_pages_language(app_url, new_page, tmp_path, lang):
    tab, label = PAGE[lang]
    page = new_page(1440, 1000)
    app = AppPage(page)
    app.open(f"{app_url}/?lang={lang}")
    _wait_for_markers(page)
    page.get_by_role("tab", name=tab).click()
    uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text=re.compile(label))
    files = uploader.locator('input[type="file"]')
    warnings = page.locator('[data-testid="stAlertContentWarning"]')
    for name, content, words in UPLOADS[lang]:
        path = tmp_path / name
        path.write_bytes(content)
        with app.run(f"uploading {name}"):
            files.set_input_files(str(path))
        page.get_by_text(words[0]).first.wait_for(timeout=WAIT_MS)  # the summary line
        warnings.filter(has_text=name).first.wait_for(timeout=WAIT_MS)
        shown = "\n".join(warnings.all_inner_texts())
        for said in words[1:]:
            assert said in shown, (said, shown)
        assert page.locator('[data-testid="stAlertContentError"]').count() == 0
        assert page.locator('[data-testid="stException"]').count() == 0
        ARTIFACTS.mkdir(exist_ok=True)
        column = page.locator('[data-testid="stColumn"]').filter(has=uploader).last
        column.screenshot(path=str(ARTIFACTS / f"notes_{lang}_{path.suffix[1:]}.png"))
    # The sheet's name was said as text: no element was made of it.
    assert page.locator("img.evil").count() == 0
