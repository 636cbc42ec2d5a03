"""Export goldmap layers, or your own GeoDataFrames, to every common GIS format.

Formats (:data:`FORMATS`): GeoJSON (RFC 7946), GeoPackage, zipped ESRI Shapefile, KML and
KMZ for Google Earth (styled), FlatGeobuf, GeoParquet, CSV, and a QGIS project styled like
the web map. Every export is written in EPSG:4326 (WGS84 longitude/latitude).

Where a format holds one layer per file (GeoJSON, FlatGeobuf, GeoParquet, CSV) and several
layers are asked for, the path must end in ``.zip``: the zip holds one file per layer. The
Shapefile export is always a zip (``.shp.zip``): per layer the ``.shp``, ``.shx``, ``.dbf``,
``.prj``, a ``.cpg`` that says UTF-8, and ``<layer>.fields.csv`` mapping the 10-character
field names back to the full column names. A QGIS project (``.qgs``/``.qgz``) is written with
a GeoPackage of the same name beside it, referenced by a relative path; given a ``.zip`` path
both go into the zip.

FlatGeobuf files carry a spatial index (features in Hilbert-curve order), which cannot hold a
feature without geometry (a mine known only to its province): such a feature is left out of
that format only, with a warning naming it; the others keep it (see data/README.md).

Lists and nested values (``sources``, ``commodity``) stay lists in GeoJSON and GeoParquet and
become JSON text in the other formats.

Examples
--------
>>> import goldmap
>>> goldmap.export("key_mines", "mines.gpkg")  # doctest: +SKIP
PosixPath('mines.gpkg')
>>> goldmap.export(None, "plan.kmz")  # doctest: +SKIP
PosixPath('plan.kmz')
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from goldmap._values import flatten_nested, nested_columns, to_json_text, to_native
from goldmap.catalog import LayerGroup, layers_in
from goldmap.crs import WGS84, require_crs
from goldmap.errors import ExportError, GoldmapError
from goldmap.io import _files
from goldmap.io._csv import write_csv
from goldmap.io._files import COORDINATE_DECIMALS, check_output, pyogrio_write
from goldmap.io._shapefile import write_shapefile

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["DEFAULT_LAYERS", "FORMATS", "ExportFormat", "download_name", "export", "export_bytes"]

logger = logging.getLogger(__name__)

#: The plan layers exported when no layer is named (boundaries only when asked for).
DEFAULT_LAYERS: tuple[str, ...] = layers_in(LayerGroup.PLAN)

WRITE_CRS = WGS84


# dBase limits: field names of 10 bytes, text values of 254 bytes.


@dataclass(frozen=True)
class ExportFormat:
    """One export format: name, file extensions, MIME type, layers per file."""

    name: str
    extensions: tuple[str, ...]
    mime: str
    multi_layer: bool
    description: str


_Layers = dict[str, "gpd.GeoDataFrame"]


# --------------------------------------------------------------------------------------------
# Frames as the writers need them
# --------------------------------------------------------------------------------------------


def _round_coordinates(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    import numpy as np
    import shapely

    out = frame.copy()
    geoms = shapely.transform(
        out.geometry.values, lambda xy: np.round(xy, COORDINATE_DECIMALS), include_z=False
    )
    out[out.geometry.name] = shapely.orient_polygons(geoms, exterior_cw=False)
    return out


# --------------------------------------------------------------------------------------------
# Writers: each writes its layers to one path inside a fresh temporary directory
# --------------------------------------------------------------------------------------------


def _write_geojson(frame: gpd.GeoDataFrame, path: Path, name: str) -> None:
    """RFC 7946: WGS84, counter-clockwise outer rings, no ``crs`` member, 7 decimals."""
    collection = _round_coordinates(frame).to_geo_dict(na="null", drop_id=True)
    collection["name"] = name
    text = json.dumps(collection, ensure_ascii=False, default=to_native)
    path.write_text(text, encoding="utf-8")


def _write_fgb(frame: gpd.GeoDataFrame, path: Path, name: str) -> None:
    # The spatial index cannot hold a feature with no geometry (a mine known only to its
    # province), and a file without the index loses what FlatGeobuf is chosen for (readers
    # that filter by bounding box): such features stay out of this format alone, named.
    unplaced = (frame.geometry.isna() | frame.geometry.is_empty).to_numpy()
    if unplaced.any():
        labels = (frame["id"] if "id" in frame.columns else frame.index.to_series())[unplaced]
        logger.warning(
            "FlatGeobuf %s: %d feature(s) without a position left out (its spatial index "
            "cannot hold them): %s; GeoPackage, GeoJSON, GeoParquet, CSV, KML and Shapefile "
            "keep them.",
            name, int(unplaced.sum()), ", ".join(map(str, labels)),
        )  # fmt: skip
    options = {"layer": name, "driver": "FlatGeobuf", "layer_options": {"SPATIAL_INDEX": "YES"}}
    pyogrio_write(flatten_nested(frame[~unplaced]), path, **options)


def _write_parquet(frame: gpd.GeoDataFrame, path: Path, name: str) -> None:
    """GeoParquet 1.0; lists stay lists where Arrow can type them, else become JSON text."""
    import pyarrow as pa

    out = frame.copy()
    for column in nested_columns(frame):
        try:
            pa.array(out[column].map(to_native).tolist())
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            out[column] = frame[column].map(to_json_text).astype(object)
        else:
            out[column] = out[column].map(to_native)
    out.to_parquet(path, index=False)


def _write_gpkg(layers: _Layers, path: Path) -> None:
    for name, frame in layers.items():
        title, description = _layer_text(name)
        pyogrio_write(
            flatten_nested(frame),
            path,
            layer=name,
            driver="GPKG",
            # GeoPackage 1.2 opens in older QGIS/ArcGIS releases too.
            dataset_options={"VERSION": "1.2"},
            layer_options={"IDENTIFIER": title, "DESCRIPTION": description},
            promote_to_multi=bool(frame.geom_type.str.startswith("Multi", na=False).any()),
        )


def _write_shp(layers: _Layers, path: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, frame in layers.items():
            write_shapefile(frame, folder, _file_stem(name))
        _zip_folder(folder, path)


def _write_kml(layers: _Layers, path: Path) -> None:
    from goldmap.io._kml import write_kml

    write_kml(layers, path, kmz=False, titles={n: _layer_text(n)[0] for n in layers})


def _write_kmz(layers: _Layers, path: Path) -> None:
    from goldmap.io._kml import write_kml

    write_kml(layers, path, kmz=True, titles={n: _layer_text(n)[0] for n in layers})


def qgis_data_path(project: Path) -> Path:
    """Return the GeoPackage a QGIS project ``x.qgz`` keeps its data in: ``x_data.gpkg``.

    Not ``x.gpkg``: a user who exported ``plan.gpkg`` and then ``plan.qgz`` keeps both.
    """
    return project.with_name(f"{project.stem}_data.gpkg")


def _write_qgs(layers: _Layers, path: Path) -> None:
    _write_qgis(layers, path, compressed=False)


def _write_qgz(layers: _Layers, path: Path) -> None:
    _write_qgis(layers, path, compressed=True)


def _write_qgis(layers: _Layers, path: Path, *, compressed: bool) -> None:
    from goldmap.io._qgis import write_project

    data = qgis_data_path(path)
    _write_gpkg(layers, data)
    write_project(
        layers,
        path,
        data_file=data.name,
        titles={n: _layer_text(n) for n in layers},
        compressed=compressed,
    )


_SingleWriter = Callable[["gpd.GeoDataFrame", Path, str], None]
_MultiWriter = Callable[[_Layers, Path], None]

FORMATS: dict[str, ExportFormat] = {
    spec.name: spec
    for spec in (
        ExportFormat(
            "geojson", (".geojson", ".json"), "application/geo+json", False, "GeoJSON (RFC 7946)"
        ),
        ExportFormat(
            "gpkg",
            (".gpkg",),
            "application/geopackage+sqlite3",
            True,
            "GeoPackage, one table per layer",
        ),
        ExportFormat(
            "shp",
            (".shp.zip",),
            "application/zip",
            True,
            "ESRI Shapefile, zipped, UTF-8 .cpg and field map",
        ),
        ExportFormat(
            "kml",
            (".kml",),
            "application/vnd.google-earth.kml+xml",
            True,
            "KML for Google Earth, styled",
        ),
        ExportFormat(
            "kmz",
            (".kmz",),
            "application/vnd.google-earth.kmz",
            True,
            "KMZ (zipped KML with its icons), styled",
        ),
        ExportFormat("fgb", (".fgb",), "application/octet-stream", False, "FlatGeobuf"),
        ExportFormat(
            "parquet",
            (".parquet", ".geoparquet"),
            "application/vnd.apache.parquet",
            False,
            "GeoParquet 1.0",
        ),
        ExportFormat("csv", (".csv",), "text/csv", False, "CSV, lon/lat or WKT geometry"),
        ExportFormat(
            "qgs",
            (".qgs",),
            "application/x-qgis",
            True,
            "QGIS project styled like the web map, with a GeoPackage beside it",
        ),
        ExportFormat(
            "qgz",
            (".qgz",),
            "application/x-qgis",
            True,
            "QGIS project (compressed) with a GeoPackage beside it",
        ),
    )
}
"""The export formats by name; :func:`export` accepts these names as ``format``."""

_SINGLE_WRITERS: dict[str, _SingleWriter] = {
    "geojson": _write_geojson,
    "fgb": _write_fgb,
    "parquet": _write_parquet,
    "csv": write_csv,
}
_MULTI_WRITERS: dict[str, _MultiWriter] = {
    "gpkg": _write_gpkg,
    "shp": _write_shp,
    "kml": _write_kml,
    "kmz": _write_kmz,
    "qgs": _write_qgs,
    "qgz": _write_qgz,
}


# --------------------------------------------------------------------------------------------
# Validation at the boundary
# --------------------------------------------------------------------------------------------


def _valid_formats() -> str:
    return ", ".join(FORMATS)


def _check_format(format: str) -> str:
    if not isinstance(format, str) or format.lower().lstrip(".") not in FORMATS:
        raise ExportError(
            f"Unknown export format {format!r}. Valid formats: {_valid_formats()}."
        ) from None
    return format.lower().lstrip(".")


def _format_from_path(path: Path) -> str | None:
    name = path.name.lower()
    for spec in sorted(FORMATS.values(), key=lambda s: -max(len(e) for e in s.extensions)):
        if any(name.endswith(ext) for ext in spec.extensions):
            return spec.name
    return None


def _layer_text(name: str) -> tuple[str, str]:
    """Return a layer's title and description."""
    from goldmap.catalog import LAYERS

    spec = LAYERS.get(name)
    if spec is None:
        return name, f"Layer {name!r} exported by goldmap."
    return (
        f"{spec.title_en} / {spec.title_zh}",
        f"{spec.description} Source: goldmap (layer {name!r}).",
    )


