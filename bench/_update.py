"""Put the rows of a partial run into the committed results table, by figure name.

A full ``make bench`` takes hours on a small machine (the 10⁸-point cluster run alone);
``python -m bench heavy sessions --update`` measures a few rows again and replaces just
those rows and their notes in ``bench/RESULTS.md``. Each updated note starts with the date
and command of its run, and the header lists which rows were measured when, so that a
reader never takes a mixed table for one run.
"""

from __future__ import annotations

_HEADER_ROWS = ("| figure |", "| --- |")


def _name(line: str) -> str | None:
    """Return the figure name of a table row or a note line, else None."""
    if line.startswith("| ") and not line.startswith(_HEADER_ROWS):
        return line[2:].split(" | ", 1)[0]
    if line.startswith("- **") and "**: " in line:
        return line[4:].split("**: ", 1)[0]
    return None


def _by_name(text: str, kind: str) -> dict[str, str]:
    return {
        name: line
        for line in text.splitlines()
        if (name := _name(line)) is not None and line.startswith(kind)
    }


def update_results(committed: str, partial: str, command: str, when: str) -> str:
    """Return ``committed`` with the rows and notes of ``partial`` put in by name.

    Parameters
    ----------
    committed : str
        The text of ``bench/RESULTS.md`` (a full run's table, maybe updated before).
    partial : str
        The table the partial run wrote (same layout).
    command : str
        The command that measured the partial run, named in each of its notes.
    when : str
        The partial run's date.

    Returns
    -------
    str
        The committed table with those rows replaced (new ones added after the last row).
    """
    rows, notes = _by_name(partial, "| "), _by_name(partial, "- **")
    stamp = f"measured {when} by `{command}`; "
    notes = {name: line.replace("**: ", "**: " + stamp, 1) for name, line in notes.items()}
    lines = committed.splitlines()
    for wanted, kind in ((rows, "| "), (notes, "- **")):
        left = dict(wanted)
        last = None
        for i, line in enumerate(lines):
            name = _name(line)
            if name is None or not line.startswith(kind):
                continue
            last = i
            if name in left:
                lines[i] = left.pop(name)
        if last is not None:
            lines[last + 1 : last + 1] = list(left.values())
    summary = f"Rows re-measured {when} by `{command}`: {', '.join(rows)}."
    at = next(i for i, line in enumerate(lines) if line.startswith("Machine: "))
    lines.insert(at + 1, "")
    lines.insert(at + 2, summary)
    return "\n".join(lines) + "\n"
