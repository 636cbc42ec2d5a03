"""A layer's features as the interactive map reads them: values, geometry, popups, styles.

:func:`layer_rows` reads a frame once into :class:`LayerRows`; the packaged layers are read
once per process (:func:`packaged_rows`), and a filter picks rows from them instead of
filtering and reading the frame again. :func:`feature_properties` gives each row's tooltip,
popup and drawing, as the page's GeoJSON layer carries them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from goldmap.catalog import LAYERS, load
from goldmap.maps._leaflet import display_geometry, to_4326
from goldmap.maps._mine_marks import mine_icon, point_context
from goldmap.maps._popups import (
    UNCERTAIN,
    area_content,
    as_list,
    generic_content,
    mine_content,
    names,
)
from goldmap.maps.choropleth import json_safe
from goldmap.styles import mine_mark, style_for

__all__ = ["LayerRows", "feature_properties", "filter_mask", "layer_rows", "packaged_rows"]

# Display simplification of the plan areas, in degrees (~500 m).
_AREA_TOLERANCE = 0.005


def filter_mask(
    frame: gpd.GeoDataFrame,
    *,
    provinces: Iterable[Any] | None = None,
    commodities: Iterable[str] | None = None,
    company: str | Iterable[str] | None = None,
) -> np.ndarray:
    """Return which rows of ``frame`` :func:`filter_layer` keeps, as a boolean array."""
    from goldmap.names import resolve_province

    keep = np.ones(len(frame), dtype=bool)
    if provinces is not None:
        codes = {resolve_province(p) for p in provinces}
        if "province_adcode" in frame.columns:
            keep &= frame["province_adcode"].isin(codes).to_numpy()
        elif "province_adcodes" in frame.columns:
            keep &= [bool(codes & set(as_list(v))) for v in frame["province_adcodes"].tolist()]
        elif "adcode" in frame.columns:
            keep &= frame["adcode"].isin(codes).to_numpy()
    if commodities is not None:
        wanted = {str(c).lower() for c in commodities}
        column = next((c for c in ("commodity", "commodities") if c in frame.columns), None)
        if column is not None:
            keep &= [bool(wanted & {str(x) for x in as_list(v)}) for v in frame[column].tolist()]
    if company is not None:
        from goldmap.exposure import company_mask

        keep &= company_mask(frame, company)
    return keep


def _feature_style(
    row: Mapping[str, Any], layer: str | None, geom: Any, fill: str | None = None
) -> dict[str, Any]:
    """Return the drawing of one feature: a star icon, a circle or a polygon style."""
    style = style_for(layer or "")
    is_point = geom is not None and shapely.get_dimensions(geom) == 0
    uncertain = row.get("location_precision") in UNCERTAIN
    if layer == "key_mines" and is_point:
        corrected = row.get("corrected") is True
        mark = mine_mark(row.get("location_precision")) or "hollow"
        return {"_icon": mine_icon(style, mark=mark, corrected=corrected, fill=fill)}
    if is_point:
        # A user's points lie over the plan's areas, so that each can be clicked.
        pane = {"pane": "markerPane"} if layer is None else {}
        return {
            "_style": {
                **pane,
                "radius": 5,
                "color": style.stroke,
                "weight": 1.5,
                "fillColor": "#ffffff" if uncertain else style.marker_color,
                "fillOpacity": 0.9,
                "dashArray": "2 2" if uncertain else None,
            }
        }
    return {
        "_style": {
            "color": style.stroke,
            "weight": style.weight,
            "fillColor": style.fill,
            "fillOpacity": style.fill_opacity,
            "dashArray": style.dash,
        }
    }


@dataclass(frozen=True)
class LayerRows:
    """A layer's features as the map reads them: each row's values and geometry.

    Attributes
    ----------
    columns : tuple of str
        The frame's columns but its geometry, in order.
    records : list of dict
        Each row's values by column, as ``to_dict("records")`` gives them.
    geometry : numpy.ndarray
        Each row's geometry in WGS84 (shapely objects, None where missing).
    shown : numpy.ndarray
        Each row's geometry as the page draws it (simplified and rounded).
    """

    columns: tuple[str, ...]
    records: list[dict[str, Any]]
    geometry: np.ndarray
    shown: np.ndarray

    def take(self, positions: Sequence[int] | np.ndarray) -> LayerRows:
        """Return the rows at ``positions`` (a filter's subset), in that order."""
        index = np.asarray(positions, dtype=np.intp)
        return LayerRows(
            self.columns, [self.records[i] for i in index], self.geometry[index],
            self.shown[index],
        )  # fmt: skip


def layer_rows(frame: gpd.GeoDataFrame, layer: str | None) -> LayerRows:
    """Read ``frame`` (a goldmap layer ``layer``, or a frame of the user's) for drawing."""
    frame = to_4326(frame, "frame")
    geometry_name = frame.geometry.name
    kept = [i for i, c in enumerate(frame.columns) if c != geometry_name]
    columns = tuple(str(frame.columns[i]) for i in kept)
    # Column lists zipped into rows: the values to_dict("records") gives, in half its time.
    values = [frame.iloc[:, i].tolist() for i in kept]
    records = [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]
    records = records or [{} for _ in range(len(frame))]  # a frame of geometry alone
    simplify = _AREA_TOLERANCE if layer in LAYERS else None
    shown = np.asarray(display_geometry(frame, simplify=simplify).values, dtype=object)
    return LayerRows(columns, records, np.asarray(frame.geometry.values, dtype=object), shown)


@functools.cache
def _packaged_rows(name: str) -> tuple[gpd.GeoDataFrame, LayerRows]:
    """Return a packaged layer and its rows, read once: the filters pick from them."""
    frame = load(name)
    return frame, layer_rows(frame, name)


def packaged_rows(
    name: str,
    *,
    provinces: Iterable[Any] | None = None,
    commodities: Iterable[str] | None = None,
    company: str | Iterable[str] | None = None,
) -> LayerRows:
    """Return the rows of packaged layer ``name`` that :func:`filter_layer` keeps."""
    frame, rows = _packaged_rows(name)
    if provinces is None and commodities is None and company is None:
        return rows
    mask = filter_mask(frame, provinces=provinces, commodities=commodities, company=company)
    return rows.take(np.flatnonzero(mask))


def feature_properties(
    rows: LayerRows, layer: str | None, lang: str, *, fills: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """Return each feature's tooltip, popup and drawing, in the rows' order.

    ``fills`` colours the key mines, one colour per row (see :mod:`goldmap.maps._mine_colors`).
    """
    records = rows.records
    if layer == "key_mines":
        records = point_context(records, rows.geometry, lang)
    colors = list(fills) if fills is not None else [None] * len(records)
    labels = list(rows.columns)
    props = []
    for position, (row, geom, fill) in enumerate(zip(records, rows.geometry, colors, strict=True)):
        if layer == "key_mines":
            tooltip, popup = mine_content(row, lang)
        elif layer in LAYERS:
            tooltip, popup = area_content(row, lang)
        else:
            tooltip, popup = generic_content(row, lang, labels)
        feature: dict[str, Any] = {
            "_layer": layer or "user",
            "id": json_safe(row.get("id", row.get("name_en"))),
            "_tooltip": tooltip,
            "_popup": popup,
            **_feature_style(row, layer, geom, fill),
        }
        if layer is None:
            feature["row"] = position  # a frame of the user's: which row was clicked
        if "_icon" in feature:
            feature["_title"] = names(row, lang)[0]
        feature.update({"_uncertainty": row["_uncertainty"]} if row.get("_uncertainty") else {})
        props.append(feature)
    return props
