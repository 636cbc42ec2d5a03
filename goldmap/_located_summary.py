"""Count and summarise located features in one line: in China, outside it, in plan areas."""

from __future__ import annotations

from typing import Any

import pandas as pd

from goldmap.errors import ColumnNotFoundError
from goldmap.text import check_lang

__all__ = ["counts_line", "located_counts", "summarize_located"]

_NEEDED = ("province_adcode", "exploration_areas", "development_areas", "nearest_mine_km_exact")


def located_counts(located: pd.DataFrame) -> dict[str, int]:
    """Count the located features: all, in China, outside China, unusable, in plan areas.

    Parameters
    ----------
    located : pandas.DataFrame
        What :func:`goldmap.locate` returned.

    Returns
    -------
    dict of str to int
        ``located`` (every row), ``in_china`` (a province found), ``outside_china`` (a
        usable position but no province: abroad or at sea), ``no_position`` (an empty
        geometry or coordinates that are not on the globe) and ``in_plan_areas`` (in at
        least one key exploration or development area).

    Raises
    ------
    ColumnNotFoundError
        When ``located`` lacks a column :func:`goldmap.locate` adds.

    Examples
    --------
    >>> import goldmap
    >>> located = goldmap.locate(pd.DataFrame({"lon": [120.41, 106.9], "lat": [37.31, 47.9]}))
    >>> located_counts(located)["in_china"]
    1
    """
    missing = [c for c in _NEEDED if c not in located.columns]
    if missing:
        raise ColumnNotFoundError(
            f"The frame lacks the column(s) {', '.join(missing)}: give what goldmap.locate "
            "returned."
        )
    in_china = located["province_adcode"].notna()
    positioned = located["nearest_mine_km_exact"].notna()
    in_area = _named(located["exploration_areas"]) | _named(located["development_areas"])
    return {
        "located": len(located),
        "in_china": int(in_china.sum()),
        "outside_china": int((~in_china & positioned).sum()),
        "no_position": int((~in_china & ~positioned).sum()),
        "in_plan_areas": int(in_area.sum()),
    }


def _named(values: pd.Series) -> Any:
    return values.fillna("").astype(str).str.len() > 0


def summarize_located(located: pd.DataFrame, *, lang: str = "en") -> str:
    """Say in one line how many features were located, and where they lie.

    Parameters
    ----------
    located : pandas.DataFrame
        What :func:`goldmap.locate` returned.
    lang : {"en", "zh"}, default "en"
        The language of the line.

    Returns
    -------
    str
        For example "2,000 located: 1,990 in China, 5 outside China, 340 in plan areas",
        with ", 5 without usable coordinates" when some had none.

    Raises
    ------
    ColumnNotFoundError
        When ``located`` lacks a column :func:`goldmap.locate` adds.
    OptionError
        When ``lang`` is not "zh" or "en".

    Examples
    --------
    >>> import goldmap
    >>> located = goldmap.locate(pd.DataFrame({"lon": [120.41, 106.9], "lat": [37.31, 47.9]}))
    >>> summarize_located(located)
    '2 located: 1 in China, 1 outside China, 1 in plan areas'
    >>> summarize_located(located, lang="zh")
    '已定位 2 个要素：中国境内 1 个，境外 1 个，位于规划区域内 1 个'
    """
    return counts_line(located_counts(located), lang=lang)


def counts_line(counts: dict[str, int], *, lang: str = "en") -> str:
    """Say in one line what :func:`located_counts` counted (see :func:`summarize_located`).

    Parameters
    ----------
    counts : dict of str to int
        What :func:`located_counts` returned.
    lang : {"en", "zh"}, default "en"
        The language of the line.

    Returns
    -------
    str
        The line :func:`summarize_located` gives.

    Raises
    ------
    OptionError
        When ``lang`` is not "zh" or "en".
    """
    check_lang(lang)
    n = {k: f"{v:,}" for k, v in counts.items()}
    if lang == "zh":
        line = (
            f"已定位 {n['located']} 个要素：中国境内 {n['in_china']} 个，境外 {n['outside_china']}"
            f" 个，位于规划区域内 {n['in_plan_areas']} 个"
        )
        return line + (f"，坐标无法使用 {n['no_position']} 个" if n["no_position"] != "0" else "")
    line = (
        f"{n['located']} located: {n['in_china']} in China, {n['outside_china']} outside China, "
        f"{n['in_plan_areas']} in plan areas"
    )
    return line + (
        f", {n['no_position']} without usable coordinates" if n["no_position"] != "0" else ""
    )
