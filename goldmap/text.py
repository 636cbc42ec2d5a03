"""Hold every interface string of goldmap in Chinese and English, with one tr().

One table for the web map, the static figure and the app, so that a popup, a legend, a
figure and the app's sidebar say the same thing the same way; the language check that every
entry point shares lives here too.
"""

from __future__ import annotations

import numpy as np

from goldmap._error_words import HEADLINES as _ERRORS
from goldmap._error_words import REASONS
from goldmap._figure_words import WORDS as _FIGURE
from goldmap._map_words import WORDS as _FRAME
from goldmap._note_words import LOCATION_WORDS, NOTES
from goldmap.errors import OptionError

__all__ = [
    "COMMODITY_ZH",
    "CONFIDENCE",
    "FIELDS",
    "INDICATORS",
    "LANGS",
    "PRECISION",
    "check_lang",
    "commodity_label",
    "error_reason",
    "field_label",
    "statistic_label",
    "tr",
    "value_label",
]

#: The languages goldmap speaks.
LANGS = ("zh", "en")

_MAP: dict[str, tuple[str, str]] = {
    "province": ("省份", "Province"),
    "provinces": ("省份", "Provinces"),
    "county": ("县级", "County"),
    "commodities": ("矿种", "Commodities"),
    "operator": ("运营单位", "Operator"),
    "precision": ("位置精度", "Location"),
    "plan_name": ("规划英译", "Plan translation"),
    "plan_words": ("规划原文", "The plan's words"),
    "method": ("划定方法（英文）", "How it is drawn"),
    "confidence": ("可信度", "Confidence"),
    "area": ("面积", "Area"),
    "notes": ("说明（英文）", "Notes"),
    "sources": ("来源", "Sources"),
    "name": ("名称", "Name"),
    "adcode": ("行政区划代码", "Adcode"),
    "area_id": ("所属区域", "Plan area"),
    "uncertain": (
        "位置不确定：仅知所在县/省，图上为代表点。",
        "Location uncertain: only the county or province is known; the point is a stand-in.",
    ),
    "shares_point": ("同一点位", "Same point as"),
    "may_lie_within": ("可能位于", "May lie within"),
    "footer": (
        "数据版本 {ver} · 引用：“{ref}”（见 CITATION.cff 及每个要素的来源） · "
        "方法与来源：[{url}]({url})",
        'Data version {ver} · Cite as "{ref}" (see CITATION.cff and each feature\'s '
        "sources) · Method and sources: [{url}]({url})",
    ),
    "radius_words": ("该点周围 {km} 公里之内", "{km} km of the point"),
    "radius_basis": ("半径依据", "How the radius was derived"),
    "figure_stand_in": (
        "代表点（乡镇或县）：矿山不在此点",
        "Stand-in point (town or county): not the mine",
    ),
    "figure_stand_in_county": (
        "县级代表点的所在县：矿山位于其中某处",
        "County of a county stand-in: the mine is somewhere in it",
    ),
    "location_unknown": ("位置未知", "Location unknown"),
    "mark_filled": ("重点矿山：矿体或矿区点位（实心星）", "Key mine: site located (filled star)"),
    "mark_half": ("重点矿山：乡镇点位（半实心星）", "Key mine: town's point (half-filled star)"),
    "mark_hollow": (
        "重点矿山：县级或更大范围的代表点（空心星）",
        "Key mine: county-or-wider stand-in (hollow star)",
    ),
    "company": ("公司（名称或股票代码）", "Company (name or ticker)"),
    "all_companies": ("全部公司", "All companies"),
    "company_mines_count": ("{n} 座重点矿山", "{n} key mines"),
    "company_heading": ("{name}：其重点矿山", "{name}: its key mines"),
    "company_unknown_count": ("（{n} 座未知）", " ({n} unknown)"),
    "color_by": ("矿山颜色", "Colour key mines by"),
    "color_gold": ("单一颜色", "One colour"),
    "color_status": ("按状态", "Status"),
    "color_owner": ("按所属集团", "Owner group"),
    "color_by_status": ("矿山颜色：状态", "Mine colour: status"),
    "color_by_owner": (
        "矿山颜色：所属集团（上市公司）",
        "Mine colour: owner group (listed company)",
    ),
    "mine_corrected": ("重点矿山（按您的更正文件）", "Key mine (moved by your corrections)"),
    "corrected_box": (
        "已按您的更正文件移动：下列第一个来源即您的来源",
        "Moved by your corrections file: the first source below is yours",
    ),
    "no_data": ("无数据", "No data"),
    "base": ("省级行政区", "Provinces"),
    "offshore": ("海域", "offshore"),
    "km2": ("平方公里", "km²"),
    "context": ("河湖与城市", "Rivers, lakes, cities"),
}
PRECISION = {
    "deposit": ("矿床坐标", "deposit coordinates"),
    "mine_site": ("矿区位置", "mine site"),
    "town": ("乡镇（近似）", "town (approximate)"),
    "county": ("县级代表点（近似）", "county stand-in point (approximate)"),
    "province": ("仅知省份（图上无点）", "province only (not drawn)"),
}
CONFIDENCE = {"high": ("高", "high"), "medium": ("中", "medium"), "low": ("低", "low")}
COMMODITY_ZH = {
    "gold": "金",
    "silver": "银",
    "copper": "铜",
    "lead": "铅",
    "zinc": "锌",
    "molybdenum": "钼",
    "tungsten": "钨",
    "antimony": "锑",
    "iron": "铁",
}

