"""Merge a user's better coordinates for the key mines into the layer, keeping provenance.

A corrections file (CSV, TSV, XLSX or GeoJSON) has one row per mine to move: ``id``,
``lon``, ``lat``, ``location_precision``, ``source_url``, ``source_quote`` and an optional
``note``. Every row is checked before anything is applied; a file with a bad row changes
nothing and is answered with one :class:`~goldmap.errors.CorrectionError` that lists every
bad row and how to fix it.

The one place corrections are applied is ``goldmap.load("key_mines", corrections=...)``;
the CLI, the app and ``goldmap.locate(..., mines=...)`` take the frame it returns.
"""

from goldmap.corrections._apply import UNCERTAINTY_KM, apply_corrections
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
    "read_corrections",
    "template",
    "write_template",
]
