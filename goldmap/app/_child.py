"""Run one pickled call sent on stdin and write its pickled outcome to stdout.

The child process of :func:`goldmap.app.memory.in_child_process`; it imports only what the
call needs (never streamlit), and its memory goes back to the system when it exits.
"""

from __future__ import annotations

import importlib
import pickle
import sys


def main() -> None:
    """Read ``(function, args, kwargs)``, call it, write ``("ok", value)`` or ``("error", exc)``.

    The function may come as its name, ``"module:function"``.
    """
    work, args, kwargs = pickle.loads(sys.stdin.buffer.read())
    try:
        if isinstance(work, str):
            module, _, name = work.partition(":")
            work = getattr(importlib.import_module(module), name)
        outcome = ("ok", work(*args, **kwargs))
    except Exception as err:  # sent back to the server, which raises it there
        outcome = ("error", err)
    sys.stdout.buffer.write(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    main()
