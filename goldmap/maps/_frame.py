"""Keep popups clear of the map's controls, fold the controls on a phone, say when tiles fail.

:class:`MapFrame` is added once to every map :func:`goldmap.maps.make_map` draws (the app's
map and ``goldmap map``'s page alike). Its script:

- pans the map after a popup opens so that the popup (and its tip) lies inside the map and
  clear of every control (zoom buttons, layer switch, legend, scale, notices), measured from
  the controls' real boxes, again whenever the map's frame changes size (a ``ResizeObserver``:
  the pan happens after the frame's final size) or a folded part of the popup opens; a popup
  too wide or too tall for the space is narrowed or scrolls;
- collapses the layer switch into its button on a screen no wider than :data:`SMALL_SCREEN_PX`
  (the legend folds itself, see :mod:`goldmap.maps._leaflet`);
- shows a notice on the map when a basemap's tiles cannot load (no network, a refused key, a
  tile error): the plan's layers stay drawn.
"""

from __future__ import annotations

import weakref

import folium
from branca.element import MacroElement
from jinja2 import Template

from goldmap.errors import OptionError
from goldmap.maps._basemaps import BASEMAPS, Basemap, get_basemap
from goldmap.maps._leaflet import Attached, add_css, attach, page_json
from goldmap.text import tr

#: A map at most this wide (a phone) gets its layer switch collapsed and its legend folded.
SMALL_SCREEN_PX = 480

__all__ = ["SMALL_SCREEN_PX", "MapFrame", "add_frame", "add_notice", "usable_basemap"]

_FRAMES: weakref.WeakKeyDictionary[folium.Map, MapFrame] = weakref.WeakKeyDictionary()

CSS = """<style>
.goldmap-foldable::before { content: "\\25BE  " attr(data-label); display: block;
  cursor: pointer; font-weight: 600; color: #444; }
.goldmap-foldable.goldmap-folded::before { content: "\\25B8  " attr(data-label); }
.goldmap-foldable.goldmap-folded > * { display: none; }
.goldmap-notice { background: rgba(255,255,255,.94); padding: 4px 8px; border-radius: 4px;
  border-left: 3px solid #b35900; box-shadow: 0 1px 3px rgba(0,0,0,.25); max-width: 260px;
  font: 12px/1.4 system-ui, sans-serif; color: #5c2e00; }
</style>"""