def _resolve_layers(
    layers: str | Iterable[str] | Mapping[str, gpd.GeoDataFrame] | None,
) -> _Layers:
    import geopandas as gpd

    from goldmap.catalog import LAYERS, layer_spec, load

    if layers is None:
        names: list[str] = list(DEFAULT_LAYERS)
    elif isinstance(layers, Mapping):
        frames: _Layers = {}
        for name, frame in layers.items():
            if not isinstance(name, str) or not name.strip():
                raise ExportError(
                    f"Layer names must be non-empty strings; got {name!r}. "
                    "Use a dict such as {'my_prospects': frame}."
                )
            if not isinstance(frame, gpd.GeoDataFrame):
                raise ExportError(
                    f"Layer {name!r} is a {type(frame).__name__}, not a GeoDataFrame. "
                    "Pass GeoDataFrames (geopandas) or layer names such as 'key_mines'."
                )
            frames[name] = frame
        if not frames:
            raise ExportError("No layers to export: the dict is empty. Pass at least one layer.")
        return {name: _prepare(name, frame) for name, frame in frames.items()}
    elif isinstance(layers, str):
        names = [layers]
    else:
        names = list(dict.fromkeys(layers))
    if not names:
        raise ExportError(
            f"No layers to export. Name one or more of: {', '.join(LAYERS)} "
            "(or pass None for the plan layers)."
        )
    for name in names:
        layer_spec(name)  # LayerNotFoundError, naming the layers there are
    return {name: _prepare(name, load(name)) for name in names}


