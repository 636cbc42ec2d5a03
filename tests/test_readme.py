"""The README's commands, run verbatim and in order in an empty folder, as a newcomer would.

Every ``goldmap ...`` line of the README's shell blocks is run through bash with the
installed console script, and the README's "In Python" block is run as a script; the input
files the README names are made here first. Any non-zero exit or traceback fails.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.postgis_server import PostGIS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def _goldmap_lines() -> list[str]:
    lines = [line.strip() for block in _blocks("bash") for line in block.splitlines()]
    return [line for line in lines if line.startswith("goldmap ")]


def _python_block() -> str:
    section = README.split("## In Python", 1)[1]
    return re.search(r"```python\n(.*?)```", section, flags=re.DOTALL).group(1)  # type: ignore[union-attr]


def _inputs(folder: Path) -> None:
    """Write the files the README's commands read, as an analyst would have them."""
    # Statistics keyed by province in mixed spellings, GBK as Chinese offices publish them.
    table = '省份,黄金产量（吨）\n山东省,"1,234.5"\n河南,45吨\nGansu,12\n内蒙古自治区,—\n'
    (folder / "provincial_output.csv").write_bytes(table.encode("gbk"))
    (folder / "output.csv").write_bytes(table.encode("utf-8-sig"))
    # Prospects that already carry lon/lat columns (the case that once crashed `locate -o`).
    (folder / "prospects.csv").write_text(
        "name,lon,lat\nSanshandao N,120.42,37.40\nDachaidan W,94.6,38.2\n", encoding="utf-8"
    )
    import rasterio
    from rasterio.transform import from_origin

    with rasterio.open(
        folder / "dem.tif", "w", driver="GTiff", width=200, height=100, count=1,
        dtype="float32", crs="EPSG:4326", transform=from_origin(115.0, 38.5, 0.05, 0.05),
    ) as dst:  # fmt: skip
        dst.write(np.arange(20_000, dtype="float32").reshape(1, 100, 200))


#: The database the README's PostGIS lines name; the test runs them against its own server.
README_DB = "postgresql://analyst:secret@localhost/gis"


def _prospects_table(folder: Path, db: str) -> None:
    """Store the README's prospects in the table ``prospects``, as a team would have them."""
    from goldmap.io.postgis import export_postgis
    from goldmap.io.read import read_features

    export_postgis({"prospects": read_features(folder / "prospects.csv")}, db, overwrite=True)


def _serve(line: str, folder: Path) -> None:
    """Run a `goldmap serve` line on a free port until it answers, then stop it."""
    from tests.test_serve import free_port, wait_until_answering

    port = free_port()
    command = re.sub(r"--port \d+", f"--port {port}", line.split("#")[0])
    process = subprocess.Popen(
        ["bash", "-c", f"exec {command}"], cwd=folder, env=_env(),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_until_answering(process, f"http://127.0.0.1:{port}/collections/key_mines?f=json")
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout:
            process.stdout.close()


def _env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def test_the_readme_names_the_commands_a_newcomer_types() -> None:
    lines = _goldmap_lines()
    verbs = [line.split()[1] for line in lines]
    for verb in ("layers", "validate", "map", "export", "join", "locate", "serve"):
        assert verb in verbs
    assert any(f"--format postgis --db {README_DB}" in line for line in lines)
    assert any(f"--db {README_DB} --to-table" in line for line in lines)
    assert any("--format gpkg -o plan.gpkg" in line for line in lines)
    assert any("--format qgz -o plan.qgz" in line for line in lines)


@pytest.mark.slow
def test_every_goldmap_command_in_the_readme_runs_as_written(
    tmp_path: Path, postgis: PostGIS
) -> None:
    if not (BIN / "goldmap").exists():
        pytest.fail(f"the goldmap console script is not installed in {BIN} (pip install -e .)")
    _inputs(tmp_path)
    _prospects_table(tmp_path, postgis.url)
    for readme_line in _goldmap_lines():
        line = readme_line.replace(README_DB, postgis.url)
        if line.startswith("goldmap serve "):
            _serve(line, tmp_path)
            continue
        result = subprocess.run(
            ["bash", "-c", line], cwd=tmp_path, env=_env(), capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip
        output = result.stdout + result.stderr
        assert result.returncode == 0, (line, output[-2000:])
        assert "Traceback" not in output, (line, output[-2000:])
    for made in ("map.html", "plan.gpkg", "plan.qgz", "plan_data.gpkg", "joined.gpkg"):
        assert (tmp_path / made).is_file(), made
    located = (tmp_path / "located.csv").read_text(encoding="utf-8-sig").splitlines()
    header = located[0].split(",")
    # The input's own lon/lat stay, once, and the answers follow.
    assert header.count("lon") == 1 and header.count("lat") == 1
    assert "province_zh" in header and len(located) == 3
    assert "山东省" in located[1] and "青海省" in located[2]
    from goldmap.io.postgis import read_postgis

    in_table = read_postgis("prospects_located", postgis.url)
    assert in_table["province_zh"].tolist() == ["山东省", "青海省"]
    assert len(read_postgis("key_mines", postgis.url)) == 35


@pytest.mark.slow
def test_the_readme_python_block_runs_as_written(tmp_path: Path) -> None:
    _inputs(tmp_path)
    script = tmp_path / "readme_block.py"
    script.write_text(_python_block(), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=_env(), capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert (tmp_path / "map.html").is_file() and (tmp_path / "plan.gpkg").is_file()
