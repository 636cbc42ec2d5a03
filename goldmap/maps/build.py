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

import functools
import html
import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import shapely
import xyzservices

from goldmap.catalog import LAYERS, LayerGroup, layers_in, load
from goldmap.errors import OptionError
from goldmap.io._files import staged_output
from goldmap.maps._assets import apply_assets
from goldmap.maps._basemaps import Basemap, ShiftNote, datum_of, get_basemap
from goldmap.maps._frame import add_frame
from goldmap.maps._layer_rows import LayerRows, feature_properties, filter_mask, layer_rows
from goldmap.maps._leaflet import (
    GeoLayer,
    add_below_controls,
    child_names,
    display_geometry,
    dot_swatch,
    ensure_setup,
    feature_collection,
    get_legend,
    star_svg,
    swatch,
    to_4326,
)
from goldmap.maps._mine_colors import Category, check_color_by, mine_categories
from goldmap.maps._mine_marks import (
    CORRECTED_COLORS,
    add_mine_marks,
    mine_legend,
)
from goldmap.maps._popups import (
    escape,
    names,
    popup_html,
    tooltip_html,
)
from goldmap.maps.base import Map, blank_map, first_view
from goldmap.maps.choropleth import (
    Choropleth,
    add_choropleth,
    json_safe,
    legacy_choropleth,
)
from goldmap.maps.context import add_context
from goldmap.styles import LAND_COLOR, style_for
from goldmap.text import check_lang, tr

__all__ = [
    "DEFAULT_LAYERS",
    "MAP_LAYERS",
    "add_basemap",
    "add_layer",
    "add_provinces",
    "blank_map",
    "filter_layer",
    "frame_header",
    "make_map",
    "to_html",
]

logger = logging.getLogger(__name__)

#: Layers :func:`make_map` can draw over the provinces, in drawing order (bottom first).
MAP_LAYERS = layers_in(LayerGroup.MAP)
#: Layers drawn when none are named.
DEFAULT_LAYERS = layers_in(LayerGroup.MAP_DEFAULT)


# Rounding of displayed coordinates: ~100 m for polygons (already simplified to ~1 km),
# ~1 m for points.
POLYGON_DECIMALS = 3
POINT_DECIMALS = 5
_METHOD_CHARS = 400


def filter_layer(
    frame: gpd.GeoDataFrame,
    *,
    provinces: Iterable[Any] | None = None,
    commodities: Iterable[str] | None = None,
    company: str | Iterable[str] | None = None,
) -> gpd.GeoDataFrame:
    """Keep the features of a plan layer in given provinces, with given commodities or owners.

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
    company : str or iterable of str, optional
        For the key mines: a company name, Chinese or English (case-insensitive substring of
        a holder, owner, listed company or ultimate parent), or a ticker (``"600547"``,
        ``"HKEX:01787"``); a mine is kept when any matches. Layers without the ``dossier``
        column are not filtered by it.

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
    >>> sorted(filter_layer(load("key_mines"), company="601020")["id"])
    ['gz-nibao']
    """
    mask = filter_mask(frame, provinces=provinces, commodities=commodities, company=company)
    return frame.loc[mask]


def add_basemap(
    m: folium.Map,
    basemap: str | Basemap | xyzservices.TileProvider | None,
    *,
    key: str | None = None,
    lang: str = "zh",
) -> folium.Map:
    """Add a tile basemap (and its labels) under the layers; tiles need internet.

    Parameters
    ----------
    m : folium.Map
        The map.
    basemap : str, Basemap, xyzservices.TileProvider or None
        A key of :data:`BASEMAPS`, a :class:`Basemap`, any xyzservices provider, or None for
        no tiles. On Gaode (GCJ-02) tiles every layer of the map is shifted to GCJ-02 for
        display, with a note on the map; the data and exports stay WGS84.
    key : str, optional
        The Tianditu key; default the environment variable ``TIANDITU_KEY``.
    lang : {"zh", "en"}, default "zh"
        The language of the basemap's name in the layer switch.

    Returns
    -------
    folium.Map
        ``m``, for chaining.

    Raises
    ------
    OptionError
        When ``basemap`` is not a known name, or a Tianditu basemap has no key.
    """
    resolved = get_basemap(basemap, key=key)
    if resolved is None:
        return m
    titles = resolved.titles(lang)
    for provider, overlay, title in zip(
        (resolved.tiles, resolved.labels), (False, True), titles, strict=True
    ):
        if provider is None:
            continue
        tiles = folium.TileLayer(
            tiles=provider.build_url(scale_factor="{r}", fill_subdomain=False),
            attr=provider.html_attribution,
            name=escape(title),
            max_zoom=provider.get("max_zoom", 18),
            subdomains=provider.get("subdomains", "abc"),
            overlay=overlay,
            control=True,
        )
        add_below_controls(m, tiles)
    if resolved.datum == "gcj02" and datum_of(m) != "gcj02":
        if not isinstance(m, Map):
            raise OptionError(
                f"Basemap {resolved.tiles.name!r} is drawn in GCJ-02, and only goldmap's map "
                f"shifts its layers to match; draw on goldmap.maps.blank_map() (or make_map()) "
                f"instead of a {type(m).__name__}."
            )
        m.datum = "gcj02"
        m.add_child(ShiftNote(m.get_name()), name="goldmap_gcj02_note")
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
    tiles = any(name.startswith("tile_layer") for name in child_names(m))
    if provinces is None:  # the packaged provinces: drawn the same way on every map
        data = _packaged_provinces(lang, tiles)
    else:
        data = _province_features(to_4326(provinces, "provinces"), lang, tiles)
    ensure_setup(m)
    add_below_controls(m, GeoLayer(data, name=escape(tr("base", lang)), control=False))
    return m


