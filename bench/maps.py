"""Compare the default goldmap map with chained ``GeoDataFrame.explore()`` of the same layers.

Two figures: the bytes a browser must fetch to show the map (goldmap's page is
self-contained; ``explore()``'s page links CDN files, measured from local copies of the same
files where a pip or npm package present here carries them), and the time to build the map
and render it to HTML.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

from bench._common import ROOT, Figure, median_time

#: The layers of goldmap's default map, drawn in this order by both sides.
LAYERS = ("provinces", "exploration_areas", "development_areas", "key_mines")


def _xstatic(package: str, *parts: str) -> Path | None:
    try:
        module = importlib.import_module(f"xstatic.pkg.{package}")
    except ImportError:
        return None
    path = Path(module.BASE_DIR, *parts)
    return path if path.is_file() else None


def _node(*parts: str) -> Path | None:
    for base in (ROOT / "node_modules", Path.home() / "node_modules"):
        path = base.joinpath(*parts)
        if path.is_file():
            return path
    return None


def _folium_template(name: str) -> Path | None:
    import folium

    path = Path(folium.__file__).parent / "templates" / name
    return path if path.is_file() else None


def _local_copy(url: str) -> tuple[Path | None, str]:
    """Find a local copy of a CDN file; return it and where it comes from."""
    name = url.rsplit("/", 1)[-1]
    if "leaflet@" in url and name in ("leaflet.js", "leaflet.css"):
        return _xstatic("leaflet", name), "xstatic-leaflet"
    if "jquery" in name:
        return _xstatic("jquery", "jquery.min.js"), "xstatic-jquery"
    if "fontawesome" in url and name == "all.min.css":
        return _xstatic("font_awesome", "css", name), "xstatic-font-awesome (6.2.1 for 6.2.0)"
    if "bootstrap@" in url:
        sub = "js" if name.endswith(".js") else "css"
        return _node("bootstrap", "dist", sub, name), "npm bootstrap"
    if "awesome-markers" in url:
        return _node("leaflet.awesome-markers", "dist", name), "npm leaflet.awesome-markers"
    if name.startswith("leaflet.awesome.rotate"):
        return _folium_template(name), "folium templates"
    return None, "no local package"


def _external_urls(html: str) -> list[str]:
    found = re.findall(r'<script[^>]+src="(https?://[^"]+)"', html)
    found += re.findall(r'<link[^>]+href="(https?://[^"]+)"', html)
    return list(dict.fromkeys(found))


def _explore_map() -> Any:
    import goldmap

    m = None
    for name in LAYERS:
        m = goldmap.load(name).explore(m=m, name=name)
    return m


def _goldmap_map() -> Any:
    from goldmap.maps import make_map

    return make_map()


def run(quick: bool = False) -> list[Figure]:
    try:
        from goldmap.maps import to_html
    except ImportError as e:
        return [
            Figure("map payload", "bytes", skipped=f"goldmap.maps is not available ({e})"),
            Figure("map build + render time", "s", skipped=f"goldmap.maps is not available ({e})"),
        ]
    repeat = 3 if quick else 5
    ours_html = to_html(_goldmap_map())
    base_html = _explore_map().get_root().render()
    ours_external = _external_urls(ours_html)
    measured, missing = [], []
    assets = 0
    for url in _external_urls(base_html):
        path, origin = _local_copy(url)
        if path is None:
            missing.append(f"{url.rsplit('/', 1)[-1]} ({origin})")
        else:
            assets += path.stat().st_size
            measured.append(f"{path.name} ({origin})")
    ours_bytes = len(ours_html.encode("utf-8"))
    base_page = len(base_html.encode("utf-8"))
    note = (
        f"goldmap page {ours_bytes:,} B, {len(ours_external)} external file(s); "
        f"explore() page {base_page:,} B + CDN files measured {assets:,} B: "
        f"{', '.join(measured) or 'none'}; not measured (no local copy): "
        f"{', '.join(missing) or 'none'}; web fonts the CSS pulls in are not counted"
    )
    payload = Figure(
        "map payload (default map)",
        "bytes",
        ours_bytes,
        base_page + assets,
        goal="ratio ≤ 0.3",
        target=0.3,
        note=note,
    )
    ours_time, _ = median_time(lambda: to_html(_goldmap_map()), repeat)
    base_time, _ = median_time(lambda: _explore_map().get_root().render(), repeat)
    build = Figure(
        "map build + render time",
        "s",
        ours_time,
        base_time,
        note=f"make_map + to_html vs chained explore() + render of {', '.join(LAYERS)}, "
        f"median of {repeat}",
    )
    return [payload, build]
