"""Sort the key mines into the categories they are coloured by: status, or owner group.

One place for the web map (``make_map(color_by=...)``, the app) and the static figure
(``figure(color_by=...)``): the same categories, in the same order, with the colours of
:mod:`goldmap.styles`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from goldmap._dossier import STATUS_WORDS
from goldmap._values import is_missing
from goldmap.errors import OptionError
from goldmap.styles import OWNER_COLORS, STATUS_COLORS

__all__ = ["COLOR_BY", "Category", "check_color_by", "mine_categories"]

#: What the key mines can be coloured by (None: one colour).
COLOR_BY = ("status", "owner")

#: Owner groups given a colour of their own; the others share "other groups".
_OWNER_GROUPS = len(OWNER_COLORS) - 2
_OTHER, _NONE = "_other", "_none"
_OWNER_WORDS = {
    _OTHER: {"zh": "其他集团", "en": "Other groups"},
    _NONE: {"zh": "所有者未知", "en": "Owner unknown"},
}


@dataclass(frozen=True)
class Category:
    """One category of the colouring: its key, its words in both languages, its colour."""

    key: str
    zh: str
    en: str
    color: str

    def label(self, lang: str) -> str:
        """Return the category's name in ``lang``."""
        return self.zh if lang == "zh" else self.en


def check_color_by(color_by: str | None) -> None:
    """Refuse a ``color_by`` that is not None or one of :data:`COLOR_BY`."""
    if color_by is not None and color_by not in COLOR_BY:
        raise OptionError(f"color_by={color_by!r} is not allowed; choose from {list(COLOR_BY)}.")


def _first(value: Any) -> str | None:
    if isinstance(value, str):
        return value or None
    if isinstance(value, list | tuple | np.ndarray):
        items = [str(v) for v in value if v]
        return items[0] if items else None
    return None


def _owner(row: Mapping[str, Any]) -> tuple[str, str] | None:
    """Return a mine's owner group, (en, zh): its first listed company, else its parent."""
    en, zh = _first(row.get("listed_companies_en")), _first(row.get("listed_companies_zh"))
    if en is None:
        en, zh = (
            None if is_missing(row.get(k)) else str(row.get(k))
            for k in ("ultimate_parent_en", "ultimate_parent_zh")
        )
    if en is None and zh is None:
        return None
    return str(en or zh), str(zh or en)


def mine_categories(
    records: Sequence[Mapping[str, Any]], by: str
) -> tuple[list[str], list[Category]]:
    """Return each mine's category key and the categories in legend order.

    Parameters
    ----------
    records : sequence of mapping
        The key mines' rows (``status``, ``listed_companies_en``/``_zh``,
        ``ultimate_parent_en``/``_zh`` as :func:`goldmap.load` gives them).
    by : {"status", "owner"}
        Status (the dossier's vocabulary, most advanced first) or owner group (the listed
        company, else the ultimate parent; the groups with most mines first, the rest as
        "other groups", then "owner unknown").

    Returns
    -------
    keys : list of str
        Each mine's category key, in the records' order.
    categories : list of Category
        The categories in legend order, with their words and colours: every status, or
        the owner groups that occur.
    """
    check_color_by(by)
    if by == "status":
        keys = [
            str(r.get("status")) if r.get("status") in STATUS_COLORS else "unknown" for r in records
        ]
        # The whole vocabulary, always: a legend that reads the same on every map.
        return keys, [
            Category(s, w["zh"], w["en"], STATUS_COLORS[s]) for s, w in STATUS_WORDS.items()
        ]
    owners = [_owner(r) for r in records]
    counts = Counter(o for o in owners if o is not None)
    ranked = [o for o, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))]
    named = ranked[:_OWNER_GROUPS]
    keys = [_NONE if o is None else o[0] if o in named else _OTHER for o in owners]
    categories = [Category(en, zh, en, OWNER_COLORS[i]) for i, (en, zh) in enumerate(named)]
    for key, color in ((_OTHER, OWNER_COLORS[-2]), (_NONE, OWNER_COLORS[-1])):
        if key in keys:
            categories.append(Category(key, **_OWNER_WORDS[key], color=color))
    return keys, categories
