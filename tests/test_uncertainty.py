"""Mines whose position is uncertain: no point when unknown, shared points told apart, radii."""

from __future__ import annotations

import json
import logging
import zipfile
from collections import defaultdict
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

import goldmap
from goldmap.io.write import FORMATS, export
from goldmap.maps.build import make_map, to_html
from tests.pages import map_features
from tests.prerequisites import require_module

UNKNOWN = "gs-yidinan"
#: The mines that share one stand-in point, as the issue names them.
STACKS = (
    ("sd-sanshandao", "sd-haiyu", "sd-xiling"),
    ("sd-xincheng", "sd-shaling"),
    ("sd-xiadian", "sd-dayingezhuang", "sd-lingnan-fushan"),
)
#: The README's documented radius per precision class, in km.
DOCUMENTED_KM = {"deposit": 1, "mine_site": 3, "town": 10, "county": 30, "province": 300}


@pytest.fixture(scope="module")
def mines() -> gpd.GeoDataFrame:
    return goldmap.load("key_mines")


@pytest.fixture(scope="module")
def raw_features() -> list[dict]:
    path = Path(__file__).resolve().parent.parent / "data" / "mines" / "key_mines.geojson"
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def test_the_unknown_mine_has_a_null_geometry_and_says_so(mines, raw_features) -> None:
    raw = next(f for f in raw_features if f["properties"]["id"] == UNKNOWN)
    assert raw["geometry"] is None  # RFC 7946: an unlocated feature
    assert raw["properties"]["location_known"] is False
    assert raw["properties"]["province_zh"] == "甘肃省"
    row = mines.set_index("id").loc[UNKNOWN]
    assert row.geometry is None
    assert row["location_precision"] == "province"
    others = mines[mines["id"] != UNKNOWN]
    assert others["location_known"].all() and others.geometry.notna().all()


def _definitions() -> dict[str, dict]:
    import yaml

    folder = Path(__file__).resolve().parent.parent / "data" / "mines" / "definitions"
    records = [r for f in sorted(folder.glob("*.yaml")) for r in yaml.safe_load(f.read_text())]
    return {r["id"]: r for r in records}


def _farthest_km(point: shapely.Point, outline) -> float:
    """Geodesic km from the point to the farthest vertex of the outline, rounded up."""
    from pyproj import Geod

    xy = shapely.get_coordinates(shapely.boundary(outline))
    _, _, metres = Geod(ellps="WGS84").inv(
        [point.x] * len(xy), [point.y] * len(xy), xy[:, 0], xy[:, 1]
    )
    return float(np.ceil(max(metres) / 1000))


def test_every_radius_is_recomputed_from_the_boundaries_and_the_evidence(mines) -> None:
    """Class value as a floor, the whole county for a stand-in, the stated distance + margin."""
    definitions = _definitions()
    counties = goldmap.load("counties").set_index("adcode").geometry
    for row in mines.itertuples():
        terms = [DOCUMENTED_KM[row.location_precision]]
        if row.location_precision == "county":
            terms.append(_farthest_km(row.geometry, counties[int(row.county_adcode)]))
        evidence = definitions[row.id].get("uncertainty_evidence")
        if evidence:
            terms.append(evidence["km"] + evidence["margin_km"])
        assert row.location_uncertainty_km == pytest.approx(max(terms)), row.id
        assert f"{max(terms):g} km" in row.uncertainty_basis_en, row.id
        assert f"{max(terms):g} 公里" in row.uncertainty_basis_zh, row.id


def test_a_county_stand_in_circle_holds_its_whole_county(mines) -> None:
    counties = goldmap.load("counties").set_index("adcode").geometry
    stand_ins = mines[mines["location_precision"] == "county"]
    assert len(stand_ins) >= 15
    for row in stand_ins.itertuples():
        circle = gpd.GeoSeries([row.geometry], crs=4326).to_crs(
            f"+proj=aeqd +lat_0={row.geometry.y} +lon_0={row.geometry.x} +datum=WGS84"
        )
        county = gpd.GeoSeries([counties[int(row.county_adcode)]], crs=4326).to_crs(circle.crs)
        disk = circle.buffer(row.location_uncertainty_km * 1000 + 1, 256)
        assert disk.iloc[0].contains(county.iloc[0]), row.id