_SCRIPT = """(function (map, words, notice) {
    var SMALL = %(small)d, MARGIN = 8, TIP = 20;
    // A phone's layer switch starts as its button (Leaflet reads the option when it is added).
    if (!L.Control.Layers.goldmapFolds) {
        L.Control.Layers.goldmapFolds = true;
        L.Control.Layers.addInitHook(function () {
            if (window.innerWidth <= SMALL) { this.options.collapsed = true; }
        });
    }
    // A phone's legend starts folded to its title; a tap unfolds it (the legend calls this).
    map.goldmapFold = function (div) {
        if (map.getSize().x > SMALL) { return; }
        div.classList.add("goldmap-foldable", "goldmap-folded");
        div.setAttribute("data-label", words.legend);
        div.setAttribute("role", "button");
        div.setAttribute("aria-label", words.legend);
        div.setAttribute("aria-expanded", "false");
        div.tabIndex = 0;
        function toggle() {
            var folded = div.classList.toggle("goldmap-folded");
            div.setAttribute("aria-expanded", folded ? "false" : "true");
        }
        div.addEventListener("click", toggle);
        div.addEventListener("keydown", function (e) {
            if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(); }
        });
    };
    // goldmap pans to open popups itself: Leaflet's autoPan knows a margin, not the controls.
    L.Popup.mergeOptions({autoPan: false});

    function box(el, origin) {
        var r = el.getBoundingClientRect();
        return {left: r.left - origin.left, top: r.top - origin.top,
                right: r.right - origin.left, bottom: r.bottom - origin.top};
    }
    function controls() {
        var container = map.getContainer(), origin = container.getBoundingClientRect();
        var found = container.querySelectorAll(".leaflet-control");
        var boxes = [];
        Array.prototype.forEach.call(found, function (el) {
            var b = box(el, origin);
            if (b.right > b.left && b.bottom > b.top) {
                b.top_corner = !!el.closest(".leaflet-top");
                boxes.push(b);
            }
        });
        return boxes;
    }
    function hits(a, c) {
        return a.left < c.right + MARGIN - 0.5 && a.right > c.left - MARGIN + 0.5
            && a.top < c.bottom + MARGIN - 0.5 && a.bottom > c.top - MARGIN + 0.5;
    }
    // The smallest move (dx, dy) of box b that puts it inside the map and clear of cs.
    function place(b, cs, size) {
        var xs = [0, MARGIN - b.left, size.x - MARGIN - b.right];
        var ys = [0, MARGIN - b.top, size.y - MARGIN - b.bottom];
        cs.forEach(function (c) {
            xs.push(c.right + MARGIN - b.left, c.left - MARGIN - b.right);
            ys.push(c.bottom + MARGIN - b.top, c.top - MARGIN - b.bottom);
        });
        var best = null;
        xs.forEach(function (dx) {
            ys.forEach(function (dy) {
                var r = {left: b.left + dx, right: b.right + dx,
                         top: b.top + dy, bottom: b.bottom + dy};
                if (r.left < MARGIN - 0.5 || r.top < MARGIN - 0.5
                    || r.right > size.x - MARGIN + 0.5 || r.bottom > size.y - MARGIN + 0.5) {
                    return;
                }
                if (cs.some(function (c) { return hits(r, c); })) { return; }
                var cost = Math.abs(dx) + Math.abs(dy);
                if (!best || cost < best.cost) { best = {dx: dx, dy: dy, cost: cost}; }
            });
        });
        return best;
    }
    // The band between the top corners' controls and the bottom corners' ones.
    function band(cs, size) {
        var top = 0, bottom = size.y;
        cs.forEach(function (c) {
            if (c.top_corner) { top = Math.max(top, c.bottom); }
            else { bottom = Math.min(bottom, c.top); }
        });
        return {top: top, bottom: bottom};
    }
    function popupBox(popup, origin) {
        var b = box(popup.getElement(), origin);
        b.bottom += TIP;  // the tip, under the popup, down to the point it is about
        return b;
    }
    // Fit a popup to the map: no wider than the map, no taller than the free band.
    function fit(popup, cs, size) {
        var kept = popup.goldmapFit || (popup.goldmapFit = {
            maxWidth: popup.options.maxWidth, maxHeight: popup.options.maxHeight});
        var el = popup.getElement(), content = el.querySelector(".leaflet-popup-content");
        var width = Math.min(kept.maxWidth, Math.max(size.x - 2 * MARGIN - 50, 120));
        var changed = width !== popup.options.maxWidth
            || popup.options.maxHeight !== kept.maxHeight;
        popup.options.maxWidth = width;
        popup.options.maxHeight = kept.maxHeight;
        if (changed) { popup.update(); }
        var free = band(cs, size), room = free.bottom - free.top - 2 * MARGIN;
        var origin = map.getContainer().getBoundingClientRect(), b = popupBox(popup, origin);
        var tall = b.bottom - b.top;
        if (tall > room && content) {
            popup.options.maxHeight = Math.max(content.offsetHeight - (tall - room), 80);
            popup.update();
        }
    }
    var zooming = false, waiting = false;  // a zoom under way: the pan waits for its end
    map.on("zoomstart", function () { zooming = true; });
    map.on("zoomend", function () {
        zooming = false;
        if (waiting) { waiting = false; later(open); }
    });
    function clear(popup) {
        if (!popup || !popup.isOpen() || !popup.getElement()) { return; }
        if (zooming) { waiting = true; return; }
        var size = map.getSize(), cs = controls();
        fit(popup, cs, size);
        var origin = map.getContainer().getBoundingClientRect(), b = popupBox(popup, origin);
        if (!(b.right > b.left)) { return; }  // not laid out yet
        var move = place(b, cs, size);
        if (!move) {  // no room beside the controls: the popup goes in the band between them
            var free = band(cs, size);
            var dx = Math.min(Math.max(0, MARGIN - b.left), size.x - MARGIN - b.right);
            move = {dx: dx, dy: free.top + MARGIN - b.top};
        }
        if (Math.abs(move.dx) >= 1 || Math.abs(move.dy) >= 1) {
            map.panBy([-Math.round(move.dx), -Math.round(move.dy)]);
        }
    }
    var open = null;
    function later(popup) { requestAnimationFrame(function () { clear(popup); }); }
    map.on("popupopen", function (e) {
        open = e.popup;
        var el = e.popup.getElement();
        if (el && !el.goldmapToggles) {  // a folded part opened or closed: the popup grew
            el.goldmapToggles = true;
            el.addEventListener("toggle", function () {
                if (e.popup.isOpen()) { e.popup.update(); later(e.popup); }
            }, true);
        }
        later(e.popup);
    });
    map.on("popupclose", function (e) { if (open === e.popup) { open = null; } });
    // A control that comes or goes (a notice, an unfolded legend) may now cover the popup.
    // (Not a control's text, such as the scale's after each move: the user's own panning
    // of an open popup is left alone.)
    if (window.MutationObserver) {
        var corners = map.getContainer().querySelector(".leaflet-control-container");
        var watcher = new MutationObserver(function () { later(open); });
        watcher.observe(corners, {subtree: true, attributes: true, attributeFilter: ["class"]});
        Array.prototype.forEach.call(corners.children, function (corner) {
            watcher.observe(corner, {childList: true});
        });
    }
    if (window.ResizeObserver) {
        new ResizeObserver(function () {
            requestAnimationFrame(function () { map.invalidateSize(); later(open); });
        }).observe(map.getContainer());
    }

    // A notice at the bottom left: the basemap cannot load; the plan's layers stay.
    function say(text) {
        if (map.goldmapNotice) { return; }
        var control = L.control({position: "bottomleft"});
        control.onAdd = function () {
            var div = L.DomUtil.create("div", "goldmap-notice");
            div.setAttribute("role", "status");
            div.textContent = text;
            return div;
        };
        map.goldmapNotice = control.addTo(map);
    }
    function watch(layer) {
        if (layer instanceof L.TileLayer && !layer.goldmapWatched) {
            layer.goldmapWatched = true;
            layer.on("tileerror", function () { say(words.tiles); });
        }
    }
    map.eachLayer(watch);
    map.on("layeradd", function (e) { watch(e.layer); });
    if (notice) { say(notice); }
})(%(map)s, %(words)s, %(notice)s);"""


