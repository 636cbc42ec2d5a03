"""Read a user's features from one allow-listed format per file ending, safely.

Every file is hostile until checked: its size is capped, its content must be what its
ending says (magic bytes, archive members, GeoPackage id), GeoJSON and KML are parsed in
Python with links and entities refused, and GDAL reads only the binary formats, with the
one driver expected and network access off. Messages call a file by the name its user
gave it.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.geometry
from pyproj import CRS
from pyproj.exceptions import CRSError, ProjError
from shapely.errors import GEOSException

import goldmap.io._guard as _guard
from goldmap.crs import WGS84, require_crs, require_horizontal_crs
from goldmap.errors import ColumnNotFoundError, InputFileError, MissingCRSError
from goldmap.io._coordinates import parse_coordinates
from goldmap.io._dbf import dbf_encoding
from goldmap.io._gpx import read_gpx
from goldmap.io._kml_read import parse_kml
from goldmap.io._notes import ReadNote, add_read_notes, read_notes
from goldmap.io._tables import TABLE_FORMATS, display_name, read_capped_bytes, read_table

__all__ = [
    "FEATURE_FORMATS",
    "FeatureFormat",
    "FeatureSource",
    "points_from_table",
    "read_features",
]

FeatureSource = str | Path | bytes | IO[bytes] | pd.DataFrame

_LON_NAMES = ("lon", "lng", "long", "longitude", "x", "经度", "东经", "lon_dd", "longitude_dd")
_LAT_NAMES = ("lat", "latitude", "y", "纬度", "北纬", "lat_dd", "latitude_dd")


@dataclass(frozen=True)
class FeatureFormat:
    """One file format goldmap reads: its endings, a description, and its reader."""

    key: str
    extensions: tuple[str, ...]
    description: str
    reader: Callable[[bytes, str, str | None], gpd.GeoDataFrame]


def _pick(columns: list[str], names: tuple[str, ...]) -> str | None:
    lowered = {str(c).strip().lower(): c for c in columns}
    for name in names:
        if name in lowered:
            return str(lowered[name])
    # A header combined from two rows ("坐标 经度"): its last word, when one column has it.
    last = [c for c in columns if " " in c.strip() and c.split()[-1].lower() in names]
    return last[0] if len(last) == 1 else None


def _clip(text: str, width: int = 40) -> str:
    """Shorten a user's text for a message (a column name can be a whole line of junk)."""
    return text if len(text) <= width else text[: width - 1] + "…"


def points_from_table(
    table: pd.DataFrame, *, lon: str | None = None, lat: str | None = None, name: str = "the table"
) -> gpd.GeoDataFrame:
    """Turn a table with longitude/latitude columns into points in EPSG:4326.

    Parameters
    ----------
    table : pandas.DataFrame
        The table; its other columns are kept.
    lon, lat : str, optional
        The coordinate columns; detected from common names (lon/lng/longitude/经度,
        lat/latitude/纬度), alone or as the last word of a two-row header (坐标 经度), when
        not given. Cells are decimal degrees or degrees, minutes and
        seconds with their marks (``120°30′15″E``, ``东经120°30′15″``, ``120度30分15秒``).
    name : str, default "the table"
        What to call the table in messages (the user's file name).

    Returns
    -------
    geopandas.GeoDataFrame
        One point per row, in the table's order. A column of the table named ``geometry``
        is kept as ``geometry_input`` (a warning and ``attrs["read_notes"]`` say so).

    Raises
    ------
    ColumnNotFoundError
        When the coordinate columns cannot be found.
    InputFileError
        When a coordinate is missing, not a coordinate, or ambiguous (e.g. ``120 30`` without
        marks); the message names the cells and why.
    """
    columns = [str(c) for c in table.columns]
    lon = lon or _pick(columns, _LON_NAMES)
    lat = lat or _pick(columns, _LAT_NAMES)
    if lon is None or lat is None or lon not in columns or lat not in columns:
        shown = ", ".join(repr(_clip(c)) for c in columns[:12]) + (" ..." * (len(columns) > 12))
        raise ColumnNotFoundError(
            f"{name!r} has no longitude/latitude columns (its columns: {shown}). Name them "
            "lon and lat (or longitude/latitude, 经度/纬度), in decimal degrees.",
            kind="no_lon_lat",
            name=name,
            columns=shown,
        )
    xs, x_refused = _coordinate_column(table[lon], "lon")
    ys, y_refused = _coordinate_column(table[lat], "lat")
    bad = np.flatnonzero(np.isnan(xs) | np.isnan(ys))
    if len(bad):
        cells = [
            f"row {i + 1} {column!r} {_clip(str(values.iloc[i]), 24)!r}: {refused[i]}"
            for i in bad[:5]
            for column, values, refused in (
                (lon, table[lon], x_refused),
                (lat, table[lat], y_refused),
            )
            if i in refused
        ]
        raise InputFileError(
            f"{len(bad)} row(s) of {name!r} have a coordinate that cannot be read ("
            + "; ".join(cells[:5])
            + f"{' ...' if len(bad) > 5 else ''}). Use decimal degrees (120.35) or degrees, "
            "minutes and seconds with their marks (120°30′15″E, 东经120°30′15″).",
            kind="bad_coordinates",
            name=name,
            count=len(bad),
            cells="; ".join(cells[:5]),
        )
    earlier = read_notes(table)
    table, notes = _keep_own_geometry(table.reset_index(drop=True), name)
    frame = gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(xs, ys), crs=WGS84)
    add_read_notes(frame, notes, earlier=earlier)
    return frame


