"""Tell the user what a reader renamed, combined or left out: notes kept on the frame and logged.

A reader that cannot keep a file exactly as it is (a KML placemark of a kind goldmap does not
read, a table's own ``geometry`` column, a merged two-row header, a workbook's other sheets)
says so in one English sentence per case, in ``frame.attrs["read_notes"]`` and as a logged
warning, so that nothing is changed or dropped without a word. Each note is a
:class:`ReadNote`: the sentence, with the ``kind`` and ``fields`` it was made from, so that an
interface can say it in another language (``goldmap.text``, ``note_<kind>``).
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from goldmap._note_words import NOTES

__all__ = ["READ_NOTES", "ReadNote", "add_read_notes", "read_notes"]

logger = logging.getLogger("goldmap.io")

#: The key of ``frame.attrs`` under which a reader lists its notes.
READ_NOTES = "read_notes"


class ReadNote(str):
    """One reader's note: its English sentence, with the ``kind`` and ``fields`` behind it.

    Parameters
    ----------
    kind : str
        What the reader did (``"own_geometry"``, ``"other_sheets"`` ...), a key of the words
        table without its ``note_`` prefix.
    **fields
        The values the sentence names (the file's name, a count, a column ...).

    Examples
    --------
    >>> note = ReadNote("other_sheets", name="a.xlsx", count=2, chosen="t", others="'u'")
    >>> note.kind, note.startswith("'a.xlsx' has 2 sheets")
    ('other_sheets', True)
    """

    kind: str
    fields: dict[str, Any]

    def __new__(cls, kind: str, **fields: Any) -> ReadNote:
        note = super().__new__(cls, NOTES[f"note_{kind}"][1].format(**fields))
        note.kind = kind
        note.fields = fields
        return note

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, Any]]:
        """Rebuild the note from its kind and fields (pickled to and from the app's worker)."""
        return (self.kind,), dict(self.fields)


def read_notes(frame: pd.DataFrame) -> list[str]:
    """Return the notes a reader left on ``frame`` (a new list; empty when none)."""
    return list(frame.attrs.get(READ_NOTES, []))


def add_read_notes(
    frame: pd.DataFrame, notes: list[ReadNote], *, earlier: list[str] | None = None
) -> None:
    """Log ``notes`` as warnings and keep them on ``frame``, after the ``earlier`` ones."""
    for note in notes:
        logger.warning("%s", note)
    frame.attrs[READ_NOTES] = [*(earlier or []), *notes]