class MapFrame(Attached, MacroElement):
    """The script that keeps popups clear of the controls and says when tiles fail."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.script() }}
        {% endmacro %}
        """
    )

    def __init__(self, lang: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "GoldmapFrame"
        self.lang = lang
        self.notice = ""

    def script(self) -> str:
        assert self.parent_name, "attach the frame to a map first"
        words = {"tiles": tr("basemap_failed", self.lang), "legend": tr("map_legend", self.lang)}
        return _SCRIPT % {
            "small": SMALL_SCREEN_PX,
            "map": self.parent_name,
            "words": page_json(words),
            "notice": page_json(self.notice or None),
        }


def add_frame(m: folium.Map, *, lang: str) -> MapFrame:
    """Give ``m`` goldmap's frame script (once) and return it.

    Added before the map's layers and controls, so that its hooks see them being added.
    """
    frame = _FRAMES.get(m)
    if frame is None:
        frame = MapFrame(lang)
        attach(m, frame, name="goldmap_frame", index=0)
        add_css(m, "goldmap_frame_css", CSS)
        _FRAMES[m] = frame
    return frame


def add_notice(m: folium.Map, text: str, *, lang: str = "zh") -> folium.Map:
    """Show ``text`` (plain, escaped by the page) in a notice at the map's bottom left.

    For what keeps a basemap from loading that Python already knows (a Tianditu basemap
    without its key); tile errors in the browser show their own notice. An empty ``text``
    adds nothing.
    """
    if text:
        add_frame(m, lang=lang).notice = text
    return m


def usable_basemap(basemap: str, *, key: str | None, lang: str) -> tuple[Basemap | None, str]:
    """Return the basemap to draw and a notice: no tiles, and why, when its key is missing.

    A map that cannot have its basemap keeps its layers: the caller draws it without tiles
    and shows the notice (:func:`add_notice`) instead of an error in place of the map.

    Raises
    ------
    OptionError
        When ``basemap`` is not a known name.
    """
    try:
        return get_basemap(basemap, key=key), ""
    except OptionError:
        chosen = BASEMAPS.get(basemap)
        if chosen is None or not chosen.requires_key():
            raise
        return None, tr("basemap_needs_key", lang)
