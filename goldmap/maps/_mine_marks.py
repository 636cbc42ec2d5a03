"""Draw what a key mine's point stands for: fanned-out stacks, uncertainty, unknown positions.

* Mines whose stars would overlap on screen (several mines at one county's or town's
  stand-in point, or neighbours at a small zoom) are fanned out around their common centre,
  at every zoom, each star separately clickable, with a thin leader to its true point (a
  dot): no star hides another, and the popup opens at the star.
* A county- or town-precision mine carries ``_uncertainty`` (metres): the map draws a
  circle of that radius around the point while the mine's popup is open.
* A mine whose position is unknown below the province has no point: it is listed in a small
  map control ("位置未知：以地南（甘肃）") instead of being drawn.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import folium
import numpy as np
import shapely
from branca.element import MacroElement
from jinja2 import Template

from goldmap._mine_location import UNCERTAINTY_KM, shared_point_groups
from goldmap._values import is_missing
from goldmap.maps._leaflet import (
    NARROW_MAP,
    POINT_DECIMALS,
    Attached,
    add_css,
    attach,
    attach_control_js,
    get_legend,
    star_svg,
)
from goldmap.maps._mine_colors import Category
from goldmap.maps._popups import escape
from goldmap.styles import MINE_MARKS, LayerStyle, mine_mark
from goldmap.text import tr

__all__ = [
    "CORRECTED_COLORS",
    "ICON_PX",
    "MineMarks",
    "add_mine_marks",
    "mine_icon",
    "mine_legend",
    "point_context",
]

#: Size of a mine's star icon, in CSS pixels.
ICON_PX = 22
#: Precisions whose uncertainty the map draws when the mine is selected: every one with a
#: point, so that no selected mine looks more precise than its data.
CIRCLED = ("deposit", "mine_site", "town", "county")


def _rounded(geometries: Sequence[Any] | np.ndarray) -> list[Any]:
    out: list[Any] = []
    for shape in geometries:
        if shape is None or shape.is_empty or shapely.get_dimensions(shape) != 0:
            out.append(None)
        else:
            out.append(
                shapely.Point(round(shape.x, POINT_DECIMALS), round(shape.y, POINT_DECIMALS))
            )
    return out


def _uncertainty_m(row: Mapping[str, Any]) -> float | None:
    precision = row.get("location_precision")
    if precision not in CIRCLED:
        return None
    km = row.get("location_uncertainty_km")
    km = UNCERTAINTY_KM.get(str(precision)) if is_missing(km) else km
    return None if km is None else float(km) * 1000.0


def point_context(
    records: list[dict[str, Any]], geometries: Sequence[Any] | np.ndarray, lang: str
) -> list[dict[str, Any]]:
    """Add to each mine record its uncertainty radius and who shares its point.

    Adds ``_uncertainty`` (metres, every mine with a point) and ``_shares_names``
    (the names, in ``lang``, of the other mines drawn at the same point).
    """
    groups = shared_point_groups(_rounded(geometries))
    key = "name_zh" if lang == "zh" else "name_en"
    out = []
    for row, others in zip(records, groups, strict=True):
        names = [str(records[j].get(key) or records[j].get("id") or "") for j in others]
        shares = [n for n in names if n]
        out.append({**row, "_uncertainty": _uncertainty_m(row), "_shares_names": shares})
    return out


#: Fill and outline of a mine moved by the user's corrections, told apart from goldmap's own.
CORRECTED_COLORS = ("#2ca25f", "#006d2c")


def mine_icon(
    style: LayerStyle, *, mark: str, corrected: bool = False, fill: str | None = None
) -> dict[str, Any]:
    """Return the Leaflet divIcon options of a mine's star (fanned out by the map's script).

    ``mark`` says how precise the point is (:data:`goldmap.styles.MINE_MARKS`: filled, half,
    hollow). A mine moved by the user's corrections is a green star; ``fill`` colours the
    star by a category (status, owner group) instead of gold.
    """
    c = ICON_PX / 2
    color, stroke = CORRECTED_COLORS if corrected else (style.marker_color, style.stroke)
    if fill is not None and not corrected:
        # A stand-in's star is ringed in its category's colour, as on the figure.
        color, stroke = fill, "#333333" if mark == "filled" else fill
    classes = "goldmap-mine" + (" goldmap-corrected" if corrected else "")
    classes += f" goldmap-mark-{mark}" + (" goldmap-uncertain" if mark == "hollow" else "")
    return {
        "html": star_svg(color, stroke, size=ICON_PX, mark=mark),
        "className": classes,
        "iconSize": [ICON_PX, ICON_PX],
        "iconAnchor": [c, c],
        "tooltipAnchor": [10, 0],
        "popupAnchor": [0, -9],
    }


#: The marks' colour in the legend when the mines are coloured by a category.
_NEUTRAL = "#9e9e9e"


def mine_legend(
    records: Sequence[Mapping[str, Any]],
    style: LayerStyle,
    lang: str,
    *,
    categories: Sequence[Category] = (),
    title: str = "",
) -> str:
    """Return the legend rows of the key mines: each precision mark drawn, then the colours.

    Every mark (filled, half, hollow: :data:`goldmap.styles.MINE_MARKS`) that the drawn mines
    use gets its own row, so the legend says what a star's fill means; ``categories`` (a
    colouring by status or owner group) follow under ``title``, one filled star each.
    """
    used = {mine_mark(r.get("location_precision")) for r in records}
    fill = _NEUTRAL if categories else style.marker_color
    stroke = "#555555" if categories else style.stroke
    rows = [
        f'<div class="goldmap-legend-mark" data-mark="{mark}">'
        f"{star_svg(fill, stroke, size=14, mark=mark)} {escape(tr(f'mark_{mark}', lang))}</div>"
        for mark in dict.fromkeys(m for m in MINE_MARKS.values() if m is not None)
        if mark in used
    ]
    if categories:
        rows.append(f'<div style="font-weight:600;margin-top:3px">{escape(title)}</div>')
        rows += [
            f'<div class="goldmap-legend-category">'
            f"{star_svg(c.color, '#333333', size=14, mark='filled')} {escape(c.label(lang))}</div>"
            for c in categories
        ]
    return "".join(rows)


class UnknownMines(Attached, MacroElement):
    """A small map control listing the mines that have no point, each with its details."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "bottomleft"});
        {{ this.get_name() }}.onAdd = function (map) {
            // On a narrow map (a phone) the list goes above the legend, in its corner
            // (Leaflet reads the corner after onAdd).
            var narrow = map.getSize().x < {{ this.narrow }};
            this.options.position = narrow ? "bottomright" : "bottomleft";
            var div = L.DomUtil.create("div", "goldmap-unknown");
            div.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.attach() }}
        {% endmacro %}
        """
    )

    def attach(self) -> str:
        return attach_control_js(self)

    narrow = NARROW_MAP

    def __init__(self, html: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "GoldmapUnknownMines"
        self.html = html


def _unknown_line(row: Mapping[str, Any], lang: str, short_zh: str) -> str:
    """Say in ``lang`` that the mine's place is unknown; its name in the other language below."""
    name_zh = f"{row.get('name_zh')}（{short_zh}）"
    name_en = f"{row.get('name_en')} ({row.get('province_en')})"
    if lang == "zh":
        first, second = f"{tr('location_unknown', 'zh')}：{name_zh}", name_en
    else:
        first, second = f"{tr('location_unknown', 'en')}: {name_en}", name_zh
    return (
        f'<div class="goldmap-unknown-mine" data-id="{escape(row.get("id"))}">'
        f'<b>{escape(first)}</b><br><span style="color:#666">{escape(second)}</span></div>'
    )


