"""Write a key mine's dossier as Markdown for the details panel: who holds it, stage, size, sources.

Every value is followed by the numbers of its sources, listed after it with their quotes;
labels are in the page's language and names in both. Everything from the data is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from goldmap._dossier import DOSSIER_COLUMNS, STATUS_WORDS

__all__ = ["HIDDEN_FIELDS", "dossier_markdown"]

_WEB_ADDRESS = re.compile(r"https?://[^\s()<>\[\]]+\Z")

#: The layer's dossier columns: shown by :func:`dossier_markdown`, not as plain fields.
HIDDEN_FIELDS = frozenset(DOSSIER_COLUMNS)

_LABELS = {
    "heading": ("所有权、状态与规模", "Ownership, status and size"),
    "operators": ("采矿权人/经营主体", "Licence holder / operator"),
    "owners": ("股权链", "Owners"),
    "ultimate_parent": ("最终控制方", "Ultimate parent"),
    "listed": ("上市公司", "Listed companies"),
    "status": ("状态", "Status"),
    "resources": ("资源量/储量", "Resources / reserves"),
    "output": ("年产金", "Annual gold output"),
    "capacity": ("产能", "Capacity"),
    "searched": ("未知项已检索（英文）", "Searched for the unknowns"),
    "notes": ("说明（英文）", "Notes"),
    "sources": ("依据", "Sources"),
    "unknown": ("未知", "unknown"),
    "guidance": ("指引，非实际", "guidance, not actual"),
    "mining_licence": ("采矿权", "mining licence"),
    "exploration_licence": ("探矿权", "exploration right"),
    "operator": ("经营", "operator"),
}


def _label(key: str, lang: str) -> str:
    zh, en = _LABELS[key]
    return zh if lang == "zh" else en


def _names(zh: Any, en: Any) -> str:
    return " / ".join(str(n) for n in (zh, en) if n) or "?"


def _num(value: float) -> str:
    """Write a number as people read it: 3,960,000 and 562.37, never 3.96e+06."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.3f}".rstrip("0")


def _stake(owner: dict[str, Any]) -> str:
    stake = owner.get("stake_pct")
    return "" if stake is None else f" {stake:g}%"


def _upper(output: dict[str, Any]) -> str:
    high = output.get("value_max_t")
    return "" if high is None else f"–{_num(high)}"


def _basis(output: dict[str, Any], lang: str) -> str:
    return "" if output.get("basis") == "actual" else f" ({_label('guidance', lang)})"


def _year(item: dict[str, Any], key: str = "as_of") -> str:
    return f" ({item[key]})" if item.get(key) is not None else ""


class _Citer:
    """Number the sources in the order values cite them; escape the data."""

    def __init__(self, escape: Callable[[str], str]) -> None:
        self.escape = escape
        self.sources: list[dict[str, Any]] = []

    def __call__(self, item: dict[str, Any]) -> str:
        numbers = []
        for source in item.get("sources") or []:
            if source not in self.sources:
                self.sources.append(source)
            numbers.append(self.sources.index(source) + 1)
        note = f" ({self.escape(str(item['note']))})" if item.get("note") else ""
        return "".join(f"[{n}]" for n in numbers) + note

    def names(self, zh: Any, en: Any) -> str:
        return self.escape(_names(zh, en))


def _ownership(dossier: dict[str, Any], lang: str, cite: _Citer) -> list[tuple[str, list[str]]]:
    """Return the holder, owner, parent, listing and status lines."""
    e = cite.escape
    lines = [
        (
            "operators",
            [
                f"{cite.names(o.get('name_zh'), o.get('name_en'))}, "
                f"{_label(o['role'], lang)}{_year(o)} {cite(o)}"
                for o in dossier.get("operators") or []
            ],
        ),
        (
            "owners",
            [
                f"{cite.names(o.get('entity_zh'), o.get('entity_en'))} ← "
                f"{cite.names(o.get('owner_zh'), o.get('owner_en'))}{_stake(o)}"
                f"{_year(o)} {cite(o)}"
                for o in dossier.get("owners") or []
            ],
        ),
    ]
    parent = dossier.get("ultimate_parent")
    if isinstance(parent, dict):
        names = cite.names(parent.get("name_zh"), parent.get("name_en"))
        lines.append(("ultimate_parent", [f"{names} {cite(parent)}"]))
    listed = [
        f"{cite.names(li.get('name_zh'), li.get('name_en'))} "
        f"({e(li['exchange'])}:{e(str(li['ticker']))}) {cite(li)}"
        for li in dossier.get("listed") or []
    ]
    status = dossier.get("status") or {}
    value = status.get("value") or "unknown"
    words = STATUS_WORDS.get(value, {"zh": value, "en": value})
    return [
        *lines,
        ("listed", listed),
        ("status", [f"{e(words[lang])}{_year(status)} {cite(status)}"]),
    ]


def _size(dossier: dict[str, Any], lang: str, cite: _Citer) -> list[tuple[str, list[str]]]:
    """Return the resource, output and capacity lines."""
    e = cite.escape
    resources = [
        f"{_num(r['value_t'])} t Au, {e(str(r.get('kind')))}, {e(str(r.get('standard')))}"
        f"{_year(r, 'year')}: {e(str(r.get('category')))} {cite(r)}"
        for r in dossier.get("resources") or []
    ]
    output = [
        f"{_num(o['value_t'])}{_upper(o)} t{_year(o, 'year')}{_basis(o, lang)} {cite(o)}"
        for o in dossier.get("output") or []
    ]
    capacity = [
        f"{_num(c['value'])} {e(str(c['unit']))}, {e(str(c.get('basis')))}"
        f"{_year(c, 'year')} {cite(c)}"
        for c in dossier.get("capacity") or []
    ]
    return [("resources", resources), ("output", output), ("capacity", capacity)]


def dossier_markdown(dossier: Any, lang: str, escape: Callable[[str], str]) -> str:
    """Return the dossier of one key mine as Markdown ("" when there is none).

    Parameters
    ----------
    dossier : dict or None
        The mine's ``dossier`` value (a record of ``data/mines/dossier.yaml``).
    lang : {"zh", "en"}
        The language of the labels.
    escape : callable
        Escapes text for Markdown (the page's own ``md_escape``).

    Returns
    -------
    str
        A heading, one line per field with its source numbers (and caveat), what was
        searched, the notes, and the numbered sources with their quotes.
    """
    if not isinstance(dossier, dict):
        return ""
    cite = _Citer(escape)
    out = [f"**{_label('heading', lang)}**"]
    colon = "：" if lang == "zh" else ": "
    for key, values in _ownership(dossier, lang, cite) + _size(dossier, lang, cite):
        shown = "; ".join(v.strip() for v in values) or _label("unknown", lang)
        out.append(f"- **{_label(key, lang)}**{colon}{shown}")
    for key in ("searched", "notes"):
        if dossier.get(key):
            out.append(f"- **{_label(key, lang)}**{colon}{escape(str(dossier[key]))}")
    if cite.sources:
        out.append(f"\n**{_label('sources', lang)}**\n")
    for number, source in enumerate(cite.sources, 1):
        url = str(source.get("url") or "")
        where = f"[{escape(url)}](<{url}>)" if _WEB_ADDRESS.match(url) else escape(url)
        out.append(f"{number}. {where}  \n  “{escape(str(source.get('quote')))}”")
    return "\n".join(out)
