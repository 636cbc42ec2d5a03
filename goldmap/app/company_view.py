"""The company view: pick a company or ticker, see its key mines on the map and in a table.

The choice is the ``company=`` filter of :func:`goldmap.filter_layer` (the map, the tables,
the downloads and the figure all use it); the company's own row comes from
:func:`goldmap.companies`. The key mines can also be coloured by status or owner group.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from goldmap.app import data
from goldmap.app.focus import request_bounds
from goldmap.app.state import bound, session, visible_layer
from goldmap.app.text import md_escape, tr
from goldmap.maps._mine_colors import COLOR_BY
from goldmap.maps.base import first_view

__all__ = [
    "company_controls",
    "company_key",
    "company_name",
    "company_panel",
    "zoom_to_company",
]

_LABELS = {
    "name": ("公司", "Company"),
    "tickers": ("股票代码", "Tickers"),
    "roles": ("角色", "Roles"),
    "mines": ("重点矿山", "Key mines"),
    "areas": ("所在规划区域", "Plan areas"),
    "resources_t": ("已知资源量/储量合计（吨金）", "Known resources/reserves (t Au)"),
    "output_t": ("已知年产金合计（吨）", "Known annual output (t Au)"),
}


_ROLES = {
    "operator": ("采矿权人/经营主体", "licence holder / operator"),
    "owner": ("股东", "owner"),
    "listed": ("上市公司", "listed company"),
    "ultimate_parent": ("最终控制方", "ultimate parent"),
}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def company_name(row: Any, lang: str) -> str:
    """Return a company row's name in ``lang``, else in the other language."""
    zh, en = _text(row["name_zh"]), _text(row["name_en"])
    return (zh or en) if lang == "zh" else (en or zh)


def company_key(row: Any) -> str:
    """Return what the ``company=`` filter is given for a company row: its full name.

    The name, not a ticker: a company named as an owner without its ticker (a stake held
    through another listed company) is found by its name in every role.
    """
    return company_name(row, "zh")


def _options(lang: str) -> dict[str, str]:
    """Return the company choices: key → "name (tickers) · n key mines", biggest first."""
    table = data.companies().sort_values(["n_mines", "name_en"], ascending=[False, True])
    options = {"": tr("all_companies", lang)}
    for _, row in table.iterrows():
        name = company_name(row, lang)
        tickers = ", ".join(map(str, row["tickers"])) if len(row["tickers"]) else ""
        count = tr("company_mines_count", lang).format(n=int(row["n_mines"]))
        options[company_key(row)] = f"{name}{f' ({tickers})' if tickers else ''} · {count}"
    return options


def zoom_to_company() -> None:
    """Send the map to the chosen company's mines, once per choice."""
    s = session()
    if s.company == s.memo("company_zoomed"):
        return
    s.remember("company_zoomed", s.company)
    if not s.company or "key_mines" not in s.layers:
        return
    mines = visible_layer("key_mines")
    placed = mines[mines.geometry.notna() & ~mines.geometry.is_empty]
    if len(placed):
        request_bounds(first_view([placed]))


def company_controls() -> None:
    """Draw the sidebar's company choice and the key mines' colouring."""
    lang = session().lang
    options = _options(lang)
    if session().company not in options:
        session().company = ""
    bound(
        st.selectbox, "company", tr("company", lang), list(options),
        format_func=options.__getitem__,
    )  # fmt: skip
    colours = {"": tr("color_gold", lang), **{c: tr(f"color_{c}", lang) for c in COLOR_BY}}
    bound(
        st.selectbox, "color_by", tr("color_by", lang), list(colours),
        format_func=colours.__getitem__,
    )  # fmt: skip


def _sum(value: Any, unknown: Any, lang: str) -> str:
    shown = "" if pd.isna(value) else f"{float(value):,.3g}"
    missing = int(unknown) if not pd.isna(unknown) else 0
    return shown + (tr("company_unknown_count", lang).format(n=missing) if missing else "")


def company_panel() -> None:
    """Show the chosen company's row: its tickers, key mines, plan areas and summed sizes."""
    s = session()
    if not s.company:
        return
    lang = s.lang
    table = data.companies()
    rows = [row for _, row in table.iterrows() if company_key(row) == s.company]
    if not rows:
        return
    row = rows[0]
    name = company_name(row, lang)
    pick = 0 if lang == "zh" else 1
    values = {
        "name": " / ".join(n for n in (_text(row["name_zh"]), _text(row["name_en"])) if n),
        "tickers": ", ".join(map(str, row["tickers"])),
        "roles": ", ".join(_ROLES.get(str(r), (r, r))[pick] for r in row["roles"]),
        "mines": "、".join(row["mines_zh"]) if lang == "zh" else ", ".join(row["mines_en"]),
        "areas": "、".join(row["areas_zh"]) if lang == "zh" else "; ".join(row["areas_en"]),
        "resources_t": _sum(row["resources_t"], row["resources_unknown"], lang),
        "output_t": _sum(row["output_t"], row["output_unknown"], lang),
    }
    st.markdown(f"**{md_escape(tr('company_heading', lang).format(name=name))}**")
    frame = pd.DataFrame(
        {"": [_LABELS[k][pick] for k in values], " ": [str(v) for v in values.values()]}
    )
    st.dataframe(frame, hide_index=True, width="stretch")
