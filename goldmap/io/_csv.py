"""Write a layer as CSV: points as lon/lat columns, other geometries as WKT, Excel-friendly."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from goldmap._values import flatten_nested
from goldmap.io._files import COORDINATE_DECIMALS

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = ["write_csv"]

logger = logging.getLogger(__name__)


def _make_room(table: pd.DataFrame, columns: dict[str, pd.Series]) -> pd.DataFrame:
    """Drop input columns the geometry columns repeat; rename those that differ (``*_input``).

    A table read from a CSV with lon/lat columns already has them: when they hold the
    geometry's coordinates they are dropped (nothing is lost), otherwise kept as
    ``lon_input``/``lat_input`` so that neither version is lost.
    """
    for column, values in columns.items():
        if column not in table.columns:
            continue
        existing = table[column]
        same = existing.equals(values) or (
            existing.dtype.kind in "fiu"
            and bool(((existing.astype(float) - values).abs() < 10**-COORDINATE_DECIMALS).all())
        )
        if same:
            table = table.drop(columns=column)
        else:
            logger.warning("CSV export: column %r kept as %r", column, f"{column}_input")
            table = table.rename(columns={column: f"{column}_input"})
    return table


def write_csv(frame: gpd.GeoDataFrame, path: Path, name: str) -> None:
    """Points as ``lon``/``lat`` columns, other geometries as ``WKT``; UTF-8 with a BOM.

    The geometry's columns take the geometry's place (in a located table: after the user's
    own columns, before the answers); a geometry that is the last column (goldmap's layers)
    puts them first, where a spreadsheet's reader looks.
    """
    import pandas as pd
    import shapely

    flat = flatten_nested(frame)
    geometry = flat.geometry
    at = list(flat.columns).index(geometry.name)
    at = 0 if at == len(flat.columns) - 1 else at
    table = flat.drop(columns=geometry.name)
    kinds = geometry.geom_type.dropna()  # a feature with no geometry gets empty lon/lat
    if len(kinds) and (kinds == "Point").all():
        columns = {
            "lon": geometry.x.round(COORDINATE_DECIMALS),
            "lat": geometry.y.round(COORDINATE_DECIMALS),
        }
    else:
        wkt = shapely.to_wkt(geometry.values, rounding_precision=COORDINATE_DECIMALS)
        columns = {"WKT": pd.Series(wkt, index=table.index)}
    before = [c for c in list(flat.columns)[:at] if c in table.columns]
    table = _make_room(table, columns)
    at = sum(c in table.columns for c in before)  # the input lon/lat may have made room
    for position, (column, values) in enumerate(columns.items(), start=at):
        table.insert(position, column, values)
    warn_past_excel(table, name)
    # The BOM lets Excel recognise UTF-8, so Chinese names open correctly there too.
    table.to_csv(path, index=False, encoding="utf-8-sig")


#: The most characters an Excel cell holds; a longer cell is cut when the CSV is opened.
EXCEL_CELL_CHARS = 32_767


def warn_past_excel(table: pd.DataFrame, name: str) -> list[str]:
    """Warn (and return which) when a column has a cell longer than Excel can show."""
    long = []
    for column in table.columns:
        values = table[column]
        if values.dtype != object and str(values.dtype) not in ("str", "string"):
            continue
        lengths = values.map(lambda v: len(v) if isinstance(v, str) else 0)
        if len(lengths) and int(lengths.max()) > EXCEL_CELL_CHARS:
            long.append(f"{column} (up to {int(lengths.max()):,} characters)")
    if long:
        logger.warning(
            "CSV %s: cells longer than Excel's %s characters in %s; Excel will cut them when it "
            "opens the file. The CSV itself is complete; for Excel or GIS use GeoPackage "
            "(--format gpkg) or GeoJSON instead.",
            name, f"{EXCEL_CELL_CHARS:,}", ", ".join(long),
        )  # fmt: skip
    return long
