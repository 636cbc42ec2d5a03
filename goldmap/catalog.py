"""List goldmap's layers, load them as GeoDataFrames in EPSG:4326, and find a plan area."""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import pyproj

from goldmap._geojson import read_feature_collection
from goldmap._resources import read_packaged
from goldmap.crs import WGS84
from goldmap.errors import LayerNotFoundError, NameNotFoundError

__all__ = [
    "LAYERS",
    "LayerGroup",
    "LayerSpec",
    "describe_layers",
    "find_area",
    "layer_spec",
    "layers",
    "layers_in",
    "load",
]


class LayerGroup(enum.Flag):
    """The roles a layer plays; every list of layers elsewhere is asked of these flags."""

    NONE = 0
    #: A layer of the plans (exported when no layer is named).
    PLAN = enum.auto()
    #: One of the 15 Column 1 areas (locate, zonal statistics, province summary).
    PLAN_AREA = enum.auto()
    #: Drawable by ``make_map`` over the provinces.
    MAP = enum.auto()
    #: Drawn when no layer is named.
    MAP_DEFAULT = enum.auto()
    #: Official administrative boundaries.
    BOUNDARY = enum.auto()
    #: Context for maps with no basemap (cities, rivers, lakes ...).
    CONTEXT = enum.auto()


@dataclass(frozen=True)
class LayerSpec:
    """Where a layer's file lives, how to present it, and the groups it belongs to."""

    name: str
    path: tuple[str, ...]
    title_en: str
    title_zh: str
    description: str
    display_path: tuple[str, ...] | None = None
    groups: LayerGroup = LayerGroup.NONE
    #: Drawing order on maps, bottom first.
    draw_rank: int = 0


LAYERS: dict[str, LayerSpec] = {
    spec.name: spec
    for spec in (
        LayerSpec(
            "key_mines",
            ("mines", "key_mines.geojson"),
            "Key mines",
            "重点开发矿山",
            "The 35 key mines for development named in Column 1 of the gold plan (points).",
            groups=LayerGroup.PLAN | LayerGroup.MAP | LayerGroup.MAP_DEFAULT,
            draw_rank=60,
        ),
        LayerSpec(
            "exploration_areas",
            ("regions", "exploration_areas.geojson"),
            "Key exploration areas",
            "重点资源勘探区域",
            "The 8 key resource exploration areas of Column 1 (polygons).",
            groups=LayerGroup.PLAN | LayerGroup.PLAN_AREA | LayerGroup.MAP | LayerGroup.MAP_DEFAULT,
            draw_rank=30,
        ),
        LayerSpec(
            "development_areas",
            ("regions", "development_areas.geojson"),
            "Key development areas",
            "重点资源开发区域",
            "The 7 key resource development areas of Column 1 (polygons).",
            groups=LayerGroup.PLAN | LayerGroup.PLAN_AREA | LayerGroup.MAP | LayerGroup.MAP_DEFAULT,
            draw_rank=40,
        ),
        LayerSpec(
            "area_deposits",
            ("regions", "area_deposits.geojson"),
            "Reference deposits of the plan areas",
            "重点区域代表性矿床",
            "Well-known deposits inside each plan area, with sourced locations (points).",
            groups=LayerGroup.PLAN | LayerGroup.MAP,
            draw_rank=50,
        ),
        LayerSpec(
            "consolidation_provinces",
            ("regions", "consolidation_provinces.geojson"),
            "Gold-mining consolidation provinces",
            "重点黄金矿区资源整合省份",
            "Provinces whose key gold mining areas the plan's section (五) asks to consolidate.",
            groups=LayerGroup.PLAN | LayerGroup.MAP,
            draw_rank=10,
        ),
        LayerSpec(
            "copper_bases",
            ("regions", "copper_bases.geojson"),
            "Copper resource bases",
            "铜资源基地",
            "Provinces named as copper resource bases in the copper plan 2025-2027.",
            groups=LayerGroup.PLAN | LayerGroup.MAP,
            draw_rank=20,
        ),
        LayerSpec(
            "provinces",
            ("boundaries", "provinces.parquet"),
            "Provinces",
            "省级行政区",
            "34 province-level units, official Tianditu boundaries.",
            ("boundaries", "provinces_display.parquet"),
            groups=LayerGroup.BOUNDARY,
        ),
        LayerSpec(
            "counties",
            ("boundaries", "counties.parquet"),
            "County-level units",
            "县级行政区",
            "Every county-level unit of the official Tianditu boundaries.",
            ("boundaries", "counties_display.parquet"),
            groups=LayerGroup.BOUNDARY,
        ),
        # Context for maps with no basemap (data/context/, built by scripts/build_context.py).
        LayerSpec(
            "cities",
            ("context", "cities.geojson"),
            "Prefecture-level seats",
            "地级行政中心",
            "Seats of the prefecture-level units, capitals ranked; GeoNames points (points).",
            groups=LayerGroup.CONTEXT,
        ),
        LayerSpec(
            "rivers",
            ("context", "rivers.geojson"),
            "Major rivers",
            "主要河流",
            "Major rivers, GSHHG/WDBII, simplified (lines).",
            groups=LayerGroup.CONTEXT,
        ),
        LayerSpec(
            "lakes",
            ("context", "lakes.geojson"),
            "Lakes",
            "湖泊",
            "Lakes of at least 250 km², GSHHG, simplified (polygons).",
            groups=LayerGroup.CONTEXT,
        ),
        LayerSpec(
            "nine_dash_line",
            ("context", "nine_dash_line.geojson"),
            "Nine-dash line",
            "九段线",
            "The nine-dash line in the South China Sea, Tianditu (lines).",
            groups=LayerGroup.CONTEXT,
        ),
        LayerSpec(
            "land",
            ("context", "land.geojson"),
            "Land",
            "陆地",
            "Land of East Asia, Natural Earth 1:50m, simplified: the neighbours (polygons).",
            groups=LayerGroup.CONTEXT,
        ),
    )
}


