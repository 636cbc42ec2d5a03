"""Keep each browser session's uploads and renders in one place, and free them when its tab closes.

Streamlit keeps a closed tab's session (its state, its uploaded files) until it drops it, and
it drops it lazily: only when another session connects after ``server.disconnectedSessionTTL``.
So goldmap keeps what is heavy in a session — its folder on disk (the upload, the whole
located answer), what the page shows of it, the map page and the table rendered from it —
in a :class:`Registry` keyed by the session's id, and a background thread frees a session's
entry once its browser has been gone for that time to live: the folder is removed, the
objects dropped, the garbage collected. The heavy work itself ran in a worker process that
ended with it (:mod:`goldmap.app.memory`), so its memory went back to the system already.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Registry", "SessionEntry", "kept", "registry", "session_id"]

_log = logging.getLogger(__name__)

#: How often, in seconds, the server looks for closed sessions to free.
SWEEP_S = 5.0
#: Folders of the sessions of one server process: ``goldmap-sessions-<pid>`` in the temp dir.
_PREFIX = "goldmap-sessions-"


@dataclass
class SessionEntry:
    """One session's heavy values and its folder on disk (made when first asked for)."""

    root: Path
    values: dict[str, Any] = field(default_factory=dict)
    last_seen: float = 0.0

    @property
    def folder(self) -> Path:
        """The session's own folder (created on first use)."""
        self.root.mkdir(parents=True, exist_ok=True)
        return self.root


class Registry:
    """Sessions' heavy values and folders, freed when their browser has been gone long enough.

    Parameters
    ----------
    is_active : callable
        Tells whether a session id still has a browser connected.
    grace_s : float
        How long a session may be gone (a reload, a network hiccup) before it is freed.
    root : Path, optional
        Where the sessions' folders go; default a folder of this process in the temp dir.
    clock : callable, optional
        Seconds, monotonic (for tests).
    """

    def __init__(
        self,
        *,
        is_active: Callable[[str], bool],
        grace_s: float,
        root: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.is_active = is_active
        self.grace_s = grace_s
        self.root = root or Path(tempfile.gettempdir()) / f"{_PREFIX}{os.getpid()}"
        self.clock = clock
        self._entries: dict[str, SessionEntry] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def __contains__(self, session_id: str) -> bool:
        with self._lock:
            return session_id in self._entries

    def entry(self, session_id: str) -> SessionEntry:
        """Return the entry of ``session_id``, made empty when it has none."""
        with self._lock:
            found = self._entries.get(session_id)
            if found is None:
                found = SessionEntry(self.root / session_id, last_seen=self.clock())
                self._entries[session_id] = found
            return found

    def get(self, session_id: str) -> SessionEntry | None:
        """Return the entry of ``session_id``, or None."""
        with self._lock:
            return self._entries.get(session_id)

    def free(self, session_id: str) -> None:
        """Drop the values of ``session_id`` and remove its folder."""
        with self._lock:
            entry = self._entries.pop(session_id, None)
        if entry is not None:
            entry.values.clear()
            shutil.rmtree(entry.root, ignore_errors=True)

    def sweep(self) -> list[str]:
        """Free the sessions gone for longer than the grace; return their ids."""
        now = self.clock()
        with self._lock:
            entries = list(self._entries.items())
        gone = []
        for session_id, entry in entries:
            if self.is_active(session_id):
                entry.last_seen = now
            elif now - entry.last_seen >= self.grace_s:
                gone.append(session_id)
        for session_id in gone:
            self.free(session_id)
        if gone:
            gc.collect()
            _log.info("freed %d closed session(s)", len(gone))
        return gone

    def start(self, interval_s: float = SWEEP_S) -> None:
        """Sweep every ``interval_s`` seconds in a daemon thread (once per registry)."""
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(
                target=self._run, args=(interval_s,), name="goldmap-sessions", daemon=True
            )
        _remove_orphans(self.root.parent)
        self._thread.start()

    def _run(self, interval_s: float) -> None:
        stop = threading.Event()
        while not stop.wait(interval_s):
            try:
                self.sweep()
            except Exception:  # the sweeper must outlive any one session's trouble
                _log.exception("could not free a closed session")


def _remove_orphans(parent: Path) -> None:
    """Remove session folders left by server processes that no longer run."""
    for folder in parent.glob(f"{_PREFIX}*"):
        pid = folder.name.removeprefix(_PREFIX)
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


_REGISTRY: Registry | None = None
_REGISTRY_LOCK = threading.Lock()


def _is_active(session_id: str) -> bool:
    from streamlit import runtime

    return not runtime.exists() or runtime.get_instance().is_active_session(session_id)


def registry() -> Registry:
    """Return the server's registry, its sweeper started when a Streamlit server runs."""
    global _REGISTRY
    with _REGISTRY_LOCK:
        if _REGISTRY is None:
            import streamlit as st
            from streamlit import runtime

            ttl = float(st.get_option("server.disconnectedSessionTTL") or 0)
            _REGISTRY = Registry(is_active=_is_active, grace_s=ttl)
            if runtime.exists():
                _REGISTRY.start()
        return _REGISTRY


def session_id() -> str:
    """Return the id of the session whose script is running ("" outside a session)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return "" if ctx is None else str(ctx.session_id)


def kept() -> SessionEntry:
    """Return the running session's entry in the registry."""
    return registry().entry(session_id())
