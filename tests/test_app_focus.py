"""The app sends the map where the reader asks (text, filters), and a language switch keeps an
upload's answer: located once, its names said in the other language."""

import io
from pathlib import Path

import pandas as pd
import pytest
import shapely

from tests.app_sessions import forget_test_sessions, kept_values
from tests.prerequisites import require_module
from tests.streamlit_page import RUN_TIMEOUT_S

AppTest = require_module("streamlit.testing.v1").AppTest

import goldmap  # noqa: E402  (after the prerequisite: goldmap.app needs streamlit)
from goldmap.app import _jobs, data  # noqa: E402

APP = str(Path(__file__).resolve().parent.parent / "app.py")
POINTS = b"site,lon,lat\nZY-1,120.41,37.36\nSSD-2,119.95,37.40\nLS-3,91.13,29.65\n"


def _app(**params):
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _focus(at):
    return at.session_state["map_focus"]


def _inside(bounds, lon, lat):
    (south, west), (north, east) = bounds
    return west < lon < east and south < lat < north


def test_a_place_in_the_plan_sends_the_map_to_it_with_its_popup_each_time():
    at = _app(lang="en")
    at.button(key="plan_sd-sanshandao").click().run()
    assert not at.exception
    focus = _focus(at)
    mine = goldmap.load("key_mines").set_index("id").geometry["sd-sanshandao"]
    assert focus["feature"] == "key_mines:sd-sanshandao"
    assert focus["scroll"] is True and focus["inside"] is False
    assert _inside(focus["bounds"], mine.x, mine.y)
    (south, west), (north, east) = focus["bounds"]
    assert east - west < 0.5 and north - south < 0.5  # the mine, not its province
    # Asked again (the reader has moved the map meanwhile): a new request.
    at.button(key="plan_sd-sanshandao").click().run()
    assert _focus(at)["token"] != focus["token"]
    # A rerun that asks nothing keeps the request as it was (the map applies it once).
    token = _focus(at)["token"]
    at.run()
    assert _focus(at)["token"] == token


def test_a_place_on_a_hidden_layer_switches_the_layer_on():
    at = _app(lang="zh", layers="key_mines")
    at.button(key="plan_exp-qinghai-east-kunlun").click().run()
    assert not at.exception
    assert "exploration_areas" in at.session_state["layers"]
    assert _focus(at)["feature"] == "exploration_areas:exp-qinghai-east-kunlun"


def test_a_province_filter_fits_the_map_and_other_filters_leave_it():
    at = _app(lang="en")
    assert "map_focus" not in at.session_state  # all of China, as the map opens
    at.multiselect(key="provinces_en").set_value([370000]).run()
    focus = _focus(at)
    shandong = goldmap.load("provinces").set_index("adcode").geometry[370000]
    west, south, east, north = shandong.bounds
    assert _inside(focus["bounds"], west + 0.01, south + 0.01)
    assert _inside(focus["bounds"], east - 0.01, north - 0.01)
    assert focus["inside"] is True and focus["feature"] is None and focus["scroll"] is False
    for change in (
        lambda: at.multiselect(key="commodities_en").set_value(["copper"]),
        lambda: at.selectbox(key="stat_en").set_value("summary:key_mines"),
        lambda: at.radio(key="lang").set_value("zh"),
    ):
        change().run()
        assert not at.exception
        assert at.session_state["map_focus"]["token"] == focus["token"]
    at.multiselect(key="provinces_zh").set_value([370000, 410000]).run()
    both = _focus(at)
    assert both["token"] != focus["token"]
    henan = goldmap.load("provinces").set_index("adcode").geometry[410000]
    assert _inside(both["bounds"], *shapely.get_coordinates(henan.centroid)[0])


def test_a_focus_link_opens_the_mine_without_scrolling():
    at = _app(lang="en", focus="key_mines:qh-dachaidan")
    assert not at.exception
    focus = _focus(at)
    assert focus["feature"] == "key_mines:qh-dachaidan" and focus["scroll"] is False
    assert at.session_state["selected"] == ("key_mines", "qh-dachaidan")


