"""Serve the map's JavaScript and CSS from local packages instead of public CDNs.

A goldmap map needs Leaflet alone: markers are Leaflet div icons with inline SVG, the
legend is a Leaflet control, the layer switch is Leaflet's own. folium's other defaults
(jQuery, Bootstrap, awesome-markers, Font Awesome) are dropped, so nothing is fetched from
the internet. Leaflet comes from the ``xstatic-leaflet`` package, the version folium pins.

Two ways to deliver it:

- ``"inline"``: the CSS (with its images as data URIs) and the JavaScript are written into
  the page's ``<head>``; the HTML file is self-contained and opens offline.
- a base URL (such as ``"/app/static/goldmap/"``): the page links ``leaflet.js`` and
  ``leaflet.css`` under that URL; :func:`write_assets` puts the files in the folder that a
  web server (e.g. Streamlit's static serving) publishes at that URL.
"""

from __future__ import annotations

import base64
import functools
import re
from pathlib import Path
from typing import Any

from branca.element import Element

__all__ = ["ASSET_FILES", "apply_assets", "asset_text", "write_assets"]

#: The files a goldmap map loads, relative to the asset folder or URL.
ASSET_FILES = ("leaflet.js", "leaflet.css")

_SOURCE_MAP_RE = re.compile(r"\n?//# sourceMappingURL=\S+\s*$")
_IMAGE_URL_RE = re.compile(r"url\((images/[\w.-]+\.png)\)")


def _leaflet_dir() -> Path:
    from xstatic.pkg import leaflet

    return Path(leaflet.BASE_DIR)


@functools.cache
def asset_text(name: str) -> str:
    """Return the text of one asset, ready to serve or inline.

    Source-map comments are removed (the browser would ask for a file that is not there), and
    the CSS has its images embedded as data URIs.

    Parameters
    ----------
    name : str
        One of :data:`ASSET_FILES`.

    Returns
    -------
    str
        The file's content.
    """
    if name not in ASSET_FILES:
        raise ValueError(f"Unknown asset {name!r}; the assets are {ASSET_FILES}.")
    folder = _leaflet_dir()
    text = (folder / name).read_text(encoding="utf-8")
    text = _SOURCE_MAP_RE.sub("\n", text)
    if name.endswith(".css"):

        def embed(match: re.Match[str]) -> str:
            data = base64.b64encode((folder / match.group(1)).read_bytes()).decode("ascii")
            return f"url(data:image/png;base64,{data})"

        text = _IMAGE_URL_RE.sub(embed, text)
    return text


def write_assets(directory: str | Path) -> list[Path]:
    """Write the map's assets into ``directory`` (created if needed), for a web server.

    Files whose content is already current are left alone, so calling this on every start
    of an app is cheap.

    Parameters
    ----------
    directory : str or pathlib.Path
        The folder to fill.

    Returns
    -------
    list of pathlib.Path
        The asset files.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in ASSET_FILES:
        path = folder / name
        text = asset_text(name)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def _inline_tag(name: str) -> str:
    text = asset_text(name)
    if name.endswith(".css"):
        return f"<style>{text}</style>"
    # A literal "</script" inside the code would end the element early.
    return "<script>" + text.replace("</script", "<\\/script") + "</script>"


def apply_assets(m: Any, assets: str) -> None:
    """Point map ``m`` at local assets: inline them, or link them under a base URL.

    Parameters
    ----------
    m : folium.Map
        The map; its (class-wide) CDN lists are replaced on this instance only.
    assets : str
        ``"inline"``, or a base URL ending in ``/``.
    """
    if assets == "inline":
        m.default_js = []
        m.default_css = []
        header = m.get_root().header
        # Named children replace each other, so applying twice does not duplicate them.
        header.add_child(Element(_inline_tag("leaflet.css")), name="goldmap_leaflet_css")
        header.add_child(Element(_inline_tag("leaflet.js")), name="goldmap_leaflet_js")
        return
    base = assets if assets.endswith("/") else assets + "/"
    m.default_js = [("leaflet", base + "leaflet.js")]
    m.default_css = [("leaflet_css", base + "leaflet.css")]
