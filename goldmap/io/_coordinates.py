"""Read a coordinate cell the way notices and field sheets write it: decimal or DMS.

Environmental-impact and licence notices publish coordinates in degrees, minutes and seconds
(``120°30′15″E``, ``东经120°30′15″``, ``120度30分15秒``, ``120°30'15"``); field sheets mix
them with decimal columns. :func:`parse_coordinate` reads one cell, and refuses, naming what is
wrong, a cell that could be read two ways (minutes or seconds of 60 or more, a hemisphere that
belongs to the other axis, a sign and a hemisphere together, bare numbers separated by spaces).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

__all__ = ["CoordinateError", "parse_coordinate", "parse_coordinates"]

_HEMISPHERES = {
    "E": ("lon", 1), "W": ("lon", -1), "N": ("lat", 1), "S": ("lat", -1),
    "东经": ("lon", 1), "東經": ("lon", 1), "西经": ("lon", -1), "西經": ("lon", -1),
    "北纬": ("lat", 1), "北緯": ("lat", 1), "南纬": ("lat", -1), "南緯": ("lat", -1),
}  # fmt: skip
_DEGREE = "°º˚度"
_MINUTE = "′'’‘分"
_SECOND = '″"”“秒'
_NUMBER = r"(\d+(?:[.,]\d+)?)"
_DMS = re.compile(
    rf"^{_NUMBER}\s*[{_DEGREE}]\s*(?:{_NUMBER}\s*[{_MINUTE}]\s*)?(?:{_NUMBER}\s*(?:[{_SECOND}]|''))?$"
)
_WORDS = "东经|東經|西经|西經|北纬|北緯|南纬|南緯|[EWNS]"
# A hemisphere letter stands alone ("N 37°", "37°N"), never the first letter of a word.
_HEMISPHERE = re.compile(rf"^({_WORDS})(?![A-Za-z])\s*|\s*(?<![A-Za-z])({_WORDS})$", re.IGNORECASE)


class CoordinateError(ValueError):
    """A coordinate cell that cannot be read, or could be read two ways; says why."""


def _hemisphere(text: str) -> tuple[str, str | None, int]:
    """Split off a leading or trailing hemisphere word; return the rest, its axis and sign."""
    match = _HEMISPHERE.search(text)
    if not match:
        return text, None, 1
    word = (match.group(1) or match.group(2)).upper()
    rest = (text[: match.start()] + text[match.end() :]).strip()
    if _HEMISPHERE.search(rest):
        raise CoordinateError("two hemisphere marks")
    axis, sign = _HEMISPHERES[word if word in _HEMISPHERES else word.lower()]
    return rest, axis, sign


def parse_coordinate(value: object, axis: str) -> float:
    """Return one coordinate cell in decimal degrees.

    Parameters
    ----------
    value : object
        A number, or text: decimal (``"120.35"``) or degrees-minutes-seconds with ° ′ ″ or
        ' " marks (or 度分秒), optionally with a hemisphere (E/W/N/S, 东经/西经/北纬/南纬) before
        or after it.
    axis : {"lon", "lat"}
        The axis of the column, which a hemisphere must agree with.

    Returns
    -------
    float
        Decimal degrees (negative west and south).

    Raises
    ------
    CoordinateError
        When the cell is empty, not a coordinate, or ambiguous; the message says why.

    Examples
    --------
    >>> parse_coordinate("东经120°30′15″", "lon")
    120.50416666666666
    >>> parse_coordinate("37°12'N", "lat")
    37.2
    """
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
        number = float(value)
        if not np.isfinite(number):
            raise CoordinateError("not a finite number")
        return number
    text = str(value).strip() if value is not None else ""
    if not text:
        raise CoordinateError("empty")
    rest, hemisphere_axis, sign = _hemisphere(text)
    if hemisphere_axis is not None and hemisphere_axis != axis:
        raise CoordinateError(f"a {'latitude' if axis == 'lat' else 'longitude'} column holds "
                              f"a {'longitude' if axis == 'lat' else 'latitude'} mark")  # fmt: skip
    if hemisphere_axis is not None and rest[:1] in "+-":
        raise CoordinateError("both a sign and a hemisphere")
    try:
        return sign * float(rest.replace(",", "."))
    except ValueError:
        pass
    negative = rest.startswith("-")
    match = _DMS.match(rest.lstrip("+-").strip())
    if not match:
        if re.fullmatch(r"\d+(?:\.\d+)?(?:\s+\d+(?:\.\d+)?){1,2}", rest):
            raise CoordinateError("numbers without ° ′ ″ marks: degrees and minutes cannot be told")
        raise CoordinateError("non-numeric: not a decimal or degrees-minutes-seconds coordinate")
    degrees, minutes, seconds = (float((g or "0").replace(",", ".")) for g in match.groups())
    if minutes >= 60 or seconds >= 60:
        raise CoordinateError("minutes or seconds of 60 or more")
    decimal = degrees + minutes / 60 + seconds / 3600
    return (-1 if negative else 1) * sign * decimal


def parse_coordinates(values: Iterable[object], axis: str) -> tuple[np.ndarray, dict[int, str]]:
    """Parse a column; return the decimal degrees (NaN where refused) and each refusal's reason.

    Numbers pass through as they are; only text cells are parsed.
    """
    out: list[float] = []
    refused: dict[int, str] = {}
    for row, value in enumerate(values):
        try:
            out.append(parse_coordinate(value, axis))
        except CoordinateError as err:
            out.append(np.nan)
            refused[row] = str(err)
    return np.asarray(out, dtype=float), refused
