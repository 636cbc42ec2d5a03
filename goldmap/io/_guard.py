"""Check a user's file is what its name says before any parser sees it; keep GDAL offline.

GDAL picks a driver from a file's content, not its name, and several drivers follow links:
a VRT reads other files, ``/vsicurl/`` fetches URLs, GML resolves xlinks. So every file is
checked here against the one format its extension names (magic bytes, archive members,
GeoPackage application id and schema), and GDAL reads only with network access refused.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sqlite3
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from goldmap.errors import InputFileError

__all__ = [
    "MAX_ARCHIVE_MEMBERS",
    "MAX_UNPACKED_BYTES",
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_MB",
    "check_fgb",
    "check_geopackage",
    "check_parquet",
    "check_path_text",
    "check_shapefile_part",
    "gdal_offline",
    "open_zip",
    "read_member",
]

#: Largest file goldmap reads from a user, in megabytes of 1,000,000 bytes: the unit the app's
#: uploader counts and shows ("Limit 50MB per file"); ``server.maxUploadSize`` in
#: ``.streamlit/config.toml`` is this number (a test holds them equal).
MAX_UPLOAD_MB = 50
#: ... in bytes: the library, the CLI and the app all refuse a byte more.
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1_000_000
#: An archive may hold at most this many members ...
MAX_ARCHIVE_MEMBERS = 200
#: ... and unpack to at most this many bytes in all.
MAX_UNPACKED_BYTES = 4 * MAX_UPLOAD_BYTES

_ARCHIVE_SUFFIXES = (".zip", ".kmz", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz")
_SQLITE_MAGIC = b"SQLite format 3\x00"
# "GPKG" (GeoPackage 1.2+) and "GP10"/"GP11" (1.0/1.1) as the SQLite application_id.
_GPKG_APPLICATION_IDS = {0x47504B47, 0x47503130, 0x47503131}
# GDAL options that make any network request fail before it is sent.
_OFFLINE_GDAL = {
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".goldmap-never",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_PROXY": "0.0.0.0:9",
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "OGR_SQLITE_ALLOW_VIRTUALOGR": "NO",
    "GML_SKIP_RESOLVE_ELEMS": "ALL",
}
_URLISH = re.compile(r"^(/vsi[a-z0-9_]*/|[a-z][a-z0-9+.-]*://)", re.IGNORECASE)


def check_path_text(text: str) -> None:
    """Refuse a path that is a GDAL virtual path or a URL instead of a file on disk."""
    if _URLISH.match(text.strip()):
        raise InputFileError(
            f"{text!r} is a URL or a GDAL virtual path; goldmap reads only local files. "
            "Download the file and give its path."
        )


@contextlib.contextmanager
def gdal_offline() -> Iterator[None]:
    """Run the block with GDAL's network access off (restoring the options afterwards)."""
    import pyogrio

    previous = {key: pyogrio.get_gdal_config_option(key) for key in _OFFLINE_GDAL}
    pyogrio.set_gdal_config_options(_OFFLINE_GDAL)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(previous)


# --- archives -----------------------------------------------------------------------------


