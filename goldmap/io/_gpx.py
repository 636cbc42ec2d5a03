"""Read GPX (a GPS receiver's waypoints, routes and tracks) in Python, with entities refused.

GPX is XML: it is parsed with defusedxml (no entities, no external references), never handed
to GDAL, so no file is read and nothing is fetched. Every waypoint becomes a point, every route
a line through its points, every track a multi-line of its segments; each keeps its name,
description, type and, for waypoints, elevation and time.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import shapely
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from goldmap.crs import WGS84
from goldmap.errors import InputFileError

__all__ = ["read_gpx"]

_FIELDS = ("name", "desc", "cmt", "type", "sym")


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _children(element: Any, name: str) -> list[Any]:
    return [child for child in element if _local(child.tag) == name]


def _text(element: Any, name: str) -> str | None:
    found = _children(element, name)
    return (found[0].text or "").strip() or None if found else None


def _xy(point: Any, name: str) -> tuple[float, float]:
    try:
        lon, lat = float(point.attrib["lon"]), float(point.attrib["lat"])
    except (KeyError, ValueError) as err:
        raise InputFileError(
            f"{name!r}: a GPX point has no valid lon/lat attributes ({dict(point.attrib)!r:.80}). "
            "Export the file again from the GPS software.",
            kind="gpx_bad_point",
            name=name,
        ) from err
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise InputFileError(
            f"{name!r}: a GPX point lies outside the globe ({lon}, {lat}).",
            kind="gpx_bad_point",
            name=name,
        )
    return lon, lat


def _record(element: Any, kind: str) -> dict[str, Any]:
    record: dict[str, Any] = {"gpx_type": kind}
    record.update({field: _text(element, field) for field in _FIELDS})
    return record


def _line(points: list[tuple[float, float]]) -> shapely.LineString | shapely.Point | None:
    if not points:
        return None
    return shapely.Point(points[0]) if len(points) == 1 else shapely.LineString(points)


def read_gpx(data: bytes, name: str, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read a GPX file's waypoints, routes and tracks as one frame in EPSG:4326.

    Parameters
    ----------
    data : bytes
        The file's content.
    name : str
        The file's name as its user gave it (for messages).
    layer : {"waypoints", "routes", "tracks"}, optional
        Keep only these.

    Returns
    -------
    geopandas.GeoDataFrame
        ``gpx_type`` (waypoint, route, track), ``name``, ``desc``, ``cmt``, ``type``, ``sym``,
        ``ele`` and ``time`` (waypoints), and the geometry.

    Raises
    ------
    InputFileError
        When the file is not GPX, declares entities, or holds nothing.
    """
    try:
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as err:
        raise InputFileError(
            f"{name!r} is not a readable GPX file ({type(err).__name__}); GPX files with "
            "entities or a DTD are refused.",
            kind="not_xml",
            name=name,
        ) from err
    if _local(root.tag) != "gpx":
        raise InputFileError(
            f"{name!r} is XML but not GPX (its root is <{_local(root.tag)}>).",
            kind="not_gpx",
            name=name,
        )
    records, shapes = [], []
    for point in _children(root, "wpt"):
        record = _record(point, "waypoint")
        record["ele"], record["time"] = _text(point, "ele"), _text(point, "time")
        records.append(record)
        shapes.append(shapely.Point(_xy(point, name)))
    for route in _children(root, "rte"):
        records.append(_record(route, "route"))
        shapes.append(_line([_xy(p, name) for p in _children(route, "rtept")]))
    for track in _children(root, "trk"):
        parts = [
            _line([_xy(p, name) for p in _children(segment, "trkpt")])
            for segment in _children(track, "trkseg")
        ]
        lines = [p for p in parts if isinstance(p, shapely.LineString)]
        records.append(_record(track, "track"))
        shapes.append(shapely.MultiLineString(lines) if lines else next(iter(parts), None))
    wanted = {"waypoints": "waypoint", "routes": "route", "tracks": "track"}
    if layer is not None:
        if layer not in wanted:
            raise InputFileError(
                f"{name!r}: choose the layer waypoints, routes or tracks.",
                kind="gpx_layer",
                name=name,
            )
        keep = [r["gpx_type"] == wanted[layer] for r in records]
        records = [r for r, k in zip(records, keep, strict=True) if k]
        shapes = [s for s, k in zip(shapes, keep, strict=True) if k]
    if not records:
        raise InputFileError(
            f"{name!r} holds no waypoint, route or track.", kind="no_features", name=name
        )
    return gpd.GeoDataFrame(records, geometry=shapes, crs=WGS84)
