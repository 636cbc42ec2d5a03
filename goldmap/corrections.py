"""Merge a user's better coordinates for the key mines into the layer, keeping provenance.

A corrections file (CSV, TSV, XLSX or GeoJSON) has one row per mine to move: ``id``,
``lon``, ``lat``, ``location_precision``, ``source_url``, ``source_quote`` and an optional
``note``. Every row is checked before anything is applied; a file with a bad row changes
nothing and is answered with one :class:`~goldmap.errors.CorrectionError` that lists every
bad row and how to fix it.
"""

from __future__ import annotations

import difflib
import functools
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from goldmap._mine_location import UNCERTAINTY_KM, location_fields
from goldmap.catalog import load
from goldmap.crs import EQUAL_AREA_CRS, WGS84
from goldmap.errors import CorrectionError, ExportError
from goldmap.schema import schema

__all__ = [
    "COLUMNS",
    "REFERENCE_COLUMNS",
    "UNCERTAINTY_KM",
    "CorrectionsSource",
    "allowed_precisions",
    "apply_corrections",
    "corrected_layer",
    "corrected_layers",
    "locate_corrected",
    "nearest_corrected_mine",
    "read_corrections",
    "template",
    "write_template",
]

CorrectionsSource = str | os.PathLike[str] | bytes | IO[bytes] | pd.DataFrame

#: The columns of a corrections file, in order; ``note`` may be left out.
COLUMNS: tuple[str, ...] = (
    "id",
    "lon",
    "lat",
    "location_precision",
    "source_url",
    "source_quote",
    "note",
)
_REQUIRED = COLUMNS[:-1]

#: Columns the template adds so that a person can tell the rows apart; ignored when read.
REFERENCE_COLUMNS: tuple[str, ...] = ("name_zh", "name_en", "province_zh")

#: A row whose point differs from the layer's by less than this (degrees, about 0.1 mm) keeps
#: the point: it is the value the template wrote, read back.
_SAME_POINT_DEG = 1e-9

_TABLE_ENDINGS = (".csv", ".tsv", ".txt", ".xlsx")
_FEATURE_ENDINGS = (".geojson", ".json")
_TEMPLATE_ENDINGS = (".csv", ".xlsx")
_HOW_TO_START = "`goldmap corrections template -o my.csv` writes one to start from"


def allowed_precisions() -> tuple[str, ...]:
    """Return the values ``location_precision`` may take, from the published schema.

    Returns
    -------
    tuple of str
        ``deposit``, ``mine_site``, ``town``, ``county``, ``province``.

    Examples
    --------
    >>> allowed_precisions()[0]
    'deposit'
    """
    return tuple(schema("key_mines")["$defs"]["precision"]["enum"])


# --- reading ------------------------------------------------------------------------------


def _display_name(source: object, filename: str | None) -> str:
    if filename:
        return Path(filename).name or filename
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    return "corrections"


