"""What the readers noted about an upload is shown under its summary line, in both languages.

A workbook's merged header and its other sheets, a CSV's own ``geometry`` column, a KML's
placemarks and parts left out, rows whose longitude and latitude look swapped: the app says
each in the page's language, with the file's own text escaped, and says nothing when there is
nothing to say.
"""

from __future__ import annotations

import re

import pytest

from tests.hostile import xlsx_plain
from tests.note_files import OWN_GEOMETRY, TRACK_AND_MODEL, merged_workbook
from tests.prerequisites import require_module

require_module("streamlit.testing.v1")

from tests.test_app import _app, _assert_no_markup, _uploader  # noqa: E402

#: A sheet's name that would be markup if it reached the page unescaped.
MARKUP_SHEET = "<img src=x onerror=y>"


def _upload(lang: str, name: str, content: bytes):
    at = _app(lang=lang)
    _uploader(at, "features_upload").set_value((name, content, "application/octet-stream"))
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    return at


def _shown_one(warning) -> str:
    """A warning as a reader sees it (Markdown escapes removed)."""
    return str(warning.value).replace("\\", "")


def _shown(at) -> str:
    """Every warning on the page as a reader sees it."""
    return "\n".join(_shown_one(w) for w in at.warning)


#: (language, what the notes about merged_workbook() must say)
WORKBOOK_WORDS = {
    "en": [
        "Notes on reading the file:",
        "'notes.xlsx': the header is two rows with merged cells",
        "'名称', '坐标 经度', '坐标 纬度'",
        "'notes.xlsx' has 2 sheets; goldmap read '矿点' and not '说明'",
    ],
    "zh": [
        "读取文件时的说明：",
        "文件 'notes.xlsx' 的表头为两行（含合并单元格）",
        "'名称', '坐标 经度', '坐标 纬度'",
        "文件 'notes.xlsx' 有 2 个工作表；只读取了 '矿点'，未读取 '说明'",
    ],
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_workbooks_merged_header_and_other_sheet_are_said(lang):
    at = _upload(lang, "notes.xlsx", merged_workbook())
    assert len(at.warning) == 1  # the reader's notes; no feature's input looks wrong
    shown = _shown(at)
    for words in WORKBOOK_WORDS[lang]:
        assert words in shown, (words, shown)
    # One line per note, under the summary line of the upload.
    assert shown.count("\n- ") == 2
    summary = "1 located" if lang == "en" else "已定位 1 个要素"
    assert at.info[0].value.startswith(summary)
    if lang == "zh":  # no English sentence left in the Chinese notes
        assert not re.search(r"\b[a-z]{4,}\b", shown.replace("notes.xlsx", "")), shown


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_csvs_own_geometry_and_a_swapped_row_are_said(lang):
    at = _upload(lang, "own.csv", OWN_GEOMETRY)
    reading, rows = (_shown_one(w) for w in at.warning)
    if lang == "en":
        assert "'own.csv' has its own 'geometry' column; it is kept as 'geometry_input'" in reading
        assert "1 feature(s): longitude and latitude may be swapped in this row" in rows
    else:
        assert "文件 'own.csv' 自带一列 'geometry'，已改名为 'geometry_input' 保留" in reading
        assert "1 个要素：此行的经度和纬度可能写反了" in rows
        # The table's note column speaks Chinese too.
        table = next(df.value for df in at.dataframe if "定位说明" in df.value.columns)
        assert table["定位说明"].tolist() == [
            "",
            "此行的经度和纬度可能写反了：对调后位于中国境内；未定位",
        ]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_kml_track_is_read_and_what_was_left_out_is_said(lang):
    at = _upload(lang, "walk.kml", TRACK_AND_MODEL)
    assert len(at.warning) == 1  # the reader's notes; no feature's input looks wrong
    shown = _shown(at)
    if lang == "en":
        assert "'walk.kml': left out 1 placemark(s) without a geometry" in shown
        assert "('headframe')" in shown and "left out 1 part(s) of kind Model" in shown
    else:
        assert "文件 'walk.kml' 中有 1 个地标没有可读取的几何图形，已略去（'headframe'）" in shown
        assert "有 1 个 Model 类型的部分未读取" in shown
    assert "gx:Track" in shown  # what goldmap reads, so that the user can export to it
    summary = "1 located: 1 in China" if lang == "en" else "已定位 1 个要素：中国境内 1 个"
    assert at.info[0].value.startswith(summary)


def test_the_files_own_text_in_a_note_stays_text():
    at = _upload("en", "book.xlsx", merged_workbook(second_sheet=MARKUP_SHEET))
    assert MARKUP_SHEET in _shown(at)  # said, as it is written
    _assert_no_markup(at)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_file_read_as_it_is_gets_no_notes(lang):
    data = xlsx_plain({"矿点": [["name", "lon", "lat"], ["A", 120.3, 37.2]]})
    at = _upload(lang, "plain.xlsx", data)
    assert at.info and not at.warning


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_statistics_workbooks_other_sheet_is_said_under_its_join(lang):
    data = xlsx_plain({"产量": [["省份", "t"], ["山东", 1]], "来源": [["url"], ["x"]]})
    at = _app(lang=lang)
    _uploader(at, "stats_upload").set_value(("stats.xlsx", data, "application/octet-stream"))
    at.run()
    assert not at.exception and not at.error
    said = {
        "en": "'stats.xlsx' has 2 sheets; goldmap read '产量' and not '来源'",
        "zh": "文件 'stats.xlsx' 有 2 个工作表；只读取了 '产量'，未读取 '来源'",
    }[lang]
    assert said in _shown(at)
