"""Apply checked corrections to the key mines, keeping each correction's provenance."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from goldmap._mine_location import UNCERTAINTY_KM, location_fields
from goldmap.catalog import load
from goldmap.corrections._checks import check, source_list
from goldmap.corrections._table import CorrectionsSource, read_corrections, standardize

__all__ = ["UNCERTAINTY_KM", "apply_corrections"]


def _county_at(point: shapely.Point, province_adcode: int) -> tuple[str | None, int | None]:
    counties = load("counties")
    inside = counties[counties["province_adcode"].astype(int) == int(province_adcode)]
    hits = inside[inside.geometry.covers(point)]
    if hits.empty:
        return None, None
    first = hits.iloc[0]
    return str(first["name_zh"]), int(first["adcode"])


def _follow_county(frame: gpd.GeoDataFrame, i: int, point: shapely.Point) -> str | None:
    """Keep the county fields true to a moved point; return a note when they change."""
    if "county_adcode" not in frame.columns or bool(frame["offshore"].iloc[i]):
        return None
    old_code = frame["county_adcode"].iloc[i]
    known = old_code is not None and not pd.isna(old_code)
    county_zh, county_adcode = _county_at(point, int(frame["province_adcode"].iloc[i]))
    if known and county_adcode == int(old_code):
        return None
    old = frame["county_zh"].iloc[i] if known else None
    frame.iat[i, frame.columns.get_loc("county_zh")] = county_zh
    frame.iat[i, frame.columns.get_loc("county_adcode")] = county_adcode
    was = f" (was {old})" if old else ""
    return f"County from the corrected point: {county_zh or 'none found'}{was}."


def apply_corrections(mines: gpd.GeoDataFrame, corrections: CorrectionsSource) -> gpd.GeoDataFrame:
    """Move the corrected key mines, with the correction's precision and source first.

    Every row is checked first (known id, one row per mine, coordinates inside the mine's
    province, an allowed precision, a source URL and quote); only a file with no bad row is
    applied, to a copy. A row that repeats a mine's current point and precision, with no
    note and no new source (such as an unedited row of the template), leaves that mine as
    it is.

    Parameters
    ----------
    mines : geopandas.GeoDataFrame
        The key mines, as ``goldmap.load("key_mines")`` returns them. Not changed.
    corrections : path, bytes, binary file or DataFrame
        A corrections file (see :func:`read_corrections`) or the table it returns.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``mines`` with a ``corrected`` column. A corrected mine has the new point,
        the correction's ``location_precision``, the correction's source first in
        ``sources`` (``{url, quote, checked: None, check: None, check_note: None}``), its
        ``notes`` prefixed by the correction's note, ``location_known`` true,
        ``location_uncertainty_km`` from :data:`UNCERTAINTY_KM` and ``stands_for_zh``/
        ``_en`` for its precision, and, when the point lies in another county than the one
        recorded, that county's ``county_zh`` and ``county_adcode`` (the notes say so).
        ``shares_point_with`` is recomputed for every mine; other fields of the other mines
        are as they were.

    Raises
    ------
    CorrectionError
        When a column is missing, or any row is bad; the message lists every bad row and its
        fix, and nothing is applied.
    InputFileError
        When the file cannot be read.

    Examples
    --------
    >>> import goldmap
    >>> table = pd.DataFrame(
    ...     {"id": ["sd-jiaojia"], "lon": [119.95], "lat": [37.4],
    ...      "location_precision": ["deposit"], "source_url": ["https://example.org/report"],
    ...      "source_quote": ["Jiaojia deposit at 119.95 E, 37.40 N"]}
    ... )
    >>> fixed = apply_corrections(goldmap.load("key_mines"), table)
    >>> int(fixed["corrected"].sum())
    1
    """
    if isinstance(corrections, pd.DataFrame):
        labels = [f"row {i + 2}" for i in range(len(corrections))]
        if corrections.index.name == "row":
            labels = [str(label) for label in corrections.index]
        table = standardize(corrections, "table", labels)
        table.attrs["source_name"] = corrections.attrs.get("source_name", "table")
    else:
        table = read_corrections(corrections)
    changes = check(mines, table)
    frame = mines.copy()
    frame["sources"] = [source_list(s) for s in frame["sources"]]
    frame["corrected"] = False
    geometry = list(frame.geometry)
    precision_column = frame.columns.get_loc("location_precision")
    for i, change in changes.items():
        geometry[i] = change["point"]
        frame.iloc[i, precision_column] = change["precision"]
        record = {
            "url": change["url"],
            "quote": change["quote"],
            "checked": None,
            "check": None,
            "check_note": None,
        }
        rest = [
            s
            for s in frame["sources"].iloc[i]
            if (s.get("url"), s.get("quote")) != (record["url"], record["quote"])
        ]
        frame.iat[i, frame.columns.get_loc("sources")] = [record, *rest]
        county_note = _follow_county(frame, i, change["point"])
        notes = [n for n in (change["note"], county_note, frame["notes"].iloc[i]) if n]
        frame.iat[i, frame.columns.get_loc("notes")] = " ".join(notes)
        frame.iat[i, frame.columns.get_loc("corrected")] = True
    name = frame.geometry.name
    moved = [
        i
        for i, change in changes.items()
        if change["precision"] != mines["location_precision"].iloc[i]
        or mines.geometry.iloc[i] is None
        or not change["point"].equals(mines.geometry.iloc[i])
    ]
    frame[name] = gpd.GeoSeries(geometry, index=frame.index, crs=mines.crs)
    frame = location_fields(frame, rows=moved)
    return frame[[*(c for c in frame.columns if c != name), name]]
