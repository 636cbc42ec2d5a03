"""goldmap serve: an OGC API - Features service that real clients open (QGIS, GDAL).

One service is started for the module on a free port, waited for by asking it until it
answers, read by QGIS's OAPIF provider (Debian's QGIS, system python, offscreen) and by
pyogrio's OAPIF driver, its HTML pages parsed and one drawn in Chromium with every request
off the service counted, then stopped. The GeoPackage and PostGIS sources and the
corrections are checked on the provider pygeoapi runs.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pyogrio
import pytest
import shapely

import goldmap
from goldmap._ogc_provider import LayerProvider
from goldmap.errors import LayerNotFoundError, OptionError
from goldmap.schema import schema
from goldmap.serve import service_config
from tests.postgis_server import PostGIS
from tests.prerequisites import require, require_module
from tests.test_export import QGIS_PYTHON, _has_qgis

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
CORRECTIONS = (
    "id,lon,lat,location_precision,source_url,source_quote\n"
    "sd-jiaojia,119.9512,37.3987,deposit,https://example.org/report.pdf,"
    '"The Jiaojia mine (119.9512 E, 37.3987 N)"\n'
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_answering(process: subprocess.Popen[bytes], url: str, limit: float = 120) -> None:
    """Ask ``url`` until it answers 200; fail early if the service exits."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        try:  # the pause between two asks, which also notices an early exit
            process.wait(timeout=0.25)
        except subprocess.TimeoutExpired:
            continue
        output = process.stdout.read().decode() if process.stdout else ""
        pytest.fail(f"goldmap serve exited with {process.returncode}: {output[-2000:]}")
    pytest.fail(f"goldmap serve did not answer {url} within {limit} s")


@pytest.fixture(scope="module")
def service() -> Iterator[str]:
    port = free_port()
    # The checkout's goldmap (the current directory comes first on the module path).
    process = subprocess.Popen(
        [sys.executable, "-m", "goldmap.cli", "serve", "key_mines", "exploration_areas",
         "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(process, f"{url}/collections?f=json")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout:
            process.stdout.close()


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))


def test_collections_are_titled_in_both_languages(service: str) -> None:
    english = _get(f"{service}/collections/key_mines?f=json")
    chinese = _get(f"{service}/collections/key_mines?f=json&lang=zh")
    assert english["title"] == "Key mines" and chinese["title"] == "重点开发矿山"
    assert "Column 1" in english["description"] and "来源" in chinese["description"]


def test_queryables_are_the_json_schema(service: str) -> None:
    queryables = _get(f"{service}/collections/key_mines/queryables?f=json")["properties"]
    published = schema("key_mines")["properties"]
    # `corrected` is a field of corrected layers only.
    assert set(queryables) - {"geometry"} == set(published) - {"corrected"}
    assert queryables["name_zh"]["description"] == published["name_zh"]["description"]
    assert queryables["commodity"]["type"] == "array"
    assert "deposit" in queryables["location_precision"]["enum"]


def test_bbox_property_filters_and_paging(service: str) -> None:
    mines = goldmap.load("key_mines")
    items = f"{service}/collections/key_mines/items?f=json"
    box = (119.0, 36.5, 121.0, 38.0)
    inside = mines[mines.geometry.notna() & mines.intersects(shapely.box(*box))]
    page = _get(f"{items}&bbox={','.join(map(str, box))}&limit=4")
    assert page["numberMatched"] == len(inside) and page["numberReturned"] == 4
    rest = _get(f"{items}&bbox={','.join(map(str, box))}&limit=4&offset=4")
    ids = [f["id"] for f in page["features"] + rest["features"]]
    assert ids == inside["id"].tolist()[: len(ids)]
    shandong = _get(f"{items}&province_en=Shandong&limit=100")
    assert shandong["numberMatched"] == int((mines.province_en == "Shandong").sum())
    copper = _get(f"{items}&commodity=copper&limit=100")
    has_copper = mines["commodity"].map(lambda c: "copper" in c)
    assert sorted(f["id"] for f in copper["features"]) == sorted(mines.id[has_copper])


def test_pyogrio_reads_the_service(service: str) -> None:
    # goldmap keeps GDAL off the network for users' files; this test is a client.
    options = {"GDAL_HTTP_PROXY": None, "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": None}
    previous = {k: pyogrio.get_gdal_config_option(k) for k in options}
    pyogrio.set_gdal_config_options(options)
    try:
        served = pyogrio.read_dataframe(f"OAPIF:{service}/collections/key_mines")
    finally:
        pyogrio.set_gdal_config_options(previous)
    mines = goldmap.load("key_mines")
    assert len(served) == len(mines) == 35
    served = served.set_index("id").loc[mines.id]
    assert served["name_zh"].tolist() == mines["name_zh"].tolist()
    placed = mines.geometry.notna().to_numpy()
    assert served.geometry.isna().to_numpy().tolist() == (~placed).tolist()
    assert shapely.equals_exact(
        served.geometry.to_numpy()[placed], mines.geometry.to_numpy()[placed], tolerance=1e-9
    ).all()


