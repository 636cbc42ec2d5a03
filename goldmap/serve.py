"""Serve goldmap's layers as an OGC API - Features service, through pygeoapi.

Each layer is a collection titled and described in English and Chinese (``?lang=zh``), its
JSON Schema (``data/schema/``) is its queryables, and the service answers bounding-box and
property filters, sorting and paging. The layers come from the packaged data (with the
user's corrections, through :func:`goldmap.load`), from a GeoPackage goldmap wrote, or from
a PostGIS database goldmap wrote. The service needs no internet (its HTML pages load their
scripts and styles from the service itself) and listens on 127.0.0.1 unless told otherwise.

Needs the ``serve`` extra: ``pip install "goldmap[serve]"`` (pygeoapi).

Examples
--------
>>> from goldmap.serve import service_config
>>> config = service_config(["key_mines"], port=5000)
>>> config["resources"]["key_mines"]["title"]["zh"]
'重点开发矿山'
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from goldmap.errors import LayerNotFoundError, MissingDependencyError, OptionError

__all__ = ["LOCAL_HOST", "serve", "service_config"]

logger = logging.getLogger(__name__)

#: Where the service listens unless told otherwise: this machine only.
LOCAL_HOST = "127.0.0.1"

_PROVIDER = "goldmap._ogc_provider.LayerProvider"
_CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def _require() -> None:
    try:
        import pygeoapi  # noqa: F401
    except ImportError as e:
        raise MissingDependencyError(
            'goldmap serve needs pygeoapi. Install it with: pip install "goldmap[serve]"'
        ) from e


def _source_layers(layers: Sequence[str] | None, gpkg: str | None, db: str | None) -> list[str]:
    """Return the layers to serve, each checked to exist in the chosen source."""
    from goldmap.catalog import LAYERS
    from goldmap.io.write import DEFAULT_LAYERS

    if gpkg is not None:
        import pyogrio

        present = [str(row[0]) for row in pyogrio.list_layers(gpkg)]
        where = f"the GeoPackage {gpkg!r}"
    elif db is not None:
        from sqlalchemy import inspect

        from goldmap.io.postgis import connect

        present = list(inspect(connect(db)).get_table_names())
        where = "the database"
    else:
        present, where = list(LAYERS), "goldmap's packaged data"
    chosen = list(dict.fromkeys(layers)) if layers else None
    if chosen is None:
        chosen = [n for n in present] if gpkg is not None else list(DEFAULT_LAYERS)
    missing = [n for n in chosen if n not in present]
    if missing:
        raise LayerNotFoundError(
            f"No layer {', '.join(map(repr, missing))} in {where}. Layers there: "
            f"{', '.join(present) or 'none'}. Export them first (goldmap export) or name others."
        )
    return chosen


def _texts(name: str) -> tuple[dict[str, str], dict[str, str], dict[str, list[str]]]:
    """Return a layer's title, description and keywords in English and Chinese."""
    from goldmap.catalog import LAYERS

    spec = LAYERS.get(name)
    if spec is None:
        return {"en": name, "zh": name}, {"en": name, "zh": name}, {"en": [name], "zh": [name]}
    title = {"en": spec.title_en, "zh": spec.title_zh}
    description = {
        "en": f"{spec.description} Every feature lists the sources of its facts (goldmap).",
        "zh": f"{spec.title_zh}：《黄金产业高质量发展实施方案（2025—2027年）》相关图层，"
        "每个要素附有其依据的来源（goldmap）。",
    }
    keywords = {"en": ["gold", "China", "goldmap", name], "zh": ["黄金", "中国", "goldmap", name]}
    return title, description, keywords


def _resource(name: str, source: str) -> dict[str, Any]:
    from goldmap._ogc_provider import read_source

    frame = read_source(source)  # read now: a bad source fails before the service starts
    placed = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    bbox = [round(float(v), 6) for v in placed.total_bounds] if len(placed) else [73, 3, 136, 54]
    title, description, keywords = _texts(name)
    return {
        "type": "collection",
        "title": title,
        "description": description,
        "keywords": keywords,
        "links": [],
        "extents": {"spatial": {"bbox": bbox, "crs": _CRS84}},
        "providers": [
            {
                "type": "feature",
                "name": _PROVIDER,
                "data": source,
                "id_field": "id" if "id" in frame.columns else frame.columns[0],
                "title_field": "name_zh" if "name_zh" in frame.columns else None,
            }
        ],
    }


