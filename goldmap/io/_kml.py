"""Write styled KML and KMZ for Google Earth: one folder per layer, balloons, icons.

Private plumbing of :mod:`goldmap.export`. Every text goes through an XML writer
(``xml.etree``), so names, quotes and URLs from the data are escaped; balloon HTML is
built with :func:`html.escape` first, then escaped again as the element's text, which is
how KML carries HTML.
"""

from __future__ import annotations

import html
import io
import math
import struct
import xml.etree.ElementTree as ET
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from goldmap._values import is_missing, is_nested, to_json_text
from goldmap.io._files import COORDINATE_DECIMALS
from goldmap.styles import LayerStyle, kml_color, style_for

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["write_kml"]

KML_NS = "http://www.opengis.net/kml/2.2"

# Google Earth's own white icons, tinted by IconStyle's colour (used by plain .kml).
_HOSTED_ICONS = {
    "star": "https://maps.google.com/mapfiles/kml/shapes/star.png",
    "circle": "https://maps.google.com/mapfiles/kml/shapes/placemark_circle.png",
    "diamond": "https://maps.google.com/mapfiles/kml/shapes/open-diamond.png",
    "square": "https://maps.google.com/mapfiles/kml/shapes/placemark_square.png",
}

_NAME_COLUMNS = ("name_zh", "name_en", "name", "id")


def write_kml(
    layers: dict[str, gpd.GeoDataFrame],
    path: Path,
    *,
    kmz: bool,
    titles: dict[str, str],
) -> None:
    """Write ``layers`` (EPSG:4326) to ``path`` as KML, or as KMZ with its icons inside."""
    root = ET.Element("kml", {"xmlns": KML_NS})
    document = ET.SubElement(root, "Document")
    _text(document, "name", "goldmap")
    _text(document, "open", "1")
    icons: dict[str, bytes] = {}
    for name in layers:
        style = style_for(name)
        if kmz:
            href = f"files/{style.marker_shape}.png"
            icons[href] = _icon_png(style.marker_shape)
        else:
            href = _HOSTED_ICONS.get(style.marker_shape, _HOSTED_ICONS["circle"])
        document.append(_style_element(name, style, href))
    for name, frame in layers.items():
        document.append(_folder(name, frame, titles.get(name, name)))
    ET.indent(root)
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    if not kmz:
        path.write_bytes(data)
        return
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.kml", data)  # Google Earth reads the first .kml entry
        for href, png in icons.items():
            archive.writestr(href, png)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = text
    return element


def _style_id(name: str) -> str:
    return "style-" + "".join(c if c.isalnum() or c in "_-" else "_" for c in name)


def _style_element(name: str, style: LayerStyle, href: str) -> ET.Element:
    element = ET.Element("Style", {"id": _style_id(name)})
    icon_style = ET.SubElement(element, "IconStyle")
    _text(icon_style, "color", kml_color(style.marker_color))
    _text(icon_style, "scale", f"{max(0.6, style.marker_size / 4):.2f}")
    icon = ET.SubElement(icon_style, "Icon")
    _text(icon, "href", href)
    label = ET.SubElement(element, "LabelStyle")
    _text(label, "scale", "0.8")
    line = ET.SubElement(element, "LineStyle")
    _text(line, "color", kml_color(style.stroke))
    _text(line, "width", f"{style.weight:g}")
    poly = ET.SubElement(element, "PolyStyle")
    _text(poly, "color", kml_color(style.fill, style.fill_opacity))
    _text(poly, "fill", "1" if style.fill_opacity > 0 else "0")
    _text(poly, "outline", "1")
    return element


def _folder(name: str, frame: gpd.GeoDataFrame, title: str) -> ET.Element:
    folder = ET.Element("Folder", {"id": _style_id(name).removeprefix("style-")})
    _text(folder, "name", title)
    geometry = frame.geometry.name
    columns = [c for c in frame.columns if c != geometry]
    for index, row in enumerate(frame.itertuples(index=False, name=None)):
        record = dict(zip(frame.columns, row, strict=True))
        placemark = ET.SubElement(folder, "Placemark")
        _text(placemark, "name", _placemark_name(record, f"{name} {index + 1}"))
        _text(placemark, "description", _balloon(record, columns))
        _text(placemark, "styleUrl", f"#{_style_id(name)}")
        extended = ET.SubElement(placemark, "ExtendedData")
        for column in columns:
            value = _kml_value(record[column])
            if value is not None:
                data = ET.SubElement(extended, "Data", {"name": str(column)})
                _text(data, "value", value)
        shape = record[geometry]
        if shape is not None and not shape.is_empty:
            placemark.append(_geometry(shape))
    return folder


def _placemark_name(record: dict[str, Any], fallback: str) -> str:
    names = [str(record[c]) for c in _NAME_COLUMNS if c in record and _plain(record[c])]
    if len(names) >= 2 and "name_zh" in record and "name_en" in record:
        return f"{names[0]} {names[1]}" if names[0] != names[1] else names[0]
    return names[0] if names else fallback


def _plain(value: Any) -> bool:
    return isinstance(value, str | int | float) and not is_missing(value) and str(value) != ""


