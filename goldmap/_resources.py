"""Find and read goldmap's packaged data files, whatever the working directory.

An installed wheel carries the data inside the package (``goldmap/data``); a source checkout
installed in editable mode reads the top-level ``data/`` folder beside the package. A file
that is missing or cannot be read is one :class:`~goldmap.errors.PackageDataError` naming
it and saying to reinstall goldmap.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TypeVar

from goldmap.errors import GoldmapError, PackageDataError

__all__ = ["data_path", "read_packaged"]

T = TypeVar("T")

_REINSTALL = (
    "Reinstall goldmap (pip install --force-reinstall goldmap), or restore the file from a "
    "complete source checkout."
)


@functools.cache
def _data_root() -> Path:
    packaged = resources.files("goldmap").joinpath("data")
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parent.parent / "data"
    if checkout.is_dir():
        return checkout
    raise PackageDataError(f"goldmap's data folder is missing. {_REINSTALL}")


def data_path(*parts: str) -> Path:
    """Return the path of a packaged data file, e.g. ``data_path("mines", "key_mines.geojson")``."""
    return _data_root().joinpath(*parts)


def read_packaged(read: Callable[[Path], T], *parts: str) -> T:
    """Return ``read(path)`` for the packaged data file ``parts``.

    Parameters
    ----------
    read : callable
        Reads the file (or folder) at the path it is given.
    *parts : str
        The file's path inside the data folder, e.g. ``"mines", "key_mines.geojson"``.

    Returns
    -------
    object
        What ``read`` returns.

    Raises
    ------
    PackageDataError
        When the file is missing or ``read`` fails on it (damaged, truncated, edited by
        hand); the message names the file by its place in the data folder (never a server
        path) and says to reinstall goldmap.
    """
    path = data_path(*parts)
    name = "data/" + "/".join(parts)
    try:
        return read(path)
    except GoldmapError:
        raise
    except FileNotFoundError as err:
        raise PackageDataError(f"goldmap's packaged file {name} is missing. {_REINSTALL}") from err
    except Exception as err:  # any reader's failure on a damaged file: one message
        reason = str(err).replace(str(path), name).replace(str(path.parent), "data")
        reason = reason.splitlines()[0][:100] if reason else ""
        raise PackageDataError(
            f"goldmap's packaged file {name} is damaged and cannot be read "
            f"({type(err).__name__}{': ' + reason if reason else ''}). {_REINSTALL}"
        ) from err
