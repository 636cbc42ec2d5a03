"""Read user tables (CSV, TSV, XLSX) in the encodings Chinese statistics come in."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import IO

import pandas as pd

from goldmap.errors import InputFileError
from goldmap.io._excel import read_excel
from goldmap.io._guard import MAX_UPLOAD_BYTES, MAX_UPLOAD_MB, check_path_text

__all__ = ["ENCODINGS", "TABLE_FORMATS", "TableSource", "read_capped_bytes", "read_table"]

#: Tried in this order; GB18030 is a superset of GBK and GB2312.
ENCODINGS = ("utf-8-sig", "gb18030", "utf-16")

#: Table file endings goldmap reads, and what they are.
TABLE_FORMATS: dict[str, str] = {
    ".csv": "CSV (UTF-8, UTF-8 with BOM, GBK/GB18030 or UTF-16)",
    ".txt": "CSV or tab-separated text",
    ".tsv": "tab-separated text",
    ".xlsx": "Excel workbook",
}

#: The separators a CSV may use; a first line with none of them is one column.
DELIMITERS = ",;\t| "

TableSource = str | Path | bytes | IO[bytes] | pd.DataFrame


def display_name(source: object, filename: str | None, default: str) -> str:
    """Return the name to show the user for ``source``: theirs, never a temporary path."""
    if filename:
        return Path(filename).name or filename
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    return default


def read_capped_bytes(source: str | Path | bytes | IO[bytes], *, name: str) -> bytes:
    """Return the bytes of a path, bytes or file object, refusing more than the size cap.

    Raises
    ------
    InputFileError
        When the path is a URL or virtual path, is missing, or the content is too large.
    """
    too_big = (
        f"{name!r} is larger than goldmap's {MAX_UPLOAD_MB} MB ({MAX_UPLOAD_BYTES:,} bytes) "
        "limit. Split the file, or keep only the rows and columns you need."
    )
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, str | Path):
        check_path_text(str(source))
        path = Path(source)
        if not path.is_file():
            raise InputFileError(
                f"No such file: {name!r}. Check the path.", kind="no_such_file", name=name
            )
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise InputFileError(
                too_big, kind="too_large", name=name, limit_mb=MAX_UPLOAD_BYTES // 2**20
            )
        data = path.read_bytes()
    else:
        data = source.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputFileError(
            too_big, kind="too_large", name=name, limit_mb=MAX_UPLOAD_BYTES // 2**20
        )
    return data


def _decode(data: bytes, name: str) -> str:
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            continue
        return text
    raise InputFileError(
        f"Could not decode {name!r} as UTF-8, GB18030/GBK or UTF-16 text. Save it as a "
        "UTF-8 CSV (in Excel: Save As → CSV UTF-8).",
        kind="not_decodable",
        name=name,
    )


def _sniff_delimiter(text: str) -> str:
    """Guess the separator from the first line, as pandas' ``sep=None`` does.

    pandas sniffs only with its Python parser, about ten times slower than its C parser on a
    10⁵-row upload; sniffing here lets the C parser read the rest. Only the usual
    separators are candidates: the sniffer would otherwise split a one-column table on a letter.
    """
    first_line = io.StringIO(text).readline()
    try:
        return csv.Sniffer().sniff(first_line, delimiters=DELIMITERS).delimiter
    except csv.Error:  # no separator on the first line: a table of one column
        return ","


def read_table(
    source: TableSource,
    *,
    filename: str | None = None,
    sheet: str | int = 0,
    as_text: bool = False,
) -> pd.DataFrame:
    r"""Read a table from a path, bytes, a binary file object or a DataFrame.

    CSV and TSV are decoded as UTF-8 (with or without BOM), GB18030/GBK or UTF-16, and the
    separator is sniffed. XLSX is read with openpyxl after its archive is checked.

    Parameters
    ----------
    source : str, Path, bytes, binary file or DataFrame
        The table. A DataFrame is returned as a copy.
    filename : str, optional
        The name to take the format from when ``source`` is bytes or a file object
        (e.g. an upload's name); messages call the file by it.
    sheet : str or int, default 0
        The worksheet of an Excel file.
    as_text : bool, default False
        Keep a CSV's cells as the text typed, only empty cells missing (pandas would read
        ``inf`` and ``1e400`` as infinity and ``NaN`` as missing): how :func:`join_stats`
        reads a table, so that such a cell is reported, not joined as a number.

    Returns
    -------
    pandas.DataFrame
        Every column as read; nothing dropped. For a workbook, a header of two rows with
        merged cells gives each column both names (``坐标 经度``); ``attrs["read_notes"]``
        says so, and names the other sheets when there are several.

    Raises
    ------
    InputFileError
        When the file is missing, too large, of an unknown type, or cannot be decoded, or a
        workbook's header spans more than two rows.

    Examples
    --------
    >>> read_table("province,value\n山东,1\n".encode(), filename="t.csv").shape
    (1, 2)
    """
    if isinstance(source, pd.DataFrame):
        return source.copy()
    name = display_name(source, filename, "table.csv")
    suffix = Path(name).suffix.lower()
    if suffix not in TABLE_FORMATS:
        raise InputFileError(
            f"Unsupported table type {suffix or '(no ending)'} ({name!r}); use "
            f"{', '.join(TABLE_FORMATS)} (a statistics table with one column naming the "
            "province).",
            kind="unsupported_table",
            name=name,
            allowed=", ".join(TABLE_FORMATS),
        )
    data = read_capped_bytes(source, name=name)
    if not data.strip():
        raise InputFileError(f"{name!r} is empty.", kind="empty_file", name=name)
    try:
        if suffix == ".xlsx":
            return read_excel(data, name, sheet)
        text = _decode(data, name)
        if text.lstrip().startswith("<"):
            # Markup (XML, HTML, a GDAL VRT) would read as one column of tags.
            raise InputFileError(
                f"{name!r} holds markup (it starts with '<'), not a table. Save the table as "
                "CSV (comma-separated values) or XLSX."
            )
        sep = "\t" if suffix == ".tsv" else _sniff_delimiter(text)
        if as_text:
            return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
        return pd.read_csv(io.StringIO(text), sep=sep)
    except InputFileError:
        raise
    except Exception as err:  # parsers raise many types; the user needs one message
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise InputFileError(
            f"Could not read {name!r} as a table: {reason}.", kind="unreadable_table", name=name
        ) from err
