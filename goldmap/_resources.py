"""Find goldmap's packaged data files, whatever the working directory.

An installed wheel carries the data inside the package (``goldmap/data``); a source checkout
installed in editable mode reads the top-level ``data/`` folder beside the package.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

__all__ = ["data_path"]


@functools.cache
def _data_root() -> Path:
    packaged = resources.files("goldmap").joinpath("data")
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parent.parent / "data"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        "goldmap's data folder is missing: reinstall the package (pip install goldmap) "
        "or run from a complete source checkout."
    )


def data_path(*parts: str) -> Path:
    """Return the path of a packaged data file, e.g. ``data_path("mines", "key_mines.geojson")``."""
    return _data_root().joinpath(*parts)