_FETCHED = {"stylesheet", "icon", "apple-touch-icon", "mask-icon", "manifest", "preload",
            "prefetch", "modulepreload", "preconnect", "dns-prefetch"}  # fmt: skip


class _References(HTMLParser):
    """Collect what a page loads (``src``, stylesheets, icons, CSS ``url()``) and its links."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        for key in ("src", "srcset", "poster", "data", "background"):
            if key in values:
                self.loads.append(values[key])
        if "href" in values:
            # A <link> is fetched for these relations; the others (alternate, license,
            # service-doc ...) only name a document, like <a>.
            fetched = tag == "link" and set(values.get("rel", "").lower().split()) & _FETCHED
            (self.loads if fetched or tag not in ("a", "link") else self.links).append(
                values["href"]
            )
        if tag == "meta" and values.get("property", values.get("name", "")).endswith("image"):
            self.loads.append(values.get("content", ""))
        self.loads += [
            m.strip("'\"") for m in re.findall(r"url\(([^)]*)\)", values.get("style", ""))
        ]

    def handle_data(self, data: str) -> None:  # inline <style> and <script>
        self.loads += [m.strip("'\"") for m in re.findall(r"url\(([^)#][^)]*)\)", data)]
        self.loads += re.findall(r"@import\s+['\"]([^'\"]+)", data)


def _page(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.headers.get_content_type() == "text/html", url
        return response.read().decode("utf-8")


def _off(service: str, page: str, refs: list[str]) -> list[str]:
    """Return the references of ``page`` that leave the service's origin."""
    origin = urllib.parse.urlsplit(service)[:2]
    absolute = (urllib.parse.urljoin(page, r.strip()) for r in refs if r.strip())
    return [u for u in absolute if u.startswith("http") and urllib.parse.urlsplit(u)[:2] != origin]


# The pages of the service a browser is sent to: landing, collections, a collection, its
# items, an item, the collection's queryables, conformance and the OpenAPI page (both UIs).
HTML_PAGES = [
    "/?f=html", "/collections?f=html", "/collections/key_mines?f=html",
    "/collections/key_mines/items?f=html", "/collections/exploration_areas/items?f=html",
    "/collections/key_mines/items/sd-jiaojia?f=html", "/collections/key_mines/queryables?f=html",
    "/conformance?f=html", "/openapi?f=html", "/openapi?f=html&ui=redoc",
    "/?f=html&lang=zh", "/collections/key_mines/items?f=html&lang=zh",
]  # fmt: skip


def test_html_pages_load_nothing_from_outside_the_service(service: str) -> None:
    config = service_config(["key_mines"])
    metadata = config["metadata"]
    # Links a reader may click, each for a reason: the service's own metadata (project,
    # licence), pygeoapi's credit in the footer, OGC's identifiers of the CRS and the
    # conformance classes, and on an item page the sources the feature itself cites.
    credits = {
        metadata["identification"]["url"], metadata["identification"]["terms_of_service"],
        metadata["license"]["url"], metadata["provider"]["url"], "https://pygeoapi.io",
    }  # fmt: skip
    item = _get(f"{service}/collections/key_mines/items/sd-jiaojia?f=json")
    cited = json.dumps(item["properties"], ensure_ascii=False)
    for path in HTML_PAGES:
        url = f"{service}{path}"
        refs = _References()
        refs.feed(_page(url))
        assert refs.loads, path
        assert _off(service, url, refs.loads) == [], path
        for link in _off(service, url, refs.links):
            ok = (
                link in credits
                or link.startswith("http://www.opengis.net/")
                # pygeoapi turns URLs in the text into links, a bare domain into https://
                or ("/items/" in path and link.split("://", 1)[1].rstrip(":.,;)") in cited)
            )
            assert ok, (path, link)
    landing = _References()
    landing.feed(_page(f"{service}/?f=html"))
    assert f"{service}/static/goldmap/serve.css" in landing.loads
    items = _References()
    items.feed(_page(f"{service}/collections/key_mines/items?f=html"))
    assert f"{service}/static/goldmap/leaflet.js" in items.loads
    for asset in ("leaflet.js", "leaflet.css", "serve.css"):
        with urllib.request.urlopen(f"{service}/static/goldmap/{asset}", timeout=30) as r:
            body = r.read().decode("utf-8")
        assert r.status == 200 and body
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", body), asset


