"""Hold what goldmap notes about a user's file, in Chinese and English.

Two kinds of note: a reader's, once per file (a column renamed, a header combined, sheets or
placemarks left out; :class:`goldmap.io._notes.ReadNote`, keyed by its ``kind`` and filled
from its ``fields``), and ``locate``'s ``location_note``, once per feature. The library's
notes are the English words; the app shows either language. Part of the one words table of
:mod:`goldmap.text` (``note_<kind>``, and the app's headings of the notes).
"""

from __future__ import annotations

__all__ = ["INPUT_NOTES", "KML_READ", "LOCATION_NOTES", "LOCATION_WORDS", "NOTES"]

#: The geometry kinds the KML reader reads (its notes' ``readable`` field).
KML_READ = "Point, LineString, LinearRing, Polygon, MultiGeometry, gx:Track, gx:MultiTrack"

#: ``note_<kind>``: (Chinese, English), a ``str.format`` template over a note's fields; and
#: the app's words around the notes.
NOTES: dict[str, tuple[str, str]] = {
    "note_own_geometry": (
        "文件 {name!r} 自带一列 {own!r}，已改名为 {column!r} 保留；{own!r} 列现为按经纬度列"
        "生成的点。",
        "{name!r} has its own {own!r} column; it is kept as {column!r}, and {own!r} holds the "
        "points built from the longitude/latitude columns.",
    ),
    "note_merged_header": (
        "文件 {name!r} 的表头为两行（含合并单元格）；每列的名称由这两行合成（{columns}）。",
        "{name!r}: the header is two rows with merged cells; each column is named by both "
        "({columns}).",
    ),
    "note_other_sheets": (
        "文件 {name!r} 有 {count} 个工作表；只读取了 {chosen!r}，未读取 {others}。如需使用"
        "其他工作表，请将其另存为单独的工作簿（或 CSV）。",
        "{name!r} has {count} sheets; goldmap read {chosen!r} and not {others}. To use "
        "another, save it as a workbook of its own (or as CSV).",
    ),
    "note_kml_placemarks": (
        "文件 {name!r} 中有 {count} 个地标没有可读取的几何图形，已略去（{shown}）。可读取的"
        "类型：{readable}；如需保留，请将其导出为其中一种。",
        "{name!r}: left out {count} placemark(s) without a geometry goldmap reads ({shown}). "
        "goldmap reads {readable}; export the rest as one of those to keep it.",
    ),
    "note_kml_parts": (
        "文件 {name!r} 中有 {count} 个 {kinds} 类型的部分未读取，已略去。可读取的类型："
        "{readable}；如需保留，请将其导出为其中一种。",
        "{name!r}: left out {count} part(s) of kind {kinds}. goldmap reads {readable}; "
        "export the rest as one of those to keep it.",
    ),
    # The app's words around the notes.
    "read_notes": ("读取文件时的说明：", "Notes on reading the file:"),
    "row_notes": (
        "部分要素的定位说明（见表格的“定位说明”列；下载的文件包含所有行）：",
        "Notes on some features (the table's Note column; the download has every row):",
    ),
    "row_note": ("{count} 个要素：{note}", "{count} feature(s): {note}"),
}

#: ``locate``'s ``location_note`` by its code (0: none): (Chinese, English). The column
#: holds the English words.
LOCATION_NOTES: dict[int, tuple[str, str]] = {
    0: ("", ""),
    1: (
        "不在任何县级行政区内（位于海上或中国边界以外）",
        "not in any county-level unit (at sea or outside China's boundary)",
    ),
    2: ("位于中国境外：无省份或县", "outside China: no province or county"),
    3: ("几何图形为空", "empty geometry"),
    4: (
        "坐标超出范围（经度超过 ±180 或纬度超过 ±90）：未定位",
        "coordinates out of range (longitude beyond ±180 or latitude beyond ±90): not located",
    ),
    5: (
        "坐标不是有限数值（NaN 或无穷大）：未定位",
        "a coordinate is not a finite number (NaN or infinity): not located",
    ),
    6: (
        "此行的经度和纬度可能写反了：对调后位于中国境内；未定位",
        "longitude and latitude may be swapped in this row: swapped, it lies in China; not located",
    ),
}

#: The codes of :data:`LOCATION_NOTES` that say a feature's input is wrong (rather than
#: where it lies): the app lists how many features each concerns.
INPUT_NOTES = (3, 4, 5, 6)

#: :data:`LOCATION_NOTES` by their English words, as a table of values (``value_label``).
LOCATION_WORDS: dict[str, tuple[str, str]] = {
    en: (zh, en) for zh, en in LOCATION_NOTES.values() if en
}
