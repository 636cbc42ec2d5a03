"""The built wheel carries its data: goldmap works from any directory once installed."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
         "--quiet", "--wheel-dir", str(out)],
        check=True,
    )  # fmt: skip
    (path,) = out.glob("goldmap-*.whl")
    return path


def test_wheel_contains_the_data_and_type_marker(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "goldmap/py.typed",
        "goldmap/data/boundaries/provinces.parquet",
        "goldmap/data/boundaries/counties.parquet",
        "goldmap/data/boundaries/county_grid.npz",
        "goldmap/data/mines/key_mines.geojson",
        "goldmap/data/regions/exploration_areas.geojson",
        "goldmap/data/regions/development_areas.geojson",
        "goldmap/data/plan/plan.yaml",
    ):
        assert expected in names


def test_installed_wheel_loads_layers_from_another_directory(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = (
        "import goldmap, pathlib;"
        "print(goldmap.__file__);"
        "print(goldmap.load('provinces').shape);"
        "print(len(goldmap.load('key_mines')))"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    module_file, shape, _ = result.stdout.splitlines()
    assert Path(module_file).is_relative_to(site)  # the wheel's copy, not the checkout
    assert shape == "(34, 5)"


def test_loading_every_layer_leaves_the_readers_of_user_files_unloaded():
    # A notebook's `import goldmap; goldmap.load(...)` should not pay for the parsers of
    # uploads, the corrections' checks or the plan's YAML until it uses them.
    script = (
        "import sys, goldmap\n"
        "for name in goldmap.layers(): goldmap.load(name)\n"
        "heavy = ['yaml', 'defusedxml', 'goldmap.io.read', 'goldmap.corrections', 'folium']\n"
        "print(' '.join(m for m in heavy if m in sys.modules) or 'none')\n"
        "from goldmap.io import MAX_UPLOAD_BYTES, read_features\n"
        "print(MAX_UPLOAD_BYTES > 0, callable(read_features), goldmap.plan()['column1'] != {})\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["none", "True True True"]


def test_the_licence_ships_in_the_wheel_and_the_sdist(wheel, tmp_path):
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), names[-8:]
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "License-Expression: MIT" in text
    assert "Development Status ::" in text and "Programming Language :: Python :: 3.11" in text
    import tarfile

    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", str(tmp_path)],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    (sdist,) = tmp_path.glob("goldmap-*.tar.gz")
    with tarfile.open(sdist) as archive:
        assert any(n.endswith("/LICENSE") for n in archive.getnames())
