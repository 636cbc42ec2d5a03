"""Static figures for reports: size, formats, CJK text, the South China Sea inset, labels, CLI."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import goldmap
from goldmap.cli import cli
from tests.prerequisites import require_module

require_module("matplotlib")
from PIL import Image  # noqa: E402  (the figure modules need matplotlib: checked above)

from goldmap.maps import _fonts  # noqa: E402
from goldmap.maps import static as gfig  # noqa: E402
from goldmap.maps._static_inset import y_at  # noqa: E402

AREA = "dev-shandong-laizhou-zhaoyuan"
DATA = Path(__file__).resolve().parent.parent / "data" / "context"


@pytest.fixture(scope="module")
def china_zh():
    """All China in Chinese at the default size (the one figure drawn at full resolution)."""
    return gfig.figure()


@pytest.fixture(scope="module")
def area_small():
    return gfig.figure(area=AREA, dpi=60)


def _map_axes(fig):
    return next(ax for ax in fig.axes if ax.get_label() == "map")


def test_default_png_is_at_least_1600_px_wide(china_zh, tmp_path):
    path = gfig.save_figure(china_zh, tmp_path / "china.png")
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.width >= 1600
        assert image.height > 1000


def test_pdf_is_a_pdf_with_a_page_and_the_cjk_font_embedded(area_small, tmp_path):
    data = gfig.save_figure(area_small, tmp_path / "area.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == 1
    fonts = set(re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([A-Za-z0-9-]+)", data))
    assert any(b"CJK" in name for name in fonts), fonts


_OBJECT_RE = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.DOTALL)
_STREAM_RE = re.compile(rb"^(.*?)stream\r?\n(.*)\r?\nendstream", re.DOTALL)


def _pdf_objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Return a PDF's objects by number: (dictionary text, decoded stream or None)."""
    import zlib

    objects = {}
    for number, body in _OBJECT_RE.findall(data):
        stream = _STREAM_RE.match(body.strip())
        if stream is None:
            objects[int(number)] = (body, None)
            continue
        head, raw = stream.groups()
        decoded = zlib.decompress(raw) if b"/FlateDecode" in head else raw
        objects[int(number)] = (head, decoded)
    return objects


def _ref(head: bytes, key: bytes) -> int | None:
    found = re.search(rb"/" + key + rb"\s+(\d+) 0 R", head)
    return int(found.group(1)) if found else None


def _to_unicode_text(cmap: bytes) -> str:
    """Return the characters a ToUnicode CMap maps codes to."""
    return "".join(
        bytes.fromhex(h.decode()).decode("utf-16-be")
        for h in re.findall(rb"<([0-9a-fA-F]{4,})>", cmap.split(b"beginbf", 1)[-1])
    )


def test_pdf_embeds_the_cjk_font_in_a_slot_of_its_outline_format(area_small, tmp_path):
    # Noto Sans CJK draws with CFF outlines: the PDF may not carry it as a TrueType font file
    # (FontFile2, which poppler reports as a mismatch); as Type 3 glyph procedures or an
    # OpenType/CFF font file (FontFile3) it matches. Its text must stay extractable.
    assert _fonts.has_cff_outlines(_fonts.cjk_family())
    objects = _pdf_objects(gfig.save_figure(area_small, tmp_path / "area.pdf").read_bytes())
    cjk_fonts = [
        head
        for head, _ in objects.values()
        if re.search(rb"/Type\s*/Font\b", head) and re.search(rb"/BaseFont\s*/\S*CJK", head)
    ]
    assert cjk_fonts
    text = ""
    for font in cjk_fonts:
        descriptor = objects[_ref(font, b"FontDescriptor")][0]
        truetype_file = _ref(descriptor, b"FontFile2")
        if truetype_file is not None:  # a TrueType slot must hold TrueType outlines
            assert objects[truetype_file][1][:4] in (b"\x00\x01\x00\x00", b"true")
        cff_file = _ref(descriptor, b"FontFile3")
        if cff_file is not None:
            assert re.search(rb"/Subtype\s*/(OpenType|CIDFontType0C|Type1C)", objects[cff_file][0])
        type3 = re.search(rb"/Subtype\s*/Type3", font) is not None
        assert type3 or cff_file is not None, font
        if type3:
            assert _ref(font, b"CharProcs") is not None
        text += _to_unicode_text(objects[_ref(font, b"ToUnicode")][1])
    # The area's title and the legend are Chinese: their characters are mapped back to text.
    assert set("山东莱州招远重点资源开发区域矿山") <= set(text), text