def open_zip(data: bytes, name: str, *, kind: str = "zip archive") -> zipfile.ZipFile:
    """Open ``data`` as a zip after checking member count, sizes, names and nesting.

    Parameters
    ----------
    data : bytes
        The archive.
    name : str
        The name the user gave the file, for messages.
    kind : str, default "zip archive"
        What the archive should be ("KMZ file", "Excel workbook"), for messages.

    Returns
    -------
    zipfile.ZipFile
        The open archive.

    Raises
    ------
    InputFileError
        When it is not a zip, holds too many or too large members, members outside the
        archive, links, or other archives.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise InputFileError(
            f"{name!r} is not a valid {kind} (it is damaged or not a zip)."
        ) from err
    members = archive.infolist()
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise InputFileError(
            f"{name!r} holds {len(members)} files; goldmap reads archives of at most "
            f"{MAX_ARCHIVE_MEMBERS}. Zip only the files you need."
        )
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise InputFileError(
            f"{name!r} unpacks to more than {MAX_UNPACKED_BYTES:,} bytes; goldmap refuses it. "
            "Upload a smaller archive."
        )
    for member in members:
        path = PurePosixPath(member.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", member.filename):
            raise InputFileError(
                f"{name!r} holds {member.filename!r}, which points outside the archive; refused."
            )
        if stat.S_ISLNK(member.external_attr >> 16):
            raise InputFileError(f"{name!r} holds a link ({member.filename!r}); refused.")
        if member.filename.lower().endswith(_ARCHIVE_SUFFIXES) and kind != "Excel workbook":
            raise InputFileError(
                f"{name!r} holds another archive ({member.filename!r}); goldmap does not open "
                "archives inside archives. Unzip it and upload the inner file."
            )
    return archive


def read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> bytes:
    """Read one member, stopping when it inflates past its declared size or the cap."""
    limit = min(member.file_size, MAX_UNPACKED_BYTES)
    try:
        with archive.open(member) as handle:
            content = handle.read(limit + 1)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, ValueError) as err:
        raise InputFileError(
            f"{member.filename!r} in {name!r} cannot be unpacked ({type(err).__name__}): the "
            "archive is damaged or password-protected. Zip the files again, without a password."
        ) from err
    if len(content) > limit:
        raise InputFileError(f"{member.filename!r} in {name!r} unpacks past its size; refused.")
    return content


# --- binary formats -----------------------------------------------------------------------


# dBASE version bytes GDAL and Esri write (III, IV, 7, FoxPro, with or without memo).
_DBF_VERSIONS = frozenset({0x02, 0x03, 0x30, 0x31, 0x43, 0x63, 0x83, 0x8B, 0xCB, 0xF5})
_SHAPEFILE_CHECKS: dict[str, Callable[[bytes], bool]] = {
    ".shp": lambda b: len(b) >= 100 and b[:4] == b"\x00\x00\x27\x0a",
    ".shx": lambda b: len(b) >= 100 and b[:4] == b"\x00\x00\x27\x0a",
    ".dbf": lambda b: len(b) >= 32 and b[0] in _DBF_VERSIONS,
    ".prj": lambda b: b"://" not in b and b.lstrip()[:1].isalpha(),
    ".cpg": lambda b: len(b) < 64 and b"://" not in b,
}  # fmt: skip


def check_shapefile_part(content: bytes, suffix: str, member: str, name: str) -> None:
    """Refuse a shapefile part (.shp/.shx/.dbf/.prj/.cpg) whose bytes are not of that kind."""
    if not _SHAPEFILE_CHECKS[suffix](content):
        raise InputFileError(
            f"{member!r} in {name!r} is not a real {suffix} file (its content does not match "
            "the Shapefile format). Zip the shapefile's own .shp, .shx, .dbf and .prj files."
        )


def check_fgb(data: bytes, name: str) -> None:
    """Refuse bytes that do not start with the FlatGeobuf magic number."""
    if not (len(data) > 12 and data[:3] == b"fgb" and data[4:7] == b"fgb"):
        raise InputFileError(
            f"{name!r} is not a FlatGeobuf file (it does not start with the FlatGeobuf "
            "signature). Export it again as FlatGeobuf, or upload it with its real extension."
        )


def check_parquet(data: bytes, name: str) -> None:
    """Refuse bytes that are not a Parquet file (PAR1 at both ends)."""
    if not (len(data) > 12 and data[:4] == b"PAR1" and data[-4:] == b"PAR1"):
        raise InputFileError(
            f"{name!r} is not a Parquet file. Export it again as GeoParquet, or upload it "
            "with its real extension."
        )


def check_geopackage(path: Path, name: str) -> None:
    """Check a file on disk is a GeoPackage and holds nothing that points elsewhere.

    The SQLite header and the GeoPackage application id must be there, ``gpkg_contents``
    must exist, and the schema may hold no virtual table other than the R-tree spatial
    indexes (a ``VirtualOGR`` table would make GDAL open another file).

    Raises
    ------
    InputFileError
        When any of these checks fails.
    """
    head = path.read_bytes()[:100]
    not_gpkg = (
        f"{name!r} is not a GeoPackage (its header is not a GeoPackage's). Export it again "
        "as GeoPackage, or upload it with its real extension."
    )
    if len(head) < 100 or head[:16] != _SQLITE_MAGIC:
        raise InputFileError(not_gpkg)
    if int.from_bytes(head[68:72], "big") not in _GPKG_APPLICATION_IDS:
        raise InputFileError(not_gpkg)
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as err:
        raise InputFileError(not_gpkg) from err
    try:
        connection.execute("PRAGMA trusted_schema = OFF")
        rows = connection.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    except sqlite3.Error as err:
        raise InputFileError(f"{name!r} is a damaged GeoPackage: {err}.") from err
    finally:
        connection.close()
    names = {str(row[1]) for row in rows}
    if "gpkg_contents" not in names:
        raise InputFileError(f"{name!r} has no gpkg_contents table; it is not a GeoPackage.")
    for kind, table, sql in rows:
        text = str(sql or "").upper()
        if kind == "table" and "VIRTUAL TABLE" in text and "USING RTREE" not in text:
            raise InputFileError(
                f"{name!r} holds a virtual table ({table!r}) that points outside the file; "
                "goldmap refuses it. Export the data as a plain GeoPackage."
            )


@contextlib.contextmanager
def private_copy(data: bytes, suffix: str) -> Iterator[Path]:
    """Write ``data`` to a new file in a private temporary folder; remove both afterwards."""
    with tempfile.TemporaryDirectory(prefix="goldmap-") as tmp:
        os.chmod(tmp, 0o700)
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(data)
        yield path
