"""Say a located answer in the other language without locating again: plan areas, shared points.

Of :func:`goldmap.locate`'s answer only three columns depend on its ``lang``: the plan areas
met (``exploration_areas``, ``development_areas``) and the other mines at the nearest mine's
point (``nearest_mine_shares_point``); codes, distances and both province names do not.
:func:`located_labels` gathers those names in both languages for a mines frame, and
:func:`relabel` rewrites an answer's three columns into a language with them, one lookup per
distinct value, so that the answer is the one ``locate`` gives in that language.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from goldmap.text import check_lang

__all__ = ["LANG_COLUMNS", "LocatedLabels", "located_labels", "relabel"]

#: The columns of a located answer that depend on the language it was asked in.
LANG_COLUMNS = ("exploration_areas", "development_areas", "nearest_mine_shares_point")
_AREA_COLUMNS = LANG_COLUMNS[:2]
_SEPARATOR = "; "  # as goldmap.locate joins names


@dataclass(frozen=True)
class LocatedLabels:
    """The names a located answer gives in one language, in both (small: areas and mines).

    Attributes
    ----------
    areas : dict
        Per language, each plan area's name (in either language) to its name in that one.
    shared : dict
        Per language, each key mine's id to the names of the other mines at its point
        ("; "-joined, as ``nearest_mine_shares_point`` gives them).
    """

    areas: dict[str, dict[str, str]]
    shared: dict[str, dict[str, str]]


def located_labels(mines: gpd.GeoDataFrame | None = None) -> LocatedLabels:
    """Return the names :func:`goldmap.locate` gives with ``mines``, in both languages.

    Parameters
    ----------
    mines : geopandas.GeoDataFrame, optional
        The key mines the answer was measured to (default: the packaged layer).

    Returns
    -------
    LocatedLabels
        For :func:`relabel`.
    """
    from goldmap._locate import plan_area_names
    from goldmap._nearest_mine import mine_index

    areas = plan_area_names()
    index = mine_index(mines)
    ids = index.mines["id"].astype(str).tolist()
    names: dict[str, dict[str, str]] = {}
    shared: dict[str, dict[str, str]] = {}
    for lang in ("zh", "en"):
        target = areas[f"name_{lang}"].astype(str).tolist()
        names[lang] = {
            **dict(zip(areas["name_zh"].astype(str), target, strict=True)),
            **dict(zip(areas["name_en"].astype(str), target, strict=True)),
        }
        words = index.shared_zh if lang == "zh" else index.shared_en
        shared[lang] = dict(zip(ids, words.astype(str).tolist(), strict=True))
    return LocatedLabels(areas=names, shared=shared)


def _by_value(values: pd.Series, say: dict[str, str] | None, areas: bool) -> pd.Series:
    """Return ``values`` with each distinct value said anew (missing values stay missing)."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    said: list[object] = []
    for value in uniques:
        text = str(value)
        if areas:  # "; "-joined names, sorted as locate sorts them
            parts = text.split(_SEPARATOR) if text else []
            said.append(_SEPARATOR.join(sorted((say or {}).get(p, p) for p in parts)))
        else:
            said.append((say or {}).get(text, np.nan))
    picked = np.asarray([*said, np.nan], dtype=object)[codes]
    return pd.Series(picked, index=values.index)


def relabel(located: gpd.GeoDataFrame, labels: LocatedLabels, lang: str) -> gpd.GeoDataFrame:
    """Return ``located`` as :func:`goldmap.locate` answers it in ``lang``.

    Parameters
    ----------
    located : geopandas.GeoDataFrame
        An answer of ``goldmap.locate`` (any of its rows), in either language.
    labels : LocatedLabels
        :func:`located_labels` of the mines it was measured to.
    lang : {"zh", "en"}
        The language to say it in.

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame (``located`` is not changed) whose :data:`LANG_COLUMNS` are in ``lang``.

    Raises
    ------
    OptionError
        When ``lang`` is not "zh" or "en".
    """
    check_lang(lang)
    out = located.copy(deep=False)
    for column in _AREA_COLUMNS:
        if column in out.columns:
            said = _by_value(out[column], labels.areas[lang], areas=True)
            out[column] = said.astype(out[column].dtype)
    if "nearest_mine_shares_point" in out.columns and "nearest_mine_id" in out.columns:
        said = _by_value(out["nearest_mine_id"], labels.shared[lang], areas=False)
        out["nearest_mine_shares_point"] = pd.Categorical(said)
    return out
