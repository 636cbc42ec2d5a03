"""The app's session: one typed object over ``st.session_state``, the only module that touches it.

:class:`Session` names every value a browser session keeps (the language, the layers and
filters, the focus and view, the uploads and what was made of them, the kept renders) as a
typed attribute; the views take plain values from it and write their choices back through
it. The session's layers come from :meth:`Session.layer`: the key mines with the user's
corrections (applied once per upload, through ``goldmap.load``), every other layer as
packaged.

Widgets are drawn per language and write back to language-independent names (:func:`bound`),
so a language switch never loses a choice; the URL is read once per session
(:func:`init_state`) and written after each run (:func:`sync_query_params`).

What is heavy — an upload's located answer and the map page and table drawn from it — is not
kept in ``st.session_state`` but in the session's entry of :mod:`goldmap.app.sessions`
(:class:`_Kept` attributes), which is freed when the tab closes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

import geopandas as gpd
import streamlit as st

from goldmap._mines_digest import mines_digest
from goldmap.app import data
from goldmap.app._jobs import LocatedUpload
from goldmap.app.guard import unexpected
from goldmap.app.memory import WorkerError
from goldmap.app.sessions import kept, session_id
from goldmap.app.text import tr
from goldmap.errors import DuplicateProvinceError, GoldmapError, InputFileError
from goldmap.io import MAX_UPLOAD_MB  # the library's cap, the uploader's too (config.toml)
from goldmap.maps import BASEMAPS, DEFAULT_LAYERS, MAP_LAYERS, filter_layer

__all__ = [
    "MAX_UPLOAD_MB",
    "Session",
    "bound",
    "current_filters",
    "current_lang",
    "current_layer",
    "init_state",
    "process_uploads",
    "selected_rows",
    "session",
    "sync_query_params",
    "upload_digest",
    "visible_layer",
    "widget_key",
]

T = TypeVar("T")


class _Key(Generic[T]):
    """A typed attribute of :class:`Session`, kept in ``st.session_state`` under its name."""

    def __init__(self, default: T, *, key: str | None = None) -> None:
        self.default = default
        self.key = key or ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = self.key or name

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> _Key[T]: ...
    @overload
    def __get__(self, obj: Session, objtype: type | None = None) -> T: ...
    def __get__(self, obj: Session | None, objtype: type | None = None) -> T | _Key[T]:
        if obj is None:
            return self
        value: T = st.session_state.get(self.key, self.default)
        return value

    def __set__(self, obj: Session, value: T) -> None:
        st.session_state[self.key] = value


class _Kept(Generic[T]):
    """A heavy attribute of :class:`Session`, kept in the session's registry entry."""

    def __init__(self, default: T) -> None:
        self.default = default
        self.key = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = name

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> _Kept[T]: ...
    @overload
    def __get__(self, obj: Session, objtype: type | None = None) -> T: ...
    def __get__(self, obj: Session | None, objtype: type | None = None) -> T | _Kept[T]:
        if obj is None:
            return self
        value: T = kept().values.get(self.key, self.default)
        return value

    def __set__(self, obj: Session, value: T) -> None:
        kept().values[self.key] = value
        st.session_state.setdefault("_kept_in", session_id())  # where (for tests and logs)


