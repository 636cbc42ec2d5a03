"""
The plan on one map / 规划图
============================

``goldmap.figure`` draws the plan's exploration and development areas and the 35 key mines
on the official province boundaries, with the South China Sea islands (南海诸岛) inset that
every map of all China carries. ``lang="zh"`` labels it in Chinese, ``lang="en"`` in
English; ``area=`` or ``province=`` zooms in.
"""

import goldmap

fig = goldmap.figure(lang="zh", dpi=60)
