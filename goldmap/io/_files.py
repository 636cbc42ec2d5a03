"""Guard every file goldmap writes: the folder exists and is writable, nothing is overwritten."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from goldmap.errors import ExportError, OutputExistsError

__all__ = ["check_output"]


def check_output(
    path: str | os.PathLike[str],
    *,
    overwrite: bool,
    companions: Sequence[tuple[Path, str]] = (),
) -> Path:
    """Check that ``path`` (and the files written beside it) may be written.

    Parameters
    ----------
    path : str or path-like
        The output the user asked for.
    overwrite : bool
        Whether existing files may be replaced.
    companions : sequence of (Path, str)
        Other files written with it, each with what it is (``"the QGIS project's data"``),
        so that a clash with one of them is explained.

    Returns
    -------
    pathlib.Path
        ``path`` as a Path.

    Raises
    ------
    ExportError
        When the folder is missing or not writable, or a target is a folder.
    OutputExistsError
        When a target exists and ``overwrite`` is False.
    """
    target = Path(os.fspath(path))
    parent = target.parent
    if not parent.is_dir():
        raise ExportError(
            f"Cannot write {str(target)!r}: folder {str(parent)!r} does not exist. "
            "Create it first or choose another path."
        )
    if not os.access(parent, os.W_OK):
        raise ExportError(
            f"Cannot write {str(target)!r}: folder {str(parent)!r} is not writable. "
            "Choose a folder you can write to."
        )
    for file, role in [(target, ""), *companions]:
        if file.is_dir():
            raise ExportError(
                f"Cannot write {str(file)!r}: it is a folder. Give a file path, "
                "e.g. 'goldmap.gpkg'."
            )
        if file.exists() and not overwrite:
            what = f" (it would hold {role}, written beside {target.name!r})" if role else ""
            raise OutputExistsError(
                f"{str(file)!r} already exists{what}. Pass overwrite=True "
                "(`--overwrite` on the command line) to replace it, or choose another path."
            )
    return target
