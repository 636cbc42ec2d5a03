"""Follow the app in a Playwright page: wait for the script runs it asks for, not for a time.

The app's page tells the server of each widget change by its websocket, and the server answers
each run with a ``new_session`` message at its start and a ``script_finished`` one at its end.
Counting those answers tells a test when the run its action caused is over, whatever the speed
of the machine: the test then reads a page that the run has finished drawing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: The longest a run may take on a loaded machine before a test fails.
RUN_TIMEOUT_S = 120.0

#: How long a browser test waits for a condition (an element, a function) before it fails:
#: long, for a loaded machine; a condition that holds returns at once. How fast the page is
#: is measured by `make bench`, never asserted in a test.
WAIT_MS = int(RUN_TIMEOUT_S * 1000)

#: The page has handled the messages of the app's last run.
_PAGE_IDLE = (
    "() => document.querySelector('[data-testid=\"stApp\"]')"
    "?.getAttribute('data-test-script-state') === 'notRunning'"
)


class AppPage:
    """A browser page of the app, with the app's script runs counted from its websocket.

    Parameters
    ----------
    page : playwright.sync_api.Page
        A new page, before it opens the app.
    """

    def __init__(self, page: Any) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._message = ForwardMsg
        self._success = (
            ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY,
            ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
        )
        self.page = page
        self.started = 0  # runs the server has begun for this page
        self.completed = 0  # the number (in ``started``) of the last run that finished well
        self._socket: Any = None
        page.on("websocket", self._follow)

    def _follow(self, socket: Any) -> None:
        if socket.url.endswith("/_stcore/stream"):
            self._socket = socket
            socket.on("framereceived", self._count)

    def _count(self, payload: str | bytes) -> None:
        if isinstance(payload, str):
            return
        message = self._message.FromString(payload)
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self.started += 1
        elif kind == "script_finished" and message.script_finished in self._success:
            self.completed = self.started

    def _wait_for_a_run_after(self, started: int, what: str) -> None:
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while self.completed <= started:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"the app did not finish the run asked by {what}")
            if self._socket is None:  # the page has not connected yet
                self.page.wait_for_event("websocket", timeout=left * 1000)
            else:  # each frame the app sends is counted by _count before this returns
                self._socket.wait_for_event("framereceived", timeout=left * 1000)
        # The socket has received the run's end; the page handles it soon after.
        self.page.wait_for_function(_PAGE_IDLE, timeout=RUN_TIMEOUT_S * 1000)

    @contextmanager
    def run(self, what: str) -> Iterator[None]:
        """Wait, after the block's action, until the app has finished the run it asked for.

        A run that was already going when the block began does not count, nor does one
        cut short for a rerun: the run that ends the wait began after the action.

        Parameters
        ----------
        what : str
            The action, named in the failure if no run finishes.
        """
        started = self.started
        yield
        self._wait_for_a_run_after(started, what)

    def open(self, url: str) -> None:
        """Open ``url`` and wait until the app has drawn the whole page (all its runs)."""
        with self.run(f"opening {url}"):
            self.page.goto(url)
