"""Compare the default goldmap map with chained ``GeoDataFrame.explore()`` of the same layers.

Both sides draw the same geometry: the simplified display copy of the provinces
(``goldmap.load("provinces", simplified=True)``, what goldmap's map draws) and the plan areas
simplified as goldmap's map simplifies them (``shapely.simplify``, 0.005°, topology kept),
plus the key mines. Two figures: the bytes a browser must fetch to show the map (goldmap's
page is self-contained; ``explore()``'s page links CDN files, measured from local copies of
the same files where a pip or npm package present here carries them), and the time to build
the map and render it to HTML.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

from bench._common import ROOT, Figure, median_time

#: The layers of goldmap's default map, drawn in this order by both sides.
LAYERS = ("provinces", "exploration_areas", "development_areas", "key_mines")
#: How goldmap's map simplifies the plan areas for display, in degrees (~500 m).
AREA_TOLERANCE = 0.005

EXPLORE = (
    "chained GeoDataFrame.explore() of the same four layers with the same simplified "
    "geometry (provinces' display copy, plan areas simplified 0.005° as goldmap draws them): "
    "the page geopandas users get, plus the CDN files it needs"
)


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


def _layer(name: str) -> Any:
    import shapely

    import goldmap

    if name == "provinces":
        return goldmap.load(name, simplified=True)
    frame = goldmap.load(name)
    if name.endswith("_areas"):
        frame["geometry"] = shapely.simplify(
            frame.geometry.values, AREA_TOLERANCE, preserve_topology=True
        )
    return frame


def _explore_map(frames: dict[str, Any]) -> Any:
    m = None
    for name, frame in frames.items():
        m = frame.explore(m=m, name=name)
    return m


def to_html(m: Any) -> str:
    return str(m.get_root().render())


def run(quick: bool = False) -> list[Figure]:
    import goldmap

    repeat = 3 if quick else 5
    frames = {name: _layer(name) for name in LAYERS}
    ours_html = to_html(goldmap.make_map())
    base_html = to_html(_explore_map(frames))
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
        f"{', '.join(missing) or 'none'}; web fonts the CSS pulls in are not counted "
        "either, so the baseline bytes are a lower bound"
    )
    payload = Figure(
        "default map bytes",
        "bytes",
        ours_bytes,
        base_page + assets,
        description=EXPLORE,
        goal="≤ 0.5×, still one self-contained file",
        target=0.5,
        condition=not ours_external,
        note=note,
    )
    ours_time, _ = median_time(lambda: to_html(goldmap.make_map()), repeat)
    base_time, _ = median_time(lambda: to_html(_explore_map(frames)), repeat)
    build = Figure(
        "map build + render time",
        "s",
        ours_time,
        base_time,
        description="the explore() map above, built and rendered (layers already loaded)",
        note=f"goldmap.make_map() + render (loading included) vs chained explore() + render "
        f"of {', '.join(LAYERS)}, median of {repeat}",
    )
    return [payload, build]
