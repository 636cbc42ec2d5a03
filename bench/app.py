"""Time a warm rerun of the Streamlit app after a province filter change.

The app (``app.py``) runs under Streamlit's ``AppTest`` (the script run the server does on
each widget change, without a browser). After a first run and one filter change (imports
done, layers and caches loaded), the province filter is changed to provinces not seen
before, one rerun each, and the median rerun is reported. The baseline is the same app with
an empty map: the same script, widgets, tables and filters, with the map builder replaced by
one that returns an empty ``folium.Map``, so the ratio is the cost of the map itself. Each
side runs in fresh interpreters, the two sides taking turns (several rounds in a full run),
so that a slow spell of the machine falls on both; the median is over every rerun of a side.
"""

from __future__ import annotations

import importlib.util
import statistics

from bench._common import ROOT, Figure, run_python

_RUN = """
import json, statistics, time
from streamlit.testing.v1 import AppTest
import goldmap
{patch}
provinces = [int(a) for a in dict.fromkeys(goldmap.load("key_mines")["province_adcode"])]
at = AppTest.from_file({app!r}, default_timeout=120)
at.run()
at.multiselect(key="provinces_zh").set_value([provinces[0]]).run()
assert not at.exception, at.exception
times = []
for adcode in provinces[1:{count}]:
    at.multiselect(key="provinces_zh").set_value([adcode])
    start = time.perf_counter()
    at.run()
    times.append(time.perf_counter() - start)
    assert not at.exception, at.exception
print(json.dumps({{"times": times}}))
"""

_EMPTY_MAP = """
from goldmap.app import views
from goldmap.app.live_map import render_page
from goldmap.maps import Map
def _empty_map(asset_url):
    return render_page(Map(location=[35, 105], zoom_start=4, tiles=None)), []
views._map_parts = _empty_map
"""


def run(quick: bool = False) -> list[Figure]:
    name = "app warm rerun after a filter change"
    app = ROOT / "app.py"
    if importlib.util.find_spec("streamlit") is None:
        return [Figure(name, "s", skipped="the app extra (streamlit) is not installed")]
    if not app.is_file() or importlib.util.find_spec("goldmap.app.views") is None:
        return [Figure(name, "s", skipped="app.py or its map view is not where expected")]
    count, rounds = (4, 1) if quick else (None, 3)
    ours: list[float] = []
    base: list[float] = []
    for _ in range(rounds):
        ours += run_python(_RUN.format(app=str(app), patch="", count=count))["times"]
        base += run_python(_RUN.format(app=str(app), patch=_EMPTY_MAP, count=count))["times"]
    return [
        Figure(
            name,
            "s",
            statistics.median(ours),
            statistics.median(base),
            description=(
                "the same app, same filters and tables, with an empty folium map: what the "
                "page costs without the map, so the ratio is the map's own cost"
            ),
            goal="≤ 1.3×",
            target=1.3,
            note=f"Streamlit AppTest script reruns (no browser), median of {len(ours)} "
            f"province filter changes ({rounds} round(s) of {len(ours) // rounds}, the two "
            "sides taking turns, a fresh interpreter each), each to a province not shown "
            "before in its round, after a first run and one change",
        )
    ]
