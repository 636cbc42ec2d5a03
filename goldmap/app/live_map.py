"""Show goldmap's map in Streamlit: rendered once per page, its layer groups swapped each rerun.

The map is a small Streamlit component of goldmap's own (``_map_frontend/``: one page and
its script, no framework). Python renders the map that stays put (basemap, provinces,
context, the user's features, the view) into a :class:`MapPage` with folium's public
``render``, and each layer group the filters change into a :class:`GroupScript`. The page in
the browser loads Leaflet from the app's static files, builds the map once per page key,
and on every rerun replaces only the groups and the layer switch, so a filter change neither
redraws the map nor loses the user's pan and zoom.

:class:`LiveMap` keeps the rendered pages and groups, each under a key its caller gives.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import folium
import streamlit.components.v1 as components
from branca.element import Figure

from goldmap.maps import Map
from goldmap.maps.build import frame_header

__all__ = [
    "FRAME_CSS",
    "FRAME_TITLE",
    "GroupScript",
    "LiveMap",
    "MapPage",
    "Same",
    "SwitchEntry",
    "render_group",
    "render_page",
]

_COMPONENT = components.declare_component(
    "map", path=str(Path(__file__).with_name("_map_frontend"))
)
#: The title of the map's frame in the page (Streamlit names a component's frame so).
FRAME_TITLE = f"{__name__}.map"

#: CSS for the page around the map: the map's frame as high as the window allows below a
#: title of two lines, never lower than 480 px; scrolled into sight (a focus from the text
#: below it), it stops below the page's top bar.
FRAME_CSS = f"""<style>
iframe[title="{FRAME_TITLE}"] {{
    height: max(480px, calc(100vh - 190px)) !important;
    scroll-margin-top: 4rem;
}}
</style>"""


@dataclass(frozen=True)
class SwitchEntry:
    """A layer as the layer switch lists it: its label, script name and kind."""

    name: str
    js_name: str
    overlay: bool


@dataclass(frozen=True)
class MapPage:
    """A map rendered for the browser: what it keeps between reruns.

    Attributes
    ----------
    key : str
        A digest of the page (the same for the same map, whatever folium named its
        elements): the browser builds the map again only when it changes.
    header, html : str
        The page's header (Leaflet, style sheets) and its body (the map's element).
    script : str
        A function body that builds the map and returns it and its switchable layers (in
        the order of ``switch``).
    switch : tuple of SwitchEntry
        The map's own layers the layer switch lists, before the groups.
    datum : str
        The datum the map draws in ("wgs84", or "gcj02" on Gaode tiles), as its groups must.
    """

    key: str
    header: str
    html: str
    script: str
    switch: tuple[SwitchEntry, ...]
    datum: str


@dataclass(frozen=True)
class GroupScript:
    """A layer group rendered for :meth:`LiveMap.show`.

    Attributes
    ----------
    key : str
        A digest of the group's script.
    script : str
        A function body that draws the group onto the map given as ``parent`` and returns it.
    parent : str
        The name the script gives the map.
    name : str
        The group's label in the layer switch.
    """

    key: str
    script: str
    parent: str
    name: str


# folium names each element with a random hex id: the same map has other names each render.
_ELEMENT_ID = re.compile(r"_[0-9a-f]{32}\b")


def _digest(*parts: str, names: bool = True) -> str:
    """Return a digest of ``parts``; with ``names=False`` folium's element ids do not count."""
    sha = hashlib.sha256()
    for part in parts:
        sha.update((part if names else _ELEMENT_ID.sub("", part)).encode("utf-8"))
        sha.update(b"\0")
    return sha.hexdigest()[:32]


def _figure(m: folium.Map) -> Figure:
    figure = m.get_root()
    assert isinstance(figure, Figure)
    return figure


def render_page(m: Map) -> MapPage:
    """Render ``m`` once for :meth:`LiveMap.show`.

    Parameters
    ----------
    m : goldmap.maps.Map
        The map without its layer groups or layer switch (e.g. ``make_map([],
        m=blank_map(layer_control=False))``). Do not draw on it afterwards.

    Returns
    -------
    MapPage
        The rendered map; keep it as long as the map's inputs stay the same.
    """
    m.render()  # type: ignore[no-untyped-call]
    figure = _figure(m)
    header = frame_header(figure.header.render(), getattr(m, "page_lang", "zh"))
    html = figure.html.render()
    switch = tuple(
        SwitchEntry(str(layer.layer_name), layer.get_name(), bool(layer.overlay))
        for layer in m.switch_layers
    )
    layers = ", ".join(e.js_name for e in switch)
    script = f"{figure.script.render()}\nreturn {{map: {m.get_name()}, layers: [{layers}]}};\n"
    return MapPage(
        key=_digest(header, html, script, names=False),
        header=header,
        html=html,
        script=script,
        switch=switch,
        datum=m.datum,
    )


