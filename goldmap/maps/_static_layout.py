"""Lay out a figure's furniture: frame, scale bar, north arrow, legend, lists under the map."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import shapely

from goldmap.maps._static_data import (
    AREA_LAYERS,
    COLOURS,
    area_codes,
    mine_numbers,
    projected,
)
from goldmap.styles import STAND_IN_STROKE
from goldmap.text import tr

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from goldmap.maps._mine_colors import Category

__all__ = [
    "FURNITURE_ZORDER",
    "ROW_IN",
    "area_rows",
    "columns",
    "frame",
    "is_furniture",
    "legend",
    "mine_rows",
    "north_arrow",
    "scale_bar",
]

#: Height of one row of a list under the map, in inches.
ROW_IN = 0.16

#: The z-order of the scale bar and north arrow; labels keep clear of what sits there.
FURNITURE_ZORDER = 10


def frame(ax: Axes, box: tuple[float, float, float, float]) -> None:
    """Show exactly ``box`` (x0, y0, x1, y1) on ``ax``, true to scale, with no ticks."""
    ax.set_xlim(box[0], box[2])
    ax.set_ylim(box[1], box[3])
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")


def _nice_length(span_m: float) -> float:
    target = span_m / 5
    for km in (10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if km * 1000 >= target:
            return km * 1000.0
    return 1_000_000.0


def scale_bar(ax: Axes, lang: str, size: float) -> None:
    """Draw a four-part scale bar in kilometres at the bottom of ``ax``."""
    from matplotlib.patches import Rectangle

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length(x1 - x0)
    left = x0 + 0.30 * (x1 - x0)
    bottom = y0 + 0.035 * (y1 - y0)
    height = 0.008 * (y1 - y0)
    for i in range(4):
        ax.add_patch(
            Rectangle(
                (left + i * length / 4, bottom),
                length / 4,
                height,
                facecolor="black" if i % 2 == 0 else "white",
                edgecolor="black",
                linewidth=0.6,
                zorder=FURNITURE_ZORDER,
            )
        )
    for value in (0, length / 2, length):
        label = f"{value / 1000:g}"
        if value == length:
            label += f" {tr('km', lang)}"
        ax.text(
            left + value,
            bottom + height * 1.6,
            label,
            ha="center",
            va="bottom",
            fontsize=size,
            zorder=FURNITURE_ZORDER,
        )


def north_arrow(ax: Axes, lang: str, size: float) -> None:
    """Draw a north arrow in the top left corner of ``ax``."""
    ax.annotate(
        tr("north", lang),
        xy=(0.045, 0.955),
        xytext=(0.045, 0.865),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=size,
        fontweight="bold",
        arrowprops={"arrowstyle": "-|>,head_width=0.5,head_length=1.0", "color": "black"},
        zorder=FURNITURE_ZORDER,
    )


def legend(
    ax: Axes,
    lang: str,
    layers: Sequence[str],
    size: float,
    *,
    categories: Sequence[Category] = (),
    color_title: str = "",
    extra: Sequence[Any] = (),
) -> None:
    """Draw the legend of what ``layers`` put on the map, plus lakes and provinces.

    ``categories`` are the colours of the mines (status, owner group) under ``color_title``;
    ``extra`` are more handles (a statistic's classes, the user's features) put first.
    """
    handles = [*extra, *_area_handles(lang, layers)]
    if "key_mines" in layers:
        handles += _mine_handles(lang, coloured=bool(categories))
        if categories:
            handles += _category_handles(categories, color_title, lang)
    if "cities" in layers:
        handles += _city_handles(lang)
    handles += _context_handles(lang, rivers="rivers" in layers)
    drawn = ax.legend(
        handles=handles,
        loc="lower left",
        fontsize=size,
        frameon=True,
        framealpha=0.92,
        borderpad=0.6,
        handlelength=1.6,
    )
    drawn.set_zorder(11)


def _area_handles(lang: str, layers: Sequence[str]) -> list[Any]:
    from matplotlib.patches import Patch

    handles: list[Any] = []
    for layer in AREA_LAYERS:
        if layer in layers:
            colour = COLOURS[layer]
            handles.append(
                Patch(
                    facecolor=colour,
                    alpha=0.45,
                    edgecolor=colour,
                    label=tr(f"legend_{layer}", lang),
                )
            )
    return handles


#: The legend key of each precision mark: Line2D fill style and face colour.
_MARK_KEYS: dict[str, tuple[Literal["full", "left"], str | None]] = {
    "filled": ("full", None),
    "half": ("left", "white"),
    "hollow": ("full", "white"),
}


def _mine_handles(lang: str, *, coloured: bool = False) -> list[Any]:
    """Return the keys of the three precision marks (filled, half, hollow) and a county's hatch.

    With ``coloured``, the marks are grey: the colours are the categories' keys.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    colour = "#9e9e9e" if coloured else COLOURS["key_mines"]
    handles: list[Any] = []
    for mark, (fillstyle, face) in _MARK_KEYS.items():
        handles.append(
            Line2D(
                [],
                [],
                marker="*",
                linestyle="",
                markersize=9,
                fillstyle=fillstyle,
                markerfacecolor=face or colour,
                markerfacecoloralt="white",
                markeredgecolor="black" if mark == "filled" else STAND_IN_STROKE,
                markeredgewidth=0.5 if mark == "filled" else 0.9,
                label=tr(f"mark_{mark}", lang),
            )
        )
    county = Patch(
        facecolor="none", edgecolor=COLOURS["key_mines"], hatch="////", linestyle="--",
        label=tr("figure_stand_in_county", lang),
    )  # fmt: skip
    return [*handles, county]


