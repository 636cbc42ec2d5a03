"""A figure of the view the user sees: filters, company, statistic, colours, uploads, fixes."""

import pandas as pd
import pytest

import goldmap
from goldmap.maps import Choropleth
from goldmap.maps._mine_colors import mine_categories
from goldmap.maps.choropleth import classify
from goldmap.styles import STATUS_COLORS

matplotlib = pytest.importorskip("matplotlib")
from matplotlib.colors import to_hex  # noqa: E402

from goldmap.maps.static import figure  # noqa: E402


def _map(fig):
    return next(a for a in fig.axes if a.get_label() == "map")


def _mine_points(ax) -> int:
    """How many mines the figure draws (the outline or the filled star of each)."""
    return sum(
        len(c.get_offsets())
        for c in ax.collections
        if c.get_label() in ("mines_filled", "mines_half", "mines_hollow")
    )


def _legend_texts(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_filters_company_and_colouring_reach_the_figure():
    mines = goldmap.load("key_mines")
    fig = figure(lang="en", dpi=60, provinces=["Shandong"], company="601899", color_by="owner")
    ax = _map(fig)
    from goldmap.maps import filter_layer

    kept = filter_layer(mines, provinces=["Shandong"], company="601899")
    assert 0 < len(kept) < (mines["province_adcode"] == 370000).sum()
    assert _mine_points(ax) == len(kept)
    _, categories = mine_categories(kept.drop(columns="geometry").to_dict("records"), "owner")
    texts = _legend_texts(ax)
    for category in categories:
        assert any(t.endswith(category.en) for t in texts), category
    # Framed on Shandong, the company named in the title.
    assert fig.texts[0].get_text() == "Shandong · 601899"
    assert "Key exploration area" not in texts  # none in Shandong: no key for them


def test_a_statistic_colours_the_provinces_in_the_web_map_s_classes():
    provinces = goldmap.load("provinces", simplified=True)
    counts = goldmap.load("key_mines")["province_adcode"].value_counts()
    provinces["n"] = provinces["adcode"].map(counts).fillna(0)
    statistic = Choropleth(provinces, "n", title="Key mines (count)")
    ax = _map(figure(lang="en", dpi=60, choropleth=statistic))
    classes = classify(provinces["n"])
    drawn = {
        to_hex(c)
        for coll in ax.collections
        if coll.get_zorder() == 2.05
        for c in coll.get_facecolors()
    }
    assert drawn == set(classes.colors)
    texts = _legend_texts(ax)
    assert "Key mines (count)" in texts
    assert all(label in texts for label in classes.labels)


def test_uploaded_features_and_corrected_mines_are_drawn():
    points = goldmap.read_features(
        pd.DataFrame({"lon": [120.3, 120.5, 113.6], "lat": [37.2, 37.0, 34.7]})
    )
    corrected = goldmap.load("key_mines")
    jiaojia = corrected.index[corrected["id"] == "sd-jiaojia"][0]
    import shapely

    corrected.loc[jiaojia, "geometry"] = shapely.Point(119.9512, 37.3987)
    corrected.loc[jiaojia, "location_precision"] = "deposit"
    ax = _map(figure(lang="zh", dpi=60, province="山东", features=points, mines=corrected))
    (uploaded,) = [c for c in ax.collections if c.get_label() == "your_features"]
    assert len(uploaded.get_offsets()) == 3
    assert any(t.startswith("我的要素") and "3" in t for t in _legend_texts(ax))
    filled = next(c for c in ax.collections if c.get_label() == "mines_filled")
    moved = corrected.loc[[jiaojia]].to_crs(goldmap.crs.EQUAL_AREA_CRS).geometry.iloc[0]
    assert any(abs(px - moved.x) < 1 and abs(py - moved.y) < 1 for px, py in filled.get_offsets())


def test_status_colours_come_from_one_place():
    ax = _map(figure(lang="en", dpi=60, provinces=["Shandong"], color_by="status"))
    drawn = {
        to_hex(c)
        for coll in ax.collections
        if coll.get_zorder() == 7
        for c in [*coll.get_facecolors(), *coll.get_edgecolors()]
    }
    kept = goldmap.load("key_mines")
    kept = kept[kept["province_adcode"] == 370000]
    assert {STATUS_COLORS[s] for s in kept["status"].fillna("unknown")} <= drawn


def test_the_plan_s_other_layers_shown_in_the_app_reach_the_figure():
    from goldmap.catalog import LAYERS

    layers = ["consolidation_provinces", "copper_bases", "area_deposits", "key_mines"]
    ax = _map(figure(lang="zh", dpi=60, layers=layers))
    texts = _legend_texts(ax)
    for layer in ("consolidation_provinces", "copper_bases", "area_deposits"):
        assert LAYERS[layer].title_zh in texts, layer
    (deposits,) = [c for c in ax.collections if c.get_label() == "area_deposits"]
    assert len(deposits.get_offsets()) == len(goldmap.load("area_deposits"))
