"""进度查询: scan the receipt's QR code or type the number; both give the exact status.

A scanned receipt is looked up by its status token (``GET /ticket-status/{token}``),
a typed number by today's number (``GET /tickets/lookup?number=A023``); the server
answers both with the same public view (number, state, people ahead, estimate,
window once called — nothing personal). Only a scanned receipt may go on to rate
the service: a number is public (it is on the hall display), the receipt is the
resident's own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import ClassVar, Mapping

from kiosk.core import messages, scan
from kiosk.core.effects import CallServer, FetchTicketByNumber, FetchTicketStatus
from kiosk.core.errors import HallApiError
from kiosk.core.intents import Back, CodeScanned, Evaluate, ServerFailed, ServerReplied, SubmitText, UseKeypad
from kiosk.core.messages import Notice
from kiosk.core.screens import FlowContext, Screen, Step, home_screen

_NUMBER = re.compile(r"([A-Z]{1,2})(\d{1,4})")

# state → (zh, en)
STATE_TEXT = {
    "waiting": ("排队等候中", "Waiting"),
    "called": ("已叫号，请到窗口办理", "Called: please go to the window"),
    "serving": ("正在办理", "Being served"),
    "suspended": ("暂停办理", "Service paused"),
    "done": ("已办结", "Finished"),
    "evaluated": ("已办结并评价", "Finished and rated"),
    "no_show": ("已过号，请到总服务台咨询", "Missed: please ask at the main service desk"),
    "cancelled": ("已取消", "Cancelled"),
    "expired": ("已过期", "Expired"),
}


@dataclass(frozen=True)
class ProgressStart(Screen):
    keypad: bool = False
    notice: Notice | None = None
    flow: ClassVar[str] = "progress"
    prompt_key: ClassVar[str] = "progress"


@dataclass(frozen=True)
class ProgressLoading(Screen):
    op: FetchTicketStatus | FetchTicketByNumber
    flow: ClassVar[str] = "progress"

    @property
    def busy(self) -> bool:
        return True


@dataclass(frozen=True)
class ProgressView(Screen):
    number: str
    state: str
    ahead: int | None = None
    est_wait_min: int | None = None
    window: str = ""
    by_receipt: bool = True            # scanned receipt (may rate) or typed number (may not)
    ticket_id: str = ""
    flow: ClassVar[str] = "progress"
    prompt_key: ClassVar[str] = "progress_view"

    @property
    def can_evaluate(self) -> bool:
        return self.by_receipt and self.state == "done" and bool(self.ticket_id)

    def prompt(self) -> tuple[str, str]:
        zh, en = STATE_TEXT.get(self.state, (self.state, self.state))
        return messages.prompt("progress_view", number=self.number, state=zh, state_en=en)


def start(ctx: FlowContext) -> Step:
    return Step(ProgressStart())


def lookup_token(token: str) -> Step:
    """Fetch the exact status of a scanned receipt (also used from the home screen)."""
    op = FetchTicketStatus(token)
    return Step(ProgressLoading(op), (CallServer(op),))


def handle(screen: Screen, intent, ctx: FlowContext) -> Step | None:
    """Dispatch an intent to the progress screen's handler."""
    if isinstance(screen, ProgressStart):
        return _on_start(screen, intent, ctx)
    if isinstance(screen, ProgressLoading):
        return _on_loading(screen, intent, ctx)
    if isinstance(screen, ProgressView) and isinstance(intent, Evaluate) and screen.can_evaluate:
        from kiosk.core import evaluation   # the two flows hand over to each other
        return evaluation.rate(screen.ticket_id, screen.number, ctx)
    if isinstance(screen, ProgressView) and isinstance(intent, Back):
        return Step(ProgressStart())
    return None


def _on_start(screen: ProgressStart, intent, ctx: FlowContext) -> Step | None:
    if isinstance(intent, CodeScanned):
        code = scan.parse_scan(intent.text)
        if code.kind == scan.TICKET_STATUS:
            return lookup_token(code.value)
        return Step(replace(screen, notice=messages.notice("unknown_code")))
    if isinstance(intent, SubmitText):
        match = _NUMBER.fullmatch("".join(intent.text.split()).upper())
        if not match:
            return Step(replace(screen, keypad=True, notice=messages.notice("ticket_number_invalid")))
        op = FetchTicketByNumber(match.group(0))
        return Step(ProgressLoading(op), (CallServer(op),))
    if isinstance(intent, UseKeypad):
        return Step(replace(screen, keypad=True, notice=None))
    if isinstance(intent, Back):
        return Step(home_screen(ctx.printer))
    return None


def _on_loading(screen: ProgressLoading, intent, ctx: FlowContext) -> Step | None:
    if isinstance(intent, ServerReplied) and intent.op == screen.op:
        return Step(view_from_status(intent.body, by_receipt=isinstance(screen.op, FetchTicketStatus)))
    if isinstance(intent, ServerFailed) and intent.op == screen.op:
        missing = isinstance(intent.error, HallApiError) and intent.error.status == 404
        code = "ticket_not_found" if missing else None
        notice = messages.notice(code) if code else _unreachable_or(intent.error)
        return Step(ProgressStart(keypad=isinstance(screen.op, FetchTicketByNumber), notice=notice))
    return None


def _unreachable_or(error) -> Notice:
    if error.code == "server_unreachable":
        return messages.notice("server_unreachable_final")
    return messages.notice_for_error(error)


def view_from_status(body: Mapping, *, by_receipt: bool = True) -> ProgressView:
    """The view from ``GET /api/v1/ticket-status/{token}`` or ``GET /api/v1/tickets/lookup``."""
    window = body.get("window")
    if isinstance(window, Mapping):
        window = window.get("name") or window.get("number")
    return ProgressView(
        number=str(body.get("number") or ""), state=str(body.get("state") or ""),
        ahead=_int(body.get("ahead")), est_wait_min=_int(body.get("est_wait_min")),
        window=str(window or ""), by_receipt=by_receipt, ticket_id=str(body.get("id") or body.get("ticket_id") or ""))


def _int(value: object) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None
