"""Make the empty map goldmap draws on, its layer groups, and the view a new map opens on."""

from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd
import numpy as np
from branca.element import MacroElement
from jinja2 import Template

from goldmap.catalog import load
from goldmap.maps._leaflet import NARROW_MAP, Attached, attach, omit_layer_control

__all__ = ["DATUMS", "Map", "OverlayGroup", "ScaleBar", "blank_map", "first_view"]

#: The datums a map's basemap can be drawn in: layers on a ``"gcj02"`` map are shifted.
DATUMS = ("wgs84", "gcj02")


def _checked(datum: str) -> str:
    if datum not in DATUMS:
        from goldmap.errors import OptionError

        raise OptionError(f"Unknown datum {datum!r}; choose one of {list(DATUMS)}.")
    return datum


class Map(folium.Map):
    """A folium map that knows the datum of its basemap.

    Parameters
    ----------
    datum : {"wgs84", "gcj02"}, default "wgs84"
        The datum the basemap's tiles are drawn in; :func:`goldmap.maps.add_basemap` sets
        it to ``"gcj02"`` for Gaode tiles, and goldmap's layers drawn on the map are then
        shifted to match (for display only).
    **options
        Passed to :class:`folium.Map`.

    Attributes
    ----------
    datum : str
        As above.
    switch_layers : list of folium.map.Layer
        The layers goldmap drew on the map that a layer switch lists, in drawing order.
    """

    def __init__(self, *, datum: str = "wgs84", **options: Any) -> None:
        super().__init__(**options)
        self.datum = _checked(datum)
        self.switch_layers: list[folium.map.Layer] = []


class OverlayGroup(folium.FeatureGroup):
    """A folium layer group that draws in the datum of the map it is shown on.

    Parameters
    ----------
    datum : {"wgs84", "gcj02"}, default "wgs84"
        The datum of the map the group is shown on (:func:`goldmap.maps.overlay_group`
        takes it from the map).
    **options
        Passed to :class:`folium.FeatureGroup`.
    """

    def __init__(self, *, datum: str = "wgs84", **options: Any) -> None:
        super().__init__(**options)
        self.datum = _checked(datum)


class ScaleBar(Attached, MacroElement):
    """Leaflet's scale bar, drawn long enough for its label ("1000 km") at every zoom.

    Leaflet shows the roundest distance that fits in ``max_width`` pixels, so its bar may be
    half that long: folium's (100 px) is then shorter than its own label, which runs over
    the bar's end tick. On a narrow map (a phone) the bar goes to the legend's corner.

    Parameters
    ----------
    max_width : int, default 150
        The longest the bar may be, in CSS pixels.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var corner = map.getSize().x < {{ this.narrow }} ? "bottomright" : "bottomleft";
            L.control.scale({maxWidth: {{ this.max_width }}, position: corner}).addTo(map);
        })({{ this.parent_name }});
        {% endmacro %}
        """
    )

    def __init__(self, max_width: int = 150) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "GoldmapScale"
        self.max_width = max_width
        self.narrow = NARROW_MAP


def blank_map(
    *,
    bounds: list[list[float]] | None = None,
    max_zoom: int | None = None,
    layer_control: bool = True,
    height: str | int | None = None,
    datum: str = "wgs84",
) -> Map:
    """Return an empty map with goldmap's settings, opening on all of China or ``bounds``.

    Parameters
    ----------
    bounds : list, optional
        ``[[south, west], [north, east]]`` to open on; default all of China (the provinces'
        extent, Heilongjiang to the South China Sea islands).
    max_zoom : int, optional
        The closest zoom the opening view may take (for a point's small bounds).
    layer_control : bool, default True
        Whether goldmap adds its layer switch as layers are drawn; False leaves it to the
        caller, who adds one after every layer (e.g. the app's live map).
    height : str or int, optional
        Height of the map: CSS (``"600px"``) or pixels; default the page's.
    datum : {"wgs84", "gcj02"}, default "wgs84"
        The datum of the basemap it will get (:func:`goldmap.maps.add_basemap` sets it).

    Returns
    -------
    Map
        The map, with no tiles and a scale bar; draw onto it with ``make_map(m=...)``.
    """
    m = Map(
        datum=datum,
        location=[35.0, 104.0],
        zoom_start=4,
        tiles=None,
        control_scale=False,  # goldmap's own bar: see ScaleBar
        zoom_snap=0.25,
        height=height or "100%",
    )
    attach(m, ScaleBar(), name="goldmap_scale")
    if not layer_control:
        omit_layer_control(m)
    # China's first view keeps its north-east clear of the layer switch (top right).
    pad = {} if bounds else {"padding_top_left": (0, 60)}
    m.fit_bounds(bounds or first_view([]), max_zoom=max_zoom, **pad)
    return m


def first_view(drawn: list[gpd.GeoDataFrame]) -> list[list[float]]:
    """Return the bounds a new map opens on: the drawn features, or all of China.

    All of China is the provinces' extent: Heilongjiang to Hainan and the South China Sea
    islands, Xinjiang to the Wusuli.
    """
    frames = drawn or [load("provinces", simplified=True)]
    bounds = np.array([f.total_bounds for f in frames])
    west, south = bounds[:, :2].min(axis=0)
    east, north = bounds[:, 2:].max(axis=0)
    pad = 0.5
    return [
        [round(float(south) - pad, 3), round(float(west) - pad, 3)],
        [round(float(north) + pad, 3), round(float(east) + pad, 3)],
    ]
