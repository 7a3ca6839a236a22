"""The kiosk shell's one error translator (CONVENTIONS.md rule 6).

Whatever went wrong — a server refusal, an unreachable server, a device fault, a bug —
reaches the resident as a notice with a title word, a message and the advice, in the
current language, and never as a traceback. The operator finds the traceback in the
log. Notices come from the core catalogue (kiosk/core/messages.py), so the words are
the same everywhere.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication

from kiosk.core import messages
from kiosk.core.errors import KioskError
from kiosk.core.messages import Notice

log = logging.getLogger(__name__)

OK_CODES = frozenset({"checklist_printed", "server_recovered", "evaluation_recorded", "help_requested"})
ERROR_CODES = frozenset({"internal", "server_unreachable_final", "printer_unavailable", "print_failed_after_issue",
                         "quota_exhausted", "outside_hours", "person_limit", "forbidden", "unauthenticated",
                         # 证明打印 (kiosk/core/certificate_flow.py and the hall's certificate errors)
                         "document_printer_unavailable", "certificate_print_failed", "certificate_print_failed_final",
                         "reader_unverified", "reader_not_trusted", "certificate_refused", "provider_unavailable"})


def notice_kind(notice: Notice) -> str:
    """``ok``, ``warn`` or ``error``: decides the colour *and* the title word (ACC-04)."""
    if notice.code in OK_CODES:
        return "ok"
    return "error" if notice.code in ERROR_CODES else "warn"


def notice_texts(notice: Notice, lang: str, context=None) -> tuple[str, str, str, str]:
    """(title, message, advice, kind) of a notice in ``lang``."""
    kind = notice_kind(notice)
    title = _title(kind)
    if lang == "en":
        return title, notice.en or notice.zh, notice.advice_en or notice.advice_zh, kind
    return title, notice.zh, notice.advice_zh, kind


def _title(kind: str) -> str:
    if kind == "ok":
        return QCoreApplication.translate("KioskErrors", "完成")
    if kind == "error":
        return QCoreApplication.translate("KioskErrors", "暂时无法办理")
    return QCoreApplication.translate("KioskErrors", "请注意")


def notice_for(error: BaseException) -> Notice:
    """Any exception → the notice a resident may see. Bugs are logged with their traceback."""
    if isinstance(error, KioskError):
        return messages.notice_for_error(error)
    message = getattr(error, "message", None)
    if message:   # a DeviceError: its own zh/en text, the help-desk advice
        base = messages.notice("internal")
        return Notice(getattr(error, "code", "device_error"), message, getattr(error, "message_en", message),
                      base.advice_zh, base.advice_en, base.actions)
    log.error("unexpected error reached the screen", exc_info=error)
    return messages.notice("internal")


def help_notice(sent: bool, desk: str = "总服务台") -> Notice:
    """What the resident sees after 呼叫帮办."""
    if sent:
        return Notice("help_requested", "已通知工作人员，请在原地稍候", "Staff have been called; please wait here",
                      "工作人员会尽快来到本机旁", "Someone will come to this kiosk shortly", ())
    return Notice("help_unavailable", f"暂时无法呼叫工作人员，请到{desk}咨询",
                  "Staff could not be called; please go to the main service desk", "", "", ())
