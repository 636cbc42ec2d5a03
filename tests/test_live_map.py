"""The app's map: rendered once, its layer groups and switch as streamlit-folium writes them."""

import folium
import pytest

from tests.prerequisites import require_module

sf = require_module("streamlit_folium")

import goldmap  # noqa: E402  (after the prerequisite: goldmap.app needs streamlit-folium)
from goldmap.app.live_map import (  # noqa: E402
    render_group,
    render_page,
    stand_in,
    switch_script,
)
from goldmap.maps import Choropleth, blank_map, make_map, overlay_groups  # noqa: E402

LAYERS = ["exploration_areas", "development_areas", "key_mines"]


def _base(basemap: str | None = None) -> folium.Map:
    return make_map([], m=blank_map(layer_control=False), basemap=basemap)


def _statistic() -> Choropleth:
    provinces = goldmap.load("provinces", simplified=True)
    provinces["value"] = range(len(provinces))
    return Choropleth(provinces, "value", title="value")


@pytest.mark.parametrize("basemap", [None, "gaode"])
@pytest.mark.parametrize("provinces", [None, ["山东"]])
def test_groups_and_switch_are_what_st_folium_writes_for_the_same_map(basemap, provinces):
    # What st_folium does: render the map, then each group and the switch against it.
    theirs_map = _base(basemap)
    theirs_map.get_root().render()
    sf._get_map_string(theirs_map)
    groups = overlay_groups(theirs_map, LAYERS, provinces=provinces, choropleth=_statistic())
    theirs = [sf._get_feature_group_string(g, map=theirs_map, idx=i) for i, g in enumerate(groups)]
    control = folium.LayerControl(collapsed=False)
    their_switch = sf._get_layer_control_string(control, theirs_map)

    page = render_page(_base(basemap))
    ours = [
        render_group(g, i)
        for i, g in enumerate(
            overlay_groups(
                stand_in(gcj02=page.gcj02), LAYERS, provinces=provinces, choropleth=_statistic()
            )
        )
    ]
    assert [g.script for g in ours] == theirs
    assert switch_script(page, ours, folium.LayerControl(collapsed=False)) == their_switch


def test_the_switch_lists_the_maps_own_layers_then_the_groups():
    page = render_page(_base())
    assert page.switch  # the context layer (rivers, lakes and cities) can be switched off
    assert all(f"var {e.js_name} " in page.script for e in page.switch)
    groups = [render_group(g, i) for i, g in enumerate(overlay_groups(stand_in(), LAYERS))]
    script = switch_script(page, groups, folium.LayerControl())
    positions = [script.index(g.entry.js_name) for g in groups]
    assert positions == sorted(positions)
    assert all(script.index(e.js_name) < positions[0] for e in page.switch)


def test_a_page_on_gaode_tiles_has_its_groups_drawn_in_gcj02():
    plain, shifted = render_page(_base()), render_page(_base("gaode"))
    assert not plain.gcj02 and shifted.gcj02
    mines = [render_group(overlay_groups(stand_in(gcj02=p.gcj02), ["key_mines"])[0], 0)
             for p in (plain, shifted)]  # fmt: skip
    assert mines[0].script != mines[1].script  # the same mines, shifted on Gaode tiles


def test_the_same_map_gives_the_same_page_key():
    first, again = render_page(_base()), render_page(_base())
    assert first.key == again.key  # the browser keeps its map
    assert render_page(_base("gaode")).key != first.key


def test_the_scripts_are_dedented_as_textwrap_does():
    import itertools
    import random
    import textwrap

    from goldmap.app.live_map import dedent

    pieces = ["", " ", "  ", "\t", " \t", "x", "  y", "\tz", " \r", "\n", "  \n", "\t\n"]
    rng = random.Random(7)
    cases = ["".join(c) for c in itertools.product(pieces, repeat=3)]
    cases += ["".join(rng.choice(pieces) for _ in range(12)) for _ in range(3000)]
    for text in cases:
        assert dedent(text) == textwrap.dedent(text), repr(text)
