"""Tell missing and nested values apart, and turn nested ones into JSON text: one place for all.

Layers carry lists (commodities, provinces) and lists of dicts (sources); pandas carries NaN
and None for missing values. Writers, popups and the app all ask the same questions of a
cell; they ask them here.
"""

from __future__ import annotations

import json
import math
import unicodedata
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "MISSING_MARKS",
    "flatten_nested",
    "is_missing",
    "is_nested",
    "nested_columns",
    "to_json_text",
    "to_native",
]


def is_nested(value: Any) -> bool:
    """Return True for lists, tuples, dicts and numpy arrays (cells that hold several values)."""
    return isinstance(value, list | tuple | dict) or type(value).__name__ == "ndarray"


#: Text that means "no value" (compared after Unicode NFKC normalisation, stripping and
#: lower-casing): what people type in an empty cell of a table.
MISSING_MARKS = frozenset(
    {"", "-", "--", "—", "——", "–", "−", "/", "…", "...", "n/a", "na", "nan", "none",
     "null", "无", "暂无", "不详", "未知", "空"}
)  # fmt: skip


def is_missing(value: Any) -> bool:
    """Return True for a cell with no value.

    None, NaN, ``pandas.NA`` and ``NaT`` are missing, and so is text that is empty, only
    whitespace or one of :data:`MISSING_MARKS` (—, -, n/a, 无 ...). Lists, dicts, numbers
    and other text are values.

    Parameters
    ----------
    value : object
        One cell.

    Returns
    -------
    bool
        True when the cell holds nothing to read, show or write.

    Examples
    --------
    >>> [is_missing(v) for v in (None, float("nan"), " — ", "", "n/a", "0", 0, [])]
    [True, True, True, True, True, False, False, False]
    """
    if value is None:
        return True
    if isinstance(value, str):
        return unicodedata.normalize("NFKC", value).strip().lower() in MISSING_MARKS
    if isinstance(value, float):
        return math.isnan(value)
    if is_nested(value) or isinstance(value, int | bool):
        return False
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def to_native(value: Any) -> Any:
    """Turn numpy scalars and arrays, dates and NaN into plain Python values for JSON."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, dict):
        return {str(k): to_native(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_native(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def to_json_text(value: Any) -> Any:
    """Return a list or dict as JSON text (Chinese kept as is); other values unchanged."""
    if is_nested(value):
        return json.dumps(to_native(value), ensure_ascii=False)
    return value


def nested_columns(frame: gpd.GeoDataFrame) -> list[str]:
    """Return the columns of ``frame`` holding lists or dicts."""
    geometry = frame.geometry.name
    return [
        column
        for column in frame.columns
        if column != geometry
        and frame[column].dtype == object
        and any(is_nested(v) for v in frame[column])
    ]


def flatten_nested(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy of ``frame`` whose list and dict values are JSON text."""
    flat = frame.copy()
    for column in nested_columns(frame):
        flat[column] = frame[column].map(to_json_text).astype(object)
    return flat
