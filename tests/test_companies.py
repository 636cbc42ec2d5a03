"""Companies and the key mines: goldmap.companies(), the company filter, `goldmap companies`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

import goldmap
from goldmap import _dossier_checks as checks
from goldmap._dossier import dossier_records
from goldmap.cli import cli
from goldmap.exposure import COMPANY_COLUMNS, companies, write_companies
from goldmap.maps import filter_layer, make_map


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return companies()


def _row(table: pd.DataFrame, name_zh: str) -> dict[str, Any]:
    rows = table[table["name_zh"] == name_zh].to_dict("records")
    assert len(rows) == 1, name_zh
    return rows[0]


def test_one_row_per_company_with_its_listings(table: pd.DataFrame) -> None:
    assert list(table.columns) == list(COMPANY_COLUMNS)
    keys = table["name_zh"].fillna(table["name_en"])
    assert keys.is_unique
    sd = _row(table, "山东黄金矿业股份有限公司")
    assert sd["listed"] and sorted(sd["tickers"]) == ["HKEX:01787", "SSE:600547"]
    # Listed companies come first.
    assert table["listed"].tolist() == sorted(table["listed"].tolist(), reverse=True)


def test_mines_areas_and_sums_worked_by_hand(table: pd.DataFrame) -> None:
    sd = _row(table, "山东黄金矿业股份有限公司")
    assert set(sd["mine_ids"]) == {
        "sd-xincheng", "sd-sanshandao", "sd-jiaojia", "sd-linglong", "sd-penglai",
        "gs-daqiao", "qh-dachaidan",
    }  # fmt: skip
    # 焦家 442.26 t + 大柴旦 17.48 t; the other five have no whole-mine figure.
    assert sd["resources_t"] == pytest.approx(459.74)
    assert sd["resources_unknown"] == 5
    assert pd.isna(sd["output_t"]) and sd["output_unknown"] == 7
    assert "dev-shandong-laizhou-zhaoyuan" in sd["area_ids"]
    hunan = _row(table, "湖南黄金股份有限公司")
    # 沃溪 22.84 t + 万古 300.2 t + 以地南 28.569 t
    assert hunan["resources_t"] == pytest.approx(351.609)
    assert set(hunan["area_ids"]) == {"exp-hunan-xuefengshan", "dev-hunan-pingjiang-liling"}
    zijin = _row(table, "紫金矿业集团股份有限公司")
    # 义兴寨 5-6 t (2025) + 水银洞 2.18-3.11 t (2006): ranges summed bound by bound
    assert (zijin["output_t"], zijin["output_t_max"]) == (pytest.approx(7.18), pytest.approx(9.11))
    huayu = _row(table, "西藏华钰矿业股份有限公司")
    assert huayu["mine_ids"] == ["gz-nibao"]
    assert huayu["area_ids"] == ["dev-guizhou-zhenfeng-puan"]


def test_every_listed_parent_is_a_company(table: pd.DataFrame) -> None:
    assert checks.listed_company_problems(dossier_records(), table) == []
    missing = table[~table["tickers"].map(lambda t: "SSE:601020" in t)]
    assert checks.listed_company_problems(dossier_records(), missing) == [
        ("gz-nibao", "listed parent SSE:601020 is not in companies()")
    ]


def test_companies_need_the_dossier() -> None:
    with pytest.raises(goldmap.GoldmapError, match="dossier"):
        companies(mines=goldmap.load("key_mines").drop(columns="dossier"))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("601020", ["gz-nibao"]),
        ("SSE:601020", ["gz-nibao"]),
        ("CGG", ["nm-haoyaoerhudong", "xz-jiama"]),
        ("china gold international", ["nm-haoyaoerhudong", "xz-jiama"]),
        ("华钰", ["gz-nibao"]),
        (["华钰", "湖南黄金"], ["gs-yidinan", "gz-nibao", "hn-wangu", "hn-woxi"]),
        ("no such company", []),
    ],
)
def test_company_filter(query: Any, expected: list[str]) -> None:
    mines = goldmap.load("key_mines")
    assert sorted(filter_layer(mines, company=query)["id"]) == expected


def test_a_companys_whole_name_filters_to_the_mines_of_its_row(table: pd.DataFrame) -> None:
    # The app's company view filters by the whole name: the map must show the row's mines,
    # not those of every company whose name contains it (中国黄金集团有限公司 ⊂ …香港…).
    mines = goldmap.load("key_mines")
    for row in table.to_dict("records"):
        name = row["name_zh"] if isinstance(row["name_zh"], str) else row["name_en"]
        assert sorted(filter_layer(mines, company=name)["id"]) == sorted(row["mine_ids"]), name
    part = filter_layer(mines, company="中国黄金")["id"]
    assert set(part) > set(_row(table, "中国黄金集团有限公司")["mine_ids"])


def test_a_ticker_matches_its_listings_in_any_spelling() -> None:
    mines = goldmap.load("key_mines")
    ids = {q: set(filter_layer(mines, company=q)["id"]) for q in ("1787", "01787", "600547")}
    assert ids["1787"] == ids["01787"] == ids["600547"]
    assert "gs-daqiao" in ids["1787"]


def test_company_filter_leaves_the_areas() -> None:
    areas = goldmap.load("exploration_areas")
    assert len(filter_layer(areas, company="601020")) == len(areas)


def test_map_of_one_company() -> None:
    html = make_map(["key_mines"], lang="zh", company="CGG").get_root().render()
    assert "甲玛" in html and "浩尧尔忽洞" in html
    assert "焦家" not in html


def test_cli_companies_prints_a_table() -> None:
    result = CliRunner().invoke(cli, ["companies"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # The company with the most key mines comes first (紫金: 8 since the second research
    # round found 李坝's holder), then 山东黄金 with its 7.
    assert lines[0].startswith("紫金矿业集团股份有限公司\tHKEX:02899, SSE:601899\t8 mines")
    assert lines[1].startswith("山东黄金矿业股份有限公司\tSSE:600547, HKEX:01787\t7 mines")


@pytest.mark.parametrize("ending", [".csv", ".xlsx", ".json"])
def test_cli_companies_writes_a_file(tmp_path: Path, ending: str, table: pd.DataFrame) -> None:
    out = tmp_path / f"companies{ending}"
    result = CliRunner().invoke(cli, ["companies", "-o", str(out)])
    assert result.exit_code == 0, result.output
    if ending == ".json":
        back = json.loads(out.read_text(encoding="utf-8"))
        assert back[0]["tickers"] == table["tickers"].iloc[0]
        assert len(back) == len(table)
        return
    read = pd.read_csv if ending == ".csv" else pd.read_excel
    back = read(out)
    assert list(back.columns) == list(COMPANY_COLUMNS)
    assert json.loads(back["mine_ids"].iloc[0]) == table["mine_ids"].iloc[0]
    again = CliRunner().invoke(cli, ["companies", "-o", str(out)])
    assert again.exit_code == 1 and "overwrite" in again.output


def test_companies_refuse_an_unknown_ending(tmp_path: Path, table: pd.DataFrame) -> None:
    with pytest.raises(goldmap.ExportError, match=r"\.csv, \.xlsx, \.json"):
        write_companies(table, tmp_path / "companies.txt")