_APP: dict[str, tuple[str, str]] = {
    "title": ("黄金产业规划地图 2025—2027", "China gold-industry plan 2025-2027: the map"),
    "caption": (
        "《黄金产业高质量发展实施方案（2025—2027年）》专栏1的重点勘探区域、重点开发区域与重点开发矿山，"
        "叠加于天地图官方行政区划。点击地图要素查看详情。",
        "The key exploration areas, development areas and key mines of Column 1 of the gold "
        "plan, on official Tianditu boundaries. Click a feature on the map for its details.",
    ),
    "language": ("语言 / Language", "语言 / Language"),
    "layers": ("图层", "Layers"),
    "filter_provinces": ("省份筛选", "Provinces"),
    "filter_commodities": ("矿种筛选", "Commodities"),
    "statistic": ("省级统计着色", "Colour provinces by"),
    "none": ("（无）", "(none)"),
    "view_figure": ("此视图的静态地图（用于报告）", "This view as a figure for a report"),
    "make_figure": ("生成图件", "Make the figure"),
    "choose": ("选择图层", "Choose layers"),
    "all": ("全部（可多选）", "All (choose to filter)"),
    "basemap": ("底图", "Basemap"),
    "basemap_help": (
        "除“无”外的底图需联网。",
        "Basemaps other than 'none' need an internet connection.",
    ),
    "basemap_none": ("无（离线）", "None (offline)"),
    "basemap_light": ("浅色（Esri）", "Light (Esri)"),
    "basemap_osm": ("OpenStreetMap", "OpenStreetMap"),
    "basemap_satellite": ("卫星影像（Esri）", "Satellite (Esri)"),
    "basemap_tianditu-vec": ("天地图 矢量", "Tianditu vector"),
    "basemap_tianditu-img": ("天地图 影像", "Tianditu imagery"),
    "basemap_tianditu-ter": ("天地图 地形", "Tianditu terrain"),
    "basemap_gaode": ("高德 地图（GCJ-02）", "Gaode map (GCJ-02)"),
    "basemap_gaode-img": ("高德 影像（GCJ-02）", "Gaode imagery (GCJ-02)"),
    "tianditu_key": ("天地图密钥", "Tianditu key"),
    "tianditu_key_help": (
        "仅保存在本次会话中，不写入磁盘或链接。"
        "可在 https://console.tianditu.gov.cn/api/key 免费申请。",
        "Kept in this session only, never written to disk or the link. Get a free key at "
        "https://console.tianditu.gov.cn/api/key .",
    ),
    "details": ("详情", "Details"),
    "click_hint": ("点击地图上的矿山、区域或省份。", "Click a mine, an area or a province."),
    "tab_table": ("要素表", "Feature table"),
    "tab_plan": ("规划原文", "The plan"),
    "tab_data": ("我的数据", "Your data"),
    "tab_download": ("下载", "Downloads"),
    "search": ("搜索", "Search"),
    "rows": ("条", "rows"),
    "targets": ("2027年主要目标", "Targets for 2027"),
    "plan_original": ("中文原文", "Chinese original"),
    "plan_translation": ("英文译文", "English translation"),
    "show_on_map": ("在地图上显示", "Show on the map"),
    "upload_stats": ("上传统计表（CSV/XLSX，含省份列）", "Upload a statistics table (CSV/XLSX)"),
    "upload_features": (
        "上传您的点/面（CSV含经纬度、GeoJSON、KML、Shapefile zip、GeoPackage）",
        "Upload your features (CSV with lon/lat, GeoJSON, KML, zipped Shapefile, GeoPackage)",
    ),
    "reads": ("可读取：{formats}", "goldmap reads: {formats}"),
    "unmatched": ("未匹配的行", "Rows not matched"),
    "duplicated": (
        "重复指向同一省份的行及处理方式",
        "Rows naming a province another row names, and what was done",
    ),
    "unreadable": (
        "无法读为数字的值（该省此列显示为空）",
        "Values not read as numbers (left empty)",
    ),
    "on_duplicate": ("多行指向同一省份时", "When several rows name one province"),
    "dup_error": ("拒绝并列出", "Refuse and list them"),
    "dup_first": ("保留第一行", "Keep the first row"),
    "dup_last": ("保留最后一行", "Keep the last row"),
    "dup_sum": ("求和", "Add them up"),
    "dup_mean": ("取平均", "Average them"),
    "colour_by_upload": (
        "在“省级统计着色”中选择上传的列。",
        "Pick an uploaded column under 'Colour provinces by'.",
    ),
    "too_big": (
        "文件过大：{size:.1f} MB，上限 {limit} MB。",
        "File too large: {size:.1f} MB; the limit is {limit} MB.",
    ),
    "located": ("定位结果", "Located features"),
    "uploader_button": ("上传", "Upload"),
    "uploader_limit": ("每个文件不超过 {limit} MB", "{limit} MB per file"),
    "upload_queued": (
        "排队中：前面还有 {n} 个大文件任务。轮到时会自动开始定位，请勿关闭页面。",
        "Queued: {n} large upload(s) ahead of yours. Locating starts by itself when its turn "
        "comes; keep this page open.",
    ),
    "your_features_sample": (
        "我的要素（显示 {drawn:,} / {rows:,}）",
        "Your features ({drawn:,} of {rows:,} drawn)",
    ),
    "capped_map": (
        "地图绘制了全部 {rows:,} 个要素中的 {drawn:,} 个（每 {step} 个取 1 个）。",
        "The map draws {drawn:,} of the {rows:,} features (one in every {step}).",
    ),
    "capped_table": (
        "表格显示前 {table:,} 行（共 {rows:,} 行）。",
        "The table shows the first {table:,} of {rows:,} rows.",
    ),
    "capped_download": (
        "下载的文件包含全部 {rows:,} 个要素。",
        "The download has all {rows:,} features.",
    ),
    "upload_summary": ("各省份与规划区内的要素数", "Features by province and plan area"),
    "summary_kind": ("类别", "Kind"),
    "summary_name": ("名称", "Name"),
    "summary_features": ("要素数", "Features"),
    "summary_province": ("省份", "Province"),
    "summary_exploration_areas": ("重点勘查区", "Key exploration areas"),
    "summary_development_areas": ("重点开发区", "Key development areas"),
    "upload_corrections": (
        "上传矿山坐标更正（CSV/XLSX/GeoJSON）",
        "Upload corrections to the mines (CSV/XLSX/GeoJSON)",
    ),
    "corrections_help": (
        "每行一个矿山：id、lon、lat、location_precision、source_url、source_quote（note 可选）。"
        "有任何一行不合格时不应用任何更正。",
        "One row per mine: id, lon, lat, location_precision, source_url, source_quote "
        "(note optional). If any row is bad, nothing is applied.",
    ),
    "corrections_template": ("下载更正模板（CSV）", "Download the corrections template (CSV)"),
    "corrections_applied": (
        "已按您的文件移动 {n} 座矿山（地图上为绿色星标）：",
        "{n} mine(s) moved by your file (green stars on the map):",
    ),
    "corrections_none": (
        "文件中没有改变任何矿山的行。",
        "No row of the file changes a mine.",
    ),
    "your_features": ("我的要素", "Your features"),
    "download_layer": ("图层", "Layer"),
    "all_visible": ("地图上所有可见图层", "All layers visible on the map"),
    "only_filtered": ("仅下载筛选后的要素", "Only the features the filters keep"),
    "download_includes": ("将下载：{what}", "You will download: {what}"),
    "features_count": ("{n} 个要素", "{n} features"),
    "fmt_geojson": (
        "GeoJSON：网页与多数软件通用，单图层",
        "GeoJSON: for the web and most tools, one layer",
    ),
    "fmt_gpkg": (
        "GeoPackage：一个文件含多个图层，QGIS/ArcGIS 首选",
        "GeoPackage: one file, every layer; best for QGIS/ArcGIS",
    ),
    "fmt_shp": (
        "Shapefile（zip）：旧式软件，UTF-8 编码，字段名对照表",
        "Shapefile (zip): for older tools; UTF-8, with a field map",
    ),
    "fmt_kml": ("KML：Google Earth，带样式", "KML: Google Earth, styled"),
    "fmt_kmz": (
        "KMZ：压缩的 KML（含图标），Google Earth",
        "KMZ: zipped KML with its icons, for Google Earth",
    ),
    "fmt_fgb": (
        "FlatGeobuf：大文件快速读取，单图层",
        "FlatGeobuf: fast to read for large files, one layer",
    ),
    "fmt_parquet": (
        "GeoParquet：Python/R/DuckDB 分析用，单图层",
        "GeoParquet: for analysis in Python, R, DuckDB; one layer",
    ),
    "fmt_csv": ("CSV：表格软件，经纬度或 WKT 几何", "CSV: spreadsheets; lon/lat or WKT geometry"),
    "fmt_qgs": (
        "QGIS 工程（zip）：与网页地图同样式，附 GeoPackage",
        "QGIS project (zip): styled like the web map, with its GeoPackage",
    ),
    "fmt_qgz": (
        "QGIS 工程（压缩，zip）：与网页地图同样式，附 GeoPackage",
        "QGIS project, compressed (zip): styled like the web map, with its GeoPackage",
    ),
    "format": ("格式", "Format"),
    "download": ("下载", "Download"),
    "download_result": ("下载结果", "Download the result"),
    "stat_summary": ("由图层计算", "from the layers"),
    "stat_packaged": ("已收录统计", "packaged statistics"),
    "stat_upload": ("上传", "uploaded"),
    "stat_upload_missing": (
        "此链接按上传表格的第 {number} 个统计列着色；上传文件不随链接保存，"
        "请在“我的数据”中重新上传该表格。",
        "This link coloured the provinces by statistic no. {number} of an uploaded table; "
        "uploads do not travel with links, so upload the table again under 'Your data'.",
    ),
    "uncertain_short": ("位置不确定（仅知县/省）", "Location uncertain (county/province only)"),
    "field": ("字段", "Field"),
    "value": ("值", "Value"),
    "progress_title": ("2027年目标进展：按公开数据衡量", "The 2027 targets: where things stand"),
    "progress_target": ("目标", "Target"),
    "progress_indicator": ("衡量指标", "Measured by"),
    "progress_rule": ("目标规则", "Rule"),
    "progress_baseline": ("基期", "Baseline"),
    "progress_latest": ("最新", "Latest"),
    "progress_goal": ("2027年目标值", "Value to reach in 2027"),
    "progress_change": ("较基期变化", "Change on the baseline"),
    "progress_done": ("已完成的距离", "Share of the way"),
    "progress_so_far": ("迄今增长", "Growth so far"),
    "progress_needed": ("尚需增长", "Growth still needed"),
    "progress_status": ("状态", "Status"),
    "progress_source": ("最新数据来源", "Source of the latest figure"),
    "progress_open": ("打开来源", "open the source"),
    "progress_expected": ("按直线进度应达", "on a straight path by now"),
    "progress_none": ("未见公布", "not published"),
    "progress_before": ("（早于基期）", " (before the baseline year)"),
    "progress_baseline_note": (
        "方案未写明基期；goldmap 按实施周期（2025—2027年）与印发时间（2025年3月）推断为 2024年。",
        "The plan states no base year; goldmap infers 2024 from its period (2025-2027) and its "
        "signing in March 2025.",
    ),
    "progress_rules": (
        "状态规则：基期之后的数值达到目标值即“已达成”；基期或基期之后的数值未公布为“无数据”；"
        "最新值不低于基期且 2027年前尚需的年均增长不高于迄今年均增长为“按进度”；"
        "否则为“落后于进度”。",
        "Status: met when a figure after the baseline reaches the target; no data when the "
        "baseline or any later figure is unpublished; on track when the latest figure is at "
        "least the baseline and the growth a year still needed by 2027 is at most the growth a "
        "year so far; behind otherwise.",
    ),
    "progress_bar_legend": (
        "条形：从基期（0）到 2027年目标值（黑线）已走过的距离；蓝线：按直线进度此时应达的位置。",
        "Bars: the share of the way from the baseline (0) to the value to reach in 2027 (black "
        "line); blue tick: where a straight path would be by now.",
    ),
    "progress_notes": ("各目标说明与检索记录", "Notes on each target, and what was searched"),
    "progress_searched": ("未见公布，已检索：", "Not published; searched: "),
    "progress_not_measured": ("未衡量的目标", "Targets not measured"),
    "status_met": ("已达成", "met"),
    "status_on_track": ("按进度", "on track"),
    "status_behind": ("落后于进度", "behind"),
    "status_no_data": ("无数据", "no data"),
}

