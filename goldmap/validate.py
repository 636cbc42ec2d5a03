"""Check goldmap's data: schema, geometry, sources, nesting, the plan's counts, statistics, targets.

Each check returns :class:`Problem` records instead of raising, so one run reports every
problem at once; ``goldmap validate`` prints them and exits non-zero when there are any.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from goldmap._mine_location import (
    LOCATION_FIELDS,
    OFFSHORE_TOLERANCE_KM,
    UNCERTAINTY_KM,
    county_reach_km,
    distance_km,
    shared_point_groups,
)
from goldmap._values import is_missing
from goldmap.catalog import LayerGroup, layers, layers_in, load
from goldmap.crs import EQUAL_AREA_CRS
from goldmap.errors import OptionError, PackageDataError
from goldmap.loading import load as load_layer
from goldmap.schema import SCHEMA_LAYERS, violations
from goldmap.stats import SOURCE_CHECKS, STATS_COLUMNS, load_stats

__all__ = ["EXPECTED_COUNTS", "Problem", "validate_data"]

logger = logging.getLogger(__name__)

#: The number of features the plan and the boundary source fix for each layer.
EXPECTED_COUNTS = {
    "key_mines": 35,
    "exploration_areas": 8,
    "development_areas": 7,
    "consolidation_provinces": 6,
    "copper_bases": 4,
    "provinces": 34,
}

MINE_FIELDS = (
    "id", "name_zh", "name_en", "name_plan_en", "province_zh", "province_en",
    "province_adcode", "county_zh", "county_adcode", "commodity", "operator",
    "location_precision", "sources", "notes", *LOCATION_FIELDS,
)  # fmt: skip
AREA_FIELDS = (
    "id", "kind", "name_zh", "name_en", "name_plan_en", "provinces_zh", "province_adcodes",
    "commodities", "method", "confidence", "area_km2", "plan_quote_zh", "sources",
)  # fmt: skip
BOUNDARY_FIELDS = ("adcode", "name_zh", "name_zh_short", "name_en")
PRECISIONS = ("deposit", "mine_site", "town", "county", "province")
CONFIDENCES = ("high", "medium", "low")

#: A county may stick out of its province by this share of its area (sliver tolerance of
#: the source) before it counts as not nested.
NESTING_TOLERANCE = 0.005
#: Stored area_km2 must match a fresh equal-area computation to this relative tolerance.
AREA_TOLERANCE = 0.01


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data."""

    layer: str
    feature: str
    message: str

    def __str__(self) -> str:
        return f"{self.layer}[{self.feature}]: {self.message}"


def _check_frame(
    name: str, frame: gpd.GeoDataFrame, fields: Iterable[str], *, unlocated: Any = ()
) -> list[Problem]:
    """Check CRS, fields, count, unique ids and geometries (``unlocated`` ids may have none)."""
    problems = []
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        problems.append(Problem(name, "*", f"CRS is {frame.crs}, expected EPSG:4326"))
    missing = [f for f in fields if f not in frame.columns]
    if missing:
        problems.append(Problem(name, "*", f"missing fields {missing}"))
    expected = EXPECTED_COUNTS.get(name)
    if expected is not None and len(frame) != expected:
        problems.append(Problem(name, "*", f"{len(frame)} features, the plan has {expected}"))
    key = "id" if "id" in frame.columns else "adcode"
    if key in frame.columns and not frame[key].is_unique:
        dupes = sorted(set(frame.loc[frame[key].duplicated(), key].astype(str)))
        problems.append(Problem(name, "*", f"duplicate {key}: {dupes}"))
    for label, geometry in zip(frame.get(key, frame.index), frame.geometry, strict=True):
        if geometry is None or geometry.is_empty:
            if label not in unlocated:
                problems.append(Problem(name, str(label), "empty geometry"))
        elif not geometry.is_valid:
            reason = shapely.is_valid_reason(geometry)
            problems.append(Problem(name, str(label), f"invalid geometry: {reason}"))
    return problems


def _check_sources(name: str, frame: gpd.GeoDataFrame) -> list[Problem]:
    problems = []
    for row in frame.itertuples():
        sources = row.sources if isinstance(row.sources, list) else []
        good = [s for s in sources if s.get("url") and s.get("quote")]
        if not good:
            problems.append(Problem(name, row.id, "no source with both url and quote"))
        elif len(good) != len(sources):
            problems.append(Problem(name, row.id, "a source lacks its url or quote"))
    return problems