def _category_handles(categories: Sequence[Category], title: str, lang: str) -> list[Any]:
    """Return a heading and one star per category, labelled "status: producing" and so on."""
    from matplotlib.lines import Line2D

    sep = "：" if lang == "zh" else ": "
    head = title.split(sep)[0].split("：")[0]
    return [
        Line2D(
            [],
            [],
            marker="*",
            linestyle="",
            markerfacecolor=c.color,
            markeredgecolor="black",
            markeredgewidth=0.5,
            markersize=9,
            label=f"{head}{sep}{c.label(lang)}",
        )
        for c in categories
    ]


def _city_handles(lang: str) -> list[Any]:
    from matplotlib.lines import Line2D

    capital = Line2D(
        [], [], marker="*", linestyle="", color="#c00000", markersize=9, label=tr("capital", lang)
    )
    provincial = Line2D(
        [],
        [],
        marker="s",
        linestyle="",
        markerfacecolor="white",
        markeredgecolor=COLOURS["city"],
        markersize=5,
        label=tr("provincial_capital", lang),
    )
    prefecture = Line2D(
        [], [], marker="o", linestyle="", color=COLOURS["city"], markersize=2.5,
        label=tr("prefecture", lang),
    )  # fmt: skip
    return [capital, provincial, prefecture]


def _context_handles(lang: str, *, rivers: bool) -> list[Any]:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = []
    if rivers:
        handles.append(
            Line2D([], [], color=COLOURS["river"], linewidth=1.2, label=tr("river", lang))
        )
    handles.append(
        Patch(facecolor=COLOURS["lake"], edgecolor=COLOURS["river"], label=tr("lake", lang))
    )
    handles.append(
        Patch(
            facecolor=COLOURS["china"],
            edgecolor=COLOURS["province_edge"],
            label=tr("province_boundary", lang),
        )
    )
    return handles


def is_furniture(artist: Any) -> bool:
    """Tell whether ``artist`` is map furniture (legend, text, scale bar) labels must avoid."""
    from matplotlib.legend import Legend
    from matplotlib.patches import Rectangle
    from matplotlib.text import Annotation, Text

    if isinstance(artist, Legend | Annotation):
        return True
    if isinstance(artist, Text):
        return bool(artist.get_text())
    return isinstance(artist, Rectangle) and artist.get_zorder() == FURNITURE_ZORDER


def mine_rows(lang: str, mines: gpd.GeoDataFrame) -> list[str]:
    """Return the list under the map of ``mines``, one "number  name (province)" per row.

    A mine with no point (known only to its province) is listed as such; it is not drawn.
    """
    numbers = mine_numbers()
    provinces = projected("provinces")
    short = dict(zip(provinces["adcode"].astype(int), provinces["name_zh_short"], strict=True))
    rows = []
    for mine, unknown in zip(mines.itertuples(), mines.geometry.isna(), strict=True):
        if lang == "zh":
            province = short.get(int(mine.province_adcode), str(mine.province_zh))
            where = f"{province}，{tr('not_drawn', lang)}" if unknown else province
            rows.append((numbers[str(mine.id)], f"{mine.name_zh}（{where}）"))
        else:
            where = f"{mine.province_en}, {tr('not_drawn', lang)}" if unknown else ""
            rows.append((numbers[str(mine.id)], f"{mine.name_en} ({where or mine.province_en})"))
    return [f"{n:>2}  {name}" for n, name in sorted(rows)]


def area_rows(
    lang: str,
    layers: Sequence[str],
    view: shapely.Geometry,
    *,
    frames: Mapping[str, gpd.GeoDataFrame] | None = None,
) -> list[str]:
    """Return the list under the map of the areas of ``layers`` in ``view``, code and name.

    ``frames`` gives the areas drawn (filtered) by layer; default the packaged layers.
    """
    codes = area_codes()
    rows = []
    for layer in AREA_LAYERS:
        if layer in layers:
            areas = projected(layer) if frames is None else frames[layer]
            areas = areas[areas.intersects(view)]
            names = areas[f"name_{lang}"]
            rows += [f"{codes[str(i)]}  {n}" for i, n in zip(areas["id"], names, strict=True)]
    return rows


def columns(
    fig: Figure, heading: str, rows: list[str], cols: int, top: float, height: float
) -> None:
    """Write a list under the map in ``cols`` columns from ``top`` (figure fraction) down."""
    per_col = math.ceil(len(rows) / cols)
    fig.text(0.01, top - 0.05 / height, heading, fontsize=8, fontweight="bold", va="top")
    for i, row_text in enumerate(rows):
        col, row = divmod(i, per_col)
        fig.text(
            0.01 + col * (0.98 / cols),
            top - (0.22 + ROW_IN * row) / height,
            row_text,
            fontsize=7,
            va="top",
        )
