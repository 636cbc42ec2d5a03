"""The app's map: rendered once per key, its layer groups and switch swapped in the browser."""

import re
import types

import pytest

from tests.prerequisites import require_module

require_module("streamlit")

import goldmap  # noqa: E402  (after the prerequisite: goldmap.app needs streamlit)
from goldmap.app.live_map import LiveMap, Same, render_group, render_page  # noqa: E402
from goldmap.maps import (  # noqa: E402
    Choropleth,
    Map,
    blank_map,
    make_map,
    overlay_groups,
    to_html,
)

LAYERS = ["exploration_areas", "development_areas", "key_mines"]


def _base(basemap: str | None = None) -> Map:
    return make_map([], m=blank_map(layer_control=False), basemap=basemap)


def _statistic() -> Choropleth:
    provinces = goldmap.load("provinces", simplified=True)
    provinces["value"] = range(len(provinces))
    return Choropleth(provinces, "value", title="value")


def _names(text: str) -> str:
    return re.sub(r"_[0-9a-f]{32}", "_ID", text)


@pytest.mark.parametrize("basemap", [None, "gaode"])
@pytest.mark.parametrize("provinces", [None, ["山东"]])
def test_groups_draw_what_the_same_layers_draw_on_a_whole_map(basemap, provinces):
    # The page a map with the groups added to it writes, against the groups rendered alone.
    whole = _base(basemap)
    groups = overlay_groups(whole, LAYERS, provinces=provinces, choropleth=_statistic())
    for group in groups:
        group.add_to(whole)
    page = _names(to_html(whole))
    datum = render_page(_base(basemap)).datum
    ours = [
        render_group(g)
        for g in overlay_groups(
            blank_map(datum=datum), LAYERS, provinces=provinces, choropleth=_statistic()
        )
    ]
    for group in ours:
        body = _names(group.script).replace(_names(group.parent), "map_ID")
        lines = [line.strip() for line in body.splitlines() if line.strip()]
        assert lines[-1].startswith("return feature_group_ID")
        assert all(line in page for line in lines[:-1] if not line.startswith("return"))
    assert [g.name for g in ours] == [str(g.layer_name) for g in groups]


def test_the_switch_lists_the_maps_own_layers():
    page = render_page(_base())
    assert page.switch  # the context layer (rivers, lakes and cities) can be switched off
    assert all(f"var {e.js_name} " in page.script for e in page.switch)
    names = ", ".join(e.js_name for e in page.switch)
    assert page.script.rstrip().endswith(f"layers: [{names}]}};")


def test_a_page_on_gaode_tiles_has_its_groups_drawn_in_gcj02():
    plain, shifted = render_page(_base()), render_page(_base("gaode"))
    assert plain.datum == "wgs84" and shifted.datum == "gcj02"
    mines = [render_group(overlay_groups(blank_map(datum=p.datum), ["key_mines"])[0])
             for p in (plain, shifted)]  # fmt: skip
    assert mines[0].script != mines[1].script  # the same mines, shifted on Gaode tiles


def test_the_same_map_gives_the_same_page_key():
    first, again = render_page(_base()), render_page(_base())
    assert first.key == again.key  # the browser keeps its map
    assert render_page(_base("gaode")).key != first.key


def test_a_live_map_renders_a_page_and_a_group_once_per_key():
    live, built = LiveMap(pages=2, groups=2), []

    def build(basemap=None):
        built.append(basemap)
        return _base(basemap)

    first = live.page(("p", None), build)
    assert live.page(("p", None), build) is first and built == [None]
    live.page(("p", "gaode"), lambda: build("gaode"))
    live.page(("p", "light"), lambda: build("light"))  # the least recently used goes
    assert live.page(("p", None), build) is not first and built == [None, "gaode", "light", None]
    group = live.group(("g", 1), lambda: overlay_groups(blank_map(), ["key_mines"])[0])
    assert live.group(("g", 1), lambda: pytest.fail("rendered twice")) is group


def test_a_session_keeps_one_page_of_its_own():
    live, frame = LiveMap(), goldmap.load("key_mines")
    store = types.SimpleNamespace(map_page=None)  # as the app's Session keeps it
    page = live.session_page(store, ("p", Same(frame)), _base)
    assert live.session_page(store, ("p", Same(frame)), lambda: pytest.fail("again")) is page
    other = live.session_page(store, ("p", Same(frame.copy())), _base)
    assert other is not page and store.map_page[1] is other
