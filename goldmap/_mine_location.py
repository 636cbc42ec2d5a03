"""What a key mine's point stands for: known or not, how uncertain, shared with whom.

The key-mine layer carries five fields derived from each mine's ``location_precision``,
county and point, computed here in one place for the build (``scripts/_layers.py``) and for
a user's corrections (:mod:`goldmap.corrections`):

``location_known``
    False when only the province is known; such a mine has no point (an empty geometry).
``location_uncertainty_km``
    The radius within which the mine is expected, derived per mine from evidence
    (:func:`uncertainty`): the precision class's value is a floor; a county stand-in's
    radius reaches the farthest edge of its county; a distance or extent the sources state
    widens it.
``uncertainty_basis_en``, ``uncertainty_basis_zh``
    How that radius was derived, in English and Chinese.
``shares_point_with``
    The ids of the other mines drawn at exactly the same point (a shared stand-in point).
``stands_for_zh``, ``stands_for_en``
    What the point stands for ("莱州市代表点——矿山位于该县内某处"); empty for a point that
    marks the orebody or the mine site.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.ops
from pyproj import Geod

from goldmap.crs import EQUAL_AREA_CRS, WGS84

__all__ = [
    "LOCATION_FIELDS",
    "OFFSHORE_TOLERANCE_KM",
    "UNCERTAINTY_KM",
    "county_reach_km",
    "distance_km",
    "location_fields",
    "shared_point_groups",
    "stands_for",
    "uncertainty",
]

#: An offshore deposit must lie within this distance of its province's coast (the rule of
#: ``goldmap validate`` and of a correction's check).
OFFSHORE_TOLERANCE_KM = 25.0

#: Radius, in km, within which a mine is expected given its ``location_precision`` (the
#: ``location_uncertainty_km`` of the layer; the classes are explained in data/README.md).
#: deposit: a published orebody coordinate, good to about a kilometre; mine_site: a plant,
#: shaft or permit area spans a few km; town: the point of a township (a Chinese 镇/乡/街道
#: covers some 50-300 km²) and the mine may lie at its edge; county: about the radius of a
#: typical county-level unit (2,000-3,000 km²), measured from its seat or representative
#: point; province: only the province is known, so the radius of a mid-sized province.
UNCERTAINTY_KM: dict[str, float] = {
    "deposit": 1.0,
    "mine_site": 3.0,
    "town": 10.0,
    "county": 30.0,
    "province": 300.0,
}

#: The derived fields, in the order the layer carries them (after ``offshore``).
LOCATION_FIELDS: tuple[str, ...] = (
    "location_known",
    "location_uncertainty_km",
    "uncertainty_basis_en",
    "uncertainty_basis_zh",
    "shares_point_with",
    "stands_for_zh",
    "stands_for_en",
)


def distance_km(point: shapely.Geometry, shape: shapely.Geometry) -> float:
    """Return the distance in km from a longitude/latitude point to a shape (0 inside it).

    The nearest point of the shape is found in the China Albers projection; the distance to
    it is geodesic on the WGS84 ellipsoid, like every other distance goldmap reports. The
    offshore rule of ``goldmap validate`` and of a correction's check both measure with it
    against :data:`OFFSHORE_TOLERANCE_KM`.

    Examples
    --------
    >>> round(distance_km(shapely.Point(120, 31), shapely.Point(120, 30)))
    111
    """
    from pyproj import Geod

    pair = gpd.GeoSeries([point, shape], crs=WGS84).to_crs(EQUAL_AREA_CRS)
    if pair.iloc[1].covers(pair.iloc[0]):
        return 0.0
    ends = gpd.GeoSeries(shapely.ops.nearest_points(pair.iloc[0], pair.iloc[1]), crs=EQUAL_AREA_CRS)
    a, b = ends.to_crs(WGS84)
    return float(Geod(ellps="WGS84").inv(a.x, a.y, b.x, b.y)[2] / 1000)


def _has_point(geometry: Any) -> bool:
    return geometry is not None and not shapely.is_empty(geometry)


def shared_point_groups(geometries: Iterable[Any]) -> list[list[int]]:
    """Return, for each geometry, the positions of the *other* points exactly equal to it.

    Missing and empty geometries share with nothing.

    Examples
    --------
    >>> shared_point_groups([shapely.Point(1, 2), None, shapely.Point(1, 2), shapely.Point(3, 4)])
    [[2], [], [0], []]
    """
    shapes = list(geometries)
    at: dict[tuple[float, float], list[int]] = defaultdict(list)
    for i, shape in enumerate(shapes):
        if _has_point(shape) and shapely.get_dimensions(shape) == 0:
            at[(float(shape.x), float(shape.y))].append(i)
    out: list[list[int]] = [[] for _ in shapes]
    for members in at.values():
        for i in members:
            out[i] = [j for j in members if j != i]
    return out


def stands_for(
    precision: str,
    *,
    county: tuple[str | None, str | None] = (None, None),
    town: tuple[str | None, str | None] = (None, None),
    province: tuple[str | None, str | None] = (None, None),
    offshore: bool = False,
) -> tuple[str, str]:
    """Say, in Chinese and English, what a mine's point stands for.

    Parameters
    ----------
    precision : str
        The mine's ``location_precision``.
    county, town, province : tuple of (str or None, str or None)
        The Chinese and English names of the county, the town (for ``town`` precision) and
        the province.
    offshore : bool, default False
        The deposit lies under the sea off the point.

    Returns
    -------
    tuple of (str, str)
        Empty strings for ``deposit`` and ``mine_site``, whose point marks the mine itself.

    Examples
    --------
    >>> stands_for("county", county=("莱州市", "Laizhou City"))[1]
    'Laizhou City representative point — the mine is somewhere in this county'
    """
    if precision == "county":
        zh, en = county[0] or "县", county[1] or "County"
        if offshore:
            return (
                f"{zh}代表点——矿床位于该县近岸海域之下",
                f"{en} representative point — the deposit lies under the sea off this county",
            )
        return (
            f"{zh}代表点——矿山位于该县内某处",
            f"{en} representative point — the mine is somewhere in this county",
        )
    if precision == "town":
        zh, en = town[0] or "城镇", town[1] or "Town"
        if offshore:
            return (
                f"{zh}岸边代表点——矿床位于其近岸海域之下",
                f"{en} shore point — the deposit lies under the sea off this place",
            )
        return (
            f"{zh}代表点——矿山位于该镇内或附近",
            f"{en} representative point — the mine is in or near this town",
        )
    if precision == "province":
        zh, en = province[0] or "该省", province[1] or "its province"
        return (
            f"位置未知——仅知矿山位于{zh}，不画点",
            f"Location unknown — only the province ({en}) is known; not drawn as a point",
        )
    return "", ""


_PRECISION_WORDS = {
    "deposit": ("矿床坐标", "deposit coordinate"),
    "mine_site": ("矿山/矿区位置", "mine site"),
    "town": ("乡镇代表点", "town point"),
    "county": ("县级代表点", "county stand-in"),
    "province": ("仅知省份", "province only"),
}
_GEOD = Geod(ellps="WGS84")


def county_reach_km(point: shapely.Point, county: Any) -> float:
    """Return the geodesic distance from ``point`` to the farthest edge of ``county``, in km.

    The farthest point of a polygon from a point is one of its vertices, so the outline's
    vertices (every part, holes aside) are measured on the WGS84 ellipsoid. Rounded up to
    a whole kilometre, so that the circle of that radius holds the whole county.
    """
    rings = shapely.get_exterior_ring(shapely.get_parts(county))
    xy = shapely.get_coordinates(rings)
    if len(xy) == 0:
        return 0.0
    _, _, metres = _GEOD.inv(
        np.full(len(xy), point.x), np.full(len(xy), point.y), xy[:, 0], xy[:, 1]
    )
    return float(math.ceil(float(np.max(metres)) / 1000.0))


def uncertainty(
    precision: str,
    *,
    point: Any = None,
    county: tuple[str | None, str | None, Any] = (None, None, None),
    evidence: Mapping[str, Any] | None = None,
) -> tuple[float | None, str, str]:
    """Derive a mine's uncertainty radius from the evidence, and say how, in both languages.

    The radius is the largest of: the precision class's value (:data:`UNCERTAINTY_KM`, a
    floor); for a ``county`` stand-in, the distance from the point to the farthest edge of
    its county (:func:`county_reach_km`), so the circle holds the whole county; and a
    distance or extent the sources state (``evidence["km"]``) plus the stated margin
    (``evidence["margin_km"]``).

    Parameters
    ----------
    precision : str
        The mine's ``location_precision``.
    point : shapely.Point, optional
        The mine's point (None when only the province is known).
    county : tuple of (name_zh, name_en, polygon)
        The county the point stands for, with its outline (for ``county`` precision).
    evidence : mapping, optional
        ``km``, ``margin_km``, ``basis_en``, ``basis_zh``: what the mine's sources state.

    Returns
    -------
    tuple of (float or None, str, str)
        The radius in km, and the basis in English and Chinese.

    Examples
    --------
    >>> uncertainty("deposit", point=shapely.Point(120, 37))[:2]
    (1.0, 'deposit coordinate: at least 1 km (the class value); radius 1 km')
    """
    floor = UNCERTAINTY_KM.get(precision)
    if floor is None:
        return None, "", ""
    zh_word, en_word = _PRECISION_WORDS[precision]
    terms = [(floor, f"{en_word}: at least {floor:g} km (the class value)",
              f"{zh_word}：至少 {floor:g} 公里（类别值）")]  # fmt: skip
    name_zh, name_en, outline = county
    if precision == "county" and point is not None and outline is not None:
        reach = county_reach_km(point, outline)
        en = f"the farthest edge of {name_en or name_zh} lies {reach:g} km from the point"
        zh = f"{name_zh or name_en}边界最远处距该点 {reach:g} 公里"
        terms.append((reach, f"{en}, so the circle holds the whole county", f"{zh}，圆覆盖全县"))
    if evidence and evidence.get("km") is not None:
        stated = float(evidence["km"]) + float(evidence.get("margin_km") or 0)
        terms.append((stated, f"{evidence['basis_en']} ({stated:g} km)",
                      f"{evidence['basis_zh']}（{stated:g} 公里）"))  # fmt: skip
    radius = max(t[0] for t in terms)
    return (
        radius,
        "; ".join(t[1] for t in terms) + f"; radius {radius:g} km",
        "；".join(t[2] for t in terms) + f"；半径 {radius:g} 公里",
    )


def _counties(adcodes: Iterable[Any]) -> dict[int, tuple[str, str, Any]]:
    """Return each county's Chinese and English name and its (full-resolution) outline."""
    from goldmap.catalog import load

    wanted = {int(a) for a in adcodes if not pd.isna(a)}
    if not wanted:
        return {}
    counties = load("counties")
    rows = counties[counties["adcode"].astype(int).isin(wanted)]
    return {
        int(a): (str(zh), str(en), shape)
        for a, zh, en, shape in zip(
            rows["adcode"], rows["name_zh"], rows["name_en"], rows.geometry, strict=True
        )
    }