def _cell(value: Any) -> str | None:
    """Return a cell as stripped text, or None when it is empty."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip()
    return text or None


def _standardize(frame: pd.DataFrame, name: str, labels: Sequence[str]) -> pd.DataFrame:
    """Check the columns and return the corrections columns as text, indexed by row label."""
    renamed = {c: str(c).strip().lower() for c in frame.columns}
    frame = frame.rename(columns=renamed)
    unnamed_empty = [
        c for c in frame.columns if str(c).startswith("unnamed:") and frame[c].isna().all()
    ]
    frame = frame.drop(columns=unnamed_empty)
    known = set(COLUMNS) | set(REFERENCE_COLUMNS)
    unknown = [str(c) for c in frame.columns if c not in known]
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"lacks the column(s) {', '.join(map(repr, missing))}")
        if unknown:
            parts.append(f"has column(s) goldmap does not apply: {', '.join(map(repr, unknown))}")
        raise CorrectionError(
            f"The corrections file {name!r} {' and '.join(parts)}. A corrections file has the "
            f"columns {', '.join(COLUMNS)} (note is optional; {', '.join(REFERENCE_COLUMNS)} "
            f"are read and ignored); {_HOW_TO_START}."
        )
    if frame.columns.duplicated().any():
        twice = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
        raise CorrectionError(
            f"The corrections file {name!r} has the column(s) {twice} more than once. Keep one "
            "of each."
        )
    table = pd.DataFrame(
        {c: [_cell(v) for v in frame[c]] if c in frame.columns else None for c in COLUMNS},
        index=pd.Index(list(labels), name="row"),
        dtype=object,
    )
    table.attrs["source_name"] = name
    return table


def read_corrections(
    source: str | os.PathLike[str] | bytes | IO[bytes], *, filename: str | None = None
) -> pd.DataFrame:
    r"""Read a corrections file into a table, one row per correction.

    Parameters
    ----------
    source : str, path-like, bytes or binary file
        A CSV, TSV or XLSX table with the columns :data:`COLUMNS`, or a GeoJSON of points
        whose properties hold them (the point gives ``lon`` and ``lat``).
    filename : str, optional
        The file's name when ``source`` is bytes or a file object (e.g. an upload): its
        ending chooses the format, and messages call the file by it.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`COLUMNS` as text (None for an empty cell), indexed by where
        each row is in the file: ``"row 2"`` is the first row under a table's header (the
        row number a spreadsheet shows), ``"feature 1"`` the first feature of a GeoJSON.
        Rows are not checked against the key mines here; :func:`apply_corrections` does.

    Raises
    ------
    CorrectionError
        When a column is missing or not a corrections column, or a GeoJSON feature is not a
        point.
    InputFileError
        When the file cannot be read (missing, too large, an unsupported type, damaged).

    Examples
    --------
    >>> text = (
    ...     b"id,lon,lat,location_precision,source_url,source_quote\n"
    ...     b"sd-jiaojia,119.9,37.4,deposit,https://example.org/p,the quote\n"
    ... )
    >>> read_corrections(text, filename="my.csv").index[0]
    'row 2'
    """
    from goldmap.io import read_features, read_table

    name = _display_name(source, filename)
    suffix = Path(name).suffix.lower()
    if isinstance(source, str | os.PathLike):
        source = os.fspath(source)
    if suffix in _TABLE_ENDINGS:
        table = read_table(source, filename=filename)
        labels = [f"row {i + 2}" for i in range(len(table))]
        return _standardize(table, name, labels)
    if suffix in _FEATURE_ENDINGS:
        features = read_features(source, filename=filename)
        labels = [f"feature {i + 1}" for i in range(len(features))]
        geometry = features.geometry
        not_points = [
            f"{label} is a {kind}" if kind else f"{label} has no geometry"
            for label, kind in zip(labels, geometry.geom_type, strict=True)
            if kind != "Point"
        ]
        if not_points:
            raise CorrectionError(
                f"The corrections file {name!r} holds features that are not points: "
                f"{'; '.join(not_points)}. A correction is one point per mine.",
                not_points,
            )
        table = pd.DataFrame(features.drop(columns=features.geometry.name))
        table = table.drop(columns=[c for c in table.columns if str(c).lower() in ("lon", "lat")])
        table["lon"] = geometry.x.to_numpy()
        table["lat"] = geometry.y.to_numpy()
        return _standardize(table, name, labels)
    raise CorrectionError(
        f"Unsupported corrections file type {suffix or '(no ending)'} ({name!r}). goldmap "
        f"reads corrections from {', '.join(_TABLE_ENDINGS + _FEATURE_ENDINGS)}; "
        f"{_HOW_TO_START}."
    )


# --- checking -----------------------------------------------------------------------------


def _number(text: str | None, column: str, low: float, high: float) -> tuple[float | None, str]:
    """Parse a coordinate; return (value, problem) with exactly one of them set."""
    example = "120.15" if column == "lon" else "37.2"
    if text is None:
        return None, f"{column} is empty: give decimal degrees (WGS84), e.g. {example}"
    try:
        value = float(text.replace("\u2212", "-"))
    except ValueError:
        return None, f"{column} {text!r} is not a number: give decimal degrees, e.g. {example}"
    if not math.isfinite(value) or not low <= value <= high:
        return None, f"{column} {text!r} is outside {low:g}..{high:g}: give decimal degrees"
    return value, ""


@functools.cache
def _province_shapes() -> dict[int, Any]:
    provinces = load("provinces")
    return {int(a): g for a, g in zip(provinces["adcode"], provinces.geometry, strict=True)}


def _distance_km(point: shapely.Point, shape: Any) -> float:
    pair = gpd.GeoSeries([point, shape], crs=WGS84).to_crs(EQUAL_AREA_CRS)
    return float(pair.iloc[0].distance(pair.iloc[1]) / 1000)


def _place_problem(mine: Any, point: shapely.Point) -> str | None:
    """Return why ``point`` cannot be ``mine``'s position, or None when it can."""
    from goldmap.validate import OFFSHORE_TOLERANCE_KM

    shape = _province_shapes().get(int(mine.province_adcode))
    if shape is None:  # pragma: no cover - every mine's province is a packaged province
        return f"the mine's province {mine.province_adcode!r} is not among the provinces"
    where = f"({point.x:g}, {point.y:g})"
    if bool(getattr(mine, "offshore", False)):
        # Offshore deposits lie under the sea, outside every province polygon: the rule the
        # layer's own check uses (goldmap validate) applies.
        km = _distance_km(point, shape)
        if km <= OFFSHORE_TOLERANCE_KM:
            return None
        return (
            f"point {where} is {km:.1f} km off {mine.province_zh} ({mine.province_en}); an "
            f"offshore mine may lie at most {OFFSHORE_TOLERANCE_KM:g} km from its province's "
            "coast. Check the coordinates (longitude first, decimal degrees)"
        )
    if shape.covers(point):
        return None
    swapped = 73 <= point.y <= 136 and 3 <= point.x <= 54
    hint = " They look swapped: put longitude in lon and latitude in lat." if swapped else ""
    return (
        f"point {where} lies outside {mine.province_zh} ({mine.province_en}), the province "
        f"the plan lists the mine under. Check the coordinates (longitude first, decimal "
        f"degrees, WGS84).{hint}"
    )


