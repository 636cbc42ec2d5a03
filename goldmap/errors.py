"""Define the errors a user of goldmap can cause, one base class and a few leaves.

Every leaf also subclasses the builtin it resembles, so callers that already catch
``KeyError`` or ``ValueError`` keep working. Every error has a stable ``kind`` (its class's,
or a finer one given where it is raised) and the ``fields`` its message was made from, so
that an interface can say the same thing in another language
(``goldmap.text.error_reason``); the message itself stays English.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "ColumnNotFoundError",
    "CorrectionError",
    "DatabaseError",
    "DuplicateProvinceError",
    "ExportError",
    "GoldmapError",
    "InputFileError",
    "LayerNotFoundError",
    "MissingCRSError",
    "MissingDependencyError",
    "NameNotFoundError",
    "OptionError",
    "OutputExistsError",
    "OutsideChinaError",
    "PackageDataError",
    "RasterError",
    "StatisticNotFoundError",
]


class GoldmapError(Exception):
    """Base class of every error a user can cause; its message says how to fix it.

    Parameters
    ----------
    *args
        The message (English), as for any exception.
    kind : str, optional
        What went wrong, a stable identifier (``"too_large"``, ``"no_lon_lat"`` ...);
        default: the class's own ``kind``.
    **fields
        The values the message names (a file name, a count, a limit ...), by name.

    Examples
    --------
    >>> err = InputFileError("'a.csv' is empty.", kind="empty_file", name="a.csv")
    >>> err.kind, err.fields
    ('empty_file', {'name': 'a.csv'})
    """

    kind: ClassVar[str] = "goldmap"

    def __init__(self, *args: Any, kind: str | None = None, **fields: Any) -> None:
        super().__init__(*args)
        if kind is not None:
            self.kind = kind  # type: ignore[misc]  # an instance's finer kind
        self.fields: dict[str, Any] = fields

    def __str__(self) -> str:
        # KeyError quotes its message; show it as written instead.
        return str(self.args[0]) if self.args else ""


class LayerNotFoundError(GoldmapError, KeyError):
    """A layer name that goldmap does not know."""

    kind = "layer_not_found"


class NameNotFoundError(GoldmapError, KeyError):
    """A province, county or plan-area name that cannot be resolved."""

    kind = "name_not_found"


class ColumnNotFoundError(GoldmapError, KeyError):
    """A table column that is missing or cannot be detected."""

    kind = "column_not_found"


class StatisticNotFoundError(GoldmapError, KeyError):
    """A statistic (indicator) name that goldmap's tables do not hold."""

    kind = "statistic_not_found"


class InputFileError(GoldmapError, ValueError):
    """A user file that cannot be read: wrong format, encoding, size or content."""

    kind = "input_file"


class MissingCRSError(InputFileError):
    """A GeoDataFrame, file or raster with no coordinate reference system: set one first."""

    kind = "missing_crs"


class DuplicateProvinceError(InputFileError):
    """Several rows of a statistics table name one province, and no rule says how to combine.

    ``rows`` is a DataFrame of the rows concerned (row, value, adcode, province).
    """

    kind = "duplicate_province"

    def __init__(self, message: str, rows: object = None, **fields: Any) -> None:
        super().__init__(message, **fields)
        self.rows = rows


class OptionError(GoldmapError, ValueError):
    """An option given a value outside the allowed ones (a language, a rule, a basemap)."""

    kind = "option"


class OutsideChinaError(GoldmapError, ValueError):
    """Coordinates that lie outside China, or look like swapped longitude and latitude."""

    kind = "outside_china"


class ExportError(GoldmapError, ValueError):
    """An export that cannot be written: unknown format, bad path, existing file."""

    kind = "export"


class OutputExistsError(ExportError, FileExistsError):
    """An output file that exists already and may not be overwritten."""

    kind = "output_exists"


class PackageDataError(GoldmapError, OSError):
    """A file of goldmap's own packaged data that is missing or damaged: reinstall goldmap."""


class DatabaseError(GoldmapError, ConnectionError):
    """A database that cannot be used: unreachable, wrong credentials, no PostGIS, bad query."""

    kind = "database"


class RasterError(GoldmapError, ValueError):
    """A raster that cannot be used: unreadable, not georeferenced, no overlap with the area."""

    kind = "raster"


class MissingDependencyError(GoldmapError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""

    kind = "missing_dependency"


class CorrectionError(InputFileError):
    """A corrections file that cannot be applied to the key mines; nothing was changed.

    ``problems`` lists one line per bad row, each naming the row and the fix.
    """

    kind = "corrections"

    def __init__(self, message: str, problems: list[str] | None = None, **fields: Any) -> None:
        super().__init__(message, **fields)
        self.problems = list(problems or [])
