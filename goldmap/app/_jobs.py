"""Run the app's heavy jobs in its worker process, importing their engines only there.

The server hands these functions to :func:`goldmap.app.memory.in_worker`; this module
imports neither streamlit nor the engines, so neither the server nor the worker loads more
than the job needs.
"""

from __future__ import annotations

import geopandas as gpd


def locate_upload(
    data: bytes, filename: str, lang: str, mines: gpd.GeoDataFrame | None = None
) -> gpd.GeoDataFrame:
    """Return ``goldmap.locate`` of an uploaded file's bytes (see :func:`goldmap.locate`).

    ``mines`` are the session's key mines (with its corrections), as the library and the
    CLI measure to them.
    """
    from goldmap.spatial import locate

    return locate(data, filename=filename, lang=lang, mines=mines)
