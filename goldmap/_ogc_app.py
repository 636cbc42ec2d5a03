"""Build pygeoapi's Flask app, its queryables carrying each field's description and enum.

pygeoapi's queryables keep only a field's name and type; goldmap's JSON Schema also says what
each field means and which values it takes, and clients (QGIS's filter builder, GDAL) show
that, so it is added to the answer.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["make_app"]


def _enrich(document: dict[str, Any], layer: str) -> dict[str, Any]:
    from goldmap._ogc_provider import schema_fields

    fields = schema_fields(layer)
    for name, prop in document.get("properties", {}).items():
        field = fields.get(name, {})
        for key in ("description", "enum"):
            if key in field:
                prop[key] = field[key]
    return document


def make_app() -> Any:
    """Return pygeoapi's Flask app (configured by ``PYGEOAPI_CONFIG``), queryables enriched.

    Returns
    -------
    flask.Flask
        The WSGI application.
    """
    from flask import Response, request
    from pygeoapi.flask_app import APP

    @APP.after_request  # type: ignore[untyped-decorator]  # Flask's decorator, as pygeoapi uses it
    def _queryables(response: Response) -> Response:
        parts = request.path.rstrip("/").split("/")
        if len(parts) < 3 or parts[-1] != "queryables" or response.status_code != 200:
            return response
        try:  # pygeoapi answers JSON here unless HTML was asked for
            document = json.loads(response.get_data())
        except ValueError:
            return response
        response.set_data(json.dumps(_enrich(document, parts[-2]), ensure_ascii=False))
        return response

    return APP
