"""Build the Leaflet pieces folium lacks: compact GeoJSON layers, the legend, shared CSS."""

from __future__ import annotations

import json
import weakref
from collections.abc import Iterable
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import Element, Figure, MacroElement
from folium.elements import ElementAddToElement
from jinja2 import Template

from goldmap.crs import require_crs
from goldmap.errors import OptionError
from goldmap.maps._basemaps import datum_of, shift_geojson
from goldmap.styles import LAYER_STYLES, STAND_IN_STROKE, WATER_COLOR, LayerStyle

_LEGENDS: weakref.WeakKeyDictionary[folium.Map | folium.FeatureGroup, Legend] = (
    weakref.WeakKeyDictionary()
)

# Rounding of displayed coordinates: ~100 m for polygons (already simplified to ~1 km),
# ~1 m for points.
POLYGON_DECIMALS = 3
POINT_DECIMALS = 5


def display_geometry(frame: gpd.GeoDataFrame, *, simplify: float | None) -> gpd.GeoSeries:
    geoms = frame.geometry.values
    polygonal = ~shapely.is_empty(geoms) & (shapely.get_dimensions(geoms) == 2)
    out = np.asarray(geoms, dtype=object).copy()
    if polygonal.any():
        poly = out[polygonal]
        if simplify:
            poly = shapely.simplify(poly, simplify, preserve_topology=True)
        out[polygonal] = round(
            shapely.set_precision(poly, 10.0**-POLYGON_DECIMALS), POLYGON_DECIMALS
        )
    points = ~polygonal & ~shapely.is_empty(geoms)
    if points.any():
        out[points] = round(out[points], POINT_DECIMALS)
    return gpd.GeoSeries(out, index=frame.index, crs=frame.crs)


def round(geoms: np.ndarray, decimals: int) -> np.ndarray:
    """Round coordinates so that they print short (set_precision leaves float noise)."""
    rounded: np.ndarray = shapely.transform(geoms, lambda xy: np.round(xy, decimals))
    return rounded


def _delta_ring(ring: Any) -> list[int]:
    """Return a ring as integer steps of 10^-POLYGON_DECIMALS degree from the last point."""
    steps = np.diff(np.round(np.asarray(ring, dtype=float)[:, :2] * 10**POLYGON_DECIMALS),
                    axis=0, prepend=0.0)  # fmt: skip
    return [int(v) for v in steps.ravel()]


def encode_polygons(geometry: dict[str, Any] | None) -> dict[str, Any] | None:
    """Return a GeoJSON geometry with polygon rings delta-encoded (``q``), others as they are.

    The page's script decodes ``q`` back into ``coordinates``: about a third of the bytes.
    """
    if not geometry or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return geometry
    coordinates = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "q": [_delta_ring(r) for r in coordinates]}
    return {"type": "MultiPolygon", "q": [[_delta_ring(r) for r in p] for p in coordinates]}


