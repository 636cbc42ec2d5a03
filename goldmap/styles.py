"""Define each layer's colours and markers once, for the web map, the figure and the exports.

The web map (:mod:`goldmap.maps`), the static figure (:mod:`goldmap.maps.static`), the KML/KMZ
writer and the QGIS project writer all read :data:`LAYER_STYLES`, so a layer looks the same in
the browser, on paper, in Google Earth and in QGIS.

Examples
--------
>>> from goldmap.styles import LAYER_STYLES, style_for
>>> LAYER_STYLES["exploration_areas"].fill
'#f28e2b'
>>> style_for("my_prospects").stroke  # any other name gets the default style
'#3366cc'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CLASS_RAMP",
    "DEFAULT_STYLE",
    "LAND_COLOR",
    "LAYER_STYLES",
    "MINE_MARKS",
    "NO_DATA_COLOR",
    "OWNER_COLORS",
    "STAND_IN_STROKE",
    "STATUS_COLORS",
    "WATER_COLOR",
    "LayerStyle",
    "class_ramp",
    "hex_to_rgb",
    "kml_color",
    "mine_mark",
    "qgis_color",
    "style_for",
]


@dataclass(frozen=True)
class LayerStyle:
    r"""How one layer is drawn.

    Colours are ``#rrggbb`` hex strings; opacities are between 0 and 1.

    Attributes
    ----------
    fill : str
        Polygon fill colour.
    stroke : str
        Outline colour of polygons, and of point markers.
    weight : float
        Outline width in screen pixels (web map); exports convert it to their units.
    fill_opacity : float
        Polygon fill opacity; 0 draws the outline only.
    marker_color : str
        Fill colour of point markers.
    icon : str
        Font Awesome 4 icon name for web-map markers (``folium.Icon(icon=..., prefix="fa")``).
    folium_color : str
        The nearest colour of the named set that ``folium.Icon(color=...)`` accepts.
    marker_shape : str
        Symbol in the desktop exports: ``"star"``, ``"circle"``, ``"diamond"`` or ``"square"``.
    marker_size : float
        Marker size in millimetres (QGIS); the KML icon scale is derived from it.
    dash : str or None
        Outline dash pattern as a Leaflet ``dashArray`` (``"6 4"``); None for a solid line.
    hatch : str or None
        ``"/"`` or ``"\\"`` for a hatched-looking fill (diagonal lines in QGIS, a dashed
        outline with a light fill on the web map); None for a plain fill.
    """

    fill: str
    stroke: str
    weight: float = 2.0
    fill_opacity: float = 0.35
    marker_color: str = "#3366cc"
    icon: str = "circle"
    folium_color: str = "blue"
    marker_shape: str = "circle"
    marker_size: float = 3.0
    dash: str | None = None
    hatch: str | None = None


LAYER_STYLES: dict[str, LayerStyle] = {
    "key_mines": LayerStyle(
        fill="#d4a017",
        stroke="#5c4400",
        weight=1.0,
        fill_opacity=1.0,
        marker_color="#d4a017",
        icon="star",
        folium_color="orange",
        marker_shape="star",
        marker_size=5.0,
    ),
    "area_deposits": LayerStyle(
        fill="#8c6d31",
        stroke="#3d2f12",
        weight=1.0,
        fill_opacity=1.0,
        marker_color="#8c6d31",
        icon="circle",
        folium_color="beige",
        marker_shape="circle",
        marker_size=2.6,
    ),
    "exploration_areas": LayerStyle(
        fill="#f28e2b",
        stroke="#c45a00",
        weight=2.0,
        fill_opacity=0.35,
        marker_color="#f28e2b",
        icon="search",
        folium_color="orange",
    ),
    "development_areas": LayerStyle(
        fill="#e15759",
        stroke="#a61c1c",
        weight=2.0,
        fill_opacity=0.35,
        marker_color="#e15759",
        icon="industry",
        folium_color="red",
    ),
    "consolidation_provinces": LayerStyle(
        fill="#f6e3a1",
        stroke="#c9a227",
        weight=1.5,
        fill_opacity=0.25,
        marker_color="#c9a227",
        icon="object-group",
        folium_color="beige",
        dash="6 4",
        hatch="/",
    ),
    "copper_bases": LayerStyle(
        fill="#f3c9a8",
        stroke="#b87333",
        weight=1.5,
        fill_opacity=0.25,
        marker_color="#b87333",
        icon="cube",
        folium_color="lightred",
        dash="2 4",
        hatch="\\",
    ),
    "provinces": LayerStyle(
        fill="#f2f2f2",
        stroke="#9e9e9e",
        weight=1.0,
        fill_opacity=0.0,
        marker_color="#9e9e9e",
        icon="circle",
        folium_color="lightgray",
    ),
    "counties": LayerStyle(
        fill="#f7f7f7",
        stroke="#cfcfcf",
        weight=0.5,
        fill_opacity=0.0,
        marker_color="#cfcfcf",
        icon="circle",
        folium_color="lightgray",
    ),
}

# Context for maps with no basemap: thin, pale water; dark, small seats.
LAYER_STYLES.update(
    {
        "rivers": LayerStyle(fill="#7fb0d8", stroke="#7fb0d8", weight=1.0, fill_opacity=0.0),
        "lakes": LayerStyle(fill="#d4e6f3", stroke="#7fb0d8", weight=0.8, fill_opacity=1.0),
        "cities": LayerStyle(
            fill="#444444", stroke="#444444", weight=1.2, fill_opacity=1.0, marker_color="#444444"
        ),
    }
)

#: China's land where no basemap is drawn (web map) and on the figure.
LAND_COLOR = "#fbfaf6"
#: The sea around it, likewise.
WATER_COLOR = "#dfe8ee"

DEFAULT_STYLE = LayerStyle(fill="#6699cc", stroke="#3366cc")
"""Style of a layer that is not one of goldmap's (a user's own frame)."""

#: The classes of a choropleth, light to dark: ColorBrewer Purples, a ramp that no plan layer
#: uses (the areas are orange and red, the mines gold), so the areas stay visible over it.
CLASS_RAMP = ("#f2f0f7", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#4a1486")

#: A province with no value in a choropleth.
NO_DATA_COLOR = "#e0e0e0"


def class_ramp(k: int) -> list[str]:
    """Return ``k`` colours (1-7) spread over :data:`CLASS_RAMP`, light to dark.

    Parameters
    ----------
    k : int
        Number of classes.

    Returns
    -------
    list of str
        ``k`` ``#rrggbb`` colours; one class gets the ramp's middle.

    Examples
    --------
    >>> class_ramp(3)
    ['#dadaeb', '#9e9ac8', '#6a51a3']
    """
    if k == 1:
        return [CLASS_RAMP[3]]
    first, last = (1, 5) if k <= 5 else (0, 6)
    return [CLASS_RAMP[round(first + i * (last - first) / (k - 1))] for i in range(k)]


#: How a key mine is drawn, by its ``location_precision``: a filled star where the point marks
#: the orebody or the mine site, a half-filled star for a town's point, a hollow (dashed) star
#: for a county's stand-in point; a mine known only to its province is not drawn (None).
MINE_MARKS: dict[str, str | None] = {
    "deposit": "filled",
    "mine_site": "filled",
    "town": "half",
    "county": "hollow",
    "province": None,
}


#: The outline of a key mine's half-filled or hollow star (a stand-in point), on every output.
STAND_IN_STROKE = "#a87800"


def mine_mark(precision: object) -> str | None:
    """Return how a mine of ``precision`` is drawn: ``"filled"``, ``"half"``, ``"hollow"`` or None.

    Parameters
    ----------
    precision : str
        A ``location_precision`` value; an unknown one is drawn hollow (never as located).

    Returns
    -------
    str or None
        The mark of :data:`MINE_MARKS`; None for a mine that has no point.

    Examples
    --------
    >>> mine_mark("town")
    'half'
    """
    return MINE_MARKS.get(str(precision), "hollow")


#: The key mines' colour by status (``figure(color_by="status")`` and the app's colouring):
#: producing green, under construction amber, development magenta (apart from the capital's
#: red star), exploration blue, unknown grey.
STATUS_COLORS: dict[str, str] = {
    "producing": "#1a9641",
    "under_construction": "#fdae61",
    "development": "#d01c8b",
    "exploration": "#2c7bb6",
    "unknown": "#bdbdbd",
}

#: The key mines' colours by owner group, in the groups' order (the biggest first); the last
#: ones stand for "other groups" and "no listed owner known".
OWNER_COLORS = (
    "#1f77b4",
    "#9467bd",
    "#2ca02c",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
    "#d9d9d9",
)


def style_for(name: str) -> LayerStyle:
    """Return the style of layer ``name``, or :data:`DEFAULT_STYLE` for other names.

    Parameters
    ----------
    name : str
        A layer name such as ``"key_mines"``.

    Returns
    -------
    LayerStyle
        The shared, immutable style.

    Examples
    --------
    >>> style_for("key_mines").marker_shape
    'star'
    """
    return LAYER_STYLES.get(name, DEFAULT_STYLE)


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    """Return the red, green and blue of a ``#rrggbb`` colour as integers 0-255.

    Parameters
    ----------
    color : str
        ``#rrggbb`` (the ``#`` is optional).

    Returns
    -------
    tuple of int
        ``(red, green, blue)``.

    Raises
    ------
    ValueError
        When ``color`` is not six hex digits.

    Examples
    --------
    >>> hex_to_rgb("#f28e2b")
    (242, 142, 43)
    """
    digits = color.removeprefix("#")
    if len(digits) != 6:
        raise ValueError(f"Colour {color!r} is not of the form '#rrggbb'.")
    r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return r, g, b


def kml_color(color: str, opacity: float = 1.0) -> str:
    """Return a colour as KML writes it: ``aabbggrr`` hex.

    Parameters
    ----------
    color : str
        ``#rrggbb``.
    opacity : float, default 1.0
        Between 0 (transparent) and 1 (opaque).

    Returns
    -------
    str
        Eight lowercase hex digits, alpha first, then blue, green, red.

    Examples
    --------
    >>> kml_color("#f28e2b", 0.5)
    '802b8ef2'
    """
    r, g, b = hex_to_rgb(color)
    alpha = round(max(0.0, min(1.0, opacity)) * 255)
    return f"{alpha:02x}{b:02x}{g:02x}{r:02x}"


def qgis_color(color: str, opacity: float = 1.0) -> str:
    """Return a colour as a QGIS style writes it: ``"r,g,b,a"`` with 0-255 integers.

    Parameters
    ----------
    color : str
        ``#rrggbb``.
    opacity : float, default 1.0
        Between 0 (transparent) and 1 (opaque).

    Returns
    -------
    str
        For example ``"242,142,43,89"``.

    Examples
    --------
    >>> qgis_color("#f28e2b", 0.35)
    '242,142,43,89'
    """
    r, g, b = hex_to_rgb(color)
    alpha = round(max(0.0, min(1.0, opacity)) * 255)
    return f"{r},{g},{b},{alpha}"
