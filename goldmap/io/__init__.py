"""Read users' files and write goldmap's exports: every file crossing the boundary, here."""

from __future__ import annotations

from goldmap.io._guard import MAX_UPLOAD_BYTES
from goldmap.io._tables import TABLE_FORMATS, read_table
from goldmap.io.read import FEATURE_FORMATS, read_features

__all__ = ["FEATURE_FORMATS", "MAX_UPLOAD_BYTES", "TABLE_FORMATS", "read_features", "read_table"]
