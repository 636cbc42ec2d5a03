"""Build the plan layers (key mines, plan areas, province layers) from their definitions.

Reads ``data/mines/definitions/*.yaml``, ``data/regions/definitions/*.yaml`` and
``data/plan/plan.yaml``; writes the GeoJSON layers under ``data/mines/`` and ``data/regions/``.
Run from a source checkout: ``python scripts/build_layers.py``.
"""

from __future__ import annotations

from _layers import build_all


def main() -> None:
    for path, count in build_all().items():
        print(f"wrote data/{path}: {count} features")


if __name__ == "__main__":
    main()
