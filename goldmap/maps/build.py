"""Draw goldmap's layers on interactive folium maps that work with no internet.

:func:`make_map` draws the provinces as a light base, then the plan areas and the key mines
as separate layers that can be switched on and off, with bilingual tooltips and popups, a
legend, an optional choropleth of a provincial statistic and an optional basemap. The
``add_*`` builders compose: each takes a map and returns it. Every text that comes from data
or from a user is HTML-escaped before it reaches the page. Leaflet is served from the local
``xstatic-leaflet`` package (see :mod:`goldmap.maps._assets`), never from a CDN.

Examples
--------
>>> import goldmap
>>> m = goldmap.make_map(lang="en")
>>> html = to_html(m)  # self-contained: opens offline
"""

from __future__ import annotations

import html
import logging
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import xyzservices

from goldmap.catalog import LAYERS, LayerGroup, layers_in, load
from goldmap.errors import ExportError, OptionError
from goldmap.io._files import check_output
from goldmap.maps._assets import apply_assets, write_assets
from goldmap.maps._leaflet import (
    LAND_COLOR,
    GeoLayer,
    add_below_controls,
    child_names,
    display_geometry,
    ensure_setup,
    feature_collection,
    get_legend,
    star_svg,
    swatch,
    to_4326,
)
from goldmap.maps._popups import (
    UNCERTAIN,
    area_content,
    as_list,
    escape,
    generic_content,
    mine_content,
    names,
    popup_html,
    tooltip_html,
)
from goldmap.maps.choropleth import SCHEMES, add_choropleth, json_safe
from goldmap.styles import style_for
from goldmap.text import check_lang, tr

__all__ = [
    "BASEMAPS",
    "DEFAULT_LAYERS",
    "MAP_LAYERS",
    "SCHEMES",
    "Choropleth",
    "add_basemap",
    "add_choropleth",
    "add_layer",
    "add_provinces",
    "filter_layer",
    "make_map",
    "to_html",
    "write_assets",
]

logger = logging.getLogger(__name__)

#: Layers :func:`make_map` can draw over the provinces, in drawing order (bottom first).
MAP_LAYERS = layers_in(LayerGroup.MAP)
#: Layers drawn when none are named.
DEFAULT_LAYERS = layers_in(LayerGroup.MAP_DEFAULT)

#: Basemap choices; "none" draws the vector layers on a light background, with no tiles.
BASEMAPS: dict[str, xyzservices.TileProvider | None] = {
    "none": None,
    "light": xyzservices.providers.Esri.WorldGrayCanvas,
    "osm": xyzservices.providers.OpenStreetMap.Mapnik,
    "satellite": xyzservices.providers.Esri.WorldImagery,
}


# Rounding of displayed coordinates: ~100 m for polygons (already simplified to ~1 km),
# ~1 m for points.
POLYGON_DECIMALS = 3
POINT_DECIMALS = 5
# Display simplification of the plan areas, in degrees (~500 m).
_AREA_TOLERANCE = 0.005
_METHOD_CHARS = 400


def filter_layer(
    frame: gpd.GeoDataFrame,
    *,
    provinces: Iterable[Any] | None = None,
    commodities: Iterable[str] | None = None,
) -> gpd.GeoDataFrame:
    """Keep the features of a plan layer that lie in given provinces or carry given commodities.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        A goldmap layer: mines (``province_adcode``, ``commodity``) or areas
        (``province_adcodes``, ``commodities``); other frames are returned unchanged by the
        filters whose columns they lack.
    provinces : iterable, optional
        Province names in any spelling or adcodes; a feature is kept when it touches any.
    commodities : iterable of str, optional
        English commodity names (``"gold"``, ``"copper"`` ...); kept when it has any.

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame with the matching rows (the input is not changed).

    Raises
    ------
    NameNotFoundError
        When a province cannot be resolved.

    Examples
    --------
    >>> from goldmap import load
    >>> len(filter_layer(load("key_mines"), provinces=["山东"])) > 0
    True
    """
    from goldmap.names import resolve_province

    keep = pd.Series(True, index=frame.index)
    if provinces is not None:
        codes = {resolve_province(p) for p in provinces}
        if "province_adcode" in frame.columns:
            keep &= frame["province_adcode"].isin(codes)
        elif "province_adcodes" in frame.columns:
            keep &= frame["province_adcodes"].map(lambda v: bool(codes & set(as_list(v))))
        elif "adcode" in frame.columns:
            keep &= frame["adcode"].isin(codes)
    if commodities is not None:
        wanted = {str(c).lower() for c in commodities}
        column = next((c for c in ("commodity", "commodities") if c in frame.columns), None)
        if column is not None:
            keep &= frame[column].map(lambda v: bool(wanted & {str(x) for x in as_list(v)}))
    return frame.loc[keep].copy()


