"""Draw goldmap's layers on interactive folium maps that work with no internet.

:func:`make_map` draws the provinces as a light base, then the plan areas and the key mines
as separate layers that can be switched on and off, with bilingual tooltips and popups, a
legend, an optional choropleth of a provincial statistic and an optional basemap. The
``add_*`` builders compose: each takes a map and returns it. Every text that comes from data
or from a user is HTML-escaped before it reaches the page. Leaflet is served from the local
``xstatic-leaflet`` package (see :mod:`goldmap._assets`), never from a CDN.

Examples
--------
>>> import goldmap
>>> m = goldmap.make_map(lang="en")
>>> html = to_html(m)  # self-contained: opens offline
"""

from __future__ import annotations

import html
import logging
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import xyzservices
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from goldmap._assets import apply_assets, write_assets
from goldmap.catalog import LAYERS, load
from goldmap.errors import ColumnNotFoundError, ExportError, GoldmapError
from goldmap.styles import LayerStyle, style_for

__all__ = [
    "BASEMAPS",
    "DEFAULT_LAYERS",
    "MAP_LAYERS",
    "SCHEMES",
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
MAP_LAYERS = (
    "consolidation_provinces",
    "copper_bases",
    "exploration_areas",
    "development_areas",
    "area_deposits",
    "key_mines",
)
#: Layers drawn when none are named.
DEFAULT_LAYERS = ("exploration_areas", "development_areas", "key_mines")

#: Basemap choices; "none" draws the vector layers on a light background, with no tiles.
BASEMAPS: dict[str, xyzservices.TileProvider | None] = {
    "none": None,
    "light": xyzservices.providers.Esri.WorldGrayCanvas,
    "osm": xyzservices.providers.OpenStreetMap.Mapnik,
    "satellite": xyzservices.providers.Esri.WorldImagery,
}

#: Classification schemes for the choropleth (mapclassify names).
SCHEMES = ("quantiles", "equal_interval", "natural_breaks", "fisher_jenks")
_SCHEME_CLASSES = {
    "quantiles": "Quantiles",
    "equal_interval": "EqualInterval",
    "natural_breaks": "NaturalBreaks",
    "fisher_jenks": "FisherJenks",
}
# ColorBrewer YlOrBr, 3 to 7 classes: gold tones that read on a light background.
_PALETTES = {
    1: ["#fec44f"],
    2: ["#fff7bc", "#d95f0e"],
    3: ["#fff7bc", "#fec44f", "#d95f0e"],
    4: ["#ffffd4", "#fed98e", "#fe9929", "#cc4c02"],
    5: ["#ffffd4", "#fed98e", "#fe9929", "#d95f0e", "#993404"],
    6: ["#ffffd4", "#fee391", "#fec44f", "#fe9929", "#d95f0e", "#993404"],
    7: ["#ffffd4", "#fee391", "#fec44f", "#fe9929", "#ec7014", "#cc4c02", "#8c2d04"],
}
_NO_DATA_COLOR = "#e0e0e0"
_LAND_COLOR = "#fbfaf6"
_WATER_COLOR = "#dfe8ee"

LANGS = ("zh", "en")
_TEXT: dict[str, tuple[str, str]] = {
    "province": ("省份", "Province"),
    "provinces": ("省份", "Provinces"),
    "county": ("县级", "County"),
    "commodities": ("矿种", "Commodities"),
    "operator": ("运营单位", "Operator"),
    "precision": ("位置精度", "Location"),
    "plan_name": ("规划英译", "Plan translation"),
    "plan_words": ("规划原文", "The plan's words"),
    "method": ("划定方法", "How it is drawn"),
    "confidence": ("可信度", "Confidence"),
    "area": ("面积", "Area"),
    "notes": ("说明", "Notes"),
    "sources": ("来源", "Sources"),
    "adcode": ("行政区划代码", "Adcode"),
    "area_id": ("所属区域", "Plan area"),
    "uncertain": (
        "位置不确定：仅知所在县/省，图上为代表点。",
        "Location uncertain: only the county or province is known; the point is a stand-in.",
    ),
    "mine_precise": ("重点矿山（位置较准确）", "Key mine (located)"),
    "mine_uncertain": ("重点矿山（仅知县/省）", "Key mine (county/province only)"),
    "no_data": ("无数据", "No data"),
    "base": ("省级行政区", "Provinces"),
    "offshore": ("海域", "offshore"),
    "km2": ("平方公里", "km²"),
}
_PRECISION = {
    "deposit": ("矿床坐标", "deposit coordinates"),
    "mine_site": ("矿区位置", "mine site"),
    "town": ("乡镇（近似）", "town (approximate)"),
    "county": ("县级代表点（近似）", "county stand-in point (approximate)"),
    "province": ("省内代表点（未知）", "province stand-in point (unknown)"),
}
_UNCERTAIN = ("county", "province")
_CONFIDENCE = {"high": ("高", "high"), "medium": ("中", "medium"), "low": ("低", "low")}
_COMMODITY_ZH = {
    "gold": "金",
    "silver": "银",
    "copper": "铜",
    "lead": "铅",
    "zinc": "锌",
    "molybdenum": "钼",
    "tungsten": "钨",
    "antimony": "锑",
    "iron": "铁",
}
# Rounding of displayed coordinates: ~100 m for polygons (already simplified to ~1 km),
# ~1 m for points.
_POLYGON_DECIMALS = 3
_POINT_DECIMALS = 5
# Display simplification of the plan areas, in degrees (~500 m).
_AREA_TOLERANCE = 0.005
_METHOD_CHARS = 400


def _t(key: str, lang: str) -> str:
    zh, en = _TEXT[key]
    return zh if lang == "zh" else en


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise GoldmapError(f"Unknown language {lang!r}; use 'zh' (中文) or 'en' (English).")
    return lang


def _e(value: Any) -> str:
    """Escape one value for HTML; missing values become an empty string."""
    if _is_missing(value):
        return ""
    return html.escape(str(value), quote=True)


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _as_list(value: Any) -> list[Any]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        return list(value)
    return [value]


def _commodities(values: Any, lang: str) -> str:
    items = [str(v) for v in _as_list(values)]
    if lang == "zh":
        items = [_COMMODITY_ZH.get(v, v) for v in items]
    return ("、" if lang == "zh" else ", ").join(items)


def _names(row: Mapping[str, Any], lang: str) -> tuple[str, str]:
    """Return (primary, secondary) names in the chosen language order."""
    zh, en = row.get("name_zh"), row.get("name_en")
    first, second = (zh, en) if lang == "zh" else (en, zh)
    if _is_missing(first):
        first, second = second, None
    return ("" if _is_missing(first) else str(first)), ("" if _is_missing(second) else str(second))


def _sources_html(sources: Any, lang: str) -> str:
    items = []
    for source in _as_list(sources):
        if isinstance(source, Mapping):
            url, quote = source.get("url"), source.get("quote")
        else:
            url, quote = source, None
        if _is_missing(url):
            continue
        url = str(url)
        label = _e(url if len(url) <= 60 else url[:57] + "…")
        title = f' title="{_e(quote)}"' if not _is_missing(quote) else ""
        if url.startswith(("http://", "https://")):
            items.append(
                f'<li><a href="{_e(url)}" target="_blank" rel="noopener noreferrer"{title}>'
                f"{label}</a></li>"
            )
        else:
            items.append(f"<li{title}>{label}</li>")
    if not items:
        return ""
    return (
        f'<div class="gm-sources"><b>{_t("sources", lang)}</b>'
        f'<ol style="margin:2px 0 0 18px;padding:0">{"".join(items)}</ol></div>'
    )


def _row_html(label: str, value: str) -> str:
    if not value:
        return ""
    return (
        f'<tr><th style="text-align:left;vertical-align:top;padding:1px 8px 1px 0;'
        f'white-space:nowrap;color:#555;font-weight:600">{label}</th>'
        f'<td style="padding:1px 0">{value}</td></tr>'
    )


def _popup_html(title: str, subtitle: str, rows: list[tuple[str, str]], extra: str = "") -> str:
    body = "".join(_row_html(label, value) for label, value in rows)
    sub = f'<div style="color:#666;margin-bottom:4px">{_e(subtitle)}</div>' if subtitle else ""
    return (
        '<div class="gm-popup" style="font:13px/1.4 system-ui,sans-serif;max-width:340px">'
        f'<div style="font-weight:700;font-size:15px">{_e(title)}</div>{sub}'
        f'<table style="border-collapse:collapse">{body}</table>{extra}</div>'
    )


def _tooltip_html(title: str, subtitle: str, note: str = "") -> str:
    sub = f' <span style="color:#666">{_e(subtitle)}</span>' if subtitle else ""
    tail = f'<br><span style="color:#666">{_e(note)}</span>' if note else ""
    return f"<b>{_e(title)}</b>{sub}{tail}"


def _province_label(row: Mapping[str, Any], lang: str) -> str:
    zh = row.get("province_zh")
    en = row.get("province_en")
    if zh is None and "provinces_zh" in row:
        zh = "、".join(map(str, _as_list(row.get("provinces_zh"))))
        en = ", ".join(map(str, _as_list(row.get("provinces_en"))))
    first, second = (zh, en) if lang == "zh" else (en, zh)
    parts = [str(p) for p in (first, second) if not _is_missing(p)]
    return _e(" / ".join(parts))


def _mine_content(row: Mapping[str, Any], lang: str) -> tuple[str, str]:
    title, other = _names(row, lang)
    precision = str(row.get("location_precision") or "")
    uncertain = precision in _UNCERTAIN
    zh_en = _PRECISION.get(precision)
    precision_text = _e(zh_en[0 if lang == "zh" else 1] if zh_en else precision)
    if row.get("offshore") is True:
        precision_text += f" ({_t('offshore', lang)})"
    county = row.get("county_zh")
    rows = [
        (_t("province", lang), _province_label(row, lang)),
        (_t("county", lang), _e(county)),
        (_t("commodities", lang), _e(_commodities(row.get("commodity"), lang))),
        (_t("operator", lang), _e(row.get("operator"))),
        (_t("precision", lang), precision_text),
    ]
    plan_en = row.get("name_plan_en")
    if not _is_missing(plan_en) and plan_en != row.get("name_en"):
        rows.append((_t("plan_name", lang), _e(plan_en)))
    extra = ""
    if uncertain:
        extra += (
            '<div style="margin:4px 0;padding:3px 6px;background:#fff4e5;'
            f'border-left:3px solid #d4a017">{_t("uncertain", lang)}</div>'
        )
    if not _is_missing(row.get("notes")):
        extra += f"<details><summary>{_t('notes', lang)}</summary>{_e(row.get('notes'))}</details>"
    extra += _sources_html(row.get("sources"), lang)
    popup = _popup_html(title, other, rows, extra)
    note = _t("uncertain", lang) if uncertain else ""
    return _tooltip_html(title, other, note), popup


def _area_content(row: Mapping[str, Any], lang: str) -> tuple[str, str]:
    title, other = _names(row, lang)
    method = row.get("method")
    method_text = "" if _is_missing(method) else str(method)
    if len(method_text) > _METHOD_CHARS:
        method_text = method_text[: _METHOD_CHARS - 1] + "…"
    area: Any = row.get("area_km2")
    area_text = "" if _is_missing(area) else f"{float(area):,.0f} {_t('km2', lang)}"
    confidence = row.get("confidence")
    conf = _CONFIDENCE.get(str(confidence))
    rows = [
        (_t("provinces", lang), _province_label(row, lang)),
        (_t("commodities", lang), _e(_commodities(row.get("commodities"), lang))),
        (_t("area", lang), _e(area_text)),
        (_t("confidence", lang), _e(conf[0 if lang == "zh" else 1] if conf else confidence)),
        (_t("plan_words", lang), _e(row.get("plan_quote_zh"))),
    ]
    plan_en = row.get("name_plan_en")
    if not _is_missing(plan_en) and plan_en != row.get("name_en"):
        rows.append((_t("plan_name", lang), _e(plan_en)))
    if row.get("area_id") is not None:
        rows.append((_t("area_id", lang), _e(row.get("area_id"))))
    extra = ""
    if method_text:
        extra += f"<details><summary>{_t('method', lang)}</summary>{_e(method_text)}</details>"
    if not _is_missing(row.get("notes")):
        extra += f"<details><summary>{_t('notes', lang)}</summary>{_e(row.get('notes'))}</details>"
    extra += _sources_html(row.get("sources"), lang)
    return _tooltip_html(title, other), _popup_html(title, other, rows, extra)


def _generic_content(row: Mapping[str, Any], lang: str, columns: Sequence[str]) -> tuple[str, str]:
    title, other = _names(row, lang)
    if not title:
        for key in ("name", "label", "title", "id"):
            if not _is_missing(row.get(key)):
                title = str(row.get(key))
                break
    rows = [(_e(c), _e(_format_value(row.get(c)))) for c in columns if c not in ("geometry",)]
    return _tooltip_html(title, other), _popup_html(title, other, rows[:20])


def _format_value(value: Any) -> str:
    if _is_missing(value):
        return ""
    if isinstance(value, float):
        return f"{value:,.6g}"
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)


