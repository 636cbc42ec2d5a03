"""Hold the words of the map's frame: basemap names in the layer switch, notices, the legend.

Part of goldmap's one words table (:func:`goldmap.text.tr` reads them with the rest).
"""

from __future__ import annotations

__all__ = ["WORDS"]

#: Interface words by key: (Chinese, English).
WORDS: dict[str, tuple[str, str]] = {
    "basemap_labels": ("{name} 注记", "{name} labels"),
    "map_legend": ("图例", "Legend"),
    "basemap_failed": (
        "底图无法加载（无网络或图块出错）；规划图层照常显示。",
        "The basemap could not load (no network or a tile error); the plan's layers are still "
        "shown.",
    ),
    "basemap_needs_key": (
        "天地图底图需要密钥：请在侧栏输入密钥，或换用其他底图；规划图层照常显示。",
        "The Tianditu basemap needs a key: type it in the sidebar or choose another basemap; "
        "the plan's layers are still shown.",
    ),
}
