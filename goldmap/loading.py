"""The public :func:`load`: a packaged layer, with the user's corrections merged when given.

It sits one level above :mod:`goldmap.catalog` (which reads the packaged layers) and
:mod:`goldmap.corrections` (which reads the catalog to check a correction), so that neither
has to import the other.
"""

from __future__ import annotations

import geopandas as gpd

from goldmap import catalog

__all__ = ["load"]


def load(name: str, *, simplified: bool = False, corrections: object = None) -> gpd.GeoDataFrame:
    """Load a layer as a GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    name : str
        One of :func:`goldmap.layers`: ``key_mines``, ``exploration_areas``,
        ``development_areas``, ``consolidation_provinces``, ``copper_bases``,
        ``provinces``, ``counties``.
    simplified : bool, default False
        For ``provinces`` and ``counties``: the display copy, simplified with neighbours
        keeping shared edges (tolerance in ``data/boundaries/manifest.json``). Other layers
        are returned as they are.
    corrections : path, bytes, binary file or DataFrame, optional
        For ``key_mines``: your better coordinates (CSV, XLSX or GeoJSON with ``id``,
        ``lon``, ``lat``, ``location_precision``, ``source_url``, ``source_quote``, optional
        ``note``), merged with their sources; see :func:`goldmap.corrections.apply_corrections`.

    Returns
    -------
    geopandas.GeoDataFrame
        A fresh copy each call: changing it never changes what the next call returns.

    Raises
    ------
    LayerNotFoundError
        When ``name`` is not a layer.
    CorrectionError
        When ``corrections`` is given for another layer, or a row of it cannot be applied
        (nothing is applied then).

    Examples
    --------
    >>> mines = load("key_mines")
    >>> mines.crs.to_epsg()
    4326
    """
    frame = catalog.load(name, simplified=simplified)
    if corrections is None:
        return frame
    # Imported here so that `import goldmap` leaves the corrections' checks unloaded.
    from goldmap.corrections import corrected_layer

    return corrected_layer(name, frame, corrections)
