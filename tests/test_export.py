"""Exports: every format read back with GDAL (pyogrio) or geopandas, styles, errors, CLI."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from click.testing import CliRunner
from shapely.geometry import Point

import goldmap
from goldmap.cli import cli
from goldmap.errors import ExportError, MissingCRSError
from goldmap.io.write import FORMATS, export, export_bytes
from goldmap.styles import LAYER_STYLES, kml_color, qgis_color
from tests.prerequisites import require

KML_NS = {"k": "http://www.opengis.net/kml/2.2"}


def tricky_frame() -> gpd.GeoDataFrame:
    """Two points with Chinese text, markup, lists, nested sources, gaps, long names."""
    return gpd.GeoDataFrame(
        {
            "id": ["a-1", "b-2"],
            "name_zh": ["紫金山 <b>&\"金铜矿'", "三山岛"],
            "name_en": ["Zijinshan", None],
            "commodity": [["gold", "copper"], []],
            "sources": [
                [{"url": "https://example.org/a?x=1&y=2", "quote": "东经116°23′，北纬25°11′"}],
                [{"url": "data/plan/gold-plan-2025-2027.zh.txt", "quote": "重点开发矿山"}],
            ],
            "province_adcode": [350000, 370000],
            "area_km2": [12.5, math.nan],
            "offshore": [False, True],
            "说明文字很长的列名": ["长文本" * 100, "短"],
            "location_precision_a": ["deposit", "town"],
            "location_precision_b": ["county", "province"],
        },
        geometry=[Point(116.4123456, 25.1876543), Point(120.0, 37.4)],
        crs="EPSG:4326",
    )


@pytest.fixture(scope="module")
def source_layers() -> dict[str, gpd.GeoDataFrame]:
    return {
        "key_mines": goldmap.load("key_mines"),
        "exploration_areas": goldmap.load("exploration_areas"),
        "tricky": tricky_frame(),
    }


@pytest.fixture(params=list(FORMATS))
def fmt(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# --------------------------------------------------------------------------------------------
# Reading exports back
# --------------------------------------------------------------------------------------------


def _read_gdal(path: Path | str, **kwargs: Any) -> gpd.GeoDataFrame:
    return pyogrio.read_dataframe(path, **kwargs)


def read_back(fmt: str, path: Path, names: list[str]) -> dict[str, gpd.GeoDataFrame]:
    """Read every layer of an export with GDAL (pyogrio) or geopandas, columns renamed back."""
    if fmt in ("geojson", "fgb", "parquet", "csv"):
        folder = path.parent / "unzipped"
        with zipfile.ZipFile(path) as archive:
            archive.extractall(folder)
        extension = FORMATS[fmt].extensions[0]
        out = {}
        for name in names:
            file = folder / f"{name}{extension}"
            if fmt == "parquet":
                out[name] = gpd.read_parquet(file)
            elif fmt == "csv":
                header = file.read_text(encoding="utf-8-sig").splitlines()[0]
                options = (
                    {
                        "X_POSSIBLE_NAMES": "lon",
                        "Y_POSSIBLE_NAMES": "lat",
                        "KEEP_GEOM_COLUMNS": "NO",
                    }
                    if header.startswith("lon,lat")
                    else {"GEOM_POSSIBLE_NAMES": "WKT", "KEEP_GEOM_COLUMNS": "NO"}
                )
                out[name] = _read_gdal(file, **options)
            else:
                out[name] = _read_gdal(file)
        return out
    if fmt == "shp":
        out = {}
        with zipfile.ZipFile(path) as archive:
            for name in names:
                fields = pd.read_csv(archive.open(f"{name}.fields.csv"), dtype=str)
                frame = _read_gdal(f"/vsizip/{path}/{name}.shp")
                out[name] = frame.rename(
                    columns=dict(zip(fields.field, fields.column, strict=True))
                )
        return out
    if fmt in ("kml", "kmz"):
        listed = pyogrio.list_layers(path)
        assert len(listed) == len(names)
        return {name: _read_gdal(path, layer=int(i)) for i, name in enumerate(names)}
    data = path.with_name(f"{path.stem}_data.gpkg") if fmt in ("qgs", "qgz") else path
    return {name: _read_gdal(data, layer=name) for name in names}


def kml_data_values(path: Path, folder: int, column: str) -> list[str | None]:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            root = SafeET.fromstring(archive.read("doc.kml"))
    else:
        root = SafeET.parse(path).getroot()
    folders = root.findall("k:Document/k:Folder", KML_NS)
    values = []
    for placemark in folders[folder].iterfind("k:Placemark", KML_NS):
        data = placemark.find(f"k:ExtendedData/k:Data[@name='{column}']", KML_NS)
        values.append(None if data is None else data.findtext("k:value", namespaces=KML_NS))
    return values


def canon(value: Any) -> Any:
    """Compare values across formats: lists from JSON text, numbers and booleans from text."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, list | tuple):
        return [canon(v) for v in value]
    if isinstance(value, dict):
        return {str(k): canon(v) for k, v in value.items()}
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | float | np.integer | np.floating):
        return repr(round(float(value), 9))
    text = str(value)
    if text == "":
        return None
    if text[:1] in "[{":
        try:
            return canon(json.loads(text))
        except ValueError:
            pass
    if text in ("true", "false", "True", "False"):
        return text.lower()
    try:
        return repr(round(float(text), 9))
    except ValueError:
        return text


