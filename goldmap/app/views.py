"""Draw the parts of the Streamlit app: sidebar, map, details, table, plan, your data, downloads.

Widgets become plain values, values become library calls, results become Streamlit elements.
Text from data or uploads is shown through dataframes or escaped Markdown, never as HTML.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import streamlit as st

from goldmap._located_summary import counts_line
from goldmap.app import data
from goldmap.app._jobs import LocatedUpload, on_earth_bounds
from goldmap.app.company_view import company_controls, company_panel, zoom_to_company
from goldmap.app.details import shown_value
from goldmap.app.downloads import download_frame
from goldmap.app.focus import (
    focus_bounds,
    focus_feature,
    follow_provinces,
    map_focus,
    request_bounds,
    row_picker,
    take_pending_focus,
)
from goldmap.app.live_map import FRAME_CSS, GroupScript, LiveMap, MapPage, Same, render_group
from goldmap.app.plan_view import plan_view
from goldmap.app.sessions import session_id
from goldmap.app.state import (
    MAX_UPLOAD_MB,
    bound,
    current_lang,
    session,
    sync_query_params,
    visible_layer,
)
from goldmap.app.text import error_text, md_escape, tr
from goldmap.app.upload_notes import capped_notice, notes_notice, read_notes_notice, uploader_words
from goldmap.catalog import LAYERS
from goldmap.errors import GoldmapError
from goldmap.io import FEATURE_FORMATS, TABLE_FORMATS
from goldmap.maps import (
    BASEMAPS,
    MAP_LAYERS,
    Choropleth,
    Map,
    add_layer,
    blank_map,
    make_map,
    overlay_groups,
)
from goldmap.maps._frame import add_notice, usable_basemap
from goldmap.maps._popups import escape
from goldmap.maps.points import add_points
from goldmap.stats import ON_DUPLICATE
from goldmap.text import commodity_label, field_label, value_label

__all__ = [
    "MAX_UPLOAD_MB",
    "corrections_panel",
    "feature_table",
    "map_view",
    "plan_view",
    "sidebar",
    "your_data",
]

# The columns of each layer's table, in the language's order (names in it first).
_TABLE_COLUMNS = {
    "zh": {
        "key_mines": ["name_zh", "name_en", "province_zh", "county_zh", "commodity",
                      "operator", "location_precision", "id"],
        "area_deposits": ["name_zh", "name_en", "area_id", "location_precision"],
    },
    "en": {
        "key_mines": ["name_en", "name_zh", "province_en", "county_zh", "commodity",
                      "operator", "location_precision", "id"],
        "area_deposits": ["name_en", "name_zh", "area_id", "location_precision"],
    },
}  # fmt: skip
_AREA_COLUMNS = {
    "zh": ["name_zh", "name_en", "provinces_zh", "commodities", "confidence", "area_km2", "id"],
    "en": ["name_en", "name_zh", "provinces_en", "commodities", "confidence", "area_km2", "id"],
}
# Columns whose values are codes shown in words, whatever their type.
_CODED = {"offshore", "location_known", "corrected"}


def _keep_linked_statistic(options: dict[str, str], lang: str) -> None:
    """Hold a link's statistic of an uploaded table until the table is uploaded again.

    A shared link cannot carry the upload itself: the page says which column the link was
    coloured by, and colours by it as soon as a table with that column is uploaded.
    """
    s = session()
    if s.stat not in options:
        if s.stat.startswith("upload:"):
            s.stat_wanted = s.stat
        s.stat = ""
    wanted = s.stat_wanted
    if not wanted:
        return
    # A link names an uploaded column by its number among the upload's statistics.
    number = str(wanted).partition(":")[2]
    uploaded = [k for k in options if k.startswith("upload:")]
    if number.isdigit() and 0 < int(number) <= len(uploaded):
        s.stat, s.stat_wanted = uploaded[int(number) - 1], None
    elif number.isdigit():
        st.info(tr("stat_upload_missing", lang).format(number=int(number)))
    else:  # not a number goldmap wrote: nothing to keep
        s.stat_wanted = None


def sidebar() -> None:
    """Draw the view controls; their values live in the session state."""
    lang = current_lang()
    with st.sidebar:
        st.radio(
            tr("language", lang),
            ["zh", "en"],
            key="lang",
            format_func=lambda v: "中文" if v == "zh" else "English",
            horizontal=True,
        )
        lang = current_lang()
        bound(
            st.multiselect,
            "layers",
            tr("layers", lang),
            list(MAP_LAYERS),
            format_func=lambda v: LAYERS[v].title_zh if lang == "zh" else LAYERS[v].title_en,
            placeholder=tr("choose", lang),
            select_all=False,
        )
        names = data.province_options().set_index("adcode")
        bound(
            st.multiselect,
            "provinces",
            tr("filter_provinces", lang),
            list(names.index),
            format_func=lambda v: str(names.loc[v, "name_zh" if lang == "zh" else "name_en"]),
            placeholder=tr("all", lang),
            select_all=False,
        )
        bound(
            st.multiselect,
            "commodities",
            tr("filter_commodities", lang),
            data.commodity_options(),
            format_func=lambda v: commodity_label(str(v), lang),
            placeholder=tr("all", lang),
            select_all=False,
        )
        stats = data.stat_options(session().user_stats, lang)
        options = {"": tr("none", lang), **stats}
        _keep_linked_statistic(options, lang)
        bound(
            st.selectbox, "stat", tr("statistic", lang), list(options),
            format_func=options.__getitem__,
        )  # fmt: skip
        company_controls()
        bound(
            st.selectbox, "basemap", tr("basemap", lang), list(BASEMAPS),
            format_func=lambda v: tr(f"basemap_{v}", lang), help=tr("basemap_help", lang),
        )  # fmt: skip
        if session().basemap.startswith("tianditu"):
            # The key stays in this session: sync_query_params never writes it into the URL.
            session().default("tianditu_key", "")
            bound(
                st.text_input, "tianditu_key", tr("tianditu_key", lang), type="password",
                help=tr("tianditu_key_help", lang),
            )  # fmt: skip


#: Uploads with more points than this are drawn as one canvas layer (no popup per point).
MANY_POINTS = 2_000
# The page starts closer to the top than Streamlit's 6rem, so that the map gets the room.
_COMPACT_TOP = "<style>.stMainBlockContainer { padding-top: 2rem; }</style>"
#: Height of the map in CSS pixels before the page's CSS sizes it to the window (FRAME_CSS).
MAP_HEIGHT = 640


def _draw_uploaded(m: folium.Map, located: gpd.GeoDataFrame, lang: str) -> None:
    """Draw the user's features on the map itself, not in a group the filters swap.

    The filters never change them, so a filter change leaves their (up to 10⁵) points
    where they are instead of sending and drawing them again.
    """
    name = tr("your_features", lang)
    upload = session().user_upload
    if upload is not None and upload.step > 1:  # a large file: the map says it drew a part
        name = tr("your_features_sample", lang).format(drawn=len(located), rows=upload.rows)
    points_only = bool((located.geom_type == "Point").all())
    if len(located) > MANY_POINTS and points_only:
        add_points(m, located[[located.geometry.name]], name=escape(name))
    else:
        add_layer(m, located, name=name, lang=lang)


def _zoom_to_new_upload() -> None:
    """Send the map to an upload's features once, when the upload arrives."""
    s = session()
    located, upload = s.user_features, s.features_upload
    token = None if upload is None else (upload.name, upload.size)
    if token == s.zoomed_upload:
        return
    s.zoomed_upload = token
    bounds = (0.0,) * 4 if located is None else on_earth_bounds(located)
    if bounds != (0.0,) * 4:  # nothing on the globe: the view stays
        request_bounds(focus_bounds(shapely.box(*bounds)))


