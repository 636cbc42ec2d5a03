"""is_missing: one answer for every cell, wherever goldmap asks (statistics, popups, exports)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from goldmap._numbers import parse_number_column
from goldmap._values import is_missing
from goldmap.io._kml import _kml_value
from goldmap.maps._popups import escape

MISSING = [
    None,
    float("nan"),
    np.float64("nan"),
    pd.NA,
    pd.NaT,
    np.datetime64("NaT"),
    "",
    "   ",
    "\u3000",  # an ideographic space
    "—",
    " — ",
    "——",
    "-",
    "n/a",
    "N/A",
    "无",
    "不详",
]
PRESENT = [0, 0.0, False, "0", "金", "gold", "—金", [], {}, ["—"], np.array([np.nan])]


@pytest.mark.parametrize("value", MISSING, ids=repr)
def test_missing_cells(value: object) -> None:
    assert is_missing(value)


@pytest.mark.parametrize("value", PRESENT, ids=repr)
def test_present_cells(value: object) -> None:
    assert not is_missing(value)


def test_statistics_and_exports_agree_on_a_dash() -> None:
    # The statistics reader and the KML writer once disagreed on "—" and "".
    numbers, unreadable, _ = parse_number_column(pd.Series(["12", "—", "", "n/a"]))
    assert numbers.isna().tolist() == [False, True, True, True]
    assert not unreadable.any()
    assert [_kml_value(v) for v in ("—", "", None, pd.NA, "12")] == [None, None, None, None, "12"]
    assert escape("—") == ""
