"""goldmap's Streamlit app: the plan's areas and key mines on an offline map.

Run with ``make run`` (or ``streamlit run app.py``). The page is thin: the views in
:mod:`goldmap.app.views` turn widgets into library calls. Leaflet is served from ``static/``
(Streamlit static serving), so the map renders with no internet.
"""

from __future__ import annotations

import time

import streamlit as st

from goldmap.app import details, downloads, state, views
from goldmap.app.memory import tune_allocator
from goldmap.app.text import tr
from goldmap.maps import write_assets

# Streamlit serves static/ next to this file at /app/static/; the map's component page lives
# at /component/<name>/index.html, hence the relative URL (it also works under a base path).
ASSET_URL = "../../app/static/goldmap/"
# Seconds between a session's first run (the map) and its second (controls and tabs).
FIRST_PAINT_PAUSE_S = 0.8


@st.cache_resource
def _publish_assets() -> None:
    write_assets(views.static_dir(__file__))


@st.cache_resource
def _tune_allocator() -> bool:
    return tune_allocator()  # once per server: freed memory goes back to the system


st.set_page_config(page_title="goldmap", page_icon="🟡", layout="wide")
_publish_assets()
_tune_allocator()
state.init_state()
state.process_uploads()
# A session's first run draws the map and its details alone: the browser draws the map
# about 0.4 s sooner without the controls' widgets to lay out beside it. The controls,
# then the tabs, come in the run after it.
first_run = state.is_first_run()
if not first_run:
    views.sidebar()
state.sync_query_params()

lang = state.current_lang()
# The map goes to the browser first and the title above it after: each element the page
# receives costs the browser a render before the map's frame can start loading.
heading = st.container()
map_column, detail_column = st.columns([3, 1])
with map_column:
    views.map_view(ASSET_URL)
with heading:
    st.title(tr("title", lang))
    st.caption(tr("caption", lang))
with detail_column:
    details.detail_panel()

if first_run:
    # The first run ends here and the page runs again with the controls and the tabs. The
    # pause leaves the machine to the browser drawing the map, which then shows about
    # 0.7 s sooner; the tables lie below the map, out of sight, and come about as soon.
    time.sleep(FIRST_PAINT_PAUSE_S)
    st.rerun()
table_tab, plan_tab, data_tab, download_tab = st.tabs(
    [tr("tab_table", lang), tr("tab_plan", lang), tr("tab_data", lang), tr("tab_download", lang)]
)
with table_tab:
    views.feature_table()
with plan_tab:
    views.plan_view()
with data_tab:
    views.your_data()
with download_tab:
    downloads.downloads()