@pytest.fixture
def counted_jobs(monkeypatch):
    """Run the worker's jobs here, counting them by name, in a session with nothing kept."""
    forget_test_sessions()
    jobs = []

    def here(work, *args, **kwargs):
        jobs.append(work.__name__)
        return work(*args, **kwargs)

    monkeypatch.setattr(data, "in_worker", here)
    yield jobs
    forget_test_sessions()


def test_a_language_switch_relabels_an_upload_and_never_locates_it_again(counted_jobs):
    at = _app(lang="en")
    (uploader,) = [u for u in at.get("file_uploader") if u.key == "features_upload"]
    uploader.set_value(("points.csv", POINTS, "text/csv")).run()
    assert not at.exception and not at.error
    assert counted_jobs == ["locate_upload"]
    places = pd.read_csv(io.BytesIO(POINTS))
    for lang in ("zh", "en", "zh"):
        at.radio(key="lang").set_value(lang).run()
        assert not at.exception and not at.error
        assert counted_jobs == ["locate_upload"], lang  # located once, whatever the language
        expected = goldmap.locate(places, lang=lang)  # the library's answer in that language
        upload = kept_values(at)["user_upload"]
        for frame in (upload.drawn, upload.table):
            for column in ("exploration_areas", "development_areas", "nearest_mine_shares_point"):
                assert frame[column].astype(object).tolist() == (
                    expected[column].astype(object).tolist()
                ), (lang, column)
        names = set(upload.summary["name"])
        assert set(expected[f"province_{lang}"].dropna()) <= names
    # The table the reader sees is in Chinese, the plan area named as the library names it.
    zhaoyuan = goldmap.locate(places.iloc[:1], lang="zh")["development_areas"].iloc[0]
    shown = [df.value for df in at.dataframe if "ZY-1" in df.value.to_string()]
    assert shown and zhaoyuan in shown[0].to_string()
    # The download is in the page's language too (one export job, no locate).
    download = data.located_download(kept_values(at)["user_upload"], "located", "csv")
    assert counted_jobs == ["locate_upload", "export_located"]
    assert zhaoyuan in pd.read_csv(io.BytesIO(download))["development_areas"].iloc[0]


def test_the_relabelled_upload_is_made_once_per_language(counted_jobs, monkeypatch):
    made = []
    relabel = _jobs.relabel
    monkeypatch.setattr(_jobs, "relabel", lambda *a, **k: made.append(1) or relabel(*a, **k))
    at = _app(lang="en")
    (uploader,) = [u for u in at.get("file_uploader") if u.key == "features_upload"]
    uploader.set_value(("points.csv", POINTS, "text/csv")).run()
    assert counted_jobs == ["locate_upload"]
    after_upload = len(made)  # the summary's names in the other language
    at.radio(key="lang").set_value("zh").run()
    assert len(made) == after_upload + 2  # the drawn features and the table
    at.radio(key="lang").set_value("en").run()
    at.radio(key="lang").set_value("zh").run()
    at.run()
    assert not at.exception and len(made) == after_upload + 2


def test_an_upload_with_a_swapped_row_sends_the_map_to_its_real_places():
    # The second row's latitude is 120 (lon and lat swapped): its note says so, and the map
    # goes to the rows that lie on the globe, not to a box stretched past the pole.
    swapped = b"site,lon,lat\nZY-1,120.41,37.36\nBAD-2,37.40,120.0\nSSD-3,119.95,37.40\n"
    at = _app(lang="en")
    (uploader,) = [u for u in at.get("file_uploader") if u.key == "features_upload"]
    uploader.set_value(("swapped.csv", swapped, "text/csv")).run()
    assert not at.exception and not at.error
    (south, west), (north, _) = _focus(at)["bounds"]
    assert -90 <= south <= north <= 90
    assert _inside(_focus(at)["bounds"], 120.41, 37.36) and _inside(
        _focus(at)["bounds"], 119.95, 37.40
    )
    assert west > 100  # the swapped row's longitude 37.4 is not in the box
    forget_test_sessions()
