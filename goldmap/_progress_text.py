"""Say a row of ``goldmap.progress()`` in words, in Chinese or English, for the CLI, app and figure.

One place for the wording, so that the table a user prints, the plan tab and the report figure
read the same.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from goldmap.text import tr

__all__ = ["STATUS_COLOURS", "amount", "figure_text", "progress_lines", "status_label"]

#: The colour of each status in the app and the figure (colour-blind safe; words say it too).
STATUS_COLOURS = {
    "met": "#1a7f37",
    "on_track": "#2f6db5",
    "behind": "#c2410c",
    "no_data": "#6b6b6b",
}

_UNIT = {"t": (" 吨", " t"), "%": ("%", "%")}


def status_label(status: str, lang: str) -> str:
    """Return a status (``on_track``) in words (按进度, on track)."""
    return tr(f"status_{status}", lang)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value != value


def amount(value: float, unit: str, lang: str) -> str:
    """Return a figure with its unit (``377.24 吨``), or "not published" when missing."""
    if _is_missing(value):
        return tr("progress_none", lang)
    suffix = _UNIT.get(unit, (f" {unit}", f" {unit}"))[0 if lang == "zh" else 1]
    return f"{value:,.3f}".rstrip("0").rstrip(".") + suffix


def _percent(value: float, lang: str, *, per_year: bool = False) -> str:
    if _is_missing(value):
        return "—"
    text = f"{value:+.2f}%"
    if per_year:
        text += "/年" if lang == "zh" else " a year"
    return text


def figure_text(row: Mapping[Any, Any], lang: str) -> dict[str, str]:
    """Return a progress row's figures as display strings.

    Keys: ``baseline`` ("2024：377.24 吨"), ``latest`` ("2025：381.339 吨", with a remark when
    it is before the baseline year), ``goal`` ("≥ 396.1 吨"), ``change`` ("+1.09%"),
    ``so_far`` and ``needed`` (per year), ``status`` (in words).
    """
    colon = "：" if lang == "zh" else ": "
    unit = str(row["unit"])
    base_year, latest_year = row["baseline_year"], row["latest_year"]
    latest = tr("progress_none", lang)
    if not _is_missing(latest_year):
        latest = f"{latest_year}{colon}{amount(row['latest'], unit, lang)}"
        if int(latest_year) < int(base_year):
            latest += tr("progress_before", lang)
    goal = str(row[f"rule_{lang}"])  # a growth target whose baseline is not published
    if not _is_missing(row["target"]):
        goal = f"≥ {amount(row['target'], unit, lang)}"
    return {
        "baseline": f"{base_year}{colon}{amount(row['baseline'], unit, lang)}",
        "latest": latest,
        "goal": goal,
        "change": _percent(row["change_pct"], lang),
        "so_far": _percent(row["growth_so_far_pct"], lang, per_year=True),
        "needed": _percent(row["growth_needed_pct"], lang, per_year=True),
        "status": status_label(str(row["status"]), lang),
    }


def progress_lines(table: Any, lang: str) -> list[str]:
    """Return the progress table as lines of text: per target its figures, status and source."""
    lines = [tr("progress_title", lang), ""]
    for row in table.to_dict("records"):
        said = figure_text(row, lang)
        head = f"{row[f'plan_words_{lang}']} — {row[f'name_{lang}']}"
        figures = [
            f"{tr('progress_baseline', lang)} {said['baseline']}",
            f"{tr('progress_latest', lang)} {said['latest']}",
            f"{tr('progress_goal', lang)} {said['goal']}",
            f"{tr('progress_change', lang)} {said['change']}",
            f"{tr('progress_needed', lang)} {said['needed']}",
        ]
        lines += [f"[{said['status']}] {head}", "  " + " | ".join(figures)]
        if row["latest_source_url"]:
            colon = "：" if lang == "zh" else ": "
            lines.append(f"  {tr('progress_source', lang)}{colon}{row['latest_source_url']}")
        lines.append(f"  {row[f'note_{lang}']}")
    return [*lines, "", tr("progress_baseline_note", lang), tr("progress_rules", lang)]
