"""Keep the page standing when something fails: goldmap's own error box, never a traceback.

An error a user can cause is a :class:`~goldmap.errors.GoldmapError` and is shown by the
part of the page that caused it. Anything else is a fault of goldmap: the reader gets a short
reference in their language (no traceback, no server path) and the rest of the page, the
uploaders included, keeps working; the server's log keeps the traceback under that
reference.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from goldmap.app.text import error_text
from goldmap.errors import GoldmapError

__all__ = ["UnexpectedError", "guarded", "unexpected"]

logger = logging.getLogger(__name__)


class UnexpectedError(GoldmapError, RuntimeError):
    """A fault of goldmap's, shown to the reader by its reference only."""

    kind = "unexpected"


def unexpected(err: BaseException) -> UnexpectedError:
    """Log ``err`` with its traceback under a new reference; return what the reader sees."""
    ref = secrets.token_hex(4)
    logger.error("unexpected error, reference %s", ref, exc_info=err)
    return UnexpectedError(
        f"goldmap hit an internal error and changed nothing (reference {ref}). Try again; if "
        "it happens again, report this reference.",
        ref=ref,
    )


@contextmanager
def guarded(lang: str) -> Iterator[None]:
    """Run a part of the page; show an unexpected error as goldmap's box, not a traceback.

    Streamlit's own controls (``st.stop``, ``st.rerun``) are BaseExceptions and pass.
    """
    try:
        yield
    except GoldmapError as err:
        st.error(error_text(err, lang))
    except Exception as err:  # the page stands whatever fails; the log has the traceback
        st.error(error_text(unexpected(err), lang))
