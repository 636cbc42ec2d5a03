"""Name the coordinate reference systems goldmap works in, once, and check that data has one.

Data are stored and exchanged in WGS84 longitude/latitude (CGCS2000 equals it at map scale).
Areas are computed in an Albers equal-area projection fitted to China; distances are
geodesic on the WGS84 ellipsoid.
"""

from __future__ import annotations

from typing import Any

from goldmap.errors import InputFileError, MissingCRSError

__all__ = [
    "EQUAL_AREA_CRS",
    "GEOGRAPHIC_CRS",
    "SET_CRS",
    "WGS84",
    "require_crs",
    "require_horizontal_crs",
]

#: Longitude/latitude on WGS84: every layer goldmap loads and every export it writes.
WGS84 = "EPSG:4326"

#: The same CRS under the name older code used.
GEOGRAPHIC_CRS = WGS84

#: Albers equal-area conic for China (standard parallels 25°N and 47°N, central meridian 105°E),
#: the projection of the national 1:1M and 1:4M maps.
EQUAL_AREA_CRS = (
    "+proj=aea +lat_0=0 +lat_1=25 +lat_2=47 +lon_0=105 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
)

#: How to fix a GeoDataFrame or GeoSeries without a CRS.
SET_CRS = "Set one first with .set_crs('EPSG:4326') (or the CRS its coordinates are in)."


def require_crs(data: Any, what: str, *, fix: str = SET_CRS) -> None:
    """Raise :class:`~goldmap.errors.MissingCRSError` when ``data`` has no CRS.

    Parameters
    ----------
    data : GeoDataFrame, GeoSeries, rasterio dataset or dask-geopandas frame
        Anything with a ``crs`` attribute.
    what : str
        What ``data`` is, for the message ("The area", "Layer 'my_layer'").
    fix : str, default :data:`SET_CRS`
        How to give it one.

    Raises
    ------
    MissingCRSError
        When ``data.crs`` is None: its coordinates cannot be placed.

    Examples
    --------
    >>> import geopandas as gpd
    >>> require_crs(gpd.GeoDataFrame(geometry=[]), "The layer")
    Traceback (most recent call last):
    ...
    goldmap.errors.MissingCRSError: The layer has no CRS (coordinate reference system), so ...
    """
    if data.crs is None:
        raise MissingCRSError(
            f"{what} has no CRS (coordinate reference system), so its coordinates cannot be "
            f"placed. {fix}",
            kind="no_crs",
            name=what,
        )


def require_horizontal_crs(crs: Any, what: str) -> None:
    """Raise :class:`~goldmap.errors.InputFileError` unless ``crs`` places points on a map.

    A geographic (longitude/latitude, 2D or 3D) or projected CRS, alone or with a height in
    a compound CRS, can be turned into WGS84. A vertical CRS (heights only), a geocentric
    one (X, Y, Z from the Earth's centre) or a local engineering grid cannot.

    Parameters
    ----------
    crs : pyproj.CRS or anything pyproj reads
        The CRS of the data.
    what : str
        What the data is, for the message (the user's file name, quoted).

    Raises
    ------
    InputFileError
        When the CRS is vertical, geocentric, engineering (local) or otherwise not
        horizontal; the message names it and says how to fix the file.

    Examples
    --------
    >>> require_horizontal_crs("EPSG:32650", "'pits.gpkg'")
    >>> require_horizontal_crs("EPSG:4978", "'pits.gpkg'")
    Traceback (most recent call last):
    ...
    goldmap.errors.InputFileError: 'pits.gpkg' is in the geocentric CRS 'WGS 84' ...
    """
    import pyproj

    crs = pyproj.CRS.from_user_input(crs)
    if crs.is_geographic or crs.is_projected:
        return
    if crs.is_geocentric:
        kind, why = "geocentric CRS", "X, Y, Z from the Earth's centre, not a map position"
    elif crs.is_vertical:
        kind, why = "vertical CRS", "heights only, no horizontal position"
    elif crs.is_engineering:
        kind, why = "local engineering CRS", "a site grid tied to no place on Earth"
    else:
        kind, why = f"CRS of type {crs.type_name!r}", "not a horizontal position"
    epsg = crs.to_epsg()
    label = repr(crs.name) + (f" (EPSG:{epsg})" if epsg else "")
    raise InputFileError(
        f"{what} is in the {kind} {label}: {why}. goldmap needs a horizontal geographic or "
        "projected CRS (such as EPSG:4326, or a UTM zone). Reproject the data in your GIS, or "
        "export it as GeoJSON in WGS84."
    )
