"""Show the plan's 2027 targets against the latest sourced figures in the app's plan tab.

One table, one row per target: the plan's words, the baseline, the latest figure, the value to
reach, a bar for the share of the way done, the growth still needed, the status in words, and
the latest figure's source as a link. Notes and what was searched follow, escaped.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

import goldmap
from goldmap._progress_text import figure_text
from goldmap.app.text import md_escape, tr

__all__ = ["progress_panel", "progress_table"]


@st.cache_data(show_spinner=False)
def _progress() -> pd.DataFrame:
    table: pd.DataFrame = goldmap.progress()
    return table


def progress_table(lang: str) -> pd.DataFrame:
    """Return the progress of each target as the app shows it, headers in ``lang``."""
    rows = []
    for row in _progress().to_dict("records"):
        said = figure_text(row, lang)
        done = row["done_share"]
        url = str(row["latest_source_url"])
        link = url if url.startswith(("http://", "https://")) else None
        target = (
            f"{row['plan_words_zh']}：{row['name_zh']}"
            if lang == "zh"
            else f"{row['plan_words_en']}: {row['name_en']}"
        )
        rows.append(
            {
                tr("progress_target", lang): target,
                tr("progress_baseline", lang): said["baseline"],
                tr("progress_latest", lang): said["latest"],
                tr("progress_goal", lang): said["goal"],
                tr("progress_done", lang): None if math.isnan(done) else round(done * 100, 1),
                tr("progress_needed", lang): said["needed"],
                tr("progress_status", lang): said["status"],
                tr("progress_source", lang): link,
            }
        )
    return pd.DataFrame(rows)


def progress_panel(lang: str) -> None:
    """Draw the targets' progress: the table with bars and source links, then the notes."""
    st.markdown(f"### {md_escape(tr('progress_title', lang))}")
    st.caption(md_escape(tr("progress_baseline_note", lang)))
    table = progress_table(lang)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            tr("progress_done", lang): st.column_config.ProgressColumn(
                tr("progress_done", lang),
                help=tr("progress_bar_legend", lang),
                min_value=0,
                max_value=100,
                format="%.0f%%",
            ),
            tr("progress_source", lang): st.column_config.LinkColumn(
                tr("progress_source", lang), display_text=tr("progress_open", lang)
            ),
        },
    )
    st.caption(md_escape(tr("progress_rules", lang)))
    with st.expander(tr("progress_notes", lang)):
        for row in _progress().to_dict("records"):
            st.markdown(f"**{md_escape(row[f'name_{lang}'])}**  \n{md_escape(row[f'note_{lang}'])}")
            if row["not_found"]:
                st.caption(md_escape(f"{tr('progress_searched', lang)}{row['not_found']}"))
