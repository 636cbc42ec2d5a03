"""Read what the app keeps of a session (its registry entry) from an AppTest."""

from __future__ import annotations

from typing import Any


def kept_values(at: Any) -> dict[str, Any]:
    """Return the values the app keeps for ``at``'s session (see goldmap.app.sessions)."""
    from goldmap.app.sessions import registry

    entry = registry().get(at.session_state["_kept_in"])
    return {} if entry is None else entry.values


def shown_features(at: Any) -> Any:
    """Return the located features ``at``'s page draws (as ``Session.user_features``)."""
    upload = kept_values(at).get("user_upload")
    return None if upload is None else upload.drawn


#: The id AppTest gives every session it runs (streamlit/testing/v1/local_script_runner.py).
APPTEST_SESSION_ID = "test session id"


def forget_test_sessions() -> None:
    """Free what the app keeps for AppTest's sessions, which all share one session id.

    Without it, a test's upload would find the answer an earlier test kept for the same file.
    """
    from goldmap.app.sessions import registry

    registry().free(APPTEST_SESSION_ID)