def render_group(group: folium.FeatureGroup) -> GroupScript:
    """Render ``group`` (e.g. from :func:`goldmap.maps.overlay_groups`) for :meth:`LiveMap.show`.

    The group is rendered against a map of its own, whose name the script takes as a
    parameter: the browser hands it the map on the page. Do not reuse ``group`` afterwards.
    """
    host = folium.Map(tiles=None)
    group.add_to(host)
    group.render()  # type: ignore[no-untyped-call]
    figure = _figure(host)
    script = f"{figure.script.render()}\nreturn {group.get_name()};\n"
    name = str(group.layer_name) if group.control else ""
    return GroupScript(_digest(script, name, names=False), script, host.get_name(), name)


T = TypeVar("T")


class Same:
    """A part of a key that equals another when both hold the very same object.

    For what a session holds and cannot be compared by value cheaply (an uploaded frame).
    """

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.value is self.value

    def __hash__(self) -> int:
        return id(self.value)


class _Memo:
    """A bounded, thread-safe memo: values by key, the least recently used dropped first."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                value: T = self._values[key]
                return value
        value = make()  # outside the lock: another session may render meanwhile
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self._size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


class LiveMap:
    """The app's map: pages and layer groups rendered once per key, shown without a redraw.

    Pages and groups with nothing of a user's in them are kept here for every session, up
    to ``pages`` and ``groups`` of them; a page with a user's data is kept in that
    session's own store (:meth:`session_page`), one at a time, and goes with the session.

    Parameters
    ----------
    pages, groups : int
        How many shared pages and groups are kept (the least recently used go first).
    """

    def __init__(self, *, pages: int = 16, groups: int = 96) -> None:
        self._pages = _Memo(pages)
        self._groups = _Memo(groups)

    def page(self, key: Hashable, build: Callable[[], Map]) -> MapPage:
        """Return the page for ``key``, rendering ``build()`` the first time it is asked for."""
        return self._pages.get(key, lambda: render_page(build()))

    def session_page(self, store: Any, key: Hashable, build: Callable[[], Map]) -> MapPage:
        """Return the page for ``key`` kept in ``store``, one at a time.

        ``store`` is the session (an object with a ``map_page`` attribute, such as
        :class:`goldmap.app.state.Session`); ``key`` must name everything the page shows
        (compared with ``==``).
        """
        kept = store.map_page
        if kept is not None and kept[0] == key:
            page: MapPage = kept[1]
            return page
        store.map_page = None  # free the old page before rendering the new one
        page = render_page(build())
        store.map_page = (key, page)
        return page

    def group(self, key: Hashable, build: Callable[[], folium.FeatureGroup]) -> GroupScript:
        """Return the group for ``key``, rendering ``build()`` the first time it is asked for."""
        return self._groups.get(key, lambda: render_group(build()))

    def clear(self) -> None:
        """Forget every shared page and group."""
        self._pages.clear()
        self._groups.clear()

    @staticmethod
    def show(
        page: MapPage,
        groups: Sequence[GroupScript] = (),
        *,
        layer_control: folium.LayerControl | None = None,
        height: int = 700,
        returned_objects: Iterable[str] = (),
        key: str = "goldmap_map",
        focus: dict[str, Any] | None = None,
        session: str = "",
    ) -> dict[str, Any]:
        """Show ``page`` with ``groups`` on it, and return what the user did on the map.

        Parameters
        ----------
        page : MapPage
            The map, from :meth:`page` or :func:`render_page`.
        groups : sequence of GroupScript
            The layer groups, in drawing order; the browser swaps them in place.
        layer_control : folium.LayerControl, optional
            A layer switch over the page's layers and the groups (its options are used).
        height : int, default 700
            Height of the map's frame in pixels; it takes the width of its container.
        returned_objects : iterable of str
            What the map reports: ``"last_active_drawing"``, the feature last clicked;
            ``"drawn"``, True once the browser has drawn the map (a report reruns the app).
        key : str, default "goldmap_map"
            The map's key among the page's elements.
        focus : dict, optional
            Where the map goes, once per ``token``: ``bounds`` (``[[south, west], [north,
            east]]``) fitted up to ``max_zoom``; ``feature`` (``"<layer>:<id>"``, or
            ``"user:<row>"``) whose popup opens, the feature highlighted; ``scroll``, the
            page scrolls the map into sight; ``inside``, a closer view centred in the
            bounds stays (see :mod:`goldmap.app.focus`). Without a new focus, a new page
            (another language) opens where the old one was, with the same popup open.
        session : str, default ""
            The browser session's id: the map keeps its view for it in the tab, should the
            page build the map's frame anew.

        Returns
        -------
        dict
            ``returned_objects`` with the values the map reported (None until then).
        """
        wanted = list(returned_objects)
        switch = None
        if layer_control is not None:
            entries = [dataclasses.asdict(e) for e in page.switch]
            switch = {"entries": entries, "options": layer_control.options}
        result = _COMPONENT(
            page_key=page.key,
            header=page.header,
            html=page.html,
            script=page.script,
            groups=[{"script": g.script, "parent": g.parent, "name": g.name} for g in groups],
            groups_key=_digest(page.key, json.dumps(switch), *(g.key for g in groups)),
            switch=switch,
            height=height,
            focus=focus,
            session=session,
            key=key,
            default={},
        )
        reported = result if isinstance(result, dict) else {}
        return {name: reported.get(name) for name in wanted}
