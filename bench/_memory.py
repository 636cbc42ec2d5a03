"""Read a process's memory from /proc: its own resident set, its family's, their peak.

The app server's upload workers are its grandchildren (children of its fork server), so a
figure of "server + workers" counts every descendant, not only the direct children.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: How often :func:`sampling_peak` reads the family's resident set, in seconds.
SAMPLE_S = 0.1


def status_mb(pid: int, key: str) -> float:
    """Return the field ``key`` (``VmRSS``, ``VmHWM`` ...) of ``/proc/<pid>/status``, in MB.

    Raises
    ------
    OSError
        When the process is gone.
    KeyError
        When the status has no such field (a process that is exiting).
    """
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(key)


def _parents() -> dict[int, int]:
    """Return each running process's parent, by process id."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return parents


def family_mb(pid: int) -> float:
    """Return the resident set of process ``pid`` and all its descendants, in MB.

    A descendant that exits while it is read is left out.
    """
    parents = _parents()
    family, grew = {pid}, True
    while grew:
        more = {child for child, parent in parents.items() if parent in family} - family
        family |= more
        grew = bool(more)
    total = 0.0
    for member in family:
        with contextlib.suppress(OSError, KeyError):
            total += status_mb(member, "VmRSS")
    return total


@dataclass
class Peak:
    """The largest :func:`family_mb` seen so far, in MB (0 before the first sample)."""

    mb: float = 0.0


@contextlib.contextmanager
def sampling_peak(pid: int) -> Iterator[Peak]:
    """Sample :func:`family_mb` of ``pid`` every :data:`SAMPLE_S` while the block runs.

    Yields
    ------
    Peak
        Its ``mb`` is the largest resident set of the family seen, kept up to date.
    """
    peak = Peak()
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            with contextlib.suppress(OSError, KeyError):
                peak.mb = max(peak.mb, family_mb(pid))
            stop.wait(SAMPLE_S)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        stop.set()
        thread.join()
