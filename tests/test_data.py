"""The plan layers: exact counts, every Column 1 name once, sources everywhere, all valid."""

from __future__ import annotations

import re

import geopandas as gpd
import pytest
from click.testing import CliRunner

import goldmap
from goldmap._resources import data_path
from goldmap.cli import cli
from goldmap.crs import EQUAL_AREA_CRS
from goldmap.validate import OFFSHORE_TOLERANCE_KM, _check_sources, validate_data

PLAN_LAYERS = ["key_mines", "exploration_areas", "development_areas"]


def column1() -> dict[str, list[str]]:
    """Split Column 1 of the authoritative Chinese text into its three lists of names."""
    text = data_path("plan", "gold-plan-2025-2027.zh.txt").read_text(encoding="utf-8")
    flat = re.sub(r"\s+", "", text)
    box = flat[flat.index("专栏1国内黄金资源开发重点方向") : flat.index("（二）强化关键技术")]
    exploration = re.search("重点资源勘探区域：(.*?)等。", box).group(1)
    development = re.search("重点资源开发区域：(.*?)等。", box).group(1)
    mines = re.search("重点开发矿山：(.*?)等矿山。", box).group(1)
    province = "山东|河南|甘肃|湖南|江西|内蒙古|新疆|西藏|青海|云南|山西|贵州|辽宁"
    mine_names = [
        name
        for part in re.split("，", mines)
        for name in re.sub(f"^({province})", "", part).split("、")
    ]
    return {
        "exploration": re.split("[，、]", exploration),
        "development": re.split("[，、]", development),
        "mines": mine_names,
    }


def test_plan_text_has_35_mines_8_exploration_and_7_development_areas():
    names = column1()
    assert len(names["mines"]) == 35
    assert len(names["exploration"]) == 8
    # "冀北-辽西、吉南-辽东等黄金资源地" and the next two are one list of 7 places.
    assert len(re.split("[，、]", "、".join(names["development"]))) == 7


def test_counts_are_exact():
    assert len(goldmap.load("key_mines")) == 35
    assert len(goldmap.load("exploration_areas")) == 8
    assert len(goldmap.load("development_areas")) == 7


def test_every_key_mine_of_the_plan_appears_once():
    mines = goldmap.load("key_mines")
    expected = sorted(column1()["mines"])
    assert sorted(mines["name_zh"]) == expected
    assert mines["name_en"].str.len().gt(0).all()
    assert mines["name_plan_en"].str.len().gt(0).all()
    assert mines["id"].is_unique


@pytest.mark.parametrize("kind", ["exploration", "development"])
def test_every_area_of_the_plan_appears_once(kind):
    areas = goldmap.load(f"{kind}_areas")
    plan_text = "、".join(column1()[kind])
    for name in areas["name_zh"]:
        assert name.replace("、", "") in plan_text.replace("、", "")
    assert areas["name_zh"].is_unique and areas["name_en"].is_unique


def test_seed_translation_errors_are_corrected():
    mines = goldmap.load("key_mines").set_index("name_zh")
    assert mines.loc["乌拉山-哈德门", "name_en"] == "Wulashan-Hadamen"
    assert mines.loc["乌拉山-哈德门", "name_plan_en"] == "Wulashan-Hadmen"
    assert mines.loc["塞瓦亚尔顿", "name_plan_en"] == "Saiwayalton"
    development = goldmap.load("development_areas")
    zijin = development[development["name_zh"].str.contains("紫金山")]
    assert zijin["name_en"].str.contains("Zijinshan").all()


@pytest.mark.parametrize(
    "layer", [*PLAN_LAYERS, "area_deposits", "copper_bases", "consolidation_provinces"]
)
def test_every_feature_has_a_source_with_url_and_quote(layer):
    frame = goldmap.load(layer)
    for sources in frame["sources"]:
        assert sources, "feature without sources"
        for source in sources:
            assert source["url"].strip() and source["quote"].strip()


def test_validation_reports_a_feature_without_source():
    mines = goldmap.load("key_mines")
    mines.at[mines.index[0], "sources"] = []
    problems = _check_sources("key_mines", mines)
    assert [p.feature for p in problems] == [mines.iloc[0]["id"]]


def test_offshore_mines_are_flagged_and_checked_against_the_coast():
    mines = goldmap.load("key_mines")
    haiyu = mines[mines["name_zh"] == "海域"].iloc[0]
    assert haiyu["offshore"] and haiyu["county_zh"] == "莱州市"
    county = goldmap.load("counties").set_index("adcode").loc[haiyu["county_adcode"], "geometry"]
    pair = gpd.GeoSeries([haiyu.geometry, county], crs=4326).to_crs(EQUAL_AREA_CRS)
    assert pair.iloc[0].distance(pair.iloc[1].boundary) / 1000 <= OFFSHORE_TOLERANCE_KM
    if county.covers(haiyu.geometry):
        # A point on land can only be an anchor the sources name, never the orebody.
        assert haiyu["location_precision"] not in ("deposit", "mine_site")
        assert "NOT the deposit position" in haiyu["notes"]


def test_province_precision_mines_are_listed_as_open_questions():
    mines = goldmap.load("key_mines")
    readme = data_path("README.md").read_text(encoding="utf-8")
    open_part = readme[readme.index("## Open questions") :]
    for row in mines[mines["location_precision"] == "province"].itertuples():
        assert row.id in open_part and row.name_zh in open_part


def test_uncertain_mines_say_why():
    mines = goldmap.load("key_mines")
    coarse = mines[mines["location_precision"].isin(["county", "province"])]
    assert coarse["notes"].str.len().gt(20).all()


def test_validate_passes_on_the_shipped_data():
    problems = validate_data()
    assert problems == [], "\n".join(map(str, problems))


def test_cli_validate_and_layers():
    runner = CliRunner()
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output
    listing = runner.invoke(cli, ["layers"])
    assert listing.exit_code == 0
    assert re.search(r"key_mines\s+35", listing.output)
