"""Uploads are located in a child process: the same answer, the same errors, a clear failure."""

import os

import pytest

import goldmap
from goldmap.app.memory import in_child_process, tune_allocator

POINTS = b"name,lon,lat\nA,120.4,37.4\nB,113.6,34.7\n"


def test_a_child_gives_the_answer_locate_gives_here():
    here = goldmap.locate(POINTS, filename="points.csv", lang="en")
    there = in_child_process(goldmap.locate, POINTS, filename="points.csv", lang="en")
    assert there.equals(here) and there.crs == here.crs


def test_an_error_in_the_child_is_raised_here_with_its_type_and_message():
    with pytest.raises(goldmap.ColumnNotFoundError) as here:
        goldmap.locate(b"a,b\n1,2\n", filename="no_coordinates.csv")
    with pytest.raises(goldmap.ColumnNotFoundError) as there:
        in_child_process(goldmap.locate, b"a,b\n1,2\n", filename="no_coordinates.csv")
    assert str(there.value) == str(here.value)


def test_a_child_that_dies_is_reported_not_waited_for():
    with pytest.raises(RuntimeError, match="ended with code 3 and no answer"):
        in_child_process(os._exit, 3)


def test_the_allocator_is_tuned_on_glibc():
    assert tune_allocator() == (os.uname().sysname == "Linux" and _is_glibc())


def _is_glibc() -> bool:
    import platform

    return platform.libc_ver()[0] == "glibc"
