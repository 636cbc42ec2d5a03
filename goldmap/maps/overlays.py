"""The layers of :func:`make_map` as layer groups, for a map that stays put while they change.

:func:`overlay_groups` draws each plan layer (and a statistic's colours) into its own
``folium.FeatureGroup``, with its legend inside the group. Added to a map they give what
:func:`make_map` draws; handed to the app's live map (:mod:`goldmap.app.live_map`) they are
swapped in the page on a filter change while the map itself, and the user's pan and zoom,
stay as they were.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import folium
import geopandas as gpd

from goldmap.catalog import LAYERS
from goldmap.errors import LayerNotFoundError
from goldmap.maps._basemaps import datum_of
from goldmap.maps._layer_rows import layer_rows, packaged_rows
from goldmap.maps.base import OverlayGroup
from goldmap.maps.build import MAP_LAYERS, draw_rows, filter_layer
from goldmap.maps.choropleth import Choropleth, add_choropleth
from goldmap.text import check_lang

__all__ = ["overlay_group", "overlay_groups"]


def overlay_group(m: folium.Map, name: str = "") -> OverlayGroup:
    """Return an empty layer group to draw into and then show on ``m``.

    The group draws in ``m``'s datum (shifted to GCJ-02 on Gaode tiles); the layer drawn
    into it names it in the layer switch.
    """
    return OverlayGroup(name=name or None, control=True, show=True, datum=datum_of(m))


def overlay_groups(
    m: folium.Map,
    layers: Sequence[str] | Mapping[str, gpd.GeoDataFrame | None],
    *,
    lang: str = "zh",
    provinces: Iterable[Any] | None = None,
    commodities: Iterable[str] | None = None,
    company: str | Iterable[str] | None = None,
    choropleth: Choropleth | None = None,
    color_by: str | None = None,
) -> list[OverlayGroup]:
    """Draw layers as :func:`make_map` would, one layer group each, for map ``m``.

    Parameters
    ----------
    m : folium.Map
        The map the groups will be shown on, e.g. ``make_map([])`` (provinces, context and
        basemap, no plan layer). The groups are not added to it.
    layers : sequence of str, or mapping of name to GeoDataFrame or None
        Layers from :data:`MAP_LAYERS`; a mapping gives a frame to draw for a layer (None:
        the packaged one), e.g. the key mines with corrections.
    lang : {"zh", "en"}, default "zh"
        Language shown first.
    provinces, commodities : iterable, optional
        Keep only these provinces / commodities (see :func:`filter_layer`).
    company : str or iterable of str, optional
        Keep only the key mines of this company, by name or ticker (see :func:`filter_layer`).
    choropleth : Choropleth, optional
        A statistic to colour the provinces by, drawn as the first group.
    color_by : {"status", "owner"}, optional
        Colour the key mines by status or owner group, with a legend (see
        :func:`goldmap.maps.add_layer`).

    Returns
    -------
    list of OverlayGroup
        The statistic's group first, then one group per layer in drawing order.

    Raises
    ------
    LayerNotFoundError
        When a layer is not one of :data:`MAP_LAYERS`.

    Examples
    --------
    >>> import folium
    >>> from goldmap.maps import blank_map
    >>> m = blank_map(layer_control=False)
    >>> for group in overlay_groups(m, ["key_mines"], provinces=["山东"]):
    ...     _ = group.add_to(m)
    >>> _ = folium.LayerControl(collapsed=False).add_to(m)  # after the groups
    """
    check_lang(lang)
    frames: dict[str, gpd.GeoDataFrame | None]
    frames = dict(layers) if isinstance(layers, Mapping) else dict.fromkeys(layers)
    unknown = [n for n in frames if n not in MAP_LAYERS]
    if unknown:
        raise LayerNotFoundError(
            f"Layer {unknown[0]!r} cannot be drawn on the map; choose from {list(MAP_LAYERS)}."
        )
    groups = []
    if choropleth is not None:
        group = overlay_group(m, choropleth.column)
        add_choropleth(
            group, choropleth.frame, choropleth.column, scheme=choropleth.scheme,
            k=choropleth.k, title=choropleth.title, lang=lang,
        )  # fmt: skip
        groups.append(group)
    for name in sorted(frames, key=MAP_LAYERS.index):
        given = frames[name]
        if given is None:  # the packaged layer, read once: a filter picks rows from it
            rows = packaged_rows(
                name, provinces=provinces, commodities=commodities, company=company
            )
        else:
            kept = filter_layer(
                given, provinces=provinces, commodities=commodities, company=company
            )
            rows = layer_rows(kept, name)
        spec = LAYERS[name]
        group = overlay_group(m, spec.title_zh if lang == "zh" else spec.title_en)
        draw_rows(group, rows, layer=name, lang=lang, color_by=color_by)
        groups.append(group)
    return groups
