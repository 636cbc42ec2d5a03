"""Write one layer as an ESRI Shapefile without losing anything to its limits.

dBase field names hold 10 bytes and text 254: names are shortened uniquely and mapped in
``<layer>.fields.csv``; text that had to be cut is kept whole in ``<layer>.attributes.csv``;
a ``.cpg`` says UTF-8. Lists become JSON text.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from goldmap._values import flatten_nested
from goldmap.io._files import pyogrio_write

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["write_shapefile"]

logger = logging.getLogger(__name__)

_DBF_NAME_BYTES = 10
_DBF_VALUE_BYTES = 254


def write_shapefile(frame: gpd.GeoDataFrame, folder: Path, stem: str) -> None:
    """Write ``frame`` as ``folder/<stem>.shp`` (+ .shx .dbf .prj .cpg) and its field map."""
    import pandas as pd

    flat = flatten_nested(frame)
    geometry = flat.geometry.name
    fields = _dbf_field_names([c for c in flat.columns if c != geometry])
    flat = flat.rename(columns=fields)
    shortened: dict[str, int] = {}
    for column, field in fields.items():
        if flat[field].dtype == object or pd.api.types.is_string_dtype(flat[field]):
            values = flat[field].map(_dbf_text)
            count = int((values.map(_len_or_zero) < flat[field].map(_len_or_zero)).sum())
            if count:
                shortened[column] = count
            flat[field] = values.astype(object)
    pyogrio_write(
        flat,
        folder / f"{stem}.shp",
        layer=stem,
        driver="ESRI Shapefile",
        layer_options={"ENCODING": "UTF-8"},
        promote_to_multi=bool(frame.geom_type.str.startswith("Multi", na=False).any()),
    )
    field_map = pd.DataFrame(
        {"field": list(fields.values()), "column": list(fields)},
    )
    field_map.to_csv(folder / f"{stem}.fields.csv", index=False, encoding="utf-8")
    if shortened:
        full = flatten_nested(frame).drop(columns=geometry)
        full.to_csv(folder / f"{stem}.attributes.csv", index=False, encoding="utf-8-sig")
        counts = ", ".join(f"{c} ({n})" for c, n in shortened.items())
        logger.warning(
            "Shapefile %s: text longer than %d bytes was shortened in the .dbf for %s; "
            "the full values are in %s.attributes.csv beside it.",
            stem,
            _DBF_VALUE_BYTES,
            counts,
            stem,
        )


def _len_or_zero(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def _dbf_text(value: Any) -> Any:
    """Cut text to 254 UTF-8 bytes at a character boundary."""
    if not isinstance(value, str):
        return value
    encoded = value.encode("utf-8")
    if len(encoded) <= _DBF_VALUE_BYTES:
        return value
    return encoded[:_DBF_VALUE_BYTES].decode("utf-8", errors="ignore")


def _dbf_field_names(columns: list[str]) -> dict[str, str]:
    """Map column names to unique dBase field names of at most 10 UTF-8 bytes."""
    fields: dict[str, str] = {}
    taken: set[str] = set()
    for column in columns:
        field = _cut_bytes(str(column), _DBF_NAME_BYTES)
        counter = 1
        while field.lower() in taken or not field:
            suffix = f"_{counter}"
            field = _cut_bytes(str(column), _DBF_NAME_BYTES - len(suffix)) + suffix
            counter += 1
        taken.add(field.lower())
        fields[column] = field
    return fields


def _cut_bytes(text: str, limit: int) -> str:
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")
