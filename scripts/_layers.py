"""Build the plan layers from their written definitions (YAML) on the official boundaries.

The definitions under ``data/mines/definitions/`` and ``data/regions/definitions/`` are the
source of truth; the GeoJSON layers are derived from them by :func:`build_all` (run
``python scripts/build_layers.py`` or ``make layers``). Build-time code: not part of the
installed package. The area polygons come from :mod:`goldmap._areas`, which validation
shares.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely

from goldmap._areas import area_definitions, area_geometry, read_yaml, unit_adcodes
from goldmap._dossier import DOSSIER_COLUMNS, dossier_columns, dossier_records
from goldmap._mine_location import location_fields
from goldmap._resources import data_path
from goldmap.catalog import load
from goldmap.crs import EQUAL_AREA_CRS, WGS84
from goldmap.names import province_name, resolve_county, resolve_province

__all__ = ["MINE_FILES", "build_all", "mine_definitions"]

#: The mine definition files, in the plan's order of provinces.
MINE_FILES = ("shandong.yaml", "central_north.yaml", "west_other.yaml")

#: The plan's Chinese text as shipped, cited as the source of every name it gives.
PLAN_TEXT = "data/plan/gold-plan-2025-2027.zh.txt"

_KIND_LAYER = {"exploration": "exploration_areas", "development": "development_areas"}


def mine_definitions() -> list[dict[str, Any]]:
    """Return the key-mine records as written, in the plan's order."""
    folder = data_path("mines", "definitions")
    records: list[dict[str, Any]] = []
    for name in MINE_FILES:
        path = folder / name
        if path.exists():
            records.extend(read_yaml(path) or [])
    return records


def _area_km2(geometries: gpd.GeoSeries) -> list[float]:
    return [round(a / 1e6, 1) for a in geometries.to_crs(EQUAL_AREA_CRS).area]


def _plan_mine_segments() -> list[str]:
    plan = read_yaml(data_path("plan", "plan.yaml"))
    part = next(p for p in plan["column1"]["parts"] if p["kind"] == "mines")
    text = part["zh"].split("：", 1)[1].removesuffix("等矿山。")
    return text.split("，")


#: Every source record carries the same keys (GeoParquet and Arrow need one struct type).
SOURCE_KEYS = ("url", "quote", "checked", "check", "check_note")


