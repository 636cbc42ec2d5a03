"""Label a static figure's mines, areas and cities so that no two labels overlap."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from goldmap.maps._static_data import AREA_LAYERS, COLOURS, area_codes, mine_numbers, projected
from goldmap.styles import STAND_IN_STROKE, mine_mark

if TYPE_CHECKING:
    import geopandas as gpd
    import shapely
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.text import Annotation
    from matplotlib.transforms import Bbox

__all__ = ["Label", "area_labels", "city_labels", "draw_mines", "mine_labels", "place_labels"]

# Where a label may go around its point: offsets in points, nearest first.
_RADII = (3.0, 8.0, 14.0, 21.0, 30.0, 40.0)
_ANGLES = (0, 180, 90, 270, 45, 135, 315, 225, 20, 160, 340, 200, 65, 115, 295, 245)
_LEADER_BEYOND = 8.0  # a label further off than this gets a leader line to its point
_CLUSTER_PT = 11.0  # mines closer than this on the page share one label


@dataclass
class Label:
    """A text to put beside a point of the map; a required one is never left out."""

    x: float
    y: float
    text: str
    required: bool
    size: float
    weight: str = "normal"
    colour: str = "#222222"


def place_labels(
    ax: Axes, renderer: RendererBase, labels: Iterable[Label], occupied: list[Bbox]
) -> None:
    """Put each label beside its point where it overlaps nothing; leader lines when far off.

    A required label (a mine number) that finds no free place is put at the last candidate;
    an optional one (a city name) is left out. ``occupied`` gets the box of each label placed.
    """
    from matplotlib.patheffects import withStroke

    frame = ax.get_window_extent(renderer)
    halo = [withStroke(linewidth=2.2, foreground="white")]
    for label in labels:
        placed = _place_free(ax, renderer, label, frame, occupied, halo)
        if placed is None and label.required:
            placed = _place_anyway(ax, renderer, label, halo)
        if placed is None:
            continue
        box, radius = placed
        if radius > _LEADER_BEYOND:
            _leader(ax, label, box)
        occupied.append(box)


def _offsets() -> Iterator[tuple[float, float, float]]:
    """Yield (radius, dx, dy) of the places to try, nearest first."""
    for radius in _RADII:
        for angle in _ANGLES if radius > _RADII[0] else _ANGLES[:8]:
            dx = radius * math.cos(math.radians(angle))
            dy = radius * math.sin(math.radians(angle))
            yield radius, dx, dy


def _place_free(
    ax: Axes,
    renderer: RendererBase,
    label: Label,
    frame: Bbox,
    occupied: Sequence[Bbox],
    halo: list[Any],
) -> tuple[Bbox, float] | None:
    """Annotate ``label`` at the first place inside ``frame`` that overlaps nothing."""
    for radius, dx, dy in _offsets():
        text = _annotate(ax, label, dx, dy, halo)
        box = text.get_window_extent(renderer).expanded(1.08, 1.15)
        inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
        if inside and not _overlaps(box, occupied):
            return box, radius
        text.remove()
    return None


def _annotate(ax: Axes, label: Label, dx: float, dy: float, halo: list[Any]) -> Annotation:
    ha = "left" if dx > 0.5 else "right" if dx < -0.5 else "center"
    va = "bottom" if dy > 0.5 else "top" if dy < -0.5 else "center"
    return ax.annotate(
        label.text,
        (label.x, label.y),
        xytext=(dx, dy),
        textcoords="offset points",
        ha=ha,
        va=va,
        fontsize=label.size,
        fontweight=label.weight,
        color=label.colour,
        path_effects=halo,
        zorder=9,
        annotation_clip=False,
    )


def _place_anyway(
    ax: Axes, renderer: RendererBase, label: Label, halo: list[Any]
) -> tuple[Bbox, float]:
    """Annotate ``label`` above its point, overlapping or not."""
    text = ax.annotate(
        label.text,
        (label.x, label.y),
        xytext=(0, _RADII[-1]),
        textcoords="offset points",
        ha="center",
        fontsize=label.size,
        color=label.colour,
        path_effects=halo,
        zorder=9,
    )
    return text.get_window_extent(renderer), _RADII[-1]


def _leader(ax: Axes, label: Label, box: Bbox) -> None:
    from matplotlib.patches import FancyArrowPatch

    target = ax.transData.transform((label.x, label.y))
    centre = ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)
    leader = FancyArrowPatch(
        posA=centre,
        posB=tuple(target),
        transform=None,
        arrowstyle="-",
        shrinkA=4.0,
        shrinkB=2.0,
        linewidth=0.5,
        color="#666666",
        zorder=8,
    )
    ax.add_artist(leader)


def _overlaps(box: Bbox, boxes: Sequence[Bbox]) -> bool:
    return any(box.overlaps(other) for other in boxes)


def _px_per_pt(renderer: RendererBase) -> float:
    return float(renderer.points_to_pixels(1.0))  # type: ignore[arg-type]


def _point_boxes(ax: Axes, renderer: RendererBase, xy: np.ndarray, size_pt: float) -> list[Bbox]:
    from matplotlib.transforms import Bbox

    half = size_pt * _px_per_pt(renderer) / 2
    out = []
    for x, y in ax.transData.transform(xy):
        out.append(Bbox([[x - half, y - half], [x + half, y + half]]))
    return out


#: Area of a mine's star on the figure, in points squared.
STAR_SIZE = 70.0


def draw_mines(ax: Axes, mines: gpd.GeoDataFrame, fills: Sequence[str] | None = None) -> None:
    """Draw each mine as a star marked by its precision, as the web map does.

    A filled star where the point marks the orebody or the mine site, a half-filled star for
    a town's point, a hollow star for a county's stand-in (:data:`goldmap.styles.MINE_MARKS`);
    ``fills`` colours each star by a category instead of gold.
    """
    from matplotlib.markers import MarkerStyle

    xy = np.column_stack([mines.geometry.x, mines.geometry.y])
    marks = np.array([mine_mark(p) or "hollow" for p in mines["location_precision"]])
    gold = fills is None
    colours = np.array(fills if fills is not None else [COLOURS["key_mines"]] * len(mines))
    for mark in ("filled", "half", "hollow"):
        at = marks == mark
        if not at.any():
            continue
        points = {"x": xy[at, 0], "y": xy[at, 1], "s": STAR_SIZE, "zorder": 7, "marker": "*"}
        if mark == "filled":
            ax.scatter(**points, color=list(colours[at]), edgecolor="black", linewidth=0.5,
                       label="mines_filled")  # fmt: skip
            continue
        ax.scatter(**points, facecolor="white", edgecolor="none", label=f"mines_{mark}_ground")
        if mark == "half":
            points["marker"] = MarkerStyle("*", fillstyle="left")
            ax.scatter(**points, color=list(colours[at]), edgecolor="none",
                       label="mines_half_fill")  # fmt: skip
            points["marker"] = "*"
        edges = [STAND_IN_STROKE] * int(at.sum()) if gold else list(colours[at])
        ax.scatter(**points, facecolor="none", edgecolor=edges, linewidth=1.0,
                   label=f"mines_{mark}")  # fmt: skip


def mine_labels(
    ax: Axes,
    renderer: RendererBase,
    mines: gpd.GeoDataFrame,
    occupied: list[Bbox],
    *,
    fills: Sequence[str] | None = None,
) -> list[Label]:
    """Draw the mines; label each with its number, or a close cluster with one range (1-11).

    ``fills`` colours each mine by a category (status, owner group), in the mines' order.
    """
    xy = np.column_stack([mines.geometry.x, mines.geometry.y])
    draw_mines(ax, mines, fills)
    occupied += _point_boxes(ax, renderer, xy, 5.0)
    numbers = mine_numbers()
    numbered = [numbers[str(i)] for i in mines["id"]]
    clusters = _clusters(ax.transData.transform(xy), numbered, _CLUSTER_PT * _px_per_pt(renderer))
    labels = []
    for cluster in clusters:
        x, y = xy[cluster].mean(axis=0)
        text = _ranges(sorted(numbered[i] for i in cluster))
        labels.append(Label(x, y, text, required=True, size=7, weight="bold", colour="#5a3d00"))
    return labels


def _clusters(screen: np.ndarray, numbers: list[int], near: float) -> list[list[int]]:
    """Group points, by number, with the first cluster whose centre is closer than ``near``."""
    clusters: list[list[int]] = []
    for i in np.argsort(numbers, kind="stable"):
        for cluster in clusters:
            if np.hypot(*(screen[cluster].mean(axis=0) - screen[i])) < near:
                cluster.append(int(i))
                break
        else:
            clusters.append([int(i)])
    return clusters


def _ranges(numbers: list[int]) -> str:
    """Write sorted numbers compactly: [1, 2, 3, 5] -> '1-3, 5' (with an en dash)."""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)


def city_labels(
    ax: Axes, renderer: RendererBase, lang: str, whole_china: bool, occupied: list[Bbox]
) -> list[Label]:
    """Draw the cities in view; return their labels, prefecture seats only when zoomed in."""
    cities = projected("cities")
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    cities = cities[cities.geometry.x.between(x0, x1) & cities.geometry.y.between(y0, y1)]
    rank = cities["rank"]
    seats = cities[rank == "prefecture"]
    capitals = cities[rank == "provincial_capital"]
    capital = cities[rank == "capital"]
    ax.scatter(seats.geometry.x, seats.geometry.y, s=2.5, color=COLOURS["city"], zorder=6)
    ax.scatter(
        capitals.geometry.x,
        capitals.geometry.y,
        s=14,
        marker="s",
        facecolor="white",
        edgecolor=COLOURS["city"],
        linewidth=0.8,
        zorder=6,
    )
    ax.scatter(capital.geometry.x, capital.geometry.y, s=70, marker="*", color="#c00000", zorder=6)
    for frame, size in ((capital, 9.0), (capitals, 4.0), (seats, 1.6)):
        occupied += _point_boxes(
            ax, renderer, np.column_stack([frame.geometry.x, frame.geometry.y]), size
        )
    named = [capital, capitals] if whole_china else [capital, capitals, seats]
    column = "name_zh" if lang == "zh" else "name_en"
    labels = []
    for frame, size in zip(named, (8.5, 7.0, 6.0), strict=False):
        ordered = frame.sort_values("population", ascending=False, kind="stable")
        labels += [
            Label(g.x, g.y, str(name), required=False, size=size)
            for g, name in zip(ordered.geometry, ordered[column], strict=True)
        ]
    return labels


def area_labels(
    layers: Sequence[str],
    view: shapely.Geometry,
    *,
    frames: Mapping[str, gpd.GeoDataFrame] | None = None,
) -> list[Label]:
    """Return a code label (E1, D3) for each area of ``layers`` seen in ``view``.

    ``frames`` gives the areas drawn (filtered) by layer; default the packaged layers.
    """
    codes = area_codes()
    labels = []
    for layer in AREA_LAYERS:
        if layer not in layers:
            continue
        areas = projected(layer) if frames is None else frames[layer]
        for area_id, geometry in zip(areas["id"], areas.geometry, strict=True):
            visible = geometry.intersection(view)
            if visible.is_empty:
                continue
            point = visible.representative_point()
            labels.append(
                Label(
                    point.x,
                    point.y,
                    codes[str(area_id)],
                    required=True,
                    size=8,
                    weight="bold",
                    colour=COLOURS[layer],
                )
            )
    return labels
