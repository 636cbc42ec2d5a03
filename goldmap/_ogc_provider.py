"""Answer pygeoapi's feature queries from a goldmap layer held as a GeoDataFrame.

pygeoapi makes a provider per request; the layer behind it (packaged, from a GeoPackage or
from PostGIS, with the corrections when given) is read once per source and kept. Filters:
bounding box (spatial index), properties (a list field matches when it holds the value),
sorting, paging, chosen properties and no geometry.
"""

from __future__ import annotations

import functools
import json
import math
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pygeoapi.provider.base import BaseProvider, ProviderItemNotFoundError

from goldmap._values import is_missing, is_nested, to_native
from goldmap.schema import SCHEMA_LAYERS, schema

__all__ = ["LayerProvider", "layer_fields", "read_source", "schema_fields"]

_JSON_TYPES = ("string", "number", "integer", "boolean", "array", "object")


def _field(spec: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """Return one JSON Schema property as a pygeoapi field: its type, title and description."""
    ref = spec.get("$ref", "")
    resolved = {**defs.get(ref.rsplit("/", 1)[-1], {}), **spec} if ref else spec
    kinds = resolved.get("type", "string")
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    kind = next((k for k in kinds if k in _JSON_TYPES), "string")
    field: dict[str, Any] = {"type": kind}
    if "description" in resolved:
        field["description"] = resolved["description"]
    if "enum" in resolved:
        field["enum"] = [v for v in resolved["enum"] if v is not None]
    return field


def schema_fields(layer: str) -> dict[str, dict[str, Any]]:
    """Return the fields the JSON Schema of ``layer`` publishes (empty for other layers)."""
    if layer not in SCHEMA_LAYERS:
        return {}
    published = schema(layer)
    defs = published.get("$defs", {})
    return {c: _field(p, defs) for c, p in published.get("properties", {}).items()}


def layer_fields(layer: str, frame: gpd.GeoDataFrame) -> dict[str, dict[str, Any]]:
    """Return the fields of ``layer``: from its JSON Schema, else from the frame's dtypes.

    Parameters
    ----------
    layer : str
        The layer's name.
    frame : geopandas.GeoDataFrame
        The layer's rows (for a layer without a published schema).

    Returns
    -------
    dict of str to dict
        ``{field: {"type": ..., "description": ...}}`` in the frame's column order.
    """
    columns = [c for c in frame.columns if c != frame.geometry.name]
    if layer in SCHEMA_LAYERS:
        published = schema_fields(layer)
        return {c: published.get(c, {"type": "string"}) for c in columns}
    fields: dict[str, dict[str, Any]] = {}
    for column in columns:
        dtype = frame[column].dtype
        kind = (
            "boolean"
            if pd.api.types.is_bool_dtype(dtype)
            else "integer"
            if pd.api.types.is_integer_dtype(dtype)
            else "number"
            if pd.api.types.is_float_dtype(dtype)
            else "string"
        )
        fields[column] = {"type": kind}
    return fields


def _decoded(frame: gpd.GeoDataFrame, fields: dict[str, dict[str, Any]]) -> gpd.GeoDataFrame:
    """Turn JSON text back into lists where the schema says array or object (GPKG stores text)."""
    out = frame.copy()
    for column, field in fields.items():
        if field["type"] in ("array", "object") and column in out:
            out[column] = out[column].map(
                lambda v: json.loads(v) if isinstance(v, str) and v[:1] in "[{" else v
            )
    return out


@functools.lru_cache(maxsize=32)
def read_source(source: str) -> gpd.GeoDataFrame:
    """Read the layer a provider's ``data`` names, once per source.

    Parameters
    ----------
    source : str
        JSON ``{"layer": ..., "gpkg": ..., "db": ..., "corrections": ...}``.

    Returns
    -------
    geopandas.GeoDataFrame
        The layer in EPSG:4326, index 0..n-1; do not change it (it is shared).
    """
    spec = json.loads(source)
    layer = spec["layer"]
    if spec.get("db"):
        from goldmap.io.postgis import read_postgis

        frame = read_postgis(layer, spec["db"])
    elif spec.get("gpkg"):
        from goldmap.io.read import read_features

        frame = read_features(spec["gpkg"], layer=layer)
    else:
        from goldmap.loading import load

        frame = load(layer, corrections=spec.get("corrections"))
    frame = frame.to_crs(4326).reset_index(drop=True)
    return _decoded(frame, layer_fields(layer, frame))


def _matches(cell: Any, wanted: str) -> bool:
    if isinstance(cell, list | tuple | np.ndarray):
        return any(_matches(v, wanted) for v in cell)
    if is_missing(cell):
        return wanted.lower() in ("", "null")
    if isinstance(cell, bool | np.bool_):
        return str(bool(cell)).lower() == wanted.lower()
    if isinstance(cell, int | float | np.number):
        try:
            return math.isclose(float(cell), float(wanted))
        except ValueError:
            return False
    return str(cell) == wanted


class LayerProvider(BaseProvider):  # type: ignore[misc]  # pygeoapi is untyped
    """A pygeoapi feature provider over one goldmap layer."""

    def __init__(self, provider_def: dict[str, Any]) -> None:
        super().__init__(provider_def)
        self.layer = json.loads(self.data)["layer"]
        self.frame = read_source(self.data)
        self._fields = layer_fields(self.layer, self.frame)

    def get_fields(self) -> dict[str, dict[str, Any]]:
        """Return the layer's fields (its JSON Schema), which pygeoapi offers as queryables."""
        return self._fields

    def _feature(self, position: int, columns: list[str], skip_geometry: bool) -> dict[str, Any]:
        row = self.frame.iloc[position]
        geometry = row[self.frame.geometry.name]
        shape = None
        if not skip_geometry and geometry is not None and not geometry.is_empty:
            shape = shapely.geometry.mapping(geometry)
        properties = {c: self._value(row[c], c) for c in columns}
        return {
            "type": "Feature",
            "id": to_native(row[self.id_field]),
            "geometry": to_native(shape),
            "properties": properties,
        }

    def _value(self, cell: Any, column: str) -> Any:
        """Return a cell as JSON wants it; a whole float in an integer field as an int."""
        if is_nested(cell):
            return to_native(cell)
        if is_missing(cell):
            return None
        value = to_native(cell)
        if self._fields[column]["type"] == "integer" and isinstance(value, float):
            return int(value) if value.is_integer() else value
        return value

    def query(  # noqa: PLR0913 (pygeoapi's signature)
        self,
        offset: int = 0,
        limit: int = 10,
        resulttype: str = "results",
        bbox: list[float] | None = None,
        datetime_: str | None = None,
        properties: list[tuple[str, str]] | None = None,
        sortby: list[dict[str, str]] | None = None,
        select_properties: list[str] | None = None,
        skip_geometry: bool = False,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Return the features matching the filters, one page of them."""
        frame = self.frame
        keep = np.ones(len(frame), dtype=bool)
        if bbox:
            hits = frame.sindex.query(shapely.box(*bbox[:4]), predicate="intersects")
            keep[:] = False
            keep[hits] = True
        for name, value in properties or []:
            keep &= frame[name].map(lambda cell, v=str(value): _matches(cell, v)).to_numpy(bool)
        positions = np.flatnonzero(keep)
        for order in reversed(sortby or []):
            values = frame[order["property"]].iloc[positions].map(to_native).astype(str)
            ranked = np.argsort(values.to_numpy(), kind="stable")
            positions = positions[ranked[::-1] if order.get("order") == "-" else ranked]
        collection: dict[str, Any] = {
            "type": "FeatureCollection",
            "features": [],
            "numberMatched": len(positions),
        }
        if resulttype == "hits":
            collection["numberReturned"] = 0
            return collection
        columns = [c for c in self._fields if not select_properties or c in select_properties]
        page = positions[offset : offset + limit]
        collection["features"] = [self._feature(int(p), columns, skip_geometry) for p in page]
        collection["numberReturned"] = len(page)
        return collection

    def get(self, identifier: str, **kwargs: Any) -> dict[str, Any]:
        """Return the feature with ``identifier`` in the id field."""
        hits = np.flatnonzero(self.frame[self.id_field].astype(str).to_numpy() == str(identifier))
        if len(hits) == 0:
            raise ProviderItemNotFoundError(f"No feature {identifier!r} in {self.layer!r}.")
        return self._feature(int(hits[0]), list(self._fields), skip_geometry=False)
