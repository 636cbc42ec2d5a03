import re
from pathlib import Path

import pytest

from tests.prerequisites import require_module
from tests.streamlit_page import RUN_TIMEOUT_S

AppTest = require_module("streamlit.testing.v1").AppTest

import goldmap  # noqa: E402  (after the prerequisite: goldmap.app needs streamlit)
from goldmap.app import state  # noqa: E402
from tests.app_sessions import shown_features  # noqa: E402

APP = str(Path(__file__).resolve().parent.parent / "app.py")
EVIL = "<script>alert(1)</script><img src=x onerror=alert(1)>"


def _app(**params):
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _uploader(at, key):
    return next(u for u in at.get("file_uploader") if u.key == key)


def _texts(at):
    """Every text the page shows outside dataframes, with whether HTML is allowed."""
    out = []
    for kind in ("markdown", "caption", "error", "warning", "success", "info", "title"):
        for element in getattr(at, kind):
            out.append((str(element.value), getattr(element.proto, "allow_html", False)))
    return out


def _assert_no_markup(at):
    """Uploaded text reaches Markdown only escaped (every "<" as "\\<"), never as HTML."""
    for text, allow_html in _texts(at):
        if "script" in text or "onerror" in text:
            assert not allow_html
            assert not re.search(r"(?<!\\)<", text), text


def test_default_view_and_url():
    at = _app()
    assert not at.exception
    assert at.title[0].value.startswith("黄金")
    assert at.query_params["lang"] == "zh"
    assert at.query_params["layers"] == "exploration_areas,development_areas,key_mines"
    table_rows = [m.value for m in at.markdown if "·" in m.value]
    assert len(table_rows) == 3


def test_language_round_trip_keeps_every_choice():
    at = _app(lang="zh")
    at.multiselect(key="provinces_zh").set_value([370000]).run()
    at.multiselect(key="layers_zh").set_value(["key_mines", "exploration_areas"]).run()
    for lang in ("en", "zh", "en"):
        at.radio(key="lang").set_value(lang).run()
        assert not at.exception
        assert at.multiselect(key=f"layers_{lang}").value == ["key_mines", "exploration_areas"]
        assert at.multiselect(key=f"provinces_{lang}").value == [370000]
        assert at.query_params["layers"] == "key_mines,exploration_areas"
        assert at.query_params["prov"] == "370000"
    # The commodity filter speaks the page's language.
    at.radio(key="lang").set_value("zh").run()
    commodities = at.multiselect(key="commodities_zh")
    assert commodities.format_func("gold") == "金"


def test_language_switch_changes_the_page_and_the_url():
    at = _app()
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value.startswith("China gold-industry plan")
    assert at.query_params["lang"] == "en"


def test_filters_narrow_the_table_and_are_kept_in_the_url():
    at = _app(lang="en")
    at.multiselect(key="provinces_en").set_value([370000]).run()
    assert not at.exception
    mines = goldmap.load("key_mines")
    expected = int((mines["province_adcode"] == 370000).sum())
    frames = {len(df.value) for df in at.dataframe}
    assert expected in frames
    assert at.query_params["prov"] == "370000"
    at.multiselect(key="commodities_en").set_value(["copper"]).run()
    assert at.query_params["com"] == "copper"


def test_a_link_reopens_the_view():
    at = _app(lang="en", layers="key_mines", prov="620000", stat="summary:key_mines")
    assert not at.exception
    assert at.session_state["layers"] == ["key_mines"]
    assert at.session_state["provinces"] == [620000]
    assert at.selectbox(key="stat_en").value == "summary:key_mines"
    gansu = int((goldmap.load("key_mines")["province_adcode"] == 620000).sum())
    assert [m.value for m in at.markdown if "·" in m.value] == [f"**Key mines** · {gansu} rows"]


def test_search_filters_the_table():
    at = _app(lang="en", layers="key_mines")
    at.text_input(key="search").set_value("Sanshandao").run()
    table = at.dataframe[0].value
    assert len(table) >= 1
    assert all("sanshandao" in " ".join(map(str, r)).casefold() for r in table.values)


