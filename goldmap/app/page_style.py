"""Style goldmap's own text on the page: contrast a reader can read, a title that fits a phone.

Streamlit draws captions in its text colour at 60 % opacity, 2.7:1 to 3.9:1 on white, below the
4.5:1 that WCAG 2.1 AA asks of normal text; goldmap's captions (the page's subtitle, hints,
notes, the footer) are drawn darker. The theme's own colours (the chips, the selected tab)
are set in ``.streamlit/config.toml``: ``primaryColor`` is dark enough for white text on it.
"""

from __future__ import annotations

import streamlit as st

__all__ = ["CAPTION_COLOR", "PAGE_CSS", "style_page"]

#: The captions' text colour: 6.8:1 on white, 6.1:1 on the sidebar's grey.
CAPTION_COLOR = "#5c5b59"

#: The page's CSS: darker captions; on a phone the title takes two lines, not four.
PAGE_CSS = f"""<style>
[data-testid="stCaptionContainer"] {{ color: {CAPTION_COLOR} !important; opacity: 1 !important; }}
@media (max-width: 640px) {{
  [data-testid="stHeading"] h1 {{ font-size: 1.5rem !important; line-height: 1.25 !important; }}
}}
</style>"""


def style_page() -> None:
    """Add goldmap's page CSS to the page (it takes no room)."""
    st.html(PAGE_CSS)
