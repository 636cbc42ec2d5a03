"""
Locate your prospects / 定位您的勘查点
======================================

``goldmap.locate`` tells for each point its province, county, the plan areas it lies in and
the nearest key mine with the geodesic distance. The same call takes a PostGIS table or
query with ``db=``.
"""

import matplotlib.pyplot as plt
import pandas as pd

import goldmap

prospects = pd.DataFrame(
    {
        "name": ["Sanshandao N", "Dachaidan W", "Zhaoyuan E", "Xining"],
        "lon": [120.42, 94.6, 120.6, 101.78],
        "lat": [37.40, 38.2, 37.35, 36.62],
    }
)
located = goldmap.locate(prospects, lang="en")
located[["name", "province_en", "development_areas", "nearest_mine_en", "nearest_mine_km"]]

# %%
# How far each prospect is from its nearest key mine.

fig, ax = plt.subplots(figsize=(6, 2.5))
ax.barh(located["name"], located["nearest_mine_km"], color="#d4a017")
ax.set_xlabel("km to the nearest key mine (geodesic)")
fig.tight_layout()