def _prepare(name: str, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy in EPSG:4326 without an index to write."""
    require_crs(frame, f"Layer {name!r}")
    out = frame.to_crs(WRITE_CRS) if not frame.crs.equals(WRITE_CRS) else frame.copy()
    out.attrs = {}  # reports kept in attrs (join_stats) are not data for the file
    return out.reset_index(drop=True)


def _file_stem(name: str) -> str:
    """Return a layer name as a safe file name (letters, digits, ``_`` and ``-``)."""
    stem = "".join(c if c.isalnum() or c in "_-" else "_" for c in name).strip("_")
    return stem or "layer"


def _zip_folder(folder: Path, path: Path) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(folder).as_posix())


# --------------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------------


def export(
    layers: str | Iterable[str] | Mapping[str, gpd.GeoDataFrame] | None,
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write layers to a file in one of :data:`FORMATS`.

    Parameters
    ----------
    layers : str, list of str, dict of str to GeoDataFrame, or None
        Layer names from :func:`goldmap.layers` (``"key_mines"``, ``["exploration_areas",
        "provinces"]``), or your own frames as ``{"name": frame}``. None exports the plan
        layers: key mines, exploration and development areas, area deposits, consolidation
        provinces and copper bases (boundaries only when named).
    path : str or path-like
        Output file. GeoJSON, FlatGeobuf, GeoParquet and CSV hold one layer per file: for
        several layers give a ``.zip`` path (one file per layer inside). Shapefiles are
        always zipped (``.shp.zip``). A QGIS project ``x.qgs``/``x.qgz`` gets its data in
        ``x_data.gpkg`` beside it, or both go into ``x.zip``.
    format : str, optional
        One of ``geojson``, ``gpkg``, ``shp``, ``kml``, ``kmz``, ``fgb``, ``parquet``,
        ``csv``, ``qgs``, ``qgz``. Default: from the path's extension.
    overwrite : bool, default False
        Replace existing output files.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ExportError
        For an unknown format or layer, a format that cannot be inferred from the path, a
        missing or unwritable folder, an existing file without ``overwrite=True``, or a
        frame the format cannot hold.

    Examples
    --------
    >>> import goldmap
    >>> goldmap.export(["exploration_areas", "development_areas"], "areas.gpkg")  # doctest: +SKIP
    PosixPath('areas.gpkg')
    >>> mines = goldmap.load("key_mines")
    >>> shandong = mines[mines.province_en == "Shandong"]
    >>> goldmap.export({"shandong_mines": shandong}, "shandong.kml")  # doctest: +SKIP
    PosixPath('shandong.kml')
    """
    target = Path(os.fspath(path))
    inferred = _format_from_path(target)
    ends_zip = target.name.lower().endswith(".zip")
    if format is None:
        if inferred is None:
            raise ExportError(
                f"Cannot tell the export format from {str(target)!r}. Pass format= "
                f"(`--format` on the command line), one of: {_valid_formats()}; or use an "
                "extension such as .geojson, .gpkg, .shp.zip, .kml, .kmz, .fgb, .parquet, "
                ".csv, .qgs."
            )
        fmt = inferred
    else:
        fmt = _check_format(format)
        if inferred is not None and inferred != fmt and not (fmt == "shp" and ends_zip):
            raise ExportError(
                f"The path {str(target)!r} ends like a {inferred!r} file but the format is "
                f"{fmt!r}. Use a {' or '.join(FORMATS[fmt].extensions)} path, or a .zip path."
            )
    # A Shapefile export is a zip in itself; for the others a .zip path means "zip it".
    is_zip = ends_zip and fmt != "shp"
    if fmt == "shp" and not ends_zip:
        raise ExportError(
            f"Shapefiles are written zipped: {str(target)!r} must end in .zip "
            "(e.g. 'key_mines.shp.zip')."
        )
    frames = _resolve_layers(layers)
    spec = FORMATS[fmt]
    if not spec.multi_layer and len(frames) > 1 and not is_zip:
        raise ExportError(
            f"{spec.description} holds one layer per file and {len(frames)} layers were "
            f"asked for ({', '.join(frames)}). Give a path ending in .zip to get one file "
            "per layer in a zip, or export one layer."
        )
    companions = []
    if fmt in ("qgs", "qgz") and not is_zip:
        companions.append((qgis_data_path(target), "the QGIS project's data"))
    check_output(target, overwrite=overwrite, companions=companions)

    try:
        _files.remove_stale_staging(target.parent)
        prefix = f"{_files.STAGING_PREFIX}{os.getpid()}-"
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=prefix) as tmp:
            staging = Path(tmp)
            written = _write(frames, fmt, staging, target.name, is_zip=is_zip)
            for file in written:
                os.replace(file, target.parent / file.name)
    except GoldmapError:
        raise
    except OSError as e:
        raise ExportError(
            f"Could not write {str(target)!r}: {e}. Check the path and free disk space."
        ) from e
    logger.info("wrote %s (%s, layers: %s)", target, fmt, ", ".join(frames))
    return target


