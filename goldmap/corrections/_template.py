"""The corrections template: every key mine's id, point and precision, to edit."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from goldmap.catalog import load
from goldmap.corrections._table import REFERENCE_COLUMNS
from goldmap.errors import CorrectionError

_TEMPLATE_ENDINGS = (".csv", ".xlsx")


def template() -> pd.DataFrame:
    """Return the corrections template: every key mine's id, point and precision.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``name_zh``, ``name_en``, ``province_zh``, ``lon``, ``lat``,
        ``location_precision`` filled from the layer, and ``source_url``,
        ``source_quote``, ``note`` empty, for you to fill where you move a mine.

    Examples
    --------
    >>> len(template())
    35
    """
    mines = load("key_mines")
    table = pd.DataFrame(
        {
            "id": mines["id"].astype(str),
            **{c: mines[c] for c in REFERENCE_COLUMNS},
            "lon": mines.geometry.x,
            "lat": mines.geometry.y,
            "location_precision": mines["location_precision"],
            "source_url": "",
            "source_quote": "",
            "note": "",
        }
    )
    return table.reset_index(drop=True)


def write_template(path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write the corrections template (CSV or XLSX) to edit and load back.

    Change ``lon``, ``lat`` and ``location_precision`` of the mines you know better, fill in
    ``source_url`` and ``source_quote`` for those rows (and ``note`` if you like), then pass
    the file to ``goldmap.load("key_mines", corrections=...)`` or ``--corrections``. Rows
    you do not change are ignored, so you may leave them in or delete them.

    Parameters
    ----------
    path : str or path-like
        ``.csv`` (UTF-8 with a byte-order mark, so that Excel shows the Chinese names) or
        ``.xlsx``.
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    CorrectionError
        When the ending is not ``.csv`` or ``.xlsx``.
    ExportError
        When the folder is missing or not writable.
    OutputExistsError
        When the file exists and ``overwrite`` is False.

    Examples
    --------
    >>> write_template("my_corrections.csv")  # doctest: +SKIP
    PosixPath('my_corrections.csv')
    """
    from goldmap.io._table_writer import write_table

    suffix = Path(os.fspath(path)).suffix.lower()
    if suffix not in _TEMPLATE_ENDINGS:
        raise CorrectionError(
            f"Cannot write a corrections template as {suffix or '(no ending)'} "
            f"({os.fspath(path)!r}); use a path ending in {' or '.join(_TEMPLATE_ENDINGS)}, "
            "e.g. my_corrections.csv."
        )
    return write_table(template(), path, sheet_name="corrections", overwrite=overwrite)