@functools.lru_cache(maxsize=4)
def _packaged_provinces(lang: str, tiles: bool) -> dict[str, Any]:
    return _province_features(load("provinces", simplified=True), lang, tiles)


def _province_features(frame: gpd.GeoDataFrame, lang: str, tiles: bool) -> dict[str, Any]:
    """Return the provinces as the base layer's features: land colour, names, adcode."""
    style = style_for("provinces")
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
                "_base": 1,
                "adcode": json_safe(row.get("adcode")),
                "_style": base_style,
                "_tooltip": tooltip_html(title, other),
                "_popup": popup_html(title, other, rows),
            }
        )
    return feature_collection(props, display_geometry(frame, simplify=None))


def add_layer(
    m: folium.Map | folium.FeatureGroup,
    frame: gpd.GeoDataFrame,
    *,
    layer: str | None = None,
    name: str | None = None,
    lang: str = "zh",
    show: bool = True,
    color_by: str | None = None,
) -> folium.Map | folium.FeatureGroup:
    """Draw a layer: a goldmap plan layer, or any GeoDataFrame of your own.

    Parameters
    ----------
    m : folium.Map or folium.FeatureGroup
        The map, or a layer group to show on one (see :mod:`goldmap.maps.overlays`).
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
    color_by : {"status", "owner"}, optional
        Colour the key mines by their status or owner group (the listed company, else the
        ultimate parent), with a legend entry per category; default gold.

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
    return draw_rows(
        m, layer_rows(frame, layer), layer=layer, name=name, lang=lang, show=show,
        color_by=color_by,
    )  # fmt: skip


def draw_rows(
    m: folium.Map | folium.FeatureGroup,
    rows: LayerRows,
    *,
    layer: str | None = None,
    name: str | None = None,
    lang: str = "zh",
    show: bool = True,
    color_by: str | None = None,
) -> folium.Map | folium.FeatureGroup:
    """Draw a layer read by :func:`layer_rows` (see :func:`add_layer`)."""
    check_color_by(color_by)
    style = style_for(layer or "")
    spec = LAYERS.get(layer or "")
    title = name or (
        (spec.title_zh if lang == "zh" else spec.title_en) if spec else "Your features"
    )
    is_mines = layer == "key_mines"
    geoms = rows.geometry
    categories: list[Category] = []
    fills = None
    if is_mines and color_by is not None:
        keys, categories = mine_categories(rows.records, color_by)
        colors = {c.key: c.color for c in categories}
        fills = [colors[k] for k in keys]
    props = feature_properties(rows, layer, lang, fills=fills)
    data = feature_collection(props, rows.shown)
    ensure_setup(m)
    points_only = bool(len(geoms)) and bool((shapely.get_dimensions(geoms) == 0).all())
    count = len(geoms) if is_mines else len(data["features"])  # mines: with those not drawn
    # The symbol the map draws: a star for the mines, a dot for other points, else a patch.
    dots = points_only and not is_mines
    symbol = dot_swatch(style.marker_color, style.stroke) if dots else swatch(style, point=is_mines)
    label = f"{symbol} {escape(title)} ({count})"
    # A user's shapes lie over the plan's areas (overlay pane, 400), under the mines (600),
    # so that each can be clicked; their points do too (in the marker pane, see above).
    pane = "goldmap-user" if layer is None else None
    add_below_controls(m, drawn := GeoLayer(data, name=label, show=show, pane=pane))
    if isinstance(m, folium.FeatureGroup):
        # The group stands for the layer in the layer switch, whose swatch says what a
        # one-symbol layer's legend would; only the mines keep a legend of their own.
        m.layer_name = label
    else:
        get_legend(m).sections[f"layer_{layer or title}"] = f"<div>{symbol} {escape(title)}</div>"
    if is_mines:
        legend = get_legend(m)
        title = tr(f"color_by_{color_by}", lang) if color_by else ""
        legend.sections["layer_key_mines"] = mine_legend(
            rows.records, style, lang, categories=categories, title=title
        )
        if any(row.get("corrected") is True for row in rows.records):
            fill, stroke = CORRECTED_COLORS
            legend.sections["layer_key_mines"] += (
                f"<div>{star_svg(fill, stroke, size=14)} {escape(tr('mine_corrected', lang))}</div>"
            )
        add_mine_marks(m, drawn, rows.records, geoms, lang)  # stacks fanned out, unknown listed
    return m


def make_map(  # noqa: PLR0913 (the public call: layers, language, basemap, three filters, styling)
    layers: Sequence[str] | Mapping[str, gpd.GeoDataFrame] | None = None,
    *,
    lang: str = "zh",
    basemap: str | Basemap | xyzservices.TileProvider | None = "none",
    provinces: Iterable[Any] | None = None,
    commodities: Iterable[str] | None = None,
    company: str | Iterable[str] | None = None,
    choropleth: Choropleth | None = None,
    color_by: str | None = None,
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
    basemap : str, Basemap, xyzservices.TileProvider or None, default "none"
        ``"none"`` (no tiles, works offline: rivers, lakes and cities are drawn instead),
        ``"light"``, ``"osm"``, ``"satellite"``, ``"tianditu-vec"``, ``"tianditu-img"``,
        ``"tianditu-ter"`` (need ``TIANDITU_KEY``), ``"gaode"``, ``"gaode-img"`` (layers
        shifted to GCJ-02 for display) or a provider; see :func:`add_basemap`.
    provinces, commodities : iterable, optional
        Keep only features in these provinces / with these commodities
        (see :func:`filter_layer`).
    company : str or iterable of str, optional
        Keep only the key mines of this company (name or ticker, see :func:`filter_layer`).
    choropleth : Choropleth, optional
        Colour the provinces by a statistic instead of drawing them plain.
    color_by : {"status", "owner"}, optional
        Colour the key mines by status or owner group (see :func:`add_layer`).
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
    check_color_by(color_by)
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
    old_style, height = legacy_choropleth(legacy)
    choropleth = choropleth or old_style
    fit = m is None  # a map of the caller's keeps the view the caller gave it
    if m is None:
        m = blank_map(height=height)
    apply_assets(m, assets)
    add_frame(m, lang=lang)  # first: its hooks see the layers and controls being added
    add_basemap(m, basemap, lang=lang)
    if choropleth is not None:
        add_choropleth(
            m, choropleth.frame, choropleth.column, scheme=choropleth.scheme,
            k=choropleth.k, title=choropleth.title, lang=lang,
        )  # fmt: skip
    else:
        add_provinces(m, lang=lang)
    add_context(m, lang=lang)
    drawn = []
    for name in sorted(frames, key=MAP_LAYERS.index):
        frame = frames[name]
        frame = load(name) if frame is None else frame
        frame = filter_layer(frame, provinces=provinces, commodities=commodities, company=company)
        add_layer(m, frame, layer=name, lang=lang, color_by=color_by)
        if len(frame):
            drawn.append(to_4326(frame, name))
    if fit and (
        provinces is not None or company is not None
    ):  # a new map already opens on all of China
        m.fit_bounds(first_view(drawn))
    m.page_lang = lang  # type: ignore[attr-defined]  # the page's language, for to_html
    return m


_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>')
# folium's viewport forbids zooming (maximum-scale=1.0, user-scalable=no); a reader may pinch.
_ZOOMABLE = '<meta name="viewport" content="width=device-width, initial-scale=1.0" />'


def _html_lang(lang: str) -> str:
    return "zh-CN" if lang == "zh" else "en"


def frame_header(header: str, lang: str) -> str:
    """Return a map's rendered header for a page goldmap does not write (the app's map frame).

    The header lets the reader zoom (pinch) and sets the page's language, which a screen
    reader speaks the map's text in.

    Parameters
    ----------
    header : str
        The map's header, as folium renders it.
    lang : {"zh", "en"}
        The language of the map's text.

    Returns
    -------
    str
        The header to insert into the frame's page.
    """
    header = _VIEWPORT.sub(_ZOOMABLE, header, count=1)
    lang_js = f"document.documentElement.lang = {json.dumps(_html_lang(lang))};"
    return f"{header}\n<script>{lang_js}</script>"


# The page's heading, for screen readers (the map itself says what it shows).
_HIDDEN = "position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);margin:0"


def _accessible(page: str, lang: str) -> str:
    """Give the page its language, a title and a heading; let a phone's reader zoom (pinch) it."""
    title = html.escape(tr("title", lang))
    page = _VIEWPORT.sub(_ZOOMABLE, page, count=1)
    page = page.replace("<html>", f'<html lang="{_html_lang(lang)}">', 1)
    page = page.replace("<body>", f'<body>\n    <h1 style="{_HIDDEN}">{title}</h1>', 1)
    charset = '<meta http-equiv="content-type" content="text/html; charset=UTF-8" />'
    anchor = charset if charset in page else "<head>"  # the title after the page's charset
    return page.replace(anchor, f"{anchor}\n    <title>{title}</title>", 1)


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
    page = _accessible(m.get_root().render(), getattr(m, "page_lang", "zh"))
    if path is not None:
        with staged_output(path, overwrite=overwrite) as stage:
            stage.write_text(page, encoding="utf-8")
    return page
