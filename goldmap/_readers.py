"""Read user feature files safely: CSV with lon/lat, GeoJSON, KML/KMZ, zipped Shapefile, GPKG.

Every upload is treated as hostile: sizes are capped, KML is parsed with entities off
(defusedxml), archives are unpacked only inside a temporary directory after their member
names and sizes are checked.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import IO, Any

import geopandas as gpd
import pandas as pd
import shapely
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from goldmap._tables import MAX_UPLOAD_BYTES, read_capped_bytes, read_table
from goldmap.errors import ColumnNotFoundError, InputFileError

__all__ = ["FEATURE_FORMATS", "MAX_ARCHIVE_MEMBERS", "read_features"]

#: An archive may hold at most this many members, unpacked to at most MAX_UPLOAD_BYTES * 4.
MAX_ARCHIVE_MEMBERS = 200

_LON_NAMES = ("lon", "lng", "long", "longitude", "x", "经度", "东经", "lon_dd", "longitude_dd")
_LAT_NAMES = ("lat", "latitude", "y", "纬度", "北纬", "lat_dd", "latitude_dd")

FeatureSource = str | Path | bytes | IO[bytes] | pd.DataFrame


def _pick(columns: list[str], names: tuple[str, ...]) -> str | None:
    lowered = {str(c).strip().lower(): c for c in columns}
    for name in names:
        if name in lowered:
            return str(lowered[name])
    return None


def points_from_table(
    table: pd.DataFrame, *, lon: str | None = None, lat: str | None = None
) -> gpd.GeoDataFrame:
    """Turn a table with longitude/latitude columns into points in EPSG:4326.

    Parameters
    ----------
    table : pandas.DataFrame
        The table; its other columns are kept.
    lon, lat : str, optional
        The coordinate columns; detected from common names (lon/lng/longitude/经度,
        lat/latitude/纬度) when not given.

    Returns
    -------
    geopandas.GeoDataFrame
        One point per row, in the table's order.

    Raises
    ------
    ColumnNotFoundError
        When the coordinate columns cannot be found.
    InputFileError
        When a coordinate is missing or not a number; the message gives the rows.
    """
    columns = [str(c) for c in table.columns]
    lon = lon or _pick(columns, _LON_NAMES)
    lat = lat or _pick(columns, _LAT_NAMES)
    if lon is None or lat is None or lon not in columns or lat not in columns:
        raise ColumnNotFoundError(
            f"Could not find longitude/latitude columns among {columns}. Name them lon and "
            "lat (or longitude/latitude, 经度/纬度), or pass lon='...', lat='...'."
        )
    xs = pd.to_numeric(table[lon], errors="coerce")
    ys = pd.to_numeric(table[lat], errors="coerce")
    bad = (xs.isna() | ys.isna()).to_numpy().nonzero()[0]
    if len(bad):
        rows = ", ".join(str(i + 1) for i in bad[:10])
        raise InputFileError(
            f"{len(bad)} row(s) have a missing or non-numeric coordinate in {lon!r}/{lat!r} "
            f"(data rows {rows}{' ...' if len(bad) > 10 else ''}). Use decimal degrees."
        )
    return gpd.GeoDataFrame(
        table.reset_index(drop=True),
        geometry=gpd.points_from_xy(xs, ys),
        crs="EPSG:4326",
    )


# --- KML ----------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _coords(text: str | None) -> list[tuple[float, float]]:
    points = []
    for chunk in (text or "").split():
        parts = chunk.split(",")
        points.append((float(parts[0]), float(parts[1])))
    return points


def _kml_geometry(element: Any) -> shapely.Geometry | None:
    kind = _local(element.tag)
    if kind == "Point":
        coords = _coords(_find_text(element, "coordinates"))
        return shapely.Point(coords[0]) if coords else None
    if kind == "LineString":
        return shapely.LineString(_coords(_find_text(element, "coordinates")))
    if kind == "Polygon":
        shell, holes = None, []
        for boundary in element:
            ring = _coords(_find_text(boundary, "coordinates"))
            if _local(boundary.tag) == "outerBoundaryIs":
                shell = ring
            elif _local(boundary.tag) == "innerBoundaryIs":
                holes.append(ring)
        return shapely.Polygon(shell, holes) if shell else None
    if kind == "MultiGeometry":
        parts = [g for g in (_kml_geometry(c) for c in element) if g is not None]
        return shapely.GeometryCollection(parts) if parts else None
    return None


def _find_text(element: Any, name: str) -> str | None:
    for child in element.iter():
        if _local(child.tag) == name:
            return str(child.text or "")
    return None


def _read_kml(data: bytes) -> gpd.GeoDataFrame:
    try:
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as err:
        raise InputFileError(
            f"The KML declares entities or a DTD ({type(err).__name__}), which goldmap refuses "
            "to expand. Export the KML again without a DOCTYPE."
        ) from err
    except ElementTree.ParseError as err:
        raise InputFileError(f"The KML is not well-formed XML: {err}") from err
    rows = []
    for placemark in root.iter():
        if _local(placemark.tag) != "Placemark":
            continue
        geometry = None
        properties: dict[str, object] = {}
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
            else:
                geometry = _kml_geometry(child) or geometry
        if geometry is not None:
            rows.append({**properties, "geometry": geometry})
    if not rows:
        raise InputFileError("The KML holds no Placemark with a Point, LineString or Polygon.")
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


# --- archives -----------------------------------------------------------------------------


def _safe_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    members = archive.infolist()
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise InputFileError(
            f"The archive holds {len(members)} files; at most {MAX_ARCHIVE_MEMBERS} are read."
        )
    if sum(m.file_size for m in members) > 4 * MAX_UPLOAD_BYTES:
        raise InputFileError("The archive unpacks to more than goldmap reads; upload less.")
    for member in members:
        path = PurePosixPath(member.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts:
            raise InputFileError(
                f"The archive member {member.filename!r} points outside the archive; refused."
            )
    return members


def _read_zip(data: bytes, *, layer: str | None) -> gpd.GeoDataFrame:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as err:
        raise InputFileError("The .zip file is damaged or not a zip archive.") from err
    with archive, tempfile.TemporaryDirectory(prefix="goldmap-") as tmp:
        members = _safe_members(archive)
        names = [m.filename for m in members]
        kml = [n for n in names if n.lower().endswith(".kml")]
        shapefiles = [n for n in names if n.lower().endswith(".shp")]
        if not shapefiles and kml:
            return _read_kml(archive.read(kml[0]))
        if not shapefiles:
            raise InputFileError(
                f"The archive holds no .shp (files: {names[:10]}). Zip the .shp with its "
                ".shx, .dbf and .prj."
            )
        if len(shapefiles) > 1 and layer is None:
            raise InputFileError(
                f"The archive holds several shapefiles {shapefiles}; pass layer='<name>'."
            )
        chosen = shapefiles[0] if layer is None else _choose(shapefiles, layer)
        for member in members:
            archive.extract(member, tmp)
        return _read_with_gdal(Path(tmp) / chosen, layer=None)


def _choose(candidates: list[str], layer: str) -> str:
    for name in candidates:
        if Path(name).stem == layer:
            return name
    raise InputFileError(f"No shapefile named {layer!r} in the archive; it has {candidates}.")


def _read_with_gdal(path: Path, *, layer: str | None) -> gpd.GeoDataFrame:
    import pyogrio

    try:
        frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as err:
        raise InputFileError(f"Could not read {path.name!r}: {err}") from err
    if frame.crs is None:
        raise InputFileError(
            f"{path.name!r} has no coordinate reference system (for a Shapefile: the .prj is "
            "missing). Add it, or export the data as GeoJSON in WGS84."
        )
    return frame


def _read_gdal_bytes(data: bytes, suffix: str, *, layer: str | None) -> gpd.GeoDataFrame:
    with tempfile.TemporaryDirectory(prefix="goldmap-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        return _read_with_gdal(path, layer=layer)


def _read_geojson(data: bytes, *, layer: str | None) -> gpd.GeoDataFrame:
    frame = _read_gdal_bytes(data, ".geojson", layer=layer)
    return frame


def _read_parquet(data: bytes, *, layer: str | None) -> gpd.GeoDataFrame:
    try:
        return gpd.read_parquet(io.BytesIO(data))
    except Exception as err:  # pyarrow raises several types for a bad file
        raise InputFileError(f"Could not read the GeoParquet file: {err}") from err


_Reader = Callable[..., gpd.GeoDataFrame]

#: File endings goldmap reads, and how.
FEATURE_FORMATS: dict[str, str] = {
    ".csv": "table with lon/lat columns",
    ".tsv": "table with lon/lat columns",
    ".txt": "table with lon/lat columns",
    ".xlsx": "table with lon/lat columns",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".kml": "KML",
    ".kmz": "KMZ (zipped KML)",
    ".zip": "zipped ESRI Shapefile (or KML)",
    ".gpkg": "GeoPackage",
    ".fgb": "FlatGeobuf",
    ".parquet": "GeoParquet",
}


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
        The name to take the format from when ``source`` is bytes or a file object.
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
        When the file is too large, of an unknown type, unsafe, damaged or without a CRS.
    ColumnNotFoundError
        When a table has no recognisable coordinate columns.

    Examples
    --------
    >>> read_features(b"name,lon,lat\nA,120.1,37.2\n", filename="pts.csv").geom_type.iloc[0]
    'Point'
    """
    if isinstance(source, gpd.GeoDataFrame):
        frame = source.copy()
        if frame.crs is None:
            raise InputFileError(
                "The GeoDataFrame has no CRS; set one with .set_crs('EPSG:4326') first."
            )
        return frame.to_crs("EPSG:4326")
    if isinstance(source, pd.DataFrame):
        return points_from_table(source, lon=lon, lat=lat)
    name = filename or (str(source) if isinstance(source, str | Path) else "")
    suffix = Path(name).suffix.lower()
    if suffix not in FEATURE_FORMATS:
        allowed = ", ".join(sorted(FEATURE_FORMATS))
        raise InputFileError(
            f"Unsupported file type {suffix or name!r}. goldmap reads: {allowed} "
            "(a Shapefile must be zipped with its .shx, .dbf and .prj)."
        )
    data = read_capped_bytes(source)
    if FEATURE_FORMATS[suffix].startswith("table"):
        return points_from_table(read_table(data, filename=name), lon=lon, lat=lat)
    if suffix == ".kml":
        frame = _read_kml(data)
    elif suffix in (".zip", ".kmz"):
        frame = _read_zip(data, layer=layer)
    elif suffix == ".parquet":
        frame = _read_parquet(data, layer=layer)
    else:
        frame = _read_gdal_bytes(data, suffix, layer=layer)
    if frame.empty:
        raise InputFileError(f"{name!r} holds no features.")
    if frame.crs is None:
        frame = frame.set_crs("EPSG:4326")
    return frame.to_crs("EPSG:4326")
