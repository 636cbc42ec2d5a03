"""Send the map to what the reader picked: a place in the text, a table row, provinces, an upload.

A focus is a plain value the map's component applies once (:func:`map_focus`): the bounds
to fit, the feature whose popup opens (highlighted), whether the page scrolls the map into
sight, and whether a closer look inside the bounds may stay. Each request gets a new token,
so asking for the same place again moves the map again, and a rerun that only repeats the
request does not.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import shapely

from goldmap.app import data
from goldmap.app.details import find_feature
from goldmap.app.state import selected_rows, session, sync_query_params
from goldmap.catalog import LAYERS
from goldmap.maps import MAP_LAYERS

__all__ = [
    "FOCUS_ZOOM",
    "focus_bounds",
    "focus_feature",
    "follow_provinces",
    "map_focus",
    "request_bounds",
    "row_picker",
    "take_pending_focus",
]

#: Closest zoom a focus goes to (a point is shown at this zoom).
FOCUS_ZOOM = 9
# Margin around a focused feature, in degrees (a point gets a ~10 km window).
_FOCUS_PAD = 0.05


def focus_bounds(geometry: Any) -> list[list[float]]:
    """Return the Leaflet bounds ``[[south, west], [north, east]]`` that show ``geometry``."""
    west, south, east, north = shapely.bounds(geometry).tolist()
    pad = _FOCUS_PAD
    return [
        [round(south - pad, 5), round(west - pad, 5)],
        [round(north + pad, 5), round(east + pad, 5)],
    ]


def request_bounds(
    bounds: list[list[float]],
    *,
    feature: str | None = None,
    scroll: bool = False,
    inside: bool = False,
) -> None:
    """Ask the map to fit ``bounds`` once.

    Parameters
    ----------
    bounds : list
        ``[[south, west], [north, east]]``.
    feature : str, optional
        ``"<layer>:<id>"`` (``"user:<row>"`` for an upload's drawn row): its popup opens,
        the feature highlighted.
    scroll : bool, default False
        Whether the page scrolls the map into sight (the reader asked from below it).
    inside : bool, default False
        Whether a closer view whose centre already lies in ``bounds`` stays as it is.
    """
    session().map_focus = {
        "token": secrets.token_hex(6),
        "bounds": bounds,
        "max_zoom": FOCUS_ZOOM,
        "feature": feature,
        "scroll": scroll,
        "inside": inside,
    }


def map_focus() -> dict[str, Any] | None:
    """Return the last focus asked for (the map applies each token once)."""
    return session().map_focus


def focus_feature(layer: str, key: str, *, scroll: bool = True) -> None:
    """Select a feature (details, link) and send the map to it, its popup open.

    A plan layer the map does not show is switched on, so that the feature is there to
    open. A feature without a position is selected only.
    """
    s = session()
    s.selected = (layer, key)
    s.focus = None
    row = find_feature(layer, key)
    if row is None or row["geometry"] is None or shapely.is_empty(row["geometry"]):
        return
    if layer in MAP_LAYERS and layer not in s.layers:
        s.layers = [*s.layers, layer]
    request_bounds(focus_bounds(row["geometry"]), feature=f"{layer}:{key}", scroll=scroll)


def take_pending_focus() -> None:
    """Apply a focus a link asked for (``focus=layer:id``), without scrolling the page."""
    pending = session().focus
    if pending and pending[0] in LAYERS and pending[0] != "provinces":
        focus_feature(str(pending[0]), str(pending[1]), scroll=False)
    session().focus = None


def follow_provinces() -> None:
    """Fit the map to the chosen provinces whenever the choice changes (a link's too).

    Emptying the choice leaves the view where it is; a closer look inside the chosen
    provinces stays (see :func:`request_bounds`'s ``inside``).
    """
    s = session()
    chosen = tuple(s.provinces)
    if chosen == s.fitted_provinces:
        return
    s.fitted_provinces = chosen
    if chosen:
        request_bounds(data.provinces_view(chosen), inside=True)


def row_picker(key: str, pick: Callable[[int], None]) -> Callable[[], None]:
    """Return the ``on_select`` callback of the table ``key``: ``pick`` the chosen row.

    ``pick`` gets the row's position in the table as it was given to Streamlit.
    """

    def on_select() -> None:
        rows = selected_rows(key)
        if rows:
            pick(rows[0])
            sync_query_params()

    return on_select
