"""Write a QGIS project that opens goldmap's layers styled like the web map.

Private plumbing of :mod:`goldmap.export`. The project (``.qgs`` XML, or ``.qgz``: the same
XML zipped) references a GeoPackage beside it by a relative path (``./x_data.gpkg|layername=...``),
so the pair can be moved or sent together. Symbols come from :mod:`goldmap.styles`.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from goldmap.styles import LayerStyle, qgis_color, style_for

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["write_project"]

# The QGIS release whose project format this writes; later 3.x releases read it.
QGIS_VERSION = "3.22.0-Białowieża"

# One screen pixel of the web map's line widths, in millimetres.
_PIXEL_MM = 0.26

_WGS84 = {
    "wkt": (
        'GEOGCRS["WGS 84",DATUM["World Geodetic System 1984",ELLIPSOID["WGS 84",6378137,'
        '298.257223563,LENGTHUNIT["metre",1]]],PRIMEM["Greenwich",0,ANGLEUNIT["degree",'
        '0.0174532925199433]],CS[ellipsoidal,2],AXIS["geodetic latitude (Lat)",north,ORDER[1],'
        'ANGLEUNIT["degree",0.0174532925199433]],AXIS["geodetic longitude (Lon)",east,ORDER[2],'
        'ANGLEUNIT["degree",0.0174532925199433]],ID["EPSG",4326]]'
    ),
    "proj4": "+proj=longlat +datum=WGS84 +no_defs",
    "srsid": "3452",
    "srid": "4326",
    "authid": "EPSG:4326",
    "description": "WGS 84",
    "projectionacronym": "longlat",
    "ellipsoidacronym": "EPSG:7030",
    "geographicflag": "true",
}


def write_project(
    layers: dict[str, gpd.GeoDataFrame],
    path: Path,
    *,
    data_file: str,
    titles: dict[str, tuple[str, str]],
    compressed: bool,
) -> None:
    """Write the project for ``layers`` stored as tables of ``data_file`` beside ``path``."""
    ids = {name: f"{_safe(name)}_{uuid.uuid4().hex[:12]}" for name in layers}
    # Points on top, then areas, province-wide layers and boundaries at the bottom.
    order = sorted(layers, key=lambda n: _draw_rank(n, layers[n]))
    root = ET.Element("qgis", {"version": QGIS_VERSION, "projectname": "goldmap"})
    ET.SubElement(root, "homePath", {"path": ""})
    _text(root, "title", "goldmap")
    root.append(_srs_wrapper("projectCrs"))
    tree = ET.SubElement(root, "layer-tree-group")
    for name in order:
        ET.SubElement(
            tree,
            "layer-tree-layer",
            {
                "id": ids[name],
                "name": titles[name][0],
                "source": _source(data_file, name),
                "providerKey": "ogr",
                "checked": "Qt::Checked",
                "expanded": "1",
            },
        )
    project_layers = ET.SubElement(root, "projectlayers")
    for name in order:
        project_layers.append(_map_layer(name, layers[name], ids[name], data_file, titles[name]))
    layer_order = ET.SubElement(root, "layerorder")
    for name in order:
        ET.SubElement(layer_order, "layer", {"id": ids[name]})
    properties = ET.SubElement(root, "properties")
    paths = ET.SubElement(properties, "Paths")
    _text(paths, "Absolute", "false").set("type", "bool")
    ET.indent(root)
    text = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(
        root, encoding="unicode"
    )
    data = text.encode("utf-8")
    if not compressed:
        path.write_bytes(data)
        return
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(path.with_suffix(".qgs").name, data)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name)


def _source(data_file: str, name: str) -> str:
    return f"./{data_file}|layername={name}"


def _geometry_kind(frame: gpd.GeoDataFrame) -> tuple[str, str]:
    """Return QGIS's geometry class (Point/Line/Polygon) and the layer's WKB type name."""
    types = set(frame.geom_type.dropna())
    multi = any(t.startswith("Multi") for t in types)
    base = {t.removeprefix("Multi") for t in types}
    if base <= {"Point"}:
        return "Point", "MultiPoint" if multi else "Point"
    if base <= {"LineString"}:
        return "Line", "MultiLineString" if multi else "LineString"
    if base <= {"Polygon"}:
        return "Polygon", "MultiPolygon" if multi else "Polygon"
    return "Unknown", "Unknown"


def _draw_rank(name: str, frame: gpd.GeoDataFrame) -> tuple[int, int]:
    kind, _ = _geometry_kind(frame)
    rank = {"Point": 0, "Line": 1, "Polygon": 2}.get(kind, 3)
    background = {"consolidation_provinces": 1, "copper_bases": 1, "provinces": 2, "counties": 3}
    return rank, background.get(name, 0)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = text
    return element


def _srs_wrapper(tag: str) -> ET.Element:
    wrapper = ET.Element(tag)
    srs = ET.SubElement(wrapper, "spatialrefsys")
    for key, value in _WGS84.items():
        _text(srs, key, value)
    return wrapper


def _map_layer(
    name: str,
    frame: gpd.GeoDataFrame,
    layer_id: str,
    data_file: str,
    title: tuple[str, str],
) -> ET.Element:
    geometry, wkb_type = _geometry_kind(frame)
    layer = ET.Element(
        "maplayer",
        {
            "type": "vector",
            "geometry": geometry,
            "wkbType": wkb_type,
            "styleCategories": "AllStyleCategories",
            "hasScaleBasedVisibilityFlag": "0",
            "readOnly": "0",
        },
    )
    xmin, ymin, xmax, ymax = (float(v) for v in frame.total_bounds)
    for tag in ("extent", "wgs84extent"):
        extent = ET.SubElement(layer, tag)
        for key, value in zip(
            ("xmin", "ymin", "xmax", "ymax"), (xmin, ymin, xmax, ymax), strict=True
        ):
            _text(extent, key, repr(value))
    _text(layer, "id", layer_id)
    _text(layer, "datasource", _source(data_file, name))
    _text(layer, "title", title[0])
    _text(layer, "abstract", title[1])
    _text(layer, "layername", title[0])
    layer.append(_srs_wrapper("srs"))
    _text(layer, "provider", "ogr").set("encoding", "UTF-8")
    layer.append(_renderer(geometry, style_for(name)))
    _text(layer, "layerOpacity", "1")
    columns = set(frame.columns)
    label = next((c for c in ("name_zh", "name_en", "name", "id") if c in columns), None)
    if label:
        _text(layer, "previewExpression", f'"{label}"')
        tip = " ".join(f'[% "{c}" %]' for c in ("name_zh", "name_en") if c in columns)
        _text(layer, "mapTip", tip or f'[% "{label}" %]')
    return layer


def _options(parent: ET.Element, props: dict[str, str]) -> None:
    """Write symbol-layer properties both ways QGIS 3 reads them (Option map and prop)."""
    option_map = ET.SubElement(parent, "Option", {"type": "Map"})
    for key, value in props.items():
        ET.SubElement(option_map, "Option", {"name": key, "value": value, "type": "QString"})
    for key, value in props.items():
        ET.SubElement(parent, "prop", {"k": key, "v": value})


def _symbol(kind: str, name: str) -> ET.Element:
    return ET.Element(
        "symbol",
        {"name": name, "type": kind, "alpha": "1", "clip_to_extent": "1", "force_rhr": "0"},
    )


def _symbol_layer(parent: ET.Element, class_name: str, props: dict[str, str]) -> ET.Element:
    layer = ET.SubElement(
        parent, "layer", {"class": class_name, "enabled": "1", "locked": "0", "pass": "0"}
    )
    _options(layer, props)
    return layer


def _renderer(geometry: str, style: LayerStyle) -> ET.Element:
    renderer = ET.Element(
        "renderer-v2",
        {"type": "singleSymbol", "symbollevels": "0", "forceraster": "0", "enableorderby": "0"},
    )
    symbols = ET.SubElement(renderer, "symbols")
    width = f"{style.weight * _PIXEL_MM:.2f}"
    if geometry == "Point":
        symbol = _symbol("marker", "0")
        _symbol_layer(
            symbol,
            "SimpleMarker",
            {
                "name": style.marker_shape,
                "color": qgis_color(style.marker_color),
                "outline_color": qgis_color(style.stroke),
                "outline_style": "solid",
                "outline_width": "0.2",
                "outline_width_unit": "MM",
                "size": f"{style.marker_size:g}",
                "size_unit": "MM",
                "angle": "0",
                "scale_method": "diameter",
            },
        )
    elif geometry == "Line":
        symbol = _symbol("line", "0")
        _symbol_layer(symbol, "SimpleLine", _line_props(style, width))
    else:
        symbol = _symbol("fill", "0")
        _symbol_layer(
            symbol,
            "SimpleFill",
            {
                "color": qgis_color(style.fill, style.fill_opacity),
                "style": "solid" if style.fill_opacity > 0 else "no",
                "outline_color": qgis_color(style.stroke),
                "outline_style": "dash" if style.dash else "solid",
                "outline_width": width,
                "outline_width_unit": "MM",
                "joinstyle": "round",
            },
        )
        if style.hatch:
            hatch = _symbol_layer(
                symbol,
                "LinePatternFill",
                {
                    "angle": "45" if style.hatch == "/" else "135",
                    "distance": "3",
                    "distance_unit": "MM",
                    "line_width": "0.2",
                    "line_width_unit": "MM",
                    "color": qgis_color(style.stroke, 0.6),
                },
            )
            line = _symbol("line", "@0@1")
            _symbol_layer(line, "SimpleLine", _line_props(style, "0.2", opacity=0.6, solid=True))
            hatch.append(line)
    symbols.append(symbol)
    return renderer


def _line_props(
    style: LayerStyle, width: str, *, opacity: float = 1.0, solid: bool = False
) -> dict[str, str]:
    return {
        "line_color": qgis_color(style.stroke, opacity),
        "line_style": "solid" if solid or not style.dash else "dash",
        "line_width": width,
        "line_width_unit": "MM",
        "capstyle": "round",
        "joinstyle": "round",
    }
