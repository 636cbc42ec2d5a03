"""The three precision classes of a key mine's point look alike in the app, `goldmap map` and
`goldmap figure`: a filled star for a site, a half-filled one for a town, a hollow one for a
county-or-wider stand-in, each explained in the legend."""

import html
import re

import pytest
from click.testing import CliRunner

import goldmap
from goldmap.cli import cli
from goldmap.styles import MINE_MARKS, mine_mark
from tests.pages import layer_data
from tests.prerequisites import require_module
from tests.streamlit_page import RUN_TIMEOUT_S

#: What each class must look like, written out here (not read from goldmap.styles).
EXPECTED = {"deposit": "filled", "mine_site": "filled", "town": "half", "county": "hollow"}
LEGEND_WORDS = {
    "en": {
        "filled": "site located (filled star)",
        "half": "town's point (half-filled star)",
        "hollow": "county-or-wider stand-in (hollow star)",
    },
    "zh": {"filled": "实心星", "half": "半实心星", "hollow": "空心星"},
}


@pytest.fixture(scope="module")
def mines():
    return goldmap.load("key_mines").set_index("id")


def test_the_classes_are_the_documented_ones():
    assert {k: v for k, v in MINE_MARKS.items() if v} == EXPECTED
    assert MINE_MARKS["province"] is None  # not drawn: listed in a box instead
    assert mine_mark("something new") == "hollow"  # never drawn as located


def _decoded(page: str) -> str:
    for code, char in (("\\u003c", "<"), ("\\u003e", ">"), ("\\u0026", "&"), ('\\"', '"')):
        page = page.replace(code, char)
    return page


def _icon_marks(page: str) -> dict[str, str]:
    """Each drawn mine's mark, read from its icon (class and SVG) in the page's data."""
    out = {}
    for data in layer_data(page):
        for feature in data["features"]:
            icon = feature["properties"].get("_icon")
            if not isinstance(icon, dict):
                continue
            (mark,) = re.findall(r"goldmap-mark-(\w+)", icon["className"])
            assert f'data-mark="{mark}"' in icon["html"]
            out[feature["properties"]["id"]] = mark
    return out


def _svg_fills(svg: str) -> list[str]:
    return re.findall(r'<polygon points="[^"]+" fill="([^"]+)"', svg)


def _assert_marks(marks: dict[str, str], mines) -> None:
    placed = mines[mines["location_precision"] != "province"]
    assert set(marks) == set(placed.index)
    for mine_id, mark in marks.items():
        assert mark == EXPECTED[mines.at[mine_id, "location_precision"]], mine_id
    assert {m for i, m in marks.items() if mines.at[i, "location_precision"] == "town"} == {"half"}


def _assert_legend(page: str, lang: str) -> None:
    decoded = html.unescape(_decoded(page))
    for mark, words in LEGEND_WORDS[lang].items():
        entry = re.search(rf'data-mark="{mark}">(<svg.*?</svg>)[^<]*{re.escape(words)}', decoded)
        assert entry, (mark, lang)


def test_goldmap_map_draws_each_class_by_its_mark(tmp_path, mines):
    out = tmp_path / "map.html"
    result = CliRunner().invoke(cli, ["map", "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    marks = _icon_marks(page)
    _assert_marks(marks, mines)
    icons = {
        f["properties"]["id"]: f["properties"]["_icon"]["html"]
        for d in layer_data(page)
        for f in d["features"]
        if isinstance(f["properties"].get("_icon"), dict)
    }
    gold = goldmap.styles.LAYER_STYLES["key_mines"].marker_color
    for mine_id, svg in icons.items():
        fills = _svg_fills(svg)
        if marks[mine_id] == "filled":
            assert fills[0] == gold
        elif marks[mine_id] == "half":
            assert fills[:2] == ["#ffffff", gold]  # white, then its left half gold
        else:
            assert fills == ["#ffffff", "none"] and "stroke-dasharray" in svg
    _assert_legend(page, "en")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_app_s_live_map_draws_each_class_by_its_mark(monkeypatch, mines, lang):
    require_module("streamlit")
    from streamlit.testing.v1 import AppTest

    from goldmap.app import live_map, views
    from tests.test_app import APP

    scripts = []
    render_group = live_map.render_group

    def keep(group):
        rendered = render_group(group)
        scripts.append(rendered.script)
        return rendered

    monkeypatch.setattr(live_map, "render_group", keep)
    views.live_map().clear()
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
    at.query_params["lang"] = lang
    at.query_params["layers"] = "key_mines"
    at.run()
    assert not at.exception
    (page,) = [s for s in scripts if "goldmap-mark-" in s]
    _assert_marks(_icon_marks(page), mines)
    _assert_legend(page, lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_goldmap_figure_draws_each_class_by_its_mark(mines, lang):
    pytest.importorskip("matplotlib")
    from matplotlib.colors import to_hex

    from goldmap.maps.static import figure

    fig = figure(lang=lang, dpi=60)
    ax = next(a for a in fig.axes if a.get_label() == "map")
    drawn = {c.get_label(): c for c in ax.collections if c.get_label().startswith("mines_")}
    placed = mines[mines["location_precision"] != "province"]
    for mark in ("filled", "half", "hollow"):
        want = placed[[EXPECTED[p] == mark for p in placed["location_precision"]]]
        points = drawn[f"mines_{mark}"].get_offsets()
        assert len(points) == len(want), mark
        assert drawn[f"mines_{mark}"].get_paths()  # a star marker
    gold = goldmap.styles.LAYER_STYLES["key_mines"].marker_color
    assert {to_hex(c) for c in drawn["mines_filled"].get_facecolors()} == {gold}
    assert {to_hex(c) for c in drawn["mines_half_fill"].get_facecolors()} == {gold}
    assert (
        len(drawn["mines_half_fill"].get_offsets())
        == (placed["location_precision"] == "town").sum()
    )
    assert {to_hex(c) for c in drawn["mines_hollow_ground"].get_facecolors()} == {"#ffffff"}
    assert not len(drawn["mines_hollow"].get_facecolors())  # an outline only
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    for words in LEGEND_WORDS[lang].values():
        assert any(words in label for label in labels), words
    keys = {
        t.get_text(): h
        for t, h in zip(ax.get_legend().get_texts(), ax.get_legend().legend_handles, strict=True)
    }
    by_mark = {
        m: next(h for label, h in keys.items() if w in label) for m, w in LEGEND_WORDS[lang].items()
    }
    assert (
        by_mark["filled"].get_fillstyle() == "full"
        and to_hex(by_mark["filled"].get_markerfacecolor()) == gold
    )
    assert by_mark["half"].get_fillstyle() == "left"
    assert to_hex(by_mark["hollow"].get_markerfacecolor()) == "#ffffff"


def test_goldmap_map_colours_by_status_keeping_the_marks(tmp_path, mines):
    out = tmp_path / "status.html"
    result = CliRunner().invoke(
        cli, ["map", "-o", str(out), "--lang", "zh", "--color-by", "status"]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    _assert_marks(_icon_marks(page), mines)
    _assert_legend(page, "zh")
    from goldmap.styles import STATUS_COLORS

    for data in layer_data(page):
        for feature in data["features"]:
            icon = feature["properties"].get("_icon")
            if isinstance(icon, dict):
                status = mines.at[feature["properties"]["id"], "status"]
                assert STATUS_COLORS[status] in icon["html"]
