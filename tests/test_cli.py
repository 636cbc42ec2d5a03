"""The command line: one library call per command, one-line errors, non-zero exits."""

from __future__ import annotations

import io
import re

import pandas as pd
from click.testing import CliRunner

from goldmap.cli import cli


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_locate_prints_a_csv_with_the_answers(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("name,lon,lat\nA,120.0,37.4\n", encoding="utf-8")
    result = run("locate", str(path), "--lang", "en")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout))
    assert table.loc[0, "province_zh"] == "山东省"
    assert "Laizhou" in table.loc[0, "development_areas"]


def test_locate_says_in_one_line_where_the_features_lie_unless_quiet(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("id,name,lon,lat\n7,A,120.41,37.31\n8,B,106.9,47.9\n", encoding="utf-8")
    result = run("locate", str(path), "--lang", "en", "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == 0, result.output
    assert "2 located: 1 in China, 1 outside China, 1 in plan areas" in result.stderr
    # The user's own columns first, as they came; blank cells where there is no answer.
    written = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert written.splitlines()[0].startswith("id,name,lon,lat,province_adcode,")
    assert not re.search(r"(^|,)(None|nan|NaN|<NA>)(,|$)", written, flags=re.MULTILINE)
    table = pd.read_csv(tmp_path / "out.csv", encoding="utf-8-sig")
    assert table.loc[0, "nearest_mine_shares_point"] == "Dayingezhuang; Lingnan-Fushan"
    assert pd.isna(table.loc[1, "province_zh"])  # a blank cell, read back as missing
    chinese = run("locate", str(path))
    assert "已定位 2 个要素：中国境内 1 个，境外 1 个" in chinese.stderr
    quiet = run("-q", "locate", str(path))
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_join_reports_unmatched_rows_on_stderr(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("省份,产量\n山东,1\n火星,2\n".encode("gbk"))
    result = run("join", str(path))
    assert result.exit_code == 0, result.output
    assert "火星" in result.stderr
    table = pd.read_csv(io.StringIO(result.stdout))
    assert table.set_index("adcode").loc[370000, "产量"] == 1


def test_user_errors_are_one_line_and_exit_non_zero(tmp_path):
    result = run("locate", str(tmp_path / "missing.csv"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: No such file")
    assert "Traceback" not in result.output
    swapped = tmp_path / "s.csv"
    swapped.write_text("lon,lat\n37.4,120.0\n", encoding="utf-8")
    result = run("locate", str(swapped))
    assert result.exit_code == 1 and "swapped" in result.stderr