def add_basemap(m: folium.Map, basemap: str | xyzservices.TileProvider | None) -> folium.Map:
    """Add a tile basemap under the layers (needs internet to show tiles).

    Parameters
    ----------
    m : folium.Map
        The map.
    basemap : str, xyzservices.TileProvider or None
        A key of :data:`BASEMAPS` (``"none"``, ``"light"``, ``"osm"``, ``"satellite"``), any
        xyzservices provider (in WGS84/Web Mercator: GCJ-02 providers such as AMap would
        misplace the layers), or None for no tiles.

    Returns
    -------
    folium.Map
        ``m``, for chaining.

    Raises
    ------
    GoldmapError
        When ``basemap`` is not a known name.
    """
    provider: xyzservices.TileProvider | None
    if isinstance(basemap, xyzservices.TileProvider) or basemap is None:
        provider = basemap
    elif basemap in BASEMAPS:
        provider = BASEMAPS[basemap]
    else:
        raise OptionError(
            f"Unknown basemap {basemap!r}; choose one of {list(BASEMAPS)} "
            "or pass an xyzservices.TileProvider."
        )
    if provider is None:
        return m
    tiles = folium.TileLayer(
        tiles=provider.build_url(scale_factor="{r}"),
        attr=provider.html_attribution,
        name=html.escape(provider.name),
        max_zoom=provider.get("max_zoom", 18),
        overlay=False,
        control=True,
    )
    add_below_controls(m, tiles)
    return m


def add_provinces(
    m: folium.Map,
    provinces: gpd.GeoDataFrame | None = None,
    *,
    lang: str = "zh",
) -> folium.Map:
    """Draw the provinces as a light base layer (land on a pale background).

    Parameters
    ----------
    m : folium.Map
        The map.
    provinces : geopandas.GeoDataFrame, optional
        Province polygons; default the simplified display copy of ``provinces``.
    lang : {"zh", "en"}, default "zh"
        Language shown first in tooltips.

    Returns
    -------
    folium.Map
        ``m``, for chaining.
    """
    check_lang(lang)
    frame = load("provinces", simplified=True) if provinces is None else provinces
    frame = to_4326(frame, "provinces")
    style = style_for("provinces")
    tiles = any(name.startswith("tile_layer") for name in child_names(m))
    base_style = {
        "color": style.stroke,
        "weight": style.weight,
        "fillColor": LAND_COLOR,
        "fillOpacity": style.fill_opacity if tiles else 1.0,
    }
    props = []
    for row in frame.drop(columns=frame.geometry.name).to_dict("records"):
        title, other = names(row, lang)
        rows = [(tr("adcode", lang), escape(row.get("adcode")))]
        props.append(
            {
                "_layer": "provinces",
                "adcode": json_safe(row.get("adcode")),
                "_style": base_style,
                "_tooltip": tooltip_html(title, other),
                "_popup": popup_html(title, other, rows),
            }
        )
    data = feature_collection(frame, props, display_geometry(frame, simplify=None))
    ensure_setup(m)
    add_below_controls(m, GeoLayer(data, name=escape(tr("base", lang)), control=False))
    return m