def layers_in(group: LayerGroup) -> tuple[str, ...]:
    """Return the layers in ``group``, in drawing order for map groups, else table order.

    Parameters
    ----------
    group : LayerGroup
        One flag (or several: a layer in any of them counts).

    Returns
    -------
    tuple of str
        Layer names.

    Examples
    --------
    >>> layers_in(LayerGroup.PLAN_AREA)
    ('exploration_areas', 'development_areas')
    """
    chosen = [spec for spec in LAYERS.values() if spec.groups & group]
    if group & (LayerGroup.MAP | LayerGroup.MAP_DEFAULT):
        chosen.sort(key=lambda spec: spec.draw_rank)
    return tuple(spec.name for spec in chosen)


def layers() -> list[str]:
    """Return the names of the layers :func:`load` accepts.

    Returns
    -------
    list of str
        Layer names, plan layers first.

    Examples
    --------
    >>> "key_mines" in layers()
    True
    """
    return list(LAYERS)


def describe_layers() -> pd.DataFrame:
    """Return one row per layer: name, English and Chinese title, description.

    Returns
    -------
    pandas.DataFrame
        Columns ``name``, ``title_en``, ``title_zh``, ``description``.
    """
    return pd.DataFrame(
        [(s.name, s.title_en, s.title_zh, s.description) for s in LAYERS.values()],
        columns=["name", "title_en", "title_zh", "description"],
    )


def layer_spec(name: str) -> LayerSpec:
    """Return the :class:`LayerSpec` of layer ``name``.

    Raises
    ------
    LayerNotFoundError
        When ``name`` is not a layer; the message lists the layers.
    """
    if not isinstance(name, str) or name not in LAYERS:
        raise LayerNotFoundError(
            f"Unknown layer {name!r}. Available layers: {', '.join(LAYERS)}. "
            "List them with goldmap.layers() or `goldmap layers`."
        )
    return LAYERS[name]