def assert_same_geometry(expected: Any, actual: Any) -> None:
    if expected is None or expected.is_empty:
        # A feature with no geometry (a mine known only to its province) stays without one.
        assert actual is None or actual.is_empty, actual.wkt[:80]
        return
    expected, actual = shapely.force_2d(expected), shapely.force_2d(actual)
    assert shapely.hausdorff_distance(expected, actual) < 1e-6, (expected.wkt[:80], actual.wkt[:80])


# --------------------------------------------------------------------------------------------
# Round trip: every format
# --------------------------------------------------------------------------------------------


def test_round_trip_every_format(
    fmt: str, tmp_path: Path, source_layers: dict[str, gpd.GeoDataFrame]
) -> None:
    single = not FORMATS[fmt].multi_layer
    path = tmp_path / ("out.zip" if single else f"out{FORMATS[fmt].extensions[0]}")
    written = export(source_layers, path, format=fmt)
    assert written == path and path.is_file()

    names = list(source_layers)
    back = read_back(fmt, path, names)
    for name, original in source_layers.items():
        frame = back[name]
        if fmt == "fgb":  # a feature without a position cannot be in its spatial index
            original = original[original.geometry.notna() & ~original.geometry.is_empty]
        assert len(frame) == len(original), name
        if fmt == "fgb":
            # FlatGeobuf's spatial index stores features in Hilbert-curve order.
            frame = frame.set_index("id").loc[original["id"]].reset_index()
        for expected, actual in zip(original.geometry, frame.geometry, strict=True):
            assert_same_geometry(expected, actual)
        full = _full_shapefile_values(path, name) if fmt == "shp" else None
        for column in original.columns.drop(original.geometry.name):
            read_column = column
            if fmt in ("kml", "kmz") and column == "id" and "id2" in frame.columns:
                # LIBKML reports the Placemark id as `id`; the attribute may come as `id2`.
                read_column = "id" if frame["id"].notna().all() else "id2"
            if fmt in ("kml", "kmz") and not str(column).isascii():
                # GDAL's LIBKML reader turns non-ASCII field names into underscores; the
                # KML itself keeps them: read those values from the XML.
                frame = frame.assign(**{column: kml_data_values(path, names.index(name), column)})
            assert read_column in frame.columns, (fmt, name, column, list(frame.columns))
            for row, (want, got) in enumerate(
                zip(original[column], frame[read_column], strict=True)
            ):
                want_c, got_c = canon(want), canon(got)
                if fmt == "shp" and want_c != got_c:
                    # dBase text stops at 254 bytes: the .dbf keeps the start, whole in
                    # <layer>.attributes.csv.
                    assert full is not None, (name, column)
                    assert isinstance(got, str) and canon(full[column][row]) == want_c
                    assert str(to_text(want)).startswith(got)
                    continue
                assert got_c == want_c, (fmt, name, column, row, want, got)


def test_round_trip_source_carries_the_dossier(source_layers: dict[str, gpd.GeoDataFrame]) -> None:
    """The round trip above covers the key mines' dossier columns, nested record included."""
    mines = source_layers["key_mines"]
    for column in ("operator_zh", "listed_tickers", "status", "resources_t", "dossier"):
        assert column in mines.columns, column
    haiyu = mines.set_index("id").at["sd-haiyu", "dossier"]
    assert haiyu["owners"][1]["stake_pct"] == 70 and haiyu["owners"][1]["sources"][0]["quote"]