def test_the_class_values_are_documented_as_floors(mines) -> None:
    readme = (Path(__file__).resolve().parent.parent / "data" / "README.md").read_text()
    for precision, km in DOCUMENTED_KM.items():
        assert f"| `{precision}` | {km} |" in readme
    floors = mines["location_precision"].map(DOCUMENTED_KM).astype(float)
    assert (mines["location_uncertainty_km"] >= floors).all()
    # The stand-ins the issue named, each wider than the 30 km it had.
    named = mines.set_index("id")["location_uncertainty_km"]
    assert named["xz-duolong"] > 110 and named["xj-sawayaerdun"] > 110
    assert named["nm-bilihe"] >= 100 and named["nm-haoyaoerhudong"] >= 138


def test_validate_refuses_a_county_stand_in_whose_circle_misses_the_county(mines) -> None:
    from goldmap.validate import _check_mines

    shrunk = mines.copy()
    shrunk.loc[shrunk["id"] == "xz-duolong", "location_uncertainty_km"] = 30.0
    problems = [str(p) for p in _check_mines(shrunk)]
    assert any("xz-duolong" in p and "does not cover its county" in p for p in problems)
    below = mines.copy()
    below.loc[below["id"] == "xz-xiongcun", "location_uncertainty_km"] = 0.5
    problems = [str(p) for p in _check_mines(below)]
    assert any("xz-xiongcun" in p and "below the deposit class value" in p for p in problems)


def test_shares_point_with_is_symmetric_and_matches_the_coordinates(raw_features) -> None:
    at: dict[tuple[float, float], set[str]] = defaultdict(set)
    for f in raw_features:
        if f["geometry"] is not None:
            at[tuple(f["geometry"]["coordinates"])].add(f["properties"]["id"])
    shares = {f["properties"]["id"]: f["properties"]["shares_point_with"] for f in raw_features}
    for f in raw_features:
        mine = f["properties"]["id"]
        together = at[tuple(f["geometry"]["coordinates"])] if f["geometry"] else {mine}
        assert set(shares[mine]) == together - {mine}, mine
        assert all(mine in shares[other] for other in shares[mine]), mine
    for group in STACKS:
        for mine in group:
            assert set(shares[mine]) == set(group) - {mine}


def test_stands_for_names_the_county_or_town(mines) -> None:
    rows = mines.set_index("id")
    assert rows.loc["sd-xincheng", "stands_for_zh"] == "莱州市代表点——矿山位于该县内某处"
    assert rows.loc["sd-xincheng", "stands_for_en"].startswith("Laizhou City representative")
    assert "金城镇" in rows.loc["sd-jiaojia", "stands_for_zh"]  # town precision: the town
    assert rows.loc["xz-jiama", "stands_for_zh"] == ""  # mine_site: the point is the mine
    for row in mines.itertuples():
        if row.location_precision == "county":
            assert row.stands_for_zh.startswith(row.county_zh), row.id


def test_the_map_lists_the_unknown_mine_and_does_not_draw_it(mines) -> None:
    page = to_html(make_map(["key_mines"], lang="zh"))
    for text in ("位置未知：以地南（甘肃）", "Yidinan (Gansu)"):  # its name in both languages
        assert json.dumps(text)[1:-1] in page or text in page
    assert "Location unknown" not in page  # the Chinese page says it in Chinese only
    drawn = [f for f in _map_features(page) if f["properties"].get("_layer") == "key_mines"]
    assert len(drawn) == len(mines) - 1
    assert UNKNOWN not in {f["properties"]["id"] for f in drawn}


def _map_features(page: str) -> list[dict]:
    """Return the features of every goldmap GeoJSON layer written into the page."""
    return map_features(page)


