"""The in-memory locate engine: its fast paths give the exact answers, mines tie and skip."""

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely

import goldmap
from goldmap import _locate, _nearest_mine, _points

SEED = 20251201


def _near_county_borders(n: int, jitter: float) -> tuple[np.ndarray, np.ndarray]:
    counties = goldmap.load("counties")
    rng = np.random.default_rng(SEED)
    rings = shapely.boundary(counties.geometry.values)
    pick = rings[rng.integers(0, len(rings), n)]
    on = shapely.line_interpolate_point(pick, rng.uniform(0, 1, n), normalized=True)
    x = shapely.get_x(on) + rng.uniform(-jitter, jitter, n)
    y = shapely.get_y(on) + rng.uniform(-jitter, jitter, n)
    return x, y


@pytest.mark.parametrize("jitter", [0.0, 0.001, 0.05])
def test_county_grid_gives_the_exact_county_near_borders(jitter, monkeypatch):
    x, y = _near_county_borders(20_000, jitter)
    inside = _points.in_box(x, y)
    anchors = shapely.points(x, y)
    monkeypatch.setattr(_locate, "GRID_MIN_FEATURES", 10**12)
    exact = _locate.county_rows(anchors, x, y, inside)
    monkeypatch.setattr(_locate, "GRID_MIN_FEATURES", 1)
    gridded = _locate.county_rows(anchors, x, y, inside)
    np.testing.assert_array_equal(gridded, exact)
    assert (exact >= 0).mean() > 0.9


def test_county_grid_answers_most_points_itself():
    """Off the borders the grid decides alone: the fast path is taken, not just tolerated."""
    grid = _locate.county_grid()
    x, y = _near_county_borders(20_000, 0.05)
    cells = grid.ravel()[_points.grid_cells(x, y, _locate._GRID_CELL_DEG, grid.shape)]
    assert (cells >= 0).mean() > 0.15


def test_the_shipped_county_grid_is_the_one_the_installed_counties_give():
    """Rebuilding the boundaries without the grid fails here, not as slow uploads later."""
    from goldmap import _county_grid
    from goldmap._resources import data_path

    with np.load(data_path(*_county_grid.GRID_FILE)) as shipped:
        assert str(shipped["counties_sha256"]) == _county_grid._counties_digest()
        stored = shipped["grid"]
    built = _county_grid.build_county_grid(_locate.CHINA_BOUNDS, _locate._GRID_CELL_DEG)
    np.testing.assert_array_equal(stored, built)
    np.testing.assert_array_equal(_locate.county_grid(), built)


@pytest.mark.parametrize("stale", ["other counties", "other cell size"])
def test_a_grid_built_for_something_else_is_built_again(stale, monkeypatch, tmp_path):
    from goldmap import _county_grid

    cell = _locate._GRID_CELL_DEG
    written = _county_grid.write_county_grid(
        _locate.CHINA_BOUNDS, cell * 2 if stale == "other cell size" else cell, tmp_path / "g.npz"
    )
    real_path = _county_grid.data_path
    monkeypatch.setattr(
        _county_grid,
        "data_path",
        lambda *parts: written if parts == _county_grid.GRID_FILE else real_path(*parts),
    )
    if stale == "other counties":
        monkeypatch.setattr(_county_grid, "_counties_digest", lambda: "0" * 64)
    assert _county_grid._shipped(_locate.CHINA_BOUNDS, cell) is None
    builds = []
    monkeypatch.setattr(_county_grid, "build_county_grid", lambda *a: builds.append(a) or a)
    _county_grid.county_grid.cache_clear()
    try:
        assert _county_grid.county_grid(_locate.CHINA_BOUNDS, cell) == (_locate.CHINA_BOUNDS, cell)
    finally:
        _county_grid.county_grid.cache_clear()
    assert builds == [(_locate.CHINA_BOUNDS, cell)]


