"""Find a CJK font for matplotlib (a packaged one first, then the system's) and set it."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from importlib import resources
from typing import TYPE_CHECKING, Any

from goldmap.errors import MissingDependencyError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CJK_FAMILIES",
    "FALLBACK_FAMILY",
    "FONT_PACKAGES",
    "cjk_family",
    "font_context",
    "font_family",
    "font_family_of",
    "has_cff_outlines",
]

#: CJK fonts shipped as Python packages, best first: (package, font file inside it).
FONT_PACKAGES: tuple[tuple[str, str], ...] = (("noto_cjk_sans_otc", "NotoSansCJK-Regular.ttc"),)

#: CJK font families a system may have, best first.
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
)

#: The font of English figures when no CJK font is found; matplotlib ships it.
FALLBACK_FAMILY = "DejaVu Sans"


@functools.cache
def cjk_family() -> str | None:
    """Return the name of a CJK font family matplotlib can use, registering a packaged one."""
    from matplotlib import font_manager

    for package, filename in FONT_PACKAGES:
        try:
            path = resources.files(package).joinpath(filename)
        except ModuleNotFoundError:
            continue
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
    available = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FAMILIES if name in available), None)


def font_family(lang: str) -> str:
    """Return the font family of a figure in ``lang``.

    Raises
    ------
    MissingDependencyError
        When ``lang`` is "zh" and no CJK font is found; the message says what to install.
    """
    family = cjk_family()
    if family is not None:
        return family
    if lang == "zh":
        raise MissingDependencyError(
            "No CJK font found to set Chinese text (tried the Python package "
            f"{', '.join(p for p, _ in FONT_PACKAGES)} and the system fonts "
            f'{", ".join(CJK_FAMILIES)}). Install one: pip install "goldmap[figure]" '
            "(noto-cjk-sans-otc), or on Debian/Ubuntu apt-get install fonts-noto-cjk; "
            'or draw the figure with lang="en".'
        )
    return FALLBACK_FAMILY


def font_family_of(fig: Figure) -> str:
    """Return the font family a figure's text was set in."""
    for text in fig.texts:
        families = text.get_fontfamily()
        if families:
            return str(families[0])
    return FALLBACK_FAMILY


@contextlib.contextmanager
def font_context(family: str) -> Iterator[None]:
    """Set matplotlib's font and PDF/SVG font embedding while a figure is built or saved."""
    import matplotlib

    with matplotlib.rc_context(_rc_params(family)):  # type: ignore[arg-type]
        yield


@functools.cache
def has_cff_outlines(family: str) -> bool:
    """Tell whether ``family``'s font file draws its glyphs as CFF (PostScript) outlines.

    Noto Sans CJK and Source Han Sans are OpenType/CFF fonts; DejaVu Sans and WenQuanYi are
    TrueType (``glyf``) fonts.
    """
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager

    path = font_manager.findfont(font_manager.FontProperties(family=family))
    index = getattr(font_manager.get_font(path), "face_index", 0)
    with TTFont(path, fontNumber=index, lazy=True) as font:
        return "CFF " in font or "CFF2" in font


def _pdf_fonttype(family: str) -> int:
    # matplotlib's Type 42 embedding writes the font file into the PDF's TrueType slot
    # (FontFile2), which is wrong for a CFF font (readers warn of a mismatch). A CFF font is
    # embedded as Type 3 instead: its glyphs as drawing procedures, with a ToUnicode map so
    # that the text stays searchable and selectable.
    return 3 if has_cff_outlines(family) else 42


def _rc_params(family: str) -> dict[str, Any]:
    return {
        "font.family": [family, FALLBACK_FAMILY],
        "axes.unicode_minus": False,
        # embed the font, so that text stays text (searchable, selectable)
        "pdf.fonttype": _pdf_fonttype(family),
        "svg.fonttype": "path",
        "legend.fontsize": 7.5,
    }
