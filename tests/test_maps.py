import re
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

import goldmap
from goldmap.cli import cli
from goldmap.errors import ColumnNotFoundError, ExportError, GoldmapError, LayerNotFoundError
from goldmap.maps import (
    MAP_LAYERS,
    Choropleth,
    add_choropleth,
    add_layer,
    filter_layer,
    make_map,
    overlay_groups,
    to_html,
)
from tests.pages import layer_data

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def default_html():
    return to_html(make_map(lang="en"))


def _layer_data(page):
    """The GeoJSON data of every goldmap layer in a page."""
    return layer_data(page)


def test_default_map_draws_areas_and_mines_as_toggleable_layers(default_html):
    assert "L.control.layers(" in default_html
    assert "Key exploration areas (8)" in default_html
    assert "Key development areas (7)" in default_html
    assert "Key mines (35)" in default_html
    layers = _layer_data(default_html)
    kinds = [{f["properties"]["_layer"] for f in data["features"]} for data in layers]
    assert {"provinces"} in kinds and {"key_mines"} in kinds
    mines = next(d for d in layers if d["features"][0]["properties"]["_layer"] == "key_mines")
    placed = goldmap.load("key_mines").geometry.notna()  # with no point: listed, not drawn
    assert len(mines["features"]) == int(placed.sum())
    assert "goldmap-legend" in default_html