class Session:
    """What one browser session has chosen, uploaded and kept, as typed attributes.

    Every attribute reads and writes ``st.session_state`` under its own name, so widgets
    bound to those names (:func:`bound`) and the views see one state. Unset values read as
    their defaults.
    """

    # The view: language, layers, filters, statistic, basemap.
    lang = _Key("zh")
    layers = _Key[list[str]]([])
    provinces = _Key[list[int]]([])
    commodities = _Key[list[str]]([])
    stat = _Key("")
    stat_wanted = _Key[str | None](None)  # a link's uploaded statistic, until the upload
    company = _Key("")  # a company's ticker or name: its key mines only ("" all)
    color_by = _Key("")  # the key mines' colours: "" gold, "status" or "owner"
    basemap = _Key("none")
    tianditu_key = _Key("")  # kept in the session only, never in the URL
    # What the user looks at: the selected feature, a link's focus still to apply, the
    # focus the map was last asked for (goldmap.app.focus) and the provinces it was fitted to.
    selected = _Key[tuple[Any, Any] | None](None)
    focus = _Key[tuple[Any, Any] | None](None)
    map_focus = _Key[dict[str, Any] | None](None)
    fitted_provinces = _Key[tuple[int, ...] | None](None, key="_fitted_provinces")
    last_click = _Key[tuple[Any, Any] | None](None, key="_last_click")
    zoomed_upload = _Key[tuple[str, int] | None](None, key="_zoomed_upload")
    # Uploads (the uploader widgets' values) and what was made of them.
    stats_upload = _Key[Any](None)
    features_upload = _Key[Any](None)
    corrections_upload = _Key[Any](None)
    on_duplicate = _Key("error")
    stats_duplicates = _Key(False)
    user_stats = _Key[gpd.GeoDataFrame | None](None)
    user_stats_error = _Key[GoldmapError | None](None)
    user_upload = _Kept[LocatedUpload | None](None)  # what the page shows of the located upload
    user_features_memo = _Kept[Any](None)
    user_features_error = _Key[GoldmapError | None](None)
    user_corrections = _Key[gpd.GeoDataFrame | None](None)
    user_corrections_error = _Key[GoldmapError | None](None)
    # Renders kept between reruns, each with what it was made from.
    map_page = _Kept[Any](None)
    located_table = _Kept[Any](None)
    figure_file = _Key[tuple[str, bytes, str] | None](None)
    initialised = _Key(False, key="_initialised")

    @property
    def user_features(self) -> gpd.GeoDataFrame | None:
        """The located features the map draws (all of them, or a sample of a large file)."""
        upload = self.user_upload
        return None if upload is None else upload.drawn

    def layer(self, name: str) -> gpd.GeoDataFrame:
        """Return layer ``name`` as this session sees it (the key mines with its corrections)."""
        corrected = self.user_corrections if name == "key_mines" else None
        return data.layer(name) if corrected is None else corrected

    def has_own(self, name: str) -> bool:
        """Whether layer ``name`` differs from the packaged one in this session."""
        return name == "key_mines" and self.user_corrections is not None

    def filters(self) -> tuple[tuple[int, ...] | None, tuple[str, ...] | None]:
        """Return the province and commodity filters, None where nothing is chosen."""
        return tuple(self.provinces) or None, tuple(self.commodities) or None

    def company_filter(self) -> str | None:
        """Return the company whose key mines alone are shown, None for every mine."""
        return self.company or None

    def visible(self, name: str) -> gpd.GeoDataFrame:
        """Return the features of layer ``name`` (as :meth:`layer`) that the filters keep."""
        provinces, commodities = self.filters()
        company = self.company_filter() if name == "key_mines" else None
        if self.has_own(name):
            return filter_layer(
                self.layer(name), provinces=provinces, commodities=commodities, company=company
            )
        return data.visible(name, provinces, commodities, company)

    def default(self, name: str, value: Any) -> None:
        """Give the widget state ``name`` its first value (a widget's own key, e.g. a format)."""
        st.session_state.setdefault(name, value)

    def memo(self, name: str) -> Any:
        """Return what :meth:`remember` kept under ``name`` (None when nothing)."""
        if name == "user_features":
            return self.user_features_memo
        return st.session_state.get(f"_{name}_memo")

    def remember(self, name: str, value: Any) -> None:
        """Keep ``value`` under ``name`` for the session's later runs (heavy ones: kept)."""
        if name == "user_features":
            self.user_features_memo = value
        else:
            st.session_state[f"_{name}_memo"] = value


def session() -> Session:
    """Return the session of the run in progress."""
    return Session()


