"""Draw goldmap's layers on interactive folium maps that work with no internet.

:func:`make_map` draws the provinces as a light base, then the plan areas and the key mines;
the ``add_*`` builders compose onto any folium map. Plumbing: ``_layer_rows`` (a layer's
values, geometry, popups and styles, read once), ``_popups`` (tooltip and popup HTML,
escaped), ``_leaflet`` (compact GeoJSON layers, legend, CSS), ``_assets`` (Leaflet from the
local xstatic-leaflet package, never a CDN), ``_basemaps`` (the basemap table, the Tianditu
key, the GCJ-02 display shift); ``context`` draws rivers, lakes and cities.
"""

from __future__ import annotations

from goldmap.maps._assets import write_assets
from goldmap.maps._basemaps import BASEMAPS, Basemap, get_basemap
from goldmap.maps.base import Map, OverlayGroup
from goldmap.maps.build import (
    DEFAULT_LAYERS,
    MAP_LAYERS,
    add_basemap,
    add_layer,
    add_provinces,
    blank_map,
    filter_layer,
    make_map,
    to_html,
)
from goldmap.maps.choropleth import SCHEMES, Choropleth, add_choropleth
from goldmap.maps.context import add_context
from goldmap.maps.overlays import overlay_group, overlay_groups

__all__ = [
    "BASEMAPS",
    "DEFAULT_LAYERS",
    "MAP_LAYERS",
    "SCHEMES",
    "Basemap",
    "Choropleth",
    "Map",
    "OverlayGroup",
    "add_basemap",
    "add_choropleth",
    "add_context",
    "add_layer",
    "add_provinces",
    "blank_map",
    "filter_layer",
    "get_basemap",
    "make_map",
    "overlay_group",
    "overlay_groups",
    "to_html",
    "write_assets",
]
