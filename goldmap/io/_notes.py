"""Tell the user what a reader renamed, combined or left out: notes kept on the frame and logged.

A reader that cannot keep a file exactly as it is (a KML placemark of a kind goldmap does not
read, a table's own ``geometry`` column, a merged two-row header, a workbook's other sheets)
says so in one English sentence per case, in ``frame.attrs["read_notes"]`` and as a logged
warning, so that nothing is changed or dropped without a word.
"""

from __future__ import annotations

import logging

import pandas as pd

__all__ = ["READ_NOTES", "add_read_notes", "read_notes"]

logger = logging.getLogger("goldmap.io")

#: The key of ``frame.attrs`` under which a reader lists its notes.
READ_NOTES = "read_notes"


def read_notes(frame: pd.DataFrame) -> list[str]:
    """Return the notes a reader left on ``frame`` (a new list; empty when none)."""
    return list(frame.attrs.get(READ_NOTES, []))


def add_read_notes(
    frame: pd.DataFrame, notes: list[str], *, earlier: list[str] | None = None
) -> None:
    """Log ``notes`` as warnings and keep them on ``frame``, after the ``earlier`` ones."""
    for note in notes:
        logger.warning("%s", note)
    frame.attrs[READ_NOTES] = [*(earlier or []), *notes]
