"""Read a corrections file into one table of text cells, indexed by where each row is."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import pandas as pd

from goldmap.errors import CorrectionError
from goldmap.schema import schema

CorrectionsSource = str | os.PathLike[str] | bytes | IO[bytes] | pd.DataFrame

#: The columns of a corrections file, in order; ``note`` may be left out.
COLUMNS: tuple[str, ...] = (
    "id",
    "lon",
    "lat",
    "location_precision",
    "source_url",
    "source_quote",
    "note",
)
_REQUIRED = COLUMNS[:-1]

#: Columns the template adds so that a person can tell the rows apart; ignored when read.
REFERENCE_COLUMNS: tuple[str, ...] = ("name_zh", "name_en", "province_zh")

_TABLE_ENDINGS = (".csv", ".tsv", ".txt", ".xlsx")
_FEATURE_ENDINGS = (".geojson", ".json")
HOW_TO_START = "`goldmap corrections template -o my.csv` writes one to start from"


def allowed_precisions() -> tuple[str, ...]:
    """Return the values ``location_precision`` may take, from the published schema.

    Returns
    -------
    tuple of str
        ``deposit``, ``mine_site``, ``town``, ``county``, ``province``.

    Examples
    --------
    >>> allowed_precisions()[0]
    'deposit'
    """
    return tuple(schema("key_mines")["$defs"]["precision"]["enum"])


def cell(value: Any) -> str | None:
    """Return a cell as stripped text, or None when it is empty."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip()
    return text or None


def standardize(frame: pd.DataFrame, name: str, labels: Sequence[str]) -> pd.DataFrame:
    """Check the columns and return the corrections columns as text, indexed by row label."""
    renamed = {c: str(c).strip().lower() for c in frame.columns}
    frame = frame.rename(columns=renamed)
    unnamed_empty = [
        c for c in frame.columns if str(c).startswith("unnamed:") and frame[c].isna().all()
    ]
    frame = frame.drop(columns=unnamed_empty)
    known = set(COLUMNS) | set(REFERENCE_COLUMNS)
    unknown = [str(c) for c in frame.columns if c not in known]
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"lacks the column(s) {', '.join(map(repr, missing))}")
        if unknown:
            parts.append(f"has column(s) goldmap does not apply: {', '.join(map(repr, unknown))}")
        raise CorrectionError(
            f"The corrections file {name!r} {' and '.join(parts)}. A corrections file has the "
            f"columns {', '.join(COLUMNS)} (note is optional; {', '.join(REFERENCE_COLUMNS)} "
            f"are read and ignored); {HOW_TO_START}.",
            kind="corrections_columns",
            name=name,
            problem=" and ".join(parts),
        )
    if frame.columns.duplicated().any():
        twice = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
        raise CorrectionError(
            f"The corrections file {name!r} has the column(s) {twice} more than once. Keep one "
            "of each.",
            kind="corrections_twice",
            name=name,
            columns=twice,
        )
    table = pd.DataFrame(
        {c: [cell(v) for v in frame[c]] if c in frame.columns else None for c in COLUMNS},
        index=pd.Index(list(labels), name="row"),
        dtype=object,
    )
    table.attrs["source_name"] = name
    return table


def read_corrections(
    source: str | os.PathLike[str] | bytes | IO[bytes], *, filename: str | None = None
) -> pd.DataFrame:
    r"""Read a corrections file into a table, one row per correction.

    Parameters
    ----------
    source : str, path-like, bytes or binary file
        A CSV, TSV or XLSX table with the columns :data:`COLUMNS`, or a GeoJSON of points
        whose properties hold them (the point gives ``lon`` and ``lat``).
    filename : str, optional
        The file's name when ``source`` is bytes or a file object (e.g. an upload): its
        ending chooses the format, and messages call the file by it.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`COLUMNS` as text (None for an empty cell), indexed by where
        each row is in the file: ``"row 2"`` is the first row under a table's header (the
        row number a spreadsheet shows), ``"feature 1"`` the first feature of a GeoJSON.
        Rows are not checked against the key mines here; :func:`apply_corrections` does.

    Raises
    ------
    CorrectionError
        When a column is missing or not a corrections column, or a GeoJSON feature is not a
        point.
    InputFileError
        When the file cannot be read (missing, too large, an unsupported type, damaged).

    Examples
    --------
    >>> text = (
    ...     b"id,lon,lat,location_precision,source_url,source_quote\n"
    ...     b"sd-jiaojia,119.9,37.4,deposit,https://example.org/p,the quote\n"
    ... )
    >>> read_corrections(text, filename="my.csv").index[0]
    'row 2'
    """
    from goldmap.io import read_features, read_table
    from goldmap.io._tables import display_name

    name = display_name(source, filename, "corrections")
    suffix = Path(name).suffix.lower()
    if isinstance(source, str | os.PathLike):
        source = os.fspath(source)
    if suffix in _TABLE_ENDINGS:
        table = read_table(source, filename=filename)
        labels = [f"row {i + 2}" for i in range(len(table))]
        return standardize(table, name, labels)
    if suffix in _FEATURE_ENDINGS:
        features = read_features(source, filename=filename)
        labels = [f"feature {i + 1}" for i in range(len(features))]
        geometry = features.geometry
        not_points = [
            f"{label} is a {kind}" if kind else f"{label} has no geometry"
            for label, kind in zip(labels, geometry.geom_type, strict=True)
            if kind != "Point"
        ]
        if not_points:
            raise CorrectionError(
                f"The corrections file {name!r} holds features that are not points: "
                f"{'; '.join(not_points)}. A correction is one point per mine.",
                not_points,
                kind="corrections_not_points",
                name=name,
            )
        table = pd.DataFrame(features.drop(columns=features.geometry.name))
        table = table.drop(columns=[c for c in table.columns if str(c).lower() in ("lon", "lat")])
        table["lon"] = geometry.x.to_numpy()
        table["lat"] = geometry.y.to_numpy()
        return standardize(table, name, labels)
    raise CorrectionError(
        f"Unsupported corrections file type {suffix or '(no ending)'} ({name!r}). goldmap "
        f"reads corrections from {', '.join(_TABLE_ENDINGS + _FEATURE_ENDINGS)}; "
        f"{HOW_TO_START}.",
        kind="corrections_type",
        name=name,
        allowed=", ".join(_TABLE_ENDINGS + _FEATURE_ENDINGS),
    )
