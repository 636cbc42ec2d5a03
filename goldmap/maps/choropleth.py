"""Colour provinces by a statistic: mapclassify classes, a purple ramp, a legend with units."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from goldmap.errors import ColumnNotFoundError, OptionError
from goldmap.maps._leaflet import (
    GeoLayer,
    add_below_controls,
    display_geometry,
    ensure_setup,
    feature_collection,
    get_legend,
    to_4326,
)
from goldmap.maps._popups import escape, names, popup_html, tooltip_html
from goldmap.styles import NO_DATA_COLOR, class_ramp
from goldmap.text import check_lang, tr

__all__ = [
    "SCHEMES",
    "Choropleth",
    "Classes",
    "add_choropleth",
    "classify",
    "json_safe",
    "legacy_choropleth",
]

#: Classification schemes for the choropleth (mapclassify names).
SCHEMES = ("quantiles", "equal_interval", "natural_breaks", "fisher_jenks")
_SCHEME_CLASSES = {
    "quantiles": "Quantiles",
    "equal_interval": "EqualInterval",
    "natural_breaks": "NaturalBreaks",
    "fisher_jenks": "FisherJenks",
}


def json_safe(value: Any) -> Any:
    """Return ``value`` as a plain Python value that JSON can hold (numpy scalars unwrapped)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@dataclass(frozen=True)
class Classes:
    """A statistic's classes: each value's class, and per class its colour and label.

    Attributes
    ----------
    of : pandas.Series
        The class (0, 1, ...) of each value that has one, by the values' index.
    colors : list of str
        Each class's colour, light to dark (:func:`goldmap.styles.class_ramp`).
    labels : list of str
        Each class's range: whole numbers for counts ("0", "1–2", "3–11"), the values' own
        range otherwise; no two classes overlap.
    """

    of: pd.Series
    colors: list[str]
    labels: list[str]

    def color(self, index: Any) -> str:
        """Return the colour of the value at ``index``; :data:`NO_DATA_COLOR` if it has none."""
        position = self.of.get(index)
        return NO_DATA_COLOR if position is None else self.colors[int(position)]


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"


def _labels(valid: pd.Series, classes: pd.Series, count: int) -> list[str]:
    """Return each class's range: whole-number steps for whole numbers, else its values' range."""
    whole = bool((valid == valid.round()).all())
    labels = []
    previous: float | None = None
    for c in range(count):
        members = valid[classes == c]
        low, high = float(members.min()), float(members.max())
        if whole and previous is not None:
            low = previous + 1
        previous = high
        labels.append(_number(low) if low == high else f"{_number(low)} – {_number(high)}")
    return labels


def classify(values: pd.Series, *, scheme: str = "fisher_jenks", k: int = 5) -> Classes:
    """Sort a statistic's values into classes with mapclassify, fewer when values are few.

    Parameters
    ----------
    values : pandas.Series
        Numbers; missing ones get no class.
    scheme : str, default "fisher_jenks"
        One of :data:`SCHEMES`.
    k : int, default 5
        The most classes; fewer when there are fewer distinct values, and a class that no
        value falls in (ties in quantiles) is dropped.

    Returns
    -------
    Classes
        Each value's class, the classes' colours and labels.
    """
    import mapclassify

    valid = values.dropna().astype(float)
    k_eff = max(1, min(k, valid.nunique()))
    if k_eff == 1:
        raw = pd.Series(0, index=valid.index)
    else:
        with warnings.catch_warnings():
            # Ties leave fewer classes than asked (mapclassify lowers k and says so), and
            # Fisher-Jenks says it runs without numba: neither changes the classes.
            warnings.simplefilter("ignore", UserWarning)
            classifier = getattr(mapclassify, _SCHEME_CLASSES[scheme])(valid.to_numpy(), k=k_eff)
        raw = pd.Series(np.asarray(classifier.yb), index=valid.index)
    used = sorted(set(raw.tolist()))
    classes = raw.map({c: i for i, c in enumerate(used)}).astype(int)
    count = len(used)
    return Classes(classes, class_ramp(count), _labels(valid, classes, count))


def _class_items(classes: Classes, *, has_missing: bool, lang: str) -> list[str]:
    """Return the legend rows of a choropleth: one per class, and "no data" when needed."""
    items = []
    rows = list(zip(classes.colors, classes.labels, strict=True))
    if has_missing:
        rows.append((NO_DATA_COLOR, tr("no_data", lang)))
    for color, label in rows:
        items.append(
            f'<div class="goldmap-class"><span style="display:inline-block;width:14px;'
            f'height:10px;background:{color};border:1px solid #999;vertical-align:-1px"></span> '
            f"{escape(label)}</div>"
        )
    return items