def _base_map(
    asset_url: str,
    lang: str,
    basemap: str,
    key: str | None,
    located: gpd.GeoDataFrame | None,
) -> Map:
    """Return the map that stays put: basemap, provinces, context and the user's features.

    It opens on all of China; where the reader looks is a focus the map applies
    (:mod:`goldmap.app.focus`), so that moving the map never renders it again.
    """
    m = blank_map(layer_control=False)
    tiles, notice = usable_basemap(basemap, key=key or None, lang=lang)  # no key: a notice
    make_map([], m=m, lang=lang, basemap=tiles, assets=asset_url)
    add_notice(m, notice, lang=lang)
    if located is not None and len(located):
        _draw_uploaded(m, located, lang)
    return m


@st.cache_resource(show_spinner=False)
def live_map() -> LiveMap:
    """Return the server's live map, which keeps the rendered pages and groups."""
    return LiveMap(pages=16, groups=96)


def _page(asset_url: str) -> MapPage:
    """Return the rendered map that stays put, rendering it only when its inputs change.

    A map with nothing of the user's on it is shared by the sessions; one with the user's
    features or Tianditu key is kept in the session, one at a time.
    """
    s = session()
    lang, located, basemap = s.lang, s.user_features, s.basemap
    key = s.tianditu_key if basemap.startswith("tianditu") else None
    if located is None and not key:
        return live_map().page(
            ("page", asset_url, lang, basemap),
            lambda: _base_map(asset_url, lang, basemap, None, None),
        )
    return live_map().session_page(
        s,
        ("page", asset_url, lang, basemap, key, Same(located)),
        lambda: _base_map(asset_url, lang, basemap, key, located),
    )


