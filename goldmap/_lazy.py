"""Load a package's heavier names on first use (a module ``__getattr__``, PEP 562)."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

__all__ = ["lazy_attribute"]


def lazy_attribute(namespace: dict[str, Any], lazy: Mapping[str, str], name: str) -> Any:
    """Import the module ``lazy[name]`` and return ``name`` from it, kept in ``namespace``.

    Parameters
    ----------
    namespace : dict
        The package's ``globals()``: the value is stored there, so the next lookup is plain.
    lazy : mapping of str to str
        Attribute name -> the module that defines it. A name that is the module's own last
        part (``goldmap.schema`` for ``schema``) gives the module itself.
    name : str
        The attribute asked for.

    Raises
    ------
    AttributeError
        When ``name`` is not in ``lazy``, as for any missing attribute.
    """
    package = namespace["__name__"]
    module_name = lazy.get(name)
    if module_name is None:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    module = importlib.import_module(module_name)
    value = module if module_name == f"{package}.{name}" else getattr(module, name)
    namespace[name] = value
    return value
