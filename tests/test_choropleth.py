"""A statistic's classes suit its values, its colours keep the plan areas readable, and every
legend of the map is one box."""

import itertools
import re

import pandas as pd
import pytest

import goldmap
from goldmap.maps import Choropleth, make_map, overlay_groups, to_html
from goldmap.maps.choropleth import SCHEMES, classify
from goldmap.styles import LAYER_STYLES, NO_DATA_COLOR, hex_to_rgb
from tests.pages import layer_data


def _mine_counts() -> pd.Series:
    provinces = goldmap.load("provinces", simplified=True)
    counts = goldmap.load("key_mines")["province_adcode"].value_counts()
    return provinces["adcode"].map(counts).fillna(0)


def _ranges(labels: list[str]) -> list[tuple[float, float]]:
    out = []
    for label in labels:
        numbers = [float(n.replace(",", "")) for n in re.findall(r"-?[\d,]+(?:\.\d+)?", label)]
        out.append((numbers[0], numbers[-1]))
    return out


@pytest.mark.parametrize("scheme", SCHEMES)
def test_counts_get_whole_number_classes_that_never_overlap(scheme):
    counts = _mine_counts()
    classes = classify(counts, scheme=scheme, k=5)
    ranges = _ranges(classes.labels)
    for low, high in ranges:
        assert low == int(low) and high == int(high) and low <= high, classes.labels
    for (_, high), (low, _) in itertools.pairwise(ranges):
        assert low == high + 1, classes.labels  # 0 / 1 / 2 / 3 – 4: no gap, no overlap
    # Each value lies in the range of its own class.
    for value, c in zip(counts, classes.of, strict=True):
        low, high = ranges[c]
        assert low <= value <= high
    assert "." not in "".join(classes.labels)


def test_the_default_classes_of_the_mine_counts():
    classes = classify(_mine_counts())  # Fisher-Jenks, 5 classes
    assert classes.labels == ["0", "1", "2", "3 – 4", "5 – 11"]
    assert len(set(classes.colors)) == 5


def test_few_distinct_values_get_fewer_classes_and_decimals_keep_their_own_ranges():
    assert classify(pd.Series([1, 1, 2, 2, None]), k=5).labels == ["1", "2"]
    assert classify(pd.Series([7, 7, 7]), k=5).labels == ["7"]
    labels = classify(pd.Series([0.5, 1.2, 3.3, 7.9, 12.0, 40.1]), k=4).labels
    ranges = _ranges(labels)
    assert all(b[0] > a[1] for a, b in itertools.pairwise(ranges)), labels


def _distance(a: str, b: str) -> float:
    return sum((x - y) ** 2 for x, y in zip(hex_to_rgb(a), hex_to_rgb(b), strict=True)) ** 0.5


def test_the_class_colours_stay_apart_from_the_area_layers():
    classes = classify(_mine_counts(), k=7)
    for area in ("exploration_areas", "development_areas"):
        style = LAYER_STYLES[area]
        for colour in classes.colors:
            assert _distance(colour, style.fill) > 100, (area, colour)
            # a purple-blue ramp: blue over red, never orange's red-over-blue
            r, _, b = hex_to_rgb(colour)
            assert b >= r, colour
    assert NO_DATA_COLOR not in classes.colors


def test_a_map_with_a_statistic_and_mines_has_one_legend_box():
    provinces = goldmap.load("provinces", simplified=True)
    provinces["n"] = _mine_counts()
    statistic = Choropleth(provinces, "n", title="Key mines (count)")
    page = to_html(make_map(lang="en", choropleth=statistic))
    # Every legend part goes into the one box the map keeps (map._goldmapLegend).
    assert page.count('L.DomUtil.create("div", "goldmap-legend")') >= 1
    assert "map._goldmapLegend" in page
    parts = re.findall(r"\}\)\((\".*?\"), (\d+), (\w+)\);", page)
    legends = [p for p in parts if "goldmap" in p[0] or "Key mines" in p[0]]
    assert len(legends) == 1  # one legend on a whole map: classes and symbols together
    (choropleth,) = [
        d
        for d in layer_data(page)
        if d["features"][0]["properties"]["_layer"] == "provinces"
        and "_tooltip" in d["features"][0]["properties"]
        and "Key mines (count)" in d["features"][0]["properties"]["_tooltip"]
    ]
    colours = {f["properties"]["_style"]["fillColor"] for f in choropleth["features"]}
    assert colours <= set(classify(provinces["n"]).colors)


def test_layer_groups_put_their_legends_into_the_same_box():
    provinces = goldmap.load("provinces", simplified=True)
    provinces["n"] = _mine_counts()
    m = make_map([])
    groups = overlay_groups(m, ["key_mines"], choropleth=Choropleth(provinces, "n"))
    for group in groups:
        group.add_to(m)
    page = to_html(m)
    parts = re.findall(r"\}\)\((\".*?\"), (\d+), (\w+)\);\n", page)
    orders = sorted(int(order) for _, order, _ in parts)
    assert orders[0] == 0  # the statistic's classes first in the box
    assert page.count("map._goldmapLegend = control.addTo(map)") == len(
        parts
    )  # one script each, one box