# Why an error happened, by its kind (goldmap._error_words, filled from the error's fields).
_REASONS = {f"reason_{kind}": words for kind, words in REASONS.items()}

_STRINGS = {**_MAP, **_APP, **_FIGURE, **_ERRORS, **_REASONS, **NOTES, **_FRAME}

#: The layers' fields as a reader sees them (table headers, the details panel).
FIELDS: dict[str, tuple[str, str]] = {
    "id": ("编号", "ID"),
    "kind": ("类别", "Kind"),
    "name_zh": ("中文名称", "Chinese name"),
    "name_en": ("英文名称", "English name"),
    "name_zh_short": ("简称", "Short name"),
    "name_plan_en": ("规划英文本中的名称", "Name in the plan's English text"),
    "aliases": ("别名", "Other names"),
    "province_zh": ("省份", "Province (Chinese)"),
    "province_en": ("省份（英文）", "Province"),
    "province_adcode": ("省级行政区划代码", "Province code"),
    "provinces_zh": ("涉及省份", "Provinces (Chinese)"),
    "provinces_en": ("涉及省份（英文）", "Provinces"),
    "province_adcodes": ("省级行政区划代码", "Province codes"),
    "county_zh": ("县级行政区", "County"),
    "county_adcode": ("县级行政区划代码", "County code"),
    "county_adcodes": ("县级行政区划代码", "County codes"),
    "adcode": ("行政区划代码", "Code"),
    "commodity": ("矿种", "Commodities"),
    "commodities": ("矿种", "Commodities"),
    "operator": ("运营单位", "Operator"),
    "location_precision": ("位置精度", "Location precision"),
    "offshore": ("海域矿床", "Offshore"),
    "location_known": ("位置已知", "Location known"),
    "location_uncertainty_km": ("位置不确定半径（公里）", "Location uncertainty (km)"),
    "uncertainty_basis_en": ("半径依据（英文）", "How the radius was derived"),
    "uncertainty_basis_zh": ("半径依据", "How the radius was derived (Chinese)"),
    "shares_point_with": ("同一点位的矿山", "Shares its point with"),
    "stands_for_zh": ("点位含义", "What the point stands for (Chinese)"),
    "stands_for_en": ("点位含义（英文）", "What the point stands for"),
    "corrected": ("已按您的文件更正", "Corrected by your file"),
    "notes": ("说明（英文）", "Notes"),
    "method": ("划定方法（英文）", "How the outline was drawn"),
    "confidence": ("可信度", "Confidence"),
    "area_km2": ("面积（平方公里）", "Area (km²)"),
    "plan_quote_zh": ("规划原文", "The plan's words"),
    "area_id": ("所属区域", "Area"),
    "key_mines": ("重点开发矿山（座）", "Key mines (count)"),
    "exploration_km2": ("重点勘探区域面积（平方公里）", "Key exploration areas (km²)"),
    "development_km2": ("重点开发区域面积（平方公里）", "Key development areas (km²)"),
    "plan_area_km2": ("规划区域面积（平方公里）", "Plan areas (km²)"),
    "plan_area_share": ("规划区域占全省面积比例", "Share of the province in plan areas"),
}

