"""Define the errors a user of goldmap can cause, one base class and a few leaves.

Every leaf also subclasses the builtin it resembles, so callers that already catch
``KeyError`` or ``ValueError`` keep working.
"""

from __future__ import annotations

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
    """Base class of every error a user can cause; its message says how to fix it."""

    def __str__(self) -> str:
        # KeyError quotes its message; show it as written instead.
        return str(self.args[0]) if self.args else ""


class LayerNotFoundError(GoldmapError, KeyError):
    """A layer name that goldmap does not know."""


class NameNotFoundError(GoldmapError, KeyError):
    """A province, county or plan-area name that cannot be resolved."""


class ColumnNotFoundError(GoldmapError, KeyError):
    """A table column that is missing or cannot be detected."""


class StatisticNotFoundError(GoldmapError, KeyError):
    """A statistic (indicator) name that goldmap's tables do not hold."""


class InputFileError(GoldmapError, ValueError):
    """A user file that cannot be read: wrong format, encoding, size or content."""


class MissingCRSError(InputFileError):
    """A GeoDataFrame, file or raster with no coordinate reference system: set one first."""


class DuplicateProvinceError(InputFileError):
    """Several rows of a statistics table name one province, and no rule says how to combine.

    ``rows`` is a DataFrame of the rows concerned (row, value, adcode, province).
    """

    def __init__(self, message: str, rows: object = None) -> None:
        super().__init__(message)
        self.rows = rows


class OptionError(GoldmapError, ValueError):
    """An option given a value outside the allowed ones (a language, a rule, a basemap)."""


class OutsideChinaError(GoldmapError, ValueError):
    """Coordinates that lie outside China, or look like swapped longitude and latitude."""


class ExportError(GoldmapError, ValueError):
    """An export that cannot be written: unknown format, bad path, existing file."""


class OutputExistsError(ExportError, FileExistsError):
    """An output file that exists already and may not be overwritten."""


class PackageDataError(GoldmapError, OSError):
    """A file of goldmap's own packaged data that is missing or damaged: reinstall goldmap."""


class DatabaseError(GoldmapError, ConnectionError):
    """A database that cannot be used: unreachable, wrong credentials, no PostGIS, bad query."""


class RasterError(GoldmapError, ValueError):
    """A raster that cannot be used: unreadable, not georeferenced, no overlap with the area."""


class MissingDependencyError(GoldmapError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


class CorrectionError(InputFileError):
    """A corrections file that cannot be applied to the key mines; nothing was changed.

    ``problems`` lists one line per bad row, each naming the row and the fix.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])
