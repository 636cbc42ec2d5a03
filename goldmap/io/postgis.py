"""Write goldmap's layers to PostGIS and read tables or queries back, through geopandas.

Layers become tables in SRID 4326 with a GiST spatial index (geopandas ``to_postgis`` over
GeoAlchemy2), Chinese text as it is (PostgreSQL stores UTF-8), and the list fields
(``sources``, ``commodity``, ``aliases`` ...) as ``jsonb``, so a source record stays a record
that SQL can query (``sources -> 0 ->> 'url'``). Reading goes through
``pandas.read_sql``, the geometry column decoded at once (geopandas' ``read_postgis``
decodes it row by row, slow for 10⁵ rows); a table name or a ``SELECT`` query both work.

Needs the ``postgis`` extra: ``pip install "goldmap[postgis]"`` (SQLAlchemy, GeoAlchemy2 and
psycopg 3).

Examples
--------
>>> from goldmap.io.postgis import export_postgis, read_postgis
>>> db = "postgresql://analyst@localhost/gis"
>>> export_postgis(None, db)  # the plan layers  # doctest: +SKIP
['key_mines', 'exploration_areas', 'development_areas', 'area_deposits', ...]
>>> mines = read_postgis("key_mines", db)  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from goldmap._values import nested_columns, to_json_text
from goldmap.errors import (
    DatabaseError,
    ExportError,
    InputFileError,
    MissingDependencyError,
    OutputExistsError,
)

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd
    import sqlalchemy

__all__ = ["connect", "export_postgis", "is_table_name", "read_postgis"]

logger = logging.getLogger(__name__)

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_CREDENTIAL_WORDS = (
    "password authentication failed",
    "no password supplied",
    "authentication failed",
    "role",
)


def _require() -> None:
    try:
        import geoalchemy2  # noqa: F401  (registers the geometry type with SQLAlchemy)
        import psycopg  # noqa: F401
        import sqlalchemy  # noqa: F401
    except ImportError as e:
        raise MissingDependencyError(
            f"PostGIS needs SQLAlchemy, GeoAlchemy2 and psycopg ({e.name} is missing). "
            'Install them with: pip install "goldmap[postgis]"'
        ) from e


def _split_name(name: str) -> tuple[str | None, str]:
    """Return ``(schema, table)`` of ``table`` or ``schema.table``."""
    schema, _, table = name.rpartition(".")
    return (schema or None), table


def is_table_name(text: str) -> bool:
    """Return True for ``table`` or ``schema.table`` (letters, digits, ``_``), not a query.

    Parameters
    ----------
    text : str
        A table name or an SQL query.

    Returns
    -------
    bool
        Whether ``text`` names a table.

    Examples
    --------
    >>> is_table_name("public.prospects"), is_table_name("SELECT * FROM prospects")
    (True, False)
    """
    return all(_IDENTIFIER.match(part) for part in text.split(".")) and text.count(".") <= 1


def _check_table_name(name: str) -> str:
    if not isinstance(name, str) or not is_table_name(name):
        raise ExportError(
            f"Invalid table name {name!r}: use letters, digits and _ (not starting with a "
            "digit, at most 63 characters), optionally after a schema: 'gis.key_mines'."
        )
    return name


def _url(db: str) -> sqlalchemy.URL:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(db)
    except (ArgumentError, TypeError, ValueError) as e:
        raise DatabaseError(
            f"Cannot read the database URL {str(db)[:80]!r}: {e}. Write it as "
            "postgresql://USER:PASSWORD@HOST:PORT/DATABASE."
        ) from e
    if url.get_backend_name() not in ("postgresql", "postgres"):
        raise DatabaseError(
            f"The database URL {url.render_as_string(hide_password=True)!r} is not PostgreSQL. "
            "Write it as postgresql://USER:PASSWORD@HOST:PORT/DATABASE."
        )
    return url.set(drivername="postgresql+psycopg")


def _explain(url: sqlalchemy.URL, error: BaseException) -> DatabaseError:
    """Turn a failed connection into a message that tells which of the usual causes it is."""
    shown = url.render_as_string(hide_password=True)
    text = str(getattr(error, "orig", None) or error).strip().splitlines()
    detail = text[0] if text else type(error).__name__
    lowered = detail.lower()
    if re.search(r'database ".*" does not exist', lowered):
        return DatabaseError(
            f"The database of {shown!r} does not exist ({detail}). Create it "
            "(createdb NAME) or correct the name after the last / of the URL."
        )
    if any(word in lowered for word in _CREDENTIAL_WORDS):
        return DatabaseError(
            f"The server at {shown!r} refused the user name or password ({detail}). Check "
            "USER and PASSWORD in postgresql://USER:PASSWORD@HOST:PORT/DATABASE."
        )
    return DatabaseError(
        f"Cannot reach the PostgreSQL server of {shown!r} ({detail}). Check that it runs "
        "and that the host and port in the URL are right."
    )


@functools.cache
def _engine(db: str) -> sqlalchemy.Engine:
    from sqlalchemy import create_engine

    return create_engine(_url(db), connect_args={"connect_timeout": 10}, pool_pre_ping=True)


def connect(db: str) -> sqlalchemy.Engine:
    """Return an engine for a PostGIS database, having checked that it answers.

    Parameters
    ----------
    db : str
        ``postgresql://USER:PASSWORD@HOST:PORT/DATABASE`` (a libpq URL; ``?host=/path`` for
        a unix socket).

    Returns
    -------
    sqlalchemy.Engine
        An engine using psycopg 3, shared by the calls with the same URL.

    Raises
    ------
    DatabaseError
        When the URL is not PostgreSQL's, the server cannot be reached, refuses the user
        name or password, the database does not exist, or PostGIS is not installed in it.
    MissingDependencyError
        When the ``postgis`` extra is not installed.

    Examples
    --------
    >>> engine = connect("postgresql://analyst@localhost/gis")  # doctest: +SKIP
    """
    _require()
    from sqlalchemy import func, select
    from sqlalchemy.exc import DBAPIError

    engine = _engine(db)
    try:
        with engine.connect() as conn:
            try:
                version = conn.execute(select(func.postgis_lib_version())).scalar()
            except DBAPIError as e:
                raise DatabaseError(
                    f"PostGIS is not installed in the database "
                    f"{engine.url.render_as_string(hide_password=True)!r}. Have its owner run "
                    "CREATE EXTENSION postgis; in it (Debian: apt-get install postgresql-15-"
                    "postgis-3 on the server first)."
                ) from e
    except DBAPIError as e:
        raise _explain(engine.url, e) from e
    logger.info("connected to %s (PostGIS %s)", engine.url.render_as_string(True), version)
    return engine


def _for_table(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, dict[str, Any]]:
    """Return ``frame`` with list values as JSON text, and jsonb types for those columns.

    geopandas writes with COPY, which sends each value as text: the lists go as JSON text
    that PostgreSQL parses into ``jsonb``.
    """
    from sqlalchemy.dialects.postgresql import JSONB

    nested = nested_columns(frame)
    out = frame.copy()
    for column in nested:
        out[column] = frame[column].map(to_json_text).astype(object)
    return out, {column: JSONB for column in nested}


def export_postgis(
    layers: str | Iterable[str] | Mapping[str, gpd.GeoDataFrame] | None,
    db: str,
    *,
    schema: str | None = None,
    overwrite: bool = False,
) -> list[str]:
    """Write layers to a PostGIS database, one table per layer, with a spatial index.

    Parameters
    ----------
    layers : str, list of str, dict of str to GeoDataFrame, or None
        As for :func:`goldmap.export`: layer names, your frames as ``{"table": frame}``
        (e.g. ``{"key_mines": goldmap.load("key_mines", corrections="my.csv")}``), or None
        for the plan layers. Each name becomes the table's name.
    db : str
        ``postgresql://USER:PASSWORD@HOST:PORT/DATABASE``.
    schema : str, optional
        The database schema to write into (it must exist). Default: the user's search path,
        usually ``public``.
    overwrite : bool, default False
        Replace tables that exist. Without it nothing is written when one of them exists.

    Returns
    -------
    list of str
        The tables written. Empty text is stored as NULL (geopandas writes with COPY, which
        reads an empty field so).

    Raises
    ------
    DatabaseError
        When the database cannot be reached or used (see :func:`connect`).
    OutputExistsError
        When a table exists and ``overwrite`` is False.
    ExportError
        For an unknown layer or a name that is not a valid table name.

    Examples
    --------
    >>> export_postgis(["key_mines"], "postgresql://analyst@localhost/gis")  # doctest: +SKIP
    ['key_mines']
    """
    from sqlalchemy import inspect
    from sqlalchemy.exc import DBAPIError

    from goldmap.io.write import _resolve_layers

    frames = _resolve_layers(layers)
    for name in frames:
        _check_table_name(name)
    if schema is not None:
        _check_table_name(schema)
    engine = connect(db)
    existing = [n for n in frames if inspect(engine).has_table(n, schema=schema)]
    if existing and not overwrite:
        where = f" in schema {schema!r}" if schema else ""
        raise OutputExistsError(
            f"Table(s) {', '.join(map(repr, existing))} already exist{where}. Pass "
            "overwrite=True (`--overwrite` on the command line) to replace them, or choose "
            "another schema. Nothing was written."
        )
    for name, frame in frames.items():
        table, dtypes = _for_table(frame)
        try:
            table.to_postgis(
                name, engine, schema=schema, if_exists="replace", index=False, dtype=dtypes
            )
        except DBAPIError as e:
            raise DatabaseError(
                f"Could not write table {name!r}: {str(e.orig).strip()}. Check that the user "
                "may create tables in that schema."
            ) from e
        logger.info("wrote table %s (%d rows)", name, len(frame))
    return list(frames)


def read_postgis(source: str, db: str, *, geometry: str | None = None) -> gpd.GeoDataFrame:
    """Read a PostGIS table, or the result of an SQL query, as a GeoDataFrame.

    Parameters
    ----------
    source : str
        A table (``prospects`` or ``schema.prospects``) or a ``SELECT`` query.
    db : str
        ``postgresql://USER:PASSWORD@HOST:PORT/DATABASE``.
    geometry : str, optional
        The geometry column. Default: a table's geometry column; for a query, ``geometry``
        (goldmap's tables name it so; alias yours: ``SELECT geom AS geometry ...``).

    Returns
    -------
    geopandas.GeoDataFrame
        The rows, with the CRS of the geometries' SRID; ``jsonb`` columns as lists and dicts.

    Raises
    ------
    DatabaseError
        When the database cannot be reached or used, or the query fails.
    InputFileError
        When the table does not exist, has no geometry column, or the query returns no
        column named ``geometry``.

    Examples
    --------
    >>> located = read_postgis("SELECT * FROM prospects WHERE kind = 'vein'", db)  # doctest: +SKIP
    """
    import pandas as pd
    from sqlalchemy import select, table, text
    from sqlalchemy.exc import DBAPIError

    if not isinstance(source, str) or not source.strip():
        raise _input_error(f"Give a table name or a SELECT query, not {source!r}.")
    engine = connect(db)
    if is_table_name(source):
        schema, name = _split_name(source)
        geometry = geometry or _geometry_column(engine, name, schema)
        query: Any = select(text("*")).select_from(table(name, schema=schema))
    else:
        query = text(source)
        geometry = geometry or "geometry"
    try:
        with engine.connect() as conn:
            rows = pd.read_sql(query, conn)
    except DBAPIError as e:
        raise DatabaseError(
            f"The query failed: {str(e.orig).strip().splitlines()[0]}. Query: {source[:200]!r}"
        ) from e
    if geometry not in rows:
        raise _input_error(
            f"The query returns no column {geometry!r} (its columns: "
            f"{', '.join(map(str, rows.columns))}). Name its geometry column so "
            f"(SELECT geom AS {geometry} ...) or pass geometry=."
        )
    return _geoframe(rows, geometry)


def _geoframe(rows: pd.DataFrame, column: str) -> gpd.GeoDataFrame:
    """Decode a column of (E)WKB at once (geopandas' read_postgis does it row by row)."""
    import geopandas as gpd
    import numpy as np
    import shapely

    values = np.array(
        [
            bytes(v) if isinstance(v, memoryview) else v if isinstance(v, str | bytes) else None
            for v in rows[column]
        ],
        dtype=object,
    )
    geoms = shapely.from_wkb(values)
    srids = shapely.get_srid(geoms[~shapely.is_missing(geoms)])
    crs = int(srids[srids > 0][0]) if (srids > 0).any() else None
    rows[column] = geoms
    return gpd.GeoDataFrame(rows, geometry=column, crs=crs)


def _geometry_column(engine: sqlalchemy.Engine, name: str, schema: str | None) -> str:
    from geoalchemy2 import Geography, Geometry
    from sqlalchemy import inspect

    inspector = inspect(engine)
    if not inspector.has_table(name, schema=schema):
        where = f"schema {schema!r}" if schema else "the search path"
        tables = ", ".join(inspector.get_table_names(schema=schema)[:20]) or "none"
        raise _input_error(f"No table {name!r} in {where} (tables: {tables}).")
    columns = inspector.get_columns(name, schema=schema)
    found = [c["name"] for c in columns if isinstance(c["type"], Geometry | Geography)]
    if not found:
        raise _input_error(f"Table {name!r} has no geometry column; goldmap reads spatial tables.")
    return str(found[0])


def _input_error(message: str) -> InputFileError:
    return InputFileError(message)
