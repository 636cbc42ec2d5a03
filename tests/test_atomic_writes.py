"""Nothing lost on a failed overwrite: every writer stages its file and moves it in whole.

Each writer is made to fail half-way (the disk fills up): the previous file must be intact
and no staging debris left. A killed writer's leftovers are removed by the next write, and a
command refuses an existing output before doing its work.
"""

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import goldmap
from goldmap.cli import cli
from goldmap.errors import ExportError
from goldmap.io._files import STAGING_PREFIX, remove_stale_staging

OLD = b"the previous, complete file\n"


def _disk_full(*args: object, **_kwargs: object) -> None:
    """Write a few bytes to the file being written, then fail as a full disk does."""
    path = next(a for a in args if isinstance(a, str | Path))
    Path(path).write_bytes(b"partial")
    raise OSError(errno.ENOSPC, "No space left on device")


def _write_map(path: Path) -> None:
    from goldmap.maps import make_map, to_html

    to_html(make_map([]), path, overwrite=True)


def _write_figure(path: Path) -> None:
    from goldmap.maps.static import figure, save_figure

    save_figure(
        figure(area="dev-shandong-laizhou-zhaoyuan", lang="en", dpi=40), path, overwrite=True
    )


def _write_template(path: Path) -> None:
    from goldmap.corrections import write_template

    write_template(path, overwrite=True)


def _write_progress(path: Path) -> None:
    from goldmap.tracking import save_progress

    save_progress(path, overwrite=True)


def _write_companies(path: Path) -> None:
    from goldmap.exposure import write_companies

    write_companies(goldmap.companies(), path, overwrite=True)


def _write_export(path: Path) -> None:
    goldmap.export(["key_mines"], path, overwrite=True)


def _write_located(path: Path) -> None:
    located = goldmap.locate(pd.DataFrame({"lon": [120.1], "lat": [37.4]}))
    goldmap.export({"located": located}, path, overwrite=True)


# (writer, file name, what to break: module attribute path, replacement)
WRITERS: list[tuple[Callable[[Path], None], str, str]] = [
    (_write_map, "map.html", "pathlib.Path.write_text"),
    (_write_figure, "figure.png", "matplotlib.figure.Figure.savefig"),
    (_write_template, "template.csv", "pandas.DataFrame.to_csv"),
    (_write_progress, "progress.csv", "pandas.DataFrame.to_csv"),
    (_write_companies, "companies.csv", "pandas.DataFrame.to_csv"),
    (_write_export, "mines.gpkg", "pyogrio.write_dataframe"),
    (_write_located, "located.gpkg", "pyogrio.write_dataframe"),
]


@pytest.mark.parametrize(("writer", "name", "broken"), WRITERS, ids=[w[1] for w in WRITERS])
def test_a_failed_overwrite_keeps_the_previous_file_and_leaves_no_debris(
    writer, name, broken, tmp_path, monkeypatch
):
    target = tmp_path / name
    target.write_bytes(OLD)
    import importlib

    module, _, attribute = broken.rpartition(".")
    try:
        owner = importlib.import_module(module)
    except ImportError:  # a class: its module, then the class
        parent, _, name_of_class = module.rpartition(".")
        owner = getattr(importlib.import_module(parent), name_of_class)

    monkeypatch.setattr(owner, attribute, _disk_full)
    with pytest.raises((ExportError, OSError)):
        writer(target)
    assert target.read_bytes() == OLD, name
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_the_next_write_removes_what_a_killed_writer_left_and_keeps_a_live_ones(tmp_path):
    dead = 2**22 + 12345  # above the usual pid_max: no such process
    left_file = tmp_path / f"{STAGING_PREFIX}{dead}-abcd.html"
    left_dir = tmp_path / f"{STAGING_PREFIX}{dead}-x1y2"
    live = tmp_path / f"{STAGING_PREFIX}{os.getpid()}-beef.gpkg"
    left_file.write_text("half a page")
    left_dir.mkdir()
    (left_dir / "part.gpkg").write_bytes(b"17 MB of it")
    live.write_bytes(b"someone is writing this")
    goldmap.export(["key_mines"], tmp_path / "mines.geojson")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(["mines.geojson", live.name])
    assert remove_stale_staging(tmp_path) == []


def test_an_existing_output_is_refused_before_the_work(tmp_path, monkeypatch):
    import goldmap.spatial

    out = tmp_path / "located.csv"
    out.write_bytes(OLD)
    points = tmp_path / "points.csv"
    points.write_text("lon,lat\n120.1,37.4\n")

    def never(*_a: object, **_k: object) -> None:
        raise AssertionError("locate ran although its output could not be written")

    monkeypatch.setattr(goldmap.spatial, "locate", never)
    result = CliRunner().invoke(cli, ["locate", str(points), "-o", str(out)])
    assert result.exit_code == 1
    assert "already exists" in result.output and out.read_bytes() == OLD


def test_quiet_means_only_errors(tmp_path):
    out = tmp_path / "mines.geojson"
    loud = CliRunner().invoke(cli, ["export", "key_mines", "-o", str(out)])
    assert "wrote" in loud.output
    quiet = CliRunner().invoke(cli, ["-q", "export", "key_mines", "-o", str(out), "--overwrite"])
    assert quiet.exit_code == 0 and quiet.output == ""


def test_csv_warns_when_a_cell_passes_excels_limit_and_keeps_it_whole(tmp_path, caplog):
    import logging

    provinces = goldmap.load("provinces")  # polygons: WKT cells of up to ~10⁵ characters
    path = tmp_path / "provinces.csv"
    with caplog.at_level(logging.WARNING, logger="goldmap.io._csv"):
        goldmap.export({"provinces": provinces}, path)
    assert "Excel's 32,767 characters" in caplog.text and "WKT" in caplog.text
    assert "GeoPackage" in caplog.text
    longest = pd.read_csv(path, encoding="utf-8-sig")["WKT"].str.len().max()
    assert longest > 32_767  # nothing was cut in the file itself
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="goldmap.io._csv"):
        goldmap.export({"key_mines": goldmap.load("key_mines")}, tmp_path / "mines.csv")
    assert "Excel" not in caplog.text
