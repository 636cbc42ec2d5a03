"""Show a folium map in Streamlit, rendering the map when it changes and its groups each rerun.

streamlit-folium's ``st_folium`` renders the whole map to its page script on every rerun,
though the browser keeps the map and only swaps the layer groups when the script is the same.
For goldmap that render is most of a rerun (templates for the basemap, provinces, context and
up to 10⁵ uploaded points, then regular expressions over the result). Here the map is
rendered once into a :class:`MapPage`, which the caller keeps for as long as the map's inputs
do not change; each rerun renders only the layer groups and the layer switch, and hands
streamlit-folium's own component the same arguments ``st_folium`` would.

This uses streamlit-folium's private render helpers (``_get_html``, ``_get_header``,
``_get_map_string``, the group and control helpers, ``_component_func``), so that the
strings are exactly those ``st_folium`` makes; pyproject.toml pins the release they are
checked against, and the browser tests draw every map through here.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import branca
import folium
import folium.elements
import streamlit_folium as sf
from branca.element import MacroElement
from folium.elements import ElementAddToElement
from jinja2 import Template

from goldmap.maps._basemaps import is_gcj02, mark_gcj02

__all__ = [
    "FRAME_CSS",
    "GroupScript",
    "MapPage",
    "render_group",
    "render_page",
    "show_map",
    "stand_in",
    "switch_script",
]


@dataclass(frozen=True)
class _SwitchEntry:
    """A layer of the rendered map as the layer switch lists it."""

    name: str
    js_name: str
    overlay: bool
    show: bool


@dataclass(frozen=True)
class MapPage:
    """A map rendered for streamlit-folium's component: what the browser keeps between reruns.

    Attributes
    ----------
    script, header, html : str
        The map's Leaflet script, page header and HTML, as ``st_folium`` makes them.
    map_id : str
        The map's element id.
    key : str
        The component key: the same script gives the same key, so the browser keeps its map.
    css_links, js_links : tuple of str
        Style sheets and scripts the page loads.
    switch : tuple
        The map's own layers, for the layer switch drawn over them and the groups.
    gcj02 : bool
        Whether the map draws in GCJ-02 (on Gaode tiles), as its groups must.
    """

    script: str
    header: str
    html: str
    map_id: str
    key: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    switch: tuple[_SwitchEntry, ...]
    gcj02: bool


def _elements(element: Any) -> Iterator[Any]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _elements(child)


def _links(m: folium.Map) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the style sheets and scripts of ``m``'s elements, as ``st_folium`` collects them."""
    css: list[str] = []
    js: list[str] = []
    for element in _elements(m):
        if isinstance(element, branca.colormap.ColorMap):
            js[:0] = ["https://d3js.org/d3.v4.min.js",
                      "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js"]  # fmt: skip
        if isinstance(element, folium.elements.JSCSSMixin):
            css.extend(href for _, href in getattr(element, "default_css", []))
            js.extend(src for _, src in getattr(element, "default_js", []))
    return tuple(dict.fromkeys(css)), tuple(dict.fromkeys(js))


# The map takes the whole height of its frame, which the page sizes (see FRAME_CSS).
_FILL_FRAME = "<style>#map_div { height: 100vh !important; }</style>"

#: CSS for the page around the map: the map's frame as high as the window allows below a
#: title of two lines, never lower than 480 px. With ``render_page(..., fill_frame=True)``.
FRAME_CSS = """<style>
iframe[title="streamlit_folium.st_folium"] {
    height: max(480px, calc(100vh - 190px)) !important;
}
</style>"""


