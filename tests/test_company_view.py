"""The app's company view and the key mines' colours, in both languages (AppTest)."""

import pytest

from tests.prerequisites import require_module
from tests.streamlit_page import RUN_TIMEOUT_S

AppTest = require_module("streamlit.testing.v1").AppTest

import goldmap  # noqa: E402  (after the prerequisite: goldmap.app needs streamlit)
from goldmap.maps import filter_layer  # noqa: E402
from goldmap.styles import OWNER_COLORS, STATUS_COLORS  # noqa: E402
from tests.pages import layer_data  # noqa: E402
from tests.test_app import APP  # noqa: E402

ZIJIN = "紫金矿业集团股份有限公司"


def _app(monkeypatch, **params):
    from goldmap.app import live_map, views

    scripts: list[str] = []
    render_group = live_map.render_group

    def keep(group):
        rendered = render_group(group)
        scripts.append(rendered.script)
        return rendered

    monkeypatch.setattr(live_map, "render_group", keep)
    views.live_map().clear()
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run(), scripts


def _mine_features(scripts: list[str]) -> list[dict]:
    script = next(s for s in reversed(scripts) if "goldmap-mark-" in s)
    return [
        f
        for d in layer_data(script)
        for f in d["features"]
        if f["properties"]["_layer"] == "key_mines"
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_company_shows_its_mines_on_the_map_and_in_the_tables(monkeypatch, lang):
    at, scripts = _app(monkeypatch, lang=lang)
    box = at.selectbox(key=f"company_{lang}")
    label = box.options[next(i for i, o in enumerate(box.options) if ZIJIN in o or "Zijin" in o)]
    assert ("紫金" in label) == (lang == "zh") and "601899" in label
    box.set_value(ZIJIN).run()
    assert not at.exception and not at.error
    expected = filter_layer(goldmap.load("key_mines"), company=ZIJIN)
    row = goldmap.companies().set_index("name_zh").loc[ZIJIN]
    assert sorted(expected["id"]) == sorted(row["mine_ids"])  # the filter is the row's mines
    shown = {f["properties"]["id"] for f in _mine_features(scripts)}
    assert shown == set(expected.loc[expected.geometry.notna(), "id"])
    heading = "其重点矿山" if lang == "zh" else "its key mines"
    assert any(heading in m.value for m in at.markdown)
    company = next(
        df.value
        for df in at.dataframe
        if len(df.value.columns) == 2 and "601899" in " ".join(map(str, df.value.iloc[:, 1]))
    )
    assert "HKEX:02899" in " ".join(map(str, company.iloc[:, 1]))
    ids = sorted(expected["id"])
    tables = [df.value for df in at.dataframe]
    assert any(sorted(map(str, t[c])) == ids for t in tables for c in t.columns)
    # The view (bounds) was sent to the company's mines, and the link says which company.
    assert at.query_params["company"] == ZIJIN
    south, west = at.session_state["map_focus"]["bounds"][0]
    north, east = at.session_state["map_focus"]["bounds"][1]
    placed = expected[expected.geometry.notna()]
    assert west <= placed.geometry.x.min() and east >= placed.geometry.x.max()
    assert south <= placed.geometry.y.min() and north >= placed.geometry.y.max()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_mines_coloured_by_status_or_owner_with_a_legend(monkeypatch, lang):
    at, scripts = _app(monkeypatch, lang=lang)
    at.selectbox(key=f"color_by_{lang}").set_value("status").run()
    assert not at.exception
    mines = goldmap.load("key_mines").set_index("id")
    features = _mine_features(scripts)
    for feature in features:
        status = mines.at[feature["properties"]["id"], "status"]
        assert STATUS_COLORS[status] in feature["properties"]["_icon"]["html"]
    legend = next(s for s in reversed(scripts) if "goldmap-legend-category" in s)
    words = ("生产", "状态未知") if lang == "zh" else ("Producing", "Status unknown")
    assert all(w in legend for w in words)
    at.selectbox(key=f"color_by_{lang}").set_value("owner").run()
    assert not at.exception
    fills = {
        c
        for f in _mine_features(scripts)
        for c in OWNER_COLORS
        if c in f["properties"]["_icon"]["html"]
    }
    assert len(fills) >= 5  # the biggest groups each in their own colour
    assert at.query_params["color"] == "owner"


def test_the_figure_of_this_view_says_what_it_holds(monkeypatch):
    at, _ = _app(monkeypatch, lang="en", stat="summary:key_mines", prov="370000", color="status")
    at.button(key="fig_make").click().run()
    assert not at.exception and not at.error
    fmt, content, stem = at.session_state["figure_file"]
    assert stem == "goldmap_plan_shandong_key-mines_by-status"
    button = next(b for b in at.get("download_button") if b.key == "fig_dl")
    assert fmt == "png" and content[:8] == b"\x89PNG\r\n\x1a\n"
    assert button.proto.label == "Download"
