"""The app's session state: the URL it is read from and written to, uploads, bound widgets.

Everything a page shows is kept in ``st.session_state`` under a language-independent name
("layers", "provinces", ...); widgets are drawn per language and write back to those names
(:func:`bound`), so a language switch never loses a choice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import streamlit as st

from goldmap._mines_digest import mines_digest
from goldmap.app import data
from goldmap.app.text import tr
from goldmap.errors import DuplicateProvinceError, GoldmapError, InputFileError
from goldmap.io import MAX_UPLOAD_BYTES
from goldmap.maps import BASEMAPS, DEFAULT_LAYERS, MAP_LAYERS, filter_layer

__all__ = [
    "MAX_UPLOAD_MB",
    "bound",
    "current_filters",
    "current_lang",
    "current_layer",
    "init_state",
    "is_first_run",
    "process_uploads",
    "sync_query_params",
    "upload_digest",
    "visible_layer",
    "widget_key",
]

#: Largest upload the app reads, in megabytes (MiB, as Streamlit counts them): the library's
#: cap, which `.streamlit/config.toml` (server.maxUploadSize) shows on the uploader too.
MAX_UPLOAD_MB = MAX_UPLOAD_BYTES // 2**20


def current_lang() -> str:
    """Return the language the page is drawn in, ``zh`` or ``en``."""
    return str(st.session_state.get("lang", "zh"))


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def init_state() -> None:
    """Fill the session state from the URL query string, once per session."""
    if st.session_state.get("_initialised"):
        return
    params = st.query_params
    lang = params.get("lang", "zh")
    st.session_state["lang"] = lang if lang in ("zh", "en") else "zh"
    layers = _split(params["layers"]) if "layers" in params else list(DEFAULT_LAYERS)
    st.session_state["layers"] = [v for v in layers if v in MAP_LAYERS]
    known = set(data.province_options()["adcode"])
    st.session_state["provinces"] = [
        int(v) for v in _split(params.get("prov")) if v.isdigit() and int(v) in known
    ]
    if st.session_state["provinces"]:  # a link to some provinces opens on them
        st.session_state["view"] = data.provinces_view(tuple(st.session_state["provinces"]))
    commodities = set(data.commodity_options())
    st.session_state["commodities"] = [v for v in _split(params.get("com")) if v in commodities]
    st.session_state["stat"] = params.get("stat", "")
    basemap = params.get("basemap", "none")
    st.session_state["basemap"] = basemap if basemap in BASEMAPS else "none"
    focus = params.get("focus", "")
    st.session_state["selected"] = tuple(focus.split(":", 1)) if ":" in focus else None
    st.session_state["focus"] = st.session_state["selected"]
    st.session_state["_initialised"] = True


def is_first_run() -> bool:
    """Return True on the first run of a session, False on every run after it."""
    first = not st.session_state.get("_ran_once")
    st.session_state["_ran_once"] = True
    return first


def sync_query_params() -> None:
    """Write the current view into the URL, so that a link reopens it."""
    state = st.session_state
    view = {
        "lang": state["lang"],
        "layers": ",".join(state["layers"]),
        "prov": ",".join(map(str, state["provinces"])),
        "com": ",".join(state["commodities"]),
        "stat": state["stat"] or state.get("stat_wanted") or "",
        "basemap": state["basemap"],
    }
    if state.get("selected"):
        view["focus"] = ":".join(map(str, state["selected"]))
    view = {k: v for k, v in view.items() if v or k == "layers"}
    if dict(st.query_params) != view:
        st.query_params.from_dict(view)


def _read_upload(key: str) -> tuple[bytes, str] | None:
    upload = st.session_state.get(key)
    if upload is None:
        return None
    size_mb = upload.size / 2**20
    if size_mb > MAX_UPLOAD_MB:
        raise InputFileError(
            tr("too_big", current_lang()).format(size=size_mb, limit=MAX_UPLOAD_MB)
        )
    return upload.getvalue(), str(upload.name)


def process_uploads() -> None:
    """Read the uploads (before the sidebar, whose statistic list depends on them)."""
    state = st.session_state
    state.setdefault("on_duplicate", "error")
    state["stats_duplicates"] = False
    rule = str(state["on_duplicate"])
    lang = current_lang()
    # The corrections come first: the features are located against the mines they give.
    _read_one("corrections_upload", "user_corrections", (), data.corrected_mines)
    _read_one("stats_upload", "user_stats", (rule,), lambda d, n: data.joined_upload(d, n, rule))
    mines = state["user_corrections"]
    digest = "" if mines is None else mines_digest(mines)
    _read_one(
        "features_upload",
        "user_features",
        (lang, digest),
        lambda d, n: data.located_upload(d, n, lang, mines),
    )


def _read_one(
    key: str,
    target: str,
    options: tuple[str, ...],
    work: Callable[[bytes, str], gpd.GeoDataFrame],
) -> None:
    """Read upload ``key`` into ``target`` (or its error into ``target_error``)."""
    state = st.session_state
    state[target] = None
    state[f"{target}_error"] = None
    try:
        upload = _read_upload(key)
        if upload is not None:
            state[target] = _once_per_upload(target, upload, options, work)
    except DuplicateProvinceError as err:
        state["stats_duplicates"] = True
        state[f"{target}_error"] = err
    except GoldmapError as err:
        state[f"{target}_error"] = err


def _once_per_upload(
    target: str,
    upload: tuple[bytes, str],
    options: tuple[str, ...],
    work: Callable[[bytes, str], gpd.GeoDataFrame],
) -> gpd.GeoDataFrame:
    """Return ``work(*upload)``, computed once per file and options in this session.

    Kept in the session, not in a server-wide cache: a 10⁵-row result lives as long as the
    session that uploaded it, and the server's memory goes back down when it ends.
    """
    state = st.session_state
    content, name = upload
    key = (upload_digest(content), name, options)
    memo = state.get(f"_{target}_memo")
    if memo is not None and memo[0] == key:
        if isinstance(memo[1], GoldmapError):
            raise memo[1]
        result: gpd.GeoDataFrame = memo[1]
        return result
    try:
        result = work(content, name)
    except GoldmapError as err:
        state[f"_{target}_memo"] = (key, err)
        raise
    state[f"_{target}_memo"] = (key, result)
    return result


def widget_key(name: str, lang: str) -> str:
    """Return the key of the ``name`` widget drawn in ``lang`` (one widget per language)."""
    return f"{name}_{lang}"


def _keep(name: str, key: str) -> None:
    st.session_state[name] = st.session_state[key]


def bound(widget: Callable[..., Any], name: str, *args: Any, **kwargs: Any) -> Any:
    """Draw ``widget`` bound to ``st.session_state[name]``, which survives language switches.

    A widget's identity includes its label, so the same widget in the other language is a
    new widget to Streamlit and the browser, and would come back empty. Each language gets
    its own widget key, seeded from the value kept under ``name`` and writing back to it.
    """
    key = widget_key(name, current_lang())
    st.session_state[key] = st.session_state[name]
    return widget(*args, key=key, on_change=_keep, args=(name, key), **kwargs)


def current_layer(name: str) -> gpd.GeoDataFrame:
    """Return layer ``name`` as this session sees it: the key mines with the user's corrections."""
    corrected = st.session_state.get("user_corrections")
    if name == "key_mines" and corrected is not None:
        frame: gpd.GeoDataFrame = corrected
        return frame
    return data.layer(name)


def visible_layer(name: str) -> gpd.GeoDataFrame:
    """Return the features of layer ``name`` (as :func:`current_layer`) the filters keep."""
    provinces, commodities = current_filters()
    if name == "key_mines" and st.session_state.get("user_corrections") is not None:
        return filter_layer(current_layer(name), provinces=provinces, commodities=commodities)
    return data.visible(name, provinces, commodities)


def current_filters() -> tuple[tuple[int, ...] | None, tuple[str, ...] | None]:
    """Return the province and commodity filters, None where nothing is chosen."""
    provinces = tuple(st.session_state["provinces"]) or None
    commodities = tuple(st.session_state["commodities"]) or None
    return provinces, commodities


def upload_digest(content: bytes) -> str:
    """Return a short digest of an upload (for logs and cache keys)."""
    return hashlib.sha256(content).hexdigest()[:12]
