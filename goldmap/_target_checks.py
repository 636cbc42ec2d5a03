"""Check the plan's targets as data (data/plan/targets.yaml) against the plan and the statistics."""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

from goldmap._plan import plan, plan_text
from goldmap.tracking import RULE_KINDS, plan_targets

__all__ = ["target_problems"]

_RULE_NUMBERS = {
    "growth_at_least": ("min_pct",),
    "growth_range": ("min_pct", "max_pct"),
    "level_at_least": ("min",),
}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _cited(items: list[dict[str, Any]]) -> list[str]:
    """Return what is wrong with a list of cited items (each needs a web address and a quote)."""
    problems = []
    for item in items:
        if not str(item.get("url", "")).startswith("http"):
            problems.append(f"source {item.get('url')!r} is not a web address")
        if not str(item.get("quote", "")).strip():
            problems.append(f"source {item.get('url')!r} has no quote")
    return problems


def _rule_problems(rule: dict[str, Any]) -> list[str]:
    kind = rule.get("kind")
    if kind not in RULE_KINDS:
        return [f"rule kind {kind!r} is not one of {', '.join(RULE_KINDS)}"]
    return [
        f"rule {kind} needs a number {key!r}"
        for key in _RULE_NUMBERS[kind]
        if not isinstance(rule.get(key), int | float)
    ]


def _baseline_problems(target: dict[str, Any], stats: pd.DataFrame) -> list[str]:
    """Compare the baseline written in the targets with the statistics table's figure."""
    year, written = target["baseline"]["year"], target["baseline"].get("value")
    rows = stats[
        (stats["indicator"] == target["indicator"])
        & (stats["adcode"] == target["adcode"])
        & (stats["year"] == year)
    ]
    if len(rows) > 1:
        return [f"the statistics table has {len(rows)} rows for {target['indicator']} {year}"]
    table = float(rows["value"].iloc[0]) if len(rows) else None
    if written is None and table is not None:
        return [f"baseline value is empty but the statistics table gives {table:g} for {year}"]
    if written is not None and (table is None or not math.isclose(written, table)):
        return [f"baseline value {written!r} is not the statistics table's ({table!r}) for {year}"]
    return []


def _target_problems(target: dict[str, Any], stats: pd.DataFrame, text: str) -> list[str]:
    problems = _rule_problems(target.get("rule", {}))
    if _squash(target["plan_words_zh"]) not in text:
        problems.append(f"the plan's words {target['plan_words_zh']!r} are not in the plan's text")
    problems += _baseline_problems(target, stats)
    later = stats[
        (stats["indicator"] == target["indicator"])
        & (stats["adcode"] == target["adcode"])
        & (stats["year"] > target["baseline"]["year"])
    ]
    if later.empty and not target.get("not_found"):
        problems.append("no figure after the baseline year, and no record of what was searched")
    for key in ("context", "confirmations", "other_figures"):
        problems += _cited(target.get(key, []))
    return problems


def target_problems(stats: pd.DataFrame) -> list[tuple[str, str]]:
    """Return ``(target id, problem)`` for everything wrong with the targets as data.

    Each target's rule must be complete, its plan words must be the plan's, its baseline value
    must be the statistics table's figure (or empty where the table has none), a target with
    no figure after the baseline must record what was searched, and every plan target must be
    either measured or listed as not measured.
    """
    spec = plan_targets()
    text = _squash(plan_text())
    problems = _cited(spec["baseline"]["sources"])
    problems += [
        f"the plan's words {quote!r} are not in the plan's text"
        for quote in spec["baseline"]["plan_quotes"]
        if _squash(quote) not in text
    ]
    found = [("baseline", p) for p in problems]
    for target in spec["targets"]:
        found += [(target["id"], p) for p in _target_problems(target, stats, text)]
    covered = {t["plan_target"] for t in spec["targets"]}
    covered |= {t["plan_target"] for t in spec["not_measured"]}
    for target in plan()["targets"]:
        if target["id"] not in covered:
            found.append((target["id"], "a plan target neither measured nor listed unmeasured"))
    return found
