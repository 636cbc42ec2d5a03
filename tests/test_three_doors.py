"""One answer whichever door a user comes through: the library, the CLI and the app.

The same points and the same corrections file go through ``goldmap.locate`` (with the mines
``goldmap.load("key_mines", corrections=...)`` returns), ``goldmap locate --corrections``
and the app's upload; the located answers must be identical, column by column.
"""

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import goldmap
import goldmap.text
from goldmap.cli import cli
from goldmap.spatial import LOCATE_COLUMNS
from tests.app_sessions import shown_features
from tests.prerequisites import require_module
from tests.streamlit_page import RUN_TIMEOUT_S

# 焦家 moved onto a point of its own; 三山岛's point stays where the packaged layer has it.
CORRECTIONS = (
    "id,lon,lat,location_precision,source_url,source_quote\n"
    "sd-jiaojia,119.9512,37.3987,deposit,https://example.org/report.pdf,"
    '"The Jiaojia mine (119.9512 E, 37.3987 N)"\n'
)
# The corrected point itself, one near the packaged 三山岛 point, others across China and
# one outside it: the nearest mine changes for the first only if corrections are applied.
POINTS = (
    "name,lon,lat\n"
    "on the corrected mine,119.9512,37.3987\n"
    "near Sanshandao,119.95,37.40\n"
    "Zhaoyuan,120.41,37.31\n"
    "Xining,101.78,36.62\n"
    "Lhasa,91.13,29.65\n"
    "Ulaanbaatar,106.9,47.9\n"
)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("doors")
    corrections, points = folder / "fix.csv", folder / "points.csv"
    corrections.write_text(CORRECTIONS, encoding="utf-8")
    points.write_text(POINTS, encoding="utf-8")
    return corrections, points


def _answers(frame: pd.DataFrame) -> dict[str, list[object]]:
    """The located answers per column as plain values, None where missing."""
    table = {}
    for column in ["name", *LOCATE_COLUMNS]:
        values = frame[column].astype(object)
        table[column] = [None if gone else v for v, gone in zip(values, values.isna(), strict=True)]
    return table


def _library(files: tuple[Path, Path]) -> dict[str, list[object]]:
    corrections, points = files
    mines = goldmap.load("key_mines", corrections=corrections)
    return _answers(goldmap.locate(points, mines=mines, lang="en"))


def _cli(files: tuple[Path, Path], out: Path) -> dict[str, list[object]]:
    corrections, points = files
    args = ["locate", str(points), "--corrections", str(corrections), "--lang", "en"]
    result = CliRunner().invoke(cli, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    frame = gpd.read_file(out)
    frame["province_adcode"] = frame["province_adcode"].astype("Int64")
    frame["county_adcode"] = frame["county_adcode"].astype("Int64")
    # The user's own column comes first, as it came; the answers follow in locate's order.
    assert list(frame.columns[:1]) == ["name"], list(frame.columns)
    # A GeoPackage keeps empty text as empty text and missing values as NULL, as locate does.
    return _answers(frame)


def _app(files: tuple[Path, Path]) -> dict[str, list[object]]:
    require_module("streamlit")
    from streamlit.testing.v1 import AppTest

    corrections, points = files
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"))
    at.query_params["lang"] = "en"
    at.run(timeout=RUN_TIMEOUT_S)
    uploads = {u.key: u for u in at.get("file_uploader")}
    uploads["corrections_upload"].set_value(("fix.csv", corrections.read_bytes(), "text/csv"))
    uploads["features_upload"].set_value(("points.csv", points.read_bytes(), "text/csv"))
    at.run(timeout=RUN_TIMEOUT_S)
    assert not at.exception and not at.error
    # The table the app shows has the same columns, in the same order, headed for readers.
    shown = next(df.value for df in at.dataframe if "name" in df.value.columns)
    assert list(shown.columns) == [
        goldmap.text.field_label(c, "en") for c in ["name", "lon", "lat", *LOCATE_COLUMNS]
    ]
    return _answers(shown_features(at))


def test_the_library_the_cli_and_the_app_give_the_same_answers(files, tmp_path):
    library = _library(files)
    # The corrections were applied: the corrected point is its own nearest mine, at 0 km.
    assert library["nearest_mine_id"][0] == "sd-jiaojia"
    assert library["nearest_mine_km"][0] == 0.0
    assert library["province_adcode"][5] is None  # Ulaanbaatar: outside China
    # 招远: the nearest point is the county stand-in that 夏甸 shares with two other mines,
    # named; its distance is rounded to the county's 5 km, the exact value kept beside it.
    assert library["nearest_mine_id"][2] == "sd-xiadian"
    assert library["nearest_mine_precision"][2] == "county"
    assert library["nearest_mine_shares_point"][2] == "Dayingezhuang; Lingnan-Fushan"
    assert library["nearest_mine_uncertainty_km"][2] >= 30
    assert library["nearest_mine_km"][2] % 5 == 0
    assert 0 < library["nearest_mine_km_exact"][2] < 2.5
    assert library["nearest_mine_precision"][0] == "deposit"  # the corrected point
    for door, answers in (("CLI", _cli(files, tmp_path / "located.gpkg")), ("app", _app(files))):
        assert list(answers) == list(library), door
        for column, want in library.items():
            got = answers[column]
            if column in (
                "nearest_mine_km",
                "nearest_mine_km_exact",
                "nearest_mine_uncertainty_km",
            ):
                np.testing.assert_array_equal(
                    np.asarray(got, dtype=float), np.asarray(want, dtype=float), err_msg=door
                )
            else:
                assert got == want, f"{door} differs from the library in {column}"


def test_without_corrections_the_packaged_mines_answer(files):
    _, points = files
    located = goldmap.locate(points, lang="en")
    assert located.loc[0, "nearest_mine_id"] != "sd-jiaojia" or located.loc[0, "nearest_mine_km"]
    same = goldmap.locate(points, mines=goldmap.load("key_mines"), lang="en")
    pd.testing.assert_frame_equal(located, same)


def test_a_frame_that_is_not_key_mines_is_refused_with_the_fix(files):
    _, points = files
    with pytest.raises(goldmap.GoldmapError, match=r"goldmap.load\('key_mines'\)"):
        goldmap.locate(points, mines=pd.DataFrame({"lon": [1.0]}))
    mines = goldmap.load("key_mines")
    with pytest.raises(goldmap.GoldmapError, match="no CRS"):
        goldmap.locate(points, mines=mines.set_crs(None, allow_override=True))
