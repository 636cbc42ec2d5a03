"""Check every correction against its mine before anything is applied."""

from __future__ import annotations

import difflib
import functools
import math
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from goldmap._mine_location import OFFSHORE_TOLERANCE_KM, distance_km
from goldmap.catalog import load
from goldmap.corrections._table import HOW_TO_START, allowed_precisions, cell
from goldmap.errors import CorrectionError

#: A row whose point differs from the layer's by less than this (degrees, about 0.1 mm) keeps
#: the point: it is the value the template wrote, read back.
_SAME_POINT_DEG = 1e-9


def _number(text: str | None, column: str, low: float, high: float) -> tuple[float | None, str]:
    """Parse a coordinate; return (value, problem) with exactly one of them set."""
    example = "120.15" if column == "lon" else "37.2"
    if text is None:
        return None, f"{column} is empty: give decimal degrees (WGS84), e.g. {example}"
    try:
        value = float(text.replace("\u2212", "-"))
    except ValueError:
        return None, f"{column} {text!r} is not a number: give decimal degrees, e.g. {example}"
    if not math.isfinite(value) or not low <= value <= high:
        return None, f"{column} {text!r} is outside {low:g}..{high:g}: give decimal degrees"
    return value, ""


@functools.cache
def _province_shapes() -> dict[int, Any]:
    provinces = load("provinces")
    return {int(a): g for a, g in zip(provinces["adcode"], provinces.geometry, strict=True)}


def _place_problem(mine: Any, point: shapely.Point) -> str | None:
    """Return why ``point`` cannot be ``mine``'s position, or None when it can."""
    shape = _province_shapes().get(int(mine.province_adcode))
    if shape is None:  # pragma: no cover - every mine's province is a packaged province
        return f"the mine's province {mine.province_adcode!r} is not among the provinces"
    where = f"({point.x:g}, {point.y:g})"
    if bool(getattr(mine, "offshore", False)):
        # Offshore deposits lie under the sea, outside every province polygon: the rule the
        # layer's own check uses (goldmap validate) applies.
        km = distance_km(point, shape)
        if km <= OFFSHORE_TOLERANCE_KM:
            return None
        return (
            f"point {where} is {km:.1f} km off {mine.province_zh} ({mine.province_en}); an "
            f"offshore mine may lie at most {OFFSHORE_TOLERANCE_KM:g} km from its province's "
            "coast. Check the coordinates (longitude first, decimal degrees)"
        )
    if shape.covers(point):
        return None
    swapped = 73 <= point.y <= 136 and 3 <= point.x <= 54
    hint = " They look swapped: put longitude in lon and latitude in lat." if swapped else ""
    return (
        f"point {where} lies outside {mine.province_zh} ({mine.province_en}), the province "
        f"the plan lists the mine under. Check the coordinates (longitude first, decimal "
        f"degrees, WGS84).{hint}"
    )


def _is_same_point(mine: Any, lon: float, lat: float) -> bool:
    geometry = mine.geometry
    if geometry is None or geometry.is_empty:  # a mine known only to its province
        return False
    return bool(
        abs(geometry.x - lon) <= _SAME_POINT_DEG and abs(geometry.y - lat) <= _SAME_POINT_DEG
    )


def _is_untouched_unplaced(row: Any, mine: Any) -> bool:
    """Tell a template row of a mine with no point, left as the template wrote it."""
    empty = (row.lon, row.lat, row.note, row.source_url, row.source_quote) == (None,) * 5
    no_point = mine.geometry is None or mine.geometry.is_empty
    return empty and no_point and row.location_precision == mine.location_precision


def _has_source(mine: Any, url: str | None, quote: str | None) -> bool:
    return any(s.get("url") == url and s.get("quote") == quote for s in source_list(mine.sources))


def source_list(value: Any) -> list[dict[str, Any]]:
    return [dict(s) for s in value] if value is not None else []


