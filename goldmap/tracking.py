"""Measure the plan's 2027 targets against goldmap's cited statistics: ``goldmap.progress()``.

The targets are data (``data/plan/targets.yaml``): each names the indicator of the statistics
table (``data/stats/gold_statistics.csv``) that measures it, its baseline year, the plan's
rule and the plan's own words. Every figure :func:`progress` reports is a row of the
statistics table, with its source; nothing is estimated, interpolated or carried forward.
"""

from __future__ import annotations

import copy
import functools
import math
from pathlib import Path
from typing import Any

import pandas as pd

from goldmap._resources import read_packaged
from goldmap.errors import ExportError, OptionError
from goldmap.io._files import check_output
from goldmap.io._table_writer import write_table

__all__ = [
    "PROGRESS_FORMATS",
    "RULE_KINDS",
    "STATUSES",
    "plan_targets",
    "progress",
    "rule_text",
    "save_progress",
]

#: The statuses :func:`progress` gives, from best to unknown.
STATUSES = ("met", "on_track", "behind", "no_data")

#: How a target is stated: growth on the baseline (at least, or a range), or a level to reach.
RULE_KINDS = ("growth_at_least", "growth_range", "level_at_least")

#: Files :func:`save_progress` writes, by extension.
PROGRESS_FORMATS = (".csv", ".json")


@functools.cache
def _targets() -> dict[str, Any]:
    import yaml  # here: `import goldmap` must stay light

    loaded: dict[str, Any] = read_packaged(
        lambda path: yaml.safe_load(path.read_text(encoding="utf-8")), "plan", "targets.yaml"
    )
    return loaded


def plan_targets() -> dict[str, Any]:
    """Return the plan's quantitative 2027 targets as goldmap ships them.

    Returns
    -------
    dict
        ``target_year`` (2027), ``baseline`` (the baseline year, that it is inferred, why, and
        the sources), ``not_measured`` (the plan's targets with no number to measure, and
        why) and ``targets``: per target its ``id``, ``plan_target`` (the id in
        :func:`goldmap.plan`), ``plan_words_zh``/``plan_words_en``, ``indicator`` (of the
        statistics table), ``name_zh``/``name_en``, ``unit``, ``adcode``, ``rule``,
        ``baseline`` (year and value), how the indicator compares with the plan's words,
        and, where nothing is published, ``not_found`` (what was searched). A fresh copy.

    Examples
    --------
    >>> [t["id"] for t in plan_targets()["targets"]][:2]
    ['gold_resources', 'gold_output']
    """
    return copy.deepcopy(_targets())


def rule_text(rule: dict[str, Any], baseline_year: int, lang: str) -> str:
    """Say a target's rule in words (``"≥ +5% on 2024"``, ``"较2024年增长≥5%"``).

    Examples
    --------
    >>> rule_text({"kind": "level_at_least", "min": 70}, 2024, "en")
    '≥ 70%'
    """
    kind = rule["kind"]
    low = _number(rule["min"] if kind == "level_at_least" else rule["min_pct"])
    if kind == "level_at_least":
        return f"≥ {low}%"
    if kind == "growth_range":
        high = _number(rule["max_pct"])
        if lang == "zh":
            return f"较{baseline_year}年增长{low}%~{high}%（达到{low}%即达成）"
        return f"+{low}% to +{high}% on {baseline_year} (met at +{low}%)"
    return f"较{baseline_year}年增长≥{low}%" if lang == "zh" else f"≥ +{low}% on {baseline_year}"


def _number(value: float) -> str:
    return f"{value:g}"


def _target_value(rule: dict[str, Any], baseline: float) -> tuple[float, float]:
    """Return the value to reach (the lower bound of a range) and the upper bound, if any."""
    kind = rule["kind"]
    if kind == "level_at_least":
        return float(rule["min"]), math.nan
    upper = baseline * (1 + rule["max_pct"] / 100) if kind == "growth_range" else math.nan
    return baseline * (1 + rule["min_pct"] / 100), upper


