"""Give the service's HTML pages goldmap's templates and assets, all served by the service.

pygeoapi's own templates load Bootstrap, Leaflet, Leaflet.markercluster, Swagger UI and ReDoc
from public CDNs, which are absent offline and slow or blocked in mainland China. goldmap
overrides the templates that do (``goldmap/_ogc_pages/templates``, pygeoapi's with local
links): Leaflet comes from the package goldmap's own maps use (:mod:`goldmap.maps._assets`),
the layout from a small stylesheet of goldmap's, pygeoapi's images and stylesheet from
pygeoapi; all of them under the service's own ``/static``.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

__all__ = ["PAGES", "site_folders"]

#: goldmap's templates and stylesheet for the service's pages.
PAGES = Path(str(resources.files("goldmap").joinpath("_ogc_pages")))


def site_folders(folder: Path) -> dict[str, str]:
    """Fill ``folder / "static"`` with the pages' assets; return pygeoapi's template setting.

    Parameters
    ----------
    folder : pathlib.Path
        The service's working folder (created by :func:`goldmap.serve.serve`).

    Returns
    -------
    dict
        ``server.templates`` of pygeoapi's configuration: ``path`` (goldmap's templates,
        which take precedence over pygeoapi's) and ``static`` (the folder served at
        ``/static``).
    """
    import pygeoapi

    from goldmap.maps._assets import write_assets

    static = folder / "static"
    shutil.copytree(Path(pygeoapi.__file__).parent / "static", static, dirs_exist_ok=True)
    write_assets(static / "goldmap")
    shutil.copyfile(PAGES / "serve.css", static / "goldmap" / "serve.css")
    return {"path": str(PAGES / "templates"), "static": str(static)}
