"""Draw the plan's 2027 targets against the latest sourced figures, as a figure for a report.

One row per target of :func:`goldmap.progress`: the plan's words and the indicator on the left,
a bullet bar in the middle (0 at the baseline, the mark at the value to reach, the bar at the
latest figure, a tick where a straight path would be by now), the status in words on the
right, and under it all the baseline's reading, the status rules and the numbered sources.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from goldmap._progress_text import STATUS_COLOURS, figure_text
from goldmap.citation import data_version
from goldmap.errors import ExportError
from goldmap.maps._fonts import font_context, font_family
from goldmap.text import check_lang, tr

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["progress_figure"]

_WIDTH_IN = 10.0
_ROW_IN = 1.15
_TOP_IN = 0.75
_X_MAX = 1.3  # the bar's scale runs from the baseline (0) past the target (1)
_GOLD, _TRACK = "#c9a227", "#ececec"


def _wrap(text: str, width: int, lang: str) -> str:
    """Wrap ``text`` to ``width`` Latin characters (a Chinese character counts as two)."""
    if lang != "zh":
        return textwrap.fill(text, width)
    lines, line, used = [], "", 0
    for char in text:
        cost = 1 if char.isascii() else 2
        if used + cost > width:
            lines.append(line)
            line, used = "", 0
        line, used = line + char, used + cost
    return "\n".join([*lines, line])


def _check(lang: str, dpi: int, area: str | None, province: str | None) -> None:
    check_lang(lang)
    if area is not None or province is not None:
        raise ExportError(
            "The progress figure is national: give --progress without --area or --province."
        )
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 50 <= dpi <= 1200:
        raise ExportError(f"dpi={dpi!r} is not a whole number from 50 to 1200; try dpi=200.")


def progress_figure(
    *,
    lang: str = "zh",
    dpi: int = 200,
    area: str | None = None,
    province: str | None = None,
    table: Any = None,
) -> Figure:
    """Draw each 2027 target with its baseline, latest figure, target and status.

    Parameters
    ----------
    lang : {"zh", "en"}, default "zh"
        Language of every word on the figure. ``"zh"`` needs a CJK font.
    dpi : int, default 200
        Resolution; the figure is 10 inches wide.
    area, province : None
        Not allowed: the targets are national (the CLI passes them through to say so).
    table : pandas.DataFrame, optional
        A table from :func:`goldmap.progress` (e.g. ``progress(as_of=2024)``); the current
        one by default.

    Returns
    -------
    matplotlib.figure.Figure
        Not attached to pyplot; save it with :func:`goldmap.save_figure`.

    Raises
    ------
    OptionError
        When ``lang`` is not "zh" or "en".
    ExportError
        When ``dpi`` is not allowed, or an area or province is given.
    MissingDependencyError
        When matplotlib is missing, or ``lang="zh"`` and no CJK font is found.

    Examples
    --------
    >>> fig = progress_figure(lang="en", dpi=100)
    """
    _check(lang, dpi, area, province)
    from goldmap.maps.static import _figure_class, _matplotlib
    from goldmap.tracking import progress

    _matplotlib()
    family = font_family(lang)
    frame = progress() if table is None else table
    rows = [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]
    sources = _sources(rows)
    foot = _footer(lang, sources)
    foot_in = 0.16 * (foot.count("\n") + 1) + 0.2
    height = _TOP_IN + _ROW_IN * len(rows) + foot_in
    with font_context(family):
        fig = _figure_class()(figsize=(_WIDTH_IN, height), dpi=dpi)
        fig.text(0.5, 1 - 0.3 / height, tr("progress_title", lang), ha="center", va="center",
                 fontsize=13)  # fmt: skip
        fig.text(0.5, 1 - 0.55 / height, _wrap(tr("progress_baseline_note", lang), 150, lang),
                 ha="center", va="center", fontsize=7, color="#444444")  # fmt: skip
        for i, row in enumerate(rows):
            top = 1 - (_TOP_IN + _ROW_IN * i) / height
            _draw_row(fig, row, lang, top, _ROW_IN / height, sources)
        fig.text(0.02, (foot_in - 0.1) / height, foot, fontsize=6.2, color="#444444", va="top",
                 linespacing=1.35)  # fmt: skip
    return fig


def _sources(rows: list[dict[str, Any]]) -> list[str]:
    """Return the distinct web addresses of the baselines and latest figures, in order."""
    urls = [r[key] for r in rows for key in ("baseline_source_url", "latest_source_url")]
    return list(dict.fromkeys(u for u in urls if u))


def _footer(lang: str, sources: list[str]) -> str:
    """Return the text under the rows: the status rules, the sources, the data version."""
    rules = _wrap(tr("progress_bar_legend", lang) + " " + tr("progress_rules", lang), 190, lang)
    head = "来源：" if lang == "zh" else "Sources:"
    listed = "\n".join(f"[{i}] {url}" for i, url in enumerate(sources, 1))
    return f"{rules}\n{head}\n{listed}\ngoldmap data {data_version()}"


def _draw_row(
    fig: Figure, row: dict[str, Any], lang: str, top: float, h: float, sources: list[str]
) -> None:
    """Draw one target: words on the left, the bullet bar, the status on the right."""
    said = figure_text(row, lang)
    words = _wrap(str(row[f"plan_words_{lang}"]), 44, lang)
    colon = "：" if lang == "zh" else ": "
    name = _wrap(f"{tr('progress_indicator', lang)}{colon}{row[f'name_{lang}']}", 56, lang)
    fig.text(0.02, top - 0.08 * h, words, fontsize=9, va="top")
    fig.text(0.02, top - 0.08 * h - (0.17 * (words.count("\n") + 1)) * h, name, fontsize=7,
             va="top", color="#333333")  # fmt: skip
    status = str(row["status"])
    fig.text(0.985, top - 0.3 * h, said["status"], fontsize=10.5, ha="right", va="center",
             color=STATUS_COLOURS[status])  # fmt: skip
    ax = fig.add_axes((0.40, top - 0.42 * h, 0.44, 0.2 * h))
    ax.set_label(f"progress:{row['id']}")
    _draw_bar(ax, row, lang)
    cite = [sources.index(u) + 1 for u in (row["baseline_source_url"], row["latest_source_url"])
            if u]  # fmt: skip
    marks = "".join(f"[{n}]" for n in dict.fromkeys(cite))
    parts = [
        f"{tr('progress_baseline', lang)} {said['baseline']}",
        f"{tr('progress_latest', lang)} {said['latest']}",
        f"{tr('progress_goal', lang)} {said['goal']}",
    ]
    if row["status"] != "no_data":
        parts += [
            f"{tr('progress_change', lang)} {said['change']}",
            f"{tr('progress_so_far', lang)} {said['so_far']}",
            f"{tr('progress_needed', lang)} {said['needed']}",
        ]
    lines = _join_lines(parts, 100)
    if row["status"] == "no_data":
        lines.append(_wrap(str(row[f"note_{lang}"]), 100, lang))
    fig.text(0.40, top - 0.5 * h, "\n".join(lines) + f"  {marks}", fontsize=6.8, va="top",
             color="#222222", linespacing=1.4)  # fmt: skip


def _join_lines(parts: list[str], width: int) -> list[str]:
    """Join ``parts`` with " · " into lines of at most ``width`` (Chinese characters count 2)."""
    lines: list[str] = []
    for part in parts:
        joined = f"{lines[-1]}  ·  {part}" if lines else part
        if lines and _width(joined) <= width:
            lines[-1] = joined
        else:
            lines.append(part)
    return lines


def _width(text: str) -> int:
    return sum(1 if char.isascii() else 2 for char in text)


def _draw_bar(ax: Axes, row: dict[str, Any], lang: str) -> None:
    """Draw the bullet bar: the track, the target mark, the latest bar, the straight-path tick."""
    ax.set_xlim(-0.05, _X_MAX)
    ax.set_ylim(0, 1)
    ax.axis("off")
    ax.barh(0.5, _X_MAX + 0.05, left=-0.05, height=0.9, color=_TRACK)
    ax.axvline(1.0, color="#222222", linewidth=1.6)
    ax.text(1.0, 1.08, tr("progress_target", lang), ha="center", va="bottom", fontsize=6.5,
            transform=ax.get_xaxis_transform())  # fmt: skip
    ax.axvline(0.0, color="#888888", linewidth=0.8)
    ax.text(0.0, 1.08, tr("progress_baseline", lang), ha="center", va="bottom", fontsize=6.5,
            color="#555555", transform=ax.get_xaxis_transform())  # fmt: skip
    done = row["done_share"]
    if row["status"] == "no_data" or done != done:
        ax.barh(0.5, _X_MAX + 0.05, left=-0.05, height=0.9, color="none", hatch="////",
                edgecolor="#bbbbbb", linewidth=0)  # fmt: skip
        ax.text(0.5, 0.5, tr("status_no_data", lang), ha="center", va="center", fontsize=7.5,
                color="#555555", backgroundcolor=_TRACK)  # fmt: skip
        return
    shown = max(min(float(done), _X_MAX), -0.05)
    ax.barh(0.5, shown, height=0.5, color=_GOLD)
    elapsed = (int(row["latest_year"]) - row["baseline_year"]) / (
        row["target_year"] - row["baseline_year"]
    )
    ax.plot([elapsed, elapsed], [0.05, 0.95], color="#2f6db5", linewidth=1.2)
    ax.text(elapsed, 1.08, tr("progress_expected", lang), ha="center", va="bottom", fontsize=6,
            color="#2f6db5", transform=ax.get_xaxis_transform())  # fmt: skip
    ax.text(shown + 0.015, 0.5, f"{float(done):.0%}", va="center", fontsize=7)