def _stand_in(datum: str) -> Map:
    """Return an empty map in ``datum`` for :func:`overlay_groups` to draw groups for."""
    return blank_map(datum=datum)


def _plan_group(
    name: str,
    lang: str,
    provinces: tuple[int, ...] | None,
    commodities: tuple[str, ...] | None,
    datum: str,
    mines: tuple[str | None, str | None] = (None, None),
) -> GroupScript:
    """Return a packaged plan layer's group, rendered once for every session that shows it.

    ``mines`` is the key mines' company filter and colouring (None, None: all, gold).
    """
    company, color_by = mines if name == "key_mines" else (None, None)

    def build() -> folium.FeatureGroup:
        (group,) = overlay_groups(
            _stand_in(datum), [name], lang=lang, provinces=provinces, commodities=commodities,
            company=company, color_by=color_by,
        )  # fmt: skip
        return group

    key = ("plan", name, lang, provinces, commodities, datum, company, color_by)
    return live_map().group(key, build)


def _groups(page: MapPage) -> list[GroupScript]:
    """Return the layer groups the filters change: a statistic, then the plan layers."""
    s = session()
    lang = s.lang
    provinces, commodities = s.filters()
    groups: list[GroupScript] = []
    choropleth = data.choropleth_frame(s.stat, s.user_stats)
    if choropleth is not None:
        title = data.stat_options(s.user_stats, lang).get(s.stat)
        statistic = Choropleth(*choropleth, title=title)
        (group,) = overlay_groups(_stand_in(page.datum), [], lang=lang, choropleth=statistic)
        groups.append(render_group(group))
    mines = (s.company_filter(), s.color_by or None)
    for name in sorted(s.layers, key=MAP_LAYERS.index):
        if s.has_own(name):  # the session's own frame (corrected mines): drawn for it alone
            (group,) = overlay_groups(
                _stand_in(page.datum), {name: s.layer(name)}, lang=lang,
                provinces=provinces, commodities=commodities, company=mines[0],
                color_by=mines[1],
            )  # fmt: skip
            groups.append(render_group(group))
        else:
            groups.append(_plan_group(name, lang, provinces, commodities, page.datum, mines))
    return groups


def _map_parts(asset_url: str) -> tuple[MapPage, list[GroupScript]]:
    """Return the rendered map (what stays put) and its layer groups (what the filters change)."""
    page = _page(asset_url)
    return page, _groups(page)


def map_view(asset_url: str) -> bool:
    """Draw the map; a click selects the feature for the detail panel.

    The map itself (basemap, provinces, context, the user's features, the view) is rendered
    only when it changes and is the same page from one rerun to the next, so the browser
    keeps it, with the user's pan and zoom; the layers the filters change are layer groups
    swapped in place.

    Returns
    -------
    bool
        Whether the browser has drawn the map (it says so once, which reruns the app).
    """
    s = session()
    take_pending_focus()
    follow_provinces()
    _zoom_to_new_upload()
    zoom_to_company()
    try:
        page, groups = _map_parts(asset_url)
    except GoldmapError as err:
        st.error(error_text(err, current_lang()))
        return True
    st.html(FRAME_CSS + _COMPACT_TOP)
    result = LiveMap.show(
        page,
        groups,
        height=MAP_HEIGHT,
        layer_control=folium.LayerControl(collapsed=False, position="topright"),
        returned_objects=["last_active_drawing", "drawn"],
        focus=map_focus(),
        session=session_id(),
    )
    clicked = result.get("last_active_drawing") or {}
    props = clicked.get("properties") or {}
    layer = props.get("_layer")
    click = (layer, props.get("row") if layer == "user" else props.get("id", props.get("adcode")))
    if props and click != s.last_click:
        s.last_click = click
        s.selected = click
        s.focus = None  # the user is already looking at it: do not move the map
        sync_query_params()
    return bool(result.get("drawn"))


