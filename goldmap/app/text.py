"""Escape data text for Streamlit Markdown; the interface strings are in :mod:`goldmap.text`."""

from __future__ import annotations

import re

from goldmap import errors
from goldmap.app.memory import WorkerError
from goldmap.text import tr

__all__ = ["error_text", "md_escape", "tr"]

# What went wrong, in Chinese, by the kind of error (most specific first); the library's own
# message, in English, follows it with the details (row numbers, names, the fix).
_ERROR_HEADLINES_ZH: tuple[tuple[type[Exception], str], ...] = (
    (errors.CorrectionError, "更正文件有问题，未应用任何更正。"),
    (errors.DuplicateProvinceError, "有多行指向同一省份；请在下方选择处理方式。"),
    (errors.InputFileError, "无法读取该文件。"),
    (errors.ColumnNotFoundError, "找不到所需的列。"),
    (errors.StatisticNotFoundError, "找不到该统计项。"),
    (errors.NameNotFoundError, "无法识别该名称。"),
    (errors.OutsideChinaError, "要素位于中国境外。"),
    (errors.ExportError, "无法导出为该格式。"),
    (errors.OptionError, "选项无效。"),
    (WorkerError, "后台处理意外中止，未作任何更改；请重试，或改用较小的文件。"),
    (errors.GoldmapError, "无法完成此操作。"),
)

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def error_text(error: Exception | str, lang: str) -> str:
    """Return an error as the app shows it: in 中文 a Chinese headline above the details."""
    message = str(error)
    if lang != "zh" or isinstance(error, str) or _is_chinese(message):
        return message
    headline = next((h for kind, h in _ERROR_HEADLINES_ZH if isinstance(error, kind)), "出错了。")
    return f"{headline}\n\n详细信息（英文）：{message}"


def _is_chinese(message: str) -> bool:
    """Tell a message the app already wrote in Chinese (no English words in it)."""
    return bool(re.search("[\u4e00-\u9fff]", message)) and not re.search("[A-Za-z]{4,}", message)


def md_escape(text: object) -> str:
    """Escape Markdown so that data text is shown as it is written, never as markup or links."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))
