"""Joining statistics tables to provinces: encodings, spellings, reports of what did not match."""

from __future__ import annotations

import pandas as pd
import pytest

import goldmap
from goldmap.stats import SOURCE_CHECKS, STATS_COLUMNS, detect_province_column, join_stats
from goldmap.validate import validate_data

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


def test_nonsense_rows_are_reported_not_dropped(tmp_path):
    rows = [*MIXED[:-1], ("Atlantis", 9.0)]
    path = write_gbk_csv(tmp_path / "t.csv", rows)
    joined = join_stats(path, province_col="地区")
    report = joined.attrs["join_report"]
    assert not report.ok
    assert report.unmatched["value"].tolist() == ["Atlantis"]
    assert report.unmatched["row"].tolist() == [8]
    # A made-up name gets no far-fetched suggestion (it once suggested Shaanxi).
    assert report.unmatched["suggestions"].tolist() == [""]
    assert "Atlantis" in str(report)
    assert len(joined) == 34


def test_two_spellings_of_one_province_are_refused_by_default_naming_the_rows(tmp_path):
    path = write_gbk_csv(tmp_path / "t.csv", MIXED)  # rows 3 and 8: Inner Mongolia, Neimenggu
    with pytest.raises(goldmap.DuplicateProvinceError) as caught:
        join_stats(path)
    message = str(caught.value)
    assert "rows 3, 8" in message and "'Inner Mongolia'" in message and "'Neimenggu'" in message
    assert "\n" not in message
    assert caught.value.rows["outcome"].tolist() == ["refused", "refused"]


@pytest.mark.parametrize(
    ("rule", "value", "outcomes"),
    [
        ("first", 3.0, ["kept", "dropped"]),
        ("last", 8.0, ["dropped", "kept"]),
        ("sum", 11.0, ["summed", "summed"]),
        ("mean", 5.5, ["averaged", "averaged"]),
    ],
)
def test_duplicates_combine_to_one_row_per_province(tmp_path, rule, value, outcomes):
    path = write_gbk_csv(tmp_path / "t.csv", MIXED)
    joined = join_stats(path, on_duplicate=rule)
    assert len(joined) == 34 and joined["adcode"].is_unique
    assert joined.set_index("adcode").loc[150000, "黄金产量"] == value
    report = joined.attrs["join_report"]
    assert report.duplicated["row"].tolist() == [3, 8]
    assert report.duplicated["outcome"].tolist() == outcomes
    assert "rows 3, 8" in str(report)


def test_sum_keeps_distinct_text_of_combined_rows():
    table = pd.DataFrame(
        {"省份": ["陕西", "Shaanxi", "山东"], "t": [1, 2, 5], "note": ["a", "b", "c"]}
    )
    joined = join_stats(table, on_duplicate="sum").set_index("adcode")
    assert joined.loc[610000, "t"] == 3
    assert joined.loc[610000, "note"] == "a; b"


def test_unknown_duplicate_rule_is_an_option_error():
    with pytest.raises(goldmap.OptionError, match=r"error, first, last, sum, mean.*'max'"):
        join_stats(pd.DataFrame({"省份": ["山东"], "t": [1]}), on_duplicate="max")


def test_numbers_are_read_as_people_type_them(tmp_path):
    path = tmp_path / "产量.csv"
    text = (
        "省份,产量（吨）,增速\n"
        '山东,"1,234.5",3%\n'
        "河南,１２３,—\n"
        "江西,45吨,-\n"
        "云南,12 t,\n"
        "甘肃,7千克,n/a\n"
        "湖南,about 9,2%\n"
    )
    path.write_bytes(text.encode("gbk"))
    joined = join_stats(path).set_index("adcode")
    values = joined["产量（吨）"]
    assert values[370000] == 1234.5
    assert values[410000] == 123
    assert values[360000] == 45
    assert values[530000] == 12
    # Missing marks are missing, not unreadable and not zero.
    assert pd.isna(joined.loc[410000, "增速"]) and pd.isna(joined.loc[360000, "增速"])
    assert joined.loc[370000, "增速"] == 3
    report = joined.attrs["join_report"]
    # 7千克 is another unit in a column of 吨; 'about 9' is no number: both named, by row.
    unreadable = report.unreadable
    assert unreadable[["row", "province", "column", "value"]].values.tolist() == [
        [5, "甘肃省", "产量（吨）", "7千克"],
        [6, "湖南省", "产量（吨）", "about 9"],
    ]
    assert pd.isna(values[620000]) and pd.isna(values[430000])
    assert not report.ok and "about 9" in str(report)
    assert report.units["产量（吨）"] == "吨"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_common_encodings_are_read(tmp_path, encoding):
    path = tmp_path / "t.csv"
    path.write_bytes("省份;产量\n山东省;10\n新疆;20\n".encode(encoding))
    joined = join_stats(path)
    assert joined.set_index("adcode").loc[650000, "产量"] == 20


