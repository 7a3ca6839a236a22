"""Typed printer errors, each with a Chinese message first and an English one."""
from __future__ import annotations

from drivers.errors import DeviceError
from drivers.printer.protocol import PrinterStatus, problem_message


class PrinterError(DeviceError):
    """Root of printer errors; ``status`` is the printer state that caused it, if known."""

    code = "printer_error"

    def __init__(self, message: str, message_en: str = "", *, status: PrinterStatus | None = None,
                 code: str | None = None):
        super().__init__(message, message_en, code=code)
        self.status = status


class PaperOut(PrinterError):
    """Refused before printing: no paper."""

    code = "paper_out"


class CoverOpen(PrinterError):
    """Refused before printing: the cover is open."""

    code = "cover_open"


class CutterError(PrinterError):
    """Refused before printing: the auto-cutter reports an error."""

    code = "cutter_error"


class PrinterFault(PrinterError):
    """Refused before printing: another printer error (overheat, unrecoverable)."""

    code = "printer_fault"


class PrinterOffline(PrinterError):
    """Refused before printing: the printer says it is offline."""

    code = "printer_offline"


class PrintNotConfirmed(PrinterError):
    """The job was sent but the printer did not confirm it printed (paper ran out mid-job…).

    ``cause`` is the problem code seen after the job (``paper_out``, ``cover_open``…)
    or ``no_reply`` when the printer stopped answering.
    """

    code = "print_not_confirmed"

    def __init__(self, message: str, message_en: str = "", *, cause: str = "",
                 status: PrinterStatus | None = None):
        super().__init__(message, message_en, status=status)
        self.cause = cause


class FontMissing(PrinterError):
    """No CJK font to draw characters the printer's own font lacks."""

    code = "font_missing"


_REFUSALS = {
    "paper_out": PaperOut,
    "cover_open": CoverOpen,
    "cutter_error": CutterError,
    "printer_fault": PrinterFault,
    "printer_offline": PrinterOffline,
}

_NOT_CONFIRMED = {
    "paper_out": ("打印过程中纸张用完，号票未打印完整，请联系工作人员",
                  "paper ran out during printing; the slip is incomplete"),
    "cover_open": ("打印过程中仓盖被打开，号票未打印完整，请联系工作人员",
                   "cover opened during printing; the slip is incomplete"),
    "no_reply": ("打印机未确认打印结果，请联系工作人员",
                 "the printer did not confirm the job"),
}
_NOT_CONFIRMED_OTHER = ("打印过程中打印机出现故障，号票可能未打印完整，请联系工作人员",
                        "the printer reported a fault during printing; the slip may be incomplete")


def refusal_for(status: PrinterStatus) -> PrinterError | None:
    """The error that refuses a job before sending it, or ``None`` if ``status`` can print."""
    if status.can_print:
        return None
    problem = status.problem
    zh, en = problem_message(problem)
    return _REFUSALS[problem](zh, en, status=status)


def not_confirmed(cause: str, status: PrinterStatus | None = None) -> PrintNotConfirmed:
    """The error for a job sent but not confirmed, by cause."""
    zh, en = _NOT_CONFIRMED.get(cause, _NOT_CONFIRMED_OTHER)
    return PrintNotConfirmed(zh, en, cause=cause, status=status)
