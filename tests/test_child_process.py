"""Uploads are located in a worker process: the same answer, the same errors, a clear failure."""

import os
import signal
from pathlib import Path

import geopandas as gpd
import pytest

import goldmap
from goldmap.app._jobs import locate_upload
from goldmap.app.memory import WorkerError, in_worker

POINTS = b"name,lon,lat\nA,120.4,37.4\nB,113.6,34.7\n"


def _upload(folder: Path) -> Path:
    path = folder / "upload"
    path.write_bytes(POINTS)
    return path


def test_a_worker_gives_the_answer_locate_gives_here():
    here = goldmap.locate(POINTS, filename="points.csv", lang="en")
    there = in_worker(goldmap.locate, POINTS, filename="points.csv", lang="en")
    assert there.equals(here) and there.crs == here.crs


def test_the_upload_job_gives_the_answer_locate_gives_here_and_keeps_all_of_it(tmp_path):
    here = goldmap.locate(POINTS, filename="points.csv", lang="en")
    there = in_worker(locate_upload, _upload(tmp_path), filename="points.csv", lang="en")
    assert there.drawn.equals(here) and there.drawn.crs == here.crs
    assert there.table.equals(here) and there.rows == len(here) and not there.capped
    kept = gpd.read_parquet(there.path)
    assert kept.equals(here) and kept.crs == here.crs


def test_an_error_in_the_worker_is_raised_here_with_its_type_and_message():
    with pytest.raises(goldmap.ColumnNotFoundError) as here:
        goldmap.locate(b"a,b\n1,2\n", filename="no_coordinates.csv")
    with pytest.raises(goldmap.ColumnNotFoundError) as there:
        in_worker(goldmap.locate, b"a,b\n1,2\n", filename="no_coordinates.csv")
    assert str(there.value) == str(here.value)


def killed_as_out_of_memory(*_args: object, **_kwargs: object) -> None:
    """Die as the kernel's out-of-memory killer ends a process."""
    os.kill(os.getpid(), signal.SIGKILL)


def _unreadable() -> None:
    raise EOFError("Ran out of input")  # what reading half an answer raises


class _CutShort:
    """An answer that pickles in the worker and cannot be read back by the server."""

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (_unreadable, ())


def answer_cut_short() -> _CutShort:
    return _CutShort()


def test_a_worker_that_dies_is_reported_not_waited_for():
    with pytest.raises(WorkerError, match="stopped before it answered") as died:
        in_worker(os._exit, 3)
    assert isinstance(died.value, goldmap.GoldmapError)  # shown to the user, not a traceback


def test_a_worker_killed_for_memory_says_so():
    with pytest.raises(WorkerError, match=r"stopped before it answered.*ran out of memory"):
        in_worker(killed_as_out_of_memory)


def test_an_answer_cut_short_is_an_error_not_a_crash():
    with pytest.raises(WorkerError, match="answer cut short"):
        in_worker(answer_cut_short)


def test_a_failed_worker_can_be_tried_again(tmp_path):
    with pytest.raises(WorkerError):
        in_worker(killed_as_out_of_memory)
    here = goldmap.locate(POINTS, filename="points.csv")
    assert in_worker(locate_upload, _upload(tmp_path), "points.csv", "zh").drawn.equals(here)


def test_a_worker_starts_with_the_locating_code_already_imported():
    # Each upload's worker is forked from a server that imported goldmap's reading and
    # locating code once, so no upload pays those imports again.
    from tests._probe import modules_loaded

    wanted = ["goldmap._locate", "goldmap.io"]
    assert in_worker(modules_loaded, wanted) == wanted
