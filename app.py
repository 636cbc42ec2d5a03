"""goldmap's Streamlit app: the plan's areas and key mines on an offline map.

Run with ``make run`` (or ``streamlit run app.py``). The page is thin: the views in
:mod:`goldmap.app.views` turn widgets into library calls. Leaflet is served from ``static/``
(Streamlit static serving), so the map renders with no internet.
"""

from __future__ import annotations

import streamlit as st

from goldmap.app import details, downloads, state, views
from goldmap.app.footer import footer
from goldmap.app.guard import guarded
from goldmap.app.page_style import style_page
from goldmap.app.text import tr
from goldmap.maps import write_assets

# Streamlit serves static/ next to this file at /app/static/; the map's component page lives
# at /component/<name>/index.html, hence the relative URL (it also works under a base path).
ASSET_URL = "../../app/static/goldmap/"


@st.cache_resource
def _publish_assets() -> None:
    write_assets(views.static_dir(__file__))


st.set_page_config(page_title="goldmap", page_icon="🟡", layout="wide")
_publish_assets()
style_page()
state.init_state()
lang = state.current_lang()
# Each part of the page runs guarded: whatever fails shows goldmap's own error box (no
# traceback) and the other parts, the uploaders included, keep working.
with guarded(lang):
    state.process_uploads()

# The map goes to the browser first, then the title above it and its details: each element
# the page receives costs the browser a render before the map's frame can start loading.
heading = st.container()
map_column, detail_column = st.columns([3, 1])
map_drawn = True
with map_column, guarded(lang):
    map_drawn = views.map_view(ASSET_URL)
with heading:
    st.title(tr("title", lang))
    st.caption(tr("caption", lang))
with detail_column, guarded(lang):
    details.detail_panel()
# A browser's first page is the map and its details: the map says when it has drawn, which
# runs the page again with the controls and the tabs (a script run with no browser, as
# under AppTest, has no one to say so, and gets them at once).
if not map_drawn and st.context.headers:
    st.stop()
with st.sidebar, guarded(lang):
    views.sidebar()
state.sync_query_params()
lang = state.current_lang()
table_tab, plan_tab, data_tab, download_tab = st.tabs(
    [tr("tab_table", lang), tr("tab_plan", lang), tr("tab_data", lang), tr("tab_download", lang)]
)
with table_tab, guarded(lang):
    views.feature_table()
with plan_tab, guarded(lang):
    views.plan_view()
with data_tab, guarded(lang):
    views.your_data()
with download_tab, guarded(lang):
    downloads.downloads()
footer(lang)
