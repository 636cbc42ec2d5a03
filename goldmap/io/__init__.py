"""Read users' files and write goldmap's exports: every file crossing the boundary, here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from goldmap._lazy import lazy_attribute

if TYPE_CHECKING:
    from goldmap.io._guard import MAX_UPLOAD_BYTES, MAX_UPLOAD_MB
    from goldmap.io._tables import TABLE_FORMATS, read_table
    from goldmap.io.read import FEATURE_FORMATS, read_features

__all__ = [
    "FEATURE_FORMATS",
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_MB",
    "TABLE_FORMATS",
    "read_features",
    "read_table",
]

# Each name loads its module on first use: `import goldmap` imports goldmap.io.write (for
# goldmap.export), and should not pay for the readers' parsers (KML, GeoPackage ...) then.
_LAZY = {
    "MAX_UPLOAD_BYTES": "goldmap.io._guard",
    "MAX_UPLOAD_MB": "goldmap.io._guard",
    "TABLE_FORMATS": "goldmap.io._tables",
    "read_table": "goldmap.io._tables",
    "FEATURE_FORMATS": "goldmap.io.read",
    "read_features": "goldmap.io.read",
}


def __getattr__(name: str) -> Any:
    return lazy_attribute(globals(), _LAZY, name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
