"""Locating on a Dask cluster gives exactly the answers of the in-memory path."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import goldmap
from goldmap.spatial import LOCATE_COLUMNS, locate
from tests.prerequisites import require_module

dask_geopandas = require_module("dask_geopandas")
distributed = require_module("distributed")


def assert_same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Same rows, values and goldmap columns; Dask may store the input's strings as Arrow."""
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert got[LOCATE_COLUMNS].dtypes.equals(expected[LOCATE_COLUMNS].dtypes)


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def sample() -> gpd.GeoDataFrame:
    """Random points over China and its seas, a few abroad, some in the plan areas."""
    rng = np.random.default_rng(42)
    n = 3000
    areas = pd.concat([goldmap.load("exploration_areas"), goldmap.load("development_areas")])
    in_areas = areas.geometry.sample_points(20, rng=rng).explode(index_parts=False)
    lon = np.concatenate([rng.uniform(73, 136, n), in_areas.x.to_numpy(), [2.35, -74.0]])
    lat = np.concatenate([rng.uniform(15, 54, n), in_areas.y.to_numpy(), [48.85, 40.7]])
    return gpd.GeoDataFrame(
        {"name": [f"p{i}" for i in range(len(lon))], "grade": rng.uniform(0, 10, len(lon))},
        geometry=gpd.points_from_xy(lon, lat),
        crs="EPSG:4326",
    )


def test_dask_frame_on_a_cluster_agrees_with_in_memory(client, sample):
    expected = locate(sample)
    assert (expected["development_areas"] != "").sum() > 0
    ddf = dask_geopandas.from_geopandas(sample, npartitions=5)
    got = locate(ddf, client=client)
    assert_same(got, expected)


def test_english_names_and_the_default_client_agree_too(client, sample):
    ddf = dask_geopandas.from_geopandas(sample, npartitions=3)
    assert_same(locate(ddf, lang="en"), locate(sample, lang="en"))


def test_partitioned_geoparquet_directory_agrees_with_in_memory(client, sample, tmp_path):
    folder = tmp_path / "points"
    dask_geopandas.from_geopandas(sample, npartitions=4).to_parquet(folder)
    assert len(list(folder.glob("*.parquet"))) == 4
    got = locate(folder, client=client)
    assert_same(got, locate(sample))


def test_lazy_result_can_be_written_partition_by_partition(client, sample, tmp_path):
    ddf = dask_geopandas.from_geopandas(sample, npartitions=4)
    lazy = locate(ddf, client=client, compute=False)
    assert lazy.npartitions == 4
    lazy.to_parquet(tmp_path / "located")
    got = gpd.read_parquet(tmp_path / "located").reset_index(drop=True)
    expected = locate(sample)
    assert got["province_zh"].tolist() == expected["province_zh"].tolist()
    assert got["nearest_mine_id"].tolist() == expected["nearest_mine_id"].tolist()


def test_a_partition_wholly_abroad_is_not_an_error_when_others_are_in_china(client, sample):
    abroad = gpd.GeoDataFrame(
        {"name": ["paris", "new york"], "grade": [1.0, 2.0]},
        geometry=gpd.points_from_xy([2.35, -74.0], [48.85, 40.7]),
        crs="EPSG:4326",
    )
    frame = pd.concat([sample.iloc[:50], abroad], ignore_index=True)
    ddf = dask_geopandas.from_geopandas(frame, npartitions=2, sort=False)
    got = locate(ddf, client=client)
    assert_same(got, locate(frame))
    assert got["location_note"].iloc[-1].startswith("outside China")


def test_swapped_coordinates_are_caught_across_partitions(client):
    table = pd.DataFrame({"lon": [37.2, 29.6, 30.1, 36.0], "lat": [120.0, 91.1, 104.0, 118.0]})
    points = gpd.GeoDataFrame(
        table, geometry=gpd.points_from_xy(table.lon, table.lat), crs="EPSG:4326"
    )
    ddf = dask_geopandas.from_geopandas(points, npartitions=2)
    with pytest.raises(goldmap.OutsideChinaError, match="swapped"):
        locate(ddf, client=client)


def test_an_in_memory_frame_with_a_client_is_sent_to_the_cluster(client, sample):
    got = locate(sample.iloc[:200], client=client)
    assert_same(got, locate(sample.iloc[:200]))


