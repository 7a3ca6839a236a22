"""The kiosk layer's error root and its typed children.

Every error carries a Chinese message first and an English one. The Qt shell
translates them once (kiosk/ui/errors.py) into a friendly screen; flows in this
package turn them into :class:`kiosk.core.messages.Notice` values. No error here
ever carries an ID number or a full name (DESIGN.md "Personal data").
"""
from __future__ import annotations


class KioskError(Exception):
    """Root of all kiosk errors."""

    code = "kiosk_error"

    def __init__(self, message: str, message_en: str = "", *, code: str | None = None):
        super().__init__(message if not message_en else f"{message} / {message_en}")
        self.message = message
        self.message_en = message_en or message
        if code:
            self.code = code

    def as_dict(self) -> dict:
        """The error as plain data (code, message, message_en)."""
        return {"code": self.code, "message": self.message, "message_en": self.message_en}


class HallApiError(KioskError):
    """The hall server answered with an error body (API.md "Conventions").

    ``status`` is the HTTP status, ``code`` the machine code from the body and
    ``data`` any further fields of the ``error`` object (e.g. an appointment's
    ``slot_start`` and ``slot_end``).
    """

    code = "hall_api_error"

    def __init__(self, code: str, message: str, message_en: str = "", *,
                 status: int = 0, data: dict | None = None):
        super().__init__(message, message_en, code=code)
        self.status = status
        self.data = dict(data or {})


class HallUnreachable(KioskError):
    """The hall server could not be reached (no connection, timeout, 502/503/504)."""

    code = "server_unreachable"

    def __init__(self, detail: str = "", *, status: int | None = None):
        super().__init__("服务器暂时无法连接", "The hall server cannot be reached right now")
        self.detail = detail
        self.status = status


class IdNumberInvalid(KioskError):
    """A typed 公民身份号码 failed GB 11643-1999 checks (domain.md ID-01…03).

    ``reason`` is one of ``length``, ``characters``, ``birth_date``, ``checksum``.
    The number itself is never kept.
    """

    code = "invalid_id_number"

    def __init__(self, reason: str):
        super().__init__("身份证号码有误，请核对后重新输入",
                         "The ID number is not valid; please check it and type it again")
        self.reason = reason