def current_lang() -> str:
    """Return the language the page is drawn in, ``zh`` or ``en``."""
    return session().lang


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def init_state() -> None:
    """Fill the session from the URL query string, once per session."""
    s = session()
    if s.initialised:
        return
    params = st.query_params
    lang = params.get("lang", "zh")
    s.lang = lang if lang in ("zh", "en") else "zh"
    layers = _split(params["layers"]) if "layers" in params else list(DEFAULT_LAYERS)
    s.layers = [v for v in layers if v in MAP_LAYERS]
    known = set(data.province_options()["adcode"])
    # A link to some provinces opens on them (goldmap.app.focus.follow_provinces).
    s.provinces = [int(v) for v in _split(params.get("prov")) if v.isdigit() and int(v) in known]
    commodities = set(data.commodity_options())
    s.commodities = [v for v in _split(params.get("com")) if v in commodities]
    s.stat = params.get("stat", "")
    s.company = params.get("company", "")  # checked against the companies by the sidebar
    color = params.get("color", "")
    s.color_by = color if color in ("status", "owner") else ""
    basemap = params.get("basemap", "none")
    s.basemap = basemap if basemap in BASEMAPS else "none"
    layer, colon, key = params.get("focus", "").partition(":")
    s.selected = s.focus = (layer, key) if colon else None
    s.initialised = True


def _linked_stat(stat: str, user_stats: gpd.GeoDataFrame | None) -> str:
    """Return the statistic as a link carries it: an uploaded column by number, never by name.

    The URL holds goldmap's own values only; a column's name is the user's text.
    """
    kind, _, column = stat.partition(":")
    if kind != "upload":
        return stat
    uploaded = [k for k in data.stat_options(user_stats, "en") if k.startswith("upload:")]
    if stat in uploaded:
        return f"upload:{uploaded.index(stat) + 1}"
    return stat if column.isdigit() else ""  # a link's number, until the table is uploaded


def sync_query_params() -> None:
    """Write the current view into the URL, so that a link reopens it."""
    s = session()
    view = {
        "lang": s.lang,
        "layers": ",".join(s.layers),
        "prov": ",".join(map(str, s.provinces)),
        "com": ",".join(s.commodities),
        "stat": _linked_stat(s.stat or s.stat_wanted or "", s.user_stats),
        "company": s.company,  # a name from goldmap.companies(), never the user's text
        "color": s.color_by,
        "basemap": s.basemap,
    }
    if s.selected:
        view["focus"] = ":".join(map(str, s.selected))
    view = {k: v for k, v in view.items() if v or k == "layers"}
    if dict(st.query_params) != view:
        st.query_params.from_dict(view)


def _read_upload(upload: Any) -> tuple[bytes, str] | None:
    if upload is None:
        return None
    size_mb = upload.size / 1_000_000
    if size_mb > MAX_UPLOAD_MB:
        raise InputFileError(
            tr("too_big", current_lang()).format(size=size_mb, limit=MAX_UPLOAD_MB)
        )
    return upload.getvalue(), str(upload.name)


def process_uploads() -> None:
    """Read the uploads (before the sidebar, whose statistic list depends on them).

    The corrections come first: the session's key mines are those they give, and the
    uploaded features are located against exactly those mines.
    """
    s = session()
    s.stats_duplicates = False
    rule, lang = s.on_duplicate, s.lang
    s.user_corrections, s.user_corrections_error = _read_one(
        s, "user_corrections", s.corrections_upload, (), data.corrected_mines
    )
    s.user_stats, s.user_stats_error = _read_one(
        s, "user_stats", s.stats_upload, (rule,), lambda d, n: data.joined_upload(d, n, rule)
    )
    mines = s.user_corrections
    digest = "" if mines is None else mines_digest(mines)
    # Located once per file and mines; another language only relabels it.
    located, s.user_features_error = _read_one(
        s,
        "user_features",
        s.features_upload,
        (digest,),
        lambda d, n: _located(d, n, lang, mines),
    )
    s.user_upload = None if located is None else located.in_language(lang)


