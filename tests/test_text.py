"""One words table: every interface string in both languages, found by one tr()."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import goldmap
from goldmap import text
from goldmap.app.text import error_text

_HAN = re.compile("[\u4e00-\u9fff]")
# Chinese labels may quote a name in Latin letters (天地图 keys, GCJ-02, Esri, OpenStreetMap).
_LATIN_OK = {"basemap_osm", "basemap_light", "basemap_satellite", "language", "boundaries_source"}
_TABLES = ("_MAP", "_APP", "_FIGURE", "_ERRORS", "_REASONS", "NOTES", "_FRAME")
_PAIR_TABLES = (
    "FIELDS",
    "INDICATORS",
    "PRECISION",
    "CONFIDENCE",
    "_OUTCOMES",
    "_UNITS",
    "LOCATION_WORDS",
)
ROOT = Path(goldmap.__file__).parent


def _pairs() -> list[tuple[str, str, str, str]]:
    rows = []
    for name in _TABLES + _PAIR_TABLES:
        for key, (zh, en) in getattr(text, name).items():
            rows.append((name, key, zh, en))
    return rows


def test_the_tables_share_no_key() -> None:
    # A key in two tables would silently take one table's words over the other's.
    keys = [key for name in _TABLES for key in getattr(text, name)]
    assert len(keys) == len(set(keys)) == len(text._STRINGS)


@pytest.mark.parametrize(("table", "key", "zh", "en"), _pairs(), ids=lambda v: str(v)[:30])
def test_every_key_has_both_languages(table: str, key: str, zh: str, en: str) -> None:
    assert zh.strip() and en.strip(), (table, key)
    assert not _HAN.search(en) or key == "language", (table, key, en)
    if table == "_UNITS":
        return
    is_chinese = bool(_HAN.search(zh)) or zh in ("OpenStreetMap",)
    assert is_chinese, (table, key, zh)
    # The app's labels and the errors' reasons name columns, formats and files in Latin.
    if key not in _LATIN_OK and table not in ("_APP", "_REASONS") and zh != en:
        # No Chinese label is English in disguise: its Latin words are names or codes.
        # (Placeholders such as {name} or {name!r} are filled in, never shown.)
        shown = re.sub(r"\{[a-z_]+(![rsa])?\}", "", zh)
        assert not re.search(r"\b[a-z]{4,}\b", shown), (table, key, zh)


def test_placeholders_agree_between_languages() -> None:
    for table, key, zh, en in _pairs():
        assert set(re.findall(r"{(\w+)", zh)) == set(re.findall(r"{(\w+)", en)), (table, key)


def _used_keys() -> set[str]:
    """The literal keys passed to tr() anywhere in goldmap and app.py."""
    used: set[str] = set()
    files = [*ROOT.rglob("*.py"), ROOT.parent / "app.py"]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) == "tr"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                used.add(node.args[0].value)
    return used


def test_every_literal_key_is_in_the_table() -> None:
    assert _used_keys() - set(text._STRINGS) == set()


def test_there_is_one_table() -> None:
    from goldmap.maps import _static_data

    assert not hasattr(_static_data, "WORDS")
    app_text = (ROOT / "app" / "text.py").read_text(encoding="utf-8")
    assert not _HAN.search(app_text.split('"""', 2)[2]), "Chinese words outside goldmap.text"


def test_figure_words_come_from_the_table() -> None:
    assert text.tr("figure_title", "zh").startswith("黄金产业高质量发展实施方案")
    assert text.tr("legend_exploration_areas", "en") == "Key exploration area"
    # 千米 (figure) and 公里 (everywhere else) were two words for one unit; 公里 stays.
    assert text.tr("km", "zh") == "公里" and text.tr("km2", "zh") == "平方公里"


def test_errors_get_a_chinese_headline_from_the_table() -> None:
    shown = error_text(goldmap.MissingCRSError("The layer has no CRS."), "zh")
    assert shown.startswith(text.tr("error_missing_crs", "zh"))
    assert shown.endswith(text.tr("error_details", "zh") + "The layer has no CRS.")
    assert error_text(RuntimeError("boom"), "zh").startswith(text.tr("error_other", "zh"))
    # In English the library's one-line message is shown alone.
    assert error_text(goldmap.MissingCRSError("The layer has no CRS."), "en") == (
        "The layer has no CRS."
    )
    for lang in ("zh", "en"):
        assert error_text("written by the app", lang) == "written by the app"
