"""Merge a user's better coordinates for the key mines into the layer, keeping provenance.

A corrections file (CSV, TSV, XLSX or GeoJSON) has one row per mine to move: ``id``,
``lon``, ``lat``, ``location_precision``, ``source_url``, ``source_quote`` and an optional
``note``. Every row is checked before anything is applied; a file with a bad row changes
nothing and is answered with one :class:`~goldmap.errors.CorrectionError` that lists every
bad row and how to fix it.
"""

from goldmap.corrections._apply import (
    UNCERTAINTY_KM,
    apply_corrections,
    corrected_layer,
    corrected_layers,
)
from goldmap.corrections._nearest import locate_corrected, nearest_corrected_mine
from goldmap.corrections._table import (
    COLUMNS,
    REFERENCE_COLUMNS,
    CorrectionsSource,
    allowed_precisions,
    read_corrections,
)
from goldmap.corrections._template import template, write_template

__all__ = [
    "COLUMNS",
    "REFERENCE_COLUMNS",
    "UNCERTAINTY_KM",
    "CorrectionsSource",
    "allowed_precisions",
    "apply_corrections",
    "corrected_layer",
    "corrected_layers",
    "locate_corrected",
    "nearest_corrected_mine",
    "read_corrections",
    "template",
    "write_template",
]