def test_mine_grid_gives_the_k_d_tree_answer():
    rng = np.random.default_rng(SEED)
    lon0, lat0, lon1, lat1 = _locate.CHINA_BOUNDS
    x, y = rng.uniform(lon0, lon1, 200_000), rng.uniform(lat0, lat1, 200_000)
    index = _nearest_mine.mine_index()
    expected = index.geodesic_nearest(x, y)  # the tree and Geod.inv, no grid
    np.testing.assert_array_equal(index.nearest_distinct(x, y), expected)
    assert (index.grid >= 0).mean() > 0.8


def test_mines_sharing_a_point_answer_with_the_first_row():
    mines = goldmap.load("key_mines")
    mines = mines[mines.geometry.notna() & ~mines.geometry.is_empty].reset_index(drop=True)
    twin = mines.iloc[[3]].assign(id="twin-a")
    mines = gpd.GeoDataFrame(
        gpd.pd.concat([mines.iloc[:3], twin, mines.iloc[3:]], ignore_index=True),
        crs=mines.crs,
    )
    # rows 3 ("twin-a") and 4 share one point
    px, py = mines.geometry.x[4], mines.geometry.y[4]
    index, km = goldmap.nearest_mine([px, px + 0.01], [py, py - 0.01], mines=mines)
    assert index.tolist() == [3, 3]
    assert km[0] == 0.0
    located = goldmap.locate(
        gpd.GeoDataFrame(geometry=gpd.points_from_xy([px], [py]), crs=4326), mines=mines
    )
    assert located.loc[0, "nearest_mine_id"] == "twin-a"


def test_the_real_layers_twin_mines_tie_to_the_first_row():
    mines = goldmap.load("key_mines")
    xy = list(zip(mines.geometry.x, mines.geometry.y, strict=True))
    twins = [i for i, p in enumerate(xy) if p == p and xy.index(p) != i]  # NaN != NaN
    if not twins:
        pytest.skip("no two key mines share a point in this data")
    row = twins[0]
    first = xy.index(xy[row])
    index, _ = goldmap.nearest_mine([xy[row][0]], [xy[row][1]])
    assert index[0] == first


@pytest.mark.parametrize("blank", [shapely.Point(), None], ids=["empty", "missing"])
def test_a_mine_without_a_position_is_never_the_nearest(blank):
    mines = goldmap.load("key_mines")
    mines = mines[mines.geometry.notna() & ~mines.geometry.is_empty].reset_index(drop=True)
    px, py = mines.geometry.x[5], mines.geometry.y[5]
    geometry = mines.geometry.values.copy()
    geometry[5] = blank
    blanked = gpd.GeoDataFrame(mines.drop(columns="geometry"), geometry=geometry, crs=4326)
    rng = np.random.default_rng(SEED)
    x, y = px + rng.uniform(-0.5, 0.5, 60_000), py + rng.uniform(-0.5, 0.5, 60_000)
    x[0], y[0] = px, py
    index, km = goldmap.nearest_mine(x, y, mines=blanked)
    assert 5 not in set(index.tolist())
    assert np.isfinite(km).all() and (km > 0).all()
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=4326)
    located = goldmap.locate(points, mines=blanked)
    assert mines.loc[5, "id"] not in set(located["nearest_mine_id"].astype(str))
    assert located["nearest_mine_km"].notna().all()


def test_without_any_mine_position_the_nearest_is_missing():
    mines = goldmap.load("key_mines")
    nowhere = mines.set_geometry(gpd.GeoSeries([None] * len(mines), crs=mines.crs))
    index, km = goldmap.nearest_mine([120.0], [37.4], mines=nowhere)
    assert index.tolist() == [-1]
    assert np.isnan(km).all()


def test_the_shipped_layer_may_hold_a_mine_without_position():
    """Whatever the data hold, a locate never names a mine that has no position."""
    mines = goldmap.load("key_mines")
    blank = set(mines.loc[mines.geometry.isna() | mines.geometry.is_empty, "id"])
    points = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(np.linspace(75, 134, 5_000), np.linspace(20, 52, 5_000)),
        crs=4326,
    )
    located = goldmap.locate(points)
    assert not blank & set(located["nearest_mine_id"].astype(str))
    assert located["nearest_mine_km"].notna().all()