# -- geometry for display ---------------------------------------------------------------------


def _display_geometry(frame: gpd.GeoDataFrame, *, simplify: float | None) -> gpd.GeoSeries:
    geoms = frame.geometry.values
    polygonal = ~shapely.is_empty(geoms) & (shapely.get_dimensions(geoms) == 2)
    out = np.asarray(geoms, dtype=object).copy()
    if polygonal.any():
        poly = out[polygonal]
        if simplify:
            poly = shapely.simplify(poly, simplify, preserve_topology=True)
        out[polygonal] = _round(
            shapely.set_precision(poly, 10.0**-_POLYGON_DECIMALS), _POLYGON_DECIMALS
        )
    points = ~polygonal & ~shapely.is_empty(geoms)
    if points.any():
        out[points] = _round(out[points], _POINT_DECIMALS)
    return gpd.GeoSeries(out, index=frame.index, crs=frame.crs)


def _round(geoms: np.ndarray, decimals: int) -> np.ndarray:
    """Round coordinates so that they print short (set_precision leaves float noise)."""
    return shapely.transform(geoms, lambda xy: np.round(xy, decimals))


def _feature_collection(
    frame: gpd.GeoDataFrame, properties: list[dict[str, Any]], geometry: gpd.GeoSeries
) -> dict[str, Any]:
    features = []
    for props, geom in zip(properties, geometry, strict=True):
        if geom is None or geom.is_empty:
            continue
        features.append(
            {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)}
        )
    return {"type": "FeatureCollection", "features": features}


