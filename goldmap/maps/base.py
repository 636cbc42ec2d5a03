"""The empty map goldmap draws on, and the view a new map opens on."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np

from goldmap.catalog import load
from goldmap.maps._leaflet import omit_layer_control

__all__ = ["blank_map", "first_view"]


def blank_map(
    *,
    bounds: list[list[float]] | None = None,
    max_zoom: int | None = None,
    layer_control: bool = True,
    height: str | int | None = None,
) -> folium.Map:
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
        caller, who adds one after every layer (e.g. streamlit-folium's ``layer_control=``).
    height : str or int, optional
        Height of the map: CSS (``"600px"``) or pixels; default the page's.

    Returns
    -------
    folium.Map
        The map, with no tiles and a scale bar; draw onto it with ``make_map(m=...)``.
    """
    m = folium.Map(
        location=[35.0, 104.0],
        zoom_start=4,
        tiles=None,
        control_scale=True,
        zoom_snap=0.25,
        height=height or "100%",
    )
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