def _write(frames: _Layers, fmt: str, staging: Path, filename: str, *, is_zip: bool) -> list[Path]:
    """Write into ``staging`` and return the files to move next to the target."""
    if is_zip:
        content = staging / "content"
        content.mkdir()
        if fmt in _SINGLE_WRITERS:
            extension = FORMATS[fmt].extensions[0]
            for name, frame in frames.items():
                _SINGLE_WRITERS[fmt](frame, content / f"{_file_stem(name)}{extension}", name)
        else:
            stem = filename[: -len(".zip")]
            stem = stem.rsplit(".", 1)[0] if "." in stem else stem
            _MULTI_WRITERS[fmt](
                frames, content / f"{stem or 'goldmap'}{FORMATS[fmt].extensions[0]}"
            )
        _zip_folder(content, staging / filename)
        return [staging / filename]
    out = staging / filename
    if fmt in _SINGLE_WRITERS:
        ((name, frame),) = frames.items()
        _SINGLE_WRITERS[fmt](frame, out, name)
        return [out]
    _MULTI_WRITERS[fmt](frames, out)
    if fmt in ("qgs", "qgz"):
        return [qgis_data_path(out), out]
    return [out]


def download_name(stem: str, format: str, *, layer_count: int = 1) -> tuple[str, str]:
    """Return the file name and MIME type :func:`export_bytes` gives an export.

    Parameters
    ----------
    stem : str
        The name before the ending, e.g. ``"goldmap_key_mines"``; made safe for a file name.
    format : str
        One of :data:`FORMATS`.
    layer_count : int, default 1
        How many layers the file holds: several layers in a one-layer-per-file format come
        as a ``.zip`` of one file each.

    Returns
    -------
    tuple of (str, str)
        The file name and its MIME type. Shapefiles and QGIS projects (project plus
        GeoPackage) are zipped.

    Examples
    --------
    >>> download_name("goldmap_key_mines", "qgz")
    ('goldmap_key_mines_qgis_project.zip', 'application/zip')
    """
    fmt = _check_format(format)
    stem, spec = _file_stem(stem), FORMATS[fmt]
    if fmt == "shp":
        return f"{stem}.shp.zip", "application/zip"
    if fmt in ("qgs", "qgz"):
        return f"{stem}_qgis_project.zip", "application/zip"
    if not spec.multi_layer and layer_count > 1:
        return f"{stem}_{fmt}.zip", "application/zip"
    return f"{stem}{spec.extensions[0]}", spec.mime


