"""Read the layers back out of a map page, as a browser's script would see them.

goldmap writes each layer's GeoJSON into the page (a string its script parses) with its
polygon rings as integer steps of 10^-3 degree (``q``) and each marker icon once (``icons``,
referred to by number); the page's script adds the steps up into coordinates and puts the
icons back. This is the same sum, written independently, so that tests check the data the
browser will draw.
"""

from __future__ import annotations

import json
import re
from typing import Any

_PAYLOAD = re.compile(
    r"L\.geoJSON\(\(function \(data\) \{.*?\}\)\(JSON\.parse\('([^']*)'\)\), \{\n", re.S
)
_SCALE = re.compile(r"out\.push\(\[x / (\d+), y / (\d+)\]\)")


def _ring(steps: list[int], scale: int) -> list[list[float]]:
    x = y = 0
    out = []
    for i in range(0, len(steps), 2):
        x, y = x + steps[i], y + steps[i + 1]
        out.append([x / scale, y / scale])
    return out


def _decode(data: dict[str, Any], scale: int) -> dict[str, Any]:
    icons = data.pop("icons", [])
    for feature in data["features"]:
        if isinstance(feature["properties"].get("_icon"), int):
            feature["properties"]["_icon"] = icons[feature["properties"]["_icon"]]
        geometry = feature.get("geometry") or {}
        if "q" in geometry:
            q = geometry.pop("q")
            if geometry["type"] == "Polygon":
                geometry["coordinates"] = [_ring(r, scale) for r in q]
            else:
                geometry["coordinates"] = [[_ring(r, scale) for r in p] for p in q]
    return data


def layer_data(page: str) -> list[dict[str, Any]]:
    """Return the GeoJSON FeatureCollection of every goldmap layer in ``page``, decoded."""
    scales = [int(a) for a, _ in _SCALE.findall(page)]
    payloads = _PAYLOAD.findall(page)
    assert len(scales) == len(payloads), "every layer carries its own decoder"
    # Each payload is a single-quoted JavaScript string of the JSON: its backslashes doubled.
    texts = [p.replace("\\\\", "\\") for p in payloads]
    return [_decode(json.loads(t), s) for t, s in zip(texts, scales, strict=True)]


def map_features(page: str) -> list[dict[str, Any]]:
    """Return the features of every goldmap layer in ``page``."""
    return [f for data in layer_data(page) for f in data["features"]]
