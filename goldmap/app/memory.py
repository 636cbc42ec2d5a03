"""Keep the app server's memory down: heavy work runs in a worker process that ends with it.

A 10⁵-point upload makes ``locate`` build its grids and trees (about 80 MB) and pass through
a few hundred MB of arrays. Done in the server, that memory stays with the server after the
session ends: the grids are kept for the next call, and the C allocator keeps freed pages for
reuse. Done in a worker process that ends with the job, all of it goes back to the system.
The worker is a :class:`concurrent.futures.ProcessPoolExecutor` of one process, started
from a clean server process (``forkserver``, else ``spawn``), never a fork of the app. The
server process imports goldmap's reading and locating code once, so that each worker starts
with it loaded instead of spending about two seconds importing it per upload.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from goldmap.errors import GoldmapError

__all__ = ["HEAVY_SLOTS", "Admission", "WorkerError", "heavy_jobs", "in_worker"]

T = TypeVar("T")

#: The end of every WorkerError message: what the user can do.
_RETRY = "Nothing was changed: try again, or with a smaller file if it happens again."


class WorkerError(GoldmapError, RuntimeError):
    """The worker process doing a job ended without a readable answer (killed, crashed)."""


#: Modules the fork server imports before it forks workers (no data is loaded: each worker
#: reads what it needs and gives it back when it ends).
_PRELOAD = ["goldmap.app._jobs", "goldmap._locate", "goldmap.io"]


@functools.cache
def _context() -> Any:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)  # takes effect when the fork server starts
    return context


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


#: Heavy jobs the server runs at once: each worker of a maximum-size upload takes about
#: 1.5 GB, so one at a time keeps the server and its workers within a few GB.
HEAVY_SLOTS = 1
#: How often, in seconds, a job in line tells its page again how many are ahead of it (which
#: also lets Streamlit stop a run whose tab was closed while it waited).
_RETELL_S = 1.0


class Admission:
    """A line for heavy jobs across all sessions: ``slots`` run at once, the rest wait in order.

    Parameters
    ----------
    slots : int
        How many jobs may run at the same time.

    Examples
    --------
    >>> line = Admission(1)
    >>> with line.admit():
    ...     line.running
    1
    """

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self.running = 0
        self._waiting: list[object] = []
        self._changed = threading.Condition()

    @property
    def waiting(self) -> int:
        """How many jobs wait in line."""
        with self._changed:
            return len(self._waiting)

    def _ahead(self, ticket: object) -> int | None:
        """Return how many jobs are ahead of ``ticket`` (None when it may start)."""
        place = self._waiting.index(ticket)
        if place == 0 and self.running < self.slots:
            return None
        return self.running + place

    @contextlib.contextmanager
    def admit(self, on_wait: Callable[[int], None] | None = None) -> Iterator[None]:
        """Run the block when a slot is free, after the jobs that came first.

        Parameters
        ----------
        on_wait : callable, optional
            Called with the number of jobs ahead (running or waiting) while the block
            waits, again whenever that number changes and every second; an exception it
            raises (the user's run was stopped) takes the job out of the line.

        Yields
        ------
        None
            Inside the block, the job holds a slot; leaving it frees the slot.
        """
        ticket = object()
        with self._changed:
            self._waiting.append(ticket)
        try:
            while True:
                with self._changed:
                    ahead = self._ahead(ticket)
                    if ahead is None:
                        self._waiting.remove(ticket)
                        self.running += 1
                        break
                    if on_wait is None:
                        self._changed.wait()
                        continue
                if on_wait is not None:
                    on_wait(ahead)
                with self._changed:
                    if self._ahead(ticket) == ahead:
                        self._changed.wait(_RETELL_S)
        except BaseException:
            with self._changed:
                if ticket in self._waiting:
                    self._waiting.remove(ticket)
                self._changed.notify_all()
            raise
        try:
            yield
        finally:
            with self._changed:
                self.running -= 1
                self._changed.notify_all()


#: The server's one line for heavy jobs.
heavy_jobs = Admission(HEAVY_SLOTS)


def _last_line(cause: BaseException) -> str:
    lines = [line.strip() for line in str(cause).splitlines() if line.strip("' \n")]
    return lines[-1] if lines else type(cause).__name__