def _keep_own_geometry(table: pd.DataFrame, name: str) -> tuple[pd.DataFrame, list[ReadNote]]:
    """Rename a table's own ``geometry`` column, which the points would otherwise replace."""
    if "geometry" not in table.columns:
        return table, []
    taken = set(map(str, table.columns))
    new, n = "geometry_input", 1
    while new in taken:
        n += 1
        new = f"geometry_input{n}"
    note = ReadNote("own_geometry", name=name, own="geometry", column=new)
    return table.rename(columns={"geometry": new}), [note]


def _coordinate_column(values: pd.Series, axis: str) -> tuple[np.ndarray, dict[int, str]]:
    """Return a column in decimal degrees: numbers as they are, text cells parsed (DMS too)."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, copy=True)
    unread = np.flatnonzero(~np.isfinite(numbers))
    if not len(unread):
        return numbers, {}
    parsed, refused = parse_coordinates(values.iloc[unread].tolist(), axis)
    numbers[unread] = parsed
    return numbers, {int(unread[row]): reason for row, reason in refused.items()}


# --- GeoJSON (parsed in Python: no GDAL, no links) -----------------------------------------


def _geojson_crs(document: dict[str, Any], name: str) -> CRS:
    """Return the CRS a (pre-RFC 7946) GeoJSON names; refuse links and unknown names."""
    member = document.get("crs")
    if member is None:
        return CRS.from_user_input(WGS84)
    kind = member.get("type") if isinstance(member, dict) else None
    value = (member.get("properties") or {}).get("name") if isinstance(member, dict) else None
    if kind != "name" or not isinstance(value, str) or "://" in value:
        raise InputFileError(
            f"{name!r} declares its CRS by a link or in an unknown way ({member!r:.80}); goldmap "
            "does not follow links. Save it as GeoJSON in WGS84 (RFC 7946) without a 'crs'.",
            kind="crs_link",
            name=name,
        )
    try:
        return CRS.from_user_input(value)
    except CRSError as err:
        raise InputFileError(
            f"{name!r} names a CRS goldmap does not know ({value!r:.80}). Use an EPSG code, "
            "or save the file in WGS84.",
            kind="crs_unknown",
            name=name,
        ) from err


def _geojson_features(document: object, name: str) -> list[dict[str, Any]]:
    if not isinstance(document, dict) or "type" not in document:
        raise InputFileError(
            f"{name!r} is JSON but not GeoJSON (no 'type' member).", kind="not_geojson", name=name
        )
    kind = document["type"]
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise InputFileError(
                f"{name!r}: a FeatureCollection needs a 'features' list.",
                kind="not_geojson",
                name=name,
            )
        return features
    if kind == "Feature":
        return [document]
    return [{"type": "Feature", "geometry": document, "properties": {}}]


def _read_geojson(data: bytes, name: str, layer: str | None) -> gpd.GeoDataFrame:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise InputFileError(
            f"Could not read {name!r}: it is not valid UTF-8 JSON ({type(err).__name__}), "
            "so not GeoJSON. Export it again as GeoJSON.",
            kind="not_json",
            name=name,
        ) from err
    features = _geojson_features(document, name)
    crs = _geojson_crs(document, name) if isinstance(document, dict) else None
    rows, geometries = [], []
    for number, feature in enumerate(features, start=1):
        try:
            geometry = feature.get("geometry")
            geometries.append(shapely.geometry.shape(geometry) if geometry else None)
            properties = feature.get("properties") or {}
            rows.append(dict(properties) if isinstance(properties, dict) else {})
        except (AttributeError, KeyError, TypeError, ValueError, IndexError, GEOSException) as err:
            raise InputFileError(
                f"Feature {number} of {name!r} has an invalid geometry or properties "
                f"({type(err).__name__}: {str(err)[:80]}). Fix that feature or export again.",
                kind="bad_feature",
                name=name,
                number=number,
            ) from err
    frame = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geometries, crs=crs)
    return frame


# --- KML / KMZ (parsed with defusedxml: no entities, no DTD) -------------------------------


def _read_kml(data: bytes, name: str, layer: str | None) -> gpd.GeoDataFrame:
    return parse_kml(data, name)


def _read_kmz(data: bytes, name: str, layer: str | None) -> gpd.GeoDataFrame:
    with _guard.open_zip(data, name, kind="KMZ file") as archive:
        documents = [m for m in archive.infolist() if m.filename.lower().endswith(".kml")]
        if not documents:
            raise InputFileError(
                f"{name!r} holds no .kml document; it is not a KMZ file.", kind="not_kmz", name=name
            )
        main = next((m for m in documents if m.filename.lower() == "doc.kml"), documents[0])
        return parse_kml(_guard.read_member(archive, main, name), f"{name}/{main.filename}")


# --- zipped Shapefile (or a zipped KML) ----------------------------------------------------

_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def _shapefile_members(
    archive: zipfile.ZipFile, name: str, layer: str | None
) -> dict[str, zipfile.ZipInfo]:
    members = archive.infolist()
    shapefiles = [m.filename for m in members if m.filename.lower().endswith(".shp")]
    if not shapefiles:
        listed = ", ".join(repr(m.filename) for m in members[:8])
        raise InputFileError(
            f"{name!r} holds no .shp (it has {listed or 'nothing'}). Zip the shapefile's .shp "
            "with its .shx, .dbf and .prj.",
            kind="zip_no_shp",
            name=name,
        )
    stems = {str(PurePosixPath(s).with_suffix("")): s for s in shapefiles}
    if layer is not None:
        chosen = next((s for s in stems if PurePosixPath(s).name == layer), None)
        if chosen is None:
            raise InputFileError(
                f"{name!r} has no shapefile named {layer!r}; it has {shapefiles}.",
                kind="zip_no_layer",
                name=name,
                layer=layer,
            )
    elif len(stems) > 1:
        raise InputFileError(
            f"{name!r} holds several shapefiles ({', '.join(shapefiles)}); zip one per file "
            "(or choose one with the layer option).",
            kind="zip_several_shp",
            name=name,
        )
    else:
        chosen = next(iter(stems))
    parts = {}
    for member in members:
        stem, suffix = (
            str(PurePosixPath(member.filename).with_suffix("")),
            PurePosixPath(member.filename).suffix.lower(),
        )
        if stem == chosen and suffix in _SHAPEFILE_PARTS:
            parts[suffix] = member
    missing = [p for p in (".shx", ".dbf") if p not in parts]
    if missing:
        raise InputFileError(
            f"{name!r}: the shapefile {stems[chosen]!r} lacks its {' and '.join(missing)}. "
            "Zip the .shp with its .shx, .dbf and .prj.",
            kind="shp_parts_missing",
            name=name,
            missing=", ".join(missing),
        )
    return parts


def _read_zip(data: bytes, name: str, layer: str | None) -> gpd.GeoDataFrame:
    with _guard.open_zip(data, name) as archive:
        names = [m.filename.lower() for m in archive.infolist()]
        if not any(n.endswith(".shp") for n in names) and any(n.endswith(".kml") for n in names):
            return _read_kmz(data, name, layer)
        parts = _shapefile_members(archive, name, layer)
        contents = {}
        for suffix, member in parts.items():
            content = _guard.read_member(archive, member, name)
            _guard.check_shapefile_part(content, suffix, member.filename, name)
            contents[suffix] = content
    if ".prj" not in contents:
        raise MissingCRSError(
            f"{name!r} has no CRS (coordinate reference system): the shapefile has no .prj, so "
            "its coordinates cannot be placed. Zip the .prj with it, or export the data as "
            "GeoJSON in WGS84.",
            kind="shp_no_prj",
            name=name,
        )
    if ".cpg" not in contents:
        # Older ArcGIS and MapGIS exports have no .cpg and often GBK text: say which it is,
        # or refuse, rather than let GDAL read it as Latin-1 (mojibake, silently).
        encoding = dbf_encoding(contents[".dbf"], name)
        if encoding is not None:
            contents[".cpg"] = encoding.encode("ascii")
    with _guard.private_copy(contents[".shp"], ".shp") as path:
        for suffix, content in contents.items():
            path.with_suffix(suffix).write_bytes(content)
        return _read_with_gdal(path, name, layer=None, driver="ESRI Shapefile")


# --- GDAL-read binary formats ---------------------------------------------------------------


def _read_with_gdal(path: Path, name: str, *, layer: str | None, driver: str) -> gpd.GeoDataFrame:
    """Read a checked file with GDAL, offline, and confirm GDAL used the expected driver."""
    import pyogrio

    try:
        with _guard.gdal_offline():
            info = pyogrio.read_info(path, layer=layer)
            if info.get("driver") != driver:
                raise InputFileError(
                    f"{name!r} is not a {driver} file as its name says; refused. Upload it "
                    "with its real extension.",
                    kind="content_mismatch",
                    name=name,
                )
            frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as err:
        reason = str(err).replace(str(path.parent), "").replace(path.name, name).strip()
        raise InputFileError(
            f"Could not read {name!r}: {reason[:200]}", kind="unreadable", name=name
        ) from err
    require_crs(
        frame,
        repr(name),
        fix="Add one (for a Shapefile: its .prj), or export the data as GeoJSON in WGS84.",
    )
    return frame


def _read_gpkg(data: bytes, name: str, layer: str | None) -> gpd.GeoDataFrame:
    import pyogrio

    with _guard.private_copy(data, ".gpkg") as path:
        _guard.check_geopackage(path, name)
        if layer is None:
            with _guard.gdal_offline():
                layers = [str(row[0]) for row in pyogrio.list_layers(path)]
            if len(layers) > 1:
                raise InputFileError(
                    f"{name!r} holds several layers ({', '.join(layers[:10])}); save the one "
                    "you want alone (or choose it with the layer option).",
                    kind="several_layers",
                    name=name,
                    layers=", ".join(layers[:10]),
                )
        return _read_with_gdal(path, name, layer=layer, driver="GPKG")


def _read_fgb(data: bytes, name: str, layer: str | None) -> gpd.GeoDataFrame:
    _guard.check_fgb(data, name)
    with _guard.private_copy(data, ".fgb") as path:
        return _read_with_gdal(path, name, layer=None, driver="FlatGeobuf")


def _read_parquet(data: bytes, name: str, layer: str | None) -> gpd.GeoDataFrame:
    _guard.check_parquet(data, name)
    try:
        return gpd.read_parquet(io.BytesIO(data))
    except Exception as err:  # pyarrow and geopandas raise several types for a bad file
        reason = str(err).splitlines()[0][:160] if str(err) else type(err).__name__
        raise InputFileError(
            f"Could not read {name!r} as GeoParquet: {reason}. Export it again as GeoParquet.",
            kind="unreadable",
            name=name,
        ) from err


def _read_table_points(data: bytes, name: str, layer: str | None) -> gpd.GeoDataFrame:
    raise AssertionError("tables are read by read_features itself")  # pragma: no cover


_FORMATS = (
    FeatureFormat("table", tuple(TABLE_FORMATS), "table with lon/lat columns", _read_table_points),
    FeatureFormat("geojson", (".geojson", ".json"), "GeoJSON", _read_geojson),
    FeatureFormat("kml", (".kml",), "KML", _read_kml),
    FeatureFormat("kmz", (".kmz",), "KMZ (zipped KML)", _read_kmz),
    FeatureFormat("gpx", (".gpx",), "GPX (waypoints, routes, tracks)", read_gpx),
    FeatureFormat("shp", (".zip",), "zipped ESRI Shapefile (or zipped KML)", _read_zip),
    FeatureFormat("gpkg", (".gpkg",), "GeoPackage", _read_gpkg),
    FeatureFormat("fgb", (".fgb",), "FlatGeobuf", _read_fgb),
    FeatureFormat("parquet", (".parquet", ".geoparquet"), "GeoParquet", _read_parquet),
)

#: File endings goldmap reads, each with its format (one reader per ending, nothing else).
FEATURE_FORMATS: dict[str, FeatureFormat] = {ext: f for f in _FORMATS for ext in f.extensions}


def _from_frame(source: pd.DataFrame, lon: str | None, lat: str | None) -> gpd.GeoDataFrame:
    if not isinstance(source, gpd.GeoDataFrame):
        return points_from_table(source, lon=lon, lat=lat)
    require_crs(source, "The GeoDataFrame")
    return _to_wgs84(source, "The GeoDataFrame")


def _to_wgs84(frame: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    """Return ``frame`` in WGS84; refuse a CRS that is not horizontal, or that PROJ cannot use."""
    require_horizontal_crs(frame.crs, what)
    try:
        return frame.to_crs(WGS84)
    except ProjError as err:
        raise InputFileError(
            f"{what}: its coordinates cannot be turned into WGS84 from the CRS "
            f"{frame.crs.name!r} ({str(err)[:80]}). Reproject the data in your GIS, or export "
            "it as GeoJSON in WGS84."
        ) from err


def read_features(
    source: FeatureSource,
    *,
    filename: str | None = None,
    lon: str | None = None,
    lat: str | None = None,
    layer: str | None = None,
) -> gpd.GeoDataFrame:
    r"""Read a user's features into a GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    source : path, bytes, binary file, DataFrame or GeoDataFrame
        A file in one of :data:`FEATURE_FORMATS`, or a (Geo)DataFrame (a DataFrame needs
        lon/lat columns).
    filename : str, optional
        The user's name of the file: its ending chooses the format when ``source`` is
        bytes or a file object, and messages call the file by it.
    lon, lat : str, optional
        Coordinate columns of a table; detected when not given.
    layer : str, optional
        The layer of a GeoPackage or the shapefile inside a zip.

    Returns
    -------
    geopandas.GeoDataFrame
        The features, with every attribute kept, in EPSG:4326.

    Raises
    ------
    InputFileError
        When the file is too large, of a type goldmap does not read, not what its ending
        says, unsafe (links, entities, nested archives), damaged, or without a CRS.
    ColumnNotFoundError
        When a table has no recognisable coordinate columns.

    Examples
    --------
    >>> read_features(b"name,lon,lat\nA,120.1,37.2\n", filename="pts.csv").geom_type.iloc[0]
    'Point'
    """
    if isinstance(source, pd.DataFrame):
        return _from_frame(source.copy(), lon, lat)
    if isinstance(source, str | Path):
        _guard.check_path_text(str(source))
    name = display_name(source, filename, "upload")
    suffix = Path(name).suffix.lower()
    if suffix not in FEATURE_FORMATS:
        allowed = ", ".join(FEATURE_FORMATS)
        raise InputFileError(
            f"Unsupported file type {suffix or '(no ending)'} ({name!r}). goldmap reads: "
            f"{allowed} (a Shapefile zipped with its .shx, .dbf and .prj).",
            kind="unsupported_features",
            name=name,
            allowed=allowed,
        )
    fmt = FEATURE_FORMATS[suffix]
    data = read_capped_bytes(source, name=name)
    if fmt.key == "table":
        return points_from_table(read_table(data, filename=name), lon=lon, lat=lat, name=name)
    frame = fmt.reader(data, name, layer)
    if frame.empty:
        raise InputFileError(f"{name!r} holds no features.", kind="no_features", name=name)
    if frame.crs is None:
        frame = frame.set_crs(WGS84)
    return _to_wgs84(frame, repr(name))
