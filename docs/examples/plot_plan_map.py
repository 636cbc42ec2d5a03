"""
The plan on one map / 规划图
============================

``goldmap.figure`` draws the plan's exploration and development areas and the 35 key mines
on the official province boundaries, with the South China Sea islands (南海诸岛) inset that
every map of all China carries. ``lang="en"`` labels it in English; the same call with
``lang="zh"`` labels it in Chinese.
"""

import goldmap

fig = goldmap.figure(area="dev-shandong-laizhou-zhaoyuan", lang="en", dpi=80)

# %%
# All China, in Chinese: the key mines and the 15 areas of Column 1 (专栏1).

fig = goldmap.figure(lang="zh", dpi=60)