def _sources(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return source records with every key of :data:`SOURCE_KEYS` (None where unknown)."""
    return [{key: item.get(key) for key in SOURCE_KEYS} for item in items]


def _plan_source(name_zh: str, province_short: str) -> dict[str, str]:
    """Cite the plan's own words that name the mine within its province."""
    for segment in _plan_mine_segments():
        names = segment.removeprefix(province_short).split("、")
        if segment.startswith(province_short) and name_zh in names:
            return {"url": PLAN_TEXT, "quote": f"重点开发矿山：…{segment}…"}
    raise ValueError(f"{name_zh} ({province_short}) is not among the plan's key mines")


def build_mines() -> gpd.GeoDataFrame:
    """Return the key-mine layer built from its definitions."""
    provinces = load("provinces")
    short = dict(zip(provinces["adcode"], provinces["name_zh_short"], strict=True))
    rows = []
    for record in mine_definitions():
        province = resolve_province(record["province_zh"])
        county = record.get("county_zh")
        county_adcode = resolve_county(county, province=province) if county else None
        notes = (record.get("notes") or "").strip()
        point = _mine_point(record)
        if point is None:
            notes = (
                f"{notes} Location unknown below province level: the layer gives no point "
                "(empty geometry, location_known false); maps list the mine instead of "
                "drawing it."
            ).strip()
        rows.append(
            {
                "id": record["id"],
                "name_zh": record["name_zh"],
                "name_en": record["name_en"],
                "name_plan_en": record["name_plan_en"],
                "aliases": list(record.get("aliases") or []),
                "province_zh": province_name(province),
                "province_en": province_name(province, lang="en"),
                "province_adcode": province,
                "county_zh": county,
                "county_adcode": county_adcode,
                "commodity": list(record.get("commodity") or []),
                "operator": record.get("operator"),
                "location_precision": record["location_precision"],
                "offshore": bool(record.get("offshore", False)),
                "sources": _sources(
                    [
                        *(record.get("sources") or []),
                        _plan_source(record["name_zh"], short[province]),
                    ]
                ),
                "notes": notes,
                "geometry": point,
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)
    records = mine_definitions()
    towns = {r["id"]: (r.get("town_zh"), r.get("town_en")) for r in records}
    evidence = {
        r["id"]: r["uncertainty_evidence"] for r in records if r.get("uncertainty_evidence")
    }
    return with_dossier(location_fields(frame, towns=towns, evidence=evidence))


def with_dossier(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the mines with the dossier's flat columns and nested record joined by id."""
    records = {r["id"]: r for r in dossier_records()}
    unknown = sorted(set(records) - set(frame["id"]))
    if unknown:
        raise ValueError(f"dossier records for ids not among the key mines: {unknown}")
    out = frame.copy()
    columns = [dossier_columns(records.get(mine_id)) for mine_id in out["id"]]
    geometry = out.pop("geometry")
    for name in DOSSIER_COLUMNS:
        out[name] = [c[name] for c in columns]
    out["geometry"] = geometry
    return gpd.GeoDataFrame(out, geometry="geometry", crs=frame.crs)


def _mine_point(record: dict[str, Any]) -> shapely.Point | None:
    """Return a mine's point, or None when only its province is known (no point is drawn)."""
    lon, lat = record.get("lon"), record.get("lat")
    if record["location_precision"] == "province":
        if lon is not None or lat is not None:
            raise ValueError(f"{record['id']}: a province-precision mine has no lon/lat")
        return None
    if lon is None or lat is None:
        raise ValueError(f"{record['id']}: lon and lat are required below province precision")
    if record["location_precision"] == "town" and not (
        record.get("town_zh") and record.get("town_en")
    ):
        raise ValueError(f"{record['id']}: a town-precision mine names its town_zh and town_en")
    return shapely.Point(lon, lat)


def build_areas() -> tuple[dict[str, gpd.GeoDataFrame], gpd.GeoDataFrame]:
    """Return the two plan-area layers and the layer of their sourced test deposits."""
    counties = load("counties")
    rows: dict[str, list[dict[str, Any]]] = {layer: [] for layer in _KIND_LAYER.values()}
    deposits = []
    for d in area_definitions():
        provinces = [resolve_province(p) for p in d["provinces_zh"]]
        rows[_KIND_LAYER[d["kind"]]].append(
            {
                "id": d["id"],
                "kind": d["kind"],
                "name_zh": d["name_zh"],
                "name_en": d["name_en"],
                "name_plan_en": d["name_plan_en"],
                "provinces_zh": [province_name(p) for p in provinces],
                "provinces_en": [province_name(p, lang="en") for p in provinces],
                "province_adcodes": provinces,
                "county_adcodes": unit_adcodes(d),
                "commodities": list(d.get("commodities") or []),
                "method": " ".join(str(d["method"]).split()),
                "confidence": d["confidence"],
                "area_km2": None,
                "plan_quote_zh": d["plan_quote_zh"],
                "sources": _sources(list(d.get("sources") or [])),
                "geometry": area_geometry(d, counties),
            }
        )
        for t in d.get("test_deposits") or []:
            deposits.append(
                {
                    "area_id": d["id"],
                    "name_zh": t["name_zh"],
                    "name_en": t["name_en"],
                    "location_precision": t.get("precision"),
                    "offshore": bool(t.get("offshore", False)),
                    "sources": _sources(list(t.get("sources") or [])),
                    "notes": " ".join(str(t.get("notes") or "").split()),
                    "geometry": shapely.Point(t["lon"], t["lat"]),
                }
            )
    layers = {}
    for layer, layer_rows in rows.items():
        frame = gpd.GeoDataFrame(layer_rows, geometry="geometry", crs=WGS84)
        if len(frame):
            frame["area_km2"] = _area_km2(frame.geometry)
        layers[layer] = frame
    return layers, gpd.GeoDataFrame(deposits, geometry="geometry", crs=WGS84)


def build_province_layer(
    entries: list[tuple[str, str]], *, kind: str, quote: str, source: dict[str, str]
) -> gpd.GeoDataFrame:
    """Return a layer of whole provinces the plans name, each with the plan's words."""
    provinces = load("provinces")
    rows = []
    for slug, name in entries:
        adcode = resolve_province(name)
        geometry = provinces.loc[provinces["adcode"] == adcode, "geometry"].iloc[0]
        rows.append(
            {
                "id": f"{kind}-{slug}",
                "kind": kind,
                "name_zh": province_name(adcode),
                "name_en": province_name(adcode, lang="en"),
                "province_adcode": adcode,
                "plan_quote_zh": quote,
                "sources": _sources([source]),
                "geometry": geometry,
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)
    frame.insert(5, "area_km2", _area_km2(frame.geometry))
    return frame


def write_geojson(frame: gpd.GeoDataFrame, path: Path, *, precision: int = 6) -> None:
    """Write a layer as RFC 7946 GeoJSON, keeping lists and dicts as JSON values."""
    features = []
    for row in frame.to_dict("records"):
        geometry = row.pop("geometry")
        if geometry is not None and precision:
            geometry = shapely.set_precision(geometry, 10**-precision)
        features.append(
            {
                "type": "Feature",
                "properties": {k: _plain(v) for k, v in row.items()},
                # RFC 7946 §3.2: an unlocated feature has a null geometry.
                "geometry": None if geometry is None else shapely.geometry.mapping(geometry),
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    text = json.dumps(collection, ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    return value


def build_all() -> dict[str, int]:
    """Build every plan layer from the definitions; return the feature count per file."""
    counts: dict[str, int] = {}

    def save(frame: gpd.GeoDataFrame, *parts: str) -> None:
        write_geojson(frame, data_path(*parts))
        counts["/".join(parts)] = len(frame)

    save(build_mines(), "mines", "key_mines.geojson")
    areas, deposits = build_areas()
    for layer, frame in areas.items():
        save(frame, "regions", f"{layer}.geojson")
    save(deposits, "regions", "area_deposits.geojson")
    plan = read_yaml(data_path("plan", "plan.yaml"))
    for layer, spec in plan["province_layers"].items():
        frame = build_province_layer(
            [tuple(e) for e in spec["provinces"]],
            kind=spec["kind"],
            quote=spec["plan_quote_zh"],
            source=spec["source"],
        )
        save(frame, "regions", f"{layer}.geojson")
    return counts
