"""Read a KML document's placemarks in Python, with entities and DTDs refused.

Private plumbing of :mod:`goldmap.io.read`. KML is parsed with defusedxml (no entities, no
DTD, no external references) and never handed to GDAL. Points, lines, polygons, a
``LinearRing`` (read as a closed line: a ring is a boundary, and goldmap does not invent a
fill for it), Google Earth's ``gx:Track`` (a line through its ``gx:coord`` positions) and
``gx:MultiTrack`` (a multi-line of its tracks) are read; a placemark whose geometry goldmap
does not read (a 3D ``Model``, no geometry at all) is counted and reported, never dropped
without a word.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import shapely
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from shapely.errors import GEOSException

from goldmap._note_words import KML_READ
from goldmap.crs import WGS84
from goldmap.errors import InputFileError
from goldmap.io._notes import ReadNote, add_read_notes

__all__ = ["parse_kml"]

# Elements that hold a geometry in KML 2.2 and Google's gx extension.
_GEOMETRY_TAGS = frozenset(
    {"Point", "LineString", "LinearRing", "Polygon", "MultiGeometry", "Model", "Track",
     "MultiTrack"}
)  # fmt: skip


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _coords(text: str | None) -> list[tuple[float, float]]:
    points = []
    for chunk in (text or "").split():
        parts = chunk.split(",")
        points.append((float(parts[0]), float(parts[1])))
    return points


def _find_text(element: Any, name: str) -> str | None:
    for child in element.iter():
        if _local(child.tag) == name:
            return str(child.text or "")
    return None


def _line(points: list[tuple[float, float]]) -> shapely.Geometry | None:
    """Return a line through ``points``; a point when there is one (a track of one fix)."""
    if not points:
        return None
    return shapely.Point(points[0]) if len(points) == 1 else shapely.LineString(points)


def _track(element: Any) -> shapely.Geometry | None:
    """Return a ``gx:Track`` as a line through its ``gx:coord`` entries ("lon lat alt")."""
    points = []
    for child in element:
        if _local(child.tag) == "coord":
            parts = (child.text or "").split()
            points.append((float(parts[0]), float(parts[1])))
    return _line(points)


def _multi_track(element: Any) -> shapely.Geometry | None:
    parts = [_track(child) for child in element if _local(child.tag) == "Track"]
    lines = [p for p in parts if isinstance(p, shapely.LineString)]
    if lines:
        return shapely.MultiLineString(lines)
    return next((p for p in parts if p is not None), None)


def _polygon(element: Any) -> shapely.Geometry | None:
    shell, holes = None, []
    for boundary in element:
        ring = _coords(_find_text(boundary, "coordinates"))
        if _local(boundary.tag) == "outerBoundaryIs":
            shell = ring
        elif _local(boundary.tag) == "innerBoundaryIs":
            holes.append(ring)
    return shapely.Polygon(shell, holes) if shell else None


def _kml_geometry(element: Any) -> shapely.Geometry | None:
    kind = _local(element.tag)
    if kind == "Point":
        coords = _coords(_find_text(element, "coordinates"))
        return shapely.Point(coords[0]) if coords else None
    if kind in ("LineString", "LinearRing"):
        return shapely.LineString(_coords(_find_text(element, "coordinates")))
    if kind == "Polygon":
        return _polygon(element)
    if kind == "Track":
        return _track(element)
    if kind == "MultiTrack":
        return _multi_track(element)
    if kind == "MultiGeometry":
        parts = [g for g in (_kml_geometry(c) for c in element) if g is not None]
        return shapely.GeometryCollection(parts) if parts else None
    return None


def _unread_parts(element: Any) -> list[str]:
    """Name the geometry elements under ``element`` that goldmap does not read (``Model``)."""
    # Every other geometry tag is read by _kml_geometry.
    return [_local(e.tag) for e in element.iter() if _local(e.tag) == "Model"]


def _placemark(placemark: Any) -> tuple[dict[str, object] | None, list[str]]:
    """Return the placemark's attributes and geometry (None without one), and what was left out."""
    geometry = None
    properties: dict[str, object] = {}
    unread: list[str] = []
    for child in placemark:
        kind = _local(child.tag)
        if kind in ("name", "description"):
            properties[kind] = (child.text or "").strip()
        elif kind == "ExtendedData":
            for item in child.iter():
                if _local(item.tag) == "Data":
                    properties[str(item.get("name"))] = _find_text(item, "value")
                elif _local(item.tag) == "SimpleData":
                    properties[str(item.get("name"))] = (item.text or "").strip()
        elif kind in _GEOMETRY_TAGS:
            geometry = _kml_geometry(child) or geometry
            unread += _unread_parts(child)
    row = None if geometry is None else {**properties, "geometry": geometry}
    return row, unread