def add_choropleth(
    m: folium.Map | folium.FeatureGroup,
    frame: gpd.GeoDataFrame,
    column: str,
    *,
    scheme: str = "fisher_jenks",
    k: int = 5,
    lang: str = "zh",
    title: str | None = None,
) -> folium.Map | folium.FeatureGroup:
    """Colour provinces by a statistic, classified with mapclassify, with a legend.

    Parameters
    ----------
    m : folium.Map or folium.FeatureGroup
        The map, or a layer group to show on one (see :mod:`goldmap.maps.overlays`).
    frame : geopandas.GeoDataFrame
        Province polygons with the statistic, e.g. the result of :func:`goldmap.join_stats`.
    column : str
        The numeric column to colour by; missing values are drawn grey ("no data").
    scheme : str, default "fisher_jenks"
        One of :data:`SCHEMES`.
    k : int, default 5
        Number of classes (2-7); fewer when the column has fewer distinct values.
    lang : {"zh", "en"}, default "zh"
        Language of tooltips and legend.
    title : str, optional
        Legend title; default ``column``. Escaped.

    Returns
    -------
    folium.Map
        ``m``, for chaining.

    Raises
    ------
    ColumnNotFoundError
        When ``column`` is not in ``frame``.
    GoldmapError
        When the column is not numeric, has no values, or ``scheme``/``k`` are not allowed.
    """
    check_lang(lang)
    frame = to_4326(frame, "frame")
    if column not in frame.columns:
        raise ColumnNotFoundError(
            f"Column {column!r} is not in the frame; its columns are "
            f"{[str(c) for c in frame.columns if c != frame.geometry.name]}."
        )
    if scheme not in SCHEMES:
        raise OptionError(f"Unknown scheme {scheme!r}; choose one of {list(SCHEMES)}.")
    if not 2 <= k <= 7:
        raise OptionError(f"k={k!r} classes is not allowed; choose between 2 and 7.")
    values = pd.to_numeric(frame[column], errors="coerce")
    if values.notna().sum() == 0:
        raise OptionError(
            f"Column {column!r} has no numeric values to colour by; pick a numeric column."
        )
    classes = classify(values, scheme=scheme, k=k)
    label = title or column
    props = []
    for idx, row in zip(
        frame.index, frame.drop(columns=frame.geometry.name).to_dict("records"), strict=True
    ):
        value = values.get(idx)
        has = not pd.isna(value)
        color = classes.color(idx)
        name, other = names(row, lang)
        shown = f"{value:,.6g}" if has else tr("no_data", lang)
        props.append(
            {
                "_layer": "provinces",
                "adcode": json_safe(row.get("adcode")),
                "_style": {"color": "#8a8a8a", "weight": 0.8, "fillColor": color,
                           "fillOpacity": 0.85},
                "_tooltip": tooltip_html(name, other, f"{label}: {shown}"),
                "_popup": popup_html(name, other, [(escape(label), escape(shown))]),
            }
        )  # fmt: skip
    data = feature_collection(props, display_geometry(frame, simplify=None))
    ensure_setup(m)
    add_below_controls(m, GeoLayer(data, name=escape(label), show=True, behind=True))
    if isinstance(m, folium.FeatureGroup):
        m.layer_name = escape(label)
    items = _class_items(classes, has_missing=bool(values.isna().any()), lang=lang)
    legend = get_legend(m)
    legend.order = 0  # the statistic's classes head the map's legend box
    legend.sections = {
        "choropleth": f'<div style="font-weight:600;margin-top:2px">{escape(label)}</div>'
        + "".join(items),
        **{key: v for key, v in legend.sections.items() if key != "choropleth"},
    }
    return m


@dataclass(frozen=True)
class Choropleth:
    """A provincial statistic to colour the provinces by (see :func:`add_choropleth`).

    Attributes
    ----------
    frame : geopandas.GeoDataFrame
        Provinces with the statistic, e.g. from :func:`goldmap.join_stats`.
    column : str
        The numeric column to colour by.
    scheme : str, default "fisher_jenks"
        One of :data:`SCHEMES`.
    k : int, default 5
        Number of classes (2-7).
    title : str, optional
        The legend's title; default ``column``.
    """

    frame: gpd.GeoDataFrame
    column: str
    scheme: str = "fisher_jenks"
    k: int = 5
    title: str | None = None


_LEGACY_OPTIONS = ("stats", "column", "scheme", "k", "height")


def legacy_choropleth(options: dict[str, Any]) -> tuple[Choropleth | None, str | int]:
    """Read make_map's old keyword options (deprecated for one release) into the new ones."""
    unknown = sorted(set(options) - set(_LEGACY_OPTIONS))
    if unknown:
        raise TypeError(f"make_map() got unexpected keyword argument(s) {unknown}")
    if options:
        warnings.warn(
            f"make_map({', '.join(f'{k}=' for k in options)}) is deprecated; pass "
            "choropleth=Choropleth(frame, column, scheme=..., k=...) (height: build the "
            "folium.Map yourself and pass m=).",
            DeprecationWarning,
            stacklevel=3,
        )
    height = options.get("height", "100%")
    if options.get("stats") is None:
        if options.get("column") is not None:
            raise OptionError("column is given but stats is not; pass both, or choropleth=.")
        return None, height
    if options.get("column") is None:
        raise OptionError("stats is given but column is not; pass column='<statistic column>'.")
    choropleth = Choropleth(
        options["stats"], options["column"], options.get("scheme", "quantiles"), options.get("k", 5)
    )
    return choropleth, height
