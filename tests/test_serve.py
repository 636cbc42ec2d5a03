"""goldmap serve: an OGC API - Features service that real clients open (QGIS, GDAL).

One service is started for the module on a free port, waited for by asking it until it
answers, read by QGIS's OAPIF provider (Debian's QGIS, system python, offscreen) and by
pyogrio's OAPIF driver, then stopped. The GeoPackage and PostGIS sources and the
corrections are checked on the provider pygeoapi runs.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
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
from tests.test_export import QGIS_PYTHON, _has_qgis

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
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
    process = subprocess.Popen(
        [str(BIN / "goldmap"), "serve", "key_mines", "exploration_areas", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
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
