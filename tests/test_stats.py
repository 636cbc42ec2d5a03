"""Joining statistics tables to provinces: encodings, spellings, reports of what did not match."""

from __future__ import annotations

import pandas as pd
import pytest

import goldmap
from goldmap.stats import detect_province_column, join_stats

MIXED = [
    ("鲁", 1.0),  # one-character abbreviation
    ("河南省", 2.0),  # full Chinese name
    ("Inner Mongolia", 3.0),  # English
    ("Xinjiang Uygur Autonomous Region", 4.0),  # English full
    ("gansu sheng", 5.0),  # pinyin with generic word
    ("Yúnnán", 6.0),  # pinyin with tone marks
    ("西藏", 7.0),  # short Chinese
    ("Neimenggu", 8.0),  # pinyin, same province as row 3
]


def write_gbk_csv(path, rows, *, header=("地区", "黄金产量")):
    lines = [",".join(header)] + [f"{name},{value}" for name, value in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return path


def test_gbk_csv_with_mixed_spellings_matches_every_row(tmp_path):
    rows = MIXED[:-1]
    path = write_gbk_csv(tmp_path / "产量.csv", rows)
    joined = join_stats(path)
    report = joined.attrs["join_report"]
    assert report.ok and report.matched == len(rows)
    values = joined.set_index("adcode")["黄金产量"]
    assert values[370000] == 1.0
    assert values[410000] == 2.0
    assert values[150000] == 3.0
    assert values[650000] == 4.0
    assert values[620000] == 5.0
    assert values[530000] == 6.0
    assert values[540000] == 7.0
    # Provinces the table does not mention are missing, not zero.
    assert pd.isna(values[110000])
    assert len(joined) == 34


def test_nonsense_and_duplicate_rows_are_reported_not_dropped(tmp_path):
    rows = [*MIXED, ("Atlantis", 9.0)]
    path = write_gbk_csv(tmp_path / "t.csv", rows)
    joined = join_stats(path, province_col="地区")
    report = joined.attrs["join_report"]
    assert not report.ok
    assert report.unmatched["value"].tolist() == ["Atlantis"]
    assert report.unmatched["row"].tolist() == [9]
    assert set(report.duplicated["value"]) == {"Inner Mongolia", "Neimenggu"}
    # Both Inner Mongolia rows are kept: nothing silently dropped.
    assert sorted(joined.loc[joined["adcode"] == 150000, "黄金产量"]) == [3.0, 8.0]
    assert "Atlantis" in str(report)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_common_encodings_are_read(tmp_path, encoding):
    path = tmp_path / "t.csv"
    path.write_bytes("省份;产量\n山东省;10\n新疆;20\n".encode(encoding))
    joined = join_stats(path)
    assert joined.set_index("adcode").loc[650000, "产量"] == 20


def test_xlsx_and_adcode_columns(tmp_path):
    path = tmp_path / "t.xlsx"
    pd.DataFrame({"code": [370000, 620000], "value": [1, 2]}).to_excel(path, index=False)
    joined = join_stats(path)
    assert joined.attrs["join_report"].province_col == "code"
    assert joined.set_index("adcode").loc[620000, "value"] == 2


def test_detects_the_province_column_among_others():
    table = pd.DataFrame({"year": [2023, 2023], "where": ["山东", "Henan"], "t": [1.0, 2.0]})
    assert detect_province_column(table) == "where"


def test_clear_errors_for_bad_tables(tmp_path):
    with pytest.raises(goldmap.ColumnNotFoundError, match="province_col"):
        join_stats(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}))
    with pytest.raises(goldmap.ColumnNotFoundError, match="'省份'"):
        join_stats(pd.DataFrame({"a": ["山东"]}), province_col="省份")
    with pytest.raises(goldmap.InputFileError, match="Unsupported table type"):
        join_stats(tmp_path / "t.pdf")
    with pytest.raises(goldmap.InputFileError, match="No such file"):
        join_stats(tmp_path / "missing.csv")


def test_join_does_not_change_the_callers_table():
    table = pd.DataFrame({"省份": ["山东"], "v": [1]})
    before = table.copy()
    join_stats(table)
    pd.testing.assert_frame_equal(table, before)


def test_packaged_statistics_are_cited_and_tidy():
    stats = goldmap.load_stats()
    assert {"adcode", "indicator", "year", "value", "unit", "source_url", "source_quote"} <= set(
        stats.columns
    )
    assert stats["source_url"].str.startswith("http").all()
    assert stats["source_quote"].str.strip().str.len().gt(0).all()
    assert stats["value"].notna().all()
    national = stats[(stats["adcode"] == 100000) & (stats["year"] == 2024)]
    values = dict(zip(national["indicator"], national["value"], strict=False))
    assert values.get("gold_output_total") == pytest.approx(377.24)
    assert values.get("gold_consumption") == pytest.approx(985.31)
    provincial = stats[stats["adcode"] != 100000]
    assert provincial["adcode"].map(goldmap.resolve_province).eq(provincial["adcode"]).all()


# Some reports write figures digit by digit in Chinese numerals (三八一點三三九 = 381.339).
CHINESE_DIGITS = str.maketrans("〇○零一二三四五六七八九點点", "000123456789..")


def test_every_statistic_quote_contains_its_number():
    stats = goldmap.load_stats()
    for row in stats.itertuples():
        number = repr(float(row.value)).removesuffix(".0")
        quote = row.source_quote.replace(",", "").translate(CHINESE_DIGITS)
        assert number in quote, (row.indicator, row.year, number)


def test_province_summary_counts_mines_and_plan_area():
    summary = goldmap.province_summary().set_index("name_zh")
    mines = goldmap.load("key_mines")
    assert summary["key_mines"].sum() == len(mines) == 35
    assert summary.loc["山东省", "key_mines"] == 11
    assert 0 < summary.loc["福建省", "plan_area_share"] < 1
    assert (summary["plan_area_km2"] <= summary["area_km2"]).all()
    assert summary.loc["北京市", "plan_area_km2"] == 0
