"""Locate features against the plan: province, county, plan areas, nearest key mine.

Containment uses each feature's representative point for the province and county (a point
is its own) and the whole geometry for the plan areas. The nearest mine is the nearest on
the WGS84 ellipsoid: a k-d tree of 3-D unit vectors gives the few mines that can be it, and
their geodesic distances decide, so no projection distorts either.
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path
from typing import Any

from goldmap import _dask
from goldmap._locate import (
    CHINA_BOUNDS,
    KM_STEP,
    LOCATE_COLUMNS,
    check_mines,
    locate_frame,
    nearest_mine,
)
from goldmap._located_summary import located_counts, summarize_located
from goldmap.io.read import FEATURE_FORMATS, FeatureSource, read_features
from goldmap.text import check_lang

__all__ = [
    "CHINA_BOUNDS",
    "FEATURE_FORMATS",
    "KM_STEP",
    "LOCATE_COLUMNS",
    "locate",
    "located_counts",
    "nearest_mine",
    "read_features",
    "summarize_located",
    "write_located",
]

logger = logging.getLogger(__name__)


def locate(  # noqa: PLR0913 (the public call: input, mines, read options, lang, Dask, db)
    features: FeatureSource,
    *,
    mines: Any = None,
    db: str | None = None,
    filename: str | None = None,
    lon: str | None = None,
    lat: str | None = None,
    layer: str | None = None,
    lang: str = "zh",
    client: Any = None,
    compute: bool = True,
) -> Any:
    """Tell for each feature its province, county, plan areas and nearest key mine.

    Parameters
    ----------
    features : GeoDataFrame, DataFrame with lon/lat, path, bytes or file object
        Points or polygons; files as in :func:`read_features` (CSV with lon/lat, GeoJSON,
        KML, zipped Shapefile, GeoPackage, FlatGeobuf, GeoParquet). Also a
        dask-geopandas GeoDataFrame (or a Dask DataFrame with lon/lat columns) or the path
        of a partitioned GeoParquet dataset directory: these are located partition by
        partition on Dask (needs ``pip install "goldmap[dask]"``), with the same answers.
    mines : geopandas.GeoDataFrame, optional
        The key mines to measure to: ``goldmap.load("key_mines", corrections="my.csv")``
        for your better coordinates, or any frame with ``id``, ``name_zh``, ``name_en`` and
        point geometry. Default: the packaged key mines. Its index is kept per content,
        so the same mines are indexed once.
    db : str, optional
        A PostGIS database, ``postgresql://USER:PASSWORD@HOST:PORT/DATABASE``: then
        ``features`` is a table (``prospects``, ``schema.prospects``) or a ``SELECT``
        query in it (see :func:`goldmap.io.postgis.read_postgis`). Write the answer back
        with :func:`goldmap.io.postgis.export_postgis`.
    filename : str, optional
        The format's file name when ``features`` is bytes or a file object.
    lon, lat : str, optional
        Coordinate columns of a table; detected when not given.
    layer : str, optional
        The layer of a GeoPackage or the shapefile inside a zip.
    lang : {"zh", "en"}, default "zh"
        Language of the plan-area names in ``exploration_areas`` / ``development_areas``.
    client : dask.distributed.Client or str, optional
        The Dask cluster to run on, or its scheduler address (``"tcp://host:8786"``).
        Default: the current default client if one exists, else Dask's local scheduler.
        Given with an in-memory input, the features are split and sent to that cluster.
    compute : bool, default True
        For Dask input: return the in-memory result. False returns the lazy
        dask-geopandas GeoDataFrame (e.g. to write a result larger than memory with
        :func:`write_located`, as GeoParquet 1.1 with a bbox column).

    Returns
    -------
    geopandas.GeoDataFrame
        The input features and columns first, as they came (an input column that an
        answer would repeat is renamed ``<name>_input``), then the answers
        (:data:`LOCATE_COLUMNS`): ``province_adcode``, ``province_zh``, ``province_en``,
        ``county_adcode``, ``county_zh``; ``exploration_areas`` and ``development_areas``
        (names joined by "; ", empty when none); ``nearest_mine_id``, ``nearest_mine_zh``,
        ``nearest_mine_en``; ``nearest_mine_km``, the distance from the feature's
        representative point rounded to what the mine's point supports (:data:`KM_STEP`:
        0.1 km to a deposit or mine site, 1 km to a town's point, 5 km to a county
        stand-in); ``nearest_mine_precision`` (``deposit``, ``mine_site``, ``town``,
        ``county``) and ``nearest_mine_uncertainty_km``, the radius within which that mine
        is expected; ``nearest_mine_shares_point``, the other key mines drawn at exactly
        the same point (in ``lang``, "; "-joined: the nearest of them is the first row of
        the layer, the others are just as near); ``nearest_mine_km_exact``, the geodesic
        distance to the metre; and ``location_note`` (why a feature has no province:
        outside China, at sea ...). Missing answers are missing values (blank cells in
        CSV), never the text "None". Province, county and mine names are pandas
        categoricals (one string per distinct name, light on memory for millions of
        rows). Dask input gives the same frame (index 0..n-1), or its lazy form.
        :func:`summarize_located` says in one line how many lie in China, outside it and
        in plan areas.

    Raises
    ------
    OutsideChinaError
        When longitude and latitude look swapped, or no feature lies near China.
    InputFileError
        When the file cannot be read.
    OptionError
        When ``mines`` is not a key-mines frame.
    DatabaseError
        When ``db`` is given and the database cannot be reached or used.
    MissingDependencyError
        When Dask input is given and dask-geopandas is not installed, or ``db`` is given
        and the ``postgis`` extra is not.

    Examples
    --------
    >>> import pandas as pd
    >>> located = locate(pd.DataFrame({"lon": [119.95], "lat": [37.2]}))
    >>> located.loc[0, "province_zh"]
    '山东省'
    >>> summarize_located(located)
    '1 located: 1 in China, 0 outside China, 1 in plan areas'

    Measured to your better coordinates (the same frame the CLI and the app use):

    >>> import goldmap
    >>> mines = goldmap.load("key_mines", corrections="my.csv")  # doctest: +SKIP
    >>> located = locate("prospects.csv", mines=mines)  # doctest: +SKIP

    From a PostGIS table or query, and back into one:

    >>> db = "postgresql://analyst@localhost/gis"
    >>> located = locate("prospects", db=db)  # doctest: +SKIP
    >>> goldmap.io.postgis.export_postgis({"located": located}, db)  # doctest: +SKIP
    ['located']

    Past one machine: a partitioned GeoParquet dataset (or a dask-geopandas frame) is
    located on a Dask cluster, each worker with goldmap installed:

    >>> from dask.distributed import Client  # doctest: +SKIP
    >>> client = Client("tcp://scheduler:8786")  # doctest: +SKIP
    >>> located = locate("prospects_parquet/", client=client)  # doctest: +SKIP
    """
    check_lang(lang)
    if mines is not None:
        mines = check_mines(mines)
    if db is not None:
        from goldmap.io.postgis import read_postgis

        features = read_postgis(features, db)  # type: ignore[arg-type]  # checked there
    if client is not None or _dask.is_dask_input(features):
        return _dask.locate_dask(
            features,
            client=client,
            compute=compute,
            lang=lang,
            mines=mines,
            read=functools.partial(read_features, filename=filename, lon=lon, lat=lat, layer=layer),
        )
    frame = read_features(features, filename=filename, lon=lon, lat=lat, layer=layer)
    return locate_frame(frame, lang=lang, mines=mines)


def write_located(
    located: Any,
    out_path: str | os.PathLike[str],
    *,
    client: Any = None,
    overwrite: bool = False,
) -> Path:
    """Write located features, partition by partition, as GeoParquet 1.1 with a bbox column.

    Each partition becomes one file of the folder (``part.00000.parquet`` ...), written on
    the cluster's workers. Every file has a ``bbox`` covering column (the xmin, ymin,
    xmax, ymax of each feature, declared as the geometry's ``covering`` in the ``geo``
    metadata, GeoParquet 1.1), so readers filtering by bounding box
    (``geopandas.read_parquet(..., bbox=...)``, GDAL, DuckDB) skip the row groups that
    lie elsewhere. dask-geopandas' own ``.to_parquet()`` writes no such column.

    Parameters
    ----------
    located : dask_geopandas.GeoDataFrame or geopandas.GeoDataFrame
        Usually ``locate(..., compute=False)``; an in-memory frame is one partition.
    out_path : path
        The folder to write; created if missing (its parent must exist).
    client : dask.distributed.Client or str, optional
        The Dask cluster to write on, or its scheduler address. Default: the current
        default client if one exists, else Dask's local scheduler.
    overwrite : bool, default False
        Replace the Parquet files already in the folder.

    Returns
    -------
    pathlib.Path
        The folder written.

    Raises
    ------
    ExportError
        When ``out_path`` is a file or its parent folder does not exist.
    OutputExistsError
        When the folder already holds Parquet files and ``overwrite`` is False.
    MissingDependencyError
        When dask-geopandas is not installed.

    Examples
    --------
    >>> lazy = locate("prospects_parquet/", client=client, compute=False)  # doctest: +SKIP
    >>> write_located(lazy, "located/", client=client)  # doctest: +SKIP
    PosixPath('located')
    """
    return _dask.write_located(located, out_path, client=client, overwrite=overwrite)