def to_text(value: Any) -> Any:
    from goldmap._values import to_json_text

    return to_json_text(value)


def _full_shapefile_values(path: Path, name: str) -> pd.DataFrame | None:
    with zipfile.ZipFile(path) as archive:
        member = f"{name}.attributes.csv"
        if member not in archive.namelist():
            return None
        return pd.read_csv(archive.open(member), encoding="utf-8-sig", dtype=str)


# Written out here from the registries (IANA, OGC), not read from goldmap's table.
MIME_TYPES = {
    "geojson": "application/geo+json",  # RFC 7946
    "gpkg": "application/geopackage+sqlite3",  # OGC GeoPackage 1.3
    "kml": "application/vnd.google-earth.kml+xml",
    "kmz": "application/vnd.google-earth.kmz",
    "fgb": "application/octet-stream",  # FlatGeobuf has no registered type
    "parquet": "application/vnd.apache.parquet",
    "csv": "text/csv",
}
EXTENSIONS = {"geojson": ".geojson", "gpkg": ".gpkg", "kml": ".kml", "kmz": ".kmz",
              "fgb": ".fgb", "parquet": ".parquet", "csv": ".csv"}  # fmt: skip


def _kml_hex(color: str, opacity: float = 1.0) -> str:
    """KML colours are aabbggrr: alpha first, then the RGB bytes reversed."""
    rr, gg, bb = color[1:3], color[3:5], color[5:7]
    return f"{round(opacity * 255):02x}{bb}{gg}{rr}".lower()


def _qgis_rgba(color: str, opacity: float = 1.0) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"{r},{g},{b},{round(opacity * 255)}"


def test_colour_conversions_match_hand_worked_values() -> None:
    assert _kml_hex("#d4a017") == "ff17a0d4"
    assert _qgis_rgba("#d4a017", 0.5) == "212,160,23,128"
    assert kml_color("#d4a017") == "ff17a0d4"
    assert qgis_color("#d4a017", 0.5) == "212,160,23,128"


def test_export_bytes_every_format(fmt: str) -> None:
    data, filename, mime = export_bytes("key_mines", format=fmt)
    assert data and isinstance(filename, str) and isinstance(mime, str)
    if fmt in ("shp", "qgs", "qgz", "kmz"):
        assert data[:2] == b"PK"  # a zip
    if fmt in ("shp", "qgs", "qgz"):
        assert filename.endswith(".zip") and mime == "application/zip"
    else:
        assert filename == f"key_mines{EXTENSIONS[fmt]}"
        assert mime == MIME_TYPES[fmt]


def test_export_bytes_several_layers_of_a_single_layer_format() -> None:
    data, filename, mime = export_bytes(["key_mines", "copper_bases"], format="geojson")
    assert filename == "goldmap_geojson.zip" and mime == "application/zip"
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["copper_bases.geojson", "key_mines.geojson"]


# --------------------------------------------------------------------------------------------
# Format details
# --------------------------------------------------------------------------------------------


def test_geojson_follows_rfc7946(tmp_path: Path) -> None:
    path = export("exploration_areas", tmp_path / "areas.geojson")
    collection = json.loads(path.read_text(encoding="utf-8"))
    assert "crs" not in collection
    assert collection["type"] == "FeatureCollection"
    for feature in collection["features"]:
        shape = shapely.geometry.shape(feature["geometry"])
        polygons = getattr(shape, "geoms", [shape])
        for polygon in polygons:
            assert polygon.exterior.is_ccw  # right-hand rule: outer rings counter-clockwise
            assert all(not ring.is_ccw for ring in polygon.interiors)
    text = path.read_text(encoding="utf-8")
    assert "勘探" in text or "\\u" not in text  # Chinese written as text, not escapes
    assert isinstance(collection["features"][0]["properties"]["sources"], list)


def test_gpkg_has_one_table_per_layer_with_description(tmp_path: Path) -> None:
    path = export(None, tmp_path / "plan.gpkg")
    listed = [str(n) for n, _ in pyogrio.list_layers(path)]
    assert listed == [
        "key_mines",
        "exploration_areas",
        "development_areas",
        "area_deposits",
        "consolidation_provinces",
        "copper_bases",
    ]
    metadata = pyogrio.read_info(path, layer="key_mines")["layer_metadata"]
    assert "key mines" in metadata["DESCRIPTION"].lower()
    assert "重点开发矿山" in metadata["IDENTIFIER"]


