"""Run the app's heavy jobs in its worker process, importing their engines only there.

The server hands these functions to :func:`goldmap.app.memory.in_worker`; this module
imports neither streamlit nor the engines, so neither the server nor the worker loads more
than the job needs. An upload is read from the session's folder and located here; the
worker keeps the whole answer on disk there and hands the server only what its page shows
(:class:`LocatedUpload`): at most :data:`DRAW_LIMIT` features to draw, the first
:data:`TABLE_LIMIT` rows for the table and the counts by province and plan area. An upload
is located once: in the other language the page shows it relabelled
(:meth:`LocatedUpload.in_language`), never located again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from goldmap._located_labels import LocatedLabels, located_labels, relabel
from goldmap._located_summary import located_counts
from goldmap._note_words import INPUT_NOTES, LOCATION_NOTES
from goldmap.io._notes import read_notes

__all__ = [
    "DRAW_LIMIT",
    "TABLE_LIMIT",
    "LocatedUpload",
    "export_located",
    "locate_upload",
    "on_earth_bounds",
]

#: Most features of one upload the map draws (points; other shapes: :data:`SHAPE_LIMIT`).
DRAW_LIMIT = 100_000
#: Most lines, polygons or mixed features of one upload the map draws.
SHAPE_LIMIT = 5_000
#: Most rows of one upload the table shows; the download has them all.
TABLE_LIMIT = 5_000
#: The whole answer, in the session's folder (GeoParquet keeps every column and type).
LOCATED_FILE = "located.parquet"


@dataclass
class LocatedUpload:
    """What the page shows of a located upload; the whole answer stays on disk at ``path``.

    Attributes
    ----------
    rows : int
        Features in the file.
    drawn : geopandas.GeoDataFrame
        The features the map draws: all of them up to the limit, else every ``step``-th row.
    step : int
        1 when every feature is drawn; else the map draws rows 0, step, 2·step ...
    table : geopandas.GeoDataFrame
        The first rows, with every column, for the table (and the detail panel).
    summaries : dict of str to pandas.DataFrame
        Per language, features by province and by plan area (``kind``, ``name``,
        ``features``); :attr:`summary` is the one in ``lang``.
    counts : dict of str to int
        The whole file's :func:`goldmap._located_summary.located_counts` (for the summary line).
    bounds : tuple of float
        The bounds of all features (west, south, east, north).
    path : pathlib.Path
        The whole located file (GeoParquet, in the language it was located in), for the
        download.
    lang : {"zh", "en"}
        The language of the names in ``drawn`` and ``table``.
    labels : goldmap._located_labels.LocatedLabels
        The answer's names in both languages (:meth:`in_language`).
    notes : list of str
        What the reader noted about the file (:class:`goldmap.io._notes.ReadNote`: a column
        renamed, a header combined, sheets or placemarks left out).
    row_notes : dict of str to int
        How many features of the whole file have each ``location_note`` that says their
        input is wrong (:data:`goldmap._note_words.INPUT_NOTES`), by the note's words.
    """

    rows: int
    drawn: gpd.GeoDataFrame
    step: int
    table: gpd.GeoDataFrame
    summaries: dict[str, pd.DataFrame]
    counts: dict[str, int]
    bounds: tuple[float, float, float, float]
    path: Path
    lang: str
    labels: LocatedLabels
    notes: list[str] = field(default_factory=list)
    row_notes: dict[str, int] = field(default_factory=dict)
    _said: dict[str, LocatedUpload] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def summary(self) -> pd.DataFrame:
        """Features by province and by plan area, named in ``lang``."""
        return self.summaries[self.lang]

    def in_language(self, lang: str) -> LocatedUpload:
        """Return this upload as the page shows it in ``lang`` (made once, then kept).

        Only the names change (:func:`goldmap._located_labels.relabel`): nothing is
        located again.
        """
        if lang == self.lang:
            return self
        if lang not in self._said:
            self._said[lang] = dataclasses.replace(
                self,
                drawn=relabel(self.drawn, self.labels, lang),
                table=relabel(self.table, self.labels, lang),
                lang=lang,
            )
        return self._said[lang]

    @property
    def capped(self) -> bool:
        """Whether the map or the table shows fewer features than the file has."""
        return self.rows > len(self.drawn) or self.rows > len(self.table)


def draw_limit(located: gpd.GeoDataFrame) -> int:
    """Return how many of ``located``'s features the map may draw (points go on a canvas)."""
    return DRAW_LIMIT if bool((located.geom_type == "Point").all()) else SHAPE_LIMIT


