"""Mines whose position is uncertain: no point when unknown, shared points told apart, radii."""

from __future__ import annotations

import json
import zipfile
from collections import defaultdict
from pathlib import Path

import geopandas as gpd
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


def test_uncertainty_follows_the_documented_table(mines) -> None:
    expected = mines["location_precision"].map(DOCUMENTED_KM).astype(float)
    assert (mines["location_uncertainty_km"] == expected).all()
    readme = (Path(__file__).resolve().parent.parent / "data" / "README.md").read_text()
    for precision, km in DOCUMENTED_KM.items():
        assert f"| `{precision}` | {km} |" in readme


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
    for text in ("位置未知：以地南（甘肃）", "Location unknown: Yidinan (Gansu)"):
        assert json.dumps(text)[1:-1] in page or text in page
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
    assert xincheng["_uncertainty"] == 30_000
    assert features["sd-jiaojia"]["_uncertainty"] == 10_000
    assert "_uncertainty" not in features["hn-woxi"]  # a deposit coordinate
    assert "goldmap-uncertainty" in page and "popupopen" in page


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_export_keeps_the_unknown_mine_without_a_geometry(
    fmt: str, tmp_path: Path, mines
) -> None:
    path = tmp_path / (
        "out.zip" if not FORMATS[fmt].multi_layer else f"out{FORMATS[fmt].extensions[0]}"
    )
    export({"key_mines": mines}, path, format=fmt)
    back = _read_mines(fmt, path)
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
    assert row["location_uncertainty_km"] == 30.0
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