def test_plan_view_buttons_focus_the_map():
    at = _app(lang="en")
    at.button(key="plan_sd-sanshandao").click().run()
    assert not at.exception
    assert at.session_state["selected"] == ("key_mines", "sd-sanshandao")
    assert at.query_params["focus"] == "key_mines:sd-sanshandao"
    assert any(m.value.startswith("**Sanshandao**") for m in at.markdown)


@pytest.mark.parametrize(
    ("lang", "status", "source"),
    [
        ("zh", ("状态", "落后于进度"), "最新数据来源"),
        ("en", ("Status", "behind"), "Source of the latest figure"),
    ],
)
def test_plan_tab_shows_each_target_s_progress_with_its_source(lang, status, source):
    at = _app(lang=lang)
    assert not at.exception
    table = next(df.value for df in at.dataframe if status[0] in df.value.columns)
    expected = goldmap.progress()
    assert len(table) == len(expected)
    gold = table.iloc[list(expected["id"]).index("gold_output")]
    assert gold[status[0]] == status[1]
    assert gold[source] == expected.set_index("id").loc["gold_output", "latest_source_url"]
    assert gold["2027年目标值" if lang == "zh" else "Value to reach in 2027"].startswith("≥ 396.1")
    # The bar column holds the share of the way done, in %; no figure, no bar.
    done = table["已完成的距离" if lang == "zh" else "Share of the way"]
    assert done.iloc[list(expected["id"]).index("gold_output")] == pytest.approx(21.7)
    assert done.isna().sum() == (expected["status"] == "no_data").sum()
    assert all(str(u).startswith("http") for u in table[source].dropna())


def test_stats_upload_joins_colours_and_lists_unmatched_rows_as_text():
    at = _app(lang="en")
    csv = f"province,output\nShandong,10\n河南,5\n{EVIL},3\n".encode()
    _uploader(at, "stats_upload").set_value(("stats.csv", csv, "text/csv")).run()
    assert not at.exception
    assert any("1 not matched" in w.value for w in at.warning)
    unmatched = [df.value for df in at.dataframe if "Closest names" in df.value.columns]
    assert unmatched and EVIL in unmatched[0]["Value"].tolist()
    assert "output (uploaded)" in at.selectbox(key="stat_en").options
    at.selectbox(key="stat_en").set_value("upload:output").run()
    assert not at.exception and not at.error
    _assert_no_markup(at)


def test_feature_upload_is_located_and_names_stay_text():
    at = _app(lang="en")
    csv = f"name,lon,lat\n{EVIL},120.3,37.4\nplain,100.0,36.0\nsea,125.0,35.0\n".encode()
    _uploader(at, "features_upload").set_value(("mine.csv", csv, "text/csv")).run()
    assert not at.exception
    located = next(
        df.value
        for df in at.dataframe
        if "To the nearest key mine (km, rounded)" in df.value.columns
    )
    # The user's own columns come first, as they were; the answers follow, named for readers.
    assert list(located.columns[:5]) == [
        "name",
        "lon",
        "lat",
        "Province code",
        "Province (Chinese)",
    ]
    assert located["Province"].tolist() == ["Shandong", "Qinghai", ""]
    assert located["name"].tolist()[0] == EVIL
    assert str(located["Province code"].tolist()[0]) == "370000"
    # Missing answers are blank cells, never "None"/"nan"; the precision is in words.
    assert located["Province code"].tolist()[2] == "" and located["County"].tolist()[2] == ""
    assert (
        "county stand-in point (approximate)"
        in located["Nearest mine's location precision"].tolist()
    )
    assert not located.isin(["None", "nan", "<NA>"]).any().any()
    assert any("3 located: 2 in China, 1 outside China" in info.value for info in at.info), [
        i.value for i in at.info
    ]
    assert any(b.label == "Download the result" for b in at.get("download_button"))
    _assert_no_markup(at)