# What analysts' CSVs look like; each is read as pandas' own separator sniffing reads it.
AWKWARD_CSV = {
    "semicolons": "省份;产量\n山东省;10\n新疆;20\n",
    "tabs in a .csv": "a\tb\n1\t2\n",
    "pipes": "a|b\n1|x\n",
    "quoted separators": 'name,lon,lat\n"A, the first",120.1,37.2\n"B ""q""",100,30\n',
    "a newline in quotes": 'name,lon,lat\n"line1\nline2",120.1,37.2\n',
    "blank lines": "a,b\n\n1,2\n\n3,4\n",
    "trailing separators": "a,b,\n1,2,\n",
    "repeated headers": "a,a,b\n1,2,3\n",
    "long codes, leading zeros": "id,v\n123456789012345678901,1\n007,2\n",
    "missing values": "a,b\nNA,\n-,null\n",
    "CRLF": "a,b\r\n1,2\r\n",
    "a row too long": "a,b\n1,2,3\n",
    "one column": "province\n山东\n",
    "spaces after separators": "a, b\n1, 2\n",
    "formulas": "a,b\n=1+1,@SUM(A1)\n",
    "coordinates": "x,y\n120.123456789012345,37.1\n1e-7,-0.0\n",
}


@pytest.mark.parametrize("name", AWKWARD_CSV)
@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_a_csv_reads_as_pandas_sniffing_reads_it(name, encoding):
    import io

    from goldmap.io import read_table

    text = AWKWARD_CSV[name]
    # pandas' sniffer splits a one-column table on a letter ("pro", "ince"); goldmap does not.
    sep = "," if name == "one column" else None
    expected = pd.read_csv(io.StringIO(text), sep=sep, engine="python")
    assert expected.shape[1] == 1 or name != "one column"
    pd.testing.assert_frame_equal(read_table(text.encode(encoding), filename="t.csv"), expected)


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
    with pytest.raises(goldmap.ColumnNotFoundError, match="named 'province'"):
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


def test_packaged_statistics_record_their_source_check():
    stats = goldmap.load_stats()
    assert list(stats.columns) == list(STATS_COLUMNS)
    assert stats["source_check"].isin(SOURCE_CHECKS).all()
    assert stats["source_checked"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    # A source that could not be found says so in its note.
    missing = stats[stats["source_check"] != "found"]
    assert missing["source_check_note"].str.len().gt(0).all()


def test_wide_statistics_hold_values_only():
    wide = goldmap.load_stats(wide=True)
    tidy = goldmap.load_stats()
    keys = set(tidy["indicator"] + "_" + tidy["year"].astype(str))
    assert set(wide.columns) == {"adcode", "region_zh"} | keys
    assert not any(c.startswith("source_") for c in wide.columns)
    joined = join_stats(wide[wide["adcode"] != 100000], "adcode")
    assert not any(c.startswith("source_") for c in joined.columns)
    shandong = joined.set_index("adcode").loc[370000]
    assert shandong["gold_output_provincial_reported_2023"] == pytest.approx(165.49)


def test_validate_passes_the_packaged_statistics():
    assert validate_data(checks=["stats"]) == []


def test_validate_reports_bad_source_check_fields(monkeypatch):
    table = goldmap.load_stats()
    table.loc[0, "source_check"] = "maybe"
    table.loc[1, "source_checked"] = "1 Dec 2026"
    table.loc[2, ["source_checked", "source_check"]] = [None, None]
    table.loc[3, "source_check"] = None
    table.loc[4, "value"] = float("nan")
    table.loc[5, "source_url"] = "rexun.cn"
    monkeypatch.setattr("goldmap.validate.load_stats", lambda: table)
    problems = [str(p) for p in validate_data(checks=["stats"])]
    assert any("source_check 'maybe' is not one of found, quote_not_found" in p for p in problems)
    assert any("source_checked '1 Dec 2026' is not a date" in p for p in problems)
    assert any("given together or not at all" in p for p in problems)
    assert any("is not a number" in p for p in problems)
    assert any("source_url is not a web address" in p for p in problems)
    assert all(p.startswith("gold_statistics[") for p in problems)
    assert len(problems) == 5


def test_validate_reports_a_note_without_a_check_and_missing_columns(monkeypatch):
    table = goldmap.load_stats()
    table.loc[2, ["source_checked", "source_check"]] = [None, None]
    table.loc[2, "source_check_note"] = "looked, unsure"
    monkeypatch.setattr("goldmap.validate.load_stats", lambda: table)
    problems = [str(p) for p in validate_data(checks=["stats"])]
    where = "gold_statistics[100000:gold_resources_national:2019]"
    assert problems == [f"{where}: source_check_note without a source_check"]
    monkeypatch.setattr("goldmap.validate.load_stats", lambda: table.drop(columns="source_check"))
    problems = [str(p) for p in validate_data(checks=["stats"])]
    assert problems == ["gold_statistics[*]: missing columns: source_check"]


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