def _check_boundaries() -> list[Problem]:
    provinces = load("provinces")
    counties = load("counties")
    problems = _check_frame("provinces", provinces, BOUNDARY_FIELDS)
    problems += _check_frame(
        "counties", counties, (*BOUNDARY_FIELDS, "prefecture_zh", "province_adcode")
    )
    unknown = set(counties["province_adcode"]) - set(provinces["adcode"])
    if unknown:
        problems.append(Problem("counties", "*", f"unknown province adcodes {sorted(unknown)}"))
    shapes = provinces.set_index("adcode").geometry
    parents = shapes.reindex(counties["province_adcode"]).values
    outside = shapely.area(shapely.difference(counties.geometry.values, parents))
    share = outside / np.maximum(shapely.area(counties.geometry.values), 1e-12)
    for row, value in zip(counties.itertuples(), share, strict=True):
        if value > NESTING_TOLERANCE:
            problems.append(
                Problem("counties", str(row.adcode), f"{value:.1%} lies outside its province")
            )
    return problems


def _check_mine_location(mines: gpd.GeoDataFrame) -> list[Problem]:
    """Check the derived location fields against the points and precisions they come from."""
    problems = []
    shared = shared_point_groups(mines.geometry)
    ids = [str(i) for i in mines["id"]]
    provinces = load("provinces")
    names = dict(zip(provinces["adcode"].astype(int), provinces["name_zh"], strict=True))
    counties = load("counties").set_index("adcode").geometry
    for row, others in zip(mines.itertuples(), shared, strict=True):
        has_point = row.geometry is not None and not row.geometry.is_empty
        if bool(row.location_known) != has_point:
            problems.append(
                Problem("key_mines", row.id, f"location_known {row.location_known} but "
                        f"{'a' if has_point else 'no'} point")
            )  # fmt: skip
        if row.location_precision == "province" and has_point and not row.corrected:
            problems.append(Problem("key_mines", row.id, "province precision with a point"))
        if names.get(int(row.province_adcode)) != row.province_zh:
            problems.append(
                Problem("key_mines", row.id, f"province {row.province_adcode} is not "
                        f"{row.province_zh}")
            )  # fmt: skip
        if sorted(row.shares_point_with) != sorted(ids[j] for j in others):
            problems.append(Problem("key_mines", row.id, "shares_point_with is not up to date"))
        problems += _uncertainty_problems(row, counties)
    return problems


def _uncertainty_problems(row: Any, counties: gpd.GeoSeries) -> list[Problem]:
    """Check a mine's radius against the evidence rule: class floor, whole county, a basis."""
    problems = []
    radius, precision = row.location_uncertainty_km, row.location_precision
    floor = UNCERTAINTY_KM.get(precision)
    if floor is not None and not radius >= floor:
        problems.append(
            Problem("key_mines", row.id, f"location_uncertainty_km {radius} is below the "
                    f"{precision} class value {floor:g} km")
        )  # fmt: skip
    code = row.county_adcode
    point = row.geometry
    if precision == "county" and not is_missing(code) and int(code) in counties.index:
        reach = county_reach_km(point, counties[int(code)])
        if not radius >= reach:
            problems.append(
                Problem("key_mines", row.id, f"location_uncertainty_km {radius} does not cover "
                        f"its county {row.county_zh}: its farthest edge lies {reach:g} km away")
            )  # fmt: skip
    if not row.uncertainty_basis_en or not row.uncertainty_basis_zh:
        problems.append(Problem("key_mines", row.id, "no uncertainty_basis for the radius"))
    return problems


def _check_mines(mines: gpd.GeoDataFrame | None = None) -> list[Problem]:
    mines = load("key_mines") if mines is None else mines
    if "corrected" not in mines.columns:
        mines = mines.assign(corrected=False)
    derived = set(LOCATION_FIELDS) <= set(mines.columns)
    unlocated = set(mines.loc[~mines["location_known"].astype(bool), "id"]) if derived else set()
    problems = _check_frame("key_mines", mines, MINE_FIELDS, unlocated=unlocated)
    problems += _check_sources("key_mines", mines)
    problems += _check_mine_location(mines) if derived else []
    provinces = load("provinces").set_index("adcode").geometry
    counties = load("counties").set_index("adcode").geometry
    for row in mines.itertuples():
        if row.location_precision not in PRECISIONS:
            problems.append(Problem("key_mines", row.id, f"precision {row.location_precision!r}"))
        point = row.geometry
        if point is None or point.is_empty:
            # Position unknown below the province: nothing to place, the province is checked
            # by _check_mine_location.
            continue
        if row.offshore:
            county = counties.get(row.county_adcode)
            if county is None:
                problems.append(Problem("key_mines", row.id, "offshore without a county"))
                continue
            km = distance_km(point, county)
            if km > OFFSHORE_TOLERANCE_KM:
                problems.append(
                    Problem("key_mines", row.id, f"offshore point {km:.1f} km from its county")
                )
            continue
        if not provinces[row.province_adcode].covers(point):
            problems.append(Problem("key_mines", row.id, f"not in {row.province_zh}"))
        if row.county_adcode is not None and row.county_adcode == row.county_adcode:
            county = counties.get(int(row.county_adcode))
            if county is None or not county.covers(point):
                problems.append(Problem("key_mines", row.id, f"not in county {row.county_zh}"))
    return problems


