"""Guard every file goldmap writes (folder exists, nothing overwritten); write with GDAL."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from goldmap.errors import ExportError, OutputExistsError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["COORDINATE_DECIMALS", "check_output", "pyogrio_write"]

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
