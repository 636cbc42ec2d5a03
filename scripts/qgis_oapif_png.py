"""Render what QGIS reads from a running ``goldmap serve`` to a PNG (QGIS's OAPIF provider).

Run it with the Python that has QGIS (Debian: ``/usr/bin/python3``, package python3-qgis),
offscreen, against a service started beforehand::

    goldmap serve key_mines exploration_areas --port 5000 &
    /usr/bin/python3 scripts/qgis_oapif_png.py http://127.0.0.1:5000 /tmp/goldmap-qgis-oapif.png

(``QT_QPA_PLATFORM=offscreen`` is set when missing.)

It opens each collection as QGIS's "Add WFS / OGC API - Features layer" does, prints what
QGIS read (features, Chinese names, extent) and renders the layers, mines labelled by their
Chinese names, with QgsMapRendererParallelJob.
"""

from __future__ import annotations

import json
import os
import sys


def main(url: str, out: str, layers: list[str]) -> dict[str, object]:
    """Open ``layers`` of the service at ``url`` in QGIS and render them into ``out``."""
    from qgis.core import (
        QgsApplication,
        QgsMapRendererParallelJob,
        QgsMapSettings,
        QgsPalLayerSettings,
        QgsRectangle,
        QgsTextFormat,
        QgsVectorLayer,
        QgsVectorLayerSimpleLabeling,
    )
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor, QFont

    app = QgsApplication([], False)
    app.initQgis()
    opened, report = [], {}
    for name in layers:
        uri = f"url='{url}' typename='{name}' restrictToRequestBBOX='0'"
        layer = QgsVectorLayer(uri, name, "OAPIF")
        if not layer.isValid():
            raise SystemExit(f"QGIS could not open {name}: {layer.error().message()}")
        features = list(layer.getFeatures())
        report[name] = {
            "features": len(features),
            "names_zh": [f["name_zh"] for f in features][:5],
            "extent": layer.extent().toString(4),
        }
        if name == "key_mines":
            text = QgsTextFormat()
            text.setFont(QFont("Noto Sans CJK SC"))
            text.setSize(7)
            labels = QgsPalLayerSettings()
            labels.fieldName = "name_zh"
            labels.setFormat(text)
            layer.setLabeling(QgsVectorLayerSimpleLabeling(labels))
            layer.setLabelsEnabled(True)
        else:
            symbol = layer.renderer().symbol()
            symbol.setColor(QColor(184, 134, 11, 90))
        opened.append(layer)
    settings = QgsMapSettings()
    settings.setLayers(list(reversed(opened)))  # the first layer on top
    settings.setBackgroundColor(QColor("white"))
    settings.setOutputSize(QSize(1600, 1200))
    extent = QgsRectangle(opened[0].extent())
    for layer in opened[1:]:
        extent.combineExtentWith(layer.extent())
    extent.scale(1.05)
    settings.setExtent(extent)
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    if not job.renderedImage().save(out, "PNG"):
        raise SystemExit(f"could not write {out}")
    report["png"] = out
    return report


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    names = sys.argv[3:] or ["key_mines", "exploration_areas"]
    print(json.dumps(main(sys.argv[1], sys.argv[2], names), ensure_ascii=False), flush=True)
    # QGIS 3.22 may crash tearing down its network-backed providers; the answer is out already.
    os._exit(0)
