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

from goldmap._resources import data_path
from goldmap._tables import TableSource, read_table
from goldmap.catalog import load
from goldmap.errors import ColumnNotFoundError, GoldmapError
from goldmap.names import suggest_provinces, try_resolve_province
from goldmap.projections import EQUAL_AREA_CRS

__all__ = [
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


@dataclass
class JoinReport:
    """What happened to each row of a joined table."""

    province_col: str
    matched: int
    unmatched: pd.DataFrame = field(default_factory=pd.DataFrame)
    duplicated: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def ok(self) -> bool:
        """True when every row matched exactly one province, once."""
        return self.unmatched.empty and self.duplicated.empty

    def __str__(self) -> str:
        parts = [f"{self.matched} row(s) matched on column {self.province_col!r}"]
        if not self.unmatched.empty:
            values = ", ".join(repr(v) for v in self.unmatched["value"])
            parts.append(f"{len(self.unmatched)} not matched: {values}")
        if not self.duplicated.empty:
            parts.append(f"{len(self.duplicated)} matched a province another row matched")
        return "; ".join(parts)


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
            "Pass province_col='<column>' naming the column with province names or adcodes."
        )
    return next(c for c in table.columns if str(c) == best)


def join_stats(
    table: TableSource,
    province_col: str | None = None,
    *,
    filename: str | None = None,
    simplified: bool = False,
) -> gpd.GeoDataFrame:
    """Join a statistics table to the province polygons.

    Parameters
    ----------
    table : path, bytes, file object or pandas.DataFrame
        CSV (UTF-8, UTF-8 with BOM, GBK/GB18030), TSV or XLSX, or a DataFrame, with one
        column naming the province in any common spelling.
    province_col : str, optional
        The column naming provinces; detected when not given.
    filename : str, optional
        The file name, when ``table`` is bytes or a file object (e.g. an upload).
    simplified : bool, default False
        Join to the light display copy of the provinces (for maps).

    Returns
    -------
    geopandas.GeoDataFrame
        All 34 provinces (``adcode``, ``name_zh``, ``name_en`` ...) with the table's columns;
        provinces the table does not mention have missing values, not zero. When several
        rows match one province, each is kept (the province appears once per row).
        ``result.attrs["join_report"]`` is a :class:`JoinReport` listing every unmatched and
        duplicated row.

    Raises
    ------
    InputFileError
        When the file cannot be read.
    ColumnNotFoundError
        When ``province_col`` is not a column, or none can be detected.

    Examples
    --------
    >>> import pandas as pd
    >>> joined = join_stats(pd.DataFrame({"省份": ["鲁", "Henan"], "t": [1, 2]}))
    >>> joined.attrs["join_report"].ok
    True
    """
    frame = read_table(table, filename=filename)
    if province_col is None:
        province_col = detect_province_column(frame)
    elif province_col not in frame.columns:
        raise ColumnNotFoundError(
            f"Column {province_col!r} is not in the table; its columns are "
            f"{list(map(str, frame.columns))}."
        )
    frame = frame.reset_index(drop=True)
    codes = frame[province_col].map(try_resolve_province)
    row_numbers = frame.index + 1
    unmatched = pd.DataFrame(
        {
            "row": row_numbers[codes.isna()],
            "value": frame.loc[codes.isna(), province_col].tolist(),
            "suggestions": [
                ", ".join(suggest_provinces(v)) for v in frame.loc[codes.isna(), province_col]
            ],
        }
    )
    matched = frame[codes.notna()].assign(adcode=codes[codes.notna()].astype("int64"))
    dupes = matched["adcode"].duplicated(keep=False)
    duplicated = pd.DataFrame(
        {
            "row": (matched.index + 1)[dupes],
            "value": matched.loc[dupes, province_col].tolist(),
            "adcode": matched.loc[dupes, "adcode"].tolist(),
        }
    )
    provinces = load("provinces", simplified=simplified)
    overlap = [c for c in matched.columns if c in provinces.columns and c != "adcode"]
    matched = matched.rename(columns={c: f"{c}_table" for c in overlap})
    result = provinces.merge(matched, on="adcode", how="left")
    report = JoinReport(str(province_col), int(codes.notna().sum()), unmatched, duplicated)
    result.attrs["join_report"] = report
    if not report.ok:
        logger.warning("join_stats: %s", report)
    return result


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
        The tidy table (adcode, region_zh, indicator, year, value, unit, source_url,
        source_quote, notes), or its wide form.

    Raises
    ------
    GoldmapError
        When ``indicator`` is not in the table; the message lists the indicators.
    """
    table = pd.read_csv(data_path("stats", "gold_statistics.csv"), encoding="utf-8")
    if indicator is not None:
        known = sorted(table["indicator"].unique())
        if indicator not in known:
            raise GoldmapError(f"Unknown indicator {indicator!r}; the table has {known}.")
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
    for kind in ("exploration", "development"):
        areas = load(f"{kind}_areas").to_crs(crs)
        union_parts.append(areas)
        result[f"{kind}_km2"] = _overlap_km2(projected, areas)
    both = gpd.GeoDataFrame(geometry=pd.concat([a.geometry for a in union_parts]), crs=crs)
    result["plan_area_km2"] = _overlap_km2(projected, both.dissolve())
    result["plan_area_share"] = (result["plan_area_km2"] / result["area_km2"]).round(4)
    return result


def _overlap_km2(provinces: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> list[float]:
    union = areas.geometry.union_all()
    return [round(a / 1e6, 1) for a in provinces.geometry.intersection(union).area]