def test_bad_files_give_a_message_not_a_traceback():
    at = _app(lang="en")
    _uploader(at, "stats_upload").set_value(("s.csv", b"\x00\x01nonsense", "text/csv")).run()
    _uploader(at, "features_upload").set_value(("f.geojson", b"{not json", "application/json"))
    at.run()
    assert not at.exception
    assert len(at.error) == 2


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_upload_whose_worker_is_killed_gives_a_message_not_a_traceback(monkeypatch, lang):
    from goldmap.app import data
    from tests.test_child_process import killed_as_out_of_memory

    monkeypatch.setattr(data, "locate_upload", killed_as_out_of_memory)
    at = _app(lang=lang)
    csv = b"name,lon,lat\nA,120.3,37.4\n"
    _uploader(at, "features_upload").set_value(("points.csv", csv, "text/csv")).run()
    assert not at.exception
    (error,) = [e.value for e in at.error]
    assert "ran out of memory" in error
    assert lang == "en" or error.startswith("后台处理意外中止")


def test_uploads_are_size_limited(monkeypatch):
    monkeypatch.setattr(state, "MAX_UPLOAD_MB", 0.00001)
    at = _app(lang="en")
    _uploader(at, "stats_upload").set_value(("s.csv", b"province,v\nShandong,1\n", "text/csv"))
    at.run()
    assert not at.exception
    assert any("too large" in e.value for e in at.error)


def test_layer_downloads_offer_every_export_format():
    at = _app(lang="en")
    from goldmap.io.write import FORMATS

    options = at.selectbox(key="dl_format_en").options
    assert len(options) == len(FORMATS) == len(set(options))
    at.selectbox(key="dl_format_en").set_value("geojson").run()
    assert not at.exception
    assert any(b.label == "Download" for b in at.get("download_button"))