def test_svg_draws_the_chinese_title_with_the_cjk_font_glyphs(tmp_path):
    from matplotlib import font_manager

    fig = gfig.figure(province="山东", dpi=50)
    svg = gfig.save_figure(fig, tmp_path / "shandong.svg").read_text(encoding="utf-8")
    family = _fonts.cjk_family()
    font = font_manager.get_font(font_manager.findfont(font_manager.FontProperties(family=family)))
    assert "CJK" in font.family_name
    # The title is 山东省: each character's glyph is a path named after the font and glyph index.
    for char in "山东省":
        index = font.get_char_index(ord(char))
        assert index != 0, f"{char} missing from {font.fname}"
        assert re.search(rf'id="[^"]*CJK[^"]*-{index:x}"', svg), char


def test_building_and_saving_raise_no_missing_glyph_warning(tmp_path, recwarn):
    fig = gfig.figure(area=AREA, dpi=50, lang="zh")
    gfig.save_figure(fig, tmp_path / "a.png")
    assert not [w for w in recwarn if "missing from" in str(w.message)]


def test_all_china_has_the_south_china_sea_inset(china_zh):
    insets = [ax for ax in china_zh.axes if ax.get_label() == gfig.INSET_LABEL]
    assert len(insets) == 1
    inset = insets[0]
    assert any(t.get_text() == "南海诸岛" for t in inset.texts)
    # It shows the sea south of Hainan down to the Nansha islands (about 4°N).
    assert inset.get_ylim()[0] < y_at(5.0) < y_at(17.5) < inset.get_ylim()[1]


def test_english_all_china_has_the_inset_in_english():
    fig = gfig.figure(lang="en", dpi=50)
    inset = next(ax for ax in fig.axes if ax.get_label() == gfig.INSET_LABEL)
    assert any(t.get_text() == "South China Sea Islands" for t in inset.texts)


def test_an_area_figure_has_no_inset(area_small):
    assert [ax.get_label() for ax in area_small.axes] == ["map"]


def test_a_notebook_shows_the_figure_as_a_png(area_small):
    assert area_small._repr_png_().startswith(b"\x89PNG\r\n")


def test_labels_on_the_map_do_not_overlap(china_zh, area_small):
    for fig in (china_zh, area_small):
        renderer = fig.canvas.get_renderer()
        ax = _map_axes(fig)
        texts = [t for t in ax.texts if t.get_text() and t.get_visible()]
        boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
        assert len(boxes) > 5
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
            assert not box_a.overlaps(box_b), f"{a!r} overlaps {b!r}"


def test_jiaodong_mines_share_one_label_on_the_map_of_china(china_zh):
    labels = {t.get_text() for t in _map_axes(china_zh).texts}
    assert "1–11" in labels  # the 11 Shandong mines near 120.3E 37.3N
    assert "北京" in labels and "南海诸岛" not in labels


def test_every_mine_in_view_is_numbered_in_the_list(area_small):
    texts = " ".join(t.get_text() for t in area_small.texts)
    mines = goldmap.load("key_mines")
    for name in mines.loc[mines["id"].str.startswith("sd-"), "name_zh"]:
        assert name in texts


def test_unknown_area_lists_the_valid_ids():
    with pytest.raises(goldmap.NameNotFoundError) as info:
        gfig.figure(area="dev-nowhere")
    message = str(info.value)
    assert "'dev-nowhere'" in message
    assert AREA in message and "exp-gansu-gannan" in message


def test_unknown_province_is_a_name_error():
    with pytest.raises(goldmap.NameNotFoundError):
        gfig.figure(province="Atlantis")


