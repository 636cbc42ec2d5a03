"""Load and cache what the Streamlit app shows: layers, statistics, the plan, user results.

Every function is a thin, cached call into the library; Streamlit hands each caller a copy,
so nothing cached is ever changed by a page. Caches whose keys come from users (filters,
uploads) are bounded in entries and time, so that the server's memory does not grow with
the number of sessions it has served.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

import goldmap
from goldmap.app._jobs import LocatedUpload, export_located, locate_upload
from goldmap.app.memory import heavy_jobs, in_worker
from goldmap.maps import filter_layer
from goldmap.text import field_label, statistic_label, tr

__all__ = [
    "choropleth_frame",
    "commodity_options",
    "companies",
    "corrected_mines",
    "corrections_template",
    "joined_upload",
    "layer",
    "located_download",
    "located_upload",
    "plan",
    "province_options",
    "province_summary_table",
    "provinces_view",
    "stat_options",
    "visible",
]

SUMMARY_COLUMNS = ("key_mines", "plan_area_share", "exploration_km2", "development_km2")


@st.cache_data(show_spinner=False)
def layer(name: str) -> gpd.GeoDataFrame:
    """Return a goldmap layer."""
    return goldmap.load(name)


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def visible(
    name: str,
    provinces: tuple[int, ...] | None,
    commodities: tuple[str, ...] | None,
    company: str | None = None,
) -> gpd.GeoDataFrame:
    """Return the features of layer ``name`` that pass the filters (a company: its mines)."""
    return filter_layer(
        goldmap.load(name), provinces=provinces, commodities=commodities, company=company
    )


@st.cache_data(show_spinner=False)
def companies() -> pd.DataFrame:
    """Return one row per company with its key mines: :func:`goldmap.companies`."""
    table: pd.DataFrame = goldmap.companies()
    return table


@st.cache_data(show_spinner=False)
def province_options() -> pd.DataFrame:
    """Return adcode, name_zh, name_en of the provinces."""
    frame = goldmap.load("provinces", simplified=True)
    return pd.DataFrame(frame[["adcode", "name_zh", "name_en"]])


@st.cache_data(show_spinner=False, max_entries=64)
def provinces_view(adcodes: tuple[int, ...]) -> list[list[float]]:
    """Return the map bounds that show these provinces (a link's first view)."""
    from goldmap.maps.base import first_view

    frame = goldmap.load("provinces", simplified=True)
    return first_view([frame[frame["adcode"].isin(adcodes)]])


@st.cache_data(show_spinner=False)
def commodity_options() -> list[str]:
    """Return the commodities that occur in the mines and areas."""
    values: set[str] = set()
    for name, column in (
        ("key_mines", "commodity"),
        ("exploration_areas", "commodities"),
        ("development_areas", "commodities"),
    ):
        for items in goldmap.load(name)[column]:
            values.update(map(str, items))
    return sorted(values, key=lambda c: (c != "gold", c))


@st.cache_data(show_spinner=False)
def province_summary_table() -> pd.DataFrame:
    """Return :func:`goldmap.province_summary` without geometry: counts and areas by province."""
    return pd.DataFrame(goldmap.province_summary().drop(columns="geometry"))


@st.cache_data(show_spinner=False)
def _packaged_wide() -> gpd.GeoDataFrame:
    table = goldmap.load_stats(wide=True)
    table = table[table["adcode"] != 100000]
    return goldmap.join_stats(table, "adcode", simplified=True)


@st.cache_data(show_spinner=False)
def _packaged_statistics() -> list[str]:
    """Return the packaged statistics' columns that hold numbers."""
    packaged = _packaged_wide()
    return [
        str(column)
        for column in packaged.columns
        if column not in ("adcode", "name_zh", "name_zh_short", "name_en", "region_zh", "geometry")
        and pd.to_numeric(packaged[column], errors="coerce").notna().any()
    ]


def stat_options(user_stats: gpd.GeoDataFrame | None, lang: str) -> dict[str, str]:
    """Return statistic keys ("summary:col", "stats:col", "upload:col") and their labels."""
    options = {f"summary:{c}": field_label(c, lang) for c in SUMMARY_COLUMNS}
    for column in _packaged_statistics():
        options[f"stats:{column}"] = statistic_label(column, lang)
    if user_stats is not None:
        for column in user_stats.columns:
            if column in ("adcode", "name_zh", "name_zh_short", "name_en", "geometry"):
                continue
            if pd.to_numeric(user_stats[column], errors="coerce").notna().any():
                options[f"upload:{column}"] = f"{column} ({tr('stat_upload', lang)})"
    return options


def choropleth_frame(
    key: str, user_stats: gpd.GeoDataFrame | None
) -> tuple[gpd.GeoDataFrame, str] | None:
    """Return the provinces frame and column for statistic ``key``, or None."""
    source, _, column = key.partition(":")
    if source == "summary" and column in SUMMARY_COLUMNS:
        base = goldmap.load("provinces", simplified=True)
        return base.merge(
            province_summary_table()[["adcode", column]], on="adcode", how="left"
        ), column
    if source == "stats":
        frame = _packaged_wide()
        return (frame, column) if column in frame.columns else None
    if source == "upload" and user_stats is not None and column in user_stats.columns:
        return user_stats, column
    return None


@st.cache_data(show_spinner=False)
def plan() -> dict[str, Any]:
    """Return the plan (documents, targets, Column 1): :func:`goldmap.plan`."""
    return goldmap.plan()


def joined_upload(data: bytes, filename: str, on_duplicate: str) -> gpd.GeoDataFrame:
    """Join an uploaded statistics table to the provinces (display geometry)."""
    return goldmap.join_stats(data, filename=filename, simplified=True, on_duplicate=on_duplicate)


def corrected_mines(data: bytes, filename: str) -> gpd.GeoDataFrame:
    """Return the key mines with an uploaded corrections file applied (all rows or none).

    Through ``goldmap.load("key_mines", corrections=...)``, as the library and the CLI do.
    """
    from goldmap.corrections import read_corrections

    return goldmap.load("key_mines", corrections=read_corrections(data, filename=filename))


@st.cache_data(show_spinner=False)
def corrections_template() -> bytes:
    """Return the corrections template as CSV bytes (UTF-8 with BOM, for Excel)."""
    from goldmap.corrections import template

    return template().to_csv(index=False).encode("utf-8-sig")


#: Uploads from this size on (bytes) are heavy: they wait their turn for a worker.
HEAVY_BYTES = 5 * 2**20


def located_upload(
    data: bytes,
    filename: str,
    lang: str,
    mines: gpd.GeoDataFrame | None = None,
    *,
    folder: Path,
    on_wait: Callable[[int], None] | None = None,
) -> LocatedUpload:
    """Locate uploaded features against the plan layers, in a worker process.

    ``mines`` are the session's key mines (with the user's corrections), measured to as
    ``goldmap.locate(..., mines=mines)`` does. The upload is written to the session's
    ``folder``, where the worker reads it and keeps the whole answer; the server gets back
    what its page shows (:class:`goldmap.app._jobs.LocatedUpload`), keeps none of the memory
    ``locate`` needs (see :mod:`goldmap.app.memory`), and does not even import its engine.
    A heavy upload (:data:`HEAVY_BYTES` or more) waits for a free slot of the server's
    :data:`goldmap.app.memory.heavy_jobs`, calling ``on_wait`` with the jobs ahead of it.
    """
    upload = folder / "upload"
    upload.write_bytes(data)
    heavy = len(data) >= HEAVY_BYTES
    with heavy_jobs.admit(on_wait) if heavy else contextlib.nullcontext():
        return in_worker(locate_upload, upload, filename, lang, mines)


def located_download(upload: LocatedUpload, name: str, fmt: str) -> bytes:
    """Return the whole located file of ``upload`` as ``fmt``, exported in a worker process.

    Its names are in ``upload.lang``, the language the page shows it in.
    """
    heavy = upload.path.stat().st_size >= HEAVY_BYTES
    with heavy_jobs.admit() if heavy else contextlib.nullcontext():
        return in_worker(export_located, upload.path, name, fmt, (upload.labels, upload.lang))
