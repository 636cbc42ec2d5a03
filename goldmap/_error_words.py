"""Hold the reason of each kind of error a user can cause, in Chinese and English.

Keyed by an error's ``kind`` (:mod:`goldmap.errors`) and filled from its ``fields``, so that
the app says what went wrong, and how to fix it, in the reader's language; the library's own
messages stay English. Part of the one words table of :mod:`goldmap.text` (``reason_<kind>``).
"""

from __future__ import annotations

__all__ = ["HEADLINES", "REASONS"]

#: ``kind``: (Chinese, English) reason, a ``str.format`` template over the error's fields.
REASONS: dict[str, tuple[str, str]] = {
    "unexpected": (
        "goldmap 内部出错，未作任何更改（参考编号 {ref}）。"
        "请重试；如仍出错，请将此编号告知维护者。",
        "goldmap hit an internal error and changed nothing (reference {ref}). Try again; if it "
        "happens again, report this reference.",
    ),
    # Any file
    "too_large": (
        "文件 {name!r} 超过 goldmap 的 {limit_mb} MB 上限。请拆分文件，或只保留需要的行和列。",
        "{name!r} is larger than goldmap's {limit_mb} MB limit. Split the file, or keep only "
        "the rows and columns you need.",
    ),
    "no_such_file": (
        "找不到文件 {name!r}，请检查路径。",
        "No such file: {name!r}. Check the path.",
    ),
    "not_local": (
        "{name!r} 是网址或 GDAL 虚拟路径；goldmap 只读取本地文件。请先下载该文件。",
        "{name!r} is a URL or a GDAL virtual path; goldmap reads only local files.",
    ),
    "empty_file": ("文件 {name!r} 是空的。", "{name!r} is empty."),
    "content_mismatch": (
        "文件 {name!r} 的内容与其扩展名所示格式不符（或文件已损坏），已拒绝。"
        "请按其真实格式的扩展名上传，或重新导出。",
        "{name!r} is not the kind of file its name says (or it is damaged); refused. Upload "
        "it with its real extension, or export it again.",
    ),
    "unreadable": (
        "无法读取文件 {name!r}（文件可能已损坏）。请重新导出后再上传。",
        "{name!r} cannot be read (it may be damaged). Export it again.",
    ),
    # Tables
    "not_decodable": (
        "无法识别文件 {name!r} 的文字编码（已尝试 UTF-8、GB18030/GBK、UTF-16）。"
        "请另存为 UTF-8 编码的 CSV（Excel：另存为 → CSV UTF-8）。",
        "{name!r} is not UTF-8, GB18030/GBK or UTF-16 text. Save it as a UTF-8 CSV.",
    ),
    "not_xlsx": (
        "文件 {name!r} 不是 Excel 工作簿（.xlsx）。请在 Excel 中另存为 .xlsx 或 CSV。",
        "{name!r} is not an Excel workbook (.xlsx). Save it from Excel as .xlsx or CSV.",
    ),
    "unsupported_table": (
        "不支持的表格类型（{name!r}）。可上传：{allowed}（含一列省份名称的统计表）。",
        "Unsupported table type ({name!r}); use {allowed}.",
    ),
    "unreadable_table": (
        "无法将 {name!r} 读为表格。请检查分隔符和表头，或另存为 CSV/XLSX 后重试。",
        "{name!r} cannot be read as a table. Check its separator and header, or save it as "
        "CSV or XLSX again.",
    ),
    "no_province_column": (
        "表格中没有一列是省份名称（现有列：{columns}）。"
        "请添加名为“省份”或“province”的列，填写省份名称或行政区划代码。",
        "No column of the table names provinces (columns: {columns}). Add a column named "
        "'province' holding province names or adcodes.",
    ),
    "column_not_in_table": (
        "表格中没有列 {column!r}；现有列：{columns}。",
        "Column {column!r} is not in the table; its columns are {columns}.",
    ),
    "duplicate_province": (
        "有多行指向同一省份：{groups}。请在下方选择合并方式（保留第一行或最后一行、求和或取平均），"
        "或删去多余的行。",
        "Several rows name the same province: {groups}. Choose below how to combine them, or "
        "remove the extra rows.",
    ),
    # Features
    "unsupported_features": (
        "不支持的文件类型（{name!r}）。可上传：{allowed}"
        "（Shapefile 须连同 .shx、.dbf、.prj 一起压缩为 zip）。",
        "Unsupported file type ({name!r}). goldmap reads: {allowed}.",
    ),
    "no_lon_lat": (
        "文件 {name!r} 中没有经度/纬度列（现有列：{columns}）。"
        "请将列命名为 lon 和 lat（或 经度/纬度、longitude/latitude），以十进制度表示。",
        "{name!r} has no longitude/latitude columns (its columns: {columns}). Name them lon "
        "and lat.",
    ),
    "bad_coordinates": (
        "文件 {name!r} 中有 {count} 行坐标无法读取（{cells}）。"
        "请使用十进制度（120.35）或带度分秒符号的写法（120°30′15″E、东经120°30′15″）。",
        "{count} row(s) of {name!r} have a coordinate that cannot be read ({cells}).",
    ),
    "no_features": ("文件 {name!r} 中没有任何要素。", "{name!r} holds no features."),
    "crs_link": (
        "文件 {name!r} 以链接或未知方式声明坐标系，goldmap 不访问链接。"
        "请另存为 WGS84 的 GeoJSON（RFC 7946，不含 crs 成员）。",
        "{name!r} declares its CRS by a link or in an unknown way.",
    ),
    "crs_unknown": (
        "文件 {name!r} 声明的坐标系无法识别。请使用 EPSG 代码，或另存为 WGS84。",
        "{name!r} names a CRS goldmap does not know.",
    ),
    "no_crs": (
        "{name} 没有坐标参考系（CRS），无法确定位置。请为其设置坐标系"
        "（Shapefile 须附 .prj），或另存为 WGS84 的 GeoJSON。",
        "{name} has no coordinate reference system (CRS).",
    ),
    "shp_no_prj": (
        "文件 {name!r} 没有坐标参考系：Shapefile 缺少 .prj。"
        "请将 .prj 一并压缩，或另存为 WGS84 的 GeoJSON。",
        "{name!r} has no CRS: the shapefile has no .prj.",
    ),
    "not_json": (
        "文件 {name!r} 不是有效的 UTF-8 JSON，因此不是 GeoJSON。请重新导出为 GeoJSON。",
        "{name!r} is not valid UTF-8 JSON, so not GeoJSON.",
    ),
    "not_geojson": (
        "文件 {name!r} 是 JSON，但不是 GeoJSON。请重新导出为 GeoJSON。",
        "{name!r} is JSON but not GeoJSON.",
    ),
    "bad_feature": (
        "文件 {name!r} 的第 {number} 个要素的几何或属性无效。请修正该要素或重新导出。",
        "Feature {number} of {name!r} has an invalid geometry or properties.",
    ),
    "xml_entities": (
        "文件 {name!r} 声明了实体或 DTD，goldmap 拒绝展开。请去掉 DOCTYPE 后重新导出。",
        "{name!r} declares entities or a DTD, which goldmap refuses to expand.",
    ),
    "not_xml": (
        "文件 {name!r} 不是格式正确的 XML（GPX/KML 中含实体或 DTD 的也会被拒绝）。请重新导出。",
        "{name!r} is not well-formed XML. Export it again.",
    ),
    "not_kml": (
        "文件 {name!r} 是 XML，但不是 KML。请从 Google Earth 或 GIS 软件重新导出为 KML。",
        "{name!r} is XML but not KML.",
    ),
    "not_kmz": (
        "文件 {name!r} 中没有 .kml 文档，不是 KMZ 文件。",
        "{name!r} holds no .kml document; it is not a KMZ file.",
    ),
    "kml_bad_geometry": (
        "文件 {name!r} 中有无法构建的几何：坐标不是“经度,纬度[,高程]”数字，或线只有一个点。",
        "{name!r} has a geometry that cannot be built.",
    ),
    "not_gpx": ("文件 {name!r} 是 XML，但不是 GPX。", "{name!r} is XML but not GPX."),
    "gpx_bad_point": (
        "文件 {name!r} 中有 GPX 点的经纬度无效或超出地球范围。请用 GPS 软件重新导出。",
        "{name!r}: a GPX point has no valid lon/lat.",
    ),
    "gpx_layer": (
        "文件 {name!r}：请选择图层 waypoints、routes 或 tracks。",
        "{name!r}: choose the layer waypoints, routes or tracks.",
    ),
    "dbf_encoding": (
        "文件 {name!r}：Shapefile 没有 .cpg，其文字既不是 UTF-8 也不是 GBK/GB18030，"
        "读出来会是乱码。"
        "请添加写明编码的 .cpg 文件（一行文字，如 CP1252），或重新导出为 UTF-8。",
        "{name!r}: the shapefile has no .cpg and its text is neither UTF-8 nor GBK/GB18030.",
    ),
    "several_layers": (
        "文件 {name!r} 含多个图层（{layers}）。请将需要的图层单独保存后上传。",
        "{name!r} holds several layers ({layers}); save the one you want alone.",
    ),
    "gpkg_virtual_table": (
        "文件 {name!r} 含指向文件外部的虚拟表，goldmap 拒绝读取。请导出为普通 GeoPackage。",
        "{name!r} holds a virtual table that points outside the file.",
    ),
    # Archives
    "bad_zip": (
        "文件 {name!r} 不是有效的 zip（已损坏或不是压缩包）。",
        "{name!r} is not a valid zip (it is damaged or not a zip).",
    ),
    "zip_too_many": (
        "压缩包 {name!r} 含 {count} 个文件，goldmap 最多读取 {limit} 个。请只压缩需要的文件。",
        "{name!r} holds {count} files; goldmap reads archives of at most {limit}.",
    ),
    "zip_too_big": (
        "压缩包 {name!r} 解压后超过 {limit_mb} MB，已拒绝。请上传较小的压缩包。",
        "{name!r} unpacks to more than {limit_mb} MB; refused.",
    ),
    "zip_unsafe_member": (
        "压缩包 {name!r} 中的 {member!r} 指向包外、是链接或大小不符，已拒绝。",
        "{name!r} holds {member!r}, which is unsafe; refused.",
    ),
    "zip_nested": (
        "压缩包 {name!r} 中还有压缩包（{member!r}）。请解压后上传其中的文件。",
        "{name!r} holds another archive ({member!r}); unzip it and upload the inner file.",
    ),
    "zip_member_unreadable": (
        "压缩包 {name!r} 中的 {member!r} 无法解压：压缩包已损坏或有密码。请不加密码重新压缩。",
        "{member!r} in {name!r} cannot be unpacked: damaged or password-protected.",
    ),
    "zip_no_shp": (
        "压缩包 {name!r} 中没有 .shp。请将 Shapefile 的 .shp、.shx、.dbf、.prj 一起压缩。",
        "{name!r} holds no .shp.",
    ),
    "zip_no_layer": (
        "压缩包 {name!r} 中没有名为 {layer!r} 的 Shapefile。",
        "{name!r} has no shapefile named {layer!r}.",
    ),
    "zip_several_shp": (
        "压缩包 {name!r} 含多个 Shapefile。请每个 zip 只放一个。",
        "{name!r} holds several shapefiles; zip one per file.",
    ),
    "shp_parts_missing": (
        "压缩包 {name!r} 中的 Shapefile 缺少 {missing}。请将 .shp 与 .shx、.dbf、.prj 一起压缩。",
        "{name!r}: the shapefile lacks its {missing}.",
    ),
    # Where the features lie
    "swapped": (
        "{total} 个要素中有 {count} 个的经度和纬度似乎写反了（其“纬度”在 73 到 136 之间）。"
        "请交换这两列。",
        "{count} of {total} feature(s) have longitude and latitude swapped.",
    ),
    "not_near_china": (
        "{total} 个要素中没有一个位于中国境内或附近（经度 73—136，纬度 3—54）。"
        "请检查坐标系：goldmap 需要 WGS84 经纬度，或文件中声明了坐标系。",
        "None of the {total} feature(s) lies in or near China. Check the coordinate system.",
    ),
    # Corrections
    "corrections_columns": (
        "更正文件 {name!r} 的列不对：{problem}。更正文件须有 id、lon、lat、location_precision、"
        "source_url、source_quote 列（note 可选）；可从“下载更正模板”开始。未应用任何更正。",
        "The corrections file {name!r} {problem}; nothing was applied.",
    ),
    "corrections_twice": (
        "更正文件 {name!r} 中 {columns} 列出现了不止一次，请每列只保留一个。未应用任何更正。",
        "The corrections file {name!r} has the column(s) {columns} more than once.",
    ),
    "corrections_not_points": (
        "更正文件 {name!r} 中有不是点的要素；每座矿山的更正是一个点。未应用任何更正。",
        "The corrections file {name!r} holds features that are not points.",
    ),
    "corrections_type": (
        "不支持的更正文件类型（{name!r}）。可上传：{allowed}。",
        "Unsupported corrections file type ({name!r}); use {allowed}.",
    ),
    "corrections_rows": (
        "更正文件 {name!r} 中有 {count} 处问题，未应用任何更正。请修改下列各行后重试：",
        "{count} problem(s) in the corrections {name!r}; nothing was applied. Fix these rows:",
    ),
}

