"""预约签到: scan the appointment QR code, type its code, or swipe the ID card used to
book → the server checks in → a priority ticket is printed (shared issuance steps).

"Too early" and "too late" are told apart from what the server returns with
``appointment_not_in_window`` (``details.verdict`` and ``details.slot``, or
``slot_start``/``slot_end``); without them the general message is shown. A swiped
card finds its appointment through ``POST /appointments/lookup`` (effects.CheckInByCard).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import ClassVar

from kiosk.core import issuance, messages, scan
from kiosk.core.effects import CallServer, CheckIn, CheckInByCard
from kiosk.core.errors import HallApiError, KioskError
from kiosk.core.identity import IdCard
from kiosk.core.intents import Back, CardSwiped, CodeScanned, SubmitText, UseKeypad
from kiosk.core.messages import Notice
from kiosk.core.screens import FlowContext, Refused, Screen, Step, home_screen


@dataclass(frozen=True)
class CheckInStart(Screen):
    keypad: bool = False
    notice: Notice | None = None
    flow: ClassVar[str] = "check_in"
    prompt_key: ClassVar[str] = "check_in"


@dataclass(frozen=True)
class CheckingIn(Screen):
    op: CheckIn | CheckInByCard
    masked_name: str = ""
    attempt: int = 0
    notice: Notice | None = None
    flow: ClassVar[str] = "check_in"
    prompt_key: ClassVar[str] = "checking_in"

    @property
    def busy(self) -> bool:
        return self.notice is None


def start(ctx: FlowContext) -> Step:
    """The scan-or-swipe screen; home with a notice when the printer cannot print."""
    if not ctx.printer.ready:
        return Step(home_screen(ctx.printer, messages.notice("printer_unavailable")))
    return Step(CheckInStart())


def start_with_code(code: str, ctx: FlowContext) -> Step:
    """Check in straight away: an appointment code was scanned on the home screen."""
    return _check_in_code(CheckInStart(), code, ctx)


def handle(screen: Screen, intent, ctx: FlowContext) -> Step | None:
    """Dispatch an intent to the check-in screen's handler."""
    if isinstance(screen, CheckInStart):
        return _on_start(screen, intent, ctx)
    if isinstance(screen, CheckingIn):
        return issuance.await_server(
            screen, intent, ctx,
            on_reply=lambda body: issuance.issued(body, ctx, masked_name=screen.masked_name,
                                                  recovered=screen.attempt > 0),
            on_error=lambda error: _refused(error, ctx))
    return None


def _on_start(screen: CheckInStart, intent, ctx: FlowContext) -> Step | None:
    if isinstance(intent, CodeScanned):
        code = scan.parse_scan(intent.text)
        if code.kind == scan.APPOINTMENT or code.is_plain_code:
            return _check_in_code(screen, code.value, ctx)
        return Step(replace(screen, notice=messages.notice("unknown_code")))
    if isinstance(intent, SubmitText):
        code = scan.parse_scan(intent.text)
        if code.is_plain_code or code.kind == scan.APPOINTMENT:
            return _check_in_code(screen, code.value, ctx)
        return Step(replace(screen, keypad=True, notice=messages.notice("appointment_not_found")))
    if isinstance(intent, CardSwiped):
        card = IdCard.from_reading(intent.reading)
        return _call(CheckInByCard(card, ctx.new_request_id()), card.masked_name, ctx)
    if isinstance(intent, UseKeypad):
        return Step(replace(screen, keypad=True, notice=None))
    if isinstance(intent, Back):
        return Step(home_screen(ctx.printer))
    return None


def _check_in_code(screen: CheckInStart, code: str, ctx: FlowContext) -> Step:
    return _call(CheckIn(code, ctx.new_request_id()), "", ctx)


def _call(op: CheckIn | CheckInByCard, masked_name: str, ctx: FlowContext) -> Step:
    if not ctx.printer.ready:
        return Step(Refused(messages.notice("printer_unavailable")))
    return Step(CheckingIn(op, masked_name), (CallServer(op),))


def _refused(error: KioskError, ctx: FlowContext) -> Step:
    notice = messages.notice_for_error(error)
    if isinstance(error, HallApiError) and error.code == "appointment_not_in_window":
        notice = _timing_notice(error, ctx.now) or notice
    return Step(Refused(notice, retry_screen=CheckInStart()))


def _timing_notice(error: HallApiError, now: datetime) -> Notice | None:
    """Too early or too late, with the slot, from the error's ``verdict`` and ``slot``
    (hall_server/domain/appointments.py) or else from ``slot_start``/``slot_end``."""
    verdict, slot = error.data.get("verdict"), error.data.get("slot")
    if verdict in ("too_early", "too_late"):
        return messages.notice(f"appointment_{verdict}", slot=str(slot or ""))
    try:
        start = datetime.fromisoformat(str(error.data["slot_start"]))
        end = datetime.fromisoformat(str(error.data["slot_end"]))
        code = "appointment_too_early" if now < start else "appointment_too_late"
        if start.tzinfo is not None and now.tzinfo is not None:
            start, end = start.astimezone(now.tzinfo), end.astimezone(now.tzinfo)
    except (KeyError, TypeError, ValueError):
        return None
    return messages.notice(code, slot=f"{start:%H:%M}–{end:%H:%M}")
