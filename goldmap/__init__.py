"""goldmap: a citable atlas and toolkit for China's gold-industry plan 2025-2027.

The plan's Column 1 names 8 key exploration areas, 7 key development areas and 35 key mines;
goldmap gives them as GeoDataFrames on official boundaries, joins provincial statistics to
them, locates your own data against them, draws them on maps and exports them.

Examples
--------
>>> import goldmap
>>> mines = goldmap.load("key_mines")
>>> provinces = goldmap.load("provinces")
"""

from __future__ import annotations

from typing import Any

from goldmap._lazy import lazy_attribute
from goldmap._plan import plan
from goldmap.catalog import describe_layers, layers
from goldmap.citation import data_version
from goldmap.errors import (
    ColumnNotFoundError,
    CorrectionError,
    DatabaseError,
    DuplicateProvinceError,
    ExportError,
    GoldmapError,
    InputFileError,
    LayerNotFoundError,
    MissingCRSError,
    MissingDependencyError,
    NameNotFoundError,
    OptionError,
    OutputExistsError,
    OutsideChinaError,
    PackageDataError,
    RasterError,
    StatisticNotFoundError,
)
from goldmap.loading import load
from goldmap.names import province_name, resolve_county, resolve_province

# isort: split
# Eager on purpose: the module and the function share the name `export`, which the lazy
# lookup below cannot tell apart. goldmap.export imports its writers only when called.
from goldmap.io.write import FORMATS, export, export_bytes

# Heavier parts load on first use, so that `import goldmap` stays quick and never pulls in
# folium, rasterio or the export drivers unless they are asked for.
_LAZY = {
    "join_stats": "goldmap.stats",
    "read_table": "goldmap.stats",
    "load_stats": "goldmap.stats",
    "province_summary": "goldmap.stats",
    "locate": "goldmap.spatial",
    "read_features": "goldmap.spatial",
    "nearest_mine": "goldmap.spatial",
    "summarize_located": "goldmap.spatial",
    "located_counts": "goldmap.spatial",
    "make_map": "goldmap.maps",
    "figure": "goldmap.maps.static",
    "save_figure": "goldmap.maps.static",
    "write_located": "goldmap.spatial",
    "raster": "goldmap.raster",
    "plan_text": "goldmap._plan",
    "plan_targets": "goldmap.tracking",
    "progress": "goldmap.tracking",
    "validate_data": "goldmap.validate",
    "corrections": "goldmap.corrections",
    "schema": "goldmap.schema",
    "companies": "goldmap.exposure",
}

__all__ = [
    "FORMATS",
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
    "__version__",
    "companies",
    "corrections",
    "data_version",
    "describe_layers",
    "export",
    "export_bytes",
    "figure",
    "join_stats",
    "layers",
    "load",
    "load_stats",
    "locate",
    "located_counts",
    "make_map",
    "nearest_mine",
    "plan",
    "plan_targets",
    "plan_text",
    "progress",
    "province_name",
    "province_summary",
    "raster",
    "read_features",
    "read_table",
    "resolve_county",
    "resolve_province",
    "save_figure",
    "schema",
    "summarize_located",
    "validate_data",
    "write_located",
]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("goldmap")
    except PackageNotFoundError:  # pragma: no cover - running from an unpacked tree
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":  # read from the installed metadata on first use (~50 ms)
        globals()[name] = _version()
        return globals()[name]
    return lazy_attribute(globals(), _LAZY, name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