@functools.cache
def _short_names() -> dict[int, str]:
    from goldmap.catalog import load

    provinces = load("provinces")
    return dict(zip(provinces["adcode"].astype(int), provinces["name_zh_short"], strict=True))


_SPREAD_JS = """
(function (group) {
    var SIZE = %(size)d, GAP = 4, LEADER = "#7a5a00";
    function leader(x, y) {
        var c = SIZE / 2;
        return '<svg class="goldmap-leader" width="' + SIZE + '" height="' + SIZE + '" ' +
            'style="position:absolute;left:0;top:0;overflow:visible;pointer-events:none;' +
            'z-index:-1"><line x1="' + c + '" y1="' + c + '" x2="' + x + '" y2="' + y +
            '" stroke="' + LEADER + '" stroke-width="1.2"/><circle cx="' + x + '" cy="' + y +
            '" r="2.6" fill="' + LEADER + '" stroke="#fff" stroke-width="0.8"/></svg>';
    }
    function iconAt(base, dx, dy) {
        var c = SIZE / 2, o = L.extend({}, base);
        o.iconAnchor = [c - dx, c - dy];
        o.popupAnchor = [dx, dy - 9];
        o.tooltipAnchor = [dx + 10, dy];
        if (dx || dy) {
            o.html = leader(c - dx, c - dy) + base.html;
            o.className = base.className + " goldmap-stacked";
        }
        return L.divIcon(o);
    }
    function ringRadius(n) {
        return n < 2 ? 0 : Math.max(SIZE * 0.65, (SIZE / 2 + GAP / 2) / Math.sin(Math.PI / n));
    }
    // Merge stars whose footprints overlap, until none do.
    function clusters(points) {
        var groups = points.map(function (p, i) { return {members: [i], c: p}; }), merged = true;
        while (merged) {
            merged = false;
            for (var i = 0; i < groups.length && !merged; i++) {
                for (var j = i + 1; j < groups.length && !merged; j++) {
                    var a = groups[i], b = groups[j];
                    // Only stars that really overlap are grouped (single linkage on the true
                    // points): growing a group by its ring's size would chain a whole
                    // country's mines into one ring when zoomed out.
                    var touching = a.members.some(function (p) {
                        return b.members.some(function (q) {
                            return points[p].distanceTo(points[q]) < SIZE;
                        });
                    });
                    if (touching) {
                        var all = a.members.concat(b.members), x = 0, y = 0;
                        all.forEach(function (k) { x += points[k].x; y += points[k].y; });
                        groups[i] = {members: all, c: L.point(x / all.length, y / all.length)};
                        groups.splice(j, 1);
                        merged = true;
                    }
                }
            }
        }
        return groups;
    }
    function spread() {
        var map = group._map;
        if (!map) { return; }
        var marks = [];
        group.eachLayer(function (l) {
            if (l.feature && l.feature.properties._icon && l.getLatLng) { marks.push(l); }
        });
        var points = marks.map(function (l) { return map.latLngToLayerPoint(l.getLatLng()); });
        clusters(points).forEach(function (g) {
            var n = g.members.length, r = ringRadius(n);
            var order = g.members.slice().sort(function (i, j) {
                var ai = Math.atan2(points[i].y - g.c.y, points[i].x - g.c.x);
                var aj = Math.atan2(points[j].y - g.c.y, points[j].x - g.c.x);
                return (ai - aj) || (i - j);
            });
            order.forEach(function (k, slot) {
                var angle = -Math.PI / 2 + 2 * Math.PI * slot / n;
                var dx = n < 2 ? 0 : Math.round(g.c.x + r * Math.cos(angle) - points[k].x);
                var dy = n < 2 ? 0 : Math.round(g.c.y + r * Math.sin(angle) - points[k].y);
                var mark = marks[k];
                if (mark._goldmapOffset !== dx + "," + dy) {
                    mark._goldmapOffset = dx + "," + dy;
                    mark.setIcon(iconAt(mark.feature.properties._icon, dx, dy));
                }
            });
        });
    }
    // While a county- or town-precision mine is selected, show the area it could be in.
    group.eachLayer(function (l) {
        var radius = l.feature && l.feature.properties._uncertainty;
        if (!radius || !l.getLatLng) { return; }
        var ring = null;
        l.on("popupopen", function () {
            ring = L.circle(l.getLatLng(), {
                radius: radius, interactive: false, color: "#a87800", weight: 1.5,
                dashArray: "5 4", fillColor: "#d4a017", fillOpacity: 0.12,
                className: "goldmap-uncertainty"
            });
            group.addLayer(ring);
        });
        l.on("popupclose", function () {
            if (ring) { group.removeLayer(ring); ring = null; }
        });
    });
    group.on("add", function () { spread(); group._map.on("zoomend", spread); });
    group.on("remove", function (e) { e.target._map && e.target._map.off("zoomend", spread); });
    if (group._map) { spread(); group._map.on("zoomend", spread); }
})(%(layer)s);
"""