def _feature_style(row: Mapping[str, Any], layer: str | None, geom: Any) -> dict[str, Any]:
    """Return the drawing of one feature: a star icon, a circle or a polygon style."""
    style = style_for(layer or "")
    is_point = geom is not None and shapely.get_dimensions(geom) == 0
    uncertain = row.get("location_precision") in UNCERTAIN
    if layer == "key_mines" and is_point:
        icon = {
            "html": star_svg(style.marker_color, style.stroke, size=22, hollow=uncertain),
            "className": "goldmap-mine" + (" goldmap-uncertain" if uncertain else ""),
            "iconSize": [22, 22],
            "iconAnchor": [11, 11],
            "tooltipAnchor": [10, 0],
            "popupAnchor": [0, -9],
        }
        return {"_icon": icon}
    if is_point:
        return {
            "_style": {
                "radius": 5,
                "color": style.stroke,
                "weight": 1.5,
                "fillColor": "#ffffff" if uncertain else style.marker_color,
                "fillOpacity": 0.9,
                "dashArray": "2 2" if uncertain else None,
            }
        }
    return {
        "_style": {
            "color": style.stroke,
            "weight": style.weight,
            "fillColor": style.fill,
            "fillOpacity": style.fill_opacity,
            "dashArray": style.dash,
        }
    }


def _feature_properties(
    frame: gpd.GeoDataFrame, layer: str | None, lang: str
) -> list[dict[str, Any]]:
    """Return each feature's tooltip, popup and drawing, in the frame's order."""
    records = frame.drop(columns=frame.geometry.name).to_dict("records")
    columns = [str(c) for c in frame.columns if c != frame.geometry.name]
    props = []
    for row, geom in zip(records, frame.geometry.values, strict=True):
        if layer == "key_mines":
            tooltip, popup = mine_content(row, lang)
        elif layer in LAYERS:
            tooltip, popup = area_content(row, lang)
        else:
            tooltip, popup = generic_content(row, lang, columns)
        feature: dict[str, Any] = {
            "_layer": layer or "user",
            "id": json_safe(row.get("id", row.get("name_en"))),
            "_tooltip": tooltip,
            "_popup": popup,
            **_feature_style(row, layer, geom),
        }
        if "_icon" in feature:
            feature["_title"] = names(row, lang)[0]
        props.append(feature)
    return props


def add_layer(
    m: folium.Map,
    frame: gpd.GeoDataFrame,
    *,
    layer: str | None = None,
    name: str | None = None,
    lang: str = "zh",
    show: bool = True,
) -> folium.Map:
    """Draw a layer: a goldmap plan layer, or any GeoDataFrame of your own.

    Parameters
    ----------
    m : folium.Map
        The map.
    frame : geopandas.GeoDataFrame
        The features (any CRS; drawn in WGS84).
    layer : str, optional
        The goldmap layer ``frame`` comes from (``"key_mines"``, ``"exploration_areas"`` ...),
        which decides its style, popups and legend; None draws a frame of your own with a
        generic style and a popup listing its columns.
    name : str, optional
        The name in the layer switch; default the layer's title in ``lang``. Escaped.
    lang : {"zh", "en"}, default "zh"
        Language shown first.
    show : bool, default True
        Whether the layer is visible when the map opens.

    Returns
    -------
    folium.Map
        ``m``, for chaining.

    Raises
    ------
    GoldmapError
        When ``frame`` is not a GeoDataFrame with a CRS, or ``lang`` is unknown.

    Examples
    --------
    >>> import goldmap
    >>> m = make_map(layers=[])
    >>> m = add_layer(m, goldmap.load("key_mines"), layer="key_mines")
    """
    check_lang(lang)
    frame = to_4326(frame, "frame")
    style = style_for(layer or "")
    spec = LAYERS.get(layer or "")
    title = name or (
        (spec.title_zh if lang == "zh" else spec.title_en) if spec else "Your features"
    )
    is_mines = layer == "key_mines"
    geoms = frame.geometry.values
    props = _feature_properties(frame, layer, lang)
    simplify = _AREA_TOLERANCE if layer in LAYERS else None
    data = feature_collection(frame, props, display_geometry(frame, simplify=simplify))
    ensure_setup(m)
    points_only = bool(len(frame)) and bool((shapely.get_dimensions(geoms) == 0).all())
    label = f"{swatch(style, point=is_mines)} {escape(title)} ({len(data['features'])})"
    add_below_controls(m, GeoLayer(data, name=label, show=show))
    legend = get_legend(m)
    legend.sections[f"layer_{layer or title}"] = (
        f"<div>{swatch(style, point=is_mines or points_only)} {escape(title)}</div>"
    )
    if is_mines:
        legend.sections["layer_key_mines"] = (
            f"<div>{swatch(style, point=True)} {escape(tr('mine_precise', lang))}</div>"
            f"<div>{swatch(style, point=True, dashed=True)} "
            f"{escape(tr('mine_uncertain', lang))}</div>"
        )
    return m