def export_bytes(
    layers: str | Iterable[str] | Mapping[str, gpd.GeoDataFrame] | None = None,
    *,
    format: str,
) -> tuple[bytes, str, str]:
    """Export layers in memory, for a download button.

    Parameters
    ----------
    layers : str, list of str, dict of str to GeoDataFrame, or None
        As for :func:`export`.
    format : str
        One of :data:`FORMATS`.

    Returns
    -------
    tuple of (bytes, str, str)
        The file's content, a file name to offer and its MIME type. Several layers in a
        one-layer-per-file format, Shapefiles, and QGIS projects (project plus GeoPackage)
        come as a ``.zip``.

    Raises
    ------
    ExportError
        For an unknown format or layer, or a frame the format cannot hold.

    Examples
    --------
    >>> data, filename, mime = export_bytes("key_mines", format="kmz")
    >>> filename, mime
    ('key_mines.kmz', 'application/vnd.google-earth.kmz')
    """
    fmt = _check_format(format)
    frames = _resolve_layers(layers)
    stem = _file_stem(next(iter(frames))) if len(frames) == 1 else "goldmap"
    filename, mime = download_name(stem, fmt, layer_count=len(frames))
    with tempfile.TemporaryDirectory(prefix="goldmap-export-") as tmp:
        written = export(frames, Path(tmp) / filename, format=fmt)
        return written.read_bytes(), filename, mime