def test_the_popup_of_a_county_mine_names_its_county_and_the_radius_is_in_the_map() -> None:
    page = to_html(make_map(["key_mines"], lang="en"))
    features = {
        f["properties"]["id"]: f["properties"]
        for f in _map_features(page)
        if f["properties"].get("_layer") == "key_mines"
    }
    xincheng = features["sd-xincheng"]
    assert (
        "Laizhou City representative point — the mine is somewhere in this county"
        in (xincheng["_popup"])
    )
    assert "Shaling" in xincheng["_popup"]  # the mine it shares the point with
    radius = goldmap.load("key_mines").set_index("id")["location_uncertainty_km"]
    for mine in ("sd-xincheng", "sd-jiaojia", "hn-woxi", "xz-duolong"):
        assert features[mine]["_uncertainty"] == radius[mine] * 1000, mine
    assert features["xz-duolong"]["_uncertainty"] > 400_000  # the whole of 改则县
    assert "May lie within" in xincheng["_popup"] and "53 km of the point" in xincheng["_popup"]
    assert "How the radius was derived" in xincheng["_popup"]
    assert "goldmap-uncertainty" in page and "popupopen" in page


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_export_keeps_the_unknown_mine_without_a_geometry(
    fmt: str, tmp_path: Path, mines, caplog
) -> None:
    path = tmp_path / (
        "out.zip" if not FORMATS[fmt].multi_layer else f"out{FORMATS[fmt].extensions[0]}"
    )
    with caplog.at_level(logging.WARNING, logger="goldmap.io.write"):
        export({"key_mines": mines}, path, format=fmt)
    back = _read_mines(fmt, path)
    if fmt == "fgb":
        # FlatGeobuf keeps its spatial index, which cannot hold a feature without geometry:
        # that feature alone is left out, and the warning names it.
        assert UNKNOWN in caplog.text and "FlatGeobuf" in caplog.text
        assert len(back) == len(mines) - 1 and UNKNOWN not in set(back["id"])
        info = pyogrio.read_info(path.parent / "x" / "key_mines.fgb")
        assert info["capabilities"]["fast_spatial_filter"]
        return
    assert len(back) == len(mines)
    ids = back["id"] if "id" in back else back["id2"]
    row = back.loc[ids.astype(str) == UNKNOWN]
    assert len(row) == 1
    geometry = row.geometry.iloc[0]
    assert geometry is None or geometry.is_empty
    placed = back.geometry[ids.astype(str) != UNKNOWN]
    assert placed.notna().all() and (placed.geom_type == "Point").all()


def _read_mines(fmt: str, path: Path) -> gpd.GeoDataFrame:
    if fmt in ("geojson", "fgb", "parquet", "csv"):
        with zipfile.ZipFile(path) as archive:
            archive.extractall(path.parent / "x")
        file = path.parent / "x" / f"key_mines{FORMATS[fmt].extensions[0]}"
        if fmt == "parquet":
            return gpd.read_parquet(file)
        if fmt == "csv":
            table = pd.read_csv(file, encoding="utf-8-sig")
            assert list(table.columns[:2]) == ["lon", "lat"]
            points = [
                None if pd.isna(x) else shapely.Point(x, y)
                for x, y in zip(table["lon"], table["lat"], strict=True)
            ]
            return gpd.GeoDataFrame(table, geometry=points, crs=4326)
        return pyogrio.read_dataframe(file)
    if fmt == "shp":
        return pyogrio.read_dataframe(f"/vsizip/{path}/key_mines.shp")
    if fmt in ("kml", "kmz"):
        return pyogrio.read_dataframe(path, layer=0)
    data = path.with_name(f"{path.stem}_data.gpkg") if fmt in ("qgs", "qgz") else path
    return pyogrio.read_dataframe(data, layer="key_mines")


def test_validate_accepts_the_unknown_mine_and_still_checks_its_province(mines) -> None:
    from goldmap.validate import _check_mines

    assert _check_mines(mines) == []
    wrong = mines.copy()
    wrong.loc[wrong["id"] == UNKNOWN, "province_adcode"] = 370000
    problems = [str(p) for p in _check_mines(wrong)]
    assert any(UNKNOWN in p and "province" in p for p in problems), problems


