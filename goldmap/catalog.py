"""List goldmap's layers and load them as GeoDataFrames in EPSG:4326."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from goldmap._resources import data_path
from goldmap.errors import LayerNotFoundError
from goldmap.names import normalize_name

__all__ = ["LAYERS", "LayerSpec", "county_names", "describe_layers", "layers", "load"]


@dataclass(frozen=True)
class LayerSpec:
    """Where a layer's file lives and how to present it."""

    name: str
    path: tuple[str, ...]
    title_en: str
    title_zh: str
    description: str
    display_path: tuple[str, ...] | None = None


LAYERS: dict[str, LayerSpec] = {
    spec.name: spec
    for spec in (
        LayerSpec(
            "key_mines",
            ("mines", "key_mines.geojson"),
            "Key mines",
            "重点开发矿山",
            "The 35 key mines for development named in Column 1 of the gold plan (points).",
        ),
        LayerSpec(
            "exploration_areas",
            ("regions", "exploration_areas.geojson"),
            "Key exploration areas",
            "重点资源勘探区域",
            "The 8 key resource exploration areas of Column 1 (polygons).",
        ),
        LayerSpec(
            "development_areas",
            ("regions", "development_areas.geojson"),
            "Key development areas",
            "重点资源开发区域",
            "The 7 key resource development areas of Column 1 (polygons).",
        ),
        LayerSpec(
            "area_deposits",
            ("regions", "area_deposits.geojson"),
            "Reference deposits of the plan areas",
            "重点区域代表性矿床",
            "Well-known deposits inside each plan area, with sourced locations (points).",
        ),
        LayerSpec(
            "consolidation_provinces",
            ("regions", "consolidation_provinces.geojson"),
            "Gold-mining consolidation provinces",
            "重点黄金矿区资源整合省份",
            "Provinces whose key gold mining areas the plan's section (五) asks to consolidate.",
        ),
        LayerSpec(
            "copper_bases",
            ("regions", "copper_bases.geojson"),
            "Copper resource bases",
            "铜资源基地",
            "Provinces named as copper resource bases in the copper plan 2025-2027.",
        ),
        LayerSpec(
            "provinces",
            ("boundaries", "provinces.parquet"),
            "Provinces",
            "省级行政区",
            "34 province-level units, official Tianditu boundaries.",
            ("boundaries", "provinces_display.parquet"),
        ),
        LayerSpec(
            "counties",
            ("boundaries", "counties.parquet"),
            "County-level units",
            "县级行政区",
            "Every county-level unit of the official Tianditu boundaries.",
            ("boundaries", "counties_display.parquet"),
        ),
        # Context for maps with no basemap (data/context/, built by scripts/build_context.py).
        LayerSpec(
            "cities",
            ("context", "cities.geojson"),
            "Prefecture-level seats",
            "地级行政中心",
            "Seats of the prefecture-level units, capitals ranked; GeoNames points (points).",
        ),
        LayerSpec(
            "rivers",
            ("context", "rivers.geojson"),
            "Major rivers",
            "主要河流",
            "Major rivers, GSHHG/WDBII, simplified (lines).",
        ),
        LayerSpec(
            "lakes",
            ("context", "lakes.geojson"),
            "Lakes",
            "湖泊",
            "Lakes of at least 250 km², GSHHG, simplified (polygons).",
        ),
        LayerSpec(
            "nine_dash_line",
            ("context", "nine_dash_line.geojson"),
            "Nine-dash line",
            "九段线",
            "The nine-dash line in the South China Sea, Tianditu (lines).",
        ),
        LayerSpec(
            "land",
            ("context", "land.geojson"),
            "Land",
            "陆地",
            "Land of East Asia, Natural Earth 1:50m, simplified: the neighbours (polygons).",
        ),
    )
}


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


def _spec(name: str) -> LayerSpec:
    if not isinstance(name, str) or name not in LAYERS:
        raise LayerNotFoundError(
            f"Unknown layer {name!r}. Available layers: {', '.join(LAYERS)}. "
            "List them with goldmap.layers() or `goldmap layers`."
        )
    return LAYERS[name]


@functools.cache
def _read(parts: tuple[str, ...]) -> gpd.GeoDataFrame:
    path = data_path(*parts)
    if path.suffix == ".parquet":
        return gpd.read_parquet(path)
    # Read GeoJSON with the json module so that list and object properties (sources,
    # commodities) stay Python lists and dicts instead of becoming JSON strings.
    with path.open(encoding="utf-8") as f:
        collection = json.load(f)
    frame = gpd.GeoDataFrame.from_features(collection["features"], crs="EPSG:4326")
    columns = [c for c in _property_order(collection) if c in frame.columns]
    return frame[[*columns, "geometry"]]


def _property_order(collection: dict[str, object]) -> list[str]:
    features = collection.get("features") or []
    assert isinstance(features, list)
    order: list[str] = []
    for feature in features:
        for key in feature.get("properties") or {}:
            if key not in order:
                order.append(key)
    return order


def load(name: str, *, simplified: bool = False) -> gpd.GeoDataFrame:
    """Load a layer as a GeoDataFrame in EPSG:4326.

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
    spec = _spec(name)
    parts = spec.display_path if simplified and spec.display_path else spec.path
    return _read(parts).copy()


@functools.cache
def _county_table() -> pd.DataFrame:
    columns = ["adcode", "name_zh", "name_zh_short", "name_en", "province_zh", "province_adcode"]
    table = pd.read_parquet(data_path("boundaries", "counties.parquet"), columns=columns)
    table["key_zh"] = table["name_zh"].map(normalize_name)
    table["key_en"] = table["name_en"].map(_english_key)
    return table


_COUNTY_WORDS = ("autonomous", "county", "city", "district", "banner", "administrative")


def _english_key(name_en: str) -> str:
    words = [w for w in name_en.split() if w.lower() not in _COUNTY_WORDS]
    return normalize_name(" ".join(words))


def county_names() -> pd.DataFrame:
    """Return the county-level units' names and adcodes, without geometry.

    Returns
    -------
    pandas.DataFrame
        Columns ``adcode``, ``name_zh``, ``name_zh_short``, ``name_en``, ``province_zh``,
        ``province_adcode`` and the matching keys ``key_zh``, ``key_en``.
    """
    return _county_table().copy()
