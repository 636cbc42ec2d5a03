"""Guard every file goldmap writes: checked first, staged beside it, moved into place whole.

A writer asks :func:`staged_output` for a staging path next to the target, writes there, and the
file replaces the target in one ``os.replace`` only when the writing succeeded: a failed or
killed write leaves the previous file as it was. Staging files carry the writer's process id,
so that the next write into the same folder removes what a killed writer left behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from goldmap.errors import ExportError, OutputExistsError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "COORDINATE_DECIMALS",
    "STAGING_PREFIX",
    "check_output",
    "pyogrio_write",
    "remove_stale_staging",
    "staged_output",
]

#: Names of staging files and folders start with this, then the writer's process id.
STAGING_PREFIX = ".goldmap-staging-"
_STAGING = re.compile(rf"^(?:{re.escape(STAGING_PREFIX)}|\.goldmap-export-)(\d+)?")

#: Coordinates of the text formats (GeoJSON, KML, CSV) keep 7 decimals: about 1 cm.
COORDINATE_DECIMALS = 7


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


def pyogrio_write(frame: gpd.GeoDataFrame, path: Path, **kwargs: Any) -> None:
    """Write ``frame`` with GDAL through pyogrio; a GDAL failure becomes an ExportError."""
    import pyogrio

    try:
        pyogrio.write_dataframe(frame, path, **kwargs)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as e:
        raise ExportError(
            f"Could not write layer {kwargs.get('layer')!r} with GDAL driver "
            f"{kwargs.get('driver')!r}: {e}. Check the layer's columns and geometry types."
        ) from e


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_staging(folder: Path) -> list[Path]:
    """Remove the staging files and folders that dead writers left in ``folder``.

    Returns
    -------
    list of pathlib.Path
        What was removed.
    """
    removed = []
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            match = _STAGING.match(entry.name)
            if not match:
                continue
            pid = match.group(1)
            # Older staging folders carry no process id: taken as left behind after an hour.
            if _alive(int(pid)) if pid else time.time() - entry.stat().st_mtime < 3600:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed


@contextlib.contextmanager
def staged_output(
    path: str | os.PathLike[str],
    *,
    overwrite: bool,
    companions: Sequence[tuple[Path, str]] = (),
) -> Iterator[Path]:
    """Check ``path``, give a staging path beside it, and move the result into place whole.

    Parameters
    ----------
    path : str or path-like
        The output the user asked for.
    overwrite : bool
        Whether an existing file may be replaced.
    companions : sequence of (Path, str)
        Other files written with it (see :func:`check_output`).

    Yields
    ------
    pathlib.Path
        Where to write; it keeps ``path``'s suffix, so writers that pick a format from the
        name still do.

    Raises
    ------
    ExportError, OutputExistsError
        As :func:`check_output`, before anything is written; an ExportError also when the
        writing fails (a full disk ...), the previous file left as it was.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with staged_output(folder / "note.txt", overwrite=False) as stage:
    ...     _ = stage.write_text("whole or nothing")
    >>> (folder / "note.txt").read_text()
    'whole or nothing'
    """
    target = check_output(path, overwrite=overwrite, companions=companions)
    remove_stale_staging(target.parent)
    stage = target.with_name(f"{STAGING_PREFIX}{os.getpid()}-{os.urandom(4).hex()}{target.suffix}")
    try:
        yield stage
        if not stage.exists():
            raise ExportError(f"Nothing was written for {str(target)!r}.")
        if not overwrite and target.exists():
            raise OutputExistsError(
                f"{str(target)!r} appeared while it was being written; nothing was replaced. "
                "Pass overwrite=True (`--overwrite`) to replace it."
            )
        os.replace(stage, target)
    except OSError as err:
        stage.unlink(missing_ok=True)
        if isinstance(err, ExportError):
            raise
        raise ExportError(
            f"Could not write {str(target)!r}: {err}. The previous file, if any, is unchanged; "
            "check the folder and free disk space, or choose another path."
        ) from err
    except BaseException:
        stage.unlink(missing_ok=True)
        raise
