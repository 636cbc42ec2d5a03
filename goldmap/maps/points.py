"""Draw many points (10⁴–10⁶: drill collars, samples) as one canvas layer from compact arrays.

A GeoJSON layer with a popup per point costs a few hundred bytes a point and a DOM element
each: 100,000 points make a page of hundreds of megabytes. Here the coordinates travel as
one flat array of rounded numbers and are drawn on a single canvas; a click reports the
point's position and row number, and the caller looks the row up (the details live in the
data, not in the page).
"""

from __future__ import annotations

import json

import folium
import geopandas as gpd
import numpy as np
import shapely
from jinja2 import Template

from goldmap.errors import OptionError
from goldmap.maps._leaflet import DataLayer, add_below_controls, dot_swatch, to_4326

__all__ = ["POINT_DECIMALS", "PointCloud", "add_points"]

#: Decimals kept for each coordinate: 1e-5 degrees is about a metre.
POINT_DECIMALS = 5


class PointCloud(DataLayer):
    """A Leaflet layer of circle markers on one canvas, built from a flat coordinate array."""

    script = Template(
        """
        var {{ this.get_name() }} = (function () {
            var xy = {{ this.coordinates }};
            var renderer = L.canvas({padding: 0.3, pane: "goldmap-points"});
            var group = L.featureGroup();
            // Above the areas (overlay pane, 400) and below the mines (marker pane, 600);
            // made when the layer joins a map (directly or in a layer group).
            group.beforeAdd = function (map) {
                if (!map.getPane("goldmap-points")) {
                    map.createPane("goldmap-points").style.zIndex = 450;
                }
            };
            for (var i = 0; i < xy.length; i += 2) {
                if (xy[i] === null || xy[i + 1] === null) { continue; }  // no coordinates
                var marker = L.circleMarker([xy[i + 1], xy[i]], {
                    renderer: renderer, pane: "goldmap-points",
                    radius: {{ this.radius }}, weight: 1,
                    color: {{ this.stroke|tojson }}, fillColor: {{ this.fill|tojson }},
                    fillOpacity: 0.75
                });
                marker.feature = {type: "Feature", properties: {_layer: "user", row: i / 2},
                                  geometry: {type: "Point", coordinates: [xy[i], xy[i + 1]]}};
                group.addLayer(marker);
            }
            return group;
        })();
        """
    )

    def __init__(
        self, coordinates: str, *, name: str, fill: str, stroke: str, radius: float
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "PointCloud"
        self.coordinates = coordinates
        self.fill = fill
        self.stroke = stroke
        self.radius = radius


def add_points(
    m: folium.Map | folium.FeatureGroup,
    frame: gpd.GeoDataFrame,
    *,
    name: str,
    fill: str = "#1f78b4",
    stroke: str = "#ffffff",
    radius: float = 3.0,
) -> folium.Map | folium.FeatureGroup:
    """Draw the points of ``frame`` as one canvas layer, light enough for 10⁵ points.

    Parameters
    ----------
    m : folium.Map or folium.FeatureGroup
        The map, or a layer group to show on one (see :mod:`goldmap.maps.overlays`).
    frame : geopandas.GeoDataFrame
        Point features (any CRS; drawn in WGS84). Other geometry types are drawn at their
        representative point.
    name : str
        The layer's name in the layer switch (escaped by the caller).
    fill, stroke : str, default "#1f78b4", "#ffffff"
        Colours of the circles.
    radius : float, default 3.0
        Circle radius in screen pixels.

    Returns
    -------
    folium.Map
        ``m``, for chaining. A click on a point reports ``properties.row``: its row in
        ``frame`` (0-based, in the frame's order).

    Raises
    ------
    OptionError
        When ``radius`` is not positive.

    Examples
    --------
    >>> import goldmap, pandas as pd
    >>> pts = goldmap.read_features(pd.DataFrame({"lon": [120.3], "lat": [37.2]}))
    >>> m = add_points(goldmap.make_map([]), pts, name="samples")
    """
    if not radius > 0:
        raise OptionError(f"radius must be a positive number of pixels; got {radius!r}.")
    frame = to_4326(frame, "frame")
    geometries = frame.geometry.values
    anchors = np.where(
        shapely.get_type_id(geometries) == 0, geometries, shapely.point_on_surface(geometries)
    )
    anchors[shapely.is_empty(anchors)] = None  # GEOS has no x of an empty point
    xs = np.round(shapely.get_x(anchors), POINT_DECIMALS)
    ys = np.round(shapely.get_y(anchors), POINT_DECIMALS)
    flat = np.column_stack([xs, ys]).ravel()
    # The list in C, then JSON: only a point without coordinates can give "NaN", and JSON
    # has no NaN, so it becomes null (as before: one Python float per value cost ~0.5 s/10⁵).
    flat[~np.isfinite(flat)] = np.nan
    text = json.dumps(flat.tolist(), separators=(",", ":")).replace("NaN", "null")
    label = f"{dot_swatch(fill, stroke)} {name} ({len(frame):,})"
    layer = PointCloud(text, name=label, fill=fill, stroke=stroke, radius=radius)
    if isinstance(m, folium.FeatureGroup):
        m.layer_name = label
    add_below_controls(m, layer)
    return m
