"""Draw where things are on maps with no basemap: major rivers, lakes and prefecture seats.

The context is one switchable layer, kept light: rivers and lakes are thin, pale and not
clickable, drawn over the provinces and under everything else; prefecture-level seats are
small dots named on hover, and Beijing and the provincial capitals carry small permanent
labels. Coordinates are rounded to 0.01° (about 1 km) and sent as compact arrays, not GeoJSON.
"""

from __future__ import annotations

import json
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely
from jinja2 import Template

from goldmap.catalog import load
from goldmap.maps._basemaps import to_gcj02
from goldmap.maps._leaflet import DataLayer, add_below_controls, child_names, ensure_setup
from goldmap.maps._popups import escape
from goldmap.styles import style_for
from goldmap.text import check_lang, tr

__all__ = ["add_context"]

_DECIMALS = 2
_RANKS = {"capital": 0, "provincial_capital": 1, "prefecture": 2}


def _rings(frame: gpd.GeoDataFrame) -> list[np.ndarray]:
    """Return every line of a frame (river lines, lake exterior rings) as (lon, lat) arrays."""
    lines = []
    for geom in shapely.get_parts(frame.geometry.values):
        line = geom.exterior if isinstance(geom, shapely.Polygon) else geom
        lines.append(np.asarray(line.coords)[:, :2])
    return lines


def _flat(xy: np.ndarray, *, gcj02: bool) -> list[float]:
    """Return coordinates as one flat, rounded list ``[lon, lat, lon, lat, ...]``."""
    if gcj02:
        xy = to_gcj02(xy)
    return [float(v) for v in np.round(xy, _DECIMALS).ravel()]