def test_shapefile_zip_has_cpg_prj_and_field_map(tmp_path: Path) -> None:
    path = export({"tricky": tricky_frame()}, tmp_path / "tricky.shp.zip")
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        assert {"tricky.shp", "tricky.shx", "tricky.dbf", "tricky.prj", "tricky.cpg"} <= names
        assert archive.read("tricky.cpg").decode().strip().upper().replace("-", "") == "UTF8"
        fields = pd.read_csv(archive.open("tricky.fields.csv"), dtype=str)
    assert all(len(f.encode("utf-8")) <= 10 for f in fields.field)
    assert fields.field.str.lower().is_unique
    assert set(fields.column) == set(tricky_frame().columns.drop("geometry"))
    info = pyogrio.read_info(f"/vsizip/{path}/tricky.shp")
    assert list(info["fields"]) == list(fields.field)


def test_kml_is_styled_and_escaped(tmp_path: Path) -> None:
    path = export(
        {"key_mines": tricky_frame(), "exploration_areas": tricky_frame()}, tmp_path / "x.kml"
    )
    root = SafeET.parse(path).getroot()
    styles = {s.get("id"): s for s in root.iterfind(".//k:Style", KML_NS)}
    mine = LAYER_STYLES["key_mines"]
    assert styles["style-key_mines"].findtext("k:IconStyle/k:color", namespaces=KML_NS) == (
        _kml_hex(mine.marker_color)
    )
    area = LAYER_STYLES["exploration_areas"]
    assert styles["style-exploration_areas"].findtext("k:PolyStyle/k:color", namespaces=KML_NS) == (
        _kml_hex(area.fill, area.fill_opacity)
    )
    placemark = root.find(".//k:Placemark", KML_NS)
    assert placemark is not None
    assert placemark.findtext("k:name", namespaces=KML_NS) == "紫金山 <b>&\"金铜矿' Zijinshan"
    balloon = placemark.findtext("k:description", namespaces=KML_NS) or ""
    # The balloon is HTML: data text in it is escaped, the source URL is a link.
    assert "紫金山 &lt;b&gt;&amp;&quot;金铜矿&#x27;" in balloon
    assert "<a href='https://example.org/a?x=1&amp;y=2'>" in balloon
    assert "东经116°23′，北纬25°11′" in balloon


def test_kmz_carries_its_icons(tmp_path: Path) -> None:
    path = export(["key_mines", "area_deposits"], tmp_path / "mines.kmz")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert names[0] == "doc.kml"
        icons = [n for n in names if n.endswith(".png")]
        assert set(icons) == {"files/star.png", "files/circle.png"}
        assert all(archive.read(n).startswith(b"\x89PNG\r\n\x1a\n") for n in icons)
        doc = archive.read("doc.kml").decode("utf-8")
    assert "<href>files/star.png</href>" in doc


def test_csv_points_as_lon_lat_polygons_as_wkt(tmp_path: Path) -> None:
    path = export(["key_mines", "copper_bases"], tmp_path / "plan.zip", format="csv")
    with zipfile.ZipFile(path) as archive:
        mines = archive.read("key_mines.csv").decode("utf-8-sig").splitlines()[0]
        bases = archive.read("copper_bases.csv").decode("utf-8-sig").splitlines()[0]
    assert mines.startswith("lon,lat,")
    assert bases.startswith("WKT,")


def test_user_frame_is_not_changed_and_is_reprojected(tmp_path: Path) -> None:
    frame = tricky_frame().to_crs("EPSG:3857")
    before = frame.copy()
    path = export({"mine": frame}, tmp_path / "mine.gpkg")
    pd.testing.assert_frame_equal(frame, before)
    back = pyogrio.read_dataframe(path)
    assert back.crs.to_epsg() == 4326
    assert_same_geometry(tricky_frame().geometry[0], back.geometry[0])


# --------------------------------------------------------------------------------------------
# QGIS project
# --------------------------------------------------------------------------------------------


