"""The page's footer: which data release the page shows, how to cite it, where the method is."""

from __future__ import annotations

import streamlit as st

from goldmap.citation import data_version
from goldmap.text import tr

__all__ = ["METHOD_URL", "footer"]

#: The written method and sources of every layer (the data's README in the repository).
METHOD_URL = "https://github.com/goldmap/goldmap/blob/main/data/README.md"


def footer(lang: str) -> None:
    """Show the data version, the citation and a link to the method, in ``lang``."""
    version = data_version()
    major_minor = ".".join(version.split(".")[:2])
    st.divider()
    st.caption(
        tr("footer", lang).format(ver=version, ref=f"goldmap data {major_minor}", url=METHOD_URL)
    )
