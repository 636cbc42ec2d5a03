"""Resolve province and county names in any common spelling to their adcodes.

Accepted spellings of a province: the full Chinese name (内蒙古自治区), the short one (内蒙古,
蒙), English (Inner Mongolia, Tibet, Xinjiang Uygur Autonomous Region), pinyin with or without
tone marks, spaces or suffixes (Nei Menggu, Nèi Měnggǔ, neimenggu zizhiqu), older spellings
(Nei Mongol, Shensi), and the adcode as an integer or a string (150000, "15", "150000").
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from goldmap._resources import read_packaged
from goldmap.errors import NameNotFoundError
from goldmap.text import check_lang

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PROVINCES",
    "Province",
    "county_names",
    "normalize_name",
    "province_name",
    "resolve_county",
    "resolve_province",
    "try_resolve_province",
]


@dataclass(frozen=True)
class Province:
    """One province-level unit and the spellings that resolve to it."""

    adcode: int
    name_zh: str
    name_zh_short: str
    name_en: str
    pinyin: str
    aliases: tuple[str, ...] = ()


# Official names follow the Tianditu boundary data; English names follow common usage
# (Xinhua style), the older postal/Wade-Giles forms are aliases. Abbreviations (鲁, 豫 ...)
# are the official one-character short names.
PROVINCES: tuple[Province, ...] = (
    Province(110000, "北京市", "北京", "Beijing", "Běijīng", ("京", "Peking")),
    Province(120000, "天津市", "天津", "Tianjin", "Tiānjīn", ("津", "Tientsin")),
    Province(130000, "河北省", "河北", "Hebei", "Héběi", ("冀", "Hopeh", "Hopei")),
    Province(140000, "山西省", "山西", "Shanxi", "Shānxī", ("晋", "Shansi")),
    Province(
        150000,
        "内蒙古自治区",
        "内蒙古",
        "Inner Mongolia",
        "Nèi Měnggǔ",
        (
            "蒙",
            "内蒙",
            "Nei Mongol",
            "Neimongol",
            "Inner Mongolia Autonomous Region",
            "Nei Monggol",
        ),
    ),
    Province(210000, "辽宁省", "辽宁", "Liaoning", "Liáoníng", ("辽",)),
    Province(220000, "吉林省", "吉林", "Jilin", "Jílín", ("吉", "Kirin")),
    Province(230000, "黑龙江省", "黑龙江", "Heilongjiang", "Hēilóngjiāng", ("黑",)),
    Province(310000, "上海市", "上海", "Shanghai", "Shànghǎi", ("沪",)),
    Province(320000, "江苏省", "江苏", "Jiangsu", "Jiāngsū", ("苏", "Kiangsu")),
    Province(330000, "浙江省", "浙江", "Zhejiang", "Zhèjiāng", ("浙", "Chekiang")),
    Province(340000, "安徽省", "安徽", "Anhui", "Ānhuī", ("皖", "Anhwei")),
    Province(350000, "福建省", "福建", "Fujian", "Fújiàn", ("闽", "Fukien")),
    Province(360000, "江西省", "江西", "Jiangxi", "Jiāngxī", ("赣", "Kiangsi")),
    Province(370000, "山东省", "山东", "Shandong", "Shāndōng", ("鲁", "Shantung")),
    Province(410000, "河南省", "河南", "Henan", "Hénán", ("豫", "Honan")),
    Province(420000, "湖北省", "湖北", "Hubei", "Húběi", ("鄂", "Hupeh")),
    Province(430000, "湖南省", "湖南", "Hunan", "Húnán", ("湘",)),
    Province(440000, "广东省", "广东", "Guangdong", "Guǎngdōng", ("粤", "Kwangtung")),
    Province(
        450000,
        "广西壮族自治区",
        "广西",
        "Guangxi",
        "Guǎngxī",
        ("桂", "Guangxi Zhuang", "Guangxi Zhuang Autonomous Region", "Kwangsi", "广西省"),
    ),
    Province(460000, "海南省", "海南", "Hainan", "Hǎinán", ("琼",)),
    Province(500000, "重庆市", "重庆", "Chongqing", "Chóngqìng", ("渝", "Chungking")),
    Province(510000, "四川省", "四川", "Sichuan", "Sìchuān", ("川", "蜀", "Szechwan", "Szechuan")),
    Province(520000, "贵州省", "贵州", "Guizhou", "Guìzhōu", ("贵", "黔", "Kweichow")),
    Province(530000, "云南省", "云南", "Yunnan", "Yúnnán", ("云", "滇")),
    Province(
        540000,
        "西藏自治区",
        "西藏",
        "Xizang",
        "Xīzàng",
        ("藏", "Tibet", "Tibet Autonomous Region", "Xizang Autonomous Region", "Xizang (Tibet)"),
    ),
    Province(610000, "陕西省", "陕西", "Shaanxi", "Shǎnxī", ("陕", "秦", "Shensi")),
    Province(620000, "甘肃省", "甘肃", "Gansu", "Gānsù", ("甘", "陇", "Kansu")),
    Province(630000, "青海省", "青海", "Qinghai", "Qīnghǎi", ("青", "Tsinghai")),
    Province(
        640000,
        "宁夏回族自治区",
        "宁夏",
        "Ningxia",
        "Níngxià",
        ("宁", "Ningxia Hui", "Ningxia Hui Autonomous Region", "Ninghsia"),
    ),
    Province(
        650000,
        "新疆维吾尔自治区",
        "新疆",
        "Xinjiang",
        "Xīnjiāng",
        (
            "新",
            "Xinjiang Uygur",
            "Xinjiang Uyghur",
            "Xinjiang Uygur Autonomous Region",
            "Xinjiang Uyghur Autonomous Region",
            "Sinkiang",
        ),
    ),
    Province(710000, "台湾省", "台湾", "Taiwan", "Táiwān", ("台",)),
    Province(
        810000,
        "香港特别行政区",
        "香港",
        "Hong Kong",
        "Xiānggǎng",
        ("港", "Hongkong", "Hong Kong SAR", "HKSAR"),
    ),
    Province(
        820000,
        "澳门特别行政区",
        "澳门",
        "Macao",
        "Àomén",
        ("澳", "Macau", "Macao SAR"),
    ),
)

_BY_ADCODE = {p.adcode: p for p in PROVINCES}

# Generic words that may follow a province name in any language; removed before matching.
_SUFFIXES = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "省",
    "市",
    "autonomousregion",
    "specialadministrativeregion",
    "province",
    "municipality",
    "region",
    "sar",
    "zizhiqu",
    "sheng",
    "shi",
    "uygur",
    "uyghur",
    "weiwuer",
    "zhuangzu",
    "zhuang",
    "huizu",
    "hui",
    "china",
)
_STRIP_RE = re.compile(r"[\s\-_'’`.,()（）·]+")


def _strip_tones(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize_name(value: str) -> str:
    """Fold a place name to the key used for matching.

    Lower-cases, removes tone marks, spaces, punctuation and generic suffixes such as
    "省", "自治区", "Province" or "Autonomous Region".

    Parameters
    ----------
    value : str
        Any spelling of a place name.

    Returns
    -------
    str
        The folded key; empty when nothing but generic words remain.

    Examples
    --------
    >>> normalize_name("Nèi Měnggǔ Zìzhìqū")
    'neimenggu'
    """
    key = _STRIP_RE.sub("", _strip_tones(unicodedata.normalize("NFKC", value)).lower())
    changed = True
    while changed and key:
        changed = False
        for suffix in _SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[: -len(suffix)]
                changed = True
    return key


@functools.cache
def _province_index() -> dict[str, int]:
    index: dict[str, int] = {}
    for p in PROVINCES:
        spellings = (p.name_zh, p.name_zh_short, p.name_en, p.pinyin, *p.aliases)
        for spelling in spellings:
            index[normalize_name(spelling)] = p.adcode
            index[spelling.casefold()] = p.adcode
    # Without tone marks 山西 and 陕西 are both "Shanxi"; by convention the bare form is 山西
    # and 陕西 is "Shaanxi". Tone-marked input is matched before tones are dropped.
    index["shanxi"] = 140000
    for p in PROVINCES:
        index[_STRIP_RE.sub("", unicodedata.normalize("NFC", p.pinyin).lower())] = p.adcode
    return index


def _adcode_from_number(value: object) -> int | None:
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not text.isdigit():
        return None
    if len(text) == 2:
        text += "0000"
    if len(text) == 6:
        code = int(text[:2]) * 10000
        return code if code in _BY_ADCODE else None
    return None


def try_resolve_province(value: object) -> int | None:
    """Resolve a province spelling to its adcode, or return None.

    Parameters
    ----------
    value : object
        A name (any spelling) or an adcode (int or str). A county-level adcode resolves to
        the province that contains it.

    Returns
    -------
    int or None
        The six-digit province adcode, or None when the value is not recognised.

    Examples
    --------
    >>> try_resolve_province("Neimenggu")
    150000
    >>> try_resolve_province("Atlantis") is None
    True
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, int | float):
        return _adcode_from_number(value)
    text = str(value).strip()
    if not text:
        return None
    code = _adcode_from_number(text)
    if code is not None:
        return code
    index = _province_index()
    exact = _STRIP_RE.sub("", unicodedata.normalize("NFC", text).lower())
    if exact in index:
        return index[exact]
    return index.get(normalize_name(text))


