"""Keep the app server's memory down: heavy work in a child process, freed memory given back.

A 10⁵-point upload makes ``locate`` build its grids and trees (about 80 MB) and pass through
a few hundred MB of arrays. Done in the server, that memory stays with the server after the
session ends: the grids are kept for the next call, and the C allocator keeps freed pages for
reuse. Done in a child process that ends with the job, all of it goes back to the system.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import pickle
import signal
import subprocess
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from goldmap.errors import GoldmapError

__all__ = ["WorkerError", "in_child_process", "tune_allocator"]

T = TypeVar("T")

# glibc's mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8


#: The end of every WorkerError message: what the user can do.
_RETRY = "Nothing was changed: try again, or with a smaller file if it happens again."


class WorkerError(GoldmapError, RuntimeError):
    """The child process doing a job ended without a readable answer (killed, crashed)."""


def tune_allocator() -> bool:
    """Have glibc give freed memory back to the system instead of keeping it for reuse.

    Large blocks (1 MB and more: arrays, frames, page scripts) are mapped on their own and
    unmapped when freed, free memory above 1 MB at the top of the heap is returned, and the
    script threads share two arenas instead of one each. Call it once, early in the server.

    Returns
    -------
    bool
        Whether the allocator was tuned (False where the C library is not glibc).
    """
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    settings = ((_M_MMAP_THRESHOLD, 1 << 20), (_M_TRIM_THRESHOLD, 1 << 20), (_M_ARENA_MAX, 2))
    return all(mallopt(option, value) == 1 for option, value in settings)


def in_child_process(work: Callable[..., T] | str, *args: Any, **kwargs: Any) -> T:
    """Return ``work(*args, **kwargs)``, run in a fresh Python process that ends with it.

    The call goes to the child pickled on its standard input, and what ``work`` returns, or
    raises, comes back the same way; the child imports only what ``work`` needs (not
    streamlit), which costs about 1.5 s of start-up. ``work`` may be named as
    ``"module:function"``, so that the server need not import the module itself (locate's
    engine brings in scipy.spatial, half a second and some 30 MB).

    Raises
    ------
    Exception
        What ``work`` raised, raised again here.
    WorkerError
        When the child process ended without an answer, or with one cut short (it crashed,
        or was killed: most often by the system, for lack of memory).
    """
    payload = pickle.dumps((work, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
    child = subprocess.run(
        [sys.executable, "-m", "goldmap.app._child"], input=payload, capture_output=True
    )
    job = work.partition(":")[2] if isinstance(work, str) else getattr(work, "__name__", work)
    if child.returncode != 0 or not child.stdout:
        detail = child.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise WorkerError(
            f"The worker process for {job!r} {_how_it_ended(child.returncode)} "
            f"({' '.join(detail) or 'no message'}). {_RETRY}"
        )
    try:
        status, value = pickle.loads(child.stdout)  # written by _child, our own code
    except Exception as err:  # truncated or garbled: pickle raises several kinds
        raise WorkerError(
            f"The worker process for {job!r} ended with an answer cut short ({err}). {_RETRY}"
        ) from None
    if status == "error":
        raise value
    result: T = value
    return result


def _how_it_ended(returncode: int) -> str:
    if returncode >= 0:
        return f"ended with code {returncode} and no answer"
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        name = f"signal {-returncode}"
    if name == "SIGKILL":  # what the kernel sends when memory runs out
        return "was killed before it answered, most often because the server ran out of memory"
    return f"was stopped by {name} before it answered"