#: Columns of goldmap's reports (the join report, located features).
FIELDS.update(
    {
        "row": ("行", "Row"),
        "value": ("值", "Value"),
        "suggestions": ("可能是", "Closest names"),
        "outcome": ("处理", "Outcome"),
        "column": ("列", "Column"),
        "exploration_areas": ("所在重点勘探区域", "In key exploration areas"),
        "development_areas": ("所在重点开发区域", "In key development areas"),
        "nearest_mine_id": ("最近重点矿山编号", "Nearest key mine ID"),
        "nearest_mine_zh": ("最近重点矿山", "Nearest key mine (Chinese)"),
        "nearest_mine_en": ("最近重点矿山（英文）", "Nearest key mine"),
        "nearest_mine_km": (
            "距最近重点矿山（公里，按点位精度取整）",
            "To the nearest key mine (km, rounded)",
        ),
        "nearest_mine_precision": ("最近矿山点位精度", "Nearest mine's location precision"),
        "nearest_mine_uncertainty_km": (
            "最近矿山位置不确定半径（公里）",
            "Nearest mine's location uncertainty (km)",
        ),
        "nearest_mine_shares_point": ("与其同一点位的矿山", "Mines at the same point"),
        "nearest_mine_km_exact": (
            "距最近重点矿山（公里，精确）",
            "To the nearest key mine (km, exact)",
        ),
        "location_note": ("定位说明", "Note"),
    }
)
_OUTCOMES = {
    "kept_first": ("保留第一行", "kept the first row"),
    "kept_last": ("保留最后一行", "kept the last row"),
    "kept": ("保留", "kept"),
    "dropped": ("舍弃", "dropped"),
    "summed": ("求和", "summed"),
    "averaged": ("取平均", "averaged"),
    "refused": ("拒绝", "refused"),
}

