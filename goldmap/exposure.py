"""Tell which companies hold the key mines: one row per company, and a filter of mines by company.

Both read the key mines' ``dossier`` column (see ``data/README.md``), so a frame loaded with
corrections answers the same as the packaged layer.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

__all__ = ["COMPANY_COLUMNS", "TABLE_ENDINGS", "companies", "company_mask", "write_companies"]

#: The columns of :func:`companies`, in order.
COMPANY_COLUMNS: tuple[str, ...] = (
    "name_zh",
    "name_en",
    "listed",
    "tickers",
    "roles",
    "n_mines",
    "mine_ids",
    "mines_zh",
    "mines_en",
    "area_ids",
    "areas_zh",
    "areas_en",
    "resources_t",
    "resources_unknown",
    "output_t",
    "output_t_max",
    "output_unknown",
)


def _entities(dossier: Any) -> list[tuple[str | None, str | None, str, str | None]]:
    """Return (name_zh, name_en, role, ticker label) for every company a record names."""
    if not isinstance(dossier, dict):
        return []
    found: list[tuple[str | None, str | None, str, str | None]] = []
    for item in dossier.get("operators") or []:
        found.append((item.get("name_zh"), item.get("name_en"), "operator", None))
    for item in dossier.get("owners") or []:
        found.append((item.get("owner_zh"), item.get("owner_en"), "owner", None))
    parent = dossier.get("ultimate_parent")
    if isinstance(parent, dict):
        found.append((parent.get("name_zh"), parent.get("name_en"), "ultimate_parent", None))
    for item in dossier.get("listed") or []:
        label = f"{item.get('exchange')}:{item.get('ticker')}"
        found.append((item.get("name_zh"), item.get("name_en"), "listed", label))
    return [e for e in found if e[0] or e[1]]


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _plan_areas(mines: gpd.GeoDataFrame) -> list[list[tuple[str, str, str]]]:
    """Return, per mine, the plan areas (id, name_zh, name_en) its point lies in."""
    from goldmap.catalog import LayerGroup, layers_in, load

    out: list[list[tuple[str, str, str]]] = [[] for _ in range(len(mines))]
    points = mines.geometry.to_crs(4326) if mines.crs is not None else mines.geometry
    for layer in layers_in(LayerGroup.PLAN_AREA):
        areas = load(layer)
        for area in areas.itertuples():
            inside = points.within(area.geometry).to_numpy()
            for position in np.flatnonzero(inside):
                out[position].append((str(area.id), str(area.name_zh), str(area.name_en)))
    return out


def companies(*, mines: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Return one row per company named in the key mines' dossier, with its mines and areas.

    Parameters
    ----------
    mines : geopandas.GeoDataFrame, optional
        The key mines, e.g. ``goldmap.load("key_mines", corrections=...)``; default the
        packaged layer. It needs the ``dossier`` column.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COMPANY_COLUMNS`: the company's names, whether it is listed and its
        listings (``SSE:600547``), its roles in the chains (``operator``, ``owner``,
        ``listed``, ``ultimate_parent``), its mines (ids, Chinese and English names), the
        plan areas those mines lie in (exploration and development area polygons), and the
        sum of its mines' known headline resources and output (t Au, each mine at 100 %,
        not weighted by stake; missing (NaN) when no figure is known) with the count of its mines
        whose figure is unknown; ``output_t`` sums the lower and ``output_t_max`` the upper
        bounds where a source gives a range. Listed companies first, then by number of mines.

    Raises
    ------
    GoldmapError
        When ``mines`` has no ``dossier`` column.

    Examples
    --------
    >>> table = companies()
    >>> "HKEX:01818" in table.loc[table.name_zh == "招金矿业股份有限公司", "tickers"].iloc[0]
    True
    """
    from goldmap.catalog import load
    from goldmap.errors import GoldmapError

    mines = load("key_mines") if mines is None else mines
    if "dossier" not in mines.columns:
        raise GoldmapError(
            "The mines have no 'dossier' column: pass the key-mines layer as "
            "goldmap.load('key_mines') returns it."
        )
    areas = _plan_areas(mines)
    rows: dict[str, dict[str, Any]] = {}
    for position, mine in enumerate(mines.to_dict("records")):
        for name_zh, name_en, role, ticker in _entities(mine["dossier"]):
            key = str(name_zh or name_en)
            row = rows.setdefault(
                key,
                {"name_zh": name_zh, "name_en": name_en, "tickers": [], "roles": [], "mines": {}},
            )
            row["name_en"] = row["name_en"] or name_en
            if ticker and ticker not in row["tickers"]:
                row["tickers"].append(ticker)
            if role not in row["roles"]:
                row["roles"].append(role)
            row["mines"][mine["id"]] = (mine, areas[position])
    return pd.DataFrame(
        [_summary(row) for row in rows.values()], columns=list(COMPANY_COLUMNS)
    ).sort_values(["listed", "n_mines", "name_zh"], ascending=[False, False, True], kind="stable",
                  na_position="last", ignore_index=True)  # fmt: skip


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    mines = [m for m, _ in row["mines"].values()]
    area_rows = dict.fromkeys(a for _, areas in row["mines"].values() for a in areas)
    resources = [_number(m.get("resources_t")) for m in mines]
    low = [_number(m.get("output_t")) for m in mines]
    high = [_number(m.get("output_t_max")) for m in mines]
    return {
        "name_zh": row["name_zh"],
        "name_en": row["name_en"],
        "listed": bool(row["tickers"]),
        "tickers": row["tickers"],
        "roles": row["roles"],
        "n_mines": len(mines),
        "mine_ids": [m["id"] for m in mines],
        "mines_zh": [m["name_zh"] for m in mines],
        "mines_en": [m["name_en"] for m in mines],
        "area_ids": [a[0] for a in area_rows],
        "areas_zh": [a[1] for a in area_rows],
        "areas_en": [a[2] for a in area_rows],
        "resources_t": _known_sum(resources),
        "resources_unknown": sum(v is None for v in resources),
        "output_t": _known_sum(low),
        "output_t_max": _known_sum(high),
        "output_unknown": sum(v is None for v in low),
    }