@dataclass(frozen=True)
class Choropleth:
    """A provincial statistic to colour the provinces by (see :func:`add_choropleth`).

    Attributes
    ----------
    frame : geopandas.GeoDataFrame
        Provinces with the statistic, e.g. from :func:`goldmap.join_stats`.
    column : str
        The numeric column to colour by.
    scheme : str, default "quantiles"
        One of :data:`SCHEMES`.
    k : int, default 5
        Number of classes (2-7).
    """

    frame: gpd.GeoDataFrame
    column: str
    scheme: str = "quantiles"
    k: int = 5


_LEGACY_OPTIONS = ("stats", "column", "scheme", "k", "height")


def _legacy_choropleth(options: dict[str, Any]) -> tuple[Choropleth | None, str | int]:
    """Read make_map's old keyword options (deprecated for one release) into the new ones."""
    unknown = sorted(set(options) - set(_LEGACY_OPTIONS))
    if unknown:
        raise TypeError(f"make_map() got unexpected keyword argument(s) {unknown}")
    if options:
        warnings.warn(
            f"make_map({', '.join(f'{k}=' for k in options)}) is deprecated; pass "
            "choropleth=Choropleth(frame, column, scheme=..., k=...) (height: build the "
            "folium.Map yourself and pass m=).",
            DeprecationWarning,
            stacklevel=3,
        )
    height = options.get("height", "100%")
    if options.get("stats") is None:
        if options.get("column") is not None:
            raise OptionError("column is given but stats is not; pass both, or choropleth=.")
        return None, height
    if options.get("column") is None:
        raise OptionError("stats is given but column is not; pass column='<statistic column>'.")
    choropleth = Choropleth(
        options["stats"], options["column"], options.get("scheme", "quantiles"), options.get("k", 5)
    )
    return choropleth, height


