"""Write the HTML of goldmap's tooltips and popups: bilingual, every value escaped."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from goldmap._values import is_missing
from goldmap.text import COMMODITY_ZH, CONFIDENCE, PRECISION, tr

#: Precisions whose point is a stand-in for a county or province, not the mine.
UNCERTAIN = ("county", "province")
_METHOD_CHARS = 400


# Braces as character references: folium's renderer passes a map's scripts through Jinja
# again, where a user's "{{ ... }}" would be run as a template expression.
_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})


def escape(value: Any) -> str:
    """Escape one value for HTML (braces too); missing values become an empty string."""
    if is_missing(value):
        return ""
    return html.escape(str(value), quote=True).translate(_BRACES)


def details(summary: str, text: Any) -> str:
    """Return a folded ``<details>`` block; the summary is ours, the text is escaped."""
    return f"<details><summary>{summary}</summary>{escape(text)}</details>"


def as_list(value: Any) -> list[Any]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        return list(value)
    return [value]


def commodities(values: Any, lang: str) -> str:
    items = [str(v) for v in as_list(values)]
    if lang == "zh":
        items = [COMMODITY_ZH.get(v, v) for v in items]
    return ("、" if lang == "zh" else ", ").join(items)


def names(row: Mapping[str, Any], lang: str) -> tuple[str, str]:
    """Return (primary, secondary) names in the chosen language order."""
    zh, en = row.get("name_zh"), row.get("name_en")
    first, second = (zh, en) if lang == "zh" else (en, zh)
    if is_missing(first):
        first, second = second, None
    return ("" if is_missing(first) else str(first)), ("" if is_missing(second) else str(second))


def sources_html(sources: Any, lang: str) -> str:
    items = []
    for source in as_list(sources):
        if isinstance(source, Mapping):
            url, quote = source.get("url"), source.get("quote")
        else:
            url, quote = source, None
        if is_missing(url):
            continue
        url = str(url)
        label = escape(url if len(url) <= 60 else url[:57] + "…")
        title = f' title="{escape(quote)}"' if not is_missing(quote) else ""
        if url.startswith(("http://", "https://")):
            items.append(
                f'<li><a href="{escape(url)}" target="_blank" rel="noopener noreferrer"{title}>'
                f"{label}</a></li>"
            )
        else:
            items.append(f"<li{title}>{label}</li>")
    if not items:
        return ""
    return f'<div class="gm-sources"><b>{tr("sources", lang)}</b><ol>{"".join(items)}</ol></div>'


def row_html(label: str, value: str) -> str:
    if not value:
        return ""
    return f"<tr><th>{label}</th><td>{value}</td></tr>"


def popup_html(title: str, subtitle: str, rows: list[tuple[str, str]], extra: str = "") -> str:
    body = "".join(row_html(label, value) for label, value in rows)
    sub = f'<div class="gm-s">{escape(subtitle)}</div>' if subtitle else ""
    return (
        f'<div class="gm-popup"><div class="gm-t">{escape(title)}</div>{sub}'
        f"<table>{body}</table>{extra}</div>"
    )


def tooltip_html(title: str, subtitle: str, note: str = "") -> str:
    sub = f' <span class="gm-s">{escape(subtitle)}</span>' if subtitle else ""
    tail = f'<br><span class="gm-s">{escape(note)}</span>' if note else ""
    return f"<b>{escape(title)}</b>{sub}{tail}"


def province_label(row: Mapping[str, Any], lang: str) -> str:
    zh = row.get("province_zh")
    en = row.get("province_en")
    if zh is None and "provinces_zh" in row:
        zh = "、".join(map(str, as_list(row.get("provinces_zh"))))
        en = ", ".join(map(str, as_list(row.get("provinces_en"))))
    first, second = (zh, en) if lang == "zh" else (en, zh)
    parts = [str(p) for p in (first, second) if not is_missing(p)]
    return escape(" / ".join(parts))


def mine_content(row: Mapping[str, Any], lang: str) -> tuple[str, str]:
    title, other = names(row, lang)
    precision = str(row.get("location_precision") or "")
    uncertain = precision in UNCERTAIN
    zh_en = PRECISION.get(precision)
    precision_text = escape(zh_en[0 if lang == "zh" else 1] if zh_en else precision)
    if row.get("offshore") is True:
        precision_text += f" ({tr('offshore', lang)})"
    county = row.get("county_zh")
    rows = [
        (tr("province", lang), province_label(row, lang)),
        (tr("county", lang), escape(county)),
        (tr("commodities", lang), escape(commodities(row.get("commodity"), lang))),
        (tr("operator", lang), escape(row.get("operator"))),
        (tr("precision", lang), precision_text),
    ]
    radius: Any = row.get("location_uncertainty_km")
    if not is_missing(radius) and row.get("location_known") is not False:
        km = f"{float(radius):g}"
        rows.append((tr("may_lie_within", lang), escape(tr("radius_words", lang).format(km=km))))
    plan_en = row.get("name_plan_en")
    if not is_missing(plan_en) and plan_en != row.get("name_en"):
        rows.append((tr("plan_name", lang), escape(plan_en)))
    shares = [str(n) for n in as_list(row.get("_shares_names"))]
    if shares:
        rows.append(
            (tr("shares_point", lang), escape(("、" if lang == "zh" else ", ").join(shares)))
        )
    extra = _corrected_box(lang) if row.get("corrected") is True else ""
    extra += _stands_for_box(row, lang, uncertain)
    basis = row.get("uncertainty_basis_zh" if lang == "zh" else "uncertainty_basis_en")
    if not is_missing(basis):
        extra += details(tr("radius_basis", lang), basis)
    if not is_missing(row.get("notes")):
        extra += details(tr("notes", lang), row.get("notes"))
    extra += sources_html(row.get("sources"), lang)
    popup = popup_html(title, other, rows, extra)
    stands = row.get(f"stands_for_{lang}")
    note = str(stands) if not is_missing(stands) else tr("uncertain", lang) if uncertain else ""
    return tooltip_html(title, other, note), popup


def _corrected_box(lang: str) -> str:
    return f'<div class="gm-corrected"><b>{escape(tr("corrected_box", lang))}</b></div>'


def _stands_for_box(row: Mapping[str, Any], lang: str, uncertain: bool) -> str:
    """Say what a stand-in point stands for (the county, the town), in a highlighted box."""
    stands = row.get(f"stands_for_{lang}")
    parts = [tr("uncertain", lang)] if uncertain else []
    parts += [] if is_missing(stands) else [f"<b>{escape(stands)}</b>"]
    text = "<br>".join(parts)
    if not text:
        return ""
    return f'<div class="gm-stands-for">{text}</div>'


def area_content(row: Mapping[str, Any], lang: str) -> tuple[str, str]:
    title, other = names(row, lang)
    method = row.get("method")
    method_text = "" if is_missing(method) else str(method)
    if len(method_text) > _METHOD_CHARS:
        method_text = method_text[: _METHOD_CHARS - 1] + "…"
    area: Any = row.get("area_km2")
    area_text = "" if is_missing(area) else f"{float(area):,.0f} {tr('km2', lang)}"
    confidence = row.get("confidence")
    conf = CONFIDENCE.get(str(confidence))
    rows = [
        (tr("provinces", lang), province_label(row, lang)),
        (tr("commodities", lang), escape(commodities(row.get("commodities"), lang))),
        (tr("area", lang), escape(area_text)),
        (tr("confidence", lang), escape(conf[0 if lang == "zh" else 1] if conf else confidence)),
        (tr("plan_words", lang), escape(row.get("plan_quote_zh"))),
    ]
    plan_en = row.get("name_plan_en")
    if not is_missing(plan_en) and plan_en != row.get("name_en"):
        rows.append((tr("plan_name", lang), escape(plan_en)))
    if row.get("area_id") is not None:
        rows.append((tr("area_id", lang), escape(row.get("area_id"))))
    extra = ""
    if method_text:
        extra += details(tr("method", lang), method_text)
    if not is_missing(row.get("notes")):
        extra += details(tr("notes", lang), row.get("notes"))
    extra += sources_html(row.get("sources"), lang)
    return tooltip_html(title, other), popup_html(title, other, rows, extra)


def generic_content(row: Mapping[str, Any], lang: str, columns: Sequence[str]) -> tuple[str, str]:
    title, other = names(row, lang)
    if not title:
        for key in ("name", "label", "title", "id"):
            if not is_missing(row.get(key)):
                title = str(row.get(key))
                break
    rows = [(escape(c), escape(format_value(row.get(c)))) for c in columns if c != "geometry"]
    return tooltip_html(title, other), popup_html(title, other, rows[:20])


def format_value(value: Any) -> str:
    if is_missing(value):
        return ""
    if isinstance(value, float):
        return f"{value:,.6g}"
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)


# -- geometry for display ---------------------------------------------------------------------
