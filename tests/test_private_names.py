"""goldmap reads or calls no private name of folium, branca or streamlit-folium."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# streamlit-folium's private helpers, branca's element tree and template internals. It also
# matches inside template strings, where names are passed explicitly instead.
PRIVATE = re.compile(
    r"(streamlit_folium|st_folium)\._|_get_html|_get_header|_get_map_string|_component_func"
    r"|\._children|\._parent\b|_template\.module"
)


def test_goldmap_uses_no_private_name_of_folium_branca_or_streamlit_folium():
    hits = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "goldmap").rglob("*"))
        if path.is_file() and path.suffix in {".py", ".js", ".html"}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PRIVATE.search(line)
    ]
    assert hits == []


def test_streamlit_folium_has_no_upper_pin():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted += extra
    pins = [w for w in wanted if re.match(r"streamlit[-_]folium\b", w, re.IGNORECASE)]
    assert all("<" not in pin and "==" not in pin and "~=" not in pin for pin in pins), pins
