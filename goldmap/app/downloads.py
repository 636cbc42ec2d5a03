"""The Downloads tab and the download buttons under results: layers, results and figures.

A download gives what the user is looking at: the filtered features of one layer, or every
layer on the map in one file; the key mines with the user's corrections when uploaded.
Layer files are made when the button is clicked (a deferred download), so the page does not
export anything on a rerun.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import streamlit as st

from goldmap.app import data
from goldmap.app.state import (
    bound,
    current_filters,
    current_lang,
    current_layer,
    session,
    visible_layer,
)
from goldmap.app.text import error_text, md_escape, tr
from goldmap.catalog import LAYERS
from goldmap.errors import GoldmapError
from goldmap.io.write import FORMATS, download_name, export_bytes
from goldmap.maps import MAP_LAYERS, Choropleth
from goldmap.names import province_name

__all__ = ["download_frame", "downloads", "figure_stem"]

#: The choice of the layer box that stands for every layer drawn on the map.
ALL_VISIBLE = "all_visible"


def _format_label(fmt: str, lang: str) -> str:
    return tr(f"fmt_{fmt}", lang)


def download_frame(
    frame: gpd.GeoDataFrame | None,
    name: str,
    key: str,
    *,
    export: Callable[[str], bytes] | None = None,
) -> None:
    """Offer ``frame`` (a result) for download in a chosen export format.

    ``export(fmt)``, when given, makes the file instead (a result kept on disk).
    """
    lang = current_lang()
    session().default(f"{key}_fmt", "gpkg")
    fmt = bound(
        st.selectbox, f"{key}_fmt", tr("format", lang), list(FORMATS),
        format_func=lambda f: _format_label(f, lang),
    )  # fmt: skip
    filename, mime = download_name(f"goldmap_{name}", fmt)
    # Written when the user clicks, not on every rerun (10⁵ rows take seconds to write).
    st.download_button(
        tr("download_result", lang),
        (lambda: export(fmt)) if export else lambda: export_bytes({name: frame}, format=fmt)[0],
        filename, mime, key=key, on_click="ignore",
    )  # fmt: skip


@st.cache_data(show_spinner=False, max_entries=8, ttl=1800)
def _packaged_bytes(
    layers: tuple[str, ...],
    fmt: str,
    provinces: tuple[int, ...] | None,
    commodities: tuple[str, ...] | None,
) -> bytes:
    """Export packaged layers (filtered) as bytes; cached, keyed by what they hold."""
    frames = {n: data.visible(n, provinces, commodities) for n in layers}
    return export_bytes(frames, format=fmt)[0]


def _stem(layers: tuple[str, ...], filtered: bool) -> str:
    provinces, commodities = current_filters()
    what = layers[0] if len(layers) == 1 else "layers"
    parts = ["goldmap", what]
    if filtered and provinces:
        parts += [province_name(p, lang="en").split()[0].lower() for p in provinces[:3]]
    if filtered and commodities:
        parts += list(commodities[:3])
    return "_".join(parts)


def _content(layers: tuple[str, ...], fmt: str, filtered: bool) -> Callable[[], bytes]:
    """Return the deferred export of ``layers`` as the user sees them."""
    provinces, commodities = current_filters() if filtered else (None, None)
    if any(session().has_own(n) for n in layers):
        frames = {n: visible_layer(n) if filtered else current_layer(n) for n in layers}
        return lambda: export_bytes(frames, format=fmt)[0]
    return lambda: _packaged_bytes(layers, fmt, provinces, commodities)


def downloads() -> None:
    """Download what the map shows: one layer or all visible ones, filtered, in any format."""
    s = session()
    lang = s.lang
    s.default("dl_layer", ALL_VISIBLE)
    s.default("dl_format", "gpkg")
    s.default("dl_filtered", True)
    left, right = st.columns(2)
    with left:
        choice = bound(
            st.selectbox, "dl_layer", tr("download_layer", lang),
            [ALL_VISIBLE, *MAP_LAYERS, "provinces", "counties"],
            format_func=lambda v: tr(v, lang) if v == ALL_VISIBLE
            else LAYERS[v].title_zh if lang == "zh" else LAYERS[v].title_en,
        )  # fmt: skip
    with right:
        fmt = bound(
            st.selectbox, "dl_format", tr("format", lang), list(FORMATS),
            format_func=lambda f: _format_label(f, lang),
        )  # fmt: skip
    layers = tuple(s.layers) if choice == ALL_VISIBLE else (str(choice),)
    plan_only = all(n in MAP_LAYERS for n in layers)
    filtered = (
        bool(bound(st.checkbox, "dl_filtered", tr("only_filtered", lang), disabled=not plan_only))
        and plan_only
    )
    if not layers:
        st.info(tr("choose", lang))
    else:
        counts = []
        for n in layers:
            size = len(visible_layer(n) if filtered else current_layer(n))
            title = LAYERS[n].title_zh if lang == "zh" else LAYERS[n].title_en
            counts.append(f"{title} ({tr('features_count', lang).format(n=size)})")
        st.caption(md_escape(tr("download_includes", lang).format(what="; ".join(counts))))
        filename, mime = download_name(_stem(layers, filtered), fmt, layer_count=len(layers))
        st.download_button(
            tr("download", lang), _content(layers, fmt, filtered), filename, mime,
            key="dl_button", on_click="ignore",
        )  # fmt: skip
    _figure_download(lang)


def _figure_bytes(lang: str, fmt: str) -> bytes:
    """Draw this view as a static figure (goldmap.figure) and return its PNG/PDF bytes.

    The figure holds what the map shows: the layers chosen, the province, commodity and
    company filters, the statistic, the mines' colouring, the corrected mines and the
    uploaded features.
    """
    import tempfile

    from goldmap.maps.static import FIGURE_LAYERS, figure, save_figure

    s = session()
    provinces, commodities = current_filters()
    layers = [n for n in FIGURE_LAYERS if n in s.layers or n in ("cities", "rivers")]
    choropleth = data.choropleth_frame(s.stat, s.user_stats)
    statistic = None
    if choropleth is not None:
        title = data.stat_options(s.user_stats, lang).get(s.stat)
        statistic = Choropleth(*choropleth, title=title)
    fig = figure(
        lang=lang, layers=layers, provinces=provinces, commodities=commodities,
        company=s.company_filter(), color_by=s.color_by or None,
        mines=s.layer("key_mines") if s.has_own("key_mines") else None,
        features=s.user_features, choropleth=statistic,
    )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="goldmap-figure-") as tmp:
        return save_figure(fig, Path(tmp) / f"view.{fmt}").read_bytes()


def _slug(text: object) -> str:
    """Return ``text`` as a file-name word: lower-case ASCII letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


