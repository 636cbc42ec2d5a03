"""Uploads are located in a child process: the same answer, the same errors, a clear failure."""

import os
import pickle
import signal
import sys

import pytest

import goldmap
from goldmap.app.memory import WorkerError, in_child_process, tune_allocator

POINTS = b"name,lon,lat\nA,120.4,37.4\nB,113.6,34.7\n"


@pytest.mark.parametrize("work", [goldmap.locate, "goldmap.spatial:locate"], ids=["func", "name"])
def test_a_child_gives_the_answer_locate_gives_here(work):
    here = goldmap.locate(POINTS, filename="points.csv", lang="en")
    there = in_child_process(work, POINTS, filename="points.csv", lang="en")
    assert there.equals(here) and there.crs == here.crs


def test_an_error_in_the_child_is_raised_here_with_its_type_and_message():
    with pytest.raises(goldmap.ColumnNotFoundError) as here:
        goldmap.locate(b"a,b\n1,2\n", filename="no_coordinates.csv")
    with pytest.raises(goldmap.ColumnNotFoundError) as there:
        in_child_process(goldmap.locate, b"a,b\n1,2\n", filename="no_coordinates.csv")
    assert str(there.value) == str(here.value)


def killed_as_out_of_memory() -> None:
    """Die as the kernel's out-of-memory killer ends a process."""
    os.kill(os.getpid(), signal.SIGKILL)


def answer_cut_short() -> None:
    """Write the first half of an answer, then end as if all went well."""
    answer = pickle.dumps(("ok", list(range(10_000))), protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.write(answer[: len(answer) // 2])
    sys.stdout.buffer.flush()
    os._exit(0)


def test_a_child_that_dies_is_reported_not_waited_for():
    with pytest.raises(WorkerError, match="ended with code 3 and no answer") as died:
        in_child_process(os._exit, 3)
    assert isinstance(died.value, goldmap.GoldmapError)  # shown to the user, not a traceback


def test_a_child_killed_for_memory_says_so():
    with pytest.raises(WorkerError, match=r"killed before it answered.*ran out of memory"):
        in_child_process(killed_as_out_of_memory)


def test_an_answer_cut_short_is_an_error_not_a_crash():
    with pytest.raises(WorkerError, match="answer cut short"):
        in_child_process(answer_cut_short)


def test_the_allocator_is_tuned_on_glibc():
    assert tune_allocator() == (os.uname().sysname == "Linux" and _is_glibc())


def _is_glibc() -> bool:
    import platform

    return platform.libc_ver()[0] == "glibc"
