"""A probe sent to a worker process: it imports nothing, so what it finds was loaded before."""

import sys


def modules_loaded(names: list[str]) -> list[str]:
    """Return which of ``names`` the process had imported when the probe arrived."""
    return [name for name in names if name in sys.modules]