def test_columns_and_notes_keep_their_types():
    points = gpd.GeoDataFrame(
        geometry=[
            shapely.Point(120.0, 37.4),
            shapely.Point(125.0, 33.0),
            shapely.Point(),
            shapely.Point(40.0, 40.0),
        ],
        crs=4326,
    )
    located = goldmap.locate(points)
    assert str(located["location_note"].dtype) == "str"
    assert str(located["exploration_areas"].dtype) == "str"
    assert str(located["province_zh"].dtype) == "category"
    assert str(located["province_adcode"].dtype) == "Int64"
    assert located["location_note"].tolist() == [
        "",
        "not in any county-level unit (at sea or outside China's boundary)",
        "empty geometry",
        "outside China: no province or county",
    ]
    assert np.isnan(located.loc[2, "nearest_mine_km"])


def _brute_force_nearest(
    mines: gpd.GeoDataFrame, x: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Geodesic km from every point to every mine with a position; the first row of the least."""
    geod = pyproj.Geod(ellps="WGS84")
    known = np.flatnonzero(~(mines.geometry.isna() | mines.geometry.is_empty).to_numpy())
    mx, my = mines.geometry.x.to_numpy()[known], mines.geometry.y.to_numpy()[known]
    km = np.empty((len(x), len(known)))
    for j in range(len(known)):
        _, _, metres = geod.inv(x, y, np.full(len(x), mx[j]), np.full(len(x), my[j]))
        km[:, j] = np.asarray(metres) / 1000.0
    best = np.argmin(km, axis=1)  # the first column (mine row) of the least distance
    return known[best], km[np.arange(len(x)), best]


def test_the_nearest_mine_is_the_geodesic_nearest_not_the_spherical_one():
    """Against every mine measured on WGS84: the nearest on the sphere is not always it."""
    rng = np.random.default_rng(SEED)
    x, y = rng.uniform(73.5, 135.1, 20_000), rng.uniform(18.0, 53.6, 20_000)
    mines = goldmap.load("key_mines")
    expected_row, expected_km = _brute_force_nearest(mines, x, y)
    index, km = goldmap.nearest_mine(x, y)
    np.testing.assert_array_equal(index, expected_row)
    np.testing.assert_allclose(km, expected_km, rtol=0, atol=1e-9)
    located = goldmap.locate(gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=4326))
    ids = mines["id"].to_numpy()[expected_row]
    assert (located["nearest_mine_id"].astype(str).to_numpy() == ids).all()
    np.testing.assert_allclose(
        located["nearest_mine_km_exact"].to_numpy(), np.round(expected_km, 3), rtol=0, atol=1e-9
    )


def test_a_ring_of_mines_at_near_equal_distance_answers_the_geodesic_nearest():
    """Many mines within the sphere/ellipsoid margin of one another; exact ties to the first."""
    bearing = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    # a circle on the ground: a degree of longitude is cos(35°) of one of latitude
    lon, lat = 110.0 + np.cos(bearing) / np.cos(np.radians(35.0)), 35.0 + np.sin(bearing)
    mines = gpd.GeoDataFrame(
        {
            "id": [f"m{i}" for i in range(12)],
            "name_zh": [f"矿{i}" for i in range(12)],
            "name_en": [f"Mine {i}" for i in range(12)],
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs=4326,
    )
    rng = np.random.default_rng(SEED)
    x = np.concatenate([[110.0], 110.0 + rng.uniform(-0.05, 0.05, 3000)])
    y = np.concatenate([[35.0], 35.0 + rng.uniform(-0.05, 0.05, 3000)])
    expected_row, expected_km = _brute_force_nearest(mines, x, y)
    index, km = goldmap.nearest_mine(x, y, mines=mines)
    np.testing.assert_array_equal(index, expected_row)
    np.testing.assert_allclose(km, expected_km, rtol=0, atol=1e-9)
    assert len(set(expected_row.tolist())) > 4  # the answer is not one mine for all
