"""Publish and apply the JSON Schema of each plan layer (``data/schema/<layer>.schema.json``).

Each schema (JSON Schema draft 2020-12) describes the ``properties`` of one layer's GeoJSON
features: required fields, enums (location precision, confidence, commodities), id
patterns, six-digit adcodes and the shape of a source record.
"""

from __future__ import annotations

import copy
import functools
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from goldmap._resources import read_packaged
from goldmap.errors import LayerNotFoundError

__all__ = ["SCHEMA_LAYERS", "schema", "validate_against_schema", "violations"]

#: The layers that have a published schema.
SCHEMA_LAYERS: tuple[str, ...] = (
    "key_mines",
    "exploration_areas",
    "development_areas",
    "area_deposits",
    "consolidation_provinces",
    "copper_bases",
)


def _check_layer(layer: str) -> str:
    if not isinstance(layer, str) or layer not in SCHEMA_LAYERS:
        raise LayerNotFoundError(
            f"No schema for layer {layer!r}. Layers with a schema: {', '.join(SCHEMA_LAYERS)}. "
            "The boundary and context layers have none."
        )
    return layer


@functools.cache
def _read_schema(layer: str) -> dict[str, Any]:
    loaded: dict[str, Any] = read_packaged(
        lambda path: json.loads(path.read_text(encoding="utf-8")),
        "schema",
        f"{layer}.schema.json",
    )
    return loaded


def schema(layer: str) -> dict[str, Any]:
    """Return the JSON Schema of a layer's feature properties.

    Parameters
    ----------
    layer : str
        One of :data:`SCHEMA_LAYERS`.

    Returns
    -------
    dict
        The schema (JSON Schema draft 2020-12), a fresh copy each call.

    Raises
    ------
    LayerNotFoundError
        When ``layer`` has no schema.

    Examples
    --------
    >>> schema("key_mines")["properties"]["location_precision"]
    {'$ref': '#/$defs/precision'}
    """
    return copy.deepcopy(_read_schema(_check_layer(layer)))


@functools.cache
def _validator(layer: str) -> Any:
    import jsonschema

    spec = _read_schema(layer)
    cls = jsonschema.validators.validator_for(spec)
    cls.check_schema(spec)
    return cls(spec, format_checker=cls.FORMAT_CHECKER)


def _jsonable(value: Any) -> Any:
    """Turn a cell of a (Geo)DataFrame into what the GeoJSON file would hold."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def _where(error: Any) -> str:
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    return path.lstrip(".") or "(feature)"


def validate_against_schema(layer: str, frame: pd.DataFrame) -> list[str]:
    """Check each feature of a layer against the layer's schema.

    Parameters
    ----------
    layer : str
        One of :data:`SCHEMA_LAYERS`.
    frame : pandas.DataFrame or geopandas.GeoDataFrame
        The layer, e.g. ``goldmap.load(layer)``; the geometry column is not checked here.

    Returns
    -------
    list of str
        One line per violation, ``"<feature id>: <field>: <what is wrong>"``; empty when every
        feature conforms.

    Raises
    ------
    LayerNotFoundError
        When ``layer`` has no schema.

    Examples
    --------
    >>> import goldmap
    >>> validate_against_schema("key_mines", goldmap.load("key_mines"))
    []
    """
    return [f"{feature}: {message}" for feature, message in violations(layer, frame)]


def violations(layer: str, frame: pd.DataFrame) -> list[tuple[str, str]]:
    """Return each schema violation as (feature, "<field>: <what is wrong>").

    Parameters
    ----------
    layer : str
        One of :data:`SCHEMA_LAYERS`.
    frame : pandas.DataFrame or geopandas.GeoDataFrame
        The layer.

    Returns
    -------
    list of tuple of (str, str)
        The feature (its ``id``, or ``feature <n> (<name_zh>)``) and the violation.

    Raises
    ------
    LayerNotFoundError
        When ``layer`` has no schema.
    """
    validator = _validator(_check_layer(layer))
    geometry = getattr(frame, "_geometry_column_name", None)
    columns = [c for c in frame.columns if c != geometry]
    found: list[tuple[str, str]] = []
    for position, record in enumerate(frame[columns].to_dict(orient="records")):
        properties = {str(k): _jsonable(v) for k, v in record.items()}
        label = str(properties["id"]) if "id" in properties else f"feature {position}"
        if "id" not in properties and "name_zh" in properties:
            label = f"{label} ({properties['name_zh']})"
        errors = sorted(validator.iter_errors(properties), key=lambda e: list(e.absolute_path))
        found += [(label, f"{_where(e)}: {e.message}") for e in errors]
    return found
