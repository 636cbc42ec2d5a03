"""Draw the South China Sea islands (南海诸岛) inset that every figure of all China carries."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import geopandas as gpd
import shapely

from goldmap.crs import EQUAL_AREA_CRS, WGS84
from goldmap.maps._static_data import COLOURS, project_box, projected
from goldmap.maps._static_layout import frame
from goldmap.text import tr

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["INSET_LABEL", "draw_inset", "y_at"]

#: Label of the South China Sea islands inset axes (find it with ``fig.axes``).
INSET_LABEL = "south_china_sea_inset"

# What the inset shows: the sea south of Hainan down to the Nansha islands.
_INSET_LONLAT = (106.0, 2.5, 123.5, 24.5)


def draw_inset(ax: Axes, lang: str, size: float) -> None:
    """Add the inset in the lower right corner of the map ``ax``, its name in ``lang``."""
    box = ax.get_position()
    inset = ax.figure.add_axes(
        (box.x0 + 0.835 * box.width, box.y0, 0.165 * box.width, 0.33 * box.height),
        label=INSET_LABEL,
    )
    x0, y0, x1, y1 = project_box(_INSET_LONLAT)
    inset.set_facecolor(COLOURS["sea"])
    projected("land").plot(ax=inset, color=COLOURS["land"], linewidth=0, zorder=1)
    provinces = projected("provinces")
    provinces.plot(ax=inset, color=COLOURS["china"], edgecolor="#777777", linewidth=0.3, zorder=2)
    # The islands are too small to see at this scale: a dot marks each.
    islands = provinces[provinces["name_zh"].str.startswith("海南")].geometry.explode()
    south = islands[islands.centroid.y < y_at(17.5)]
    inset.scatter(south.centroid.x, south.centroid.y, s=0.15, color="#555555", zorder=3)
    projected("nine_dash_line").plot(ax=inset, color=COLOURS["nine_dash"], linewidth=0.9, zorder=3)
    frame(inset, (x0, y0, x1, y1))
    for spine in inset.spines.values():
        spine.set_linewidth(0.8)
    inset.text(
        0.5,
        0.04,
        tr("south_china_sea_islands", lang),
        transform=inset.transAxes,
        ha="center",
        va="bottom",
        fontsize=size,
        zorder=5,
    )


@functools.cache
def y_at(lat: float) -> float:
    """Return the figure's projected y of latitude ``lat`` (on the meridian 110°E)."""
    point = gpd.GeoSeries([shapely.Point(110.0, lat)], crs=WGS84).to_crs(EQUAL_AREA_CRS)
    return float(point.y.iloc[0])