#: The packaged statistics' indicators (data/stats/gold_statistics.csv).
INDICATORS: dict[str, tuple[str, str]] = {
    "gold_output_total": ("国内原料黄金产量", "Gold output from domestic raw material"),
    "gold_output_mine": ("矿产金产量", "Mine-produced gold"),
    "gold_output_byproduct": ("有色副产金产量", "By-product gold from base-metal smelting"),
    "gold_output_imported_material": ("进口原料产金", "Gold from imported raw material"),
    "gold_output_incl_imported": ("黄金产量（含进口原料）", "Gold output incl. imported material"),
    "gold_output_provincial_reported": (
        "省级黄金产量（媒体报道）",
        "Provincial gold output, as reported",
    ),
    "gold_output_provincial_unspecified": (
        "省级黄金产量（口径未说明）",
        "Provincial gold output, basis not stated",
    ),
    "gold_consumption": ("黄金实际消费量", "Gold consumption"),
    "gold_reserves_national": ("全国黄金储量", "National gold reserves"),
    "gold_reserves_provincial": ("黄金储量", "Gold reserves"),
    "gold_resources_national": ("全国黄金资源量", "National gold resources"),
    "gold_resources_provincial": ("金矿保有资源量", "Gold resources in the province"),
    "gold_mine_output_share_key_enterprises": (
        "重点企业矿产金产量占全国比例",
        "Key enterprises' share of national mine gold",
    ),
    "silver_output_mine": ("矿山银产量", "Mine silver output"),
}