@pytest.mark.parametrize(
    ("kwargs", "error", "needle"),
    [
        ({"lang": "fr"}, goldmap.OptionError, "'fr'"),
        ({"dpi": 10}, goldmap.ExportError, "dpi=10"),
        ({"layers": ["roads"]}, goldmap.ExportError, "'roads'"),
        ({"area": AREA, "province": "山东"}, goldmap.ExportError, "not both"),
    ],
)
def test_bad_options_say_what_is_allowed(kwargs, error, needle):
    with pytest.raises(error, match=re.escape(needle)):
        gfig.figure(**kwargs)


def test_missing_cjk_font_names_the_package_to_install(monkeypatch):
    monkeypatch.setattr(_fonts, "FONT_PACKAGES", ())
    monkeypatch.setattr(_fonts, "CJK_FAMILIES", ("No Such CJK Font",))
    _fonts.cjk_family.cache_clear()
    try:
        with pytest.raises(goldmap.MissingDependencyError) as info:
            gfig.figure(area=AREA, dpi=50)
        message = str(info.value)
        assert "goldmap[figure]" in message and "fonts-noto-cjk" in message
        assert "noto-cjk-sans-otc" in message
        # English needs no CJK font.
        fig = gfig.figure(area=AREA, dpi=50, lang="en")
        assert fig.texts
    finally:
        _fonts.cjk_family.cache_clear()


def test_save_figure_refuses_unknown_formats_and_existing_files(area_small, tmp_path):
    with pytest.raises(goldmap.ExportError, match=r"\.png"):
        gfig.save_figure(area_small, tmp_path / "map.jpg")
    path = gfig.save_figure(area_small, tmp_path / "map.png")
    with pytest.raises(goldmap.ExportError, match="already exists"):
        gfig.save_figure(area_small, path)
    assert gfig.save_figure(area_small, path, overwrite=True) == path


def test_cli_figure_writes_a_file_and_fails_cleanly(tmp_path):
    runner = CliRunner()
    out = tmp_path / "area.png"
    args = ["figure", "-o", str(out), "--area", AREA, "--lang", "en", "--dpi", "50"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    with Image.open(out) as image:
        assert image.width == 500
    again = runner.invoke(cli, args)
    assert again.exit_code == 1 and "already exists" in again.output
    bad = runner.invoke(cli, ["figure", "-o", str(tmp_path / "x.png"), "--area", "nope"])
    assert bad.exit_code == 1
    assert "'nope'" in bad.output and AREA in bad.output
    assert "Traceback" not in bad.output


# --------------------------------------------------------------------------------------------
# The context layers
# --------------------------------------------------------------------------------------------


def test_context_layers_load_and_are_small():
    for name in ("cities", "rivers", "lakes", "nine_dash_line", "land"):
        assert name in goldmap.layers()
        assert goldmap.load(name).crs.to_epsg() == 4326
    total = sum(p.stat().st_size for p in DATA.glob("*.geojson"))
    assert total < 300_000


def test_cities_have_the_capitals_with_geonames_ids():
    cities = goldmap.load("cities")
    capital = cities[cities["rank"] == "capital"]
    assert capital["name_zh"].tolist() == ["北京"]
    assert capital["geonameid"].tolist() == [1816670]  # GeoNames: Beijing
    beijing = capital.geometry.iloc[0]
    assert 116.2 < beijing.x < 116.6 and 39.8 < beijing.y < 40.1
    assert (cities["rank"] == "provincial_capital").sum() == 33
    assert len(cities) > 330
    jinan = cities[cities["name_zh"] == "济南"].iloc[0]
    assert jinan["rank"] == "provincial_capital" and jinan["name_en"] == "Jinan"


def test_nine_dash_line_lies_in_the_south_china_sea():
    line = goldmap.load("nine_dash_line").geometry.iloc[0]
    x0, y0, x1, y1 = line.bounds
    assert 105 < x0 < x1 < 123 and 2 < y0 < y1 < 25


def test_manifest_names_package_version_and_licence_per_layer():
    manifest = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["layers"]) == {"cities", "rivers", "lakes", "nine_dash_line", "land"}
    for entry in manifest["layers"].values():
        assert (DATA / entry["file"]).is_file()
        for source in entry["sources"]:
            assert source["package"] and source["version"] and source["licence"]


