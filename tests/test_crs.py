"""A frame, file or raster without a CRS: one check, one error, whichever door it comes in by."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely

import goldmap
from goldmap.errors import InputFileError, MissingCRSError
from goldmap.maps import add_layer, blank_map
from tests.prerequisites import require_module


def _no_crs() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": ["a"], "value": [1.0]}, geometry=[shapely.box(119, 36, 120, 37)], crs=None
    )


def _shapefile_without_prj(tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        _no_crs().to_file(tmp_path / "no_crs.shp")
    assert not (tmp_path / "no_crs.prj").exists()
    zipped = tmp_path / "no_crs.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        for part in tmp_path.glob("no_crs.*"):
            if part != zipped:
                archive.write(part, part.name)
    goldmap.read_features(zipped)


def _raster_without_crs(tmp_path: Path) -> None:
    import rasterio
    from rasterio.transform import from_origin

    path = tmp_path / "no_crs.tif"
    profile = {"driver": "GTiff", "width": 2, "height": 2, "count": 1, "dtype": "float32"}
    with rasterio.open(path, "w", transform=from_origin(119, 38, 1, 1), **profile) as dst:
        dst.write(np.ones((1, 2, 2), dtype="float32"))
    goldmap.raster.sample_at_mines(path)


ENTRY_POINTS: dict[str, Callable[[Path], Any]] = {
    "read_features(frame)": lambda tmp: goldmap.read_features(_no_crs()),
    "read_features(file)": _shapefile_without_prj,
    "export": lambda tmp: goldmap.export({"mine": _no_crs()}, tmp / "out.gpkg"),
    "maps.add_layer": lambda tmp: add_layer(blank_map(), _no_crs(), name="mine"),
    "raster.area_frame": lambda tmp: goldmap.raster.area_frame(_no_crs()),
    "raster.rasterize_layer": lambda tmp: goldmap.raster.rasterize_layer(
        _no_crs(), tmp / "out.tif", resolution_deg=0.5
    ),
    "raster (file)": _raster_without_crs,
}


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_every_door_answers_a_missing_crs_the_same_way(entry: str, tmp_path: Path) -> None:
    with pytest.raises(MissingCRSError, match=r"has no CRS \(coordinate reference system\)") as e:
        ENTRY_POINTS[entry](tmp_path)
    # A user error with the fix in it, caught as before by InputFileError and ValueError.
    assert isinstance(e.value, InputFileError | ValueError)
    assert "EPSG:4326" in str(e.value) or ".prj" in str(e.value)


def test_dask_input_without_crs() -> None:
    dask_geopandas = require_module("dask_geopandas")
    from goldmap._dask import _as_collection

    frame = dask_geopandas.from_geopandas(_no_crs(), npartitions=1)
    with pytest.raises(MissingCRSError, match="has no CRS"):
        _as_collection(frame, None, read=lambda f: f)