_UNITS = {"t": ("吨", "t")}


def field_label(field: str, lang: str) -> str:
    """Return a layer field's name for readers in ``lang``; an unknown field as it is.

    Examples
    --------
    >>> field_label("location_precision", "zh")
    '位置精度'
    """
    pair = FIELDS.get(field)
    return field if pair is None else pair[0 if lang == "zh" else 1]


def statistic_label(column: str, lang: str, *, unit: str = "t") -> str:
    """Return the name of a statistic column (``gold_output_total_2023``) with its unit.

    A column of :data:`INDICATORS` followed by a year reads "国内原料黄金产量，2023年（吨）";
    a field of :data:`FIELDS` reads as that field; any other (a user's column) as it is.

    Examples
    --------
    >>> statistic_label("gold_output_total_2023", "en")
    'Gold output from domestic raw material, 2023 (t)'
    """
    indicator, _, year = column.rpartition("_")
    if indicator in INDICATORS and year.isdigit():
        zh, en = INDICATORS[indicator]
        unit_zh, unit_en = _UNITS.get(unit, (unit, unit))
        return f"{zh}，{year}年（{unit_zh}）" if lang == "zh" else f"{en}, {year} ({unit_en})"
    return field_label(column, lang)


def value_label(field: str, value: object, lang: str) -> str:
    """Return a coded value (precision, confidence, commodity, a note ...) in ``lang``."""
    if isinstance(value, bool | np.bool_):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    text = str(value)
    if field in ("location_precision", "nearest_mine_precision") and text in PRECISION:
        return PRECISION[text][0 if lang == "zh" else 1]
    if field == "confidence" and text in CONFIDENCE:
        return CONFIDENCE[text][0 if lang == "zh" else 1]
    if field in ("commodity", "commodities"):
        return commodity_label(text, lang)
    coded = {"outcome": _OUTCOMES, "location_note": LOCATION_WORDS}.get(field, {})
    if text in coded:
        return coded[text][0 if lang == "zh" else 1]
    return text


