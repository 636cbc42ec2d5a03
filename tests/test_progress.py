"""goldmap.progress(): the plan's 2027 targets against the cited statistics, by hand and by rule."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import goldmap
from goldmap.cli import cli
from goldmap.tracking import STATUSES, progress
from goldmap.validate import validate_data
from tests.prerequisites import require_module

STATS_CSV = Path(__file__).resolve().parent.parent / "data" / "stats" / "gold_statistics.csv"


def _figure(indicator: str, year: int) -> float:
    """Read one national figure straight from the CSV, without goldmap."""
    with STATS_CSV.open(encoding="utf-8") as f:
        rows = [
            r
            for r in csv.DictReader(f)
            if r["indicator"] == indicator and r["adcode"] == "100000" and r["year"] == str(year)
        ]
    assert len(rows) == 1, (indicator, year)
    return float(rows[0]["value"])


def test_gold_output_status_computed_by_hand() -> None:
    baseline, latest = _figure("gold_output_total", 2024), _figure("gold_output_total", 2025)
    goal = baseline * 1.05  # 黄金产量增长 5%以上 by 2027
    so_far = latest / baseline - 1  # one year
    needed = (goal / latest) ** (1 / 2) - 1  # two years left, 2026 and 2027
    expected = "met" if latest >= goal else "on_track" if needed <= so_far else "behind"
    row = progress().set_index("id").loc["gold_output"]
    assert expected == "behind"  # +1.1% so far against the ~1.9% a year still needed
    assert row["status"] == expected
    assert row["baseline"] == baseline == 377.24
    assert (row["latest_year"], row["latest"]) == (2025, latest)
    assert row["target"] == pytest.approx(goal)
    assert row["change_pct"] == pytest.approx(so_far * 100)
    assert row["growth_so_far_pct"] == pytest.approx(so_far * 100)
    assert row["growth_needed_pct"] == pytest.approx(needed * 100)
    assert row["done_share"] == pytest.approx((latest - baseline) / (goal - baseline))


def test_every_figure_is_a_row_of_the_statistics_with_its_source() -> None:
    stats = goldmap.load_stats()
    table = progress()
    assert set(table["status"]) <= set(STATUSES)
    for row in table.itertuples():
        for year, value, url in (
            (row.baseline_year, row.baseline, row.baseline_source_url),
            (row.latest_year, row.latest, row.latest_source_url),
        ):
            if isinstance(value, float) and math.isnan(value):
                assert not url
                continue
            match = stats[
                (stats["indicator"] == row.indicator)
                & (stats["year"] == year)
                & (stats["value"] == value)
            ]
            assert list(match["source_url"]) == [url], (row.id, year)


def test_targets_without_figures_say_no_data_and_what_was_searched() -> None:
    table = progress().set_index("id")
    for target in ("gold_resources", "silver_output", "large_mines_share", "solid_waste"):
        assert table.loc[target, "status"] == "no_data"
        assert table.loc[target, "not_found"], target
    # The resources' latest comparable figure is 2022 (new classification), not the 2019 one.
    assert table.loc["gold_resources", "latest_year"] == 2022
    assert math.isnan(table.loc["gold_resources", "baseline"])
    assert table.loc["silver_output", "baseline"] == 3426


def _stats(rows: list[tuple[str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"adcode": 100000, "indicator": i, "year": y, "value": v, "source_url": "https://x.org",
             "source_quote": "q"}
            for i, y, v in rows
        ]
    )  # fmt: skip


GOLD, RES, SHARE = "gold_output_total", "gold_resources_national", "gold_output_share_mines_500tpd"


@pytest.mark.parametrize(
    ("rows", "target", "status"),
    [
        ([(GOLD, 2024, 100), (GOLD, 2025, 106)], "gold_output", "met"),
        (
            [(GOLD, 2024, 100), (GOLD, 2025, 103)],
            "gold_output",
            "on_track",  # needs (105/103)^(1/2)-1 = 0.97% a year, has done 3%
        ),
        ([(GOLD, 2024, 100), (GOLD, 2025, 99)], "gold_output",
         "behind"),
        ([(GOLD, 2024, 100)], "gold_output", "no_data"),
        ([(GOLD, 2025, 110)], "gold_output", "no_data"),  # no baseline
        # A range (5%~10%) is met at its lower bound.
        ([(RES, 2024, 100), (RES, 2026, 105)],
         "gold_resources", "met"),
        # Resource figures before 2020 (old classification) never count.
        ([(RES, 2019, 100)], "gold_resources", "no_data"),
        ([(SHARE, 2024, 60), (SHARE, 2025, 71)],
         "large_mines_share", "met"),
        ([(SHARE, 2024, 60), (SHARE, 2025, 65)],
         "large_mines_share", "on_track"),
        ([(SHARE, 2024, 60), (SHARE, 2026, 61)],
         "large_mines_share", "behind"),
    ],
)  # fmt: skip
def test_status_rules(rows, target: str, status: str) -> None:
    table = progress(stats=_stats(rows)).set_index("id")
    assert table.loc[target, "status"] == status


def test_as_of_measures_with_the_figures_of_that_year() -> None:
    table = progress(as_of=2024).set_index("id")
    assert table.loc["gold_output", "status"] == "no_data"
    assert table.loc["gold_output", "latest_year"] == 2024
    with pytest.raises(goldmap.OptionError, match="as_of"):
        progress(as_of="2024")  # type: ignore[arg-type]


def test_validate_checks_the_targets(monkeypatch) -> None:
    assert validate_data(checks=["targets"]) == []
    spec = goldmap.plan_targets()
    spec["targets"][1]["baseline"]["value"] = 380.0
    spec["targets"][2]["plan_words_zh"] = "白银产量翻番"
    spec["targets"][3]["not_found"] = None
    monkeypatch.setattr("goldmap._target_checks.plan_targets", lambda: spec)
    problems = [str(p) for p in validate_data(checks=["targets"])]
    assert problems == [
        "targets[gold_output]: baseline value 380.0 is not the statistics table's (377.24) for "
        "2024",
        "targets[silver_output]: the plan's words '白银产量翻番' are not in the plan's text",
        "targets[large_mines_share]: no figure after the baseline year, and no record of what was "
        "searched",
    ]


def test_cli_progress_prints_and_writes(tmp_path: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(cli, ["progress", "--lang", "en"])
    assert shown.exit_code == 0, shown.output
    assert "[behind] Gold and silver output up 5% or more (gold)" in shown.output
    assert "2025: 381.339 t" in shown.output
    assert "[落后于进度] 黄金、白银产量增长 5%以上" in runner.invoke(cli, ["progress"]).output
    out = tmp_path / "progress.csv"
    assert runner.invoke(cli, ["progress", "-o", str(out)]).exit_code == 0
    written = pd.read_csv(out, encoding="utf-8-sig")
    assert written.set_index("id").loc["gold_output", "status"] == "behind"
    again = runner.invoke(cli, ["progress", "-o", str(out)])
    assert again.exit_code == 1 and "already exists" in again.output
    as_json = tmp_path / "progress.json"
    assert runner.invoke(cli, ["progress", "-o", str(as_json)]).exit_code == 0
    assert len(json.loads(as_json.read_text(encoding="utf-8"))) == len(written)
    bad = runner.invoke(cli, ["progress", "-o", str(tmp_path / "p.txt")])
    assert bad.exit_code == 1 and ".csv, .json" in bad.output and "Traceback" not in bad.output


@pytest.mark.parametrize(("lang", "behind"), [("zh", "落后于进度"), ("en", "behind")])
def test_progress_figure_draws_a_row_per_target_with_status_and_sources(lang, behind) -> None:
    require_module("matplotlib")
    from goldmap.maps.progress_chart import progress_figure

    fig = progress_figure(lang=lang, dpi=60)
    assert [ax.get_label() for ax in fig.axes] == [f"progress:{i}" for i in progress()["id"]]
    texts = [t.get_text() for t in fig.texts]
    assert texts.count(behind) == 1
    assert any("https://udn.com/news/story/7333/9312234" in t for t in texts)
    assert any("2025" in t and "381.339" in t for t in texts)


def test_cli_figure_progress_writes_a_png_and_refuses_an_area(tmp_path: Path) -> None:
    require_module("matplotlib")
    from PIL import Image

    runner = CliRunner()
    out = tmp_path / "progress.png"
    args = ["figure", "--progress", "-o", str(out), "--lang", "en", "--dpi", "50"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    with Image.open(out) as image:
        assert image.width == 500
    bad = runner.invoke(cli, [*args[:3], str(tmp_path / "x.png"), "--area", "exp-gansu-gannan"])
    assert bad.exit_code == 1 and "national" in bad.output and "Traceback" not in bad.output
