"""Join provincial statistics to the province polygons, and derive statistics from the layers.

A statistics table may name its provinces in any common way (山东, 山东省, Shandong,
Shandong Sheng, 370000 ...). Every row that cannot be matched, or that matches a province
another row already matched, is reported: nothing is dropped silently.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from goldmap._numbers import parse_number_column
from goldmap._resources import read_packaged
from goldmap._values import is_missing
from goldmap.catalog import LayerGroup, layers_in, load
from goldmap.crs import EQUAL_AREA_CRS
from goldmap.errors import (
    ColumnNotFoundError,
    DuplicateProvinceError,
    InputFileError,
    OptionError,
    StatisticNotFoundError,
)
from goldmap.io._notes import READ_NOTES, read_notes
from goldmap.io._tables import TableSource, display_name, read_table
from goldmap.names import province_name, suggest_provinces, try_resolve_province
from goldmap.text import value_label

__all__ = [
    "ON_DUPLICATE",
    "SOURCE_CHECKS",
    "STATS_COLUMNS",
    "JoinReport",
    "detect_province_column",
    "join_stats",
    "load_stats",
    "province_summary",
    "read_table",
]

logger = logging.getLogger(__name__)

_PROVINCE_HEADERS = (
    "province", "provinces", "province_name", "province_zh", "province_en", "prov",
    "省份", "省", "省区", "省区市", "省级行政区", "地区", "区域", "adcode", "region", "name",
)  # fmt: skip

#: A column is taken as the province column when at least this share of its values resolve.
DETECTION_THRESHOLD = 0.6


#: How :func:`join_stats` treats several rows naming one province.
ON_DUPLICATE = ("error", "first", "last", "sum", "mean")

#: The columns of the packaged statistics table (``data/stats/gold_statistics.csv``). The
#: last three record when and how the row's source was last re-checked; they may be empty.
STATS_COLUMNS = (
    "adcode", "region_zh", "indicator", "year", "value", "unit", "source_url", "source_quote",
    "notes", "source_checked", "source_check", "source_check_note",
)  # fmt: skip

#: The outcomes a source check may record (``source_check``), as in the layers' ``check``.
SOURCE_CHECKS = ("found", "quote_not_found", "page_not_found")


@dataclass
class JoinReport:
    """What happened to each row of a joined table.

    Attributes
    ----------
    province_col : str
        The column that named the provinces.
    matched : int
        Rows that named a province.
    unmatched : pandas.DataFrame
        Rows naming no province: ``row`` (1-based data row), ``value``, ``suggestions``.
    duplicated : pandas.DataFrame
        Rows naming a province another row also names: ``row``, ``value``, ``adcode``,
        ``province``, ``outcome`` (kept, dropped, combined by sum/mean, or refused).
    unreadable : pandas.DataFrame
        Cells of numeric columns that could not be read as numbers: ``row``, ``province``,
        ``column``, ``value``. Their province shows no value for that column.
    on_duplicate : str
        The rule applied to duplicated rows.
    units : dict
        The unit each numeric column's cells carried (``{"产量": "吨"}``), where one did.
    """

    province_col: str
    matched: int
    unmatched: pd.DataFrame = field(default_factory=pd.DataFrame)
    duplicated: pd.DataFrame = field(default_factory=pd.DataFrame)
    unreadable: pd.DataFrame = field(default_factory=pd.DataFrame)
    on_duplicate: str = "error"
    units: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when every row matched its own province and every number was read."""
        return self.unmatched.empty and self.duplicated.empty and self.unreadable.empty

    def __str__(self) -> str:
        return self.summary("en")

    def summary(self, lang: str = "en") -> str:
        """Say in ``lang`` ("zh" or "en") what happened to the rows, in one paragraph."""
        if lang == "zh":
            return self._summary_zh()
        parts = [f"{self.matched} row(s) matched on column {self.province_col!r}"]
        if not self.unmatched.empty:
            values = ", ".join(repr(v) for v in self.unmatched["value"])
            parts.append(f"{len(self.unmatched)} not matched: {values}")
        if not self.duplicated.empty:
            rows = ", ".join(str(r) for r in self.duplicated["row"])
            parts.append(
                f"{len(self.duplicated)} row(s) named a province another row names (rows "
                f"{rows}): {self.on_duplicate}"
            )
        if not self.unreadable.empty:
            cells = ", ".join(
                f"row {r.row} {r.column!r}={r.value!r}" for r in self.unreadable.itertuples()
            )
            parts.append(f"{len(self.unreadable)} value(s) not read as numbers: {cells}")
        return "; ".join(parts)

    def _summary_zh(self) -> str:
        parts = [f"按“{self.province_col}”列匹配到 {self.matched} 行"]
        if not self.unmatched.empty:
            values = "、".join(f"“{v}”" for v in self.unmatched["value"])
            parts.append(f"{len(self.unmatched)} 行未匹配：{values}")
        if not self.duplicated.empty:
            rows = "、".join(str(r) for r in self.duplicated["row"])
            rule = value_label(
                "outcome", _RULE_OUTCOMES.get(self.on_duplicate, self.on_duplicate), "zh"
            )
            parts.append(f"{len(self.duplicated)} 行指向其他行也指向的省份（第 {rows} 行）：{rule}")
        if not self.unreadable.empty:
            cells = "、".join(
                f"第 {r.row} 行“{r.column}”={r.value!r}" for r in self.unreadable.itertuples()
            )
            parts.append(f"{len(self.unreadable)} 个值无法读为数字：{cells}")
        return "；".join(parts) + "。"