def _series(stats: pd.DataFrame, target: dict[str, Any], as_of: int | None) -> pd.DataFrame:
    """Return the target's comparable figures, oldest first, up to ``as_of``."""
    mask = (stats["indicator"] == target["indicator"]) & (stats["adcode"] == target["adcode"])
    rows = stats[mask]
    rows = rows[rows["year"] >= target.get("series_from", 0)]
    if as_of is not None:
        rows = rows[rows["year"] <= as_of]
    ordered: pd.DataFrame = rows.sort_values("year")
    return ordered


def _growth_pct(start: float, end: float, years: int) -> float:
    """Return the compound annual growth from ``start`` to ``end`` over ``years``, in %."""
    if years <= 0 or not start > 0 or not end > 0:
        return math.nan
    return float(((end / start) ** (1 / years) - 1) * 100)


def _status(row: dict[str, Any]) -> str:
    """Apply the status rules of :func:`progress` to one target's figures."""
    after_baseline = not math.isnan(row["latest"]) and row["latest_year"] > row["baseline_year"]
    if after_baseline and not math.isnan(row["target"]) and row["latest"] >= row["target"]:
        return "met"
    if not after_baseline or math.isnan(row["baseline"]):
        return "no_data"
    needed, so_far = row["growth_needed_pct"], row["growth_so_far_pct"]
    if row["latest"] >= row["baseline"] and not math.isnan(needed) and needed <= so_far:
        return "on_track"
    return "behind"


def _changes(
    baseline: float, latest: float, goal: float, years: tuple[int, int, int]
) -> dict[str, float]:
    """Return the change so far and the growth needed; NaN unless measured after the baseline."""
    base_year, latest_year, target_year = years
    if latest_year <= base_year:
        return dict.fromkeys(
            ("change_pct", "done_share", "growth_so_far_pct", "growth_needed_pct"), math.nan
        )
    return {
        "change_pct": (latest / baseline - 1) * 100,
        "done_share": (latest - baseline) / (goal - baseline),
        "growth_so_far_pct": _growth_pct(baseline, latest, latest_year - base_year),
        "growth_needed_pct": _growth_pct(latest, goal, target_year - latest_year),
    }


def _measure(
    target: dict[str, Any], stats: pd.DataFrame, year: int, as_of: int | None
) -> dict[str, Any]:
    """Return one target's row of :func:`progress`."""
    series = _series(stats, target, as_of)
    base_year = int(target["baseline"]["year"])
    base_rows = series[series["year"] == base_year]
    baseline = float(base_rows["value"].iloc[0]) if len(base_rows) else math.nan
    latest = series.iloc[-1] if len(series) else None
    latest_value = math.nan if latest is None else float(latest["value"])
    latest_year = None if latest is None else int(latest["year"])
    goal, upper = _target_value(target["rule"], baseline)
    row: dict[str, Any] = {
        "id": target["id"],
        "plan_target": target["plan_target"],
        "plan_words_zh": target["plan_words_zh"],
        "plan_words_en": target["plan_words_en"],
        "indicator": target["indicator"],
        "name_zh": target["name_zh"],
        "name_en": target["name_en"],
        "unit": target["unit"],
        "rule_zh": rule_text(target["rule"], base_year, "zh"),
        "rule_en": rule_text(target["rule"], base_year, "en"),
        "baseline_year": base_year,
        "baseline": baseline,
        "target_year": year,
        "target": goal,
        "target_upper": upper,
        "latest_year": latest_year,
        "latest": latest_value,
    }
    row.update(_changes(baseline, latest_value, goal, (base_year, latest_year or 0, year)))
    row["status"] = _status(row)
    row.update(_sources(base_rows, latest, target))
    return row


def _sources(
    base_rows: pd.DataFrame, latest: pd.Series | None, target: dict[str, Any]
) -> dict[str, str]:
    """Return the baseline's and the latest figure's sources, and the target's notes."""
    searched = target.get("not_found")
    return {
        "baseline_source_url": str(base_rows["source_url"].iloc[0]) if len(base_rows) else "",
        "latest_source_url": "" if latest is None else str(latest["source_url"]),
        "latest_source_quote": "" if latest is None else str(latest["source_quote"]),
        "note_zh": target["note_zh"],
        "note_en": target["note_en"],
        "not_found": "" if not searched else f"{searched['what']}: {searched['searched']}",
    }


