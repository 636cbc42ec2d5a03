"""Read one sheet of an Excel workbook: its archive checked, a merged two-row header combined.

Private plumbing of :mod:`goldmap.io._tables`. Statistics sheets often carry a two-row
header: ``坐标`` merged over two columns in the first row, ``经度`` and ``纬度`` under it.
Read as a one-row header, the sub-header becomes a data row and the second column is called
``Unnamed: 2``. goldmap finds the merged cells and names each column by both rows
(``坐标 经度``); a header of more than two rows is refused with the fix. When the workbook
has several sheets, the note says which one was read and names the others.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

import pandas as pd

from goldmap.errors import InputFileError
from goldmap.io._guard import open_zip
from goldmap.io._notes import ReadNote, add_read_notes

__all__ = ["read_excel"]


def _header_merges(data: bytes, sheet: str | int) -> list[Any]:
    """Return the merged cell ranges of the sheet that touch its first row."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    worksheet = book.worksheets[sheet] if isinstance(sheet, int) else book[sheet]
    return [r for r in worksheet.merged_cells.ranges if r.min_row == 1]


def _text(value: object) -> str:
    return "" if pd.isna(value) else str(value).strip()  # type: ignore[call-overload]


def _combined_header(data: bytes, name: str, sheet: str | int) -> pd.DataFrame | None:
    """Read the sheet with its two header rows combined, or None when row 1 merges nothing."""
    merges = _header_merges(data, sheet)
    if not merges:
        return None
    deep = [r.coord for r in merges if r.max_row > 2]
    if deep:
        raise InputFileError(
            f"{name!r} has a header of more than two rows (merged cells {', '.join(deep[:3])}); "
            "goldmap reads a header of one row, or of two when the first is merged over the "
            "second. Unmerge the header cells and write one name per column in the first row."
        )
    raw = pd.read_excel(io.BytesIO(data), sheet_name=sheet, header=None, engine="openpyxl")
    top = [_text(v) for v in raw.iloc[0]]
    for merge in merges:  # a merged cell's text belongs to every column it spans
        for column in range(merge.min_col, min(merge.max_col, len(top)) + 1):
            top[column - 1] = top[merge.min_col - 1]
    bottom = [_text(v) for v in raw.iloc[1]] if len(raw) > 1 else [""] * len(top)
    names = []
    for number, (upper, lower) in enumerate(zip(top, bottom, strict=True), start=1):
        parts = list(dict.fromkeys(p for p in (upper, lower) if p))
        names.append(" ".join(parts) or f"column {number}")
    body = raw.iloc[2:].reset_index(drop=True).infer_objects()
    body.columns = pd.Index(names)
    return body


def read_excel(data: bytes, name: str, sheet: str | int) -> pd.DataFrame:
    """Read ``sheet`` of the workbook ``data``, its header combined when two rows are merged.

    Parameters
    ----------
    data : bytes
        The workbook (.xlsx).
    name : str
        The file's name as its user gave it (for messages).
    sheet : str or int
        The sheet's name or position.

    Returns
    -------
    pandas.DataFrame
        The sheet; ``attrs["read_notes"]`` says, in English, when the header was combined
        from two rows and which other sheets the workbook has (each also logged).

    Raises
    ------
    InputFileError
        When the file is not a workbook, or its header spans more than two rows.
    """
    archive = open_zip(data, name, kind="Excel workbook")
    members = set(archive.namelist())
    if "[Content_Types].xml" not in members or not any(m.startswith("xl/") for m in members):
        raise InputFileError(
            f"{name!r} is not an Excel workbook (.xlsx). Save it from Excel as .xlsx or CSV.",
            kind="not_xlsx",
            name=name,
        )
    notes = []
    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions it ignores; the values are read.
        warnings.simplefilter("ignore", UserWarning)
        with pd.ExcelFile(io.BytesIO(data), engine="openpyxl") as book:
            sheets = [str(s) for s in book.sheet_names]
            table = pd.read_excel(book, sheet_name=sheet)
        if any(str(c).startswith("Unnamed: ") for c in table.columns):
            combined = _combined_header(data, name, sheet)
            if combined is not None:
                table = combined
                columns = ", ".join(repr(str(c)) for c in table.columns[:6])
                notes.append(ReadNote("merged_header", name=name, columns=columns))
    if len(sheets) > 1:
        chosen = sheet if isinstance(sheet, str) else sheets[sheet]
        others = ", ".join(repr(s) for s in sheets if s != chosen)
        notes.append(
            ReadNote("other_sheets", name=name, count=len(sheets), chosen=chosen, others=others)
        )
    add_read_notes(table, notes)
    return table