def _colours(ax) -> set[str]:
    """Every face and edge colour the axes draw with, as #rrggbb (alpha dropped)."""
    from matplotlib.colors import to_hex

    found: set[str] = set()
    for artist in [*ax.collections, *ax.lines]:
        for getter in ("get_facecolor", "get_edgecolor", "get_color", "get_markerfacecolor"):
            value = getattr(artist, getter, lambda: [])()
            rows = (
                [value]
                if isinstance(value, str) or len(getattr(value, "shape", ())) == 1
                else value
            )
            found.update(to_hex(row, keep_alpha=False) for row in rows if len(row))
    return found


def test_the_figure_and_the_web_map_draw_each_layer_in_one_colour(china_zh):
    # The figure once drew exploration areas blue where the web map draws them orange.
    from goldmap.maps import add_context, make_map, to_html
    from goldmap.maps._static_data import COLOURS
    from goldmap.styles import LAYER_STYLES

    shared = {
        "exploration_areas": [LAYER_STYLES["exploration_areas"].fill],
        "development_areas": [LAYER_STYLES["development_areas"].fill],
        "key_mines": [LAYER_STYLES["key_mines"].marker_color],
        "river": [LAYER_STYLES["rivers"].stroke],
        "lake": [LAYER_STYLES["lakes"].fill],
        "city": [LAYER_STYLES["cities"].stroke],
    }
    for key, (colour,) in shared.items():
        assert COLOURS[key] == colour, key
    drawn = _colours(_map_axes(china_zh))
    for layer in ("exploration_areas", "development_areas"):
        assert {LAYER_STYLES[layer].fill, LAYER_STYLES[layer].stroke} <= drawn, layer
    assert {COLOURS["key_mines"], COLOURS["river"], COLOURS["lake"]} <= drawn
    page = to_html(add_context(make_map(), lang="en"))
    for layer in ("exploration_areas", "development_areas", "key_mines"):
        assert LAYER_STYLES[layer].fill in page, layer
    for colour in (COLOURS["river"], COLOURS["lake"], COLOURS["city"]):
        assert f'"{colour}"' in page


def test_mines_coloured_by_status_with_a_legend_entry_each():
    from matplotlib.colors import to_hex

    from goldmap._dossier import STATUS_WORDS
    from goldmap.maps._static_data import COLOURS

    fig = gfig.figure(area=AREA, lang="en", dpi=60, color_by="status")
    ax = next(a for a in fig.axes if a.get_label() == "map")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    for words in STATUS_WORDS.values():
        assert any(label.endswith(words["en"]) for label in labels), words
    mines = goldmap.load("key_mines").set_index("id")
    # Located mines are filled with their status colour, stand-ins ringed in it (hollow).
    markers = [c for c in ax.collections if c.get_zorder() == 7]
    drawn = {to_hex(c) for m in markers for c in [*m.get_facecolors(), *m.get_edgecolors()]}
    # Jiaodong has producing (焦家 ...), under construction (海域, 纱岭), exploration (西岭)
    # and unknown (蓬莱, 夏甸 ...) mines: each is drawn in its colour.
    for mine_id in ("sd-jiaojia", "sd-haiyu", "sd-xiling", "sd-xiadian"):
        assert COLOURS[f"status_{mines.at[mine_id, 'status']}"] in drawn, mine_id


def test_color_by_must_be_known():
    with pytest.raises(goldmap.ExportError, match="status"):
        gfig.figure(lang="en", dpi=60, color_by="size")


def test_cli_figure_color_by_status(tmp_path):
    out = tmp_path / "status.png"
    result = CliRunner().invoke(
        cli, ["figure", "-o", str(out), "--lang", "en", "--dpi", "60", "--color-by", "status",
              "--area", "dev-shandong-laizhou-zhaoyuan"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
