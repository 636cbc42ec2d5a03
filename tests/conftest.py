"""Fixtures shared by the test modules (the hostile corpus and its canaries, the app's server);
the run's order and how the tests are handed to the workers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.app_server import app_server  # noqa: F401  (the session's Streamlit server)
from tests.hostile import Canary, Hostile, build_corpus, start_canary
from tests.postgis_server import postgis  # noqa: F401  (the session's PostGIS server)


@pytest.fixture(scope="session")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Canary]:
    """A secret file and a loopback server that must never be read or asked."""
    started = start_canary(tmp_path_factory.mktemp("canary"))
    yield started
    started.close()


@pytest.fixture(scope="session")
def hostile_files(
    canary: Canary, tmp_path_factory: pytest.TempPathFactory
) -> list[tuple[Hostile, Path]]:
    """Every hostile file of the corpus, written to disk under its name."""
    folder = tmp_path_factory.mktemp("hostile")
    written = []
    for item in build_corpus(canary):
        path = folder / item.name
        path.write_bytes(item.content)
        written.append((item, path))
    return written


#: The longest tests (measured), handed out first so that none of them starts last.
_LONGEST_FIRST = (
    "tests/test_browser.py::test_hostile_uploads_get_one_line_errors_in_the_app",
    "tests/test_readme.py::test_every_goldmap_command_in_the_readme_runs_as_written",
)


def _is_long(item: pytest.Item) -> bool:
    return any(item.get_closest_marker(name) for name in ("browser", "slow"))


def _rank(item: pytest.Item, long_modules: set[Path]) -> int:
    if item.nodeid in _LONGEST_FIRST:
        return 0
    return 1 if item.path in long_modules else 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the longest tests first, then the modules that hold long tests, each in order.

    With one worker per core (``make test``), a long test started last would leave the other
    worker idle at the end; started first, the short ones fill in beside it.
    """
    long_modules = {item.path for item in items if _is_long(item)}
    items.sort(key=lambda item: _rank(item, long_modules))


def _scope(nodeid: str) -> str:
    """The unit of work ``nodeid`` goes out in: its module, or itself in a browser module."""
    module = nodeid.split("::", 1)[0]
    return nodeid if Path(module).name.startswith("test_browser") else module


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under ``--dist loadfile``, hand out each real-browser test on its own.

    A module's tests go to one worker together, so that its module fixtures are made once,
    except in the real-browser modules (``tests/test_browser*.py``): each worker has its own
    app server (one per process, tests/app_server.py) and Chromium, so their tests, the
    longest of the suite, keep both workers busy instead of one.
    """
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class BrowserTestsApart(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _scope(nodeid)

    return BrowserTestsApart(config, log)
