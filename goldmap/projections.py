"""Deprecated: the CRS names moved to :mod:`goldmap.crs` (kept for one release)."""

from __future__ import annotations

import warnings
from typing import Any

from goldmap import crs as _crs

__all__ = ["EQUAL_AREA_CRS", "GEOGRAPHIC_CRS"]  # noqa: F822 (served by __getattr__)


def __getattr__(name: str) -> Any:
    if name in __all__:
        warnings.warn(
            f"goldmap.projections.{name} is deprecated; use goldmap.crs.{name}.",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(_crs, name)
    raise AttributeError(f"module 'goldmap.projections' has no attribute {name!r}")