def resolve_province(value: object) -> int:
    """Resolve a province spelling to its six-digit adcode.

    Parameters
    ----------
    value : object
        内蒙古, 内蒙古自治区, Inner Mongolia, Nei Menggu, Nèi Měnggǔ, 150000, "15" ...

    Returns
    -------
    int
        The province adcode, e.g. 150000.

    Raises
    ------
    NameNotFoundError
        When the value matches no province; the message lists the closest spellings.

    Examples
    --------
    >>> resolve_province("Xinjiang Uygur Autonomous Region")
    650000
    """
    code = try_resolve_province(value)
    if code is None:
        raise NameNotFoundError(
            f"Unknown province {value!r}. Closest known spellings: "
            f"{', '.join(suggest_provinces(value)) or 'none'}. Use a Chinese name (山东/山东省), "
            "English (Shandong), pinyin (Shandong Sheng) or an adcode (370000)."
        )
    return code


def _cutoff(key: str) -> float:
    """Similarity a spelling needs to be suggested: a typo, not a chance overlap of letters.

    Short Chinese keys differ by one character out of two or three (内蒙 → 内蒙古, 0.8);
    Latin keys by a letter or two (Shandon, Sichuang, Tibbet: 0.9 and above), while an
    unrelated word shares only scattered letters (Atlantis/Shaanxi: 0.53).
    """
    is_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in key)
    return 0.6 if is_cjk else 0.75


