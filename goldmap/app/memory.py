"""Keep the app server's memory down: heavy work runs in a worker process that ends with it.

A 10⁵-point upload makes ``locate`` build its grids and trees (about 80 MB) and pass through
a few hundred MB of arrays. Done in the server, that memory stays with the server after the
session ends: the grids are kept for the next call, and the C allocator keeps freed pages for
reuse. Done in a worker process that ends with the job, all of it goes back to the system.
The worker is a :class:`concurrent.futures.ProcessPoolExecutor` of one process, started
from a clean server process (``forkserver``, else ``spawn``), never a fork of the app.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from goldmap.errors import GoldmapError

__all__ = ["WorkerError", "in_worker"]

T = TypeVar("T")

#: The end of every WorkerError message: what the user can do.
_RETRY = "Nothing was changed: try again, or with a smaller file if it happens again."


class WorkerError(GoldmapError, RuntimeError):
    """The worker process doing a job ended without a readable answer (killed, crashed)."""


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def in_worker(work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Return ``work(*args, **kwargs)``, run in a new worker process that ends with it.

    Parameters
    ----------
    work : callable
        A function importable by its module and name (it is sent to the worker by
        reference); give a light module's function so that the server need not import the
        engine it calls (see :mod:`goldmap.app._jobs`).
    *args, **kwargs
        Its arguments (pickled to the worker).

    Returns
    -------
    object
        What ``work`` returned.

    Raises
    ------
    Exception
        What ``work`` raised, raised again here.
    WorkerError
        When the worker ended without an answer (it crashed, or was killed: most often by
        the system, for lack of memory), or with one that could not be read. A new call
        starts a new worker.
    """
    job = getattr(work, "__name__", repr(work))
    with ProcessPoolExecutor(max_workers=1, mp_context=_context()) as pool:
        future = pool.submit(work, *args, **kwargs)
        try:
            return future.result()
        except BrokenProcessPool as err:
            if err.__cause__ is not None:  # the answer came, but could not be read
                raise WorkerError(
                    f"The worker process for {job!r} ended with an answer cut short or "
                    f"unreadable ({_last_line(err.__cause__)}). {_RETRY}"
                ) from None
            raise WorkerError(
                f"The worker process for {job!r} was stopped before it answered, most often "
                f"because the server ran out of memory. {_RETRY}"
            ) from None


def _last_line(cause: BaseException) -> str:
    lines = [line.strip() for line in str(cause).splitlines() if line.strip("' \n")]
    return lines[-1] if lines else type(cause).__name__
