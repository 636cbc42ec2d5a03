"""The public :func:`load`: a packaged layer, with the user's corrections merged when given.

This is the one place corrections are applied: the CLI, the app and
``goldmap.locate(..., mines=...)`` all take the frame ``load("key_mines", corrections=...)``
returns, so the three give one answer.

It sits one level above :mod:`goldmap.catalog` (which reads the packaged layers) and
:mod:`goldmap.corrections` (which reads the catalog to check a correction), so that neither
has to import the other.
"""

from __future__ import annotations

import os

import geopandas as gpd
import pandas as pd

from goldmap import catalog
from goldmap.errors import CorrectionError

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
    if corrections is None:
        return catalog.load(name, simplified=simplified)
    if name != "key_mines":
        raise CorrectionError(
            f"Corrections apply to the key mines only, not to the layer {name!r}. Load "
            "'key_mines' with the corrections file, or load this layer without it."
        )
    if not isinstance(corrections, str | os.PathLike | bytes | pd.DataFrame) and not hasattr(
        corrections, "read"
    ):
        raise CorrectionError(
            f"Corrections must be a file (a path, bytes or an open file) or a table, not "
            f"{type(corrections).__name__}. Give the path of a CSV, XLSX or GeoJSON file."
        )
    # Imported here so that `import goldmap` leaves the corrections' checks unloaded.
    from goldmap.corrections import apply_corrections

    return apply_corrections(
        catalog.load(name, simplified=simplified),
        corrections,  # type: ignore[arg-type]  # checked above
    )