def _row_problems(
    row: Any, mine: Any, precisions: Sequence[str]
) -> tuple[list[str], dict[str, Any] | None]:
    """Check one row against its mine; return (problems, the change or None if unchanged)."""
    if _is_untouched_unplaced(row, mine):
        return [], None
    problems = []
    lon, lon_problem = _number(row.lon, "lon", -180, 180)
    lat, lat_problem = _number(row.lat, "lat", -90, 90)
    swapped_lat, _ = _number(row.lon, "lat", -90, 90)
    swapped_lon, _ = _number(row.lat, "lon", -180, 180)
    if lat is None and swapped_lat is not None and swapped_lon is not None and swapped_lon > 60:
        problems.append(
            f"lon {row.lon!r} and lat {row.lat!r} look swapped: put the longitude (73-136 in "
            "China) in lon and the latitude (3-54) in lat"
        )
        lon = None
    else:
        problems += [p for p in (lon_problem, lat_problem) if p]
    precision = row.location_precision
    if precision not in precisions:
        given = "is empty" if precision is None else f"{precision!r} is not allowed"
        problems.append(
            f"location_precision {given}: choose one of {', '.join(precisions)} (what your "
            "coordinate marks: the orebody, the mine site, a town, a county seat, the province)"
        )
    point = shapely.Point(lon, lat) if lon is not None and lat is not None else None
    unchanged = (
        point is not None
        and _is_same_point(mine, point.x, point.y)
        and precision == mine.location_precision
        and row.note is None
        and (
            (row.source_url is None and row.source_quote is None)
            or _has_source(mine, row.source_url, row.source_quote)
        )
    )
    if unchanged:
        return [], None
    if row.source_url is None:
        problems.append(
            "source_url is empty: give the address of the page, report or database your "
            "coordinates come from"
        )
    if row.source_quote is None:
        problems.append(
            "source_quote is empty: copy the short passage of the source that gives the "
            "position (coordinates, a named place)"
        )
    place = _place_problem(mine, point) if point is not None else None
    if place:
        problems.append(place)
    if problems:
        return problems, None
    change = {
        "point": point,
        "precision": precision,
        "url": row.source_url,
        "quote": row.source_quote,
        "note": row.note,
    }
    return problems, change


def check(mines: gpd.GeoDataFrame, table: pd.DataFrame) -> dict[int, dict[str, Any]]:
    """Check every row; return the changes by mine position, or raise listing every bad row."""
    precisions = allowed_precisions()
    ids = [str(i) for i in mines["id"]]
    position = {mine_id: i for i, mine_id in enumerate(ids)}
    first_row: dict[str, str] = {}
    problems: list[str] = []
    changes: dict[int, dict[str, Any]] = {}
    for label, row in zip(table.index, table.itertuples(index=False), strict=True):
        mine_id = cell(row.id)
        where = f"{label} (id {mine_id!r})" if mine_id is not None else str(label)
        if mine_id is None:
            problems.append(
                f"{where}: the id is empty. Give the mine's id, e.g. 'sd-sanshandao' "
                f"({HOW_TO_START})."
            )
            continue
        if mine_id not in position:
            close = difflib.get_close_matches(mine_id, ids, n=3, cutoff=0.6)
            hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
            problems.append(
                f"{where}: {mine_id!r} is not the id of a key mine.{hint} The ids are in "
                f"the template ({HOW_TO_START})."
            )
            continue
        if mine_id in first_row:
            problems.append(
                f"{where}: the mine {mine_id!r} is corrected again (first on "
                f"{first_row[mine_id]}). Keep one row per mine: delete the other."
            )
            continue
        first_row[mine_id] = str(label)
        mine = next(mines.iloc[[position[mine_id]]].itertuples())
        row_problems, change = _row_problems(row, mine, precisions)
        problems += [f"{where}: {p.rstrip('.')}." for p in row_problems]
        if change is not None and not row_problems:
            changes[position[mine_id]] = change
    if problems:
        name = table.attrs.get("source_name", "corrections")
        raise CorrectionError(
            f"{len(problems)} problem(s) in the corrections {name!r}; nothing was applied. "
            "Fix these rows and try again:\n" + "\n".join(f"  {p}" for p in problems),
            problems,
            kind="corrections_rows",
            name=name,
            count=len(problems),
        )
    return changes
