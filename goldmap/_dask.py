"""Run :func:`goldmap.locate` partition by partition on a Dask cluster.

The features stay partitioned: each partition is located on a worker by the same code as
the in-memory path, and the extent check (swapped or foreign coordinates) is made on the
counts of all partitions together, so the answers are exactly those of the in-memory path.
Dask is imported only when such input is given. The located partitions can be written
as a folder of GeoParquet 1.1 files, one per partition, each with a ``bbox`` covering
column (xmin, ymin, xmax, ymax per row, declared in the ``geo`` metadata), so that a
reader filtering by bounding box skips the row groups and files that lie elsewhere.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from goldmap._parquet_extent import extent_counts, file_counts, parquet_files
from goldmap.crs import require_crs
from goldmap.errors import ExportError, InputFileError, MissingDependencyError, OutputExistsError

__all__ = ["check_folder", "is_dask_input", "locate_dask", "write_located"]

logger = logging.getLogger(__name__)

_DASK_MODULES = ("dask", "dask_geopandas", "dask_expr")


def is_dask_input(features: object) -> bool:
    """Tell whether ``features`` is a Dask collection or a partitioned dataset directory."""
    if isinstance(features, str | Path):
        try:
            return Path(features).is_dir()
        except (OSError, ValueError):
            return False
    return type(features).__module__.split(".")[0] in _DASK_MODULES


def _import(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError as e:
        raise MissingDependencyError(
            f"Locating a Dask frame or a partitioned dataset needs {name!r}, which is not "
            'installed. Install the extra: pip install "goldmap[dask]".'
        ) from e


def _connect(client: Any) -> tuple[Any, bool]:
    """Return a distributed client for ``client`` and whether this call opened it."""
    if client is None or not isinstance(client, str):
        return client, False
    distributed = _import("distributed")
    return distributed.Client(client), True


def _locate_partition(
    part: pd.DataFrame,
    read: Callable[[Any], gpd.GeoDataFrame],
    lang: str,
    mines: gpd.GeoDataFrame | None,
) -> gpd.GeoDataFrame:
    from goldmap._locate import locate_frame

    located = locate_frame(read(part), lang=lang, mines=mines, check_extent=False)
    located.index = part.index
    return located


def _locate_counted(
    part: pd.DataFrame,
    read: Callable[[Any], gpd.GeoDataFrame],
    lang: str,
    mines: gpd.GeoDataFrame | None,
) -> tuple[gpd.GeoDataFrame, tuple[int, int, int]]:
    """Locate one partition and count its extent in the same task (one read, one pass)."""
    from goldmap._locate import locate_frame

    frame = read(part)
    counts = extent_counts(frame.geometry.values)
    return locate_frame(frame, lang=lang, mines=mines, check_extent=False), counts


def _extent_counts(part: pd.DataFrame, read: Callable[[Any], gpd.GeoDataFrame]) -> pd.DataFrame:
    inside, swapped, total = extent_counts(read(part).geometry.values)
    return pd.DataFrame({"inside": [inside], "swapped": [swapped], "total": [total]})


def _extent_totals(
    features: Any, collection: Any, read: Callable[[Any], gpd.GeoDataFrame], options: dict[str, Any]
) -> tuple[int, int, int]:
    """Return the extent check's counts over all partitions, before a lazy result is returned.

    A GeoParquet folder is counted from its geometry column alone (see
    :mod:`goldmap._parquet_extent`); other input is read and counted partition by partition.
    """
    dask = _import("dask")
    found = parquet_files(features) if isinstance(features, str | Path) else None
    if found is not None:
        files, column = found
        counts = dask.compute(*[dask.delayed(file_counts)(f, column) for f in files], **options)
        return tuple(int(sum(c[i] for c in counts)) for i in range(3))  # type: ignore[return-value]
    meta = pd.DataFrame({"inside": [0], "swapped": [0], "total": [0]}).iloc[:0]
    (totals,) = dask.compute(collection.map_partitions(_extent_counts, read, meta=meta), **options)
    return int(totals["inside"].sum()), int(totals["swapped"].sum()), int(totals["total"].sum())


def check_folder(folder: str | os.PathLike[str], *, overwrite: bool) -> Path:
    """Check that the partitions may be written to ``folder``; return it as a Path.

    Raises
    ------
    ExportError
        When ``folder`` is a file or its parent folder does not exist.
    OutputExistsError
        When ``folder`` already holds Parquet files and ``overwrite`` is False.
    """
    target = Path(os.fspath(folder))
    if target.exists() and not target.is_dir():
        raise ExportError(
            f"Cannot write the partitions to {str(target)!r}: it is a file. Give a folder, "
            "e.g. 'located_parquet/'."
        )
    if not target.parent.is_dir():
        raise ExportError(
            f"Cannot write {str(target)!r}: folder {str(target.parent)!r} does not exist. "
            "Create it first or choose another path."
        )
    old = sorted(target.glob("*.parquet")) if target.is_dir() else []
    if old and not overwrite:
        raise OutputExistsError(
            f"{str(target)!r} already holds {len(old)} Parquet file(s). Pass overwrite=True "
            "to replace them, or choose another folder."
        )
    return target


def _write_partition(frame: gpd.GeoDataFrame, path: str) -> int:
    frame.to_parquet(path, index=False, write_covering_bbox=True, schema_version="1.1.0")
    return len(frame)


def _write_numbered(
    frame: gpd.GeoDataFrame, folder: str, partition_info: dict[str, Any] | None = None
) -> pd.Series:
    number = 0 if partition_info is None else partition_info["number"]
    return pd.Series([_write_partition(frame, f"{folder}/part.{number:05d}.parquet")])


def write_located(
    located: Any, out_path: str | os.PathLike[str], *, client: Any, overwrite: bool
) -> Path:
    """Write each partition to ``out_path`` as GeoParquet 1.1 with a bbox column.

    dask-geopandas' own ``to_parquet`` writes no covering column (nor passes
    ``write_covering_bbox`` on), so each partition is written by geopandas on its worker,
    as ``part.00000.parquet``, ``part.00001.parquet`` ... in partition order. Parquet
    files already in the folder are replaced (when ``overwrite``).

    Parameters
    ----------
    located : dask_geopandas.GeoDataFrame or geopandas.GeoDataFrame
        The located frame; an in-memory frame is written as one partition.
    out_path : path
        The folder to write (created if missing; its parent must exist).
    client : dask.distributed.Client or str, optional
        The cluster or its scheduler address; None: the default client or Dask's
        local scheduler.
    overwrite : bool
        Replace the Parquet files already in the folder.

    Returns
    -------
    pathlib.Path
        The folder.

    Raises
    ------
    MissingDependencyError
        When dask-geopandas is not installed.
    ExportError
        When ``out_path`` is a file or its parent folder does not exist.
    OutputExistsError
        When the folder already holds Parquet files and ``overwrite`` is False.
    """
    folder = check_folder(out_path, overwrite=overwrite)
    dask = _import("dask")
    if isinstance(located, gpd.GeoDataFrame):
        located = _import("dask_geopandas").from_geopandas(located, npartitions=1)
    client, opened = _connect(client)
    try:
        # Written in the task that makes the partition (fused with its reading and
        # locating): a located partition is never sent to another worker nor kept.
        written = located.map_partitions(
            _write_numbered, str(folder), meta=pd.Series([], dtype="int64"), partition_info=True
        )
        folder.mkdir(exist_ok=True)
        for old in folder.glob("*.parquet"):
            old.unlink()
        (rows,) = dask.compute(written, **({} if client is None else {"scheduler": client}))
    finally:
        if opened:
            client.close()
    logger.info("locate: wrote %d row(s) in %d file(s) to %s", rows.sum(), len(rows), folder)
    return folder


def _read_file(path: str) -> gpd.GeoDataFrame:
    return gpd.read_parquet(path)


def _as_collection(features: Any, client: Any, read: Callable[[Any], gpd.GeoDataFrame]) -> Any:
    dask_geopandas = _import("dask_geopandas")
    if isinstance(features, str | Path) and Path(features).is_dir():
        try:
            dataset = dask_geopandas.read_parquet(str(features))
            natural = _import("dask.utils").natural_sort_key
            files = sorted(Path(features).glob("*.parquet"), key=lambda f: natural(f.name))
            if len(files) != dataset.npartitions or any(Path(features).glob("*/")):
                return dataset
            # One partition per file, read in the task that locates (and writes) it: the
            # read frame is never a task result of its own, sent to another worker.
            return _import("dask.dataframe").from_map(
                _read_file, [str(f) for f in files], meta=dataset._meta, enforce_metadata=False
            )
        except (OSError, ValueError, TypeError) as e:
            raise InputFileError(
                f"Could not read {str(features)!r} as a partitioned GeoParquet dataset: {e}. "
                "Give a directory of GeoParquet files with one geometry column."
            ) from e
    if is_dask_input(features):
        require_crs(features, "The dask-geopandas GeoDataFrame")
        return features
    # An in-memory input sent to a cluster: split it, a few partitions per worker.
    frame = read(features)
    workers = len(client.nthreads()) if hasattr(client, "nthreads") else 1
    return dask_geopandas.from_geopandas(frame, npartitions=max(1, min(len(frame), 4 * workers)))


def locate_dask(
    features: Any,
    *,
    client: Any = None,
    compute: bool = True,
    lang: str = "zh",
    mines: gpd.GeoDataFrame | None = None,
    read: Callable[[Any], gpd.GeoDataFrame],
) -> Any:
    """Locate Dask input partition by partition; see :func:`goldmap.locate`.

    Parameters
    ----------
    features : dask DataFrame, dask-geopandas GeoDataFrame, dataset directory or frame
        The features; an in-memory frame is split and sent to ``client``.
    client : dask.distributed.Client or str, optional
        The cluster or its scheduler address; default: the current default client, or
        Dask's local scheduler when there is none.
    compute : bool, default True
        Return the in-memory result (index 0..n-1); False returns the lazy frame.
    lang : {"zh", "en"}, default "zh"
        Language of the plan-area names.
    mines : geopandas.GeoDataFrame, optional
        The key mines to measure to (default: the packaged layer); one key of the task
        graph, sent once to each worker, which indexes it once per content.
    read : callable
        Turns one partition into an EPSG:4326 GeoDataFrame (``read_features`` with the
        caller's options).

    Returns
    -------
    geopandas.GeoDataFrame or dask_geopandas.GeoDataFrame
        What the in-memory path returns, or its lazy form.

    Raises
    ------
    MissingDependencyError
        When dask-geopandas or distributed is not installed.
    OutsideChinaError
        When longitude and latitude look swapped, or no feature lies near China.
    """
    from goldmap._locate import locate_frame, raise_for_extent

    dask = _import("dask")
    client, opened = _connect(client)
    try:
        collection = _as_collection(features, client, read)
        options = {} if client is None else {"scheduler": client}
        logger.info("locate: %d partition(s) on %s", collection.npartitions, client or "dask")
        # The mines given travel once, as one key of the graph, not inside every task.
        shared = None if mines is None else dask.delayed(mines, pure=True)
        if compute:
            # One task per partition: read, count the extent, locate; no second pass.
            tasks = [
                dask.delayed(_locate_counted)(part, read, lang, shared)
                for part in collection.to_delayed()
            ]
            done = dask.compute(*tasks, **options)
            raise_for_extent(*(sum(counts[i] for _, counts in done) for i in range(3)))
            concat = _import("dask.dataframe.dispatch").concat
            return concat([located for located, _ in done]).reset_index(drop=True)
        raise_for_extent(*_extent_totals(features, collection, read, options))
        sample = read(collection._meta_nonempty)
        meta = locate_frame(sample, lang=lang, mines=mines, check_extent=False).iloc[:0]
        return collection.map_partitions(_locate_partition, read, lang, shared, meta=meta)
    finally:
        # A client opened from an address stays open (as the default client) for a lazy
        # result, which is computed later.
        if opened and compute:
            client.close()
