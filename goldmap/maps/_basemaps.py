"""Name the basemaps goldmap offers, fill in the Tianditu key, and shift overlays for GCJ-02 tiles.

Each basemap is an xyzservices :class:`~xyzservices.TileProvider` with its attribution, an
optional label layer drawn over it, and the datum its tiles are drawn in. Tianditu (天地图,
the official service) is CGCS2000, which equals WGS84 at map scale, and needs the user's key;
Gaode/AMap (高德) is GCJ-02, so a map on Gaode tiles draws its layers shifted to GCJ-02 for
display (exports are never touched).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
import xyzservices
from branca.element import MacroElement
from jinja2 import Template

from goldmap.errors import OptionError

__all__ = [
    "BASEMAPS",
    "KEY_ENV",
    "Basemap",
    "datum_of",
    "get_basemap",
    "shift_geojson",
    "to_gcj02",
]

#: The environment variable that holds the user's Tianditu key.
KEY_ENV = "TIANDITU_KEY"
_KEY_URL = "https://console.tianditu.gov.cn/api/key"
_KEY_PLACEHOLDER = "<insert your Tianditu key here>"
_TIANDITU_ATTRIBUTION = "© 天地图 Tianditu / 国家地理信息公共服务平台"
_TIANDITU_URL = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
    "&TILECOL={x}&tk={tk}"
)


@dataclass(frozen=True)
class Basemap:
    """A basemap: its tiles, the label tiles drawn over them, and the datum of both.

    Attributes
    ----------
    tiles : xyzservices.TileProvider
        The background tiles.
    labels : xyzservices.TileProvider, optional
        Place names and roads drawn over ``tiles`` (Tianditu's 注记 layers).
    datum : {"wgs84", "gcj02"}, default "wgs84"
        The datum the tiles are drawn in; layers on a ``"gcj02"`` basemap are shifted for
        display.
    choice : str, optional
        Its key in :data:`BASEMAPS`, which names it in the layer switch in either language
        (``goldmap.text``'s ``basemap_<choice>``); other providers go by their own name.
    """

    tiles: xyzservices.TileProvider
    labels: xyzservices.TileProvider | None = None
    datum: str = "wgs84"
    choice: str | None = None

    def titles(self, lang: str) -> tuple[str, str]:
        """Return the layer switch's names of the tiles and of their labels, in ``lang``."""
        from goldmap.text import tr

        if self.choice is not None:
            title = tr(f"basemap_{self.choice}", lang)
        else:
            title = self.tiles.name.replace(".", " ")
        return title, tr("basemap_labels", lang).format(name=title)

    def requires_key(self) -> bool:
        """Return whether the tiles still need the user's key."""
        return any(p is not None and p.requires_token() for p in (self.tiles, self.labels))

    def with_key(self, key: str) -> Basemap:
        """Return a copy whose tile URLs carry ``key``."""
        labels = None if self.labels is None else self.labels(tk=key)
        return Basemap(self.tiles(tk=key), labels, self.datum, self.choice)


def _tianditu(layer: str, title: str, *, max_zoom: int) -> xyzservices.TileProvider:
    return xyzservices.TileProvider(
        name=f"Tianditu.{title}",
        url=_TIANDITU_URL.replace("{layer}", layer),
        attribution=_TIANDITU_ATTRIBUTION,
        html_attribution=(
            '© <a href="https://www.tianditu.gov.cn/">天地图 Tianditu</a> / '
            "国家地理信息公共服务平台"
        ),
        subdomains="01234567",
        max_zoom=max_zoom,
        tk=_KEY_PLACEHOLDER,
    )


def _tianditu_basemap(base: str, labels: str, title: str, *, max_zoom: int) -> Basemap:
    return Basemap(
        _tianditu(base, title, max_zoom=max_zoom),
        _tianditu(labels, f"{title}Labels", max_zoom=max_zoom),
        choice=f"tianditu-{base}",
    )


# xyzservices' Gaode entries, served over https from all four tile hosts.
_GAODE = xyzservices.providers.Gaode
_GAODE_LABELS = _GAODE.Satellite(
    name="Gaode.SatelliteLabels",
    url="https://webst0{s}.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z}",
    subdomains="1234",
)

#: Basemap choices; "none" draws the vector layers on a light background, with no tiles.
BASEMAPS: dict[str, Basemap | None] = {
    "none": None,
    "light": Basemap(xyzservices.providers.Esri.WorldGrayCanvas, choice="light"),
    "osm": Basemap(xyzservices.providers.OpenStreetMap.Mapnik, choice="osm"),
    "satellite": Basemap(xyzservices.providers.Esri.WorldImagery, choice="satellite"),
    "tianditu-vec": _tianditu_basemap("vec", "cva", "Vector", max_zoom=18),
    "tianditu-img": _tianditu_basemap("img", "cia", "Imagery", max_zoom=18),
    "tianditu-ter": _tianditu_basemap("ter", "cta", "Terrain", max_zoom=14),
    "gaode": Basemap(
        _GAODE.Normal(
            url=_GAODE.Normal.url.replace("http://webrd01", "https://webrd0{s}"),
            subdomains="1234",
        ),
        datum="gcj02",
        choice="gaode",
    ),
    "gaode-img": Basemap(
        _GAODE.Satellite(
            url=_GAODE.Satellite.url.replace("http://webst01", "https://webst0{s}"),
            subdomains="1234",
        ),
        _GAODE_LABELS,
        datum="gcj02",
        choice="gaode-img",
    ),
}


def _missing_key(name: str) -> OptionError:
    return OptionError(
        f"Basemap {name!r} needs a Tianditu (天地图) key: set the environment variable "
        f"{KEY_ENV} (or type the key in the app), or choose another basemap. A free "
        f"browser key comes from {_KEY_URL} ."
    )


def get_basemap(
    basemap: str | Basemap | xyzservices.TileProvider | None, *, key: str | None = None
) -> Basemap | None:
    """Return the basemap a name or provider stands for, with the Tianditu key filled in.

    Parameters
    ----------
    basemap : str, Basemap, xyzservices.TileProvider or None
        A key of :data:`BASEMAPS`, a :class:`Basemap`, any xyzservices provider (Gaode
        providers are taken as GCJ-02), or None for no tiles.
    key : str, optional
        The Tianditu key; default the environment variable ``TIANDITU_KEY``.

    Returns
    -------
    Basemap or None
        The basemap, ready to draw; None for no tiles.

    Raises
    ------
    OptionError
        When ``basemap`` is not a known name, or a Tianditu basemap has no key.

    Examples
    --------
    >>> get_basemap("none") is None
    True
    >>> get_basemap("tianditu-vec", key="my-key").tiles.build_url().endswith("tk=my-key")
    True
    """
    resolved: Basemap | None
    if basemap is None or isinstance(basemap, Basemap):
        resolved = basemap
    elif isinstance(basemap, xyzservices.TileProvider):
        gaode = basemap.name.split(".")[0] in ("Gaode", "AMap")
        resolved = Basemap(basemap, datum="gcj02" if gaode else "wgs84")
    elif isinstance(basemap, str) and basemap in BASEMAPS:
        resolved = BASEMAPS[basemap]
    else:
        raise OptionError(
            f"Unknown basemap {basemap!r}; choose one of {list(BASEMAPS)} "
            "or pass an xyzservices.TileProvider."
        )
    if resolved is None or not resolved.requires_key():
        return resolved
    key = (key or os.environ.get(KEY_ENV, "")).strip()
    if not key:
        raise _missing_key(basemap if isinstance(basemap, str) else resolved.tiles.name)
    return resolved.with_key(key)


# -- display in GCJ-02 -----------------------------------------------------------------------

_DECIMALS = 5


def datum_of(target: Any) -> str:
    """Return the datum map or layer group ``target`` draws in: ``"wgs84"`` or ``"gcj02"``.

    goldmap's maps and layer groups carry it as their ``datum`` attribute (see
    :class:`goldmap.maps.base.Map`); any other folium map draws in WGS84.
    """
    return str(getattr(target, "datum", "wgs84"))


def to_gcj02(xy: np.ndarray) -> np.ndarray:
    """Return WGS84 ``(lon, lat)`` rows shifted to GCJ-02 (points outside China unchanged)."""
    import coordTransform

    if not len(xy):
        return xy
    lons, lats = coordTransform.wgs84_to_gcj02(
        np.ascontiguousarray(xy[:, 0], dtype=float), np.ascontiguousarray(xy[:, 1], dtype=float)
    )
    return np.round(np.column_stack([lons, lats]), _DECIMALS)


def shift_geojson(data: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of a GeoJSON FeatureCollection with its geometries shifted to GCJ-02."""
    features = []
    for feature in data["features"]:
        geom = shapely.transform(shapely.geometry.shape(feature["geometry"]), to_gcj02)
        features.append({**feature, "geometry": shapely.geometry.mapping(geom)})
    return {**data, "features": features}


class ShiftNote(MacroElement):
    """A small note at the bottom left: the layers are shifted to match GCJ-02 tiles."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "bottomleft"});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", "goldmap-gcj02-note");
            div.style.cssText = "background:rgba(255,255,255,.9);padding:3px 7px;"
                + "border-radius:4px;font:11px/1.4 system-ui,sans-serif;color:#7a4b00";
            div.textContent = {{ this.text|tojson }};
            return div;
        };
        {{ this.get_name() }}.addTo({{ this.map_name }});
        {% endmacro %}
        """
    )

    text = (
        "显示已偏移至 GCJ-02 以对齐高德底图 / display shifted to GCJ-02 to match the Gaode basemap"
    )

    def __init__(self, map_name: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "GoldmapShiftNote"
        self.map_name = map_name