def _is_same_point(mine: Any, lon: float, lat: float) -> bool:
    geometry = mine.geometry
    if geometry is None or geometry.is_empty:  # a mine known only to its province
        return False
    return bool(
        abs(geometry.x - lon) <= _SAME_POINT_DEG and abs(geometry.y - lat) <= _SAME_POINT_DEG
    )


def _is_untouched_unplaced(row: Any, mine: Any) -> bool:
    """Tell a template row of a mine with no point, left as the template wrote it."""
    empty = (row.lon, row.lat, row.note, row.source_url, row.source_quote) == (None,) * 5
    no_point = mine.geometry is None or mine.geometry.is_empty
    return empty and no_point and row.location_precision == mine.location_precision


def _has_source(mine: Any, url: str | None, quote: str | None) -> bool:
    return any(s.get("url") == url and s.get("quote") == quote for s in _sources(mine.sources))


def _sources(value: Any) -> list[dict[str, Any]]:
    return [dict(s) for s in value] if value is not None else []


def _row_problems(
    row: Any, mine: Any, precisions: Sequence[str]
) -> tuple[list[str], dict[str, Any] | None]:
    """Check one row against its mine; return (problems, the change or None if unchanged)."""
    if _is_untouched_unplaced(row, mine):
        return [], None
    problems = []
    lon, lon_problem = _number(row.lon, "lon", -180, 180)
    lat, lat_problem = _number(row.lat, "lat", -90, 90)
    swapped_lat, _ = _number(row.lon, "lat", -90, 90)
    swapped_lon, _ = _number(row.lat, "lon", -180, 180)
    if lat is None and swapped_lat is not None and swapped_lon is not None and swapped_lon > 60:
        problems.append(
            f"lon {row.lon!r} and lat {row.lat!r} look swapped: put the longitude (73-136 in "
            "China) in lon and the latitude (3-54) in lat"
        )
        lon = None
    else:
        problems += [p for p in (lon_problem, lat_problem) if p]
    precision = row.location_precision
    if precision not in precisions:
        given = "is empty" if precision is None else f"{precision!r} is not allowed"
        problems.append(
            f"location_precision {given}: choose one of {', '.join(precisions)} (what your "
            "coordinate marks: the orebody, the mine site, a town, a county seat, the province)"
        )
    point = shapely.Point(lon, lat) if lon is not None and lat is not None else None
    unchanged = (
        point is not None
        and _is_same_point(mine, point.x, point.y)
        and precision == mine.location_precision
        and row.note is None
        and (
            (row.source_url is None and row.source_quote is None)
            or _has_source(mine, row.source_url, row.source_quote)
        )
    )
    if unchanged:
        return [], None
    if row.source_url is None:
        problems.append(
            "source_url is empty: give the address of the page, report or database your "
            "coordinates come from"
        )
    if row.source_quote is None:
        problems.append(
            "source_quote is empty: copy the short passage of the source that gives the "
            "position (coordinates, a named place)"
        )
    place = _place_problem(mine, point) if point is not None else None
    if place:
        problems.append(place)
    if problems:
        return problems, None
    change = {
        "point": point,
        "precision": precision,
        "url": row.source_url,
        "quote": row.source_quote,
        "note": row.note,
    }
    return problems, change