def _known_sum(values: list[float | None]) -> float | None:
    """Return the sum of the known values (None when none is known)."""
    known = [v for v in values if v is not None]
    return round(sum(known), 3) if known else None


def _ticker_matches(query: str, label: str) -> bool:
    exchange, _, ticker = label.partition(":")
    q = query.strip().upper()
    for suffix in (".SH", ".SS", ".SZ", ".HK", ".BJ", "-T", ".TO"):
        q = q.removesuffix(suffix)
    q = q.removeprefix(f"{exchange}:")
    if q.isdigit() and ticker.isdigit():
        return int(q) == int(ticker)
    return q == ticker.upper()


def company_mask(frame: pd.DataFrame, company: str | Iterable[str]) -> np.ndarray:
    """Return which mines a company (name or ticker, any of several) holds, owns or lists.

    Parameters
    ----------
    frame : pandas.DataFrame
        Key mines with their ``dossier`` column; a frame without one keeps every row.
    company : str or iterable of str
        A company's whole name as :func:`companies` gives it (that company only), a
        part of a name in Chinese or English (case-insensitive: ``"山东黄金"``,
        ``"zijin"``: every company whose name contains it) or a ticker (``"600547"``,
        ``"SSE:600547"``, ``"1787"``, ``"CGG"``).

    Returns
    -------
    numpy.ndarray
        One boolean per row.
    """
    queries = [company] if isinstance(company, str) else [str(c) for c in company]
    queries = [q for q in queries if q.strip()]
    if "dossier" not in frame.columns or not queries:
        return np.ones(len(frame), dtype=bool)
    entities = [list(_entities(dossier)) for dossier in frame["dossier"].tolist()]
    full_names = {
        str(name).casefold() for found in entities for name_zh, name_en, _, _ in found
        for name in (name_zh, name_en) if name
    }  # fmt: skip
    keep = np.zeros(len(frame), dtype=bool)
    for position, found in enumerate(entities):
        for name_zh, name_en, _, ticker in found:
            names = [str(n).casefold() for n in (name_zh, name_en) if n]
            if any(_name_matches(q, names, full_names) or (ticker and _ticker_matches(q, ticker))
                   for q in queries):  # fmt: skip
                keep[position] = True
                break
    return keep


def _name_matches(query: str, names: list[str], full_names: set[str]) -> bool:
    """Whether a company query names one of ``names``.

    A query that is some company's whole name matches that company only (so picking
    中国黄金集团有限公司 in :func:`companies` gives the same mines as its row); any other query
    matches as a case-insensitive part of a name.
    """
    q = query.strip().casefold()
    if q in full_names:
        return q in names
    return any(q in name for name in names)


#: File endings :func:`write_companies` writes.
TABLE_ENDINGS: tuple[str, ...] = (".csv", ".xlsx", ".json")


def write_companies(
    table: pd.DataFrame, path: str | os.PathLike[str], *, overwrite: bool = False
) -> Path:
    """Write the :func:`companies` table as CSV, XLSX or JSON, chosen by the path's ending.

    Lists (tickers, mines, areas) become JSON text in CSV and XLSX cells and stay lists in
    JSON (one object per company).

    Parameters
    ----------
    table : pandas.DataFrame
        The result of :func:`companies`.
    path : str or path-like
        Output file ending in ``.csv`` (UTF-8 with BOM, opens in Excel), ``.xlsx`` or
        ``.json``.
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ExportError
        When the ending is not one of :data:`TABLE_ENDINGS`, or the folder is missing or
        not writable.
    OutputExistsError
        When the file exists and ``overwrite`` is False.

    Examples
    --------
    >>> write_companies(companies(), "companies.xlsx")  # doctest: +SKIP
    PosixPath('companies.xlsx')
    """
    from goldmap.errors import ExportError
    from goldmap.io._table_writer import write_table

    suffix = Path(os.fspath(path)).suffix.lower()
    if suffix not in TABLE_ENDINGS:
        raise ExportError(
            f"Cannot write the companies table as {suffix or '(no ending)'} "
            f"({os.fspath(path)!r}); use a path ending in {', '.join(TABLE_ENDINGS)}."
        )
    return write_table(table, path, sheet_name="companies", overwrite=overwrite)
