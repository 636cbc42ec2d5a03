"""Write the data reference pages from each layer's JSON Schema (run by conf.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from goldmap.catalog import LAYERS
from goldmap.schema import SCHEMA_LAYERS, schema


def _type(spec: dict[str, Any], defs: dict[str, Any]) -> str:
    ref = spec.get("$ref", "")
    if ref:
        spec = {**defs.get(ref.rsplit("/", 1)[-1], {}), **spec}
    kinds = spec.get("type", "")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    text = " or ".join(k for k in kinds if k) or "any"
    if "enum" in spec:
        text += ": " + ", ".join(f"``{v}``" for v in spec["enum"] if v is not None)
    return text


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _layer(name: str) -> list[str]:
    published = schema(name)
    spec = LAYERS[name]
    title = f"{spec.title_en} / {spec.title_zh} (``{name}``)"
    defs = published.get("$defs", {})
    required = set(published.get("required", []))
    lines = [f".. _layer-{name}:", "", title, "-" * len(title.encode("utf-8")), ""]
    lines += [_cell(spec.description), "", _cell(published.get("description", "")), ""]
    lines += [
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 20 20 8 52",
        "",
        "   * - field",
        "     - type",
        "     - required",
        "     - meaning",
    ]
    for field, prop in published.get("properties", {}).items():
        description = prop.get("description") or defs.get(
            prop.get("$ref", "").rsplit("/", 1)[-1], {}
        ).get("description", "")
        lines += [
            f"   * - ``{field}``",
            f"     - {_cell(_type(prop, defs))}",
            f"     - {'yes' if field in required else 'no'}",
            f"     - {_cell(description) or '—'}",
        ]
    return [*lines, ""]


def write_data_reference(folder: Path) -> Path:
    """Write ``layers.rst``: one section per layer with a published schema."""
    folder.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    for name in SCHEMA_LAYERS:
        lines += _layer(name)
    path = folder / "layers.rst"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
