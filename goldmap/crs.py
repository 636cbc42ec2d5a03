"""Name the coordinate reference systems goldmap works in, once, and check that data has one.

Data are stored and exchanged in WGS84 longitude/latitude (CGCS2000 equals it at map scale).
Areas are computed in an Albers equal-area projection fitted to China; distances are
geodesic on the WGS84 ellipsoid.
"""

from __future__ import annotations

from typing import Any

from goldmap.errors import MissingCRSError

__all__ = ["EQUAL_AREA_CRS", "GEOGRAPHIC_CRS", "SET_CRS", "WGS84", "require_crs"]

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