# The app's headline above an error's own (English) message, by the kind of error; shown in
# Chinese only, as an English reader's message is the library's one-line message alone.
HEADLINES: dict[str, tuple[str, str]] = {
    "error_corrections": (
        "更正文件有问题，未应用任何更正。",
        "The corrections file has a problem; no correction was applied.",
    ),
    "error_duplicate_province": (
        "有多行指向同一省份；请在下方选择处理方式。",
        "Several rows name one province; choose below what to do with them.",
    ),
    "error_missing_crs": (
        "数据没有坐标参考系（CRS），无法确定位置。",
        "The data has no coordinate reference system (CRS).",
    ),
    "error_input_file": ("无法读取该文件。", "The file cannot be read."),
    "error_column": ("找不到所需的列。", "A column it needs is missing."),
    "error_statistic": ("找不到该统计项。", "No such statistic."),
    "error_name": ("无法识别该名称。", "The name is not recognised."),
    "error_outside_china": ("要素位于中国境外。", "The features lie outside China."),
    "error_export": ("无法导出为该格式。", "The export cannot be written."),
    "error_option": ("选项无效。", "An option is not valid."),
    "error_worker": (
        "后台处理意外中止，未作任何更改；请重试，或改用较小的文件。",
        "The work stopped unexpectedly and changed nothing; try again, or use a smaller file.",
    ),
    "error_goldmap": ("无法完成此操作。", "This cannot be done."),
    "error_other": ("出错了。", "Something went wrong."),
    "error_details": ("详细信息（英文）：", "Details: "),
}
