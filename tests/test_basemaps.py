"""Basemaps: Tianditu with the user's key, Gaode with GCJ-02 display, context with none."""

import json
import math
import re

import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner

import goldmap
from goldmap.cli import cli
from goldmap.errors import OptionError
from goldmap.maps import (
    BASEMAPS,
    Choropleth,
    add_layer,
    get_basemap,
    make_map,
    to_html,
)
from tests.pages import layer_data
from tests.prerequisites import require_module
from tests.streamlit_page import RUN_TIMEOUT_S

KEY = "k3y-for-tests-0123"
TIANDITU_LAYERS = {
    "tianditu-vec": ("vec", "cva"),
    "tianditu-img": ("img", "cia"),
    "tianditu-ter": ("ter", "cta"),
}


# -- the published WGS84 -> GCJ-02 formula, written out here independently -----------------
# Krasovsky 1940 ellipsoid, as in the widely published "eviltransform" formula.
_A = 6378245.0
_EE = 0.00669342162296594323


def _lat_offset(x, y):
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _lon_offset(x, y):
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lon, lat):
    dlat = _lat_offset(lon - 105.0, lat - 35.0)
    dlon = _lon_offset(lon - 105.0, lat - 35.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return lon + dlon, lat + dlat


def metres(a, b):
    """Great-circle distance between two (lon, lat) points, in metres."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2
    h += math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


# -- helpers ----------------------------------------------------------------------------------


def _layer_data(page):
    """The GeoJSON data of every goldmap layer in a page."""
    return layer_data(page)


def _layer(page, kind):
    return next(d for d in _layer_data(page) if d["features"][0]["properties"]["_layer"] == kind)


def _tile_urls(page):
    return [json.loads(u) for u in re.findall(r'L\.tileLayer\(\s*("[^"]*")', page)]


def _context(page):
    match = re.search(r"var d = (\{.*?\});\n", page)
    assert match, "no context layer in the page"
    return json.loads(match.group(1))


@pytest.fixture
def no_key(monkeypatch):
    monkeypatch.delenv("TIANDITU_KEY", raising=False)


# -- Tianditu ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(TIANDITU_LAYERS))
def test_tianditu_tiles_and_labels_carry_the_key(name, monkeypatch):
    monkeypatch.setenv("TIANDITU_KEY", KEY)
    page = to_html(make_map(["key_mines"], basemap=name))
    urls = _tile_urls(page)
    assert len(urls) == 2  # the tiles and their labels
    for url, layer in zip(urls, TIANDITU_LAYERS[name], strict=True):
        assert url.startswith(f"https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?")
        assert f"LAYER={layer}&" in url and "TILEMATRIXSET=w" in url
        assert "TILEMATRIX={z}&TILEROW={y}&TILECOL={x}" in url
        assert url.endswith(f"&tk={KEY}")
    assert page.count('"subdomains": "01234567"') == 2
    assert "Tianditu" in page and json.dumps("天地图")[1:-1] in page
    # CGCS2000 tiles: the layers are drawn where they are, with no shift note.
    assert "GCJ-02" not in page


def test_explicit_key_wins_and_the_table_keeps_no_key(monkeypatch):
    monkeypatch.setenv("TIANDITU_KEY", "from-the-environment")
    basemap = get_basemap("tianditu-img", key=KEY)
    assert basemap.tiles.build_url().endswith(f"tk={KEY}")
    assert basemap.labels.build_url().endswith(f"tk={KEY}")
    assert BASEMAPS["tianditu-img"].requires_key()


@pytest.mark.parametrize("value", [None, "", "   "])
def test_tianditu_without_a_key_says_where_to_get_one(value, monkeypatch):
    if value is None:
        monkeypatch.delenv("TIANDITU_KEY", raising=False)
    else:
        monkeypatch.setenv("TIANDITU_KEY", value)
    with pytest.raises(OptionError) as err:
        make_map(["key_mines"], basemap="tianditu-vec")
    message = str(err.value)
    assert "TIANDITU_KEY" in message and "console.tianditu.gov.cn" in message
    assert "'tianditu-vec'" in message


def test_unknown_basemap_lists_the_choices():
    with pytest.raises(OptionError) as err:
        make_map(basemap="baidu")
    message = str(err.value)
    assert "'baidu'" in message
    for name in BASEMAPS:
        assert repr(name) in message


def test_cli_tianditu_with_and_without_key(tmp_path, no_key):
    out = tmp_path / "m.html"
    runner = CliRunner()
    missing = runner.invoke(cli, ["map", "--basemap", "tianditu-img", "-o", str(out)])
    assert missing.exit_code == 1
    assert "TIANDITU_KEY" in missing.output and "Traceback" not in missing.output
    assert len(missing.output.strip().splitlines()) == 1
    assert not out.exists()
    ok = runner.invoke(
        cli, ["map", "--basemap", "tianditu-img", "-o", str(out)], env={"TIANDITU_KEY": KEY}
    )
    assert ok.exit_code == 0, ok.output
    urls = _tile_urls(out.read_text(encoding="utf-8"))
    assert [u.split("LAYER=")[1].split("&")[0] for u in urls] == ["img", "cia"]
    bad = runner.invoke(cli, ["map", "--basemap", "amap", "-o", str(tmp_path / "x.html")])
    assert bad.exit_code == 2 and "gaode" in bad.output


# -- Gaode, GCJ-02 ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gaode_page():
    m = make_map(["key_mines", "exploration_areas"], basemap="gaode", lang="en")
    mines = goldmap.load("key_mines")
    user = gpd.GeoDataFrame(
        {"name": ["mine copy"]}, geometry=[mines.geometry.dropna().iloc[0]], crs="EPSG:4326"
    )
    add_layer(m, user, name="Your features")  # after make_map, as the app does
    return to_html(m)


def test_gaode_draws_every_mine_at_its_gcj02_position(gaode_page):
    mines = goldmap.load("key_mines").dropna(subset=["geometry"]).set_index("id")
    drawn = _layer(gaode_page, "key_mines")["features"]
    assert len(drawn) == len(mines)
    for feature in drawn:
        point = mines.loc[feature["properties"]["id"], "geometry"]
        expected = wgs84_to_gcj02(point.x, point.y)
        position = feature["geometry"]["coordinates"]
        assert metres(position, expected) < 10, feature["properties"]["id"]
        # The shift is real: GCJ-02 lies tens to hundreds of metres from WGS84 in China.
        assert metres(position, (point.x, point.y)) > 30


def test_gaode_shifts_areas_user_features_and_context(gaode_page):
    first = goldmap.load("key_mines").geometry.dropna().iloc[0]
    user = _layer(gaode_page, "user")["features"][0]["geometry"]["coordinates"]
    assert metres(user, wgs84_to_gcj02(first.x, first.y)) < 10
    areas = goldmap.load("exploration_areas")
    drawn = _layer(gaode_page, "exploration_areas")["features"]
    for feature, area in zip(drawn, areas.geometry, strict=True):
        centre = shapely.geometry.shape(feature["geometry"]).centroid
        expected = wgs84_to_gcj02(area.centroid.x, area.centroid.y)
        # Polygons are simplified (~500 m) for display; their centroids stay close.
        assert metres((centre.x, centre.y), expected) < 150
    seats = goldmap.load("cities").set_index("name_en")
    beijing = next(c for c in _context(gaode_page)["cities"] if c[2] == "Beijing")
    point = seats.loc["Beijing", "geometry"]
    assert metres(beijing[:2], wgs84_to_gcj02(point.x, point.y)) < 1_000  # 0.01° grid
    assert "display shifted to GCJ-02" in gaode_page
    assert json.dumps("显示已偏移至 GCJ-02")[1:-1] in gaode_page
    assert _tile_urls(gaode_page)[0].startswith("https://webrd0{s}.is.autonavi.com/")


def test_gaode_shifts_the_choropleth():
    stats = goldmap.load("provinces").assign(value=range(len(goldmap.load("provinces"))))
    page = to_html(make_map([], basemap="gaode-img", choropleth=Choropleth(stats, "value")))
    shandong = next(
        f for f in _layer(page, "provinces")["features"] if f["properties"]["adcode"] == 370000
    )
    drawn = shapely.geometry.shape(shandong["geometry"]).centroid
    source = stats.set_index("adcode").loc[370000, "geometry"].centroid
    assert metres((drawn.x, drawn.y), wgs84_to_gcj02(source.x, source.y)) < 200
    assert metres((drawn.x, drawn.y), (source.x, source.y)) > 300
    assert [u.split("style=")[1][0] for u in _tile_urls(page)] == ["6", "8"]


def test_other_basemaps_draw_wgs84():
    page = to_html(make_map(["key_mines"], basemap="light"))
    mines = goldmap.load("key_mines").dropna(subset=["geometry"]).set_index("id")
    for feature in _layer(page, "key_mines")["features"]:
        point = mines.loc[feature["properties"]["id"], "geometry"]
        assert metres(feature["geometry"]["coordinates"], (point.x, point.y)) < 2
    assert "GCJ-02" not in page


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv"])
def test_exports_are_unchanged_by_a_gaode_map(fmt):
    before, _, _ = goldmap.export_bytes("key_mines", format=fmt)
    frame = goldmap.load("key_mines").copy()
    to_html(make_map(basemap="gaode"))
    after, _, _ = goldmap.export_bytes("key_mines", format=fmt)
    if fmt == "gpkg":  # GeoPackage carries write times; compare what it holds
        assert len(before) == len(after)
    else:
        assert before == after
    assert goldmap.load("key_mines").geometry.to_wkb().equals(frame.geometry.to_wkb())


# -- no basemap: offline, with context --------------------------------------------------------


@pytest.fixture(scope="module")
def offline_page():
    return to_html(make_map(lang="en"))


def test_no_basemap_requests_no_tiles(offline_page):
    assert "L.tileLayer(" not in offline_page
    assert not re.search(r"https?://[^\"'\s]*\{[xyz]\}", offline_page)
    for host in ("tianditu.gov.cn/", "autonavi.com", "arcgisonline", "openstreetmap.org/"):
        assert host not in offline_page


def test_context_is_shown_by_default_with_no_basemap(offline_page):
    data = _context(offline_page)
    assert len(data["rivers"]) == len(goldmap.load("rivers"))
    assert len(data["lakes"]) == len(goldmap.load("lakes"))
    cities = goldmap.load("cities")
    assert len(data["cities"]) == len(cities)
    labelled = {c[2] for c in data["cities"] if c[3] < 2}
    assert "Beijing" in labelled and len(labelled) == int((cities["rank"] != "prefecture").sum())
    # Coordinates on a 0.01° grid, so that the context stays light.
    assert all(round(v, 2) == v for c in data["rivers"] for v in c)
    assert len(re.search(r"var d = (\{.*?\});\n", offline_page).group(1)) < 80_000
    name = re.search(r"var (goldmap_context_\w+) = \(function", offline_page).group(1)
    assert f"{name}.addTo(" in offline_page
    assert "Rivers, lakes, cities" in offline_page  # its entry in the layer switch


def test_context_is_switched_off_under_tiles():
    page = to_html(make_map(["key_mines"], basemap="osm"))
    name = re.search(r"var (goldmap_context_\w+) = \(function", page).group(1)
    assert f"{name}.addTo(" not in page


def test_context_names_are_escaped():
    from goldmap.maps import add_context

    evil = goldmap.load("cities").head(2).copy()
    evil["name_en"] = "</script><img src=x onerror=alert(1)>"
    page = to_html(add_context(make_map([]), lang="en", cities=evil))
    assert "<img src=x" not in page and "</script><img" not in page


# -- the app: the key stays in the session ----------------------------------------------------


def test_app_asks_for_the_tianditu_key_and_keeps_it_out_of_the_url(no_key):
    require_module("streamlit")
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    app = str(Path(__file__).resolve().parent.parent / "app.py")
    at = AppTest.from_file(app, default_timeout=RUN_TIMEOUT_S)
    at.query_params["lang"] = "en"
    at.run()
    select = at.selectbox(key="basemap_en")
    from goldmap.text import tr

    assert select.options == [tr(f"basemap_{name}", "en") for name in BASEMAPS]
    select.set_value("tianditu-vec").run()
    assert not at.exception
    # Without its key the map stays (no error box in its place) and says why it has no tiles.
    notice = tr("basemap_needs_key", "en").split(";")[0]  # the page escapes the apostrophe
    (shown,) = at.get("component_instance")
    assert notice in json.loads(shown.proto.json_args)["script"]
    assert not at.error
    at.text_input(key="tianditu_key_en").input(KEY).run()
    assert not at.exception
    (shown,) = at.get("component_instance")
    assert notice not in json.loads(shown.proto.json_args)["script"]
    assert not at.error
    assert at.query_params["basemap"] == "tianditu-vec"
    assert all(KEY not in str(v) for v in at.query_params.values())
    assert at.session_state["tianditu_key"] == KEY


@pytest.mark.parametrize(
    ("lang", "names"),
    [
        ("zh", ["天地图 矢量", "天地图 矢量 注记"]),
        ("en", ["Tianditu vector", "Tianditu vector labels"]),
    ],
)
def test_the_layer_switch_names_a_basemap_in_words(lang, names):
    m = make_map([], lang=lang, basemap=get_basemap("tianditu-vec", key="my-key"))
    listed = [str(layer.layer_name) for layer in m.switch_layers]
    assert listed[:2] == names  # not the provider's id, Tianditu.Vector


def test_the_command_line_offers_every_basemap_without_loading_the_map_code():
    import subprocess
    import sys

    from goldmap._basemap_names import BASEMAP_NAMES

    assert tuple(BASEMAPS) == BASEMAP_NAMES
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, goldmap.cli; print('folium' in sys.modules)"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert loaded == "False"  # folium is loaded by the commands that draw, not at start