def figure_stem() -> str:
    """Return the file name (no extension) of this view's figure: what it holds, in words.

    For example ``goldmap_key-mines_shandong_gold-output`` or
    ``goldmap_plan_china_by-status_600547``.
    """
    s = session()
    provinces, commodities = current_filters()
    shown = [n for n in MAP_LAYERS if n in s.layers]
    what = "plan" if not shown or len(shown) > 1 else _slug(shown[0])
    where = [_slug(province_name(p, lang="en").split()[0]) for p in provinces or ()][:3]
    parts = ["goldmap", what, *(where or ["china"])]
    parts += [_slug(c) for c in commodities or ()][:3]
    if s.company:
        parts.append(_slug(s.company) or "company")
    if s.stat:
        parts.append(_slug(s.stat.partition(":")[2]))
    if s.color_by:
        parts.append(f"by-{s.color_by}")
    if s.has_own("key_mines"):
        parts.append("corrected")
    if s.user_features is not None:
        parts.append("with-uploads")
    return "_".join(p for p in parts if p)


def _figure_download(lang: str) -> None:
    """Offer this view (layers, filters, statistic, uploads, corrections) as a figure."""
    st.markdown(f"**{tr('view_figure', lang)}**")
    session().default("fig_format", "png")
    fmt = bound(st.radio, "fig_format", tr("format", lang), ["png", "pdf"], horizontal=True)
    if st.button(tr("make_figure", lang), key="fig_make"):
        try:
            session().figure_file = (fmt, _figure_bytes(lang, fmt), figure_stem())
        except GoldmapError as err:
            st.error(error_text(err, lang))
    made = session().figure_file
    if made:
        made_fmt, content, stem = made
        mime = "image/png" if made_fmt == "png" else "application/pdf"
        st.download_button(tr("download", lang), content, f"{stem}.{made_fmt}", mime, key="fig_dl")