def progress(*, as_of: int | None = None, stats: pd.DataFrame | None = None) -> pd.DataFrame:
    """Measure each quantitative 2027 target of the plan against the cited statistics.

    The baseline year is 2024 for every target: the plan states none, and goldmap infers 2024
    from its period (2025-2027) and its signing in March 2025 (see
    ``plan_targets()["baseline"]``). A growth target's value to reach is the baseline times
    (1 + the plan's percentage); a range (5%~10%) counts its lower bound. A level target (a
    share of 70% or more) is its number. Only figures of one comparable series count (resource
    figures from 2020 on, under GB/T 17766-2020).

    Status rules, checked in this order:

    - **met**: a figure for a year after the baseline year reaches the value to reach.
    - **no data**: the baseline is not published, or no figure after the baseline year is.
    - **on track**: the latest figure is at least the baseline, and the annual growth still
      needed to reach the target by 2027 (``growth_needed_pct``, compound, from the latest
      figure) is at most the annual growth so far (``growth_so_far_pct``, compound, from the
      baseline).
    - **behind**: otherwise (the figure fell below the baseline, or the growth still needed
      is faster than the growth so far, or 2027 has passed without the target met).

    Parameters
    ----------
    as_of : int, optional
        Use only figures up to this year (the state of things as that year's figures made
        it); all years by default.
    stats : pandas.DataFrame, optional
        A statistics table in the form of :func:`goldmap.load_stats`; the packaged one by
        default.

    Returns
    -------
    pandas.DataFrame
        One row per target: ``id``, ``plan_target``, ``plan_words_zh``/``_en`` (the plan's
        words), ``indicator``, ``name_zh``/``_en``, ``unit``, ``rule_zh``/``_en``,
        ``baseline_year``, ``baseline`` (NaN where not published), ``target_year``,
        ``target`` (the value to reach, in ``unit``), ``target_upper`` (a range's upper
        bound), ``latest_year`` and ``latest`` (the latest comparable figure, even one before
        the baseline year), ``change_pct`` (latest on baseline), ``done_share`` (the share of
        the required change achieved: 0 at the baseline, 1 at the target),
        ``growth_so_far_pct`` and ``growth_needed_pct`` (per year), ``status`` (one of
        :data:`STATUSES`), ``baseline_source_url``, ``latest_source_url``,
        ``latest_source_quote``, ``note_zh``/``_en`` and ``not_found`` (what was searched
        where nothing is published).

    Raises
    ------
    OptionError
        When ``as_of`` is not a year.

    Examples
    --------
    >>> gold = progress().set_index("id").loc["gold_output"]
    >>> gold["status"], int(gold["latest_year"]), float(gold["baseline"])
    ('behind', 2025, 377.24)
    """
    if as_of is not None and (isinstance(as_of, bool) or not isinstance(as_of, int)):
        raise OptionError(f"as_of must be a year such as 2025; got {as_of!r}.")
    if stats is None:
        from goldmap.stats import load_stats

        stats = load_stats()
    spec = _targets()
    rows = [_measure(t, stats, int(spec["target_year"]), as_of) for t in spec["targets"]]
    table = pd.DataFrame(rows)
    table["latest_year"] = table["latest_year"].astype("Int64")
    return table


def save_progress(path: str | Path, *, overwrite: bool = False) -> Path:
    """Write :func:`progress` to a CSV (UTF-8 with BOM, for Excel) or JSON file.

    Parameters
    ----------
    path : str or pathlib.Path
        Output file ending in ``.csv`` or ``.json``.
    overwrite : bool, default False
        Replace ``path`` if it exists.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ExportError
        When the extension is not one of :data:`PROGRESS_FORMATS` or the folder is missing.
    OutputExistsError
        When ``path`` exists and ``overwrite`` is False.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in PROGRESS_FORMATS:
        raise ExportError(
            f"Cannot write the progress table to {str(target)!r}; end the file name in one of "
            f"{', '.join(PROGRESS_FORMATS)}."
        )
    check_output(target, overwrite=overwrite)  # before the work
    return write_table(progress(), target, sheet_name="progress", overwrite=overwrite)
