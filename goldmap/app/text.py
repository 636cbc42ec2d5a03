"""Show errors and data text in Streamlit; the words themselves are in :mod:`goldmap.text`."""

from __future__ import annotations

import re

from goldmap import errors
from goldmap.app.memory import WorkerError
from goldmap.text import error_reason, tr

__all__ = ["error_text", "md_escape", "tr"]

# What went wrong, by the kind of error (most specific first): a headline in the reader's
# language; the library's own message, in English, follows it with the details (row numbers,
# names, the fix).
_ERROR_HEADLINES: tuple[tuple[type[Exception], str], ...] = (
    (errors.CorrectionError, "error_corrections"),
    (errors.DuplicateProvinceError, "error_duplicate_province"),
    (errors.MissingCRSError, "error_missing_crs"),
    (errors.InputFileError, "error_input_file"),
    (errors.ColumnNotFoundError, "error_column"),
    (errors.StatisticNotFoundError, "error_statistic"),
    (errors.NameNotFoundError, "error_name"),
    (errors.OutsideChinaError, "error_outside_china"),
    (errors.ExportError, "error_export"),
    (errors.OptionError, "error_option"),
    (WorkerError, "error_worker"),
    (errors.GoldmapError, "error_goldmap"),
)

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def error_text(error: Exception | str, lang: str) -> str:
    """Return an error as the app shows it, in the reader's language.

    In English the library's own message, one line, says it all; a message the app wrote
    itself (a string, or Chinese text) is shown as it is. In Chinese the reason comes from
    the words table by the error's kind and fields (with a corrections file's rows listed
    below it); an error of a kind the table lacks gets a Chinese headline by its class,
    above the library's message.
    """
    message = str(error)
    if lang != "zh" or isinstance(error, str) or _is_chinese(message):
        return message
    reason = error_reason(error, lang)
    if reason is not None:
        rows = getattr(error, "problems", None) or []
        return "\n".join([md_escape(reason), *(f"- {md_escape(p)}" for p in rows)])
    key = next((k for kind, k in _ERROR_HEADLINES if isinstance(error, kind)), "error_other")
    return f"{tr(key, lang)}\n\n{tr('error_details', lang)}{message}"


def _is_chinese(message: str) -> bool:
    """Tell a message the app already wrote in Chinese (no English words in it)."""
    return bool(re.search("[\u4e00-\u9fff]", message)) and not re.search("[A-Za-z]{4,}", message)


def md_escape(text: object) -> str:
    """Escape Markdown so that data text is shown as it is written, never as markup or links."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))