def render_page(m: folium.Map, *, key: str = "map", fill_frame: bool = False) -> MapPage:
    """Render ``m`` once for :func:`show_map`.

    Parameters
    ----------
    m : folium.Map
        The map without its layer groups or layer switch (e.g. ``make_map([])``). It is
        changed by the render (streamlit-folium renames its elements): do not reuse it.
    key : str, default "map"
        Names this map among the page's maps.
    fill_frame : bool, default False
        Whether the map fills its frame, whatever ``show_map``'s height; the page sizes
        the frame with :data:`FRAME_CSS`.

    Returns
    -------
    MapPage
        The rendered map; keep it as long as the map's inputs stay the same.
    """
    m.get_root().render()
    m.render()  # type: ignore[no-untyped-call]
    html = sf._get_html(m)
    header = sf._get_header(m) + (_FILL_FRAME if fill_frame else "")
    script = sf._get_map_string(m)  # renames m's elements: read the names after it
    switch = tuple(
        _SwitchEntry(str(item.layer_name), item.get_name(), bool(item.overlay), bool(item.show))
        for item in m._children.values()
        if isinstance(item, folium.map.Layer) and item.control
    )
    css, js = _links(m)
    return MapPage(
        script=script,
        header=header,
        html=html,
        map_id=sf.get_full_id(m),
        key=sf.generate_js_hash(script, key, False),
        css_links=css,
        js_links=js,
        switch=switch,
        gcj02=is_gcj02(m),
    )


class _Listed(folium.map.Layer):
    """A layer of the rendered map, standing in for it in the layer switch (draws nothing)."""

    _template = Template("")

    def __init__(self, entry: _SwitchEntry) -> None:
        super().__init__(name=entry.name, overlay=entry.overlay, control=True, show=entry.show)
        self._js_name = entry.js_name

    def get_name(self) -> str:
        return self._js_name


@functools.cache
def stand_in(*, gcj02: bool = False) -> folium.Map:
    """Return an empty map that draws as a page's map does (``MapPage.gcj02``), to draw groups for.

    Give it to :func:`goldmap.maps.overlay_groups`, which reads how the map draws (GCJ-02 on
    Gaode tiles) without drawing on it; it is made once and shared, so never draw on it.
    """
    m = folium.Map(tiles=None)
    if gcj02:
        mark_gcj02(m)
    return m


# What streamlit-folium's page does with each group it is given (as st_folium writes it).
_SHOW_GROUP = """
map_div.addLayer(%(group)s);
window.feature_group = window.feature_group || [];
window.feature_group.push(%(group)s);
"""


@dataclass(frozen=True)
class GroupScript:
    """A layer group rendered for :func:`show_map`: its script and its line in the switch."""

    script: str
    entry: _SwitchEntry


def _add_shown_layers(element: Any) -> None:
    """Give each shown layer under ``element`` its ``addTo(parent)``, as folium's render does.

    folium adds these in ``Layer.render``, which also renders every element's script into a
    page and compiles it as a template: for a layer group that page is thrown away, so the
    lines are added here and the scripts rendered once, by streamlit-folium's string.
    """
    for child in list(element._children.values()):
        _add_shown_layers(child)
    parent = element._parent
    if isinstance(element, folium.map.Layer) and element.show and parent is not None:
        element.add_child(
            ElementAddToElement(
                element_name=element.get_name(), element_parent_name=parent.get_name()
            ),
            name=element.get_name() + "_add",
        )


def dedent(text: str) -> str:
    """Return ``text`` as :func:`textwrap.dedent` does, in a fraction of its time.

    ``textwrap.dedent`` runs two regular expressions over the whole text; a group's script
    is a few lines, one of them its data (up to megabytes). Same rules: lines of spaces and
    tabs become empty, and the longest run of them that every other line starts with goes.
    """
    lines = ["" if not line.strip(" \t") else line for line in text.split("\n")]
    indents = [line[: len(line) - len(line.lstrip(" \t"))] for line in lines if line]
    if not indents:
        return "\n".join(lines)
    low, high = min(indents), max(indents)  # their common start is every indent's
    size = next((i for i, (a, b) in enumerate(zip(low, high, strict=False)) if a != b), len(low))
    margin = low[:size]
    if not margin:
        return "\n".join(lines)
    return "\n".join(line[len(margin) :] if line else line for line in lines)


def _page_map() -> MacroElement:
    """Return the parent of a group as the page names its map: ``map_div``.

    ``st_folium`` adds a group to the map and then renames the map's variable in the
    script; a parent with the page's name gives that script at once. It draws nothing, and
    each group gets its own.
    """
    parent = MacroElement()  # type: ignore[no-untyped-call]
    parent._name, parent._id = "Map", "div"
    return parent