def _summary(located: gpd.GeoDataFrame, lang: str) -> pd.DataFrame:
    """Count the features by province and by plan area (as ``locate`` named them)."""
    parts = []
    for kind, column in (
        ("province", f"province_{lang}"),
        ("exploration_areas", "exploration_areas"),
        ("development_areas", "development_areas"),
    ):
        if column not in located:
            continue
        values = located[column].astype("string").fillna("").replace("", "—")
        if kind != "province":
            values = values[values != "—"]
        counts = values.value_counts(sort=True)
        parts.append(pd.DataFrame({"kind": kind, "name": counts.index, "features": counts.values}))
    if not parts:
        return pd.DataFrame({"kind": [], "name": [], "features": []})
    return pd.concat(parts, ignore_index=True)


# The columns the summary counts by.
_NAMED = ["province_zh", "province_en", "exploration_areas", "development_areas"]


def on_earth_bounds(located: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    """Return the bounds (west, south, east, north) of the features that lie on the globe.

    A swapped row (latitude 120) or a longitude of 400 is reported in its row's note; it must
    not send the map to a place that does not exist. No such feature: all zeros.
    """
    import numpy as np
    import shapely

    boxes = shapely.bounds(located.geometry.values)
    west, south, east, north = boxes.T
    on_earth = (west >= -180) & (east <= 180) & (south >= -90) & (north <= 90)
    if not on_earth.any():  # NaN bounds (empty geometries) compare False too
        return (0.0, 0.0, 0.0, 0.0)
    kept = boxes[on_earth]
    return (
        float(np.min(kept[:, 0])), float(np.min(kept[:, 1])),
        float(np.max(kept[:, 2])), float(np.max(kept[:, 3])),
    )  # fmt: skip


def summarise(
    located: gpd.GeoDataFrame, path: Path, lang: str, labels: LocatedLabels
) -> LocatedUpload:
    """Return what the page shows of ``located`` (whose whole answer is at ``path``)."""
    rows = len(located)
    limit = draw_limit(located)
    step = 1 if rows <= limit else -(-rows // limit)
    named = located[[c for c in _NAMED if c in located.columns]]
    drawn = located.iloc[::step]
    bounds = on_earth_bounds(located)
    return LocatedUpload(
        rows=rows,
        drawn=drawn.copy(),
        step=step,
        table=located.iloc[:TABLE_LIMIT].copy(),
        summaries={
            said: _summary(located if said == lang else relabel(named, labels, said), said)
            for said in ("zh", "en")
        },
        counts=located_counts(located),
        bounds=bounds,  # type: ignore[arg-type]
        path=path,
        lang=lang,
        labels=labels,
        notes=read_notes(located),
        row_notes=_row_notes(located),
    )


def _row_notes(located: gpd.GeoDataFrame) -> dict[str, int]:
    """Count the features whose ``location_note`` says their input is wrong, by note."""
    if "location_note" not in located:
        return {}
    counts = located["location_note"].value_counts()
    wrong = (LOCATION_NOTES[code][1] for code in INPUT_NOTES)
    return {note: int(counts[note]) for note in wrong if note in counts.index}


def locate_upload(
    upload: Path, filename: str, lang: str, mines: gpd.GeoDataFrame | None = None
) -> LocatedUpload:
    """Locate the uploaded file at ``upload`` (see :func:`goldmap.locate`); keep the answer.

    ``filename`` is the name the user gave the file (its format); ``mines`` are the
    session's key mines (with its corrections), as the library and the CLI measure to them.
    The whole answer is written beside the upload (:data:`LOCATED_FILE`), and only what the
    page shows goes back to the server.
    """
    from goldmap.spatial import locate

    located = locate(Path(upload).read_bytes(), filename=filename, lang=lang, mines=mines)
    path = Path(upload).with_name(LOCATED_FILE)
    _keep(located, path)
    return summarise(located, path, lang, located_labels(mines))


def _keep(located: gpd.GeoDataFrame, path: Path) -> None:
    """Write the whole answer to ``path``; a user's mixed-type column is kept as text."""
    try:
        located.to_parquet(path)
    except (TypeError, ValueError, ArithmeticError):  # pyarrow refuses mixed-type columns
        frame = located.copy()
        for column in frame.columns:
            if frame[column].dtype == object and column != frame.geometry.name:
                frame[column] = frame[column].map(lambda v: None if v is None else str(v))
        frame.to_parquet(path)


def export_located(
    path: Path, name: str, fmt: str, said: tuple[LocatedLabels, str] | None = None
) -> bytes:
    """Return the whole located file at ``path`` exported as ``fmt`` (a layer ``name``).

    ``said``, the labels and a language, names its plan areas and shared points in that
    language (:func:`goldmap._located_labels.relabel`).
    """
    from goldmap.io.write import export_bytes

    located = gpd.read_parquet(path)
    if said is not None:
        located = relabel(located, *said)
    return export_bytes({name: located}, format=fmt)[0]
