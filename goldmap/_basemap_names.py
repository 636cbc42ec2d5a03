"""The basemaps goldmap offers, by the name a user types or picks.

Kept apart from :mod:`goldmap.maps` (which loads folium) so that the command line can list
them without loading the map code: ``goldmap --help`` and every command start faster.
"""

from __future__ import annotations

__all__ = ["BASEMAP_NAMES"]

#: The keys of :data:`goldmap.maps.BASEMAPS`, in the order they are offered.
BASEMAP_NAMES = (
    "none", "light", "osm", "satellite", "tianditu-vec", "tianditu-img", "tianditu-ter",
    "gaode", "gaode-img",
)  # fmt: skip
