"""Tell the text encoding of a Shapefile's .dbf that comes without a .cpg.

A .dbf without a .cpg (older ArcGIS and MapGIS exports) is read by GDAL in the code page its
header's language-driver byte names, or as Latin-1 when that byte is 0: Chinese attributes
in GBK then arrive as mojibake, silently. :func:`dbf_encoding` reads the text fields' bytes and
says UTF-8 or GB18030 when the bytes are that and nothing else, leaves a declared code page to
GDAL, and refuses a file whose text is neither, asking for a .cpg.
"""

from __future__ import annotations

import struct

from goldmap.errors import InputFileError

__all__ = ["dbf_encoding"]

#: Language-driver ids of the Chinese code pages (GBK / code page 936).
_CHINESE_DRIVERS = {0x4D, 0x7A}


def _text_bytes(dbf: bytes) -> bytes:
    """Return the bytes of every character field of every record, joined (b"" if none)."""
    if len(dbf) < 32:
        return b""
    records, header, record_size = struct.unpack("<IHH", dbf[4:12])
    fields, offset = [], 1  # each record starts with its deletion flag
    for start in range(32, header - 1, 32):
        descriptor = dbf[start : start + 32]
        if len(descriptor) < 32 or descriptor[0] == 0x0D:
            break
        size = descriptor[16]
        if descriptor[11:12] in (b"C", b"M"):
            fields.append((offset, size))
        offset += size
    out = bytearray()
    body = dbf[header : header + records * record_size]
    for row in range(0, len(body), max(record_size, 1)):
        for field_offset, size in fields:
            out += body[row + field_offset : row + field_offset + size].rstrip(b" \x00")
            out += b"\n"
    return bytes(out)


def _mostly_chinese(text: str) -> bool:
    wide = [c for c in text if ord(c) > 0x7F]
    chinese = [c for c in wide if "\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef"]
    return len(chinese) >= 0.9 * len(wide)


def dbf_encoding(dbf: bytes, name: str) -> str | None:
    """Return the encoding to read a .dbf without a .cpg in, or None to leave it to GDAL.

    Parameters
    ----------
    dbf : bytes
        The .dbf file's content.
    name : str
        The user's file name, for the message.

    Returns
    -------
    str or None
        ``"UTF-8"`` or ``"GB18030"`` when the text fields decode as exactly that; None when
        the text is plain ASCII or the header declares a code page GDAL will use.

    Raises
    ------
    InputFileError
        When the text is neither UTF-8 nor Chinese GB18030 and the header declares no code
        page: reading it would give garbled names.
    """
    text = _text_bytes(dbf)
    if text.isascii():
        return None
    try:
        text.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "UTF-8"
    driver = dbf[29] if len(dbf) > 29 else 0
    try:
        decoded = text.decode("gb18030")
    except UnicodeDecodeError:
        decoded = ""
    if decoded and (driver in _CHINESE_DRIVERS or _mostly_chinese(decoded)):
        return "GB18030"
    if driver:
        return None  # a declared (non-Chinese) code page: GDAL reads the file in it
    raise InputFileError(
        f"{name!r}: the shapefile has no .cpg and its text is neither UTF-8 nor Chinese "
        "GBK/GB18030, so its names would come out garbled. Add a .cpg file naming its "
        "encoding (a one-line text file such as CP1252), or export it again as UTF-8.",
        kind="dbf_encoding",
        name=name,
    )
