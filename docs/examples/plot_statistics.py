"""
Key mines by province / 各省重点矿山
====================================

``goldmap.province_summary`` counts the key mines of each province and measures the plan
areas in it (km², equal-area projection).
"""

import matplotlib.pyplot as plt

import goldmap

summary = goldmap.province_summary()
counted = summary[summary["key_mines"] > 0].sort_values("key_mines")
fig, ax = plt.subplots(figsize=(6, 3))
ax.barh(counted["name_en"], counted["key_mines"], color="#b8860b")
ax.set_xlabel("key mines named in Column 1")
fig.tight_layout()