def render_group(group: folium.FeatureGroup, position: int) -> GroupScript:
    """Render ``group`` as the ``position``-th group of a map shown by :func:`show_map`.

    Parameters
    ----------
    group : folium.FeatureGroup
        A group drawn for ``stand_in(...)``; it is changed by the render: do not reuse it.
    position : int
        Its place among the map's groups, from 0 (it names the group in the page).

    Returns
    -------
    GroupScript
        The group's script, the same for the same group and position (cacheable).
    """
    name = f"feature_group_{position}"
    group._id = name
    group.add_to(_page_map())
    _add_shown_layers(group)
    script = sf.generate_leaflet_string(group, base_id=name)
    script = dedent(script) + _SHOW_GROUP % {"group": group.get_name()}
    entry = _SwitchEntry(str(group.layer_name), group.get_name(), bool(group.overlay),
                         bool(group.show))  # fmt: skip
    return GroupScript(script, entry)


# Layer switches already written, by what decides their script (see switch_script).
_SWITCHES: dict[tuple[Any, ...], str] = {}
_SWITCHES_LOCK = threading.Lock()
_MAX_SWITCHES = 512


def switch_script(
    page: MapPage, groups: Sequence[GroupScript], control: folium.LayerControl
) -> str:
    """Return the script of ``control`` listing the page's layers, then the groups.

    The same script streamlit-folium writes for a layer switch over the map and its groups.
    It depends only on the listed layers and the control's class and options, and is kept
    for them: a filter change that leaves the counts as they were writes none.
    """
    entries = (*page.switch, *(g.entry for g in groups))
    options = json.dumps(control.options, sort_keys=True, default=str)
    key = (type(control), options, bool(getattr(control, "draggable", False)), entries)
    with _SWITCHES_LOCK:
        known = _SWITCHES.get(key)
    if known is not None:
        return known
    switch_map = folium.Map(tiles=None)
    for entry in entries:
        switch_map.add_child(_Listed(entry))
    script = str(sf._get_layer_control_string(control, switch_map))
    with _SWITCHES_LOCK:
        if len(_SWITCHES) >= _MAX_SWITCHES:
            _SWITCHES.pop(next(iter(_SWITCHES)))  # the oldest
        _SWITCHES[key] = script
    return script


def show_map(
    page: MapPage,
    groups: Sequence[GroupScript] = (),
    *,
    layer_control: folium.LayerControl | None = None,
    height: int = 700,
    returned_objects: Iterable[str] = (),
) -> dict[str, Any] | None:
    """Show ``page`` with ``groups`` on it, and return what the user did on the map.

    Parameters
    ----------
    page : MapPage
        The map, from :func:`render_page`.
    groups : sequence of GroupScript
        Layer groups from :func:`render_group`, in their positions; the browser swaps them
        in place.
    layer_control : folium.LayerControl, optional
        A layer switch over the page's layers and the groups.
    height : int, default 700
        Height in pixels; the map takes the width of its container.
    returned_objects : iterable of str
        What the map reports back (streamlit-folium's names, e.g. ``"last_active_drawing"``);
        only a change in these reruns the app.

    Returns
    -------
    dict or None
        streamlit-folium's answer for ``returned_objects``.
    """
    returned = list(returned_objects)
    control_script = None if layer_control is None else switch_script(page, groups, layer_control)
    result: dict[str, Any] | None = sf._component_func(
        script=page.script,
        header=page.header,
        html=page.html,
        id=page.map_id,
        key=page.key,
        height=height,
        width=None,
        returned_objects=returned,
        default=dict.fromkeys(returned),
        zoom=None,
        center=None,
        feature_group="".join(g.script for g in groups) if groups else None,
        return_on_hover=False,
        layer_control=control_script,
        pixelated=False,
        css_links=list(page.css_links),
        js_links=list(page.js_links),
        wrap_longitude=False,
    )
    return result
