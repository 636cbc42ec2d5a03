"""The app's server starts without asking any outside host (a proxy records every request).

Streamlit started headless looks up the machine's external IP from a public host, unless
the address the browser uses is set (``browser.serverAddress`` in ``.streamlit/config.toml``).
The server here is started as ``make run`` starts it and on every interface (as
``make run ADDRESS=0.0.0.0`` or a bare ``streamlit run app.py``), with every outside request
of its HTTP client sent to a local proxy that records it and answers nothing.
"""

from __future__ import annotations

import os
import queue
import socket
import socketserver
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from tests.prerequisites import require

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
START_S = 120


class _Recorder(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _RecordRequest)
        self.asked: list[str] = []


class _RecordRequest(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        line = self.rfile.readline(4096).decode("latin-1").strip()
        self.server.asked.append(line)  # type: ignore[attr-defined]
        # No answer: the connection closes, as it would offline.


@pytest.fixture
def recording_proxy() -> Iterator[_Recorder]:
    server = _Recorder()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _lines(stream: IO[str], into: queue.Queue[str | None]) -> None:
    for line in stream:
        into.put(line)
    into.put(None)


@pytest.mark.parametrize(
    "address",
    [["--server.address", "127.0.0.1"], []],
    ids=["make-run", "streamlit-run-on-every-interface"],
)
def test_the_server_starts_without_an_outside_request(
    recording_proxy: _Recorder, address: list[str]
) -> None:
    streamlit = Path(sys.executable).parent / "streamlit"
    require(streamlit.exists(), f"streamlit is not installed beside {sys.executable}")
    proxy = f"http://127.0.0.1:{recording_proxy.server_address[1]}"
    env = {
        **os.environ,
        **{name: proxy for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")},
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }
    port = _free_port()
    # As `make run` starts it (this machine's address), or on every interface; headless.
    process = subprocess.Popen(
        [str(streamlit), "run", "app.py", "--server.port", str(port), *address,
         "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    printed: queue.Queue[str | None] = queue.Queue()
    assert process.stdout is not None
    reader = threading.Thread(target=_lines, args=(process.stdout, printed), daemon=True)
    reader.start()
    seen: list[str] = []
    try:
        # The banner's URLs are printed once the start-up's look-ups are done.
        while not any("URL:" in line for line in seen):
            line = printed.get(timeout=START_S)
            if line is None:
                pytest.fail(f"streamlit exited: {''.join(seen)}")
            seen.append(line)
        health = f"http://127.0.0.1:{port}/_stcore/health"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(health, timeout=30) as response:
            assert response.status == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
        reader.join(timeout=30)
        process.stdout.close()
    assert recording_proxy.asked == [], recording_proxy.asked
    assert not any("External URL" in line for line in seen), seen
