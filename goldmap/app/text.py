"""Escape data text for Streamlit Markdown; the interface strings are in :mod:`goldmap.text`."""

from __future__ import annotations

import re

from goldmap.text import tr

__all__ = ["md_escape", "tr"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: object) -> str:
    """Escape Markdown so that data text is shown as it is written, never as markup or links."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))