def _located(content: bytes, name: str, lang: str, mines: gpd.GeoDataFrame | None) -> Any:
    """Locate an upload in the session's folder; a heavy one waits its turn, saying so."""
    box: list[Any] = []

    def queued(ahead: int) -> None:
        if not box:
            box.append(st.empty())
        box[0].info(tr("upload_queued", lang).format(n=ahead))

    try:
        return data.located_upload(content, name, lang, mines, folder=kept().folder, on_wait=queued)
    finally:
        if box:
            box[0].empty()


def _read_one(
    s: Session,
    target: str,
    upload: Any,
    options: tuple[str, ...],
    work: Callable[[bytes, str], Any],
) -> tuple[Any, GoldmapError | None]:
    """Return what ``work`` makes of ``upload`` (once per file and options), or its error."""
    try:
        read = _read_upload(upload)
        if read is None:
            return None, None
        return _once_per_upload(s, target, read, options, work), None
    except DuplicateProvinceError as err:
        s.stats_duplicates = True
        return None, err
    except GoldmapError as err:
        return None, err
    except Exception as err:  # goldmap's fault: a reference to report, the uploader stays
        return None, unexpected(err)


def _once_per_upload(
    s: Session,
    target: str,
    upload: tuple[bytes, str],
    options: tuple[str, ...],
    work: Callable[[bytes, str], Any],
) -> Any:
    """Return ``work(*upload)``, computed once per file and options in this session.

    Kept in the session, not in a server-wide cache: a 10⁵-row result lives as long as the
    session that uploaded it (a located upload in its registry entry, freed when the tab
    closes), and the server's memory goes back down when it ends.
    """
    content, name = upload
    key = (upload_digest(content), name, options)
    memo = s.memo(target)
    if memo is not None and memo[0] == key:
        if isinstance(memo[1], GoldmapError):
            raise memo[1]
        return memo[1]
    try:
        result = work(content, name)
    except WorkerError:
        raise  # the worker died (memory, a kill): the same file may be tried again
    except GoldmapError as err:
        s.remember(target, (key, err))  # the file's own fault: the same answer next time
        raise
    s.remember(target, (key, result))
    return result


def selected_rows(key: str) -> list[int]:
    """Return the rows chosen in the table (``st.dataframe``) whose key is ``key``."""
    state = st.session_state.get(key)
    return [int(r) for r in state.selection.rows] if state is not None else []


def widget_key(name: str, lang: str) -> str:
    """Return the key of the ``name`` widget drawn in ``lang`` (one widget per language)."""
    return f"{name}_{lang}"


def _keep(name: str, key: str) -> None:
    st.session_state[name] = st.session_state[key]


def bound(widget: Callable[..., Any], name: str, *args: Any, **kwargs: Any) -> Any:
    """Draw ``widget`` bound to the session's value ``name``, which survives language switches.

    A widget's identity includes its label, so the same widget in the other language is a
    new widget to Streamlit and the browser, and would come back empty. Each language gets
    its own widget key, seeded from the value kept under ``name`` and writing back to it.
    """
    key = widget_key(name, current_lang())
    attribute = vars(Session).get(name)
    st.session_state.setdefault(name, attribute.default if isinstance(attribute, _Key) else None)
    st.session_state[key] = st.session_state[name]
    return widget(*args, key=key, on_change=_keep, args=(name, key), **kwargs)


def current_layer(name: str) -> gpd.GeoDataFrame:
    """Return layer ``name`` as this session sees it: :meth:`Session.layer`."""
    return session().layer(name)


def visible_layer(name: str) -> gpd.GeoDataFrame:
    """Return the features of layer ``name`` the filters keep: :meth:`Session.visible`."""
    return session().visible(name)


def current_filters() -> tuple[tuple[int, ...] | None, tuple[str, ...] | None]:
    """Return the province and commodity filters: :meth:`Session.filters`."""
    return session().filters()


def upload_digest(content: bytes) -> str:
    """Return a short digest of an upload (for logs and cache keys)."""
    return hashlib.sha256(content).hexdigest()[:12]