def _check(mines: gpd.GeoDataFrame, table: pd.DataFrame) -> dict[int, dict[str, Any]]:
    """Check every row; return the changes by mine position, or raise listing every bad row."""
    precisions = allowed_precisions()
    ids = [str(i) for i in mines["id"]]
    position = {mine_id: i for i, mine_id in enumerate(ids)}
    first_row: dict[str, str] = {}
    problems: list[str] = []
    changes: dict[int, dict[str, Any]] = {}
    for label, row in zip(table.index, table.itertuples(index=False), strict=True):
        mine_id = _cell(row.id)
        where = f"{label} (id {mine_id!r})" if mine_id is not None else str(label)
        if mine_id is None:
            problems.append(
                f"{where}: the id is empty. Give the mine's id, e.g. 'sd-sanshandao' "
                f"({_HOW_TO_START})."
            )
            continue
        if mine_id not in position:
            close = difflib.get_close_matches(mine_id, ids, n=3, cutoff=0.6)
            hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
            problems.append(
                f"{where}: {mine_id!r} is not the id of a key mine.{hint} The ids are in "
                f"the template ({_HOW_TO_START})."
            )
            continue
        if mine_id in first_row:
            problems.append(
                f"{where}: the mine {mine_id!r} is corrected again (first on "
                f"{first_row[mine_id]}). Keep one row per mine: delete the other."
            )
            continue
        first_row[mine_id] = str(label)
        mine = next(mines.iloc[[position[mine_id]]].itertuples())
        row_problems, change = _row_problems(row, mine, precisions)
        problems += [f"{where}: {p.rstrip('.')}." for p in row_problems]
        if change is not None and not row_problems:
            changes[position[mine_id]] = change
    if problems:
        name = table.attrs.get("source_name", "corrections")
        raise CorrectionError(
            f"{len(problems)} problem(s) in the corrections {name!r}; nothing was applied. "
            "Fix these rows and try again:\n" + "\n".join(f"  {p}" for p in problems),
            problems,
        )
    return changes


# --- applying -----------------------------------------------------------------------------


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
        table = _standardize(corrections, "table", labels)
        table.attrs["source_name"] = corrections.attrs.get("source_name", "table")
    else:
        table = read_corrections(corrections)
    changes = _check(mines, table)
    frame = mines.copy()
    frame["sources"] = [_sources(s) for s in frame["sources"]]
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


def corrected_layer(name: str, frame: gpd.GeoDataFrame, corrections: object) -> gpd.GeoDataFrame:
    """Apply corrections to a loaded layer: only the key mines take them.

    Parameters
    ----------
    name : str
        The layer's name.
    frame : geopandas.GeoDataFrame
        The layer as loaded (a copy the caller owns).
    corrections : object
        As for :func:`apply_corrections`; anything else is refused.

    Returns
    -------
    geopandas.GeoDataFrame
        The corrected key mines.

    Raises
    ------
    CorrectionError
        When ``name`` is not ``key_mines``, or the corrections cannot be applied.
    """
    if name != "key_mines":
        raise CorrectionError(
            f"Corrections apply to the key mines only, not to the layer {name!r}. Load "
            "'key_mines' with the corrections file, or load this layer without it."
        )
    if not isinstance(corrections, str | os.PathLike | bytes | pd.DataFrame) and not hasattr(
        corrections, "read"
    ):
        raise CorrectionError(
            f"Corrections must be a file (a path, bytes or an open file) or a table, not "
            f"{type(corrections).__name__}. Give the path of a CSV, XLSX or GeoJSON file."
        )
    return apply_corrections(frame, corrections)  # type: ignore[arg-type]