def test_self_contained_page_loads_nothing_from_the_internet(default_html):
    assert not re.search(r"<script[^>]+src=", default_html)
    assert not re.search(r"<link[^>]+href=[\"']https?:", default_html)
    assert not re.search(r"url\([\"']?https?:", default_html)
    for cdn in ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "code.jquery.com", "bootstrapcdn"):
        assert cdn not in default_html
    # Leaflet itself is inlined: a long stretch of the packaged leaflet.js is in the page.
    import xstatic.pkg.leaflet as leaflet

    source = (Path(leaflet.BASE_DIR) / "leaflet.js").read_text(encoding="utf-8")
    assert source[len(source) // 2 : len(source) // 2 + 2000] in default_html


def test_linked_assets_point_at_the_given_url():
    page = make_map(["key_mines"], assets="/app/static/goldmap/").get_root().render()
    assert '<script src="/app/static/goldmap/leaflet.js"></script>' in page
    assert "cdn.jsdelivr.net" not in page


def test_uncertain_mines_are_hollow_with_a_note_in_the_popup(default_html):
    mines = goldmap.load("key_mines")
    uncertain = set(mines.loc[mines["location_precision"].isin(["county", "province"]), "id"])
    layers = _layer_data(default_html)
    features = [
        f for d in layers for f in d["features"] if f["properties"]["_layer"] == "key_mines"
    ]
    for feature in features:
        props = feature["properties"]
        if props["id"] in uncertain:
            assert "goldmap-uncertain" in props["_icon"]["className"]
            assert "stroke-dasharray" in props["_icon"]["html"]
            assert "Location uncertain" in props["_popup"]
        else:
            assert "goldmap-uncertain" not in props["_icon"]["className"]


def test_popups_are_bilingual_with_source_links():
    page = to_html(make_map(["key_mines"], lang="zh", provinces=["山东"]))
    props = [f["properties"] for d in _layer_data(page) for f in d["features"]]
    sanshandao = next(p for p in props if p.get("id") == "sd-sanshandao")
    assert "三山岛" in sanshandao["_popup"] and "Sanshandao" in sanshandao["_popup"]
    assert '<a href="http' in sanshandao["_popup"]
    assert 'rel="noopener noreferrer"' in sanshandao["_popup"]


def test_user_text_is_escaped_everywhere():
    frame = gpd.GeoDataFrame(
        {
            "name": [EVIL],
            "note": [EVIL],
            "sources": [[{"url": "javascript:alert(1)", "quote": EVIL}]],
        },
        geometry=[shapely.Point(116.4, 39.9)],
        crs="EPSG:4326",
    )
    m = add_layer(make_map([]), frame, name=EVIL)
    page = to_html(m)
    assert "<script>alert" not in page and "<img src=x" not in page
    # What the browser puts into the DOM (tooltip, popup, layer switch, legend), decoded
    # from the page's JavaScript strings, holds the text escaped, never as markup.
    props = next(
        f["properties"]
        for d in _layer_data(page)
        for f in d["features"]
        if f["properties"]["_layer"] == "user"
    )
    for key in ("_tooltip", "_popup"):
        assert "<script" not in props[key] and "<img" not in props[key]
    assert "&lt;script&gt;alert" in props["_popup"]
    assert 'href="javascript:' not in props["_popup"]
    decoded = page
    for code, char in (("\\u003c", "<"), ("\\u003e", ">"), ("\\u0026", "&"), ("\\u0027", "'")):
        decoded = decoded.replace(code, char)
    assert "<script>alert" not in decoded and "<img src=x" not in decoded
    assert "&lt;img src=x onerror=alert(1)&gt;" in decoded
    # A mine named like an attack, drawn as a goldmap layer, is escaped as well.
    mines = goldmap.load("key_mines").head(2)
    mines["name_en"] = EVIL
    mines["sources"] = [[{"url": 'https://example.com/"><script>x</script>', "quote": EVIL}]] * 2
    page = to_html(add_layer(make_map([]), mines, layer="key_mines", lang="en"))
    popups = [f["properties"]["_popup"] for d in _layer_data(page) for f in d["features"]]
    assert all("<script" not in p and "<img" not in p for p in popups)
    assert any('href="https://example.com/&quot;&gt;&lt;script&gt;' in p for p in popups)


def test_choropleth_classifies_with_legend_and_no_data():
    provinces = goldmap.load("provinces", simplified=True)
    provinces["value"] = range(len(provinces))
    provinces.loc[provinces.index[:3], "value"] = None
    page = to_html(make_map([], choropleth=Choropleth(provinces, "value", k=4), lang="en"))
    assert "No data" in page
    (choropleth,) = [d for d in _layer_data(page) if "_base" not in d["features"][0]["properties"]]
    colors = [f["properties"]["_style"]["fillColor"] for f in choropleth["features"]]
    assert len({c for c in colors if c != "#e0e0e0"}) == 4
    assert colors.count("#e0e0e0") == 3  # the three provinces with no value
    with pytest.raises(ColumnNotFoundError, match="'missing'"):
        add_choropleth(make_map([]), provinces, "missing")
    with pytest.raises(GoldmapError, match="scheme"):
        add_choropleth(make_map([]), provinces, "value", scheme="magic")


def test_filters_keep_matching_features_and_do_not_touch_input():
    mines = goldmap.load("key_mines")
    before = mines.copy()
    shandong = filter_layer(mines, provinces=["Shandong"])
    assert len(shandong) and set(shandong["province_adcode"]) == {370000}
    copper = filter_layer(goldmap.load("exploration_areas"), commodities=["copper"])
    assert all("copper" in c for c in copper["commodities"])
    assert mines.equals(before)


def _group_pages(layers, **filters) -> list[str]:
    """Each group of ``overlay_groups`` on a map of its own, as the page writes it."""
    pages = []
    for group in overlay_groups(make_map([]), layers, **filters):
        m = folium.Map(tiles=None)
        group.add_to(m)
        pages.append(re.sub(r"_[0-9a-f]{32}", "_ID", m.get_root().render()))
    return pages


@pytest.mark.parametrize(
    "filters",
    [{}, {"provinces": ["Shandong"]}, {"commodities": ["copper"]},
     {"provinces": [620000, "新疆"], "commodities": ["gold"], "lang": "en"}],
)  # fmt: skip
def test_a_filtered_packaged_layer_draws_as_the_filtered_frame_does(filters):
    # The packaged layers are read once and a filter picks rows: the page must be the one
    # the same filter gives on a freshly loaded frame (counts, popups, stacked stars).
    for name in MAP_LAYERS:
        packaged = _group_pages([name], **filters)
        loaded = _group_pages({name: goldmap.load(name)}, **filters)
        assert packaged == loaded, name
    assert _group_pages(["key_mines"], provinces=["Shandong"]) != _group_pages(["key_mines"])


def test_builders_compose_and_bad_options_are_explained():
    m = make_map(["key_mines"])
    assert add_layer(m, goldmap.load("exploration_areas"), layer="exploration_areas") is m
    page = m.get_root().render()
    # The layer control comes after every layer it lists.
    assert page.index("L.control.layers(") > page.rindex("L.geoJSON(")
    with pytest.raises(LayerNotFoundError, match="counties"):
        make_map(["counties"])
    with pytest.raises(GoldmapError, match="basemap"):
        make_map(basemap="amap")
    with pytest.raises(GoldmapError, match="language"):
        make_map(lang="fr")


def test_basemap_adds_tiles_only_when_asked():
    assert "L.tileLayer(" not in make_map(["key_mines"]).get_root().render()
    page = make_map(["key_mines"], basemap="light").get_root().render()
    assert "L.tileLayer(" in page and "World_Light_Gray_Base" in page


def test_display_geometry_is_rounded(default_html):
    numbers = re.findall(r"\[(-?\d+\.\d+), (-?\d+\.\d+)\]", default_html[:2_000_000])
    assert numbers
    assert max(len(x.split(".")[1]) for pair in numbers for x in pair) <= 5


def test_cli_map_writes_an_offline_page(tmp_path):
    out = tmp_path / "map.html"
    result = CliRunner().invoke(cli, ["map", "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "Key mines (35)" in page and not re.search(r"<script[^>]+src=", page)
    again = CliRunner().invoke(cli, ["map", "-o", str(out)])
    assert again.exit_code == 1 and "--overwrite" in again.output
    assert CliRunner().invoke(cli, ["map", "-o", str(out), "--overwrite"]).exit_code == 0


def test_to_html_refuses_to_overwrite(tmp_path):
    path = tmp_path / "m.html"
    path.write_text("x")
    with pytest.raises(ExportError, match="overwrite"):
        to_html(make_map(["key_mines"]), path)


def test_the_legend_shows_the_symbol_the_map_draws_for_uploaded_points():
    points = goldmap.read_features(pd.DataFrame({"lon": [120.3, 113.6], "lat": [37.2, 34.7]}))
    m = add_layer(make_map([]), points, name="samples")
    page = to_html(m)
    for code, char in (("\\u003c", "<"), ("\\u003e", ">"), ('\\"', '"')):
        page = page.replace(code, char)
    entries = re.findall(r"<div>(<(?:span|svg)[^>]*>(?:</span>)?[^<]*samples)</div>", page)
    assert entries, "the legend lists the uploaded layer"
    entry = entries[0]
    assert "border-radius:50%" in entry  # a dot, as the points are drawn
    assert "<svg" not in entry  # not the mines' star


def test_the_city_labels_are_styled_in_the_page_head(default_html):
    head = default_html.split("</head>", 1)[0]
    assert ".goldmap-city {" in head and "font: 10px/1.2" in head


@pytest.mark.parametrize(("lang", "html_lang"), [("zh", "zh-CN"), ("en", "en")])
def test_the_standalone_map_page_has_a_title_a_language_and_lets_users_zoom(lang, html_lang):
    from goldmap.maps import make_map, to_html

    page = to_html(make_map(lang=lang))
    assert f'<html lang="{html_lang}">' in page
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title and (("黄金" in title) if lang == "zh" else ("gold" in title))
    assert page.index("charset=UTF-8") < page.index("<title>")
    assert "maximum-scale" not in page and "user-scalable=no" not in page