def check_lang(lang: str) -> str:
    """Return ``lang`` when goldmap speaks it, else raise :class:`~goldmap.errors.OptionError`.

    Raises
    ------
    OptionError
        When ``lang`` is not "zh" or "en".
    """
    if lang not in LANGS:
        raise OptionError(f"Unknown language {lang!r}; use 'zh' (中文) or 'en' (English).")
    return lang


def tr(key: str, lang: str) -> str:
    """Return interface string ``key`` in ``lang`` ("zh" or "en").

    Examples
    --------
    >>> tr("province", "en")
    'Province'
    """
    zh, en = _STRINGS[key]
    return zh if lang == "zh" else en


def error_reason(error: BaseException, lang: str) -> str | None:
    """Return the reason of a goldmap error in ``lang``, from its ``kind`` and ``fields``.

    None when the table has no words for its kind (or its fields do not fill them): the
    library's own (English) message is then all there is.

    Examples
    --------
    >>> from goldmap.errors import InputFileError
    >>> error_reason(InputFileError("'a.csv' is empty.", kind="empty_file", name="a.csv"), "zh")
    "文件 'a.csv' 是空的。"
    """
    pair = _STRINGS.get(f"reason_{getattr(error, 'kind', '')}")
    if pair is None:
        return None
    try:
        return pair[0 if lang == "zh" else 1].format(**getattr(error, "fields", {}))
    except (KeyError, IndexError, ValueError):
        return None


def commodity_label(commodity: str, lang: str) -> str:
    """Return a commodity's name in ``lang`` (金 for gold in Chinese)."""
    return COMMODITY_ZH.get(commodity, commodity) if lang == "zh" else commodity
