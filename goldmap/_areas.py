"""Derive each plan area's polygon from its written definition (the union of named counties).

The definitions under ``data/regions/definitions/`` are the source of truth: the build
script writes the layers from them, and :mod:`goldmap.validate` re-derives every polygon
here to check that the shipped layers still match.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
import yaml

from goldmap._resources import read_packaged
from goldmap.crs import EQUAL_AREA_CRS, WGS84
from goldmap.names import resolve_county

__all__ = ["OFFSHORE_RADIUS_M", "area_definitions", "area_geometry", "read_yaml", "unit_adcodes"]

#: Offshore deposits are joined to their area through the sea: the water inside the convex
#: hull of the area's land units and the offshore deposits, plus this radius around each.
OFFSHORE_RADIUS_M = 2000.0


def read_yaml(path: Path) -> Any:
    """Return the parsed YAML file at ``path``."""
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def _read_definitions(folder: Path) -> list[dict[str, Any]]:
    files = sorted(folder.glob("*.yaml"))
    if not files:  # a missing or emptied folder would read as "no areas"
        raise FileNotFoundError(folder)
    return [read_yaml(p) for p in files]


def area_definitions() -> list[dict[str, Any]]:
    """Return the plan-area definitions, exploration areas first, each sorted by id."""
    records = read_packaged(_read_definitions, "regions", "definitions")
    return sorted(records, key=lambda r: (r["kind"] != "exploration", r["id"]))


def unit_adcodes(definition: dict[str, Any]) -> list[int]:
    """Return the adcodes of an area definition's county-level units, in order."""
    return [resolve_county(u["county"], province=u["province"]) for u in definition["units"]]


def area_geometry(definition: dict[str, Any], counties: gpd.GeoDataFrame) -> shapely.Geometry:
    """Derive an area's polygon from its definition.

    The union of its county-level units (only the largest polygon of a unit marked
    ``part: main``), cut to its ``clip`` box when one is given, joined through the sea to any
    offshore test deposits.

    Parameters
    ----------
    definition : dict
        One parsed area definition.
    counties : geopandas.GeoDataFrame
        The full-detail county layer.

    Returns
    -------
    shapely.Geometry
        A valid (Multi)Polygon in EPSG:4326.
    """
    shapes = counties.set_index("adcode").geometry
    parts = []
    for unit, adcode in zip(definition["units"], unit_adcodes(definition), strict=True):
        shape = shapes[adcode]
        if unit.get("part") == "main":
            # Only the unit's largest polygon: leaves out exclaves far from the area.
            shape = max(shapely.get_parts(shape), key=shapely.area)
        parts.append(shape)
    geometry: shapely.Geometry = shapely.union_all(parts)
    clip = definition.get("clip")
    if clip:
        geometry = shapely.intersection(geometry, shapely.box(*clip["bbox"]))
    offshore = [
        shapely.Point(d["lon"], d["lat"])
        for d in definition.get("test_deposits") or []
        if d.get("offshore")
    ]
    if offshore:
        geometry = _join_offshore(geometry, offshore, counties)
    return shapely.make_valid(geometry)


def _join_offshore(
    land: shapely.Geometry, points: list[shapely.Point], counties: gpd.GeoDataFrame
) -> shapely.Geometry:
    frame = gpd.GeoSeries([land, *points], crs=WGS84).to_crs(EQUAL_AREA_CRS)
    hull = shapely.union_all(
        [
            shapely.convex_hull(shapely.union_all(frame.values)),
            *[p.buffer(OFFSHORE_RADIUS_M) for p in frame.values[1:]],
        ]
    )
    hull_wgs = gpd.GeoSeries([hull], crs=EQUAL_AREA_CRS).to_crs(WGS84).iloc[0]
    nearby = counties[counties.intersects(hull_wgs)]
    sea = shapely.difference(hull_wgs, shapely.union_all(nearby.geometry.values))
    return shapely.union_all([land, sea])