class ContextLayer(DataLayer):
    """Rivers, lakes and seats as one Leaflet layer group, from compact arrays."""

    header = Template(
        """
        <style>
        .goldmap-city { background: none; border: none; box-shadow: none; padding: 0 2px;
          font: 10px/1.2 system-ui, sans-serif; color: #333; white-space: nowrap;
          position: absolute; left: 0; top: 0;
          text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; }
        </style>
        """
    )
    script = Template(
        """
        var {{ this.get_name() }} = (function (map) {
            var d = {{ this.payload() }};
            if (!map.getPane("goldmapCities")) {
                var pane = map.createPane("goldmapCities");
                pane.style.zIndex = 450;
                pane.style.pointerEvents = "none";
            }
            function pairs(c) {
                var out = [];
                for (var i = 0; i < c.length; i += 2) { out.push([c[i + 1], c[i]]); }
                return out;
            }
            // A label is not a marker (whose icons are the plan's mines).
            var Label = L.DivIcon.extend({
                createIcon: function (old) {
                    var div = L.DivIcon.prototype.createIcon.call(this, old);
                    div.classList.remove("leaflet-marker-icon");
                    return div;
                }
            });
            var group = L.layerGroup(), water = [];
            d.rivers.forEach(function (c) {
                water.push(L.polyline(pairs(c), {color: "{{ this.river }}", weight: 1, opacity: 0.9,
                    interactive: false}));
            });
            d.lakes.forEach(function (c) {
                water.push(L.polygon(pairs(c), {color: "{{ this.river }}", weight: 0.8,
                    fillColor: "{{ this.lake }}", fillOpacity: 1, interactive: false}));
            });
            water.forEach(function (l) { group.addLayer(l); });
            d.cities.forEach(function (c) {
                var major = c[3] < 2;
                var dot = L.circleMarker([c[1], c[0]], {pane: "goldmapCities",
                    radius: major ? 3 : 2, color: "{{ this.city }}", weight: major ? 1.2 : 0.8,
                    fillColor: major ? "{{ this.city }}" : "#ffffff", fillOpacity: 1,
                    bubblingMouseEvents: false});
                if (major) {
                    // A label as an icon, not a permanent tooltip: a tooltip measures
                    // itself when placed, a page layout for each of the 34 labels.
                    group.addLayer(L.marker([c[1], c[0]], {pane: "goldmapCities",
                        interactive: false, keyboard: false, icon: new Label({
                            className: "goldmap-city", html: c[2], iconSize: null,
                            iconAnchor: [-8, 6]})}));
                } else {
                    dot.bindTooltip(c[2] + (c[4] ? " " + c[4] : ""), {direction: "top"});
                }
                group.addLayer(dot);
            });
            // Water lies over the provinces and under the plan's layers, also when the
            // layer is switched off and on again.
            group.on("add", function () {
                water.forEach(function (l) { l.bringToBack(); });
                map.eachLayer(function (l) {
                    if (l.feature && l.feature.properties._layer === "provinces") {
                        l.bringToBack();
                    }
                });
            });
            return group;
        })({{ this.parent_name }});
        """
    )
    # The colours of goldmap.styles, which the static figure draws with too.
    river = style_for("rivers").stroke
    lake = style_for("lakes").fill
    city = style_for("cities").stroke

    def __init__(
        self,
        rivers: gpd.GeoDataFrame,
        lakes: gpd.GeoDataFrame,
        cities: gpd.GeoDataFrame,
        *,
        name: str,
        show: bool,
        lang: str,
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "GoldmapContext"
        self.rivers = _rings(rivers)
        self.lakes = _rings(lakes)
        other = "name_en" if lang == "zh" else "name_zh"
        first = "name_zh" if lang == "zh" else "name_en"
        self.cities = [
            (
                np.asarray(geom.coords)[0, :2],
                str(row[first] or row[other]),
                str(row[other] or "") if row[other] != row[first] else "",
                _RANKS.get(str(row["rank"]), 2),
            )
            for row, geom in zip(
                cities.drop(columns=cities.geometry.name).to_dict("records"),
                cities.geometry.values,
                strict=True,
            )
        ]

    def payload(self) -> str:
        """Return the layer's data as compact JSON, shifted to GCJ-02 if the map asks for it."""
        gcj02 = self.datum == "gcj02"
        cities = []
        for xy, label, other, rank in self.cities:
            lon, lat = _flat(xy[None, :], gcj02=gcj02)
            cities.append([lon, lat, escape(label), rank, escape(other)])
        data: dict[str, Any] = {
            "rivers": [_flat(xy, gcj02=gcj02) for xy in self.rivers],
            "lakes": [_flat(xy, gcj02=gcj02) for xy in self.lakes],
            "cities": cities,
        }
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        # Safe inside <script>: no "</script" or HTML comment can be formed.
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def add_context(
    m: folium.Map,
    *,
    lang: str = "zh",
    show: bool | None = None,
    cities: gpd.GeoDataFrame | None = None,
) -> folium.Map:
    """Draw major rivers, lakes and prefecture-level seats as one switchable layer.

    Parameters
    ----------
    m : folium.Map
        The map; draw the provinces first (the water is kept just above them).
    lang : {"zh", "en"}, default "zh"
        Language of the city names (the other language follows).
    show : bool, optional
        Whether the layer is visible when the map opens; default when the map has no tile
        basemap.
    cities : geopandas.GeoDataFrame, optional
        The seats to draw, with ``name_zh``, ``name_en`` and ``rank``; default
        ``load("cities")``.

    Returns
    -------
    folium.Map
        ``m``, for chaining.

    Raises
    ------
    OptionError
        When ``lang`` is unknown.

    Examples
    --------
    >>> import goldmap
    >>> m = add_context(goldmap.make_map(["key_mines"], basemap="light"), lang="en")
    """
    check_lang(lang)
    if show is None:
        show = not any(name.startswith("tile_layer") for name in child_names(m))
    seats = load("cities") if cities is None else cities.to_crs(4326)
    layer = ContextLayer(
        load("rivers"),
        load("lakes"),
        seats,
        name=escape(tr("context", lang)),
        show=show,
        lang=lang,
    )
    ensure_setup(m)
    add_below_controls(m, layer)
    return m
