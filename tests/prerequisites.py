"""Check a test's prerequisites: a missing one skips here, and fails under ``CI=true``.

A newcomer without Chromium or QGIS still gets a green run of everything else; CI, which
``make test`` provisions with all of them, must never pass by skipping what it was meant to run.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest

#: How a missing Python package is installed (every one is in the ``dev`` extra).
PIP_HINT = "`make test` installs it (pip install -e '.[dev]')"


def is_ci() -> bool:
    """Return whether this run is CI's, where nothing may be skipped for want of a tool."""
    return os.environ.get("CI") == "true"


def require(ok: bool, why: str) -> None:
    """Skip (or under ``CI=true`` fail) the calling test or module unless ``ok``.

    Parameters
    ----------
    ok : bool
        Whether the prerequisite is there.
    why : str
        What is missing and how to get it, shown in the skip or failure.
    """
    if ok:
        return
    if is_ci():
        pytest.fail(f"{why} (a prerequisite: required under CI=true)", pytrace=False)
    pytest.skip(why, allow_module_level=True)


def require_module(name: str, hint: str = PIP_HINT) -> ModuleType:
    """Import and return module ``name``; skip (or under ``CI=true`` fail) when it is missing.

    Parameters
    ----------
    name : str
        The module to import, e.g. ``"playwright.sync_api"``.
    hint : str, optional
        How to install it.

    Returns
    -------
    types.ModuleType
        The module.
    """
    try:
        return importlib.import_module(name)
    except ImportError as err:
        require(False, f"{name} cannot be imported ({err}); {hint}")
        raise  # not reached: require() skipped or failed