def _kml_value(value: Any) -> str | None:
    if is_nested(value):
        return str(to_json_text(value))
    if is_missing(value):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _balloon(record: dict[str, Any], columns: list[str]) -> str:
    """Return the attributes as an HTML table; ``sources`` as links with their quotes."""
    rows = []
    for column in columns:
        value = record[column]
        if not is_nested(value) and is_missing(value):
            continue
        rows.append(
            f"<tr><th style='text-align:left;vertical-align:top'>{html.escape(str(column))}"
            f"</th><td>{_html_value(value)}</td></tr>"
        )
    return "<table>" + "".join(rows) + "</table>"


def _html_value(value: Any) -> str:
    if isinstance(value, dict):
        url = str(value.get("url", ""))
        quote = value.get("quote")
        link = (
            f"<a href='{html.escape(url, quote=True)}'>{html.escape(url)}</a>"
            if url.startswith(("http://", "https://"))
            else html.escape(url)
        )
        rest = {k: v for k, v in value.items() if k not in ("url", "quote")}
        parts = [link] if url else []
        if quote:
            parts.append(f"<q>{html.escape(str(quote))}</q>")
        if rest:
            parts.append(html.escape(str(to_json_text(rest))))
        return " ".join(parts)
    if is_nested(value):
        items = list(value)
        if any(isinstance(item, dict) for item in items):
            return "<ol>" + "".join(f"<li>{_html_value(i)}</li>" for i in items) + "</ol>"
        return html.escape(", ".join(str(i) for i in items))
    return html.escape(str(_kml_value(value)))


def _coordinates(coords: Any) -> str:
    def number(v: float) -> str:
        text = f"{v:.{COORDINATE_DECIMALS}f}".rstrip("0").rstrip(".")
        return "0" if text in ("", "-0") else text

    return " ".join(f"{number(c[0])},{number(c[1])}" for c in coords)


def _geometry(shape: Any) -> ET.Element:
    kind = shape.geom_type
    if kind == "Point":
        element = ET.Element("Point")
        _text(element, "coordinates", _coordinates(shape.coords))
        return element
    if kind == "LineString":
        element = ET.Element("LineString")
        _text(element, "tessellate", "1")
        _text(element, "coordinates", _coordinates(shape.coords))
        return element
    if kind == "Polygon":
        element = ET.Element("Polygon")
        _text(element, "tessellate", "1")
        outer = ET.SubElement(ET.SubElement(element, "outerBoundaryIs"), "LinearRing")
        _text(outer, "coordinates", _coordinates(shape.exterior.coords))
        for ring in shape.interiors:
            inner = ET.SubElement(ET.SubElement(element, "innerBoundaryIs"), "LinearRing")
            _text(inner, "coordinates", _coordinates(ring.coords))
        return element
    # MultiPoint, MultiLineString, MultiPolygon, GeometryCollection
    element = ET.Element("MultiGeometry")
    for part in shape.geoms:
        if not part.is_empty:
            element.append(_geometry(part))
    return element


# --------------------------------------------------------------------------------------------
# Marker icons for KMZ: white shapes with a dark rim, tinted by IconStyle's colour
# --------------------------------------------------------------------------------------------

_ICON_PIXELS = 64


def _icon_shape(shape: str) -> Any:
    import shapely

    centre = _ICON_PIXELS / 2
    radius = _ICON_PIXELS / 2 - 2
    if shape == "star":
        points = []
        for i in range(10):
            r = radius if i % 2 == 0 else radius * 0.45
            angle = math.pi / 2 + i * math.pi / 5
            points.append((centre + r * math.cos(angle), centre - r * math.sin(angle)))
        return shapely.Polygon(points)
    if shape == "diamond":
        return shapely.Polygon(
            [(centre, 2), (_ICON_PIXELS - 2, centre), (centre, _ICON_PIXELS - 2), (2, centre)]
        )
    if shape == "square":
        return shapely.box(6, 6, _ICON_PIXELS - 6, _ICON_PIXELS - 6)
    return shapely.Point(centre, centre).buffer(radius * 0.8)


def _icon_png(shape: str) -> bytes:
    """Render a marker shape as a 64x64 RGBA PNG (white fill, dark grey rim)."""
    import numpy as np
    import shapely

    outline = _icon_shape(shape)
    inner = outline.buffer(-4)
    ys, xs = np.mgrid[0:_ICON_PIXELS, 0:_ICON_PIXELS] + 0.5
    in_shape = shapely.contains_xy(outline, xs, ys)
    in_inner = shapely.contains_xy(inner, xs, ys)
    pixels = np.zeros((_ICON_PIXELS, _ICON_PIXELS, 4), dtype=np.uint8)
    pixels[in_shape] = (60, 60, 60, 255)
    pixels[in_inner] = (255, 255, 255, 255)
    return _png(pixels)


def _png(pixels: Any) -> bytes:
    height, width, _ = pixels.shape
    raw = b"".join(b"\x00" + pixels[row].tobytes() for row in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    out = io.BytesIO()
    out.write(b"\x89PNG\r\n\x1a\n")
    out.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)))
    out.write(chunk(b"IDAT", zlib.compress(raw, 9)))
    out.write(chunk(b"IEND", b""))
    return out.getvalue()
