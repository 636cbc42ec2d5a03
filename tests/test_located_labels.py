"""A located answer said in the other language is the answer locate gives in that language."""

import numpy as np
import pandas as pd
import pytest

import goldmap
from goldmap._located_labels import LANG_COLUMNS, located_labels, relabel

# Points in plan areas and at stand-ins several mines share (Zhaoyuan, Laizhou), some far
# from every area, one outside China (no province, a nearest mine all the same).
_PLACES = pd.DataFrame(
    {
        "name": ["Zhaoyuan", "Sanshandao", "Lhasa", "Kunming", "Tongling", "Ulaanbaatar"],
        "lon": [120.41, 119.95, 91.13, 102.71, 117.81, 106.91],
        "lat": [37.36, 37.40, 29.65, 25.04, 30.94, 47.92],
    }
)


def _cells(column: pd.Series) -> list:
    """The column as a reader reads it: strings, None where missing."""
    return [None if pd.isna(v) else str(v) for v in column.astype(object)]


def _places() -> pd.DataFrame:
    rng = np.random.default_rng(24)
    scattered = pd.DataFrame(
        {"name": "random", "lon": rng.uniform(98, 123, 400), "lat": rng.uniform(23, 42, 400)}
    )
    return pd.concat([_PLACES, scattered], ignore_index=True)


@pytest.mark.parametrize(("asked", "said"), [("en", "zh"), ("zh", "en")])
def test_relabelled_answer_equals_locate_in_the_other_language(asked, said):
    places = _places()
    answer = goldmap.locate(places, lang=asked)
    expected = goldmap.locate(places, lang=said)
    shown = relabel(answer, located_labels(), said)
    for column in LANG_COLUMNS:
        assert _cells(shown[column]) == _cells(expected[column]), column
    # The rest of the answer is the same, and the answer given is left as it was.
    same = [c for c in answer.columns if c not in LANG_COLUMNS and c != "geometry"]
    pd.testing.assert_frame_equal(pd.DataFrame(shown[same]), pd.DataFrame(answer[same]))
    assert _cells(answer["exploration_areas"]) == _cells(
        goldmap.locate(places, lang=asked)["exploration_areas"]
    )


def test_the_examples_read_as_a_reader_expects():
    answer = goldmap.locate(_PLACES, lang="en")
    shown = relabel(answer, located_labels(), "zh")
    zhaoyuan = shown.iloc[0]
    assert "招远" in zhaoyuan["development_areas"]
    assert zhaoyuan["nearest_mine_shares_point"] != ""  # the county stand-in several share
    assert answer.iloc[0]["nearest_mine_shares_point"].isascii()
    assert not zhaoyuan["nearest_mine_shares_point"].isascii()


def test_relabelling_with_corrected_mines_names_the_mines_measured_to():
    mines = goldmap.load("key_mines")
    moved = mines.copy()
    # Two mines moved onto one point: each now shares it with the other.
    point = moved.loc[moved["id"] == "sd-sanshandao", "geometry"].iloc[0]
    moved.loc[moved["id"] == "gz-nibao", "geometry"] = point
    answer = goldmap.locate(_PLACES, lang="en", mines=moved)
    expected = goldmap.locate(_PLACES, lang="zh", mines=moved)
    shown = relabel(answer, located_labels(moved), "zh")
    column = "nearest_mine_shares_point"
    assert _cells(shown[column]) == _cells(expected[column])
    assert "泥堡" in shown.iloc[1][column]


def test_an_unknown_language_is_refused():
    answer = goldmap.locate(_PLACES.iloc[:1], lang="en")
    with pytest.raises(goldmap.GoldmapError, match="fr"):
        relabel(answer, located_labels(), "fr")
