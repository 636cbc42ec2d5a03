"""PostGIS in and out, against a real PostgreSQL + PostGIS server (tests/postgis_server.py).

Every plan layer makes the round trip (counts, exact geometry, names, sources); the tables
have SRID 4326 and a spatial index; 10⁵ points stored in a table are located and written
back; the usual mistakes get messages that say what to fix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import psycopg
import pytest
import shapely
from click.testing import CliRunner

import goldmap
from goldmap.cli import cli
from goldmap.errors import DatabaseError, InputFileError, OutputExistsError
from goldmap.io.postgis import export_postgis, read_postgis
from goldmap.io.write import DEFAULT_LAYERS
from tests.postgis_server import PostGIS

pytestmark = pytest.mark.slow

CORRECTIONS = (
    "id,lon,lat,location_precision,source_url,source_quote\n"
    "sd-jiaojia,119.9512,37.3987,deposit,https://example.org/report.pdf,"
    '"The Jiaojia mine (119.9512 E, 37.3987 N)"\n'
)


def _run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def exported(postgis: PostGIS) -> PostGIS:
    result = _run("export", "--format", "postgis", "--db", postgis.url, "--overwrite")
    assert result.exit_code == 0, result.output
    return postgis


@pytest.mark.parametrize("layer", DEFAULT_LAYERS)
def test_every_plan_layer_round_trips(exported: PostGIS, layer: str) -> None:
    packaged = goldmap.load(layer)
    back = read_postgis(layer, exported.url)
    assert len(back) == len(packaged)
    assert back.crs.to_epsg() == 4326
    assert list(back.columns) == list(packaged.columns)
    # Exactly the same coordinates (PostGIS keeps doubles), missing geometries kept missing.
    assert (back.geometry.isna() == packaged.geometry.isna()).all()
    placed = packaged.geometry.notna()
    assert shapely.equals_exact(
        back.geometry[placed].values, packaged.geometry[placed].values, tolerance=0
    ).all()
    for column in ("id", "name_zh", "name_en"):
        if column in packaged:
            assert back[column].tolist() == packaged[column].tolist()
    # Lists and source records come back as lists and dicts, Chinese intact.
    assert back["sources"].tolist() == packaged["sources"].map(list).tolist()


def test_tables_have_srid_4326_a_spatial_index_and_jsonb_lists(exported: PostGIS) -> None:
    with psycopg.connect(exported.url) as conn:
        srids = dict(conn.execute("SELECT f_table_name, srid FROM geometry_columns").fetchall())
        indexes = conn.execute("SELECT tablename, indexdef FROM pg_indexes").fetchall()
        kinds = dict(
            conn.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = 'key_mines'"
            ).fetchall()
        )
        quote = conn.execute(
            "SELECT sources -> 0 ->> 'quote' FROM key_mines WHERE id = 'sd-jiaojia'"
        ).fetchone()
    for layer in DEFAULT_LAYERS:
        assert srids[layer] == 4326
        assert any(t == layer and "USING gist" in d for t, d in indexes), layer
    assert kinds["sources"] == kinds["commodity"] == "jsonb"
    assert kinds["name_zh"] == "text"
    jiaojia = goldmap.load("key_mines").set_index("id").loc["sd-jiaojia"]
    assert quote is not None and quote[0] == jiaojia["sources"][0]["quote"]


def test_corrections_reach_the_table(postgis: PostGIS, tmp_path) -> None:
    fix = tmp_path / "fix.csv"
    fix.write_text(CORRECTIONS, encoding="utf-8")
    args = ["export", "key_mines", "--format", "postgis", "--db", postgis.url]
    result = _run(*args, "--corrections", str(fix), "--overwrite")
    assert result.exit_code == 0, result.output
    mines = read_postgis("key_mines", postgis.url).set_index("id")
    assert mines.loc["sd-jiaojia", "geometry"].coords[0] == (119.9512, 37.3987)
    assert mines.loc["sd-jiaojia", "sources"][0]["url"] == "https://example.org/report.pdf"
    assert bool(mines.loc["sd-jiaojia", "corrected"]) is True
    export_postgis(["key_mines"], postgis.url, overwrite=True)  # as the other tests expect


def test_an_existing_table_is_refused_without_overwrite(exported: PostGIS) -> None:
    with pytest.raises(OutputExistsError, match=r"'key_mines'.*already exist.*--overwrite"):
        export_postgis(["key_mines", "copper_bases"], exported.url)
    result = _run("export", "key_mines", "--format", "postgis", "--db", exported.url)
    assert result.exit_code == 1 and "--overwrite" in result.output
    assert "Traceback" not in result.output


def test_unreachable_server_wrong_password_and_no_postgis_say_so(postgis: PostGIS) -> None:
    closed = postgis.url.replace(f":{postgis.port}/", ":1/")
    with pytest.raises(DatabaseError, match="Cannot reach the PostgreSQL server"):
        export_postgis(["key_mines"], closed)
    with pytest.raises(DatabaseError, match="refused the user name or password") as info:
        export_postgis(["key_mines"], postgis.with_password("wrong"))
    assert "wrong" not in str(info.value)  # the password is not repeated
    with pytest.raises(DatabaseError, match=r"PostGIS is not installed.*CREATE EXTENSION"):
        export_postgis(["key_mines"], postgis.url_plain)
    with pytest.raises(DatabaseError, match="not PostgreSQL"):
        export_postgis(["key_mines"], "mysql://u@localhost/db")
    result = _run("export", "--format", "postgis", "--db", closed)
    assert result.exit_code == 1 and result.output.startswith("Error: Cannot reach")


def test_reading_a_missing_table_or_a_query_without_geometry(exported: PostGIS) -> None:
    with pytest.raises(InputFileError, match=r"No table 'nope'.*key_mines"):
        read_postgis("nope", exported.url)
    with pytest.raises(InputFileError, match="no column 'geometry'"):
        read_postgis("SELECT id FROM key_mines", exported.url)


@pytest.fixture(scope="module")
def points(postgis: PostGIS) -> pd.DataFrame:
    """10⁵ points across China and beyond, made in the table ``points`` by the server."""
    with psycopg.connect(postgis.url) as conn:
        conn.execute("SELECT setseed(0.28)")
        conn.execute(
            "CREATE TABLE points AS SELECT 'p' || i AS name, ST_SetSRID(ST_MakePoint("
            "75 + random() * 59, 18 + random() * 35), 4326) AS geometry "
            "FROM generate_series(0, 99999) AS i ORDER BY i"
        )
    return read_postgis("points", postgis.url)


def _texts(values: pd.Series) -> list[str | None]:
    # geopandas writes with COPY, which reads empty text as NULL: the two are one here.
    return [None if pd.isna(v) or v == "" else str(v) for v in values]


def test_locate_1e5_points_from_a_table_and_write_the_answer_back(
    postgis: PostGIS, points: pd.DataFrame
) -> None:
    assert len(points) == 100_000 and points.crs.to_epsg() == 4326
    expected = goldmap.locate(points)
    result = _run("locate", "points", "--db", postgis.url, "--to-table", "located", "--overwrite")
    assert result.exit_code == 0, result.output
    back = read_postgis("located", postgis.url)
    assert len(back) == 100_000
    for column in ("name", "province_zh", "county_zh", "nearest_mine_id", "exploration_areas"):
        assert _texts(back[column]) == _texts(expected[column]), column
    # Integer codes with gaps come back as floats (NULL is NaN): equal as numbers.
    assert (
        back["province_adcode"].astype("Int64").equals(expected["province_adcode"].astype("Int64"))
    )
    assert np.allclose(back["nearest_mine_km"], expected["nearest_mine_km"])


def test_locate_takes_a_query(postgis: PostGIS, points: pd.DataFrame) -> None:
    query = "SELECT * FROM points WHERE name IN ('p1', 'p2', 'p3') ORDER BY name"
    located = goldmap.locate(query, db=postgis.url, lang="en")
    assert located["name"].tolist() == ["p1", "p2", "p3"]
    expected = goldmap.locate(points.iloc[[1, 2, 3]].reset_index(drop=True), lang="en")
    assert located["nearest_mine_id"].tolist() == expected["nearest_mine_id"].tolist()
