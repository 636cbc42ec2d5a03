"""Draw what a view adds to a static figure: a statistic, the user's features, other plan layers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from goldmap.catalog import LAYERS
from goldmap.maps.choropleth import classify
from goldmap.styles import DEFAULT_STYLE, NO_DATA_COLOR, style_for
from goldmap.text import tr

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes

    from goldmap.maps.choropleth import Choropleth

__all__ = [
    "OTHER_LAYERS",
    "choropleth_handles",
    "draw_choropleth",
    "draw_features",
    "draw_other_layers",
    "feature_handles",
    "other_handles",
]

#: The plan's other layers a figure can draw when asked (the app's view may show them).
OTHER_LAYERS = ("consolidation_provinces", "copper_bases", "area_deposits")

#: Above this many points, the user's points are drawn as one image (a light PDF or SVG).
_RASTER_POINTS = 5_000


def _values(statistic: Choropleth) -> pd.Series:
    values: pd.Series = pd.to_numeric(statistic.frame[statistic.column], errors="coerce")
    return values


def draw_choropleth(ax: Axes, statistic: Choropleth, lw: float) -> None:
    """Colour the provinces by ``statistic``, in the web map's classes and colours."""
    from goldmap.crs import EQUAL_AREA_CRS

    values = _values(statistic)
    classes = classify(values, scheme=statistic.scheme, k=statistic.k)
    frame = statistic.frame.to_crs(EQUAL_AREA_CRS)
    colours = [classes.color(i) for i in frame.index]
    frame.plot(ax=ax, color=colours, edgecolor="#8a8a8a", linewidth=0.45 * lw, zorder=2.05)


def choropleth_handles(statistic: Choropleth, lang: str) -> list[Any]:
    """Return the legend keys of ``statistic``: its title, one patch per class, "no data"."""
    from matplotlib.patches import Patch

    values = _values(statistic)
    classes = classify(values, scheme=statistic.scheme, k=statistic.k)
    handles: list[Any] = [
        Patch(facecolor="none", edgecolor="none", label=statistic.title or statistic.column)
    ]
    handles += [
        Patch(facecolor=c, edgecolor="#999999", label=label)
        for c, label in zip(classes.colors, classes.labels, strict=True)
    ]
    if values.isna().any():
        handles.append(
            Patch(facecolor=NO_DATA_COLOR, edgecolor="#999999", label=tr("no_data", lang))
        )
    return handles


def draw_features(ax: Axes, features: gpd.GeoDataFrame) -> None:
    """Draw the user's features over the plan: points as small dots, shapes outlined."""
    geometry = features.geometry
    points = geometry.geom_type == "Point"
    style = DEFAULT_STYLE
    if points.any():
        kept = geometry[points]
        ax.scatter(
            kept.x, kept.y, s=6, color=style.fill, edgecolor=style.stroke, linewidth=0.3,
            zorder=6.5, rasterized=len(kept) > _RASTER_POINTS, label="your_features",
        )  # fmt: skip
    shapes = features[~points & geometry.notna() & ~geometry.is_empty]
    if len(shapes):
        shapes.plot(
            ax=ax,
            facecolor=style.fill,
            alpha=0.3,
            edgecolor=style.stroke,
            linewidth=0.8,
            zorder=6.4,
        )


def feature_handles(features: gpd.GeoDataFrame, lang: str) -> list[Any]:
    """Return the legend key of the user's features, with their count."""
    from matplotlib.lines import Line2D

    label = f"{tr('your_features', lang)} ({len(features):,})"
    return [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=4,
            markerfacecolor=DEFAULT_STYLE.fill,
            markeredgecolor=DEFAULT_STYLE.stroke,
            label=label,
        )
    ]


def draw_other_layers(ax: Axes, frames: dict[str, gpd.GeoDataFrame], lw: float) -> None:
    """Draw the consolidation provinces and copper bases (hatched) and the areas' deposits."""
    for layer, frame in frames.items():
        if frame.empty:
            continue
        style = style_for(layer)
        if layer == "area_deposits":
            ax.scatter(
                frame.geometry.x, frame.geometry.y, s=9, color=style.marker_color,
                edgecolor=style.stroke, linewidth=0.4, zorder=6.6, label=layer,
            )  # fmt: skip
            continue
        frame.plot(
            ax=ax, facecolor=style.fill, alpha=max(style.fill_opacity, 0.25), zorder=3.4
        )  # fmt: skip
        frame.plot(
            ax=ax, facecolor="none", edgecolor=style.stroke, hatch=(style.hatch or "") * 3,
            linestyle="--" if style.dash else "-", linewidth=0.8 * lw, zorder=3.5,
        )  # fmt: skip


def other_handles(frames: dict[str, gpd.GeoDataFrame], lang: str) -> list[Any]:
    """Return a legend key for each of the other layers drawn."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = []
    for layer, frame in frames.items():
        if frame.empty:
            continue
        style = style_for(layer)
        title = LAYERS[layer].title_zh if lang == "zh" else LAYERS[layer].title_en
        if layer == "area_deposits":
            handles.append(
                Line2D([], [], marker="o", linestyle="", markersize=4, label=title,
                       markerfacecolor=style.marker_color, markeredgecolor=style.stroke)
            )  # fmt: skip
        else:
            handles.append(
                Patch(facecolor=style.fill, edgecolor=style.stroke, hatch=(style.hatch or "") * 3,
                      linestyle="--" if style.dash else "-", label=title)
            )  # fmt: skip
    return handles