@dataclass(frozen=True)
class _AreaContext:
    """What every area check needs: boundaries, the written definitions, the test deposits."""

    provinces: Any
    counties: gpd.GeoDataFrame
    tree: shapely.STRtree
    definitions: dict[str, dict[str, Any]]
    deposits: gpd.GeoDataFrame | None


def _area_size_problems(name: str, row: Any, km2: float) -> list[Problem]:
    problems = []
    if row.confidence not in CONFIDENCES:
        problems.append(Problem(name, row.id, f"confidence {row.confidence!r}"))
    if not km2 or abs(row.area_km2 - km2) > AREA_TOLERANCE * km2:
        problems.append(Problem(name, row.id, f"area_km2 {row.area_km2} != {km2:.1f}"))
    if not 500 <= km2 <= 500_000:
        problems.append(Problem(name, row.id, f"implausible area {km2:,.0f} km²"))
    return problems


def _area_nesting_problems(name: str, row: Any, ctx: _AreaContext) -> list[Problem]:
    problems = []
    allowed = shapely.union_all([ctx.provinces[a] for a in row.province_adcodes])
    # Only land outside the named provinces counts: sea joined to offshore deposits
    # belongs to no province.
    outside = shapely.difference(row.geometry, allowed)
    near = ctx.counties.geometry.values[ctx.tree.query(outside, predicate="intersects")]
    stray_land = shapely.intersection(outside, shapely.union_all(near))
    stray = shapely.area(stray_land) / shapely.area(row.geometry)
    if stray > NESTING_TOLERANCE:
        problems.append(Problem(name, row.id, f"{stray:.1%} outside its provinces"))
    missing = set(row.province_adcodes) - {
        a for a in row.province_adcodes if row.geometry.intersects(ctx.provinces[a])
    }
    if missing:
        problems.append(Problem(name, row.id, f"does not reach provinces {missing}"))
    return problems


def _area_definition_problems(name: str, row: Any, ctx: _AreaContext) -> list[Problem]:
    from goldmap._areas import area_geometry

    definition = ctx.definitions.get(row.id)
    if definition is None:
        return [Problem(name, row.id, "no written definition")]
    problems = []
    rebuilt = area_geometry(definition, ctx.counties)
    difference = shapely.area(shapely.symmetric_difference(rebuilt, row.geometry))
    if difference > 1e-3 * max(shapely.area(rebuilt), 1e-12):
        problems.append(Problem(name, row.id, "geometry differs from its definition"))
    if ctx.deposits is not None:
        tests = ctx.deposits[ctx.deposits["area_id"] == row.id]
        if len(tests) < 2:
            problems.append(Problem(name, row.id, f"{len(tests)} test deposits, need 2"))
        problems += [
            Problem(name, row.id, f"{dep.name_zh} lies outside")
            for dep in tests.itertuples()
            if not row.geometry.covers(dep.geometry)
        ]
    return problems


def _check_areas() -> list[Problem]:
    from goldmap._areas import area_definitions

    counties = load("counties")
    deposits = load("area_deposits") if "area_deposits" in layers() else None
    ctx = _AreaContext(
        provinces=load("provinces").set_index("adcode").geometry,
        counties=counties,
        tree=shapely.STRtree(counties.geometry.values),
        definitions={d["id"]: d for d in area_definitions()},
        deposits=deposits,
    )
    problems: list[Problem] = []
    for name in layers_in(LayerGroup.PLAN_AREA):
        areas = load(name)
        problems += _check_frame(name, areas, AREA_FIELDS)
        problems += _check_sources(name, areas)
        fresh_km2 = areas.geometry.to_crs(EQUAL_AREA_CRS).area / 1e6
        for row, km2 in zip(areas.itertuples(), fresh_km2, strict=True):
            problems += _area_size_problems(name, row, km2)
            problems += _area_nesting_problems(name, row, ctx)
            problems += _area_definition_problems(name, row, ctx)
    if deposits is not None:
        problems += _check_sources(
            "area_deposits", deposits.assign(id=deposits["area_id"] + ":" + deposits["name_zh"])
        )
    return problems


def _check_province_layers() -> list[Problem]:
    problems = []
    for name in ("consolidation_provinces", "copper_bases"):
        frame = load(name)
        problems += _check_frame(name, frame, ("id", "name_zh", "name_en", "province_adcode"))
        problems += _check_sources(name, frame)
    return problems


