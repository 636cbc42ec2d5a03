"""Write a plain table (no geometry) as CSV, XLSX or JSON, staged and moved into place.

The companies table, the corrections template and the plan's progress table share this one
writer, so that each format reads the same whichever table it holds: CSV in UTF-8 with a
byte-order mark (Excel then shows Chinese names) and a warning past Excel's cell limit, lists
as JSON text in CSV and XLSX cells, JSON as one object per row with lists kept as lists.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from goldmap._values import to_json_text, to_native
from goldmap.io._csv import warn_past_excel
from goldmap.io._files import staged_output

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TABLE_WRITERS", "write_table"]

#: The endings :func:`write_table` writes.
TABLE_WRITERS = (".csv", ".xlsx", ".json")


def write_table(
    table: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    sheet_name: str,
    overwrite: bool = False,
) -> Path:
    """Write ``table`` in the format its path's ending names; the previous file survives a failure.

    Parameters
    ----------
    table : pandas.DataFrame
        The rows to write; list and dict cells are allowed.
    path : str or path-like
        Ends in one of :data:`TABLE_WRITERS`; the caller has checked the ending against what
        it offers and said what to do otherwise.
    sheet_name : str
        The sheet's name in an XLSX file.
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        When the ending is not one of :data:`TABLE_WRITERS` (a caller's mistake).
    ExportError
        When the folder is missing or not writable.
    OutputExistsError
        When the file exists and ``overwrite`` is False.
    """
    target = Path(os.fspath(path))
    suffix = target.suffix.lower()
    if suffix not in TABLE_WRITERS:
        raise ValueError(f"write_table writes {', '.join(TABLE_WRITERS)}, not {suffix!r}")
    with staged_output(target, overwrite=overwrite) as stage:
        if suffix == ".json":
            records = [
                {str(k): to_native(v) for k, v in row.items()} for row in table.to_dict("records")
            ]
            text = json.dumps(records, ensure_ascii=False, indent=1) + "\n"
            stage.write_text(text, encoding="utf-8")
        else:
            flat = table.copy()
            for column in flat.columns:
                flat[column] = flat[column].map(to_json_text)
            if suffix == ".csv":
                warn_past_excel(flat, target.name)
                flat.to_csv(stage, index=False, encoding="utf-8-sig")
            else:
                flat.to_excel(stage, index=False, sheet_name=sheet_name)
    return target