# What a rule did to the rows naming one province, as goldmap.text words it.
_RULE_OUTCOMES = {
    "error": "refused",
    "first": "kept_first",
    "last": "kept_last",
    "sum": "summed",
    "mean": "averaged",
}


def detect_province_column(table: pd.DataFrame) -> str:
    """Find the column of ``table`` that names provinces.

    A column with a familiar header (province, 省份, 地区, adcode ...) whose values mostly
    resolve wins; otherwise the column whose values resolve best, if at least 60% do.

    Parameters
    ----------
    table : pandas.DataFrame
        The statistics table.

    Returns
    -------
    str
        The column name.

    Raises
    ------
    ColumnNotFoundError
        When no column looks like provinces; the message lists the columns.
    """
    scores: dict[str, float] = {}
    for column in table.columns:
        values = table[column].dropna()
        if values.empty:
            continue
        resolved = values.map(try_resolve_province).notna().mean()
        bonus = 0.5 if str(column).strip().lower() in _PROVINCE_HEADERS else 0.0
        scores[str(column)] = float(resolved) + bonus if resolved > 0 else 0.0
    best = max(scores, key=lambda c: scores[c], default=None)
    if best is None or scores[best] < DETECTION_THRESHOLD:
        raise ColumnNotFoundError(
            f"No column of the table names provinces (columns: {list(map(str, table.columns))}). "
            "Add a column named 'province' (or 省份) holding province names or adcodes, or "
            "choose the province column.",
            kind="no_province_column",
            columns=", ".join(map(str, table.columns)),
        )
    return next(c for c in table.columns if str(c) == best)


