"""Draw static maps of the plan for reports: PNG, PDF or SVG with matplotlib, no browser.

A figure carries what a printed map needs: the plan areas and key mines over province outlines,
context that needs no internet (prefecture seats, major rivers and lakes, neighbouring land), a
scale bar, a north arrow, a legend, the data version and sources line, and, on every figure of
all China, the South China Sea islands (南海诸岛) inset. Chinese text is set in a CJK font that
ships on PyPI (``pip install "goldmap[figure]"``) or comes with the system.

Plumbing: ``_fonts`` (the CJK font), ``_static_data`` (layers in the figure's projection, words,
colours), ``_static_layout`` (frame, scale bar, north arrow, legend, lists under the map),
``_static_labels`` (labels that do not overlap), ``_static_inset`` (the South China Sea inset).
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shapely

from goldmap.catalog import find_area
from goldmap.citation import data_version
from goldmap.crs import EQUAL_AREA_CRS
from goldmap.errors import ExportError, MissingDependencyError
from goldmap.io._files import staged_output
from goldmap.maps._fonts import font_context, font_family, font_family_of
from goldmap.maps._layer_rows import filter_mask
from goldmap.maps._mine_colors import COLOR_BY, Category, mine_categories
from goldmap.maps._static_content import (
    OTHER_LAYERS,
    choropleth_handles,
    draw_choropleth,
    draw_features,
    draw_other_layers,
    feature_handles,
    other_handles,
)
from goldmap.maps._static_data import (
    AREA_LAYERS,
    COLOURS,
    find_province,
    project_box,
    projected,
    sources_line,
)
from goldmap.maps._static_inset import INSET_LABEL, draw_inset
from goldmap.maps._static_labels import area_labels, city_labels, mine_labels, place_labels
from goldmap.maps._static_layout import (
    ROW_IN,
    area_rows,
    columns,
    frame,
    is_furniture,
    legend,
    mine_rows,
    north_arrow,
    scale_bar,
)
from goldmap.styles import style_for
from goldmap.text import check_lang, tr

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure

    from goldmap.maps.choropleth import Choropleth

__all__ = [
    "COLOR_BY",
    "DEFAULT_FIGURE_LAYERS",
    "FIGURE_FORMATS",
    "FIGURE_LAYERS",
    "INSET_LABEL",
    "figure",
    "save_figure",
]

logger = logging.getLogger(__name__)

#: Output formats :func:`save_figure` writes, by file extension.
FIGURE_FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg"}

#: Layers a figure can draw.
FIGURE_LAYERS = (
    "consolidation_provinces",
    "copper_bases",
    "exploration_areas",
    "development_areas",
    "area_deposits",
    "key_mines",
    "cities",
    "rivers",
)
#: Layers a figure draws by default: the plan areas, the key mines, the context.
DEFAULT_FIGURE_LAYERS = ("exploration_areas", "development_areas", "key_mines", "cities", "rivers")

_WIDTH_IN = 10.0
_DEFAULT_DPI = 200  # 10 in x 200 dpi = 2000 px
_TOP_IN, _BOTTOM_IN = 0.55, 0.3  # the title above the map, the sources line at the foot

# The main map of all China: the mainland and Hainan; the islands further south go to the inset.
_CHINA_LONLAT = (73.0, 17.0, 135.5, 54.0)

_Box = tuple[float, float, float, float]
_List = tuple[str, list[str], int]  # heading, rows, columns


@dataclass(frozen=True)
class _View:
    """What a figure shows: its heading, its frame (x0, y0, x1, y1) and the province in focus."""

    heading: str
    box: _Box
    focus: gpd.GeoDataFrame | None
    whole_china: bool


@dataclass
class _Content:
    """What is drawn on a figure's map: the areas and mines kept, their colours, the extras."""

    areas: dict[str, gpd.GeoDataFrame]
    others: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    mines: gpd.GeoDataFrame | None = None
    fills: dict[str, str] | None = None  # a mine's colour by its id, when coloured
    categories: list[Category] = field(default_factory=list)
    color_title: str = ""
    choropleth: Choropleth | None = None
    features: gpd.GeoDataFrame | None = None


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


