"""Read numbers as people type them in statistics tables: 1,234.5, １２３, 45吨, — for missing."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from goldmap._values import is_missing

__all__ = ["UNITS", "parse_number_column"]

#: Units a cell may end with; they are dropped when every unit in the column agrees.
UNITS = frozenset(
    {"吨", "t", "公吨", "千克", "kg", "公斤", "克", "g", "%", "％", "万元", "亿元", "元",
     "盎司", "oz", "koz", "moz", "km2", "km²", "平方公里", "个", "座", "家"}
)  # fmt: skip

# Spellings of one unit, read as the same unit.
_UNIT_ALIASES = {"t": "吨", "公吨": "吨", "kg": "千克", "公斤": "千克", "g": "克", "％": "%",
                 "km2": "km²", "平方公里": "km²"}  # fmt: skip

#: A column is read as numbers when at least this share of its non-missing cells are numbers.
NUMERIC_SHARE = 0.5

_NUMBER = re.compile(
    r"^(?P<num>[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?)"
    r"(?P<unit>[^\d].*)?$"
)


def _parse(value: object) -> tuple[float | None, str | None]:
    """Return (number, unit) of one cell, or (None, None) when it is not a number."""
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
        return float(value), ""
    text = unicodedata.normalize("NFKC", str(value)).replace(" ", "").replace("\u00a0", "")
    match = _NUMBER.match(text)
    if match is None:
        return None, None
    unit = (match.group("unit") or "").lower()
    if unit and unit not in UNITS:
        return None, None
    return float(match.group("num").replace(",", "")), _UNIT_ALIASES.get(unit, unit)


_NON_FINITE = frozenset({"nan", "inf", "infinity"})


def _spells_non_finite(value: object) -> bool:
    """Return True for text that spells a number that is not finite: NaN, inf, -Infinity."""
    return isinstance(value, str) and value.strip().lower().lstrip("+-") in _NON_FINITE


def parse_number_column(values: pd.Series) -> tuple[pd.Series, pd.Series, str] | None:
    """Read a column of numbers typed by people, or return None when it is not numeric.

    Parameters
    ----------
    values : pandas.Series
        One column of a statistics table.

    Returns
    -------
    tuple of (pandas.Series, pandas.Series, str) or None
        The numbers (float, NaN where missing or unreadable), a boolean mask of the cells
        that hold something but could not be read as a finite number in the column's unit
        (``inf``, ``1e400`` and ``NaN`` typed in a cell are among them), and
        the unit the cells carried (``""`` when none). None when fewer than half of the
        non-missing cells are numbers: the column is text.

    Examples
    --------
    >>> numbers, unreadable, unit = parse_number_column(pd.Series(["1,234.5吨", "—", "１２"]))
    >>> numbers.tolist()[0], bool(unreadable.any()), unit
    (1234.5, False, '吨')
    """
    if pd.api.types.is_bool_dtype(values):
        return None
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.astype("float64")
        infinite = pd.Series(np.isinf(numbers.to_numpy()), index=values.index)
        return numbers.mask(infinite), infinite, ""
    # "NaN" and "inf" typed in a column of numbers are not numbers, nor an empty cell.
    missing = values.map(is_missing) & ~values.map(_spells_non_finite)
    parsed = values.map(_parse)
    typed = parsed.map(lambda p: p[0])
    units = parsed.map(lambda p: p[1])
    present = ~missing
    number_like = present & (typed.notna() | values.map(_spells_non_finite))
    if not present.any() or number_like.sum() < NUMERIC_SHARE * present.sum():
        return None
    numbers = typed.map(lambda v: v if v is not None and np.isfinite(v) else None)
    readable = present & numbers.notna()
    unit_counts = units[readable & (units != "")].value_counts()
    unit = str(unit_counts.index[0]) if len(unit_counts) else ""
    # A cell in another unit (千克 in a column of 吨) is not silently mixed in.
    agrees = units.isin(["", unit])
    good = readable & agrees
    result = numbers.where(good).astype("float64")
    return result, present & ~good, unit