def test_an_items_page_draws_its_map_in_chromium_with_no_request_off_the_service(
    service: str,
) -> None:
    chromium = "/usr/bin/chromium"
    require(Path(chromium).exists(), f"{chromium} is missing (`make browser`: Debian chromium)")
    sync_api = require_module("playwright.sync_api")
    origin = urllib.parse.urlsplit(service)[:2]
    asked: list[str] = []
    off: list[str] = []

    def route(request_route: object) -> None:
        request = request_route.request  # type: ignore[attr-defined]
        asked.append(request.url)
        if urllib.parse.urlsplit(request.url)[:2] != origin and request.url.startswith("http"):
            off.append(request.url)
            request_route.abort()  # type: ignore[attr-defined]
        else:
            request_route.continue_()  # type: ignore[attr-defined]

    placed = int(goldmap.load("key_mines").geometry.notna().sum())
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.route("**/*", route)
            page.goto(f"{service}/collections/key_mines/items?f=html&limit=100")
            # One circle per placed mine, drawn by Leaflet in the page's map.
            page.wait_for_function(
                "n => document.querySelectorAll('#items-map path.leaflet-interactive').length"
                " === n",
                arg=placed,
                timeout=60_000,
            )
            page.wait_for_load_state("networkidle")
            assert page.locator("#items-map.leaflet-container").count() == 1
        finally:
            browser.close()
    assert off == [], off
    assert any(u.endswith("/static/goldmap/leaflet.js") for u in asked), asked


QGIS_READ = """
import json, os, sys
from qgis.core import QgsApplication, QgsVectorLayer
app = QgsApplication([], False)
app.initQgis()
uri = f"url='{sys.argv[1]}' typename='key_mines' restrictToRequestBBOX='0'"
layer = QgsVectorLayer(uri, "key_mines", "OAPIF")
features = list(layer.getFeatures())
print(json.dumps({
    "valid": layer.isValid(),
    "error": layer.error().message(),
    "count": layer.featureCount(),
    "names": sorted(f["name_zh"] for f in features),
    "points": sorted([f["id"], f.geometry().asPoint().x(), f.geometry().asPoint().y()]
                     for f in features if not f.geometry().isNull()),
}, ensure_ascii=False), flush=True)
# QGIS 3.22 may crash tearing down its network-backed providers; the answer is out already.
os._exit(0)
"""


def test_qgis_opens_a_collection(service: str, tmp_path: Path) -> None:
    if not _has_qgis():
        if os.environ.get("CI") == "true":
            pytest.fail("QGIS (Debian python3-qgis) is missing; `make qgis` installs it")
        pytest.skip("QGIS is not installed (Debian: apt-get install python3-qgis qgis-providers)")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path)}
    result = subprocess.run(
        [QGIS_PYTHON, "-c", QGIS_READ, service],
        capture_output=True, text=True, env=env, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["valid"], report["error"]
    mines = goldmap.load("key_mines")
    assert report["count"] == 35
    assert report["names"] == sorted(mines["name_zh"])
    placed = mines[mines.geometry.notna()]
    expected = sorted([i, g.x, g.y] for i, g in zip(placed.id, placed.geometry, strict=True))
    assert [p[0] for p in report["points"]] == [p[0] for p in expected]
    for got, want in zip(report["points"], expected, strict=True):
        assert got[1:] == pytest.approx(want[1:], abs=1e-9)


def _provider(config: dict, layer: str) -> LayerProvider:
    return LayerProvider(config["resources"][layer]["providers"][0])


def test_corrections_reach_the_served_mines(tmp_path: Path) -> None:
    fix = tmp_path / "fix.csv"
    fix.write_text(CORRECTIONS, encoding="utf-8")
    config = service_config(["key_mines"], corrections=fix)
    mine = _provider(config, "key_mines").get("sd-jiaojia")
    assert list(mine["geometry"]["coordinates"]) == [119.9512, 37.3987]
    assert mine["properties"]["sources"][0]["url"] == "https://example.org/report.pdf"
    with pytest.raises(OptionError, match="export with --corrections first"):
        service_config(gpkg=tmp_path / "x.gpkg", corrections=fix)


def test_a_geopackage_and_postgis_serve_the_same_features(tmp_path: Path, postgis: PostGIS) -> None:
    gpkg = goldmap.export(["key_mines", "development_areas"], tmp_path / "plan.gpkg")
    from goldmap.io.postgis import export_postgis

    export_postgis(["key_mines", "development_areas"], postgis.url, overwrite=True)
    packaged = service_config(["key_mines", "development_areas"])
    tables = service_config(["key_mines", "development_areas"], db=postgis.url)
    for source in (service_config(gpkg=gpkg), tables):
        assert list(source["resources"])[:2] == ["key_mines", "development_areas"]
        for layer in ("key_mines", "development_areas"):
            want = _provider(packaged, layer).query(limit=100)
            got = _provider(source, layer).query(limit=100)
            assert got["numberMatched"] == want["numberMatched"]
            names = [f["properties"]["name_zh"] for f in got["features"]]
            assert names == [f["properties"]["name_zh"] for f in want["features"]]
            # Lists stored as JSON text in the GeoPackage are served as lists again.
            assert (
                got["features"][0]["properties"]["sources"]
                == (want["features"][0]["properties"]["sources"])
            )
    with pytest.raises(LayerNotFoundError, match="No layer 'nope'"):
        service_config(["nope"], db=postgis.url)