def _check(
    area: str | None, province: str | None, lang: str, layers: Sequence[str] | None, dpi: int
) -> list[str]:
    check_lang(lang)
    if area is not None and province is not None:
        raise ExportError(
            f"Give area={area!r} or province={province!r}, not both: a figure shows one of them "
            "(or all China when neither is given)."
        )
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 50 <= dpi <= 1200:
        raise ExportError(f"dpi={dpi!r} is not a whole number from 50 to 1200; try dpi=200.")
    chosen = list(DEFAULT_FIGURE_LAYERS if layers is None else layers)
    unknown = [name for name in chosen if name not in FIGURE_LAYERS]
    if unknown:
        raise ExportError(
            f"Cannot draw layer(s) {unknown!r} in a figure; choose from {list(FIGURE_LAYERS)}."
        )
    return chosen


def figure(  # noqa: PLR0913 (what a view holds: frame, layers, filters, colours, uploads)
    *,
    area: str | None = None,
    province: str | None = None,
    lang: str = "zh",
    layers: Sequence[str] | None = None,
    dpi: int = _DEFAULT_DPI,
    title: str | None = None,
    color_by: str | None = None,
    provinces: Iterable[Any] | None = None,
    commodities: Iterable[str] | None = None,
    company: str | Iterable[str] | None = None,
    mines: gpd.GeoDataFrame | None = None,
    features: gpd.GeoDataFrame | None = None,
    choropleth: Choropleth | None = None,
) -> Figure:
    """Draw a static map of the plan, of all China, one plan area or one province.

    Parameters
    ----------
    area : str, optional
        One exploration or development area, by its ``id`` or name (e.g.
        ``"dev-shandong-laizhou-zhaoyuan"`` or ``"山东莱州-招远"``): the figure shows it and
        its surroundings.
    province : str, optional
        A province in any spelling :func:`goldmap.resolve_province` accepts (``"山东"``,
        ``"Shandong"``, ``370000``). Not together with ``area``.
    lang : {"zh", "en"}, default "zh"
        Language of names, legend and notes. ``"zh"`` needs a CJK font (see Raises).
    layers : sequence of str, optional
        What to draw from :data:`FIGURE_LAYERS`; default :data:`DEFAULT_FIGURE_LAYERS` (the
        plan areas, the key mines, cities and rivers). Provinces, lakes and neighbouring
        land are always drawn.
    dpi : int, default 200
        Resolution of the figure; it is 10 inches wide, so 200 dpi gives a 2000 px PNG.
    title : str, optional
        Replaces the default title.
    color_by : {"status", "owner"}, optional
        Colour the key mines by their status in the dossier (producing, under construction,
        development, exploration, unknown) or by owner group (the listed company, else the
        ultimate parent), with one legend entry each, as the web map does; default gold.
    provinces, commodities : iterable, optional
        Draw only the areas and mines in these provinces / with these commodities (see
        :func:`goldmap.filter_layer`); with neither ``area`` nor ``province``, the figure
        is framed on ``provinces``.
    company : str or iterable of str, optional
        Draw only the key mines of this company (name or ticker).
    mines : geopandas.GeoDataFrame, optional
        The key mines to draw, e.g. ``goldmap.load("key_mines", corrections=...)``; default
        the packaged layer.
    features : geopandas.GeoDataFrame, optional
        Features of your own (e.g. :func:`goldmap.locate`'s answer) drawn over the plan,
        with a legend entry.
    choropleth : Choropleth, optional
        A provincial statistic to colour the provinces by, classified as the web map does
        (:func:`goldmap.maps.choropleth.classify`), with its classes in the legend.

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
    OptionError
        When ``lang`` is not "zh" or "en".
    ExportError
        When ``dpi``, ``layers`` or ``color_by`` is not allowed, or both ``area`` and
        ``province`` are given.
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
    if color_by is not None and color_by not in COLOR_BY:
        raise ExportError(f"color_by={color_by!r} is not allowed; choose from {list(COLOR_BY)}.")
    _matplotlib()
    family = font_family(lang)
    kept = None if provinces is None else list(provinces)
    view = _view(area, province, lang, kept)
    if company is not None and title is None:
        chosen_company = company if isinstance(company, str) else "、".join(map(str, company))
        title = f"{view.heading} · {chosen_company}"
    filters = {"provinces": kept, "commodities": commodities}
    content = _Content(
        {n: _filtered(projected(n), **filters) for n in AREA_LAYERS if n in chosen},
        others={n: _filtered(projected(n), **filters) for n in OTHER_LAYERS if n in chosen},
        choropleth=choropleth,
        features=None if features is None else features.to_crs(EQUAL_AREA_CRS),
    )
    if "key_mines" in chosen:
        drawn = projected("key_mines") if mines is None else mines.to_crs(EQUAL_AREA_CRS)
        content.mines = _mines_in(view.box, _filtered(drawn, **filters, company=company))
        if color_by is not None:
            records = content.mines.drop(columns=content.mines.geometry.name).to_dict("records")
            keys, content.categories = mine_categories(records, color_by)
            colours = {c.key: c.color for c in content.categories}
            ids = content.mines["id"].astype(str)
            content.fills = {i: colours[k] for i, k in zip(ids, keys, strict=True)}
            content.color_title = tr(f"color_by_{color_by}", lang)
    lists = _lists(lang, chosen, shapely.box(*view.box), content)
    with font_context(family):
        return _draw(view, chosen, content, lists, lang=lang, dpi=dpi, title=title)


def _filtered(
    frame: gpd.GeoDataFrame,
    *,
    provinces: Iterable[Any] | None = None,
    commodities: Iterable[str] | None = None,
    company: str | Iterable[str] | None = None,
) -> gpd.GeoDataFrame:
    """Return the rows of ``frame`` the filters keep (the web map's filter)."""
    if provinces is None and commodities is None and company is None:
        return frame
    return frame[filter_mask(frame, provinces=provinces, commodities=commodities, company=company)]


def _view(
    area: str | None, province: str | None, lang: str, provinces: list[Any] | None = None
) -> _View:
    """Return what the figure of ``area``, ``province``, ``provinces`` or all China shows."""
    if area is not None:
        focus_area = find_area(area).to_crs(EQUAL_AREA_CRS)
        heading = str(focus_area.iloc[0][f"name_{lang}"])
        return _View(heading, _padded(focus_area.total_bounds), None, whole_china=False)
    if province is not None:
        focus = find_province(province)
        heading = str(focus.iloc[0]["name_zh" if lang == "zh" else "name_en"])
        return _View(heading, _padded(focus.total_bounds), focus, whole_china=False)
    if provinces:
        import pandas as pd

        focus = pd.concat([find_province(str(p)) for p in provinces])
        column = "name_zh" if lang == "zh" else "name_en"
        heading = ("、" if lang == "zh" else ", ").join(map(str, focus[column]))
        return _View(heading, _padded(focus.total_bounds), focus, whole_china=False)
    return _View(tr("figure_title", lang), project_box(_CHINA_LONLAT), None, whole_china=True)


def _padded(bounds: Sequence[float]) -> _Box:
    """Pad ``bounds`` (x0, y0, x1, y1) and widen them to a landscape-ish frame."""
    x0, y0, x1, y1 = bounds
    pad = 0.12 * max(x1 - x0, y1 - y0) + 20_000
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w = max(x1 - x0, (y1 - y0) * 1.25) / 2
    half_h = max(y1 - y0, (x1 - x0) / 1.6) / 2
    return cx - half_w, cy - half_h, cx + half_w, cy + half_h


def _mines_in(box: _Box, mines: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the mines in view, and those known only to a province in view (listed only)."""
    x0, y0, x1, y1 = box
    placed = mines.geometry.notna() & ~mines.geometry.is_empty
    in_view = placed & mines.geometry.x.between(x0, x1) & mines.geometry.y.between(y0, y1)
    provinces = projected("provinces")
    shown = provinces.loc[provinces.intersects(shapely.box(*box)), "adcode"].astype(int)
    unplaced = ~placed & mines["province_adcode"].astype(int).isin(set(shown))
    return mines[in_view | unplaced]


def _lists(
    lang: str, chosen: Sequence[str], view: shapely.Geometry, content: _Content
) -> list[_List]:
    """Return the lists under the map that have rows: the areas in view, the mines in view."""
    area_list = area_rows(lang, chosen, view, frames=content.areas)
    mine_list = mine_rows(lang, content.mines) if content.mines is not None else []
    lists = [
        (tr("key_areas", lang), area_list, 3 if lang == "zh" else 2),
        (tr("key_mines", lang), mine_list, 4),
    ]
    return [(head, rows, cols) for head, rows, cols in lists if rows]


def _draw(
    view: _View,
    chosen: Sequence[str],
    content: _Content,
    lists: list[_List],
    *,
    lang: str,
    dpi: int,
    title: str | None,
) -> Figure:
    """Draw the figure: the map and its furniture, then the labels, then the lists under it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    x0, y0, x1, y1 = view.box
    map_h = _WIDTH_IN * (y1 - y0) / (x1 - x0)
    list_h = [0.3 + ROW_IN * math.ceil(len(rows) / cols) for _, rows, cols in lists]
    below = sum(list_h) + _BOTTOM_IN  # the lists and the sources line
    height = _TOP_IN + map_h + sum(list_h) + _BOTTOM_IN
    fig = _figure_class()(figsize=(_WIDTH_IN, height), dpi=dpi)
    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    ax = fig.add_axes((0.0, below / height, 1.0, map_h / height))
    ax.set_label("map")
    _draw_map(ax, view, chosen, content)
    fig.text(0.5, 1 - 0.3 / height, title or view.heading, ha="center", va="center", fontsize=13)
    north_arrow(ax, lang, 11)
    scale_bar(ax, lang, 7.5)
    extra = []
    if content.choropleth is not None:
        extra += choropleth_handles(content.choropleth, lang)
    extra += other_handles(content.others, lang)
    if content.features is not None and len(content.features):
        extra += feature_handles(content.features, lang)
    # The legend keys what is drawn: an area layer the filters emptied has no key.
    keyed = [n for n in chosen if n not in content.areas or len(content.areas[n])]
    legend(
        ax, lang, keyed, 7.5, categories=content.categories, color_title=content.color_title,
        extra=extra,
    )  # fmt: skip
    if view.whole_china:
        draw_inset(ax, lang, 7)
    fig.canvas.draw()  # lay out legend and inset, so that labels can avoid them
    _label_map(ax, renderer, view, chosen, content, lang)
    top = below
    for (head, rows, cols), h in zip(lists, list_h, strict=True):
        columns(fig, head, rows, cols, top / height, height)
        top -= h
    fig.text(0.01, 0.1 / height, sources_line(lang), fontsize=6, color="#555555", va="bottom")
    return fig


def _draw_map(ax: Axes, view: _View, chosen: Sequence[str], content: _Content) -> None:
    """Draw the layers of the map and frame it."""
    lw = 1.0 if view.whole_china else 1.6
    statistic = content.choropleth
    # A statistic colours the provinces: the province in focus keeps its colour (outlined).
    _draw_base(ax, focus=view.focus, lw=lw, detailed=not view.whole_china, plain=statistic is None)
    if statistic is not None:
        draw_choropleth(ax, statistic, lw)
    if "rivers" in chosen:
        _draw_rivers(ax, lw)
    draw_other_layers(ax, content.others, lw)
    _draw_areas(ax, content.areas, lw)
    if content.features is not None and len(content.features):
        draw_features(ax, content.features)
    frame(ax, view.box)


def _label_map(
    ax: Axes,
    renderer: RendererBase,
    view: _View,
    chosen: Sequence[str],
    content: _Content,
    lang: str,
) -> None:
    """Draw the mines and cities and label them with the areas, clear of the furniture."""
    mines = content.mines
    occupied = [a.get_window_extent(renderer) for a in ax.get_children() if is_furniture(a)]
    occupied += [other.get_window_extent(renderer) for other in ax.figure.axes if other is not ax]
    placed = None if mines is None else mines[mines.geometry.notna() & ~mines.geometry.is_empty]
    if placed is not None:
        _shade_stand_in_counties(ax, placed)
    fills = None
    if placed is not None and content.fills is not None:
        fills = [content.fills[str(i)] for i in placed["id"]]
    labels = mine_labels(ax, renderer, placed, occupied, fills=fills) if placed is not None else []
    labels += area_labels(chosen, shapely.box(*view.box), frames=content.areas)
    if "cities" in chosen:
        labels += city_labels(ax, renderer, lang, view.whole_china, occupied)
    place_labels(ax, renderer, labels, occupied)


def _shade_stand_in_counties(ax: Axes, mines: gpd.GeoDataFrame) -> None:
    """Shade the county of each county stand-in: "the mine is somewhere in here", at a glance."""
    codes = {int(c) for c in mines.loc[mines["location_precision"] == "county", "county_adcode"]}
    if not codes:
        return
    counties = projected("counties")
    counties[counties["adcode"].astype(int).isin(codes)].plot(
        ax=ax,
        facecolor="none",
        edgecolor=COLOURS["key_mines"],
        hatch="////",
        linewidth=0.6,
        linestyle="--",
        zorder=4.5,
    )
    ax.set_xlabel("")  # geopandas names a projected CRS's axes; the figure shows none
    ax.set_ylabel("")


def _draw_base(
    ax: Axes, *, focus: gpd.GeoDataFrame | None, lw: float, detailed: bool, plain: bool = True
) -> None:
    ax.set_facecolor(COLOURS["sea"])
    land = projected("land")
    land.plot(ax=ax, color=COLOURS["land"], edgecolor="#c8c8c4", linewidth=0.3 * lw, zorder=1)
    provinces = projected("provinces", detailed=detailed)
    provinces.plot(
        ax=ax,
        color=COLOURS["china"],
        edgecolor=COLOURS["province_edge"],
        linewidth=0.45 * lw,
        zorder=2,
    )
    if focus is not None:
        face = COLOURS["focus"] if plain else "none"
        focus.plot(ax=ax, color=face, edgecolor="#555555", linewidth=0.9, zorder=2.1)
    projected("lakes").plot(
        ax=ax, color=COLOURS["lake"], edgecolor=COLOURS["river"], linewidth=0.2, zorder=3
    )


def _draw_rivers(ax: Axes, lw: float) -> None:
    projected("rivers").plot(ax=ax, color=COLOURS["river"], linewidth=0.55 * lw, zorder=3)


def _draw_areas(ax: Axes, frames: Mapping[str, gpd.GeoDataFrame], lw: float) -> None:
    for layer, areas in frames.items():
        if areas.empty:
            continue
        areas.plot(ax=ax, color=COLOURS[layer], alpha=0.28, linewidth=0, zorder=4)
        outline = style_for(layer).stroke
        areas.boundary.plot(ax=ax, color=outline, linewidth=0.9 * lw, zorder=4.1)


@functools.cache
def _figure_class() -> type[Figure]:
    """Return a Figure that a notebook shows as a PNG, with no pyplot or backend set up."""
    from matplotlib.figure import Figure

    class ReportFigure(Figure):
        def _repr_png_(self) -> bytes:
            import io

            buffer = io.BytesIO()
            with font_context(font_family_of(self)):
                self.savefig(buffer, format="png", dpi=min(self.dpi, 100))
            return buffer.getvalue()

    return ReportFigure


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
        When the extension is not one of :data:`FIGURE_FORMATS` or the folder is missing.
    OutputExistsError
        When ``path`` exists and ``overwrite`` is False (an :class:`ExportError`).

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
    metadata = {"Creator": f"goldmap data {data_version()}"} if fmt != "png" else None
    with staged_output(target, overwrite=overwrite) as stage, font_context(font_family_of(fig)):
        fig.savefig(stage, format=fmt, dpi=fig.dpi, metadata=metadata)
    logger.info("wrote %s", target)
    return target
