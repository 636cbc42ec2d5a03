"""The key-mine dossier: its table, the layer's columns built from it, and its checks."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import goldmap
from goldmap import _dossier_checks as checks
from goldmap._dossier import (
    DOSSIER_COLUMNS,
    dossier_records,
    headline_capacity,
    headline_output,
    headline_resource,
)
from goldmap._resources import data_path


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return dossier_records()


@pytest.fixture(scope="module")
def mines() -> Any:
    return goldmap.load("key_mines")


def _src(quote: str = "q") -> list[dict[str, str]]:
    return [{"url": "https://example.org/a", "quote": quote}]


# --------------------------------------------------------------------------------------------
# The table and the layer
# --------------------------------------------------------------------------------------------


def test_one_record_per_key_mine_with_the_plan_name(
    records: list[dict[str, Any]], mines: Any
) -> None:
    assert len(records) == 35
    assert sorted(r["id"] for r in records) == sorted(mines["id"])
    names = dict(zip(mines["id"], mines["name_zh"], strict=True))
    assert {r["id"]: r["name_zh"] for r in records} == names


def test_packaged_dossier_passes_every_check(records: list[dict[str, Any]], mines: Any) -> None:
    assert checks.record_problems(records, mine_ids=mines["id"]) == []
    assert checks.layer_problems(records, mines) == []
    assert goldmap.validate_data(checks=["dossier"]) == []


def test_layer_carries_the_dossier_columns(mines: Any) -> None:
    assert set(DOSSIER_COLUMNS) <= set(mines.columns)
    assert (
        mines["status"]
        .isin(["producing", "under_construction", "development", "exploration", "unknown"])
        .all()
    )
    by_id = mines.set_index("id")
    # Values read off the research by hand (an oracle independent of the build).
    assert by_id.at["gs-daqiao", "operator_zh"] == "甘肃金舜矿业有限责任公司"
    assert by_id.at["gs-daqiao", "listed_tickers"] == ["SSE:600547", "HKEX:01787"]
    assert by_id.at["nm-haoyaoerhudong", "listed_tickers"] == ["HKEX:02099", "TSX:CGG"]
    assert by_id.at["sd-haiyu", "status"] == "under_construction"
    assert by_id.at["sd-haiyu", "resources_t"] == pytest.approx(562.37)
    assert by_id.at["sd-haiyu", "resources_standard"] == "JORC"
    # remaining (2019) before the cumulative 2025 figure that counts mined-out ore
    assert by_id.at["sx-yixingzhai", "resources_t"] == pytest.approx(60.613)
    assert (by_id.at["sx-yixingzhai", "output_t"], by_id.at["sx-yixingzhai", "output_t_max"]) == (
        5,
        6,
    )
    assert by_id.at["sx-yixingzhai", "output_year"] == 2025
    # only part-scope figures: no headline, figures kept in the record
    assert by_id.at["gs-daqiao", "resources_t"] != by_id.at["gs-daqiao", "resources_t"]  # NaN
    assert len(by_id.at["gs-daqiao", "dossier"]["resources"]) == 2
    # guidance is not output
    assert by_id.at["qh-dachaidan", "output_t"] != by_id.at["qh-dachaidan", "output_t"]
    assert by_id.at["xz-bangpu", "status"] == "unknown"
    assert by_id.at["xz-bangpu", "dossier"]["searched"]
    # a licensed mine whose construction no source reports: development, licence capacity
    assert by_id.at["gs-yidinan", "status"] == "development"
    assert by_id.at["gs-yidinan", "status_year"] == 2024
    assert by_id.at["gs-yidinan", "resources_t"] == pytest.approx(28.569)
    assert (by_id.at["gs-yidinan", "capacity"], by_id.at["gs-yidinan", "capacity_unit"]) == (
        500000,
        "t/a",
    )
    assert by_id.at["gs-yidinan", "listed_tickers"] == ["SZSE:002155"]


def test_every_record_says_what_was_searched(records: list[dict[str, Any]]) -> None:
    for record in records:
        assert record["searched"].strip(), record["id"]


def test_stale_operators_corrected_in_the_definitions(mines: Any) -> None:
    by_id = mines.set_index("id")
    assert "甘肃金舜矿业" in by_id.at["gs-daqiao", "operator"]
    assert "刚泰" not in by_id.at["gs-daqiao", "operator"]
    assert "莱州汇金" in by_id.at["sd-shaling", "operator"]
    assert "紫金矿业" in by_id.at["sd-haiyu", "operator"]
    assert "中国黄金国际资源" in by_id.at["nm-haoyaoerhudong", "operator"]


def test_dossier_schema_is_published() -> None:
    assert data_path("schema", "key_mines_dossier.schema.json").is_file()


# --------------------------------------------------------------------------------------------
# Headline rules, on hand-written records
# --------------------------------------------------------------------------------------------


def test_headline_resource_prefers_whole_mine_remaining_newest() -> None:
    record = {
        "resources": [
            {"value_t": 1, "scope": "part", "year": 2025},
            {"value_t": 2, "scope": "mine", "includes_mined": True, "year": 2024},
            {"value_t": 3, "scope": "mine", "includes_mined": False, "year": 2019},
            {"value_t": 4, "scope": "mine", "includes_mined": False, "year": 2019},
            {"value_t": 5, "scope": "district", "year": 2026},
        ]
    }
    headline = headline_resource(record)
    assert headline is not None and headline["value_t"] == 3
    assert headline_resource({"resources": [{"value_t": 1, "scope": "part", "year": 1}]}) is None


def test_headline_output_newest_actual() -> None:
    record = {
        "output": [
            {"value_t": 1, "basis": "actual", "year": 2015},
            {"value_t": 2, "basis": "guidance", "year": 2020},
            {"value_t": 3, "basis": "actual", "year": 2016},
        ]
    }
    headline = headline_output(record)
    assert headline is not None and headline["value_t"] == 3


def test_headline_capacity_current_first() -> None:
    record = {
        "capacity": [
            {"value": 1, "basis": "design", "year": 2025},
            {"value": 2, "basis": "current", "year": 2010},
            {"value": 3, "basis": "planned", "year": 2026},
        ]
    }
    headline = headline_capacity(record)
    assert headline is not None and headline["value"] == 2


# --------------------------------------------------------------------------------------------
# A broken dossier fails each check
# --------------------------------------------------------------------------------------------


def _broken(records: list[dict[str, Any]], mine_id: str) -> tuple[list[dict[str, Any]], dict]:
    out = copy.deepcopy(records)
    return out, next(r for r in out if r["id"] == mine_id)


def test_status_outside_the_vocabulary_fails(records: list[dict[str, Any]]) -> None:
    broken, record = _broken(records, "sd-jiaojia")
    record["status"]["value"] = "operating"
    assert any("operating" in m for _, m in checks.status_problems(broken))
    assert any(i == "sd-jiaojia" for i, _ in checks.schema_problems(broken))


def test_known_status_without_source_fails(records: list[dict[str, Any]]) -> None:
    broken, record = _broken(records, "sd-jiaojia")
    record["status"]["sources"] = []
    assert checks.status_problems(broken) == [("sd-jiaojia", "status 'producing' has no source")]


def test_stake_outside_0_100_fails(records: list[dict[str, Any]]) -> None:
    broken, record = _broken(records, "sd-haiyu")
    record["owners"][0]["stake_pct"] = 120
    assert any("is not 0-100" in m for _, m in checks.stake_problems(broken))
    record["owners"][0]["stake_pct"] = -1
    assert any("is not 0-100" in m for _, m in checks.stake_problems(broken))


def test_stakes_in_one_entity_above_100_fail(records: list[dict[str, Any]]) -> None:
    broken, record = _broken(records, "sd-haiyu")
    # 山东瑞银矿业: 招金 70 % + 紫金 30 %; make 紫金 40 %
    ruiyin = [o for o in record["owners"] if o["entity_zh"] == "山东瑞银矿业发展有限公司"]
    assert [o["stake_pct"] for o in ruiyin] == [70, 30]
    ruiyin[1]["stake_pct"] = 40
    assert checks.stake_problems(broken) == [
        ("sd-haiyu", "the owners' stakes in 山东瑞银矿业发展有限公司 add up to 110 > 100")
    ]


@pytest.mark.parametrize(
    ("exchange", "good", "bad"),
    [
        ("SSE", "600547", "000975"),
        ("SZSE", "000975", "600547"),
        ("SZSE", "300750", "900001"),
        ("BSE", "830799", "600547"),
        ("HKEX", "01787", "1787.HK"),
        ("TSX", "CGG", "cgg1"),
        ("ASX", "NST", "n"),
        ("NYSE", "GOLD", "60"),
    ],
)
def test_ticker_format_per_exchange(
    records: list[dict[str, Any]], exchange: str, good: str, bad: str
) -> None:
    broken, record = _broken(records, "sd-jiaojia")
    listing = record["listed"][0]
    listing.update(exchange=exchange, ticker=good)
    assert checks.ticker_problems(broken) == []
    listing["ticker"] = bad
    assert [i for i, _ in checks.ticker_problems(broken)] == ["sd-jiaojia"]


def test_unknown_exchange_fails(records: list[dict[str, Any]]) -> None:
    broken, record = _broken(records, "sd-jiaojia")
    record["listed"][0]["exchange"] = "NASDAQ"
    assert any("NASDAQ" in m for _, m in checks.ticker_problems(broken))


@pytest.mark.parametrize("field", ["operators", "owners", "listed", "resources", "capacity"])
def test_value_without_source_fails(records: list[dict[str, Any]], field: str) -> None:
    broken, record = _broken(records, "sd-haiyu")
    record[field][0]["sources"] = []
    assert (("sd-haiyu", f"{field}[0] has no source")) in checks.source_problems(broken)
    assert any(i == "sd-haiyu" for i, _ in checks.schema_problems(broken))


def test_source_without_quote_or_url_fails(records: list[dict[str, Any]]) -> None:
    broken, record = _broken(records, "sd-haiyu")
    record["ultimate_parent"]["sources"][0]["quote"] = " "
    record["status"]["sources"][0].pop("url")
    found = checks.source_problems(broken)
    assert ("sd-haiyu", "ultimate_parent.sources[0] has no quote") in found
    assert ("sd-haiyu", "status.sources[0] has no url") in found


def test_record_of_no_key_mine_fails(records: list[dict[str, Any]], mines: Any) -> None:
    broken = copy.deepcopy(records)
    broken.append({**copy.deepcopy(broken[0]), "id": "zz-nowhere"})
    found = checks.record_problems(broken, mine_ids=mines["id"])
    assert ("zz-nowhere", "not a key mine id") in found


def test_stale_layer_fails(records: list[dict[str, Any]], mines: Any) -> None:
    stale = mines.copy()
    stale.loc[stale["id"] == "gs-daqiao", "status"] = "exploration"
    found = checks.layer_problems(records, stale)
    assert [i for i, _ in found] == ["gs-daqiao"]
    assert "make layers" in found[0][1]


# --------------------------------------------------------------------------------------------
# The details panel's dossier
# --------------------------------------------------------------------------------------------


def test_dossier_markdown_cites_every_value_in_both_languages(mines: Any) -> None:
    from goldmap.app.dossier_view import dossier_markdown
    from goldmap.app.text import md_escape

    dossier = mines.set_index("id").at["gz-nibao", "dossier"]
    zh = dossier_markdown(dossier, "zh", md_escape)
    en = dossier_markdown(dossier, "en", md_escape)
    assert "**上市公司**" in zh and "**Listed companies**" in en
    assert "(SSE:601020)" in zh and "生产 (2025)" in zh and "Producing (2025)" in en
    assert "300,000 t/a" in en and "1,000,000 t/a" in en
    urls = {s["url"] for item in dossier["operators"] + dossier["listed"] for s in item["sources"]}
    for url in urls:
        assert f"(<{url}>)" in en
    assert "“" in en and "**Annual gold output**: unknown" in en
    assert dossier_markdown(None, "en", md_escape) == ""


def test_dossier_markdown_escapes_the_data() -> None:
    from goldmap.app.dossier_view import dossier_markdown
    from goldmap.app.text import md_escape

    hostile = {
        "operators": [
            {
                "name_zh": "<script>x</script>",
                "name_en": "[a](javascript:alert(1))",
                "role": "operator",
                "as_of": 2024,
                "sources": [{"url": "javascript:alert(1)", "quote": "**bold**"}],
            }
        ],
        "status": {"value": "unknown", "sources": []},
    }
    text = dossier_markdown(hostile, "en", md_escape)
    assert "<script>" not in text and "](javascript:" not in text
    assert "(<javascript:" not in text  # not a link: only web addresses are linked