def _read_numbers(
    frame: pd.DataFrame, province_col: str, provinces: pd.Series
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """Turn numeric-looking columns into numbers; list the cells that could not be read."""
    result = frame.copy()
    problems = []
    units = {}
    for column in frame.columns:
        if column == province_col:
            continue
        parsed = parse_number_column(frame[column])
        if parsed is None:
            continue
        numbers, unreadable, unit = parsed
        result[column] = numbers
        if unit:
            units[str(column)] = unit
        problems += [
            (i + 1, provinces[i], str(column), str(frame.at[i, column]))
            for i in unreadable[unreadable].index
        ]
    frame = result
    unreadable_frame = pd.DataFrame(problems, columns=["row", "province", "column", "value"])
    return frame, unreadable_frame, units


def _combine(matched: pd.DataFrame, rule: str) -> pd.DataFrame:
    """Reduce ``matched`` to one row per adcode by ``rule`` (first, last, sum or mean)."""
    if rule == "first":
        return matched.drop_duplicates("adcode", keep="first")
    if rule == "last":
        return matched.drop_duplicates("adcode", keep="last")
    numeric = [
        c for c in matched.columns if c != "adcode" and pd.api.types.is_numeric_dtype(matched[c])
    ]
    text = [c for c in matched.columns if c != "adcode" and c not in numeric]
    groups = matched.groupby("adcode", sort=False)
    combined = groups[numeric].sum(min_count=1) if rule == "sum" else groups[numeric].mean()
    for column in text:
        combined[column] = groups[column].agg(
            lambda v: "; ".join(dict.fromkeys(str(x) for x in v if not is_missing(x)))
        )
    return combined.reset_index()[list(matched.columns)]


def _duplicates_report(matched: pd.DataFrame, province_col: str, rule: str) -> pd.DataFrame:
    dupes = matched["adcode"].duplicated(keep=False)
    rows = matched[dupes]
    if rule == "first":
        outcome = rows["adcode"].duplicated(keep="first").map({False: "kept", True: "dropped"})
    elif rule == "last":
        outcome = rows["adcode"].duplicated(keep="last").map({False: "kept", True: "dropped"})
    else:
        outcome = pd.Series(
            {"sum": "summed", "mean": "averaged", "error": "refused"}[rule], index=rows.index
        )
    return pd.DataFrame(
        {
            "row": rows.index + 1,
            "value": rows[province_col].tolist(),
            "adcode": rows["adcode"].tolist(),
            "province": [province_name(int(a)) for a in rows["adcode"]],
            "outcome": outcome.tolist(),
        }
    )


def join_stats(
    table: TableSource,
    province_col: str | None = None,
    *,
    filename: str | None = None,
    simplified: bool = False,
    on_duplicate: str = "error",
) -> gpd.GeoDataFrame:
    """Join a statistics table to the province polygons, one row per province.

    Parameters
    ----------
    table : path, bytes, file object or pandas.DataFrame
        CSV (UTF-8, UTF-8 with BOM, GBK/GB18030, UTF-16), TSV or XLSX, or a DataFrame, with
        one column naming the province in any common spelling. Numbers may be written as
        people type them: ``1,234.5``, full-width ``１２３``, with a unit (``45吨``,
        ``12 t``); ``—``, ``-`` and empty cells are missing values.
    province_col : str, optional
        The column naming provinces; detected when not given.
    filename : str, optional
        The file's name, when ``table`` is bytes or a file object (e.g. an upload).
    simplified : bool, default False
        Join to the light display copy of the provinces (for maps).
    on_duplicate : {"error", "first", "last", "sum", "mean"}, default "error"
        What to do when several rows name one province (内蒙古 and Inner Mongolia): refuse
        the table naming the rows (the default: two rows for one province are usually a
        spelling duplicate or a sub-total, and only the analyst knows which), keep the
        first or last row, or add up / average the numeric columns (text columns keep
        their distinct values joined by "; ").

    Returns
    -------
    geopandas.GeoDataFrame
        The 34 provinces (``adcode``, ``name_zh``, ``name_en`` ...), each once, with the
        table's columns; provinces the table does not mention have missing values, not
        zero. ``result.attrs["join_report"]`` is a :class:`JoinReport` naming every row
        not matched, every duplicated row and what was done with it, and every value not
        read as a number; ``result.attrs["read_notes"]``, what reading the file changed or
        left out (a workbook's other sheets, a merged header), as logged.

    Raises
    ------
    InputFileError
        When the file cannot be read, or the table has no rows.
    ColumnNotFoundError
        When ``province_col`` is not a column, or none can be detected.
    DuplicateProvinceError
        When several rows name one province and ``on_duplicate="error"``.
    OptionError
        When ``on_duplicate`` is not one of the allowed rules.

    Examples
    --------
    >>> import pandas as pd
    >>> joined = join_stats(pd.DataFrame({"省份": ["鲁", "Henan"], "t": ["1,200吨", "—"]}))
    >>> joined.attrs["join_report"].ok, len(joined)
    (True, 34)
    """
    if on_duplicate not in ON_DUPLICATE:
        raise OptionError(
            f"on_duplicate must be one of {', '.join(ON_DUPLICATE)}; got {on_duplicate!r}."
        )
    frame = read_table(table, filename=filename, as_text=True).reset_index(drop=True)
    if frame.empty:
        shown = display_name(table, filename, "")
        raise InputFileError(
            f"{repr(shown) + ': t' if shown else 'T'}he table is empty: it has a header "
            f"({', '.join(map(str, frame.columns))[:80]}) but no rows. Add one row per province."
        )
    if province_col is None:
        province_col = detect_province_column(frame)
    elif province_col not in frame.columns:
        raise ColumnNotFoundError(
            f"Column {province_col!r} is not in the table; its columns are "
            f"{list(map(str, frame.columns))}.",
            kind="column_not_in_table",
            column=province_col,
            columns=", ".join(map(str, frame.columns)),
        )
    codes = frame[province_col].map(try_resolve_province)
    names = codes.map(lambda c: province_name(int(c)) if pd.notna(c) else "")
    frame, unreadable, units = _read_numbers(frame, province_col, names)
    misses = frame.loc[codes.isna(), province_col]
    unmatched = pd.DataFrame(
        {
            "row": misses.index + 1,
            "value": misses.tolist(),
            "suggestions": [", ".join(suggest_provinces(v)) for v in misses],
        }
    )
    matched = frame[codes.notna()].assign(adcode=codes[codes.notna()].astype("int64"))
    duplicated = _duplicates_report(matched, str(province_col), on_duplicate)
    if not duplicated.empty and on_duplicate == "error":
        raise _duplicate_error(duplicated)
    matched = _combine(matched, on_duplicate)
    provinces = load("provinces", simplified=simplified)
    overlap = [c for c in matched.columns if c in provinces.columns and c != "adcode"]
    matched = matched.rename(columns={c: f"{c}_table" for c in overlap})
    result = provinces.merge(matched, on="adcode", how="left")
    report = JoinReport(
        str(province_col), int(codes.notna().sum()), unmatched, duplicated, unreadable,
        on_duplicate, units,
    )  # fmt: skip
    result.attrs["join_report"] = report
    result.attrs[READ_NOTES] = read_notes(frame)  # what reading the file changed or left out
    if not report.ok:
        logger.warning("join_stats: %s", report)
    return result


def _duplicate_error(duplicated: pd.DataFrame) -> DuplicateProvinceError:
    """Return the error that lists the rows naming one province, grouped by province."""
    groups = "; ".join(
        f"{province}: rows {', '.join(str(r) for r in group['row'])} "
        f"({', '.join(repr(v) for v in group['value'])})"
        for province, group in duplicated.groupby("province", sort=False)
    )
    return DuplicateProvinceError(
        f"Several rows name the same province — {groups}. Choose how to combine them "
        "(keep the first or the last row, or sum or average the numbers), or remove the "
        "extra rows.",
        duplicated,
        kind="duplicate_province",
        groups=groups,
    )


def load_stats(
    indicator: str | None = None, *, year: int | None = None, wide: bool = False
) -> pd.DataFrame:
    """Return goldmap's packaged, cited gold statistics.

    Parameters
    ----------
    indicator : str, optional
        Keep one indicator (e.g. ``"gold_output_provincial_reported"``).
    year : int, optional
        Keep one year.
    wide : bool, default False
        Pivot to one row per region and one column per indicator and year
        (``<indicator>_<year>``), ready for :func:`join_stats`.

    Returns
    -------
    pandas.DataFrame
        The tidy table (the columns of :data:`STATS_COLUMNS`: adcode, region_zh, indicator,
        year, value, unit, source_url, source_quote, notes, and the source check fields
        source_checked, source_check, source_check_note), or its wide form, which holds
        the values only.

    Raises
    ------
    StatisticNotFoundError
        When ``indicator`` is not in the table; the message lists the indicators.
    """
    text_columns = {c: "str" for c in ("source_checked", "source_check", "source_check_note")}
    table = read_packaged(
        lambda path: pd.read_csv(path, encoding="utf-8", dtype=text_columns),
        "stats",
        "gold_statistics.csv",
    )
    if indicator is not None:
        known = sorted(table["indicator"].unique())
        if indicator not in known:
            raise StatisticNotFoundError(f"Unknown indicator {indicator!r}; the table has {known}.")
        table = table[table["indicator"] == indicator]
    if year is not None:
        table = table[table["year"] == year]
    if not wide:
        return table.reset_index(drop=True)
    keys = table["indicator"] + "_" + table["year"].astype(str)
    return (
        table.assign(key=keys)
        .pivot_table(index=["adcode", "region_zh"], columns="key", values="value", aggfunc="first")
        .reset_index()
        .rename_axis(columns=None)
    )


def province_summary(*, crs: str = EQUAL_AREA_CRS) -> gpd.GeoDataFrame:
    """Derive per-province figures from goldmap's own layers.

    Parameters
    ----------
    crs : str, default China Albers equal-area
        The equal-area projection the areas are computed in.

    Returns
    -------
    geopandas.GeoDataFrame
        Provinces with ``key_mines`` (count), ``area_km2``, ``exploration_km2``,
        ``development_km2``, ``plan_area_km2`` (their union, no double counting) and
        ``plan_area_share`` (fraction of the province's area inside plan areas).
    """
    provinces = load("provinces")
    mines = load("key_mines")
    counts = mines.groupby("province_adcode").size()
    result = provinces.assign(key_mines=provinces["adcode"].map(counts).fillna(0).astype(int))
    projected = provinces.to_crs(crs)
    result["area_km2"] = (projected.area / 1e6).round(1)
    union_parts = []
    for name in layers_in(LayerGroup.PLAN_AREA):
        areas = load(name).to_crs(crs)
        union_parts.append(areas)
        result[f"{name.removesuffix('_areas')}_km2"] = _overlap_km2(projected, areas)
    both = gpd.GeoDataFrame(geometry=pd.concat([a.geometry for a in union_parts]), crs=crs)
    result["plan_area_km2"] = _overlap_km2(projected, both.dissolve())
    result["plan_area_share"] = (result["plan_area_km2"] / result["area_km2"]).round(4)
    return result


def _overlap_km2(provinces: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> list[float]:
    union = areas.geometry.union_all()
    return [round(a / 1e6, 1) for a in provinces.geometry.intersection(union).area]