def location_fields(
    frame: gpd.GeoDataFrame,
    *,
    towns: Mapping[str, tuple[str | None, str | None]] | None = None,
    evidence: Mapping[str, Mapping[str, Any]] | None = None,
    rows: Sequence[int] | None = None,
) -> gpd.GeoDataFrame:
    """Return a copy of the key mines with the fields of :data:`LOCATION_FIELDS` derived.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Key mines with ``id``, ``location_precision``, ``province_zh``/``_en``,
        ``county_zh``/``county_adcode`` and ``offshore``.
    towns : mapping of id to (town_zh, town_en), optional
        The town each ``town``-precision mine's point is the point of.
    evidence : mapping of id to mapping, optional
        What each mine's sources state about where it may be (see :func:`uncertainty`).
    rows : sequence of int, optional
        Recompute uncertainty and what the point stands for only at these positions (the
        others keep theirs); ``location_known`` and ``shares_point_with`` are always
        recomputed for every mine, since moving one mine changes who shares a point.

    Returns
    -------
    geopandas.GeoDataFrame
        The copy, with the five fields after ``offshore`` when they were not there before.
    """
    out = frame.copy()
    ids = [str(i) for i in out["id"]]
    geometries = list(out.geometry)
    counties = _counties(out["county_adcode"]) if "county_adcode" in out else {}
    towns, evidence = towns or {}, evidence or {}
    fresh = not set(LOCATION_FIELDS) <= set(out.columns)
    todo = range(len(out)) if rows is None or fresh else rows
    if fresh:
        position = out.columns.get_loc("offshore") + 1 if "offshore" in out else len(out.columns)
        for offset, name in enumerate(LOCATION_FIELDS):
            if name not in out.columns:
                out.insert(int(position) + offset, name, None)
    out["location_known"] = [_has_point(g) for g in geometries]
    out["shares_point_with"] = [[ids[j] for j in js] for js in shared_point_groups(geometries)]
    columns = [
        out.columns.get_loc(c)
        for c in ("location_uncertainty_km", "uncertainty_basis_en", "uncertainty_basis_zh",
                  "stands_for_zh", "stands_for_en")
    ]  # fmt: skip
    for i in todo:
        row = out.iloc[i]
        precision = str(row["location_precision"])
        code = row.get("county_adcode")
        county = None if pd.isna(code) else counties.get(int(code))
        zh, en = stands_for(
            precision,
            county=(row.get("county_zh"), county[1] if county else None),
            town=towns.get(ids[i], (None, None)),
            province=(row.get("province_zh"), row.get("province_en")),
            offshore=bool(row.get("offshore", False)),
        )
        radius, basis_en, basis_zh = uncertainty(
            precision,
            point=geometries[i] if _has_point(geometries[i]) else None,
            county=county or (row.get("county_zh"), None, None),
            evidence=evidence.get(ids[i]),
        )
        for column, value in zip(columns, (radius, basis_en, basis_zh, zh, en), strict=True):
            out.iat[i, column] = value
    return out
