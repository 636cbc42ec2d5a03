"""Show the plan's 2027 targets and Column 1; each place named in it is a button to the map."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from goldmap.app import data
from goldmap.app.focus import focus_feature
from goldmap.app.progress_view import progress_panel
from goldmap.app.state import current_lang
from goldmap.app.text import md_escape, tr

__all__ = ["plan_view"]

# The plan's place buttons show whole names, wrapped, never cut short with "…".
_WHOLE_NAMES = """<style>
[class*="st-key-plan_"] button [data-testid="stMarkdownContainer"],
[class*="st-key-plan_"] button p { white-space: normal; overflow: visible;
    text-overflow: clip; overflow-wrap: break-word; line-height: 1.25; }
[class*="st-key-plan_"] button { height: auto; }
</style>"""


def plan_view() -> None:
    """Show the plan's 2027 targets and Column 1; each place is a button focusing the map."""
    lang = current_lang()
    plan = data.plan()
    st.markdown(f"### {tr('targets', lang)}")
    targets = pd.DataFrame(plan["targets"])[["zh", "en"]]
    targets.columns = [tr("plan_original", lang), tr("plan_translation", lang)]
    # A table, not a data grid: each target is read whole (wrapped), also by a screen reader.
    st.table(targets, hide_index=True, border="horizontal")
    progress_panel(lang)
    column1 = plan["column1"]
    st.markdown(f"### {md_escape(column1['title_zh'])}  \n{md_escape(column1['title_en'])}")
    kinds = {"exploration": "exploration_areas", "development": "development_areas",
             "mines": "key_mines"}  # fmt: skip
    for part in column1["parts"]:
        first, second = (part["zh"], part["en"]) if lang == "zh" else (part["en"], part["zh"])
        st.markdown(md_escape(first))
        st.caption(md_escape(second))
        layer = kinds.get(part["kind"])
        if layer is None:
            continue
        frame = data.layer(layer)
        # Whole names: English ones are longer, so fewer to a row.
        count = 6 if lang == "zh" else 4
        columns = st.columns(count)
        for i, row in enumerate(frame.itertuples()):
            label = row.name_zh if lang == "zh" else row.name_en
            columns[i % count].button(
                md_escape(label),
                key=f"plan_{row.id}",
                on_click=focus_feature,
                args=(layer, str(row.id)),
                help=tr("show_on_map", lang),
                width="stretch",
            )
    st.html(_WHOLE_NAMES)
