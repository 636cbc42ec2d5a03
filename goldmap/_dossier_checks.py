"""Check the key-mine dossier: vocabulary, stakes, tickers, sources, and the layer built from it.

Each check takes the dossier's records (as ``data/mines/dossier.yaml`` holds them) and returns
``(mine id, message)`` pairs; :mod:`goldmap.validate` runs them on the packaged data and the
tests run them on broken copies.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from goldmap._dossier import DOSSIER_COLUMNS, EXCHANGES, STATUSES, dossier_columns
from goldmap._resources import read_packaged

__all__ = [
    "TICKER_PATTERNS",
    "layer_problems",
    "listed_company_problems",
    "record_problems",
    "schema_problems",
    "source_problems",
    "stake_problems",
    "status_problems",
    "ticker_problems",
]

Finding = tuple[str, str]

#: Ticker formats per exchange: pattern and what it means.
TICKER_PATTERNS: dict[str, tuple[str, str]] = {
    "SSE": (r"6\d{5}", "6 digits starting with 6, e.g. 600547"),
    "SZSE": (r"[03]\d{5}", "6 digits starting with 0 or 3, e.g. 000975"),
    "BSE": (r"[48]\d{5}", "6 digits starting with 8 or 4"),
    "HKEX": (r"\d{4,5}", "4 or 5 digits, e.g. 01787"),
    "TSX": (r"[A-Z]{1,5}(\.[A-Z])?", "letters, e.g. CGG"),
    "ASX": (r"[A-Z0-9]{3,6}", "letters, e.g. NST"),
    "NYSE": (r"[A-Z]{1,5}(\.[A-Z])?", "letters"),
    "LSE": (r"[A-Z0-9]{2,5}(\.[A-Z])?", "letters"),
}


@functools.cache
def _validator() -> Any:
    import jsonschema

    spec = read_packaged(
        lambda path: json.loads(path.read_text(encoding="utf-8")),
        "schema",
        "key_mines_dossier.schema.json",
    )
    cls = jsonschema.validators.validator_for(spec)
    return cls(spec)


def _id(record: Any, position: int) -> str:
    return str(record.get("id")) if isinstance(record, dict) else f"record {position}"


def schema_problems(records: list[Any]) -> list[Finding]:
    """Check the records against ``data/schema/key_mines_dossier.schema.json``."""
    found = []
    for error in _validator().iter_errors(records):
        path = list(error.absolute_path)
        position = path[0] if path and isinstance(path[0], int) else -1
        record = records[position] if 0 <= position < len(records) else {}
        where = ".".join(str(p) for p in path[1:]) or "(record)"
        found.append((_id(record, position), f"{where}: {error.message}"))
    return found


def status_problems(records: list[dict[str, Any]]) -> list[Finding]:
    """Check that each status is one of :data:`STATUSES` and a known status has a source."""
    found = []
    for record in records:
        status = record.get("status") or {}
        value = status.get("value")
        if value not in STATUSES:
            found.append((record["id"], f"status {value!r} is not one of {list(STATUSES)}"))
        elif value != "unknown" and not status.get("sources"):
            found.append((record["id"], f"status {value!r} has no source"))
    return found


def _stake_sum_label(owner: dict[str, Any]) -> str:
    return str(owner.get("entity_zh") or owner.get("entity_en"))


def stake_problems(records: list[dict[str, Any]]) -> list[Finding]:
    """Check that stakes lie in 0-100 and the stakes in one entity add up to at most 100."""
    found = []
    for record in records:
        totals: dict[str, float] = defaultdict(float)
        for owner in record.get("owners") or []:
            stake = owner.get("stake_pct")
            if stake is None:
                continue
            if not isinstance(stake, int | float) or math.isnan(stake) or not 0 <= stake <= 100:
                found.append(
                    (record["id"], f"stake {stake!r} of {owner.get('owner_zh')} is not 0-100")
                )
                continue
            totals[_stake_sum_label(owner)] += float(stake)
        for entity, total in totals.items():
            if total > 100 + 1e-9:
                found.append(
                    (record["id"], f"the owners' stakes in {entity} add up to {total:g} > 100")
                )
    return found


def ticker_problems(records: list[dict[str, Any]]) -> list[Finding]:
    """Check that each listing names a known exchange and a ticker in its format."""
    found = []
    for record in records:
        for listing in record.get("listed") or []:
            exchange, ticker = listing.get("exchange"), str(listing.get("ticker"))
            if exchange not in TICKER_PATTERNS:
                found.append((record["id"], f"exchange {exchange!r} is not one of {EXCHANGES}"))
                continue
            pattern, meaning = TICKER_PATTERNS[exchange]
            if not re.fullmatch(pattern, ticker):
                found.append((record["id"], f"{exchange} ticker {ticker!r} is not {meaning}"))
    return found


def _valued(record: dict[str, Any]) -> Iterable[tuple[str, dict[str, Any]]]:
    """Yield (field label, item) for every value of the record that needs a source."""
    for key in ("operators", "owners", "listed", "resources", "output", "capacity"):
        for position, item in enumerate(record.get(key) or []):
            yield f"{key}[{position}]", item
    if record.get("ultimate_parent"):
        yield "ultimate_parent", record["ultimate_parent"]
    status = record.get("status") or {}
    if status.get("value") not in (None, "unknown") or status.get("sources"):
        yield "status", status


def source_problems(records: list[dict[str, Any]]) -> list[Finding]:
    """Check that every value has a source, and every source a url and a quote."""
    found = []
    for record in records:
        for label, item in _valued(record):
            sources = item.get("sources") or []
            if not sources:
                found.append((record["id"], f"{label} has no source"))
            for position, source in enumerate(sources):
                for key in ("url", "quote"):
                    value = source.get(key) if isinstance(source, dict) else None
                    if not isinstance(value, str) or not value.strip():
                        found.append((record["id"], f"{label}.sources[{position}] has no {key}"))
    return found


def record_problems(records: list[Any], *, mine_ids: Iterable[str]) -> list[Finding]:
    """Run every record check; ``mine_ids`` are the key mines the records must belong to."""
    found = schema_problems(records)
    dicts = [r for r in records if isinstance(r, dict) and "id" in r]
    ids = [r["id"] for r in dicts]
    known = set(mine_ids)
    found += [(i, "not a key mine id") for i in ids if i not in known]
    found += [
        (i, "more than one dossier record") for i in sorted({i for i in ids if ids.count(i) > 1})
    ]
    found += status_problems(dicts)
    found += stake_problems(dicts)
    found += ticker_problems(dicts)
    found += source_problems(dicts)
    return found


def _same(a: Any, b: Any) -> bool:
    from goldmap.schema import _jsonable

    return bool(_jsonable(a) == _jsonable(b))


def layer_problems(records: list[dict[str, Any]], mines: Any) -> list[Finding]:
    """Check that the layer's dossier columns are those the records give (the build is current)."""
    by_id = {r["id"]: r for r in records}
    missing = [c for c in DOSSIER_COLUMNS if c not in mines.columns]
    if missing:
        return [("*", f"the key-mines layer lacks the dossier columns {missing}")]
    found = []
    for row in mines.to_dict("records"):
        record = by_id.get(row["id"])
        if record is not None and record.get("name_zh") != row.get("name_zh"):
            found.append(
                (row["id"], f"dossier name_zh {record.get('name_zh')!r} is not the plan's name")
            )
        expected = dossier_columns(record)
        for column in DOSSIER_COLUMNS:
            if not _same(row[column], expected[column]):
                found.append(
                    (
                        row["id"],
                        f"{column} differs from data/mines/dossier.yaml: rebuild with "
                        "`make layers`",
                    )
                )
    return found


def listed_company_problems(records: list[dict[str, Any]], companies: Any) -> list[Finding]:
    """Check that each listing of a mine appears in ``companies`` with that mine."""
    found = []
    rows = companies.to_dict("records")
    for record in records:
        for listing in record.get("listed") or []:
            label = f"{listing.get('exchange')}:{listing.get('ticker')}"
            hits = [r for r in rows if label in (r.get("tickers") or [])]
            if not hits:
                found.append((record["id"], f"listed parent {label} is not in companies()"))
            elif not any(record["id"] in (r.get("mine_ids") or []) for r in hits):
                found.append((record["id"], f"companies() does not list this mine under {label}"))
    return found
