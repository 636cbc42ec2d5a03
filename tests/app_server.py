"""Start the app's Streamlit server once per test process, for every real-browser module.

Each browser module used to start a server of its own (its imports and its first run of the
app's script, again and again). One server per process serves them all: each test opens its
pages in a browser context of its own, so each one is a new session of that server.
"""

from __future__ import annotations

import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from tests.prerequisites import require

ROOT = Path(__file__).resolve().parent.parent
#: How long the server may take to say where it listens, on a loaded machine.
SERVER_START_S = 120


def free_port() -> int:
    """Return a TCP port of this machine that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _lines(stream: IO[str], into: queue.Queue[str | None]) -> None:
    """Pass each line the server prints to ``into`` (and keep its pipe from filling up)."""
    for line in stream:
        into.put(line)
    into.put(None)


def _wait_for_the_banner(printed: queue.Queue[str | None]) -> None:
    """Wait until the server prints its URL (it listens then); fail if it exits first."""
    seen: list[str] = []
    deadline = time.monotonic() + SERVER_START_S
    while not any("URL:" in line for line in seen):  # "Local URL: http://..."
        try:
            line = printed.get(timeout=max(deadline - time.monotonic(), 0.001))
        except queue.Empty:
            pytest.fail(f"streamlit did not start within {SERVER_START_S} s: {seen}")
        if line is None:
            pytest.fail(f"streamlit exited: {''.join(seen)}")
        seen.append(line)


@pytest.fixture(scope="session")
def app_server() -> Iterator[str]:
    """The address of the app served by ``streamlit run app.py`` on a free port."""
    streamlit = Path(sys.executable).parent / "streamlit"
    require(streamlit.exists(), f"streamlit is not installed beside {sys.executable}")
    port = free_port()
    process = subprocess.Popen(
        [streamlit, "run", "app.py", "--server.port", str(port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    assert process.stdout is not None
    printed: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=_lines, args=(process.stdout, printed), daemon=True)
    reader.start()
    try:
        _wait_for_the_banner(printed)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)
        reader.join(timeout=20)  # the pipe is read to its end once the server is gone
        process.stdout.close()