def test_a_correction_gives_the_unknown_mine_a_position() -> None:
    table = pd.DataFrame(
        {
            "id": [UNKNOWN],
            "lon": [102.9],
            "lat": [34.98],
            "location_precision": ["county"],
            "source_url": ["https://example.org/report"],
            "source_quote": ["以地南金矿位于合作市"],
        }
    )
    fixed = goldmap.load("key_mines", corrections=table).set_index("id")
    row = fixed.loc[UNKNOWN]
    assert row["location_known"] and row.geometry is not None
    # A county stand-in's circle holds its whole county, whoever placed the point.
    counties = goldmap.load("counties").set_index("adcode").geometry
    reach = _farthest_km(row.geometry, counties[int(row["county_adcode"])])
    assert row["location_uncertainty_km"] == max(30.0, reach)
    assert row["stands_for_zh"].startswith(str(row["county_zh"]))
    assert goldmap.validate_data(checks=["key_mines", "schema"], corrections=table) == []


def test_locate_never_names_the_unknown_mine_nearest() -> None:
    # 以地南 has no point; a prospect in Gansu gets a placed mine as its nearest.
    points = pd.DataFrame(
        {"name": ["Gannan", "Wuwei"], "lon": [102.9, 102.64], "lat": [34.9, 37.93]}
    )
    located = goldmap.locate(points)
    assert UNKNOWN not in set(located["nearest_mine_id"].astype(str))
    assert located["nearest_mine_km"].notna().all()


def test_the_dask_path_agrees_and_skips_the_unknown_mine() -> None:
    dask_geopandas = require_module("dask_geopandas")
    points = gpd.GeoDataFrame(
        {"name": ["a", "b", "c"]},
        geometry=[shapely.Point(102.9, 34.9), shapely.Point(102.64, 37.93), shapely.Point(120, 37)],
        crs=4326,
    )
    located = goldmap.locate(dask_geopandas.from_geopandas(points, npartitions=2))
    located = located.compute() if hasattr(located, "compute") else located
    assert UNKNOWN not in set(located["nearest_mine_id"].astype(str))
    expected = goldmap.locate(points)
    assert list(located["nearest_mine_id"].astype(str)) == list(
        expected["nearest_mine_id"].astype(str)
    )


def test_the_figure_lists_the_unknown_mine_without_drawing_it() -> None:
    require_module("matplotlib")
    from goldmap.maps.static import figure

    fig = figure(lang="en", province="Gansu", dpi=60)
    assert any("Yidinan (Gansu, location unknown" in t.get_text() for t in fig.texts)


def test_plan_area_test_deposits_use_the_key_mines_own_points(mines) -> None:
    """The same deposit is in one place: 水银洞 and 甲玛 were 19.3 and 12.2 km apart."""
    deposits = goldmap.load("area_deposits")
    points = mines.set_index("id").geometry
    for name, mine in (("水银洞", "gz-shuiyindong"), ("甲玛", "xz-jiama"), ("沃溪", "hn-woxi")):
        (deposit,) = deposits[deposits["name_zh"].str.startswith(name)].geometry
        assert deposit.equals_exact(points[mine], 1e-9), name


def test_offshore_distance_is_one_function_for_validate_and_corrections() -> None:
    import shapely
    from pyproj import Geod

    from goldmap import _mine_location, validate
    from goldmap.corrections import _checks

    assert validate.distance_km is _mine_location.distance_km is _checks.distance_km
    # Densified, so that its northern edge follows the parallel 32°N once projected.
    square = shapely.segmentize(shapely.box(104.0, 30.0, 106.0, 32.0), 0.01)
    assert _mine_location.distance_km(shapely.Point(105, 31), square) == 0.0
    assert _mine_location.distance_km(shapely.Point(105, 32), square) == 0.0
    # Due north of the square's edge on the central meridian: the geodesic is the oracle.
    expected = Geod(ellps="WGS84").inv(105, 32, 105, 33)[2] / 1000
    km = _mine_location.distance_km(shapely.Point(105, 33), square)
    assert km == pytest.approx(expected, rel=1e-6)