def page_json(value: Any) -> str:
    r"""Return ``value`` as compact JSON safe inside a page's ``<script>``.

    UTF-8 text is kept as it is (a Chinese character costs 3 bytes, not the 6 of
    ``\\uXXXX``); the characters that could close the script or start markup are escaped.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"),
                       ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):  # fmt: skip
        text = text.replace(char, code)
    return text


def feature_collection(properties: list[dict[str, Any]], geometry: Iterable[Any]) -> dict[str, Any]:
    features = []
    for props, geom in zip(properties, geometry, strict=True):
        if geom is None or geom.is_empty:
            continue
        features.append(
            {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)}
        )
    return {"type": "FeatureCollection", "features": features}


def to_4326(frame: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    if not isinstance(frame, gpd.GeoDataFrame):
        raise OptionError(
            f"{what} must be a GeoDataFrame, got {type(frame).__name__!r}; "
            "load one with goldmap.load(...) or geopandas.read_file(...)."
        )
    require_crs(frame, what)
    return frame if frame.crs.to_epsg() == 4326 else frame.to_crs(4326)


# -- Leaflet elements -----------------------------------------------------------------------


class _ScriptText(Element):
    """A script already rendered, written into the page as it is."""

    def __init__(self, text: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class Attached:
    """An element that names what it was added to: its map or layer group, and their datum.

    goldmap adds these with :func:`attach`, which fills in :attr:`parent_name` and
    :attr:`datum`; their scripts use them instead of reading the element tree.
    """

    parent_name: str = ""
    datum: str = "wgs84"


def attach(
    target: folium.Map | folium.FeatureGroup,
    element: Any,
    *,
    name: str | None = None,
    index: int | None = None,
) -> None:
    """Add ``element`` to ``target``, telling it (if it is :class:`Attached`) where it is.

    A layer the switch lists is also noted in the switch layers of goldmap's map.
    """
    if isinstance(element, Attached):
        element.parent_name = target.get_name()
        element.datum = datum_of(target)
    listed = getattr(target, "switch_layers", None)
    if listed is not None and isinstance(element, folium.map.Layer) and element.control:
        listed.append(element)
    target.add_child(element, name=name, index=index)


class DataLayer(Attached, folium.map.Layer):
    """A layer whose script carries a lot of data: rendered once, never compiled again.

    branca wraps every rendered script in a new template and compiles it, which for the
    provinces' 300 kB of GeoJSON costs more than drawing them; a rerun of the app renders
    the map twice. These layers write their script into the page as plain text instead:
    ``script`` (and optionally ``header``) is a template of goldmap's own, rendered with
    ``this`` (the layer).
    """

    script: Template
    header: Template | None = None

    def render(self, **kwargs: Any) -> str:
        figure = self.get_root()
        assert isinstance(figure, Figure) and self.parent_name, "attach the layer to a map first"
        if self.header is not None:  # small and goldmap's own: as branca adds it
            figure.header.add_child(
                _ScriptText(self.header.render(this=self)), name=self.get_name()
            )
        figure.script.add_child(_ScriptText(self.script.render(this=self)), name=self.get_name())
        if self.show:  # what folium's Layer.render adds: the layer joins its parent
            add = ElementAddToElement(
                element_name=self.get_name(), element_parent_name=self.parent_name
            )
            self.add_child(add, name=self.get_name() + "_add")
            add.render(**kwargs)  # type: ignore[no-untyped-call]
        return ""


class GeoLayer(DataLayer):
    """A GeoJSON layer whose features carry their own style, icon, tooltip and popup HTML."""

    script = Template(
        """
        var {{ this.get_name() }} = L.geoJSON((function (data) {
            // Polygon rings come as integer steps of 10^-{{ this.decimals }} degree.
            function ring(q) {
                var out = [], x = 0, y = 0;
                for (var i = 0; i < q.length; i += 2) {
                    x += q[i]; y += q[i + 1];
                    out.push([x / {{ this.scale }}, y / {{ this.scale }}]);
                }
                return out;
            }
            data.features.forEach(function (f) {
                var g = f.geometry, icon = f.properties._icon;
                if (typeof icon === "number") { f.properties._icon = data.icons[icon]; }
                if (!g || !g.q) { return; }
                g.coordinates = g.type === "Polygon" ? g.q.map(ring)
                    : g.q.map(function (p) { return p.map(ring); });
                delete g.q;
            });
            return data;
        })(JSON.parse({{ this.payload_literal() }})), {
            {% if this.pane %}pane: {{ this.pane|tojson }},{% endif %}
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
                    // One at a time: the tooltip gives way to the popup it summarises.
                    layer.on("popupopen", function () {
                        layer.closeTooltip();
                        if (layer.getTooltip()) { layer.getTooltip().setOpacity(0); }
                    });
                    layer.on("popupclose", function () {
                        if (layer.getTooltip()) { layer.getTooltip().setOpacity(0.9); }
                    });
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
        {% if this.pane %}
        // Its own pane, made when the layer joins a map (directly or in a layer group).
        {{ this.get_name() }}.beforeAdd = function (map) {
            if (!map.getPane({{ this.pane|tojson }})) {
                map.createPane({{ this.pane|tojson }}).style.zIndex = {{ this.pane_z }};
            }
        };
        {% endif %}
        {% if this.behind %}
        // Drawn over the base provinces but under water and the plan's layers, also when
        // it joins the map after them (the app adds a statistic's colours last).
        {{ this.get_name() }}.on("add", function (e) {
            e.target.bringToBack();
            e.target._map.eachLayer(function (l) {
                if (l.feature && l.feature.properties._base) { l.bringToBack(); }
            });
        });
        {% endif %}
        """
    )

    def __init__(
        self,
        data: dict[str, Any],
        *,
        name: str,
        show: bool = True,
        control: bool = True,
        behind: bool = False,
        pane: str | None = None,
        pane_z: int = 450,
    ) -> None:
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "GoldmapLayer"
        self.data = data
        self.behind = behind
        self.pane = pane
        self.pane_z = pane_z

    decimals = POLYGON_DECIMALS
    scale = 10**POLYGON_DECIMALS

    def shown_data(self) -> dict[str, Any]:
        """Return the data as drawn: shifted to GCJ-02 when the map is on Gaode tiles."""
        return shift_geojson(self.data) if self.datum == "gcj02" else self.data

    def payload(self) -> str:
        """Return the data as the page carries it: compact JSON, polygons delta-encoded."""
        data = self.shown_data()
        icons: dict[str, int] = {}  # a marker icon is written once, features refer to it
        features = []
        for feature in data["features"]:
            props = feature["properties"]
            if isinstance(props.get("_icon"), dict):
                key = json.dumps(props["_icon"], sort_keys=True)
                props = {**props, "_icon": icons.setdefault(key, len(icons))}
            geometry = encode_polygons(feature["geometry"])
            features.append({**feature, "properties": props, "geometry": geometry})
        table = [json.loads(key) for key in icons]
        return page_json({**data, "features": features, "icons": table})

    def payload_literal(self) -> str:
        """Return :meth:`payload` as a JavaScript string for ``JSON.parse``.

        A browser reads a long string and parses it as JSON much faster than it compiles
        the same data written as an object literal.
        """
        # The JSON has no ' (page_json escapes it) and no line break: only its backslashes
        # need escaping in a single-quoted string.
        return "'" + self.payload().replace("\\", "\\\\") + "'"

    def get_bounds(self) -> list[list[float | None]]:
        """Return ``[[south, west], [north, east]]`` of the layer's features."""
        shapes = [shapely.geometry.shape(f["geometry"]) for f in self.data["features"]]
        if not shapes:
            return [[0.0, 0.0], [0.0, 0.0]]
        west, south, east, north = shapely.total_bounds(shapes)
        return [[float(south), float(west)], [float(north), float(east)]]


# One legend box per map: each legend (the map's own, and one per layer group) is a part of
# it, shown while its group is on the map, in order (a statistic's classes first).
_LEGEND_JS = """(function (html, order, parent) {
    function box(map) {
        if (!map._goldmapLegend) {
            var control = L.control({position: "bottomright"});
            control.onAdd = function () {
                var div = L.DomUtil.create("div", "goldmap-legend");
                if (map.goldmapFold) { map.goldmapFold(div); }  // a phone's: folded
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            map._goldmapLegend = control.addTo(map);
        }
        return map._goldmapLegend.getContainer();
    }
    var part = document.createElement("div");
    part.className = "goldmap-legend-part";
    part.setAttribute("data-order", order);
    part.innerHTML = html;
    function show(map) {
        var div = box(map), next = null;
        for (var i = 0; i < div.children.length && !next; i++) {
            var other = div.children[i];
            if (+other.getAttribute("data-order") > order) { next = other; }
        }
        div.insertBefore(part, next);
    }
    function hide(map) {
        if (part.parentNode) { part.parentNode.removeChild(part); }
        var control = map && map._goldmapLegend;
        if (control && !control.getContainer().children.length) {
            control.remove();
            delete map._goldmapLegend;
        }
    }
    if (parent instanceof L.Map) { show(parent); return; }
    parent.on("add", function () { show(parent._map); });
    parent.on("remove", function () { hide(parent._map); });
    if (parent._map) { show(parent._map); }
})(%(html)s, %(order)d, %(parent)s);"""


class Legend(Attached, MacroElement):
    """A part of the map's one legend box; text is escaped by the builders.

    Every legend of a map (its own, each layer group's) goes into one box at the bottom
    right, in ``order`` (a statistic's classes first), so that no two boxes stack.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.script() }}
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "GoldmapLegend"
        self.sections: dict[str, str] = {}
        self.order = 1

    def script(self) -> str:
        assert self.parent_name, "attach the legend to a map or a layer group first"
        return _LEGEND_JS % {
            "html": page_json(self.html()),
            "order": self.order,
            "parent": self.parent_name,
        }

    def html(self) -> str:
        return "".join(self.sections.values())


#: Below this map width (CSS px, a phone's) the legend leaves no room beside it in the bottom
#: corners: the scale bar and the list of unknown mines go above it, in its corner.
NARROW_MAP = 560

CSS = f"""<style>
.leaflet-container {{ background: {WATER_COLOR}; font-family: system-ui, sans-serif; }}
.goldmap-mine {{ background: none; border: none; }}
.goldmap-legend {{ background: rgba(255,255,255,.92); padding: 6px 9px; border-radius: 5px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); font: 12px/1.5 system-ui, sans-serif; max-width: 240px;
  max-height: 45vh; overflow-y: auto; }}
.goldmap-legend-part + .goldmap-legend-part {{ border-top: 1px solid #ddd; margin-top: 4px;
  padding-top: 4px; }}
.goldmap-mine svg {{ filter: drop-shadow(0 1px 1px rgba(0,0,0,.35)); }}
.goldmap-corrected.goldmap-uncertain svg polygon {{ stroke: #006d2c; }}
.leaflet-control-layers-overlays label {{ white-space: nowrap; }}
.leaflet-control-layers {{ font-size: 12px; line-height: 1.35; }}
.leaflet-interactive:focus, .leaflet-marker-icon:focus {{ outline: none; }}
.leaflet-control-scale {{ font-size: 11px; }}
.leaflet-control-scale-line {{ white-space: nowrap; overflow: visible; font-size: 11px; }}
.gm-popup {{ font: 13px/1.4 system-ui, sans-serif; max-width: 340px; }}
.gm-popup a, .gm-popup td, .gm-popup .gm-sources li {{ overflow-wrap: anywhere; }}
.gm-popup .gm-t {{ font-weight: 700; font-size: 15px; }}
.gm-popup .gm-s {{ margin-bottom: 4px; }}
.gm-s {{ color: #666; }}
.gm-popup table {{ border-collapse: collapse; }}
.gm-popup th {{ text-align: left; vertical-align: top; padding: 1px 8px 1px 0;
  white-space: nowrap; color: #555; font-weight: 600; }}
.gm-popup td {{ padding: 1px 0; }}
.gm-stands-for, .gm-corrected {{ margin: 4px 0; padding: 3px 6px; }}
.gm-stands-for {{ background: #fff4e5; border-left: 3px solid #d4a017; }}
.gm-corrected {{ background: #e5f5e0; border-left: 3px solid #2ca25f; }}
.gm-sources ol {{ margin: 2px 0 0 18px; padding: 0; }}
.gm-popup details summary {{ cursor: pointer; color: #555; font-weight: 600; }}
</style>"""


# The controls goldmap adds to a map, by name: looked up through branca's public to_dict().
_CONTROLS = ("goldmap_layer_control", "goldmap_legend")


def child_names(m: folium.Map | folium.FeatureGroup) -> list[str]:
    """Return the names of the map's children, in drawing order (public branca API)."""
    return list(m.to_dict(depth=1)["children"])


def add_below_controls(m: folium.Map | folium.FeatureGroup, layer: Any) -> None:
    """Add ``layer`` before goldmap's layer control and legend, which must come after it.

    Leaflet's layer control refers to the layers by their JavaScript names, so it has to be
    written after them; new layers are inserted in front of it instead of appended.
    """
    if not isinstance(m, folium.Map):
        attach(m, layer)
        return
    names = child_names(m)
    index = min((names.index(n) for n in _CONTROLS if n in names), default=None)
    attach(m, layer, index=index)


def get_legend(m: folium.Map | folium.FeatureGroup) -> Legend:
    """Return the map's goldmap legend, adding it (after every layer) the first time."""
    legend = _LEGENDS.get(m)
    if legend is None:
        legend = Legend()
        attach(m, legend, name="goldmap_legend")
        _LEGENDS[m] = legend
    return legend


def swatch(style: LayerStyle, *, point: bool, dashed: bool = False, mark: str = "filled") -> str:
    if point:
        return star_svg(style.marker_color, style.stroke, size=14, mark=mark)
    border = "dashed" if (dashed or style.dash) else "solid"
    opacity = max(style.fill_opacity, 0.25)
    return (
        f'<span style="display:inline-block;width:14px;height:10px;vertical-align:-1px;'
        f"background:{style.fill};opacity:{opacity + 0.4:.2f};"
        f'border:2px {border} {style.stroke}"></span>'
    )


def dot_swatch(fill: str, stroke: str) -> str:
    """Return the legend symbol of a layer drawn as circle markers."""
    return (
        '<span style="display:inline-block;width:10px;height:10px;border-radius:50%;'
        f'vertical-align:-1px;background:{fill};border:1.5px solid {stroke}"></span>'
    )


_STAR = "12,1.5 15,8.8 22.8,9.3 16.8,14.3 18.7,22 12,17.8 5.3,22 7.2,14.3 1.2,9.3 9,8.8"
_STAR_LEFT_HALF = "9,8.8 1.2,9.3 7.2,14.3 5.3,22 12,17.8 12,1.5"


def star_svg(fill: str, stroke: str, *, size: int, mark: str = "filled") -> str:
    """Return the SVG star of a key mine drawn as ``mark`` (see :data:`goldmap.styles.MINE_MARKS`).

    ``"filled"``: the point marks the mine; ``"half"``: a town's point, its left half filled;
    ``"hollow"``: a county's stand-in, white with a dashed outline.
    """
    gold = fill == LAYER_STYLES["key_mines"].marker_color
    line = STAND_IN_STROKE if gold and mark != "filled" else stroke
    body = fill if mark == "filled" else "#ffffff"
    width = {"filled": 1.2, "half": 1.6, "hollow": 2.2}[mark]
    dash = ' stroke-dasharray="2.5 1.8"' if mark == "hollow" else ""
    half = (
        f'<polygon points="{_STAR_LEFT_HALF}" fill="{fill}" stroke="none"/>'
        if mark == "half"
        else ""
    )
    outline = f'stroke="{line}" stroke-width="{width}" stroke-linejoin="round"{dash}'
    return (
        f'<svg width="{size}" height="{size}" viewBox="0 0 24 24" style="vertical-align:-2px"'
        f' data-mark="{mark}">'
        f'<polygon points="{_STAR}" fill="{body}" stroke="none"/>{half}'
        f'<polygon points="{_STAR}" fill="none" {outline}/></svg>'
    )


# Adds a control to the map its element belongs to. On a layer group (a FeatureGroup the app
# swaps on every filter change) the control comes and goes with the group.
_ATTACH_JS = """(function (control, parent) {
    if (parent instanceof L.Map) { control.addTo(parent); return; }
    parent.on("add", function () { control.addTo(parent._map); });
    parent.on("remove", function () { control.remove(); });
    if (parent._map) { control.addTo(parent._map); }
})(%(control)s, %(parent)s);"""


def attach_control_js(element: Attached) -> str:
    """Return the script adding ``element``'s control to its map, or with its layer group."""
    assert element.parent_name, "attach the element to a map or a layer group first"
    control = element.get_name()  # type: ignore[attr-defined]
    return _ATTACH_JS % {"control": control, "parent": element.parent_name}


class StyleOnce(MacroElement):
    """CSS for a layer drawn in a layer group, inserted into the page once by its script."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (id, css) {
            if (document.getElementById(id)) { return; }
            var style = document.createElement("style");
            style.id = id;
            style.textContent = css;
            document.head.appendChild(style);
        })({{ this.style_id|tojson }}, {{ this.css|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, style_id: str, css: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "GoldmapStyle"
        self.style_id = style_id
        self.css = css.replace("<style>", "").replace("</style>", "")


def add_css(target: folium.Map | folium.FeatureGroup, name: str, css: str) -> None:
    """Add ``css`` (a ``<style>`` block) to the page ``target`` is drawn in, once."""
    if isinstance(target, folium.Map):
        figure(target).header.add_child(Element(css), name=name)
    elif name not in child_names(target):
        target.add_child(StyleOnce(name, css), name=name)


def figure(m: folium.Map) -> Figure:
    root = m.get_root()
    assert isinstance(root, Figure)
    return root


_WITHOUT_CONTROL: weakref.WeakSet[folium.Map] = weakref.WeakSet()


def omit_layer_control(m: folium.Map) -> None:
    """Have goldmap add no layer control to ``m`` (its caller adds one over every layer)."""
    _WITHOUT_CONTROL.add(m)


def ensure_setup(m: folium.Map | folium.FeatureGroup) -> None:
    """Give ``m`` goldmap's CSS and, on a map, its layer control (a group has none)."""
    add_css(m, "goldmap_css", CSS)
    if not isinstance(m, folium.Map) or m in _WITHOUT_CONTROL:
        return
    if "goldmap_layer_control" not in child_names(m):
        m.add_child(
            folium.LayerControl(collapsed=False, position="topright"),
            name="goldmap_layer_control",
        )


# -- public builders -------------------------------------------------------------------------
