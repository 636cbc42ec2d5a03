"""find_area: one lookup of a plan area by id or name, behind the raster tools and the figure."""

from __future__ import annotations

import pytest

import goldmap
from goldmap.catalog import find_area
from goldmap.errors import NameNotFoundError

LAIZHOU = "dev-shandong-laizhou-zhaoyuan"


@pytest.mark.parametrize(
    "name",
    [
        LAIZHOU,
        "  DEV-Shandong-Laizhou-Zhaoyuan ",
        "山东莱州-招远",
        "laizhou-zhaoyuan, shandong",
        "Laizhou-Zhaoyuan in Shandong",
    ],
)
def test_an_area_is_found_by_id_or_any_of_its_names(name: str) -> None:
    found = find_area(name)
    assert found["id"].tolist() == [LAIZHOU]
    assert found.crs.to_epsg() == 4326
    assert found.index.tolist() == [0]


def test_every_area_is_found_by_each_of_its_keys() -> None:
    for layer in ("exploration_areas", "development_areas"):
        for row in goldmap.load(layer).itertuples():
            for key in (row.id, row.name_zh, row.name_en, row.name_plan_en):
                assert find_area(key)["id"].tolist() == [row.id]


def test_an_unknown_area_lists_the_ids() -> None:
    with pytest.raises(NameNotFoundError, match=LAIZHOU) as err:
        find_area("Atlantis")
    assert "'Atlantis'" in str(err.value)


def test_a_copy_each_call() -> None:
    first = find_area(LAIZHOU)
    first.loc[0, "name_zh"] = "changed"
    assert find_area(LAIZHOU).loc[0, "name_zh"] == "山东莱州-招远"


def test_raster_tools_and_the_figure_find_the_same_area() -> None:
    # The figure once took ids only and the raster tools names too; both ask find_area now.
    from goldmap.maps.static import _view

    assert goldmap.raster.area_frame("山东莱州-招远")["id"].tolist() == [LAIZHOU]
    by_name, by_id = _view("山东莱州-招远", None, "en"), _view(LAIZHOU, None, "en")
    assert by_name.heading == by_id.heading == "Laizhou-Zhaoyuan, Shandong"
    assert by_name.box == by_id.box
    with pytest.raises(NameNotFoundError):
        _view("Atlantis", None, "en")
