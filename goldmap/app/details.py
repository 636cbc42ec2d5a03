"""The details panel: the clicked mine, area, province or upload, readable in 中文 or English.

Fields are shown by their names for readers (:func:`goldmap.text.field_label`), coded values
in words, every value escaped; sources that are web addresses are links, other sources
(a file of the package) plain text.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd
import streamlit as st

from goldmap.app import data
from goldmap.app.dossier_view import HIDDEN_FIELDS, dossier_markdown
from goldmap.app.state import current_lang, current_layer, session
from goldmap.app.text import md_escape, tr
from goldmap.catalog import LAYERS
from goldmap.text import field_label, value_label

__all__ = ["detail_panel", "find_feature", "shown_value"]

# Fields shown elsewhere in the panel (title, warning, sources) or only to machines.
_HIDDEN = {"geometry", "sources", "name_zh", "name_en", "_layer", "kind"}
_OTHER_LANGUAGE = {"zh": "_en", "en": "_zh"}
# The fields of the other language that have no counterpart in this one: kept.
_NO_COUNTERPART = {"county_zh", "plan_quote_zh", "name_plan_en"}
_WEB_ADDRESS = re.compile(r"https?://[^\s()<>\[\]]+\Z")


def find_feature(layer: str, key: Any) -> pd.Series | None:
    """Return the selected feature's row (``layer``, its id or adcode or upload row)."""
    if layer == "provinces":
        frame = data.province_options()
        rows = frame[frame["adcode"].astype(str) == str(key)]
    elif layer in LAYERS:
        frame = current_layer(layer)
        column = "id" if "id" in frame.columns else "name_en"
        rows = frame[frame[column].astype(str) == str(key)]
    elif layer == "user":
        return _uploaded_row(key)
    else:
        return None
    return None if rows.empty else rows.iloc[0]


def _uploaded_row(key: Any) -> pd.Series | None:
    """Return the uploaded feature clicked on the map (its row number), if it is still there."""
    located = session().user_features
    if located is None or not str(key).isdigit() or int(str(key)) >= len(located):
        return None
    row: pd.Series = located.iloc[int(str(key))]
    return row


def shown_value(field: str, value: Any, lang: str) -> str:
    """Return a field's value as a reader should see it ("" for no value)."""
    if isinstance(value, list | tuple):
        items = [shown_value(field, v, lang) for v in value if not isinstance(v, dict)]
        return ("、" if lang == "zh" else ", ").join(i for i in items if i)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value_label(field, value, lang)


def _shown_fields(row: pd.Series, lang: str) -> list[tuple[str, str]]:
    other = _OTHER_LANGUAGE[lang]
    fields = []
    for key, value in row.items():
        name = str(key)
        if name in _HIDDEN or name in HIDDEN_FIELDS:
            continue
        if name.endswith(other) and name not in _NO_COUNTERPART:
            continue
        text = shown_value(name, value, lang)
        if text:
            fields.append((field_label(name, lang), text))
    return fields


def _sources_markdown(sources: list[dict[str, Any]]) -> str:
    lines = []
    for i, source in enumerate(sources, 1):
        url = str(source.get("url") or "")
        where = f"[{md_escape(url)}](<{url}>)" if _WEB_ADDRESS.match(url) else md_escape(url)
        quote = source.get("quote")
        said = f"  \n  “{md_escape(quote)}”" if quote else ""
        lines.append(f"{i}. {where}{said}")
    return "\n".join(lines)


def _province_rows(row: pd.Series, lang: str) -> list[tuple[str, str]]:
    """Return a province's statistics and the plan's places in it, as (field, value)."""
    adcode = int(row["adcode"])
    summary = data.province_summary_table().set_index("adcode")
    fields = []
    if adcode in summary.index:
        for column in ("key_mines", "exploration_km2", "development_km2", "plan_area_share"):
            value: Any = summary.loc[adcode, column]
            share = column == "plan_area_share" and not pd.isna(value)
            text = f"{float(value):.1%}" if share else shown_value(column, value, lang)
            fields.append((field_label(column, lang), text))
    name = "name_zh" if lang == "zh" else "name_en"
    for layer in ("key_mines", "exploration_areas", "development_areas"):
        frame = current_layer(layer)
        if "province_adcode" in frame.columns:
            inside = frame[frame["province_adcode"].astype(int) == adcode]
        else:
            inside = frame[[adcode in list(codes) for codes in frame["province_adcodes"]]]
        spec = LAYERS[layer]
        places = ("、" if lang == "zh" else ", ").join(map(str, inside[name]))
        fields.append((spec.title_zh if lang == "zh" else spec.title_en, places or "—"))
    return fields


def detail_panel() -> None:
    """Show the selected mine, area, province or uploaded feature."""
    lang = current_lang()
    st.header(tr("details", lang))  # h2: the page's title is its only h1
    selected = session().selected
    row = find_feature(*selected) if selected else None
    if row is None or selected is None:
        st.caption(tr("click_hint", lang))
        return
    if selected[0] == "user":
        title, subtitle = tr("your_features", lang), f"{field_label('row', lang)} {selected[1]}"
    else:
        first, second = ("name_zh", "name_en") if lang == "zh" else ("name_en", "name_zh")
        title, subtitle = str(row.get(first, "")), str(row.get(second, ""))
    st.markdown(f"**{md_escape(title)}**  \n{md_escape(subtitle)}")
    if row.get("location_precision") in ("county", "province"):
        st.warning(tr("uncertain_short", lang))
    fields = _shown_fields(row, lang)
    if selected[0] == "provinces":
        fields += _province_rows(row, lang)
    colon = "：" if lang == "zh" else ": "
    st.markdown("\n".join(f"- **{md_escape(k)}**{colon}{md_escape(v)}" for k, v in fields))
    dossier = dossier_markdown(row.get("dossier"), lang, md_escape)
    if dossier:
        st.markdown(dossier)
    sources = [s for s in (row.get("sources") or []) if isinstance(s, dict)]
    if sources:
        st.markdown(f"**{tr('sources', lang)}**")
        st.markdown(_sources_markdown(sources))