def suggest_provinces(value: object, *, n: int = 5) -> list[str]:
    """Return the province spellings closest to ``value``, best first.

    Parameters
    ----------
    value : object
        The unresolved input.
    n : int, default 5
        How many suggestions at most.

    Returns
    -------
    list of str
        Display spellings such as ``"Inner Mongolia (内蒙古自治区)"``.
    """
    key = normalize_name(str(value))
    index = _province_index()
    matches = difflib.get_close_matches(key, list(index), n=n * 3, cutoff=_cutoff(key))
    seen: list[str] = []
    for match in matches:
        p = _BY_ADCODE[index[match]]
        label = f"{p.name_en} ({p.name_zh})"
        if label not in seen:
            seen.append(label)
    return seen[:n]


def province_name(adcode: int, *, lang: str = "zh") -> str:
    """Return the official name of a province in Chinese (``"zh"``) or English (``"en"``).

    Parameters
    ----------
    adcode : int
        A province adcode (or any spelling accepted by :func:`resolve_province`).
    lang : {"zh", "en"}, default "zh"
        The language of the name.

    Returns
    -------
    str
        For example ``"山东省"`` or ``"Shandong"``.

    Raises
    ------
    NameNotFoundError
        When ``adcode`` is not a province.
    """
    p = _BY_ADCODE[resolve_province(adcode)]
    check_lang(lang)
    return p.name_zh if lang == "zh" else p.name_en


def resolve_county(value: object, *, province: object | None = None) -> int:
    """Resolve a county-level name or adcode to its six-digit adcode.

    Parameters
    ----------
    value : object
        A county-level unit's Chinese name (莱州市, or without its suffix: 莱州), its English
        name (Laizhou) or its adcode.
    province : object, optional
        Any spelling of the province, to decide between namesakes (there are several 城关区).

    Returns
    -------
    int
        The county adcode.

    Raises
    ------
    NameNotFoundError
        When no county matches, or several do and ``province`` does not decide.

    Examples
    --------
    >>> resolve_county("莱州市")
    370683
    """
    table = county_names()
    if province is not None:
        table = table[table["province_adcode"] == resolve_province(province)]
    text = str(value).strip()
    if text.isdigit() and len(text) == 6:
        hits = table[table["adcode"] == int(text)]
    else:
        key = normalize_name(text)
        hits = table[
            (table["name_zh"] == text)
            | (table["name_zh_short"] == text)
            | (table["key_zh"] == key)
            | (table["key_en"] == key)
        ]
    codes = sorted(set(hits["adcode"]))
    if len(codes) == 1:
        return int(codes[0])
    where = f" in province {province!r}" if province is not None else ""
    if not codes:
        close = difflib.get_close_matches(text, list(table["name_zh"]), n=5, cutoff=0.4)
        raise NameNotFoundError(
            f"Unknown county-level unit {value!r}{where}. Closest names: "
            f"{', '.join(close) or 'none'}. Use the official Chinese name or the adcode."
        )
    options = _describe(hits)
    raise NameNotFoundError(
        f"County-level name {value!r}{where} is ambiguous: {options}. "
        "Pass province=... or the six-digit adcode."
    )


def _describe(frame: pd.DataFrame) -> str:
    return "; ".join(
        f"{r.name_zh} ({r.province_zh}, {r.adcode})" for r in frame.itertuples(index=False)
    )


@functools.cache
def _county_table() -> pd.DataFrame:
    columns = ["adcode", "name_zh", "name_zh_short", "name_en", "province_zh", "province_adcode"]
    import pandas as pd

    table = read_packaged(
        lambda path: pd.read_parquet(path, columns=columns), "boundaries", "counties.parquet"
    )
    table["key_zh"] = table["name_zh"].map(normalize_name)
    table["key_en"] = table["name_en"].map(_english_key)
    return table


_COUNTY_WORDS = ("autonomous", "county", "city", "district", "banner", "administrative")


def _english_key(name_en: str) -> str:
    words = [w for w in name_en.split() if w.lower() not in _COUNTY_WORDS]
    return normalize_name(" ".join(words))


def county_names() -> pd.DataFrame:
    """Return the county-level units' names and adcodes, without geometry.

    Returns
    -------
    pandas.DataFrame
        Columns ``adcode``, ``name_zh``, ``name_zh_short``, ``name_en``, ``province_zh``,
        ``province_adcode`` and the matching keys ``key_zh``, ``key_en``.
    """
    return _county_table().copy()