def test_the_uploader_shows_the_limit_the_app_enforces():
    import tomllib

    from goldmap.io import MAX_UPLOAD_BYTES, MAX_UPLOAD_MB

    config = tomllib.loads(
        (Path(__file__).parents[1] / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    )
    # The uploader counts a megabyte as 1,000,000 bytes (1,048,576 on Windows, where the
    # app's own check refuses the difference) and prints "Limit N MB per file".
    assert MAX_UPLOAD_BYTES == MAX_UPLOAD_MB * 1_000_000
    assert config["server"]["maxUploadSize"] == MAX_UPLOAD_MB == state.MAX_UPLOAD_MB


def test_duplicated_provinces_are_refused_then_combined_as_the_user_chooses():
    at = _app(lang="en")
    table = "省份,产量\n内蒙古,3\nInner Mongolia,8\n山东,5\n".encode("gbk")
    _uploader(at, "stats_upload").set_value(("dup.csv", table, "text/csv")).run()
    assert not at.exception
    assert any("rows 1, 2" in e.value and "Inner Mongolia" in e.value for e in at.error)
    choice = at.radio(key="on_duplicate_en")
    assert choice.options == [
        "Refuse and list them", "Keep the first row", "Keep the last row", "Add them up",
        "Average them",
    ]  # fmt: skip
    choice.set_value("sum").run()
    assert not at.exception and not at.error
    frames = [df.value for df in at.dataframe]
    joined = next(f for f in frames if "产量" in f.columns and "Code" in f.columns)
    assert joined.set_index("Code").loc[150000, "产量"] == 11
    report = next(f for f in frames if "Outcome" in f.columns)
    assert report["Outcome"].tolist() == ["summed", "summed"]


def test_downloads_offer_this_view_as_a_png_figure():
    at = _app(lang="en")
    at.multiselect(key="provinces_en").set_value([370000]).run()
    at.button(key="fig_make").click().run()
    assert not at.exception and not at.error
    button = next(b for b in at.get("download_button") if b.key == "fig_dl")
    assert button.proto.label == "Download"
    fmt, content, stem = at.session_state["figure_file"]
    assert fmt == "png" and content[:8] == b"\x89PNG\r\n\x1a\n"
    assert stem == "goldmap_plan_shandong"


CORRECTIONS = (
    b"id,lon,lat,location_precision,source_url,source_quote\n"
    b"sd-jiaojia,119.9512,37.3987,deposit,https://example.org/report.pdf,"
    b'"The Jiaojia mine (119.9512 E, 37.3987 N)"\n'
)


def test_a_corrections_upload_moves_the_mine_on_the_map_table_and_downloads():
    at = _app(lang="en")
    _uploader(at, "corrections_upload").set_value(("fix.csv", CORRECTIONS, "text/csv")).run()
    assert not at.exception and not at.error
    assert any("1 mine(s) moved by your file" in s.value for s in at.success)
    moved = next(df.value for df in at.dataframe if "Location" in df.value.columns)
    assert moved["id"].tolist() == ["sd-jiaojia"]
    assert moved["Sources"].tolist() == ["https://example.org/report.pdf"]
    mines = at.session_state["user_corrections"].set_index("id")
    assert mines.loc["sd-jiaojia", "corrected"]
    assert (mines.geometry["sd-jiaojia"].x, mines.geometry["sd-jiaojia"].y) == (119.9512, 37.3987)


def test_a_bad_corrections_file_is_refused_whole_with_the_row_named():
    at = _app(lang="en")
    bad = CORRECTIONS + b"sd-nowhere,120,37,deposit,https://example.org/x,q\n"
    _uploader(at, "corrections_upload").set_value(("fix.csv", bad, "text/csv")).run()
    assert not at.exception
    (error,) = [e.value for e in at.error]
    assert "row 3" in error and "'sd-nowhere' is not the id of a key mine" in error
    assert "nothing was applied" in error
    assert at.session_state["user_corrections"] is None


def test_downloads_name_what_they_hold_and_describe_each_format():
    at = _app(lang="en")
    at.multiselect(key="provinces_en").set_value([370000]).run()
    formats = at.selectbox(key="dl_format_en").options
    assert "GeoPackage: one file, every layer; best for QGIS/ArcGIS" in formats
    button = next(b for b in at.get("download_button") if b.key == "dl_button")
    assert button.proto.label == "Download"
    caption = next(c.value for c in at.caption if "You will download" in c.value)
    shandong_mines = len(goldmap.load("key_mines").query("province_adcode == 370000"))
    assert f"Key mines ({shandong_mines} features)" in caption.replace("\\", "")


def test_the_filtered_download_holds_the_filtered_features(tmp_path):
    import pyogrio

    from goldmap.app.downloads import _packaged_bytes

    content = _packaged_bytes(("key_mines", "development_areas"), "gpkg", (370000,), None)
    path = tmp_path / "view.gpkg"
    path.write_bytes(content)
    layers = dict(pyogrio.list_layers(path))
    assert set(layers) == {"key_mines", "development_areas"}
    mines = pyogrio.read_dataframe(path, layer="key_mines")
    assert set(mines["province_adcode"]) == {370000}
    expected = goldmap.load("key_mines").query("province_adcode == 370000")
    assert sorted(mines["id"]) == sorted(expected["id"])


def test_a_link_coloured_by_an_upload_says_so_and_colours_once_it_is_uploaded_again():
    at = _app(lang="en", stat="upload:2")
    assert not at.exception
    assert any("statistic no. 2 of an uploaded table" in i.value for i in at.info)
    assert at.query_params["stat"] == "upload:2"  # the link still says it
    csv = b"province,area,output\nShandong,10,3\nHenan,5,4\n"
    _uploader(at, "stats_upload").set_value(("stats.csv", csv, "text/csv")).run()
    assert not at.exception
    assert at.session_state["stat"] == "upload:output"
    assert at.query_params["stat"] == "upload:2"
    assert not any("of an uploaded table" in i.value for i in at.info)


def test_the_url_carries_no_uploaded_column_name():
    at = _app(lang="en")
    column = "my-private-column"
    csv = f"province,{column}\nShandong,10\nHenan,5\n".encode()
    _uploader(at, "stats_upload").set_value(("stats.csv", csv, "text/csv")).run()
    at.selectbox(key="stat_en").set_value(f"upload:{column}").run()
    assert not at.exception
    assert at.session_state["stat"] == f"upload:{column}"
    assert at.query_params["stat"] == "upload:1"
    assert all(column not in str(v) for v in at.query_params.values())


def test_a_link_to_a_province_opens_the_map_on_it():
    at = _app(lang="en", prov="370000")
    assert not at.exception
    (south, west), (north, east) = at.session_state["map_focus"]["bounds"]
    shandong = goldmap.load("provinces").set_index("adcode").geometry[370000].bounds
    assert west < shandong[0] < shandong[2] < east and south < shandong[1] < shandong[3] < north
    assert east - west < 15  # Shandong, not all of China


def test_the_details_of_a_mine_read_in_words_not_codes():
    at = _app(lang="zh", focus="key_mines:sd-jiaojia")
    assert not at.exception
    details = "\n".join(m.value for m in at.markdown)
    assert "**位置精度**：乡镇（近似）" in details
    assert "**海域矿床**：否" in details and "**位置已知**：是" in details
    assert "**矿种**：金" in details
    for raw in ("location_precision", "False", "True", "province_adcode", "**gold"):
        assert raw not in details


def test_the_details_of_a_mine_show_its_dossier_with_sources():
    at = _app(lang="en", focus="key_mines:gz-nibao")
    assert not at.exception
    details = "\n".join(m.value for m in at.markdown)
    assert "**Ownership, status and size**" in details
    assert "(SSE:601020)" in details and "Producing (2025)" in details
    assert "(<https://reportify.cn/filings/1145515175592464384>)" in details
    for raw in ("listed_tickers", "operator_zh", "'value_t'", "{"):
        assert raw not in details


def test_the_map_is_rendered_again_only_when_it_changes(monkeypatch):
    from goldmap.app import live_map, views

    renders = []
    render_page = live_map.render_page
    monkeypatch.setattr(
        live_map, "render_page", lambda m, **kw: renders.append(1) or render_page(m, **kw)
    )
    views.live_map().clear()
    at = _app(lang="en")
    assert len(renders) == 1
    at.multiselect(key="provinces_en").set_value([370000]).run()
    at.selectbox(key="stat_en").set_value("summary:key_mines").run()
    at.multiselect(key="layers_en").set_value(["key_mines"]).run()
    assert not at.exception and len(renders) == 1  # filters, statistic, layers: groups only
    at.selectbox(key="basemap_en").set_value("gaode").run()
    assert len(renders) == 2
    again = _app(lang="en")  # another session on the same map shares its render
    assert not again.exception and len(renders) == 2
    csv = b"lon,lat\n120.4,37.4\n"
    _uploader(at, "features_upload").set_value(("p.csv", csv, "text/csv")).run()
    assert not at.exception and len(renders) == 3  # the user's features are on the map
    at.multiselect(key="provinces_en").set_value([410000]).run()
    assert len(renders) == 3


@pytest.mark.parametrize(("lang", "words"), [("zh", "数据版本"), ("en", "Data version")])
def test_the_footer_gives_the_data_version_the_citation_and_the_method(lang, words):
    at = _app(lang=lang)
    assert not at.exception
    (footer,) = [c.value for c in at.caption if words in c.value]
    version = goldmap.data_version()
    assert version in footer and f"goldmap data {version.rsplit('.', 1)[0]}" in footer
    assert "data/README.md" in footer and "CITATION.cff" in footer


def test_after_a_killed_worker_the_same_file_can_be_tried_again(monkeypatch):
    from goldmap.app import _jobs, data
    from tests.test_child_process import killed_as_out_of_memory

    monkeypatch.setattr(data, "locate_upload", killed_as_out_of_memory)
    at = _app(lang="en")
    csv = b"name,lon,lat\nA,120.3,37.4\n"
    _uploader(at, "features_upload").set_value(("points.csv", csv, "text/csv")).run()
    assert any("ran out of memory" in e.value for e in at.error)
    # The user presses "try again" (a rerun with the same file): a new worker does the job.
    monkeypatch.setattr(data, "locate_upload", _jobs.locate_upload)
    at.run()
    assert not at.exception and not at.error
    assert shown_features(at)["province_en"].tolist() == ["Shandong"]
