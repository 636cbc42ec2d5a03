"""Small files a reader cannot keep exactly as they are, so that it notes what it did.

A workbook with a merged two-row header and a second sheet, a CSV with its own ``geometry``
column (and a row whose longitude and latitude are swapped), a KML with a ``gx:Track`` and a
placemark holding only a 3-D model: each is read, and each reader's note is what the app
must show.
"""

from __future__ import annotations

import io

from tests.hostile import kml, kml_track

#: A CSV with its own geometry column; its second row has longitude and latitude swapped.
OWN_GEOMETRY = b'name,lon,lat,geometry\nA,120.3,37.2,"POINT (1 1)"\nB,37.4,120.1,x\n'

#: A KML: a gx:Track (read as a line) and a placemark holding only a 3-D model.
TRACK_AND_MODEL = kml(
    kml_track("walk", [(120.3, 37.2), (120.35, 37.25), (120.4, 37.3)]),
    "<Placemark><name>headframe</name><Model><Location><longitude>120.3</longitude>"
    "<latitude>37.2</latitude></Location></Model></Placemark>",
)


def merged_workbook(*, second_sheet: str = "说明") -> bytes:
    """A workbook: 坐标 merged over 经度 and 纬度 on its first sheet 矿点, and one sheet more."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "矿点"
    for row in (["名称", "坐标", None], [None, "经度", "纬度"], ["三山岛", 120.3, 37.2]):
        sheet.append(row)
    sheet.merge_cells("B1:C1")
    sheet.merge_cells("A1:A2")
    book.create_sheet(second_sheet).append(["来源", "野外调查"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