def test_located_partitions_are_written_as_geoparquet_1_1_with_a_bbox_covering(
    client, sample, tmp_path
):
    import json

    import pyarrow.parquet as pq
    import shapely

    from goldmap.spatial import write_located

    lazy = locate(dask_geopandas.from_geopandas(sample, npartitions=3), compute=False)
    folder = write_located(lazy, tmp_path / "located", client=client)
    files = sorted(folder.glob("*.parquet"))
    assert [f.name for f in files] == [f"part.{i:05d}.parquet" for i in range(3)]
    for file in files:
        geo = json.loads(pq.read_schema(file).metadata[b"geo"])
        assert geo["version"] == "1.1.0"
        covering = geo["columns"][geo["primary_column"]]["covering"]["bbox"]
        assert covering == {k: ["bbox", k] for k in ("xmin", "ymin", "xmax", "ymax")}
        table = pq.read_table(file)
        bbox = table.column("bbox").combine_chunks()
        got = np.column_stack([bbox.field(k).to_numpy() for k in ("xmin", "ymin", "xmax", "ymax")])
        geometries = shapely.from_wkb(table.column(geo["primary_column"]).to_numpy())
        np.testing.assert_allclose(got, shapely.bounds(geometries), rtol=1e-6)
    got = gpd.read_parquet(folder)
    expected = locate(sample)
    assert got["name"].tolist() == expected["name"].tolist()  # partition order kept
    assert got["province_zh"].astype(str).tolist() == expected["province_zh"].astype(str).tolist()
    # A reader asking for a bounding box gets only what lies in it.
    shandong = gpd.read_parquet(folder, bbox=(114.8, 34.4, 122.7, 38.4))
    assert 0 < len(shandong) < len(expected)
    assert shandong.geometry.within(shapely.box(114.8, 34.4, 122.7, 38.4)).all()


def test_writing_located_partitions_refuses_to_overwrite(client, sample, tmp_path):
    from goldmap.spatial import write_located

    located = locate(sample.iloc[:100])  # an in-memory frame: one partition
    folder = write_located(located, tmp_path / "located")
    assert [f.name for f in folder.glob("*.parquet")] == ["part.00000.parquet"]
    with pytest.raises(goldmap.OutputExistsError, match="overwrite=True"):
        write_located(located, folder)
    lazy = locate(dask_geopandas.from_geopandas(sample, npartitions=2), compute=False)
    write_located(lazy, folder, client=client, overwrite=True)
    assert len(list(folder.glob("*.parquet"))) == 2
    with pytest.raises(goldmap.ExportError, match="does not exist"):
        write_located(located, tmp_path / "missing" / "located")


def test_the_mines_given_are_measured_to_on_the_cluster_too(client, sample):
    mines = goldmap.load("key_mines")
    moved = mines.copy()
    moved.loc[moved["id"] == "sd-jiaojia", "geometry"] = gpd.points_from_xy([100.0], [35.0])
    ddf = dask_geopandas.from_geopandas(sample, npartitions=4)
    got = locate(ddf, client=client, mines=moved)
    expected = locate(sample, mines=moved)
    assert_same(got, expected)
    assert not got["nearest_mine_id"].equals(locate(sample)["nearest_mine_id"])
    lazy = locate(ddf, client=client, mines=moved, compute=False)
    assert_same(lazy.compute().reset_index(drop=True), expected)


def test_a_geoparquet_folder_is_counted_from_its_geometry_column_as_in_memory(tmp_path):
    from goldmap._parquet_extent import extent_counts, file_counts, parquet_files

    geometries = gpd.GeoSeries.from_wkt(
        ["POINT (120 37)", "POINT (37 120)", "POINT EMPTY", "POINT (2.35 48.85)"] * 3
        + ["POLYGON ((100 30, 101 30, 101 31, 100 30))", "LINESTRING (30 100, 31 101)"],
        crs="EPSG:4326",
    )
    frame = gpd.GeoDataFrame({"n": range(len(geometries))}, geometry=geometries)
    frame.iloc[:12].to_parquet(tmp_path / "a.parquet")  # points only: decoded in NumPy
    frame.to_parquet(tmp_path / "b.parquet")  # with other geometries: decoded by shapely
    files, column = parquet_files(tmp_path)
    for file, part in zip(files, [frame.iloc[:12], frame], strict=True):
        assert file_counts(file, column) == extent_counts(part.geometry.values)
    assert file_counts(files[0], column) == (3, 3, 12)


def test_a_lazy_result_of_a_swapped_geoparquet_folder_is_refused(client, tmp_path):
    table = pd.DataFrame({"lon": [37.2, 29.6, 30.1, 36.0], "lat": [120.0, 91.1, 104.0, 118.0]})
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(table.lon, table.lat), crs="EPSG:4326")
    dask_geopandas.from_geopandas(points, npartitions=2).to_parquet(tmp_path / "points")
    with pytest.raises(goldmap.OutsideChinaError, match="swapped"):
        locate(tmp_path / "points", client=client, compute=False)