def reader_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return ``table`` for reading: goldmap's columns named in ``lang``, values in words.

    A user's own columns keep their names and values (as text, so that nothing is lost). A
    missing name or code is a blank cell, never "None" or "nan" (such a column is shown as
    text); number columns stay numbers, so that they sort as numbers.
    """
    shown: dict[str, Any] = {}
    for column in table.columns:
        name = str(column)
        label = field_label(name, lang)
        if label != name and (label in shown or label in map(str, table.columns)):
            label = f"{label} ({name})"  # never two columns under one header
        values = table[column]
        coded = (
            values.dtype == object
            or isinstance(values.dtype, pd.CategoricalDtype | pd.StringDtype)
            or name in _CODED
            or (values.dtype.kind != "f" and bool(values.isna().any()))  # codes: text
        )
        if isinstance(values.dtype, pd.CategoricalDtype):  # each distinct name once
            words = [shown_value(name, v, lang) for v in values.cat.categories] + [""]
            shown[label] = np.asarray(words, dtype=object)[values.cat.codes.to_numpy()]
        elif coded:
            shown[label] = [shown_value(name, v, lang) for v in values]
        else:
            shown[label] = values.to_numpy()
    return pd.DataFrame(shown).reset_index(drop=True)


def _display(frame: gpd.GeoDataFrame, layer: str, lang: str) -> pd.DataFrame:
    """Return the table of a layer as a reader sees it: named columns, values in words."""
    columns = _TABLE_COLUMNS[lang].get(layer, _AREA_COLUMNS[lang])
    return reader_table(pd.DataFrame(frame[[c for c in columns if c in frame.columns]]), lang)


def feature_table() -> None:
    """Show a sortable, searchable table of the features the filters keep."""
    lang = current_lang()
    company_panel()
    query = st.text_input(tr("search", lang), key="search").strip().casefold()
    for layer in session().layers:
        frame = visible_layer(layer)
        table = _display(frame, layer, lang)
        ids = frame["id" if "id" in frame.columns else "name_en"].astype(str).to_numpy()
        if query:
            text = table.astype(str).apply(lambda col: col.str.casefold())
            keep = text.apply(lambda col: col.str.contains(query, regex=False)).any(axis=1)
            table, ids = table[keep.to_numpy()], ids[keep.to_numpy()]
        title = LAYERS[layer].title_zh if lang == "zh" else LAYERS[layer].title_en
        st.markdown(f"**{md_escape(title)}** · {len(table)} {tr('rows', lang)}")
        # A row chosen in the table is shown on the map (zoomed to, its popup open).
        key = f"rows_{layer}_{lang}"
        pick = functools.partial(_focus_row, layer, tuple(ids))
        st.dataframe(
            table, hide_index=True, width="stretch", key=key,
            on_select=row_picker(key, pick), selection_mode="single-row",
        )  # fmt: skip


def _focus_row(layer: str, ids: tuple[str, ...], row: int) -> None:
    focus_feature(layer, ids[row])


def corrections_panel() -> None:
    """Upload better coordinates for the key mines; the map, table and downloads use them."""
    s = session()
    lang = s.lang
    st.file_uploader(
        tr("upload_corrections", lang), key="corrections_upload",
        help=tr("corrections_help", lang),
    )  # fmt: skip
    st.download_button(
        tr("corrections_template", lang), data.corrections_template(),
        "goldmap_corrections_template.csv", "text/csv", key="dl_corrections_template",
    )  # fmt: skip
    if s.user_corrections_error:
        st.error(error_text(s.user_corrections_error, lang))
    corrected = s.user_corrections
    if corrected is None:
        return
    moved = corrected[corrected["corrected"].eq(True)]
    if moved.empty:
        st.info(tr("corrections_none", lang))
        return
    st.success(tr("corrections_applied", lang).format(n=len(moved)))
    name = "name_zh" if lang == "zh" else "name_en"
    table = pd.DataFrame(
        {
            "id": moved["id"],
            tr("name", lang): moved[name],
            tr("precision", lang): [
                value_label("location_precision", p, lang) for p in moved["location_precision"]
            ],
            tr("sources", lang): [s[0].get("url") if s else "" for s in moved["sources"]],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")


def _located_table(located: gpd.GeoDataFrame, lang: str) -> pd.DataFrame:
    """Return the located features for reading, the user's columns first; made once per upload.

    The columns are ``goldmap.locate``'s, in its order (the user's own, then the answers),
    headed in ``lang``, with blank cells where there is no answer. ``located`` is the
    table's part of the upload (its first rows).
    """
    kept = session().located_table
    if kept is not None and kept[0] is located and kept[1] == lang:
        table: pd.DataFrame = kept[2]
        return table
    table = reader_table(pd.DataFrame(located.drop(columns=located.geometry.name)), lang)
    session().located_table = (located, lang, table)
    return table


def _focus_upload_row(upload: LocatedUpload, row: int) -> None:
    """Show a row of the located table on the map: its drawn feature, or where it lies."""
    geometry = upload.table.geometry.iloc[row]
    if geometry is None or shapely.is_empty(geometry):
        return
    drawn = row % upload.step == 0 and len(upload.drawn) <= MANY_POINTS
    feature = f"user:{row // upload.step}" if drawn else None
    if drawn:
        session().selected = ("user", str(row // upload.step))
    request_bounds(focus_bounds(geometry), feature=feature, scroll=True)


def your_data() -> None:
    """Upload a statistics table (join, colour) or features (locate), with downloads."""
    s = session()
    lang = s.lang
    uploader_words(lang)
    left, right = st.columns(2)
    with left:
        # No type= filter: goldmap itself says what a file is and what it reads, in a
        # message that names the file (Streamlit's own refusal names neither).
        st.file_uploader(
            tr("upload_stats", lang),
            key="stats_upload",
            help=tr("reads", lang).format(formats=", ".join(TABLE_FORMATS)),
        )
        if s.user_stats_error:
            st.error(error_text(s.user_stats_error, lang))
        if s.stats_duplicates or s.on_duplicate != "error":
            bound(
                st.radio, "on_duplicate", tr("on_duplicate", lang), list(ON_DUPLICATE),
                format_func=lambda v: tr(f"dup_{v}", lang), horizontal=True,
            )  # fmt: skip
        joined = s.user_stats
        if joined is not None:
            report = joined.attrs.get("join_report")
            if report is not None:
                (st.success if report.ok else st.warning)(md_escape(report.summary(lang)))
                for attribute in ("unmatched", "duplicated", "unreadable"):
                    rows = getattr(report, attribute)
                    if not rows.empty:
                        st.caption(tr(attribute, lang))
                        st.dataframe(reader_table(rows, lang), hide_index=True, width="stretch")
            read_notes_notice(joined.attrs.get("read_notes", []), lang)
            st.info(tr("colour_by_upload", lang))
            table = pd.DataFrame(joined.drop(columns="geometry"))
            st.dataframe(reader_table(table, lang), hide_index=True)
            download_frame(joined, "joined", "dl_joined")
    with right:
        st.file_uploader(
            tr("upload_features", lang),
            key="features_upload",
            help=tr("reads", lang).format(formats=", ".join(FEATURE_FORMATS)),
        )
        if s.user_features_error:
            st.error(error_text(s.user_features_error, lang))
        upload = s.user_upload
        if upload is not None:
            st.caption(tr("located", lang))
            st.info(counts_line(upload.counts, lang=lang))  # goldmap's words and counts only
            notes_notice(upload, lang)
            capped_notice(upload, lang)
            key = f"rows_located_{lang}"
            pick = functools.partial(_focus_upload_row, upload)
            st.dataframe(
                _located_table(upload.table, lang), hide_index=True, width="stretch", key=key,
                on_select=row_picker(key, pick), selection_mode="single-row",
            )  # fmt: skip
            download_frame(
                None, "located", "dl_located",
                export=lambda fmt: data.located_download(upload, "located", fmt),
            )  # fmt: skip
    st.divider()
    corrections_panel()


def static_dir(app_file: str) -> Path:
    """Return the folder Streamlit serves at ``/app/static/goldmap/`` for ``app_file``."""
    return Path(app_file).resolve().parent / "static" / "goldmap"