@functools.cache
def _read(parts: tuple[str, ...]) -> gpd.GeoDataFrame:
    if parts[-1].endswith(".parquet"):
        return read_packaged(gpd.read_parquet, *parts)
    return _integer_codes(
        read_packaged(lambda path: read_feature_collection(path, _wgs84()), *parts)
    )


def _integer_codes(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Keep administrative codes whole numbers: nullable integers where some are missing.

    JSON gives ``370683`` and ``null``; pandas would make the column float ("370683.0" in a
    CSV, a failed join on the six-digit code).
    """
    for column in frame.columns:
        if column.endswith("adcode") and frame[column].dtype.kind == "f":
            frame[column] = frame[column].astype("Int64")
    return frame


@functools.cache
def _wgs84() -> pyproj.CRS:
    # One object for every layer: a CRS built from its name costs milliseconds each time,
    # and geopandas would build one per frame and per column set.
    return pyproj.CRS.from_user_input(WGS84)


def load(name: str, *, simplified: bool = False) -> gpd.GeoDataFrame:
    """Load a packaged layer as published, as a GeoDataFrame in EPSG:4326.

    :func:`goldmap.load` is this with a user's corrections merged in when given; the
    library's own modules read the layers through this function.

    Parameters
    ----------
    name : str
        One of :func:`layers`: ``key_mines``, ``exploration_areas``, ``development_areas``,
        ``consolidation_provinces``, ``copper_bases``, ``provinces``, ``counties``.
    simplified : bool, default False
        For ``provinces`` and ``counties``: the display copy, simplified with neighbours
        keeping shared edges (tolerance in ``data/boundaries/manifest.json``). Other layers
        are returned as they are.

    Returns
    -------
    geopandas.GeoDataFrame
        A fresh copy each call: changing it never changes what the next call returns.

    Raises
    ------
    LayerNotFoundError
        When ``name`` is not a layer.

    Examples
    --------
    >>> mines = load("key_mines")
    >>> mines.crs.to_epsg()
    4326
    """
    spec = layer_spec(name)
    parts = spec.display_path if simplified and spec.display_path else spec.path
    return _read(parts).copy()


#: The columns a plan area is found by, in the order they are tried.
_AREA_KEYS = ("id", "name_zh", "name_en", "name_plan_en")


def find_area(name: str) -> gpd.GeoDataFrame:
    """Return the plan area ``name``: its id, Chinese, English or plan-English name.

    Case and surrounding spaces are ignored; the id is tried first, then the names.

    Parameters
    ----------
    name : str
        ``"dev-shandong-laizhou-zhaoyuan"``, ``"山东莱州-招远"``, ``"Laizhou-Zhaoyuan, Shandong"``
        or ``"Laizhou-Zhaoyuan in Shandong"``.

    Returns
    -------
    geopandas.GeoDataFrame
        The area's row of ``exploration_areas`` or ``development_areas``, in EPSG:4326, a
        fresh copy with a fresh index.

    Raises
    ------
    NameNotFoundError
        When ``name`` is no plan area's id or name; the message lists the ids.

    Examples
    --------
    >>> find_area("山东莱州-招远")["id"].tolist()
    ['dev-shandong-laizhou-zhaoyuan']
    """
    areas = pd.concat([load(layer) for layer in layers_in(LayerGroup.PLAN_AREA)])
    key = str(name).strip().casefold()
    for column in _AREA_KEYS:
        hits = areas[areas[column].astype(str).str.strip().str.casefold() == key]
        if not hits.empty:
            return hits.reset_index(drop=True)
    raise NameNotFoundError(
        f"Unknown plan area {name!r}. Give an area id or its Chinese/English name; the ids "
        f"are: {', '.join(areas['id'])}. List them with goldmap.load('exploration_areas') "
        "and goldmap.load('development_areas')."
    )