def make_map(
    layers: Sequence[str] | Mapping[str, gpd.GeoDataFrame] | None = None,
    *,
    lang: str = "zh",
    basemap: str | xyzservices.TileProvider | None = "none",
    provinces: Iterable[Any] | None = None,
    commodities: Iterable[str] | None = None,
    choropleth: Choropleth | None = None,
    assets: str = "inline",
    m: folium.Map | None = None,
    **legacy: Any,
) -> folium.Map:
    """Make an interactive map of the plan's areas and key mines.

    Parameters
    ----------
    layers : sequence of str, or mapping of name to GeoDataFrame, optional
        Layers to draw over the provinces, from :data:`MAP_LAYERS`; default
        :data:`DEFAULT_LAYERS`. A mapping draws the given (e.g. filtered) frames as those
        layers.
    lang : {"zh", "en"}, default "zh"
        Language shown first in tooltips, popups, the layer switch and the legend.
    basemap : str, xyzservices.TileProvider or None, default "none"
        ``"none"`` (no tiles, works offline), ``"light"``, ``"osm"``, ``"satellite"`` or a
        provider; see :func:`add_basemap`.
    provinces, commodities : iterable, optional
        Keep only features in these provinces / with these commodities
        (see :func:`filter_layer`).
    choropleth : Choropleth, optional
        Colour the provinces by a statistic instead of drawing them plain.
    assets : str, default "inline"
        ``"inline"`` writes Leaflet into the page (self-contained, offline); a base URL such
        as ``"/app/static/goldmap/"`` links it from there (see :func:`write_assets`).
    m : folium.Map, optional
        Draw onto this map instead of a new one.
    **legacy
        ``stats=``, ``column=``, ``scheme=``, ``k=`` and ``height=`` of earlier releases,
        accepted with a DeprecationWarning for one release.

    Returns
    -------
    folium.Map
        The map, fitted to the drawn features.

    Raises
    ------
    LayerNotFoundError
        When a layer is not one of :data:`MAP_LAYERS`.
    GoldmapError
        When an option is not allowed (the message lists the choices).

    Examples
    --------
    >>> m = make_map(["key_mines"], lang="en", provinces=["Shandong"])
    >>> m.save("shandong.html")  # doctest: +SKIP
    """
    from goldmap.errors import LayerNotFoundError

    check_lang(lang)
    if layers is None:
        layers = DEFAULT_LAYERS
    frames: dict[str, gpd.GeoDataFrame | None]
    if isinstance(layers, Mapping):
        frames = dict(layers)
    else:
        if isinstance(layers, str):
            layers = [layers]
        frames = dict.fromkeys(layers)
    for name in frames:
        if name not in MAP_LAYERS:
            raise LayerNotFoundError(
                f"Layer {name!r} cannot be drawn by make_map; choose from {list(MAP_LAYERS)}."
            )
    legacy_choropleth, height = _legacy_choropleth(legacy)
    choropleth = choropleth or legacy_choropleth
    if m is None:
        m = folium.Map(
            location=[35.0, 104.0],
            zoom_start=4,
            tiles=None,
            control_scale=True,
            zoom_snap=0.25,
            height=height,
        )
        apply_assets(m, assets)
    add_basemap(m, basemap)
    if choropleth is not None:
        add_choropleth(
            m, choropleth.frame, choropleth.column, scheme=choropleth.scheme, k=choropleth.k,
            lang=lang,
        )  # fmt: skip
    else:
        add_provinces(m, lang=lang)
    drawn = []
    for name in sorted(frames, key=MAP_LAYERS.index):
        frame = frames[name]
        frame = load(name) if frame is None else frame
        frame = filter_layer(frame, provinces=provinces, commodities=commodities)
        add_layer(m, frame, layer=name, lang=lang)
        if len(frame):
            drawn.append(to_4326(frame, name))
    if drawn:
        bounds = np.array([f.total_bounds for f in drawn])
        west, south = bounds[:, :2].min(axis=0)
        east, north = bounds[:, 2:].max(axis=0)
        pad = 0.5
        m.fit_bounds(
            [
                [round(south - pad, 3), round(west - pad, 3)],
                [round(north + pad, 3), round(east + pad, 3)],
            ]
        )
    else:
        m.fit_bounds([[18.0, 73.5], [53.6, 135.1]])
    return m


def to_html(m: folium.Map, path: str | Path | None = None, *, overwrite: bool = False) -> str:
    """Return the map as one self-contained HTML page, and optionally write it.

    Parameters
    ----------
    m : folium.Map
        A map from :func:`make_map` (its assets are inlined if they were linked).
    path : str or pathlib.Path, optional
        Write the page here (UTF-8).
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    str
        The HTML.

    Raises
    ------
    ExportError
        When ``path`` exists and ``overwrite`` is False, or cannot be written.
    """
    apply_assets(m, "inline")
    page = m.get_root().render()
    if path is not None:
        target = check_output(path, overwrite=overwrite)
        try:
            target.write_text(page, encoding="utf-8")
        except OSError as err:
            raise ExportError(f"Cannot write the map to {str(target)!r}: {err}.") from err
    return page
