"""The command line: one library call per command, one-line errors, non-zero exits."""

from __future__ import annotations

import io

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
