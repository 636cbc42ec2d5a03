"""Bounded memory per upload and per server: caps on what one upload shows, a line for heavy
jobs, and a closed session's uploads freed."""

import io
import threading
from pathlib import Path

import pandas as pd
import pytest

from tests.app_sessions import forget_test_sessions, kept_values, shown_features
from tests.prerequisites import require_module
from tests.streamlit_page import RUN_TIMEOUT_S

AppTest = require_module("streamlit.testing.v1").AppTest

from goldmap.app import _jobs, data  # noqa: E402  (after the prerequisite)
from goldmap.app.memory import Admission  # noqa: E402
from goldmap.app.sessions import Registry, registry  # noqa: E402

APP = str(Path(__file__).resolve().parent.parent / "app.py")
# Seven points in Shandong and Henan, one per row: more than the (lowered) limits.
POINTS = "name,lon,lat\n" + "".join(
    f"P{i},{120.0 + i / 100},{37.0 + i / 100}\n" if i % 2 else f"P{i},113.6,{34.7 + i / 100}\n"
    for i in range(7)
)


@pytest.fixture(autouse=True)
def _fresh_session():
    """Each test's sessions start with nothing kept (AppTest names them all alike)."""
    forget_test_sessions()
    yield
    forget_test_sessions()


def _here(work, *args, **kwargs):
    """Run a worker's job in this process, so that the test's limits apply to it."""
    return work(*args, **kwargs)


def _uploaded(lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
    at.query_params["lang"] = lang
    at.run()
    (uploader,) = [u for u in at.get("file_uploader") if u.key == "features_upload"]
    uploader.set_value(("points.csv", POINTS.encode(), "text/csv")).run()
    assert not at.exception and not at.error
    return at


@pytest.mark.parametrize(
    ("lang", "map_words", "table_words", "all_words"),
    [
        ("en", "The map draws 3 of the 7 features", "first 2 of 7 rows", "has all 7 features"),
        ("zh", "全部 7 个要素中的 3 个", "表格显示前 2 行（共 7 行）", "包含全部 7 个要素"),
    ],
)
def test_a_file_over_the_limits_draws_and_shows_the_limit_says_so_and_downloads_all(
    monkeypatch, lang, map_words, table_words, all_words
):
    monkeypatch.setattr(data, "in_worker", _here)
    monkeypatch.setattr(_jobs, "DRAW_LIMIT", 3)
    monkeypatch.setattr(_jobs, "TABLE_LIMIT", 2)
    at = _uploaded(lang)
    drawn = shown_features(at)
    assert drawn["name"].tolist() == ["P0", "P3", "P6"]  # one in every three, in file order
    (notice,) = [i.value for i in at.info if map_words in i.value]
    assert table_words in notice and all_words in notice
    located = next(df.value for df in at.dataframe if len(df.value) == 2 and "name" in df.value)
    assert located["name"].tolist() == ["P0", "P1"]
    summary = next(df.value for df in at.dataframe if len(df.value.columns) == 3)
    assert summary.iloc[:, 2].sum() >= 7  # every feature counted by province (then by area)
    upload = kept_values(at)["user_upload"]
    everything = pd.read_csv(io.BytesIO(data.located_download(upload, "located", "csv")))
    assert everything["name"].tolist() == [f"P{i}" for i in range(7)]


def test_a_file_within_the_limits_is_drawn_and_shown_whole(monkeypatch):
    monkeypatch.setattr(data, "in_worker", _here)
    at = _uploaded("en")
    assert len(shown_features(at)) == 7 and not kept_values(at)["user_upload"].capped
    assert not [i.value for i in at.info if "The map draws" in i.value]


def _slow_job(release: threading.Event, started: list[str], running: threading.Event):
    def job(work, upload, *args):
        started.append(Path(upload).parent.name)
        running.set()
        assert release.wait(60)
        return Path(upload).parent.name

    return job


def test_a_second_heavy_upload_waits_while_the_first_runs_and_is_told_its_place(
    monkeypatch, tmp_path
):
    line = Admission(1)
    monkeypatch.setattr(data, "heavy_jobs", line)
    monkeypatch.setattr(data, "HEAVY_BYTES", 10)
    release, started, running = threading.Event(), [], threading.Event()
    monkeypatch.setattr(data, "in_worker", _slow_job(release, started, running))
    told: list[int] = []
    waiting = threading.Event()
    answers: dict[str, str] = {}

    def upload(name: str, on_wait=None) -> None:
        folder = tmp_path / name
        folder.mkdir()
        answers[name] = data.located_upload(
            b"x" * 20, "p.csv", "en", folder=folder, on_wait=on_wait
        )

    def tell(ahead: int) -> None:
        told.append(ahead)
        waiting.set()

    first = threading.Thread(target=upload, args=("first",))
    first.start()
    assert running.wait(60)  # the first holds the line before the second asks
    second = threading.Thread(target=upload, args=("second", tell))
    second.start()
    assert waiting.wait(60)  # the second is in line, told that one job is ahead of it
    assert started == ["first"] and told[0] == 1 and line.waiting == 1
    release.set()
    first.join(60)
    second.join(60)
    assert started == ["first", "second"] and answers == {"first": "first", "second": "second"}
    assert line.running == 0 and line.waiting == 0


def test_a_job_that_leaves_the_line_frees_its_place():
    line = Admission(1)
    with line.admit():

        def stopped(_ahead: int) -> None:
            raise KeyboardInterrupt  # as a stopped run would leave

        with pytest.raises(KeyboardInterrupt), line.admit(stopped):
            pass
        assert line.waiting == 0
    with line.admit():
        assert line.running == 1


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "2 large upload(s) ahead"), ("zh", "前面还有 2 个")]
)
def test_the_queued_message_says_how_many_are_ahead_in_both_languages(lang, words):
    from goldmap.text import tr

    assert words in tr("upload_queued", lang).format(n=2)


def test_a_session_gone_past_its_grace_is_freed_with_its_folder(tmp_path):
    now = [0.0]
    active = {"a", "b"}
    sessions = Registry(
        is_active=active.__contains__, grace_s=30, root=tmp_path / "s", clock=lambda: now[0]
    )
    for sid in ("a", "b"):
        (sessions.entry(sid).folder / "upload").write_bytes(b"data")
        sessions.entry(sid).values["user_upload"] = object()
    active.discard("a")
    now[0] = 29.0
    assert sessions.sweep() == [] and "a" in sessions  # a reload or a hiccup: kept
    now[0] = 60.0
    assert sessions.sweep() == ["a"]
    assert "a" not in sessions and not (tmp_path / "s" / "a").exists()
    assert "b" in sessions and (tmp_path / "s" / "b" / "upload").exists()


def test_an_app_session_s_upload_and_files_are_gone_after_the_session_ends(monkeypatch):
    at = _uploaded("en")
    entry = registry().get(at.session_state["_kept_in"])
    assert entry is not None and (entry.folder / "upload").exists()
    assert (entry.folder / _jobs.LOCATED_FILE).exists()
    folder = entry.folder
    monkeypatch.setattr(registry(), "is_active", lambda sid: sid != at.session_state["_kept_in"])
    monkeypatch.setattr(registry(), "grace_s", 0.0)
    assert at.session_state["_kept_in"] in registry().sweep()
    assert registry().get(at.session_state["_kept_in"]) is None and not folder.exists()
