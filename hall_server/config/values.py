"""Value types shared by the hall configuration models.

Each type turns what TOML gives (a string, an integer, a local time) into one
Python value, or fails with a bilingual error (``hall_value``) that
:mod:`hall_server.config.errors` renders as ``key path: 中文 / English``.
"""
from __future__ import annotations

import re
from datetime import time, timedelta, timezone
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")
_OFFSET = re.compile(r"^([+-])(0\d|1[0-4]):([0-5]\d)$")


def invalid(message_zh: str, message_en: str) -> PydanticCustomError:
    """A validation error carrying both languages (rendered by ``errors.py``)."""
    return PydanticCustomError("hall_value", "{en}", {"zh": message_zh, "en": message_en})


def _type_name(value: Any) -> str:
    return type(value).__name__


def parse_clock(value: Any) -> time:
    """``"08:30"``, ``"08:30:00"`` or a TOML local time → :class:`datetime.time`."""
    if isinstance(value, time) and value.tzinfo is None:
        return value
    if isinstance(value, str):
        match = _CLOCK.match(value.strip())
        if match:
            hour, minute, second = match.groups()
            return time(int(hour), int(minute), int(second or 0))
    raise invalid(
        f"应为 24 小时制时间 \"HH:MM\"（如 \"08:30\"），实际为 {_type_name(value)} {value!r:.40}",
        f"expected a 24-hour time \"HH:MM\" (e.g. \"08:30\"), got {_type_name(value)} {value!r:.40}",
    )


def parse_utc_offset(value: Any) -> str:
    """``"+08:00"`` style UTC offsets; kept as text, see :func:`offset_timezone`."""
    if isinstance(value, str) and _OFFSET.match(value):
        return value
    raise invalid(
        f"应为 UTC 偏移 \"+HH:MM\"（如中国标准时间 \"+08:00\"），实际为 {value!r:.40}",
        f"expected a UTC offset \"+HH:MM\" (China Standard Time is \"+08:00\"), got {value!r:.40}",
    )


def offset_timezone(offset: str) -> timezone:
    """``"+08:00"`` → ``timezone(timedelta(hours=8))``."""
    sign, hours, minutes = _OFFSET.match(offset).groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    return timezone(-delta if sign == "-" else delta)


def required_text(value: Any) -> Any:
    """Reject the empty default of a key that has no sensible default (a code, a name)."""
    if isinstance(value, str) and not value.strip():
        raise invalid("必须填写，不能为空", "must be given and must not be empty")
    return value


def code_text(value: Any) -> Any:
    """Codes travel in URLs, events and reports: letters, digits, ``-`` and ``_`` only."""
    value = required_text(value)
    if isinstance(value, str) and not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", value):
        raise invalid(
            f"编码只能包含字母、数字、“-”和“_”，最长 40 个字符，实际为 {value!r:.40}",
            f"a code may hold only letters, digits, '-' and '_', at most 40 characters; got {value!r:.40}",
        )
    return value


def path_text(value: Any) -> Any:
    """A file or directory name: control characters (a NUL above all) are never meant."""
    value = required_text(value)
    if isinstance(value, str) and any(ord(char) < 0x20 or char == "\x7f" for char in value):
        raise invalid("路径中不能含控制字符", "a path must not contain control characters")
    return value


def prefix_letter(value: Any) -> Any:
    """The ticket prefix: one uppercase Latin letter, as called out by the voice (A023)."""
    if isinstance(value, str) and not re.fullmatch(r"[A-Z]", value):
        raise invalid(
            f"号票前缀应为一个大写英文字母（A–Z），实际为 {value!r:.20}",
            f"a ticket prefix is one uppercase letter A-Z; got {value!r:.20}",
        )
    return value


ClockTime = Annotated[time, BeforeValidator(parse_clock)]
UtcOffset = Annotated[str, BeforeValidator(parse_utc_offset)]
RequiredText = Annotated[str, BeforeValidator(required_text)]
Code = Annotated[str, BeforeValidator(code_text)]
Prefix = Annotated[str, BeforeValidator(prefix_letter)]
PathText = Annotated[str, BeforeValidator(path_text)]
