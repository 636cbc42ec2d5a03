"""The app's own error display: reasons in the reader's language, never a traceback or a path.

Bad uploads in a Chinese session get their reason in Chinese (from the error's kind and
fields, the library's message staying English); a fault of goldmap's shows a short reference
instead of a traceback; after either, the next good upload works.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.app_sessions import shown_features
from tests.prerequisites import require_module

require_module("streamlit.testing.v1")

import goldmap  # noqa: E402  (after the prerequisite: goldmap.app needs streamlit)
from goldmap import text  # noqa: E402
from goldmap._error_words import REASONS  # noqa: E402
from tests.test_app import _app, _uploader  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
HAN = re.compile("[\u4e00-\u9fff]")
GOOD = b"name,lon,lat\nA,120.3,37.4\n"
CORRECTIONS = (
    b"id,lon,lat,location_precision,source_url,source_quote\n"
    b'sd-jiaojia,119.9512,37.3987,deposit,https://example.org/report.pdf,"Jiaojia"\n'
)

#: (uploader, file name, content, words the Chinese reason must hold)
BAD_UPLOADS = [
    ("features_upload", "f.geojson", b"{not json", "不是有效的 UTF-8 JSON"),
    ("features_upload", "p.csv", b"name,a,b\nA,p,q\n", "没有经度/纬度列"),
    ("features_upload", "p.csv", b"lon,lat\n37.4,120.0\n", "写反"),
    ("features_upload", "p.csv", b"lon,lat\nabc,37\n", "坐标无法读取"),
    ("features_upload", "notes.docx", b"hello", "不支持的文件类型"),
    ("features_upload", "p.zip", b"PK not a zip", "不是有效的 zip"),
    ("stats_upload", "s.csv", b"", "是空的"),
    ("stats_upload", "s.csv", b"a,b\n1,2\n", "没有一列是省份名称"),
    ("stats_upload", "s.csv", "省份,v\n内蒙古,1\nNei Mongol,2\n".encode(), "多行指向同一省份"),
    ("corrections_upload", "fix.csv", CORRECTIONS + b"sd-nowhere,120,37,deposit,u,q\n", "未应用"),
]


def _assert_clean(message: str) -> None:
    """goldmap's own box: no traceback, no server path, no English reason behind it."""
    assert "Traceback" not in message and 'File "' not in message
    assert str(ROOT) not in message and "/work/" not in message and "site-packages" not in message
    assert text.tr("error_details", "zh") not in message  # the reason itself is Chinese


@pytest.mark.parametrize(("key", "name", "content", "words"), BAD_UPLOADS)
def test_a_bad_upload_says_why_in_chinese_and_the_next_good_one_works(key, name, content, words):
    at = _app(lang="zh")
    _uploader(at, key).set_value((name, content, "text/csv")).run()
    assert not at.exception
    (error,) = [e.value for e in at.error]
    assert HAN.search(error) and words in error.replace("\\", ""), error
    _assert_clean(error)
    # The uploader is still there and takes the next, good file.
    good = ("fix.csv", CORRECTIONS) if key == "corrections_upload" else ("g.csv", GOOD)
    if key == "stats_upload":
        good = ("s.csv", "省份,v\n山东,1\n".encode())
    _uploader(at, key).set_value((*good, "text/csv")).run()
    assert not at.exception and not at.error


def test_a_fault_of_goldmaps_shows_a_reference_not_a_traceback(monkeypatch):
    from goldmap.app import data

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError(f"boom in {ROOT}/goldmap/secret.py")

    monkeypatch.setattr(data, "located_upload", broken)
    for lang, words in (("zh", "参考编号"), ("en", "reference")):
        at = _app(lang=lang)
        _uploader(at, "features_upload").set_value(("p.csv", GOOD, "text/csv")).run()
        assert not at.exception
        (error,) = [e.value for e in at.error]
        assert words in error and "boom" not in error, error
        _assert_clean(error)
    monkeypatch.undo()
    _uploader(at, "features_upload").set_value(("q.csv", GOOD, "text/csv")).run()
    assert not at.exception and not at.error
    assert shown_features(at)["province_en"].tolist() == ["Shandong"]


def test_a_failing_part_of_the_page_leaves_the_rest_standing(monkeypatch):
    from goldmap.app import views

    def broken() -> None:
        raise KeyError("/srv/goldmap/data/plan.json")

    monkeypatch.setattr(views, "plan_view", broken)
    at = _app(lang="zh")
    assert not at.exception
    (error,) = [e.value for e in at.error]
    assert "参考编号" in error and "/srv" not in error
    assert {u.key for u in at.get("file_uploader")} >= {"features_upload", "stats_upload"}


def test_every_kind_the_library_raises_has_words_in_both_languages():
    raised = set()
    for path in (ROOT / "goldmap").rglob("*.py"):
        raised |= set(re.findall(r'kind="([a-z_]+)"', path.read_text(encoding="utf-8")))
    raised -= {"exploration", "development", "stable"}  # plan-area kinds, numpy sorts
    assert raised, "no error kinds found"
    missing = sorted(k for k in raised if k not in REASONS)
    assert not missing, f"no words for {missing}"
    for kind, (zh, en) in REASONS.items():
        assert HAN.search(zh) and not HAN.search(en.replace("省份", "")), kind


def test_an_error_keeps_its_kind_and_fields_through_a_worker():
    import pickle

    err = goldmap.InputFileError("'a.csv' is empty.", kind="empty_file", name="a.csv")
    back = pickle.loads(pickle.dumps(err))
    assert (back.kind, back.fields, str(back)) == ("empty_file", {"name": "a.csv"}, str(err))
    assert text.error_reason(back, "zh") == "文件 'a.csv' 是空的。"
    assert goldmap.InputFileError("x").kind == "input_file"  # the class's kind by default