def corrected_layers(
    names: Sequence[str], corrections: CorrectionsSource
) -> dict[str, gpd.GeoDataFrame]:
    """Load layers by name, the key mines with corrections applied (for exports and maps).

    Parameters
    ----------
    names : sequence of str
        Layer names; must include ``key_mines``, the layer corrections apply to.
    corrections : path, bytes, binary file or DataFrame
        As for :func:`apply_corrections`.

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
        The layers in the order given.

    Raises
    ------
    CorrectionError
        When ``names`` lacks ``key_mines``, or the corrections cannot be applied.
    LayerNotFoundError
        When a name is not a layer.

    Examples
    --------
    >>> corrected_layers(["key_mines", "development_areas"], "my.csv")  # doctest: +SKIP
    """
    names = list(names)
    if "key_mines" not in names:
        raise CorrectionError(
            f"Corrections apply to the key mines, which are not among the layers "
            f"{', '.join(map(repr, names))}. Add the layer key_mines, or leave out the "
            "corrections file."
        )
    return {n: load(n, corrections=corrections) if n == "key_mines" else load(n) for n in names}


def _categorical(values: pd.Series, rows: Any) -> pd.Categorical:
    categories, inverse = np.unique(values.astype(str).to_numpy(), return_inverse=True)
    codes = np.where(rows >= 0, inverse[np.where(rows >= 0, rows, 0)], -1)
    return pd.Categorical.from_codes(codes, categories=pd.Index(categories))


def nearest_corrected_mine(
    located: gpd.GeoDataFrame, mines: gpd.GeoDataFrame, *, chunk: int = 20_000
) -> gpd.GeoDataFrame:
    """Recompute the nearest-mine columns of a located frame against the given mines.

    The nearest mine of each feature's representative point is found by geodesic distance
    on the WGS84 ellipsoid to every mine with a known position (ties go to the first mine in
    ``mines``; a mine known only to its province is never the nearest), as
    :func:`goldmap.locate` does for the packaged mines.

    Parameters
    ----------
    located : geopandas.GeoDataFrame
        A result of :func:`goldmap.locate`. Not changed.
    mines : geopandas.GeoDataFrame
        The key mines to measure to, e.g. ``goldmap.load("key_mines", corrections=...)``.
    chunk : int, default 20000
        Features measured at a time (bounds memory to ``chunk`` x mines distances).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``located`` with ``nearest_mine_id``, ``nearest_mine_zh``,
        ``nearest_mine_en`` and ``nearest_mine_km`` (rounded to metres) recomputed.

    Examples
    --------
    >>> import goldmap  # doctest: +SKIP
    >>> located = goldmap.locate("prospects.csv")  # doctest: +SKIP
    >>> nearest_corrected_mine(located, goldmap.load("key_mines", corrections="my.csv"))
    ... # doctest: +SKIP
    """
    from pyproj import Geod

    from goldmap._locate import anchor_points

    result = located.copy()
    placed = mines.geometry.values
    mines = mines[~(shapely.is_empty(placed) | shapely.is_missing(placed))]
    geometries = result.geometry.values
    empty = shapely.is_empty(geometries) | shapely.is_missing(geometries)
    anchors = anchor_points(geometries, empty)
    x, y = shapely.get_x(anchors), shapely.get_y(anchors)
    mine_x = mines.geometry.x.to_numpy()
    mine_y = mines.geometry.y.to_numpy()
    geod = Geod(ellps="WGS84")
    rows = np.full(len(result), -1)
    km = np.full(len(result), np.nan)
    usable = np.flatnonzero(~empty)
    for start in range(0, len(usable), chunk):
        take = usable[start : start + chunk]
        lon = np.repeat(x[take], len(mine_x))
        lat = np.repeat(y[take], len(mine_x))
        _, _, metres = geod.inv(lon, lat, np.tile(mine_x, len(take)), np.tile(mine_y, len(take)))
        metres = np.asarray(metres).reshape(len(take), len(mine_x))
        best = metres.argmin(axis=1)
        rows[take] = best
        km[take] = metres[np.arange(len(take)), best] / 1000.0
    frame = mines.reset_index(drop=True)
    for suffix, column in (("id", "id"), ("zh", "name_zh"), ("en", "name_en")):
        result[f"nearest_mine_{suffix}"] = _categorical(frame[column], rows)
    result["nearest_mine_km"] = np.round(km, 3)
    return result