_CSS = """<style>
.goldmap-mine svg.goldmap-leader { filter: none; }
.goldmap-unknown-mine + .goldmap-unknown-mine { margin-top: 3px; }
</style>"""


class MineMarks(MacroElement):
    """The script that fans out overlapping stars and circles a selected mine's uncertainty."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.script() }}
        {% endmacro %}
        """
    )

    def __init__(self, layer: folium.map.Layer) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "GoldmapMineMarks"
        self.layer = layer

    def script(self) -> str:
        return _SPREAD_JS % {"size": ICON_PX, "layer": self.layer.get_name()}


def add_mine_marks(
    m: folium.Map | folium.FeatureGroup,
    layer: folium.map.Layer,
    records: Sequence[Mapping[str, Any]],
    geometry: np.ndarray,
    lang: str,
) -> folium.Map | folium.FeatureGroup:
    """Fan out ``layer``'s overlapping stars and list the mines with no point.

    ``layer`` must already be on ``m`` (the script refers to it); ``records`` and
    ``geometry`` are its mines' values and points (see :class:`goldmap.maps._layer_rows.LayerRows`).
    The legend says how stacked mines are drawn when some of them share a point.
    """
    add_css(m, "goldmap_mine_marks_css", _CSS)
    m.add_child(MineMarks(layer), name=f"goldmap_mine_marks_{layer.get_name()}")
    if any(shared_point_groups(_rounded(list(geometry)))):
        get_legend(m).sections["key_mines_stacked"] = (
            f'<div style="color:#555">{escape(tr("stacked_mines", lang))}</div>'
        )
    missing = shapely.is_missing(geometry) | shapely.is_empty(geometry)
    if not missing.any():
        return m
    short = _short_names()
    lines = "".join(
        _unknown_line(r, lang, short.get(int(r["province_adcode"]), str(r.get("province_zh"))))
        for r, gone in zip(records, missing, strict=True)
        if gone
    )
    box = (
        '<div style="background:rgba(255,255,255,.92);padding:5px 8px;border-radius:5px;'
        "box-shadow:0 1px 4px rgba(0,0,0,.3);font:12px/1.45 system-ui,sans-serif;"
        f'max-width:260px;border-left:3px solid #d4a017">{lines}</div>'
    )
    attach(m, UnknownMines(box), name="goldmap_unknown_mines")
    return m
