"""Read the key-mine dossier and derive the flat columns the key-mines layer carries from it.

The dossier (``data/mines/dossier.yaml``) is hand-kept: one record per mine with its licence
holders, owners up the chain, listed companies, status, resources, output and capacity, each
value with its sources. :func:`dossier_columns` turns one record into the layer's flat columns
by the written rules of ``data/README.md`` (which figure is the headline); the build
(``make layers``) and ``goldmap validate`` both use it, so the two cannot disagree.
"""

from __future__ import annotations

import functools
from typing import Any

from goldmap._resources import read_packaged

__all__ = [
    "CAPACITY_BASES",
    "DOSSIER_COLUMNS",
    "EXCHANGES",
    "STATUSES",
    "STATUS_WORDS",
    "dossier_columns",
    "dossier_records",
    "headline_capacity",
    "headline_output",
    "headline_resource",
    "ticker_label",
]

#: The status vocabulary, from the most to the least advanced; rules in data/README.md.
STATUSES: tuple[str, ...] = (
    "producing",
    "under_construction",
    "development",
    "exploration",
    "unknown",
)

#: How each status reads on maps and in tables, Chinese and English.
STATUS_WORDS: dict[str, dict[str, str]] = {
    "producing": {"zh": "生产", "en": "Producing"},
    "under_construction": {"zh": "在建", "en": "Under construction"},
    "development": {"zh": "开发准备", "en": "Development"},
    "exploration": {"zh": "勘查", "en": "Exploration"},
    "unknown": {"zh": "状态未知", "en": "Status unknown"},
}

#: Exchanges a listed company may be quoted on.
EXCHANGES: tuple[str, ...] = ("SSE", "SZSE", "BSE", "HKEX", "TSX", "ASX", "NYSE", "LSE")

#: Capacity bases, the headline preferring the first.
CAPACITY_BASES: tuple[str, ...] = ("current", "licensed", "design", "planned")

#: The flat columns the key-mines layer takes from the dossier, in layer order.
DOSSIER_COLUMNS: tuple[str, ...] = (
    "operator_zh",
    "operator_en",
    "operator_role",
    "operator_year",
    "ultimate_parent_zh",
    "ultimate_parent_en",
    "listed_companies_zh",
    "listed_companies_en",
    "listed_tickers",
    "status",
    "status_year",
    "resources_t",
    "resources_kind",
    "resources_standard",
    "resources_year",
    "output_t",
    "output_t_max",
    "output_year",
    "capacity",
    "capacity_unit",
    "capacity_year",
    "dossier",
)


@functools.cache
def _read() -> tuple[dict[str, Any], ...]:
    from goldmap._areas import read_yaml

    return tuple(read_packaged(read_yaml, "mines", "dossier.yaml") or ())


def dossier_records() -> list[dict[str, Any]]:
    """Return the dossier's records as written (a deep copy), in file order."""
    import copy

    return copy.deepcopy(list(_read()))


def ticker_label(exchange: str, ticker: str) -> str:
    """Return a listing as one label, e.g. ``"SSE:600547"``."""
    return f"{exchange}:{ticker}"


def _year_key(year: Any) -> int:
    return int(year) if isinstance(year, int) else -1


def headline_resource(record: dict[str, Any]) -> dict[str, Any] | None:
    """Return the resource figure that stands for the mine, or None.

    Only figures whose ``scope`` is ``mine`` qualify; among them a figure of what remains
    comes before a cumulative one (``includes_mined``), then the newest year; ties keep the
    dossier's order.
    """
    figures = [r for r in record.get("resources") or [] if r.get("scope") == "mine"]
    if not figures:
        return None
    best: dict[str, Any] = max(
        enumerate(figures),
        key=lambda p: (not p[1].get("includes_mined"), _year_key(p[1].get("year")), -p[0]),
    )[1]
    return best


def headline_output(record: dict[str, Any]) -> dict[str, Any] | None:
    """Return the newest actual (not guidance) output figure, or None."""
    figures = [o for o in record.get("output") or [] if o.get("basis") == "actual"]
    if not figures:
        return None
    best: dict[str, Any] = max(
        enumerate(figures), key=lambda p: (_year_key(p[1].get("year")), -p[0])
    )[1]
    return best


def headline_capacity(record: dict[str, Any]) -> dict[str, Any] | None:
    """Return the capacity figure to show first: current before licensed, design, planned."""
    figures = list(record.get("capacity") or [])
    if not figures:
        return None

    def rank(p: tuple[int, dict[str, Any]]) -> tuple[int, int, int]:
        basis = p[1].get("basis")
        order = CAPACITY_BASES.index(basis) if basis in CAPACITY_BASES else len(CAPACITY_BASES)
        return (-order, _year_key(p[1].get("year")), -p[0])

    best: dict[str, Any] = max(enumerate(figures), key=rank)[1]
    return best


def _joined(values: list[Any]) -> str | None:
    names = [str(v) for v in dict.fromkeys(values) if v]
    return " / ".join(names) if names else None


def dossier_columns(record: dict[str, Any] | None) -> dict[str, Any]:
    """Return the flat columns of one mine from its dossier record (None: all unknown).

    Parameters
    ----------
    record : dict or None
        One record of ``data/mines/dossier.yaml``.

    Returns
    -------
    dict
        One value per name of :data:`DOSSIER_COLUMNS`; ``dossier`` is the record without
        its ``id`` and ``name_zh`` (which the layer has already).
    """
    record = record or {}
    operators = record.get("operators") or []
    parent = record.get("ultimate_parent") or {}
    listed = record.get("listed") or []
    status = record.get("status") or {}
    resource = headline_resource(record) or {}
    output = headline_output(record) or {}
    capacity = headline_capacity(record) or {}
    nested = {k: v for k, v in record.items() if k not in ("id", "name_zh")}
    years = [o.get("as_of") for o in operators if isinstance(o.get("as_of"), int)]
    return {
        "operator_zh": _joined([o.get("name_zh") for o in operators]),
        "operator_en": _joined([o.get("name_en") for o in operators]),
        "operator_role": _joined([o.get("role") for o in operators]),
        "operator_year": max(years) if years else None,
        "ultimate_parent_zh": parent.get("name_zh"),
        "ultimate_parent_en": parent.get("name_en"),
        "listed_companies_zh": list(dict.fromkeys(li["name_zh"] for li in listed)),
        "listed_companies_en": list(dict.fromkeys(li["name_en"] for li in listed)),
        "listed_tickers": [ticker_label(li["exchange"], str(li["ticker"])) for li in listed],
        "status": status.get("value") or "unknown",
        "status_year": status.get("as_of"),
        "resources_t": resource.get("value_t"),
        "resources_kind": resource.get("kind"),
        "resources_standard": resource.get("standard"),
        "resources_year": resource.get("year"),
        "output_t": output.get("value_t"),
        "output_t_max": output.get("value_max_t") or output.get("value_t"),
        "output_year": output.get("year"),
        "capacity": capacity.get("value"),
        "capacity_unit": capacity.get("unit"),
        "capacity_year": capacity.get("year"),
        "dossier": nested or None,
    }
