"""What a flow asks the outside world to do, as data.

A flow never calls the server, the printer or the speaker itself: it returns
effects. The effect runner (kiosk/core/runner.py, or the Qt shell's thread pool)
performs them and feeds the outcome back as an intent. Server operations carry the
``request_id`` chosen once per resident intent, so every retry of the same effect
is the same request to the server (API.md "request_id").
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Mapping

from kiosk.core.errors import HallApiError
from kiosk.core.identity import IdCard
from kiosk.core.ports import HallPort
from kiosk.core.receipt import Checklist, Receipt


def new_request_id() -> str:
    """A fresh idempotency key (32 hex characters; API.md allows up to 64)."""
    return uuid.uuid4().hex


# --- server operations: each knows how to run itself against a HallPort -----------

@dataclass(frozen=True)
class IssueTicket:
    service_code: str | None
    category_code: str | None
    id_card: IdCard | None
    priority: str
    request_id: str

    def perform(self, hall: HallPort) -> Mapping:
        return hall.issue_ticket(service_code=self.service_code, category_code=self.category_code,
                                 id_card=self.id_card, priority=self.priority, request_id=self.request_id)


@dataclass(frozen=True)
class CheckIn:
    code: str
    request_id: str

    def perform(self, hall: HallPort) -> Mapping:
        return hall.check_in(self.code, request_id=self.request_id)


@dataclass(frozen=True)
class CheckInByCard:
    """Find the card holder's earliest open appointment, then check it in with the card.

    Both steps run again on a retry; the check-in keeps its request_id, so a retry
    after a lost reply returns the first ticket.
    """

    id_card: IdCard
    request_id: str

    def perform(self, hall: HallPort) -> Mapping:
        found = hall.lookup_appointments(self.id_card).get("appointments") or ()
        open_ones = [a for a in found if isinstance(a, Mapping) and a.get("code") and not a.get("checked_in_ticket")]
        if not open_ones:
            raise HallApiError("appointment_not_found", "没有找到您的预约", "No appointment was found", status=404)
        return hall.check_in(str(open_ones[0]["code"]), id_card=self.id_card, request_id=self.request_id)


@dataclass(frozen=True)
class FetchTicketStatus:
    status_token: str

    def perform(self, hall: HallPort) -> Mapping:
        return hall.ticket_status(self.status_token)


@dataclass(frozen=True)
class FetchTicketByNumber:
    """Today's ticket with a typed number (``GET /tickets/lookup?number=``): the same public view."""

    number: str

    def perform(self, hall: HallPort) -> Mapping:
        return hall.ticket_by_number(self.number)


@dataclass(frozen=True)
class FetchQueue:
    purpose: str = ""

    def perform(self, hall: HallPort) -> Mapping:
        return hall.queue()


@dataclass(frozen=True)
class SubmitEvaluation:
    ticket_id: str
    level: int
    reasons: tuple[str, ...]
    request_id: str

    def perform(self, hall: HallPort) -> Mapping:
        return hall.evaluate(self.ticket_id, self.level, reasons=self.reasons,
                             channel="kiosk", request_id=self.request_id)


ServerOp = (IssueTicket | CheckIn | CheckInByCard | FetchTicketStatus | FetchTicketByNumber | FetchQueue
            | SubmitEvaluation)


# --- effects ---------------------------------------------------------------------

@dataclass(frozen=True)
class CallServer:
    """Run ``op``; the runner answers ``ServerReplied`` or ``ServerFailed``."""

    op: ServerOp


@dataclass(frozen=True)
class PrintReceipt:
    """Print a queue ticket; the runner answers ``Printed`` or ``PrintFailed``."""

    receipt: Receipt


@dataclass(frozen=True)
class PrintChecklist:
    checklist: Checklist


@dataclass(frozen=True)
class Speak:
    """Say a prompt (its text is also on screen: domain.md ACC-12)."""

    text: str


@dataclass(frozen=True)
class Schedule:
    """Hand ``intent`` back to the session after ``delay_s`` (a QTimer in the shell)."""

    delay_s: float
    intent: Any


@dataclass(frozen=True)
class RequestAssistance:
    """The resident asked for a person (呼叫帮办, domain.md ACC-11); ``reason`` is a notice code."""

    reason: str = ""


Effect = CallServer | PrintReceipt | PrintChecklist | Speak | Schedule | RequestAssistance