def _to_4326(frame: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    if not isinstance(frame, gpd.GeoDataFrame):
        raise GoldmapError(
            f"{what} must be a GeoDataFrame, got {type(frame).__name__!r}; "
            "load one with goldmap.load(...) or geopandas.read_file(...)."
        )
    if frame.crs is None:
        raise GoldmapError(f"{what} has no CRS; set it first, e.g. frame.set_crs('EPSG:4326').")
    return frame if frame.crs.to_epsg() == 4326 else frame.to_crs(4326)


# -- Leaflet elements -----------------------------------------------------------------------


class _GeoLayer(folium.map.Layer):
    """A GeoJSON layer whose features carry their own style, icon, tooltip and popup HTML."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.data|tojson }}, {
            style: function (f) { return f.properties._style || {}; },
            pointToLayer: function (f, latlng) {
                if (f.properties._icon) {
                    return L.marker(latlng, {
                        icon: L.divIcon(f.properties._icon),
                        riseOnHover: true, title: f.properties._title || ""
                    });
                }
                return L.circleMarker(latlng, f.properties._style || {});
            },
            onEachFeature: function (f, layer) {
                if (f.properties._tooltip) {
                    layer.bindTooltip(f.properties._tooltip, {sticky: !layer.getLatLng});
                }
                if (f.properties._popup) {
                    layer.bindPopup(f.properties._popup, {maxWidth: 360});
                }
                if (layer.setStyle && f.properties._style) {
                    var base = f.properties._style;
                    layer.on("mouseover", function () {
                        layer.setStyle({weight: (base.weight || 1) + 2});
                    });
                    layer.on("mouseout", function () { layer.setStyle(base); });
                }
            }
        });
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data: dict[str, Any],
        *,
        name: str,
        show: bool = True,
        control: bool = True,
    ) -> None:
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "GoldmapLayer"
        self.data = data

    def get_bounds(self) -> list[list[float | None]]:
        """Return ``[[south, west], [north, east]]`` of the layer's features."""
        shapes = [shapely.geometry.shape(f["geometry"]) for f in self.data["features"]]
        if not shapes:
            return [[0.0, 0.0], [0.0, 0.0]]
        west, south, east, north = shapely.total_bounds(shapes)
        return [[float(south), float(west)], [float(north), float(east)]]


class _Legend(MacroElement):
    """A Leaflet control listing the legend entries; text is escaped by the builders."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "bottomright"});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", "goldmap-legend");
            div.innerHTML = {{ this.html()|tojson }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "GoldmapLegend"
        self.sections: dict[str, str] = {}

    def html(self) -> str:
        return (
            '<div style="background:rgba(255,255,255,.92);padding:6px 9px;border-radius:5px;'
            "box-shadow:0 1px 4px rgba(0,0,0,.3);font:12px/1.5 system-ui,sans-serif;"
            'max-width:260px">' + "".join(self.sections.values()) + "</div>"
        )


_CSS = f"""<style>
.leaflet-container {{ background: {_WATER_COLOR}; font-family: system-ui, sans-serif; }}
.goldmap-mine {{ background: none; border: none; }}
.goldmap-mine svg {{ filter: drop-shadow(0 1px 1px rgba(0,0,0,.35)); }}
.leaflet-control-layers-overlays label {{ white-space: nowrap; }}
.gm-popup details summary {{ cursor: pointer; color: #555; font-weight: 600; }}
.gm-popup .gm-sources li {{ word-break: break-all; }}
</style>"""


def _legend(m: folium.Map) -> _Legend:
    for child in m._children.values():
        if isinstance(child, _Legend):
            return child
    legend = _Legend()
    m.add_child(legend, name="goldmap_legend")
    return legend


def _controls_last(m: folium.Map) -> None:
    """Keep the layer control and the legend after every layer (they refer to them)."""
    for key in ("goldmap_layer_control", "goldmap_legend"):
        if key in m._children:
            m._children.move_to_end(key)


def _swatch(style: LayerStyle, *, point: bool, dashed: bool = False) -> str:
    if point:
        return _star_svg(style.marker_color, style.stroke, size=14, hollow=dashed)
    border = "dashed" if (dashed or style.dash) else "solid"
    opacity = max(style.fill_opacity, 0.25)
    return (
        f'<span style="display:inline-block;width:14px;height:10px;vertical-align:-1px;'
        f"background:{style.fill};opacity:{opacity + 0.4:.2f};"
        f'border:2px {border} {style.stroke}"></span>'
    )


def _star_svg(fill: str, stroke: str, *, size: int, hollow: bool) -> str:
    points = "12,1.5 15,8.8 22.8,9.3 16.8,14.3 18.7,22 12,17.8 5.3,22 7.2,14.3 1.2,9.3 9,8.8"
    dash = ' stroke-dasharray="2.5 1.8"' if hollow else ""
    body = "#ffffff" if hollow else fill
    width = 2.2 if hollow else 1.2
    line = "#a87800" if hollow else stroke
    return (
        f'<svg width="{size}" height="{size}" viewBox="0 0 24 24" style="vertical-align:-2px">'
        f'<polygon points="{points}" fill="{body}" stroke="{line}" stroke-width="{width}"'
        f' stroke-linejoin="round"{dash}/></svg>'
    )


def _figure(m: folium.Map) -> Figure:
    root = m.get_root()
    assert isinstance(root, Figure)
    return root


def _ensure_setup(m: folium.Map) -> None:
    _figure(m).header.add_child(Element(_CSS), name="goldmap_css")
    if "goldmap_layer_control" not in m._children:
        m.add_child(
            folium.LayerControl(collapsed=False, position="topright"),
            name="goldmap_layer_control",
        )


# -- public builders -------------------------------------------------------------------------


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
            keep &= frame["province_adcodes"].map(lambda v: bool(codes & set(_as_list(v))))
        elif "adcode" in frame.columns:
            keep &= frame["adcode"].isin(codes)
    if commodities is not None:
        wanted = {str(c).lower() for c in commodities}
        column = next((c for c in ("commodity", "commodities") if c in frame.columns), None)
        if column is not None:
            keep &= frame[column].map(lambda v: bool(wanted & {str(x) for x in _as_list(v)}))
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
        raise GoldmapError(
            f"Unknown basemap {basemap!r}; choose one of {list(BASEMAPS)} "
            "or pass an xyzservices.TileProvider."
        )
    if provider is None:
        return m
    folium.TileLayer(
        tiles=provider.build_url(scale_factor="{r}"),
        attr=provider.html_attribution,
        name=html.escape(provider.name),
        max_zoom=provider.get("max_zoom", 18),
        overlay=False,
        control=True,
    ).add_to(m)
    _controls_last(m)
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
    _check_lang(lang)
    frame = load("provinces", simplified=True) if provinces is None else provinces
    frame = _to_4326(frame, "provinces")
    style = style_for("provinces")
    tiles = any(isinstance(c, folium.TileLayer) for c in m._children.values())
    base_style = {
        "color": style.stroke,
        "weight": style.weight,
        "fillColor": _LAND_COLOR,
        "fillOpacity": style.fill_opacity if tiles else 1.0,
    }
    props = []
    for row in frame.drop(columns=frame.geometry.name).to_dict("records"):
        title, other = _names(row, lang)
        rows = [(_t("adcode", lang), _e(row.get("adcode")))]
        props.append(
            {
                "_layer": "provinces",
                "adcode": _json_safe(row.get("adcode")),
                "_style": base_style,
                "_tooltip": _tooltip_html(title, other),
                "_popup": _popup_html(title, other, rows),
            }
        )
    data = _feature_collection(frame, props, _display_geometry(frame, simplify=None))
    _ensure_setup(m)
    _GeoLayer(data, name=_e(_t("base", lang)), control=False).add_to(m)
    _controls_last(m)
    return m


def _json_safe(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


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
    _check_lang(lang)
    frame = _to_4326(frame, "frame")
    style = style_for(layer or "")
    spec = LAYERS.get(layer or "")
    title = name or (
        (spec.title_zh if lang == "zh" else spec.title_en) if spec else "Your features"
    )
    is_mines = layer == "key_mines"
    records = frame.drop(columns=frame.geometry.name).to_dict("records")
    columns = [str(c) for c in frame.columns if c != frame.geometry.name]
    geoms = frame.geometry.values
    props = []
    uncertain_count = 0
    for row, geom in zip(records, geoms, strict=True):
        if is_mines:
            tooltip, popup = _mine_content(row, lang)
        elif layer in LAYERS:
            tooltip, popup = _area_content(row, lang)
        else:
            tooltip, popup = _generic_content(row, lang, columns)
        feature: dict[str, Any] = {
            "_layer": layer or "user",
            "id": _json_safe(row.get("id", row.get("name_en"))),
            "_tooltip": tooltip,
            "_popup": popup,
        }
        is_point = geom is not None and shapely.get_dimensions(geom) == 0
        if is_mines and is_point:
            uncertain = row.get("location_precision") in _UNCERTAIN
            uncertain_count += uncertain
            feature["_icon"] = {
                "html": _star_svg(style.marker_color, style.stroke, size=22, hollow=uncertain),
                "className": "goldmap-mine" + (" goldmap-uncertain" if uncertain else ""),
                "iconSize": [22, 22],
                "iconAnchor": [11, 11],
                "tooltipAnchor": [10, 0],
                "popupAnchor": [0, -9],
            }
            feature["_title"] = _names(row, lang)[0]
        elif is_point:
            uncertain = row.get("location_precision") in _UNCERTAIN
            feature["_style"] = {
                "radius": 5,
                "color": style.stroke,
                "weight": 1.5,
                "fillColor": "#ffffff" if uncertain else style.marker_color,
                "fillOpacity": 0.9,
                "dashArray": "2 2" if uncertain else None,
            }
        else:
            feature["_style"] = {
                "color": style.stroke,
                "weight": style.weight,
                "fillColor": style.fill,
                "fillOpacity": style.fill_opacity,
                "dashArray": style.dash,
            }
        props.append(feature)
    simplify = _AREA_TOLERANCE if layer in LAYERS else None
    data = _feature_collection(frame, props, _display_geometry(frame, simplify=simplify))
    _ensure_setup(m)
    points_only = bool(len(frame)) and bool((shapely.get_dimensions(geoms) == 0).all())
    label = f"{_swatch(style, point=is_mines)} {_e(title)} ({len(data['features'])})"
    _GeoLayer(data, name=label, show=show).add_to(m)
    legend = _legend(m)
    legend.sections[f"layer_{layer or title}"] = (
        f"<div>{_swatch(style, point=is_mines or points_only)} {_e(title)}</div>"
    )
    if is_mines:
        legend.sections["layer_key_mines"] = (
            f"<div>{_swatch(style, point=True)} {_e(_t('mine_precise', lang))}</div>"
            f"<div>{_swatch(style, point=True, dashed=True)} "
            f"{_e(_t('mine_uncertain', lang))}</div>"
        )
    _controls_last(m)
    return m


def add_choropleth(
    m: folium.Map,
    frame: gpd.GeoDataFrame,
    column: str,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    lang: str = "zh",
    title: str | None = None,
) -> folium.Map:
    """Colour provinces by a statistic, classified with mapclassify, with a legend.

    Parameters
    ----------
    m : folium.Map
        The map.
    frame : geopandas.GeoDataFrame
        Province polygons with the statistic, e.g. the result of :func:`goldmap.join_stats`.
    column : str
        The numeric column to colour by; missing values are drawn grey ("no data").
    scheme : str, default "quantiles"
        One of :data:`SCHEMES`.
    k : int, default 5
        Number of classes (2-7); fewer when the column has fewer distinct values.
    lang : {"zh", "en"}, default "zh"
        Language of tooltips and legend.
    title : str, optional
        Legend title; default ``column``. Escaped.

    Returns
    -------
    folium.Map
        ``m``, for chaining.

    Raises
    ------
    ColumnNotFoundError
        When ``column`` is not in ``frame``.
    GoldmapError
        When the column is not numeric, has no values, or ``scheme``/``k`` are not allowed.
    """
    import mapclassify

    _check_lang(lang)
    frame = _to_4326(frame, "frame")
    if column not in frame.columns:
        raise ColumnNotFoundError(
            f"Column {column!r} is not in the frame; its columns are "
            f"{[str(c) for c in frame.columns if c != frame.geometry.name]}."
        )
    if scheme not in SCHEMES:
        raise GoldmapError(f"Unknown scheme {scheme!r}; choose one of {list(SCHEMES)}.")
    if not 2 <= k <= 7:
        raise GoldmapError(f"k={k!r} classes is not allowed; choose between 2 and 7.")
    values = pd.to_numeric(frame[column], errors="coerce")
    if values.notna().sum() == 0:
        raise GoldmapError(
            f"Column {column!r} has no numeric values to colour by; pick a numeric column."
        )
    valid = values.dropna()
    k_eff = max(1, min(k, valid.nunique()))
    if k_eff == 1:
        bins = np.array([valid.max()])
        classes = pd.Series(0, index=valid.index)
    else:
        with warnings.catch_warnings():
            # Ties leave fewer classes than asked; mapclassify then lowers k and says so.
            warnings.simplefilter("ignore", UserWarning)
            classifier = getattr(mapclassify, _SCHEME_CLASSES[scheme])(valid.to_numpy(), k=k_eff)
        bins = np.asarray(classifier.bins)
        classes = pd.Series(classifier.yb, index=valid.index)
    palette = _PALETTES[len(bins)]
    label = title or column
    props = []
    for idx, row in zip(
        frame.index, frame.drop(columns=frame.geometry.name).to_dict("records"), strict=True
    ):
        value = values.get(idx)
        has = not pd.isna(value)
        color = palette[int(classes[idx])] if has else _NO_DATA_COLOR
        name, other = _names(row, lang)
        shown = f"{value:,.6g}" if has else _t("no_data", lang)
        props.append(
            {
                "_layer": "provinces",
                "adcode": _json_safe(row.get("adcode")),
                "_style": {"color": "#8a8a8a", "weight": 0.8, "fillColor": color,
                           "fillOpacity": 0.85},
                "_tooltip": _tooltip_html(name, other, f"{label}: {shown}"),
                "_popup": _popup_html(name, other, [(_e(label), _e(shown))]),
            }
        )  # fmt: skip
    data = _feature_collection(frame, props, _display_geometry(frame, simplify=None))
    _ensure_setup(m)
    _GeoLayer(data, name=_e(label), show=True).add_to(m)
    lower = float(valid.min())
    items = []
    for color, upper in zip(palette, bins, strict=True):
        items.append(
            f'<div><span style="display:inline-block;width:14px;height:10px;background:{color};'
            f'border:1px solid #999;vertical-align:-1px"></span> '
            f"{lower:,.4g} – {float(upper):,.4g}</div>"
        )
        lower = float(upper)
    if values.isna().any():
        items.append(
            f'<div><span style="display:inline-block;width:14px;height:10px;'
            f'background:{_NO_DATA_COLOR};border:1px solid #999;vertical-align:-1px"></span> '
            f"{_t('no_data', lang)}</div>"
        )
    legend = _legend(m)
    legend.sections = {
        "choropleth": f'<div style="font-weight:600;margin-top:2px">{_e(label)}</div>'
        + "".join(items)
        + '<hr style="margin:4px 0;border:none;border-top:1px solid #ddd">',
        **{key: v for key, v in legend.sections.items() if key != "choropleth"},
    }
    _controls_last(m)
    return m


def make_map(
    layers: Sequence[str] | Mapping[str, gpd.GeoDataFrame] | None = None,
    *,
    lang: str = "zh",
    basemap: str | xyzservices.TileProvider | None = "none",
    provinces: Iterable[Any] | None = None,
    commodities: Iterable[str] | None = None,
    stats: gpd.GeoDataFrame | None = None,
    column: str | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    assets: str = "inline",
    m: folium.Map | None = None,
    height: str | int = "100%",
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
    stats : geopandas.GeoDataFrame, optional
        Provinces with a statistic (e.g. from :func:`goldmap.join_stats`) to colour by.
    column : str, optional
        The column of ``stats`` to colour by (required with ``stats``).
    scheme : str, default "quantiles"
        Classification of the choropleth, one of :data:`SCHEMES`.
    k : int, default 5
        Number of choropleth classes.
    assets : str, default "inline"
        ``"inline"`` writes Leaflet into the page (self-contained, offline); a base URL such
        as ``"/app/static/goldmap/"`` links it from there (see :func:`write_assets`).
    m : folium.Map, optional
        Draw onto this map instead of a new one.
    height : str or int, default "100%"
        Height of a new map.

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

    _check_lang(lang)
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
    if stats is not None and column is None:
        raise GoldmapError("stats is given but column is not; pass column='<statistic column>'.")
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
    if stats is not None and column is not None:
        add_choropleth(m, stats, column, scheme=scheme, k=k, lang=lang)
    else:
        add_provinces(m, lang=lang)
    drawn = []
    for name in sorted(frames, key=MAP_LAYERS.index):
        frame = frames[name]
        frame = load(name) if frame is None else frame
        frame = filter_layer(frame, provinces=provinces, commodities=commodities)
        add_layer(m, frame, layer=name, lang=lang)
        if len(frame):
            drawn.append(_to_4326(frame, name))
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
        target = Path(path)
        if target.exists() and not overwrite:
            raise ExportError(
                f"{str(target)!r} already exists; pass overwrite=True (CLI: --overwrite) "
                "or choose another path."
            )
        try:
            target.write_text(page, encoding="utf-8")
        except OSError as err:
            raise ExportError(f"Cannot write the map to {str(target)!r}: {err}.") from err
    return page
