"""Name the coordinate reference systems goldmap works in, once.

Data are stored and exchanged in WGS84 longitude/latitude (CGCS2000 equals it at map scale).
Areas are computed in an Albers equal-area projection fitted to China; distances are
geodesic on the WGS84 ellipsoid.
"""

from __future__ import annotations

__all__ = ["EQUAL_AREA_CRS", "GEOGRAPHIC_CRS", "WGS84"]

#: Longitude/latitude on WGS84: every layer goldmap loads and every export it writes.
WGS84 = "EPSG:4326"

#: The same CRS under the name older code used.
GEOGRAPHIC_CRS = WGS84

#: Albers equal-area conic for China (standard parallels 25°N and 47°N, central meridian 105°E),
#: the projection of the national 1:1M and 1:4M maps.
EQUAL_AREA_CRS = (
    "+proj=aea +lat_0=0 +lat_1=25 +lat_2=47 +lon_0=105 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
)
