"""Hostile uploads: each file gets a one-line error or a harmless result, and leaks nothing.

The corpus (tests/hostile.py) points files at a canary secret file and a canary HTTP server
on 127.0.0.1; a reader that followed any link would show the secret or hit the server.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import goldmap
from goldmap.cli import cli
from tests.hostile import Canary, Hostile
from tests.prerequisites import require_module

# Parts of a message that would betray the server: its temporary folders, a traceback.
LEAKS = ("/tmp/goldmap-", "goldmap-", "Traceback", "site-packages", "input.gpkg", "input.shp")


def _assert_clean(text: str, canary: Canary, *, what: str) -> None:
    assert canary.secret not in text, what
    for leak in LEAKS:
        assert leak not in text, (what, leak, text[:300])


def test_the_corpus_is_large_and_varied(hostile_files: list[tuple[Hostile, Path]]) -> None:
    assert len(hostile_files) >= 40
    assert len({item.name for item, _ in hostile_files}) == len(hostile_files)
    assert sum(item.may_succeed for item, _ in hostile_files) <= 6


def test_every_hostile_file_gets_one_line_error_or_harmless_result(
    hostile_files: list[tuple[Hostile, Path]], canary: Canary
) -> None:
    outcomes = {}
    for item, path in hostile_files:
        try:
            located = goldmap.locate(str(path))
        except goldmap.GoldmapError as err:
            message = str(err)
            assert message and "\n" not in message, (item.name, message)
            # The user's own name for the file, never a copy's.
            assert item.name in message or "named" in message or "column" in message, (
                item.name,
                message,
            )
            _assert_clean(message, canary, what=item.name)
            outcomes[item.name] = f"error: {message}"
            continue
        assert item.may_succeed, (item.name, "was read although it should be refused")
        dump = pd.DataFrame(located.drop(columns="geometry")).to_csv()
        _assert_clean(dump, canary, what=item.name)
        assert len(located) == 1 and located["province_zh"].iloc[0] == "山东省"
        outcomes[item.name] = "read"
    assert canary.hits == [], canary.hits
    assert len(outcomes) == len(hostile_files)


def test_statistics_tables_refuse_the_same_files(
    hostile_files: list[tuple[Hostile, Path]], canary: Canary
) -> None:
    for item, path in hostile_files:
        try:
            joined = goldmap.join_stats(str(path))
        except goldmap.GoldmapError as err:
            assert "\n" not in str(err), item.name
            _assert_clean(str(err), canary, what=item.name)
            continue
        _assert_clean(
            pd.DataFrame(joined.drop(columns="geometry")).to_csv(), canary, what=item.name
        )
    assert canary.hits == []


def test_the_cli_answers_every_hostile_file_in_one_line(
    hostile_files: list[tuple[Hostile, Path]], canary: Canary, tmp_path: Path
) -> None:
    runner = CliRunner()
    for number, (item, path) in enumerate(hostile_files):
        out = tmp_path / f"located_{number}.csv"
        result = runner.invoke(cli, ["locate", str(path), "-o", str(out)])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            item.name,
            result.exception,
        )
        _assert_clean(result.output, canary, what=item.name)
        if result.exit_code == 0:
            assert item.may_succeed, item.name
            _assert_clean(out.read_text(encoding="utf-8-sig"), canary, what=item.name)
        else:
            assert result.exit_code == 1, (item.name, result.output)
            lines = result.output.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("Error: "), (item.name, lines)
    assert canary.hits == []


def test_urls_and_gdal_virtual_paths_are_refused(canary: Canary) -> None:
    for path in (f"/vsicurl/{canary.url}/a.csv", f"{canary.url}/a.geojson", "/vsizip//x.zip/a.shp"):
        with pytest.raises(goldmap.InputFileError, match="local files"):
            goldmap.read_features(path)
    assert canary.hits == []


def test_a_real_geopackage_shapefile_and_flatgeobuf_still_read(tmp_path: Path) -> None:
    import geopandas as gpd
    import shapely

    frame = gpd.GeoDataFrame(
        {"name": ["三山岛"]}, geometry=[shapely.Point(120.3, 37.2)], crs="EPSG:4326"
    )
    frame.to_file(tmp_path / "p.gpkg", engine="pyogrio")
    frame.to_file(tmp_path / "p.fgb", engine="pyogrio")
    frame.to_file(tmp_path / "p.shp", engine="pyogrio")
    import zipfile

    with zipfile.ZipFile(tmp_path / "p.zip", "w") as archive:
        for suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
            if (tmp_path / f"p{suffix}").exists():
                archive.write(tmp_path / f"p{suffix}", f"p{suffix}")
    frame.to_parquet(tmp_path / "p.parquet")
    (tmp_path / "p.csv").write_text("name,lon,lat\n三山岛,120.3,37.2\n", encoding="utf-8")
    expected = goldmap.locate(str(tmp_path / "p.csv"))["county_zh"].iloc[0]
    assert expected.endswith("市")
    for name in ("p.gpkg", "p.fgb", "p.zip", "p.parquet"):
        located = goldmap.locate(str(tmp_path / name))
        assert located["name"].tolist() == ["三山岛"], name
        assert located["county_zh"].iloc[0] == expected, name


def test_messages_name_the_upload_not_a_server_copy() -> None:
    with pytest.raises(goldmap.InputFileError) as caught:
        goldmap.read_features(b"<OGRVRTDataSource/>", filename="prospects.gpkg")
    message = str(caught.value)
    assert "'prospects.gpkg'" in message and "GeoPackage" in message
    assert os.sep + "tmp" not in message
    with pytest.raises(goldmap.ColumnNotFoundError) as missing:
        goldmap.read_features(b"a,b\n1,2\n", filename="drill_collars.csv")
    # No advice that only works in Python (lon='...').
    assert "lon=" not in str(missing.value) and "'drill_collars.csv'" in str(missing.value)


def test_user_text_never_runs_as_a_template_on_a_map(
    hostile_files: list[tuple[Hostile, Path]], canary: Canary
) -> None:
    from goldmap.maps import Choropleth, add_layer, make_map, overlay_groups, to_html

    path = next(p for item, p in hostile_files if item.name == "template_injection.csv")
    located = goldmap.locate(str(path))
    expression = next(c for c in located.columns if "cycler" in str(c))
    table = pd.DataFrame({"province": ["Shandong", "Henan"], expression: [1.0, 2.0]})
    joined = goldmap.join_stats(table, "province")
    m = make_map([], choropleth=Choropleth(joined, expression))
    add_layer(m, located, name="{{ 7 * 7 }} features")
    page = to_html(m)
    assert canary.secret not in page
    assert "49 features" not in page
    # The same through the app's path: the map rendered once, its layer groups each rerun.
    require_module("streamlit")
    from goldmap.app.live_map import render_group, render_page
    from goldmap.maps import blank_map

    base = add_layer(make_map([]), located, name="{{ 7 * 7 }} features")
    rendered = render_page(base)
    groups = overlay_groups(blank_map(), ["key_mines"], choropleth=Choropleth(joined, expression))
    scripts = "".join(render_group(g).script for g in groups)
    page = rendered.script + rendered.header + rendered.html
    assert canary.secret not in scripts and canary.secret not in page
    assert "49 features" not in page