def _skipped_notes(name: str, skipped: list[str], unread: list[str]) -> list[ReadNote]:
    """Say which placemarks and which parts of placemarks the reader left out."""
    notes = []
    if skipped:
        shown = ", ".join(repr(s[:40]) for s in skipped[:5]) + (" ..." * (len(skipped) > 5))
        notes.append(
            ReadNote(
                "kml_placemarks", name=name, count=len(skipped), shown=shown, readable=KML_READ
            )
        )
    if unread:
        kinds = ", ".join(sorted(set(unread)))
        notes.append(
            ReadNote("kml_parts", name=name, count=len(unread), kinds=kinds, readable=KML_READ)
        )
    return notes


def parse_kml(data: bytes, name: str) -> gpd.GeoDataFrame:
    """Read a KML document's placemarks as a frame in EPSG:4326.

    Parameters
    ----------
    data : bytes
        The KML document.
    name : str
        The file's name as its user gave it (for messages).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per placemark with a geometry: ``name``, ``description``, the
        ``ExtendedData`` fields and the geometry. ``attrs["read_notes"]`` lists, in
        English, the placemarks or parts left out (also logged as a warning).

    Raises
    ------
    InputFileError
        When the document declares entities or a DTD, is not well-formed KML, has a
        coordinate that is not a number or a line of one point, or holds no placemark with a
        geometry goldmap reads.
    """
    try:
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as err:
        raise InputFileError(
            f"{name!r} declares entities or a DTD, which goldmap refuses to expand. Export "
            "the KML again without a DOCTYPE.",
            kind="xml_entities",
            name=name,
        ) from err
    except (ElementTree.ParseError, ValueError) as err:
        raise InputFileError(
            f"{name!r} is not well-formed XML ({err}). Export it again.", kind="not_xml", name=name
        ) from err
    if _local(root.tag) != "kml":
        raise InputFileError(
            f"{name!r} is XML but not KML (its root element is <{_local(root.tag)[:40]}>). "
            "Export it again as KML from Google Earth or your GIS.",
            kind="not_kml",
            name=name,
        )
    rows: list[dict[str, object]] = []
    skipped: list[str] = []
    unread: list[str] = []
    try:
        for element in root.iter():
            if _local(element.tag) != "Placemark":
                continue
            row, left_out = _placemark(element)
            unread += left_out
            if row is None:
                skipped.append(_find_text(element, "name") or f"placemark {len(rows) + 1}")
            else:
                rows.append(row)
    except (ValueError, IndexError, GEOSException) as err:
        raise InputFileError(
            f"{name!r} has a geometry that cannot be built: a coordinate that is not "
            f"'lon,lat[,alt]' numbers, or a line of one point ({str(err)[:80]}).",
            kind="kml_bad_geometry",
            name=name,
        ) from err
    if not rows:
        raise InputFileError(
            f"{name!r} holds no Placemark with a Point, LineString, Polygon or gx:Track.",
            kind="no_features",
            name=name,
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)
    add_read_notes(frame, _skipped_notes(name, skipped, unread))
    return frame
