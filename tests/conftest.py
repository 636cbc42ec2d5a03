"""Fixtures shared by the test modules (the hostile corpus and its canaries); the run's order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

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


def _is_long(item: pytest.Item) -> bool:
    return any(item.get_closest_marker(name) for name in ("browser", "slow"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the modules that hold long tests first, each module's tests together and in order.

    With one worker per core (``make test``), a long module started last would leave the other
    worker idle at the end; started first, the short ones fill in beside it.
    """
    long_modules = {item.path for item in items if _is_long(item)}
    items.sort(key=lambda item: item.path not in long_modules)