def locate_corrected(
    features: Any, corrections: CorrectionsSource, **options: Any
) -> gpd.GeoDataFrame:
    """Locate features as :func:`goldmap.locate` does, measuring to the corrected mines.

    Parameters
    ----------
    features : GeoDataFrame, DataFrame with lon/lat, path, bytes or file object
        As for :func:`goldmap.locate`.
    corrections : path, bytes, binary file or DataFrame
        As for :func:`apply_corrections`.
    **options
        ``filename``, ``lon``, ``lat``, ``layer``, ``lang``, as for :func:`goldmap.locate`.

    Returns
    -------
    geopandas.GeoDataFrame
        The located features; the nearest key mine and its distance are those of the
        corrected mines.

    Raises
    ------
    CorrectionError
        When the corrections cannot be applied (checked before the features are read).
    InputFileError
        When a file cannot be read.

    Examples
    --------
    >>> located = locate_corrected("prospects.csv", "my.csv")  # doctest: +SKIP
    """
    from goldmap.spatial import locate

    mines = load("key_mines", corrections=corrections)
    located = locate(features, **options)
    return nearest_corrected_mine(located, mines)


# --- the template -------------------------------------------------------------------------


def template() -> pd.DataFrame:
    """Return the corrections template: every key mine's id, point and precision.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``name_zh``, ``name_en``, ``province_zh``, ``lon``, ``lat``,
        ``location_precision`` filled from the layer, and ``source_url``,
        ``source_quote``, ``note`` empty, for you to fill where you move a mine.

    Examples
    --------
    >>> len(template())
    35
    """
    mines = load("key_mines")
    table = pd.DataFrame(
        {
            "id": mines["id"].astype(str),
            **{c: mines[c] for c in REFERENCE_COLUMNS},
            "lon": mines.geometry.x,
            "lat": mines.geometry.y,
            "location_precision": mines["location_precision"],
            "source_url": "",
            "source_quote": "",
            "note": "",
        }
    )
    return table.reset_index(drop=True)


def write_template(path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write the corrections template (CSV or XLSX) to edit and load back.

    Change ``lon``, ``lat`` and ``location_precision`` of the mines you know better, fill in
    ``source_url`` and ``source_quote`` for those rows (and ``note`` if you like), then pass
    the file to ``goldmap.load("key_mines", corrections=...)`` or ``--corrections``. Rows
    you do not change are ignored, so you may leave them in or delete them.

    Parameters
    ----------
    path : str or path-like
        ``.csv`` (UTF-8 with a byte-order mark, so that Excel shows the Chinese names) or
        ``.xlsx``.
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    CorrectionError
        When the ending is not ``.csv`` or ``.xlsx``.
    ExportError
        When the folder is missing or not writable.
    OutputExistsError
        When the file exists and ``overwrite`` is False.

    Examples
    --------
    >>> write_template("my_corrections.csv")  # doctest: +SKIP
    PosixPath('my_corrections.csv')
    """
    from goldmap.io._files import check_output

    suffix = Path(os.fspath(path)).suffix.lower()
    if suffix not in _TEMPLATE_ENDINGS:
        raise CorrectionError(
            f"Cannot write a corrections template as {suffix or '(no ending)'} "
            f"({os.fspath(path)!r}); use a path ending in {' or '.join(_TEMPLATE_ENDINGS)}, "
            "e.g. my_corrections.csv."
        )
    target = check_output(path, overwrite=overwrite)
    table = template()
    try:
        if suffix == ".csv":
            table.to_csv(target, index=False, encoding="utf-8-sig")
        else:
            table.to_excel(target, index=False, sheet_name="corrections")
    except OSError as err:
        raise ExportError(f"Could not write {str(target)!r}: {err}. Choose another path.") from err
    return target
