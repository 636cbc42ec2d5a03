"""Give the plan itself: its documents, 2027 targets and Column 1, in Chinese and English.

Public as :func:`goldmap.plan` and :func:`goldmap.plan_text`; the module is private so that
``goldmap.plan`` names the function alone.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

from goldmap._resources import read_packaged

__all__ = ["plan", "plan_text"]


#: The parts of plan.yaml every caller relies on.
_PLAN_KEYS = ("documents", "targets", "column1", "province_layers")


@functools.cache
def _plan() -> dict[str, Any]:
    import yaml  # here, not at the top: `import goldmap` imports this module

    def read(path: Path) -> dict[str, Any]:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        missing = [k for k in _PLAN_KEYS if not isinstance(loaded, dict) or k not in loaded]
        if missing:  # a file cut short still parses as YAML
            raise ValueError(f"no {', '.join(missing)}")
        return dict(loaded)

    return read_packaged(read, "plan", "plan.yaml")


def plan() -> dict[str, Any]:
    """Return the plan as goldmap ships it: documents, 2027 targets, Column 1 (专栏1).

    Returns
    -------
    dict
        ``documents`` (titles, issuers, sources), ``targets`` (each with ``id``, ``zh``,
        ``en``), ``column1`` (``title_zh``, ``title_en`` and its ``parts``: exploration
        areas, development areas, key mines, each in the plan's words and in English). A
        fresh copy each call.

    Examples
    --------
    >>> [t["id"] for t in plan()["targets"]][:2]
    ['resources', 'output']
    """
    return copy.deepcopy(_plan())


def plan_text() -> str:
    """Return the plan's Chinese text (authoritative), as shipped in ``data/plan/``.

    Examples
    --------
    >>> "专栏" in plan_text()
    True
    """
    return read_packaged(
        lambda path: path.read_text(encoding="utf-8"), "plan", "gold-plan-2025-2027.zh.txt"
    )
