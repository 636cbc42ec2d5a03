"""Tell which release of the data goldmap carries, so that a report can cite it."""

from __future__ import annotations

import functools
import re

from goldmap._resources import read_packaged

__all__ = ["data_version"]

_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


@functools.cache
def data_version() -> str:
    """Return the version of goldmap's data (``data/VERSION``), e.g. ``"0.2.0"``.

    The data version changes when a layer's features, fields or sources change (see
    ``data/CHANGELOG.md``); cite it as "goldmap data 0.2". The package version may differ.

    Returns
    -------
    str
        ``major.minor.patch``.

    Raises
    ------
    OSError
        When the packaged ``data/VERSION`` file is missing or not a version.

    Examples
    --------
    >>> data_version().count(".")
    2
    """
    text = read_packaged(lambda path: path.read_text(encoding="utf-8"), "VERSION").strip()
    if not _VERSION.match(text):
        raise OSError(
            f"goldmap's data/VERSION holds {text!r}, not a version such as '0.2.0': "
            "reinstall the package."
        )
    return text
