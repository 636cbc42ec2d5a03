"""Read user tables (CSV, TSV, XLSX) in the encodings Chinese statistics come in."""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

import pandas as pd

from goldmap.errors import InputFileError

__all__ = ["ENCODINGS", "MAX_UPLOAD_BYTES", "read_table"]

#: Largest file goldmap reads from a user, in bytes.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024

#: Tried in this order; GB18030 is a superset of GBK and GB2312.
ENCODINGS = ("utf-8-sig", "gb18030", "utf-16")

_EXCEL = {".xlsx", ".xlsm", ".xls"}
_TEXT = {".csv", ".txt", ".tsv"}

TableSource = str | Path | bytes | IO[bytes] | pd.DataFrame


def read_capped_bytes(source: str | Path | bytes | IO[bytes]) -> bytes:
    """Return the bytes of a path, bytes or file object, refusing more than the size cap."""
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise InputFileError(f"No such file: {str(path)!r}. Check the path.")
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise InputFileError(
                f"{path.name!r} is {path.stat().st_size:,} bytes; the limit is "
                f"{MAX_UPLOAD_BYTES:,}. Split the file or keep only the columns you need."
            )
        data = path.read_bytes()
    else:
        data = source.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputFileError(f"The file is larger than the {MAX_UPLOAD_BYTES:,}-byte limit.")
    return data


def _decode(data: bytes, name: str) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputFileError(
        f"Could not decode {name!r} as UTF-8, GB18030/GBK or UTF-16. Save it as UTF-8 CSV."
    )


def read_table(
    source: TableSource, *, filename: str | None = None, sheet: str | int = 0
) -> pd.DataFrame:
    r"""Read a table from a path, bytes, a binary file object or a DataFrame.

    CSV and TSV are decoded as UTF-8 (with or without BOM), GB18030/GBK or UTF-16, and the
    separator is sniffed. XLSX is read with openpyxl.

    Parameters
    ----------
    source : str, Path, bytes, binary file or DataFrame
        The table. A DataFrame is returned as a copy.
    filename : str, optional
        The name to take the format from when ``source`` is bytes or a file object
        (e.g. an upload's name).
    sheet : str or int, default 0
        The worksheet of an Excel file.

    Returns
    -------
    pandas.DataFrame
        Every column as read; nothing dropped.

    Raises
    ------
    InputFileError
        When the file is missing, too large, of an unknown type, or cannot be decoded.

    Examples
    --------
    >>> read_table(b"province,value\n山东,1\n", filename="t.csv").shape
    (1, 2)
    """
    if isinstance(source, pd.DataFrame):
        return source.copy()
    name = filename or (str(source) if isinstance(source, str | Path) else "table.csv")
    suffix = Path(name).suffix.lower()
    if suffix not in _EXCEL | _TEXT:
        raise InputFileError(
            f"Unsupported table type {suffix or name!r}; use CSV, TSV or XLSX "
            "(a statistics table with one column naming the province)."
        )
    data = read_capped_bytes(source)
    try:
        if suffix in _EXCEL:
            return pd.read_excel(io.BytesIO(data), sheet_name=sheet)
        text = _decode(data, name)
        sep = "\t" if suffix == ".tsv" else None
        return pd.read_csv(io.StringIO(text), sep=sep, engine="python")
    except InputFileError:
        raise
    except Exception as err:  # parsers raise many types; the user needs one message
        raise InputFileError(f"Could not read {name!r} as a table: {err}") from err
