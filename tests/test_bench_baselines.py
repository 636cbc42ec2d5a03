"""The benchmark's hand-tuned locate pipeline gives goldmap.locate's answers (no timing)."""

import numpy as np
import pandas as pd
import pytest

import goldmap
from bench import baselines

N = 100_000


@pytest.fixture(scope="module")
def located():
    points = baselines.random_points(N, seed=7)
    return goldmap.locate(points), baselines.hand_tuned_locate(points)


def test_hand_tuned_pipeline_gives_goldmaps_answers(located):
    ours, theirs = located
    assert len(ours) == len(theirs) == N
    assert list(theirs.columns) == list(ours.columns)
    for column in ("province_adcode", "county_adcode"):
        pd.testing.assert_series_equal(ours[column], theirs[column])
    for column in ("exploration_areas", "development_areas", "nearest_mine_id", "location_note"):
        assert (ours[column].astype(str).to_numpy() == theirs[column].astype(str).to_numpy()).all()
    km = np.abs(
        ours["nearest_mine_km_exact"].to_numpy() - theirs["nearest_mine_km_exact"].to_numpy()
    )
    assert km.max() <= 1e-6
    for column in ("nearest_mine_precision", "nearest_mine_shares_point"):
        assert (ours[column].astype(str).to_numpy() == theirs[column].astype(str).to_numpy()).all()
    for column in ("nearest_mine_km", "nearest_mine_uncertainty_km"):
        np.testing.assert_array_equal(ours[column].to_numpy(), theirs[column].to_numpy())
    assert baselines.compare(ours, theirs) == dict.fromkeys(
        (*baselines.ANSWERS, "nearest_mine_km"), 0
    )


def test_the_points_meet_every_answer(located):
    """The sample is not trivial: it reaches counties, both kinds of plan area and the sea."""
    ours, _ = located
    assert ours["county_adcode"].notna().sum() > N // 4
    assert ours["county_adcode"].isna().sum() > N // 4
    assert (ours["exploration_areas"] != "").sum() > 100
    assert (ours["development_areas"] != "").sum() > 100
    assert ours["nearest_mine_id"].nunique() > 20


def test_geopandas_baseline_answers_the_same_questions():
    points = baselines.random_points(2_000, seed=11)
    ours, theirs = goldmap.locate(points), baselines.geopandas_locate(points)
    counts = baselines.compare(ours, theirs)
    assert counts["county_adcode"] == counts["province_adcode"] == 0
    assert counts["exploration_areas"] == counts["development_areas"] == 0
    # Its nearest mine is planar (equal-area CRS): mostly, not always, the geodesic one.
    assert counts["nearest_mine_id"] < len(points) // 5