def test_qgis_project_references_data_and_styles(tmp_path: Path) -> None:
    path = export(None, tmp_path / "plan.qgs")
    gpkg = tmp_path / "plan_data.gpkg"
    assert gpkg.is_file()
    tables = {str(n) for n, _ in pyogrio.list_layers(gpkg)}
    root = SafeET.parse(path).getroot()
    assert root.tag == "qgis"
    layers = root.findall("projectlayers/maplayer")
    assert len(layers) == 6
    for layer in layers:
        source = layer.findtext("datasource") or ""
        file, _, table = source.partition("|layername=")
        assert file == "./plan_data.gpkg"  # relative to the project
        assert (path.parent / file).is_file() and table in tables
        style = LAYER_STYLES[table]
        props = {
            p.get("k"): p.get("v")
            for p in layer.iterfind("renderer-v2/symbols/symbol/layer[1]/prop")
        }
        if layer.get("geometry") == "Point":
            assert props["color"] == _qgis_rgba(style.marker_color)
            assert props["name"] == style.marker_shape
        else:
            assert props["color"] == _qgis_rgba(style.fill, style.fill_opacity)
            assert props["outline_color"] == _qgis_rgba(style.stroke)
    tree_sources = [e.get("source") for e in root.iterfind("layer-tree-group/layer-tree-layer")]
    kinds = {
        str(m.findtext("datasource")).rsplit("layername=", 1)[1]: m.get("geometry")
        for m in root.iterfind(".//maplayer")
    }
    drawn = [str(source).rsplit("layername=", 1)[1] for source in tree_sources]
    # Points on top of the layer tree, then every polygon layer.
    first_polygon = next(i for i, name in enumerate(drawn) if kinds[name] == "Polygon")
    assert {kinds[name] for name in drawn[:first_polygon]} == {"Point"}
    assert {kinds[name] for name in drawn[first_polygon:]} == {"Polygon"}
    assert {"key_mines", "area_deposits"} == set(drawn[:first_polygon])
    assert root.findtext("properties/Paths/Absolute") == "false"


def test_qgz_is_zipped_project_beside_its_data(tmp_path: Path) -> None:
    path = export("key_mines", tmp_path / "mines.qgz")
    assert (tmp_path / "mines_data.gpkg").is_file()
    with zipfile.ZipFile(path) as archive:
        (member,) = archive.namelist()
        assert member == "mines.qgs"
        root = SafeET.fromstring(archive.read(member))
    assert (
        root.findtext("projectlayers/maplayer/datasource")
        == "./mines_data.gpkg|layername=key_mines"
    )


QGIS_PYTHON = "/usr/bin/python3"
QGIS_CHECK = """
import json, sys
from qgis.core import QgsApplication, QgsProject
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
ok = project.read(sys.argv[1])
layers = [
    {"valid": l.isValid(), "count": l.featureCount(), "color": l.renderer().symbol().color().name()}
    for l in project.mapLayers().values()
]
print(json.dumps({"ok": ok, "layers": layers}))
app.exitQgis()
"""


def _has_qgis() -> bool:
    if not Path(QGIS_PYTHON).exists():
        return False
    probe = subprocess.run([QGIS_PYTHON, "-c", "import qgis.core"], capture_output=True)
    return probe.returncode == 0