def service_config(
    layers: Sequence[str] | None = None,
    *,
    gpkg: str | os.PathLike[str] | None = None,
    db: str | None = None,
    corrections: str | os.PathLike[str] | None = None,
    host: str = LOCAL_HOST,
    port: int = 5000,
) -> dict[str, Any]:
    """Return the pygeoapi configuration that serves goldmap's layers.

    Parameters
    ----------
    layers : list of str, optional
        The layers (collections) to serve. Default: the plan layers; from a GeoPackage,
        every layer in it.
    gpkg : path, optional
        Serve the layers of this GeoPackage (e.g. ``goldmap export -o plan.gpkg``).
    db : str, optional
        Serve the tables of this PostGIS database (``goldmap export --format postgis``).
    corrections : path, optional
        Your better key-mine coordinates, for the packaged key mines (see
        :func:`goldmap.load`). For a GeoPackage or PostGIS, export with them instead.
    host : str, default "127.0.0.1"
        The address to listen on; ``0.0.0.0`` opens the service to your network.
    port : int, default 5000
        The port to listen on.

    Returns
    -------
    dict
        The configuration (``server``, ``logging``, ``metadata``, ``resources``).

    Raises
    ------
    OptionError
        When both ``gpkg`` and ``db`` are given, or ``corrections`` with either.
    LayerNotFoundError
        When a layer is not in the source.
    InputFileError, DatabaseError, CorrectionError
        When the source or the corrections cannot be read.

    Examples
    --------
    >>> service_config(port=8080)["server"]["url"]
    'http://127.0.0.1:8080'
    """
    if gpkg is not None and db is not None:
        raise OptionError("Serve from a GeoPackage or from PostGIS, not both: drop --gpkg or --db.")
    if corrections is not None and (gpkg is not None or db is not None):
        raise OptionError(
            "Corrections apply to the packaged key mines. For a GeoPackage or PostGIS, export "
            "with --corrections first (goldmap export --corrections my.csv ...), then serve it."
        )
    gpkg_path = None if gpkg is None else str(Path(os.fspath(gpkg)).resolve())
    resources = {}
    for name in _source_layers(layers, gpkg_path, db):
        fix = os.fspath(corrections) if corrections is not None and name == "key_mines" else None
        source = json.dumps(
            {"layer": name, "gpkg": gpkg_path, "db": db, "corrections": fix}, sort_keys=True
        )
        resources[name] = _resource(name, source)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return {
        "server": {
            "bind": {"host": host, "port": port},
            "url": f"http://{shown}:{port}",
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "gzip": False,
            "languages": ["en-US", "zh"],
            "pretty_print": False,
            "limits": {"default_items": 100, "max_items": 10000},
            # pygeoapi's HTML pages draw a map; goldmap offers no tiles (offline).
            "map": {"url": "", "attribution": "goldmap"},
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {
                "title": {
                    "en": "goldmap: China's gold-industry plan 2025-2027",
                    "zh": "goldmap：黄金产业高质量发展实施方案（2025—2027年）图集",
                },
                "description": {
                    "en": "The plan's key exploration and development areas and key mines, "
                    "with the sources of every feature.",
                    "zh": "专栏1的重点资源勘探区域、重点资源开发区域和重点开发矿山，"
                    "每个要素附来源。",
                },
                "keywords": {"en": ["gold", "China", "mining"], "zh": ["黄金", "中国", "矿山"]},
                "keywords_type": "theme",
                "terms_of_service": "https://opensource.org/licenses/MIT",
                "url": "https://github.com/goldmap/goldmap",
            },
            "license": {"name": "MIT", "url": "https://opensource.org/licenses/MIT"},
            "provider": {"name": "goldmap", "url": "https://github.com/goldmap/goldmap"},
            "contact": {"name": "goldmap contributors"},
        },
        "resources": resources,
    }


def serve(
    layers: Sequence[str] | None = None,
    *,
    gpkg: str | os.PathLike[str] | None = None,
    db: str | None = None,
    corrections: str | os.PathLike[str] | None = None,
    host: str = LOCAL_HOST,
    port: int = 5000,
) -> None:
    """Serve layers as OGC API - Features until interrupted (Ctrl+C).

    QGIS opens it with *Layer > Add Layer > Add WFS / OGC API - Features Layer* and the URL
    ``http://127.0.0.1:5000``; GDAL with ``OAPIF:http://127.0.0.1:5000``.

    Parameters
    ----------
    layers : list of str, optional
        As for :func:`service_config`.
    gpkg, db, corrections, host, port
        As for :func:`service_config`.

    Raises
    ------
    MissingDependencyError
        When pygeoapi is not installed.
    OptionError, LayerNotFoundError, InputFileError, DatabaseError, CorrectionError
        As for :func:`service_config`, before the service starts.

    Examples
    --------
    >>> serve(["key_mines"], port=5000)  # doctest: +SKIP
    """
    _require()
    import yaml
    from pygeoapi.openapi import get_oas

    from goldmap._ogc_site import site_folders

    config = service_config(layers, gpkg=gpkg, db=db, corrections=corrections, host=host, port=port)
    folder = Path(tempfile.mkdtemp(prefix="goldmap-serve-"))
    # The HTML pages load their scripts and styles from the service itself, not from CDNs.
    config["server"]["templates"] = site_folders(folder)
    config_path, openapi_path = folder / "pygeoapi.yml", folder / "openapi.json"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    openapi_path.write_text(json.dumps(get_oas(config), ensure_ascii=False), encoding="utf-8")
    # pygeoapi's Flask app reads both when it is first imported.
    os.environ["PYGEOAPI_CONFIG"], os.environ["PYGEOAPI_OPENAPI"] = (
        str(config_path),
        str(openapi_path),
    )
    from goldmap._ogc_app import make_app

    app = make_app()
    if host not in (LOCAL_HOST, "localhost", "::1"):
        logger.warning("serving on %s: other machines on your network can read it", host)
    logger.warning(
        "serving %s at %s (Ctrl+C stops)", ", ".join(config["resources"]), config["server"]["url"]
    )
    app.run(host=host, port=port, threaded=True, use_reloader=False)