def _check_schema(mines: gpd.GeoDataFrame | None = None) -> list[Problem]:
    """Check each plan layer against its published schema (data/schema/)."""
    problems = []
    for name in SCHEMA_LAYERS:
        frame = mines if name == "key_mines" and mines is not None else load(name)
        problems += [Problem(name, feature, text) for feature, text in violations(name, frame)]
    return problems


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _stat_row_problems(row: Any) -> list[str]:
    """Return what is wrong with one statistics row: its value, source or source check."""
    problems = []
    if not isinstance(row.value, int | float) or not math.isfinite(row.value):
        problems.append(f"value {row.value!r} is not a number")
    if is_missing(row.source_url) or not str(row.source_url).startswith("http"):
        problems.append("source_url is not a web address")
    if is_missing(row.source_quote):
        problems.append("source_quote is empty")
    checked, check = row.source_checked, row.source_check
    if not is_missing(check) and check not in SOURCE_CHECKS:
        problems.append(f"source_check {check!r} is not one of {', '.join(SOURCE_CHECKS)}")
    if not is_missing(checked) and not _DATE.match(str(checked)):
        problems.append(f"source_checked {checked!r} is not a date (YYYY-MM-DD)")
    if is_missing(check) != is_missing(checked):
        problems.append("source_check and source_checked are given together or not at all")
    if not is_missing(row.source_check_note) and is_missing(check):
        problems.append("source_check_note without a source_check")
    return problems


def _check_stats() -> list[Problem]:
    """Check the statistics table: its columns, and each row's value, source and check."""
    table = load_stats()
    missing = [c for c in STATS_COLUMNS if c not in table.columns]
    if missing:
        return [Problem("gold_statistics", "*", f"missing columns: {', '.join(missing)}")]
    return [
        Problem("gold_statistics", f"{row.adcode}:{row.indicator}:{row.year}", text)
        for row in table.itertuples()
        for text in _stat_row_problems(row)
    ]


def _check_dossier(mines: gpd.GeoDataFrame | None = None) -> list[Problem]:
    """Check the key-mine dossier and the layer's dossier columns built from it."""
    from goldmap import _dossier_checks as checks
    from goldmap._dossier import dossier_records
    from goldmap.exposure import companies

    mines = load("key_mines") if mines is None else mines
    records = dossier_records()
    found = checks.record_problems(records, mine_ids=mines["id"].tolist())
    found += checks.layer_problems(records, mines)
    found += checks.listed_company_problems(records, companies(mines=mines))
    return [Problem("key_mines_dossier", feature, text) for feature, text in found]


def _check_targets() -> list[Problem]:
    """Check the plan's targets as data against the plan's text and the statistics."""
    from goldmap._target_checks import target_problems

    return [Problem("targets", key, text) for key, text in target_problems(load_stats())]


CHECKS: dict[str, Callable[..., list[Problem]]] = {
    "boundaries": _check_boundaries,
    "key_mines": _check_mines,
    "areas": _check_areas,
    "province_layers": _check_province_layers,
    "schema": _check_schema,
    "stats": _check_stats,
    "dossier": _check_dossier,
    "targets": _check_targets,
}
#: The checks that take the key mines as corrected by a corrections file.
_MINE_CHECKS = ("key_mines", "schema", "dossier")


def validate_data(
    *, checks: Iterable[str] | None = None, corrections: object = None
) -> list[Problem]:
    """Check every packaged layer and return the problems found (empty when all is well).

    Parameters
    ----------
    checks : iterable of str, optional
        A subset of ``"boundaries"``, ``"key_mines"``, ``"areas"``, ``"province_layers"``,
        ``"schema"``, ``"stats"``, ``"dossier"``, ``"targets"``; all by default.
    corrections : path or DataFrame, optional
        A corrections file for the key mines (see ``goldmap.load``): the key-mine and schema
        checks then run on the corrected mines.

    Returns
    -------
    list of Problem
        Each names the layer, the feature and what is wrong.

    Raises
    ------
    GoldmapError
        When ``checks`` names an unknown check.
    CorrectionError
        When the corrections cannot be applied.
    PackageDataError
        When a packaged data file is missing or damaged (reinstall goldmap).

    Examples
    --------
    >>> validate_data(checks=["key_mines"])
    []
    """
    selected = list(CHECKS) if checks is None else list(checks)
    unknown = [c for c in selected if c not in CHECKS]
    if unknown:
        raise OptionError(f"Unknown checks {unknown}; choose from {list(CHECKS)}.")
    problems: list[Problem] = []
    mines = None
    if corrections is not None:
        mines = load_layer("key_mines", corrections=corrections)
    for name in selected:
        logger.info("checking %s", name)
        try:
            check = CHECKS[name]
            problems += check(mines) if mines is not None and name in _MINE_CHECKS else check()
        except PackageDataError:
            raise  # goldmap's own file is broken: one message, saying to reinstall
        except (OSError, KeyError) as err:
            problems.append(Problem(name, "*", f"could not be checked: {err}"))
    return problems