def test_qgis_opens_the_project(tmp_path: Path) -> None:
    require(_has_qgis(), "QGIS (Debian python3-qgis) is missing; `make qgis` installs it")
    export(["key_mines", "exploration_areas", "copper_bases"], tmp_path / "plan.qgz")
    moved = tmp_path / "moved"
    moved.mkdir()
    for file in ("plan.qgz", "plan_data.gpkg"):  # relative paths: the pair can move together
        shutil.move(tmp_path / file, moved / file)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path)}
    result = subprocess.run(
        [QGIS_PYTHON, "-c", QGIS_CHECK, str(moved / "plan.qgz")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["ok"]
    counts = sorted(layer["count"] for layer in report["layers"])
    assert counts == sorted(
        len(goldmap.load(n)) for n in ("key_mines", "exploration_areas", "copper_bases")
    )
    assert all(layer["valid"] for layer in report["layers"])
    colors = {layer["color"] for layer in report["layers"]}
    assert LAYER_STYLES["exploration_areas"].fill in colors
    assert LAYER_STYLES["key_mines"].marker_color in colors


# --------------------------------------------------------------------------------------------
# Bad arguments
# --------------------------------------------------------------------------------------------


def test_unknown_format_lists_the_valid_ones(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"Unknown export format 'xls'.*geojson, gpkg, shp"):
        export("key_mines", tmp_path / "x.xls", format="xls")
    with pytest.raises(ExportError, match="Unknown export format"):
        export_bytes("key_mines", format="dxf")


def test_format_cannot_be_inferred(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"Cannot tell the export format.*format="):
        export("key_mines", tmp_path / "x.dat")


def test_unknown_layer(tmp_path: Path) -> None:
    # One error for an unknown layer everywhere: the same as goldmap.load's.
    with pytest.raises(goldmap.LayerNotFoundError, match=r"Unknown layer 'gold_mines'.*key_mines"):
        export(["key_mines", "gold_mines"], tmp_path / "x.gpkg")
    with pytest.raises(goldmap.LayerNotFoundError):
        goldmap.load("gold_mines")
    with pytest.raises(ExportError, match="not a GeoDataFrame"):
        export({"t": pd.DataFrame({"a": [1]})}, tmp_path / "x.gpkg")  # type: ignore[dict-item]


def test_unwritable_path(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        export("key_mines", tmp_path / "missing" / "x.gpkg")
    (tmp_path / "dir.gpkg").mkdir()
    with pytest.raises(ExportError, match="is a folder"):
        export("key_mines", tmp_path / "dir.gpkg")


def test_existing_file_needs_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "x.geojson"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(ExportError, match=r"already exists.*overwrite=True"):
        export("key_mines", path)
    assert path.read_text(encoding="utf-8") == "old"
    export("key_mines", path, overwrite=True)
    assert json.loads(path.read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    # A QGIS project's GeoPackage counts too.
    (tmp_path / "p_data.gpkg").write_bytes(b"")
    with pytest.raises(ExportError, match=r"p_data.gpkg' already exists \(it would hold the QGIS"):
        export("key_mines", tmp_path / "p.qgs")
    # The user's own p.gpkg does not collide with the project's data.
    (tmp_path / "q.gpkg").write_bytes(b"mine")
    export("key_mines", tmp_path / "q.qgs")
    assert (tmp_path / "q.gpkg").read_bytes() == b"mine"


def test_several_layers_in_a_single_layer_format_need_a_zip(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"one layer per file.*\.zip"):
        export(["key_mines", "copper_bases"], tmp_path / "x.geojson")


def test_extension_and_format_disagree(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="ends like a 'gpkg' file but the format is 'geojson'"):
        export("key_mines", tmp_path / "x.gpkg", format="geojson")
    with pytest.raises(ExportError, match=r"Shapefiles are written zipped"):
        export("key_mines", tmp_path / "x.shp", format="shp")


def test_frame_without_crs(tmp_path: Path) -> None:
    frame = tricky_frame().set_crs(None, allow_override=True)
    with pytest.raises(MissingCRSError, match="has no CRS"):
        export({"mine": frame}, tmp_path / "x.gpkg")


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


def test_cli_export(tmp_path: Path) -> None:
    out = tmp_path / "mines.kmz"
    result = CliRunner().invoke(cli, ["export", "--format", "kmz", "-o", str(out), "key_mines"])
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(out)
    again = CliRunner().invoke(cli, ["export", "-o", str(out), "key_mines"])
    assert again.exit_code == 1
    assert again.output.strip().splitlines() == [
        f"Error: {str(out)!r} already exists. Pass overwrite=True (`--overwrite` on the "
        "command line) to replace it, or choose another path."
    ]
    replaced = CliRunner().invoke(cli, ["export", "-o", str(out), "--overwrite", "key_mines"])
    assert replaced.exit_code == 0


def test_cli_export_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    bad_format = runner.invoke(cli, ["export", "-f", "xls", "-o", str(tmp_path / "x.xls")])
    assert bad_format.exit_code == 1
    assert "Unknown export format 'xls'" in bad_format.output
    assert "Traceback" not in bad_format.output
    bad_layer = runner.invoke(cli, ["export", "-o", str(tmp_path / "x.gpkg"), "mines"])
    assert bad_layer.exit_code == 1 and "Unknown layer 'mines'" in bad_layer.output


def test_cli_export_default_layers(tmp_path: Path) -> None:
    out = tmp_path / "plan.gpkg"
    result = CliRunner().invoke(cli, ["export", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(pyogrio.list_layers(out)) == 6


def test_import_goldmap_exposes_export() -> None:
    assert goldmap.export is export
    assert set(goldmap.FORMATS) >= {"geojson", "gpkg", "shp", "kml", "kmz", "fgb", "parquet"}
    code = (
        "import sys, goldmap; print('pyogrio.raw' in sys.modules, 'goldmap.io._kml' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
