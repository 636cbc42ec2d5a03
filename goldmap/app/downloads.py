"""The Downloads tab and the download buttons under results: layers, results and figures."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import streamlit as st

from goldmap.app.state import current_filters, current_lang
from goldmap.app.text import tr
from goldmap.catalog import LAYERS
from goldmap.errors import GoldmapError
from goldmap.io.write import FORMATS, export_bytes
from goldmap.maps import MAP_LAYERS

__all__ = ["download_frame", "downloads"]


def _export(frame: gpd.GeoDataFrame | str, name: str, fmt: str) -> tuple[bytes, str, str]:
    layers = {name: frame} if isinstance(frame, gpd.GeoDataFrame) else frame
    return export_bytes(layers, format=fmt)


def _formats() -> list[str]:
    return list(FORMATS)


def download_frame(frame: gpd.GeoDataFrame, name: str, key: str) -> None:
    """Offer ``frame`` (a result) for download in a chosen export format."""
    lang = current_lang()
    fmt = st.selectbox(tr("format", lang), _formats(), key=f"{key}_fmt")
    try:
        content, filename, mime = _export(frame, name, fmt)
    except GoldmapError as err:
        st.error(str(err))
        return
    st.download_button(tr("download_result", lang), content, filename, mime, key=key)


@st.cache_data(show_spinner=False, max_entries=64)
def _layer_bytes(layer: str, fmt: str) -> tuple[bytes, str, str]:
    return _export(layer, layer, fmt)


def downloads() -> None:
    """Download any layer in any export format."""
    lang = current_lang()
    left, right = st.columns(2)
    layer = left.selectbox(
        tr("download_layer", lang),
        [*MAP_LAYERS, "provinces", "counties"],
        format_func=lambda v: LAYERS[v].title_zh if lang == "zh" else LAYERS[v].title_en,
        key="dl_layer",
    )
    fmt = right.selectbox(tr("format", lang), _formats(), key="dl_format")
    try:
        content, filename, mime = _layer_bytes(layer, fmt)
    except GoldmapError as err:
        st.error(str(err))
        return
    st.download_button(tr("download", lang), content, filename, mime, key="dl_button")
    _figure_download(lang)


@st.cache_data(show_spinner=False, max_entries=8, ttl=3600)
def _figure_bytes(lang: str, province: int | None, fmt: str) -> bytes:
    """Draw the static figure of all China or one province (goldmap.figure) as PNG/PDF bytes."""
    import tempfile

    from goldmap import figure, save_figure

    name = None if province is None else str(province)
    with tempfile.TemporaryDirectory(prefix="goldmap-figure-") as tmp:
        path = save_figure(figure(province=name, lang=lang), Path(tmp) / f"view.{fmt}")
        return path.read_bytes()


def _figure_download(lang: str) -> None:
    """Offer this view (all China, or the one province filtered) as a figure for a report."""
    provinces, _ = current_filters()
    province = provinces[0] if provinces and len(provinces) == 1 else None
    st.markdown(f"**{tr('view_figure', lang)}**")
    fmt = st.radio(tr("format", lang), ["png", "pdf"], key="fig_format", horizontal=True)
    if st.button(tr("make_figure", lang), key="fig_make"):
        try:
            st.session_state["figure_file"] = (fmt, _figure_bytes(lang, province, fmt))
        except GoldmapError as err:
            st.error(str(err))
    made = st.session_state.get("figure_file")
    if made:
        made_fmt, content = made
        mime = "image/png" if made_fmt == "png" else "application/pdf"
        where = f"_{province}" if province else "_china"
        st.download_button(
            tr("download", lang), content, f"goldmap{where}.{made_fmt}", mime, key="fig_dl"
        )
