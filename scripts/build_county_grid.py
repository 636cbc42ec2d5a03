"""Build data/boundaries/county_grid.npz: the county lookup grid locate ships with.

Run after the counties change (``make boundaries`` does): the grid records the SHA-256 of
the counties file it was built from, and goldmap uses it only while that file is installed.
"""

from __future__ import annotations

from goldmap._county_grid import write_county_grid
from goldmap._locate import _GRID_CELL_DEG, CHINA_BOUNDS


def main() -> None:
    path = write_county_grid(CHINA_BOUNDS, _GRID_CELL_DEG)
    print(f"wrote {path} ({path.stat().st_size / 1024:.0f} kB)")


if __name__ == "__main__":
    main()
