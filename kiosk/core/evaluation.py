"""评价: five levels, 非常满意 5 … 非常不满意 1 (domain.md HCP-10); a reason is required
for 不满意 and 非常不满意 because those open a rectification case (HCP-11, HCP-55).

The ticket comes from a scanned receipt (exact status) or from the progress view.
Levels are stored by value 5..1 as API.md's ``level``; outbound code directions are
the server's concern (HCP-13).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from kiosk.core import issuance, messages, scan
from kiosk.core.effects import CallServer, FetchTicketStatus, SubmitEvaluation
from kiosk.core.errors import HallApiError, KioskError
from kiosk.core.intents import (Back, ChooseLevel, CodeScanned, Done, ServerFailed, ServerReplied, Submit,
                                ToggleReason)
from kiosk.core.messages import Notice
from kiosk.core.progress import view_from_status
from kiosk.core.screens import FlowContext, Refused, Screen, Step, home_screen

LEVELS = (
    (5, "非常满意", "Very satisfied"),
    (4, "满意", "Satisfied"),
    (3, "基本满意", "Fairly satisfied"),
    (2, "不满意", "Dissatisfied"),
    (1, "非常不满意", "Very dissatisfied"),
)
REASON_REQUIRED_AT_OR_BELOW = 2


@dataclass(frozen=True)
class EvaluationStart(Screen):
    loading: FetchTicketStatus | None = None
    notice: Notice | None = None
    flow: ClassVar[str] = "evaluation"
    prompt_key: ClassVar[str] = "evaluation_start"

    @property
    def busy(self) -> bool:
        return self.loading is not None


@dataclass(frozen=True)
class Rate(Screen):
    ticket_id: str
    number: str
    reason_options: tuple[str, ...]
    level: int | None = None
    reasons: tuple[str, ...] = ()
    notice: Notice | None = None
    flow: ClassVar[str] = "evaluation"
    prompt_key: ClassVar[str] = "rate"

    @property
    def needs_reason(self) -> bool:
        return self.level is not None and self.level <= REASON_REQUIRED_AT_OR_BELOW


@dataclass(frozen=True)
class Submitting(Screen):
    op: SubmitEvaluation
    number: str
    attempt: int = 0
    notice: Notice | None = None
    flow: ClassVar[str] = "evaluation"

    @property
    def busy(self) -> bool:
        return self.notice is None


@dataclass(frozen=True)
class Thanks(Screen):
    number: str
    flow: ClassVar[str] = "evaluation"
    prompt_key: ClassVar[str] = "thanks"


def start(ctx: FlowContext) -> Step:
    return Step(EvaluationStart())


def rate(ticket_id: str, number: str, ctx: FlowContext) -> Step:
    """The five-level screen for one finished ticket."""
    return Step(Rate(ticket_id, number, ctx.settings.bad_review_reasons))


def handle(screen: Screen, intent, ctx: FlowContext) -> Step | None:
    """Dispatch an intent to the evaluation screen's handler."""
    if isinstance(screen, EvaluationStart):
        return _on_start(screen, intent, ctx)
    if isinstance(screen, Rate):
        return _on_rate(screen, intent, ctx)
    if isinstance(screen, Submitting):
        return issuance.await_server(
            screen, intent, ctx,
            on_reply=lambda body: Step(Thanks(screen.number)),
            on_error=lambda error: Step(Refused(_error_notice(error))))
    if isinstance(screen, Thanks) and isinstance(intent, (Back, Done)):
        return Step(home_screen(ctx.printer))
    return None


def _on_start(screen: EvaluationStart, intent, ctx: FlowContext) -> Step | None:
    if isinstance(intent, CodeScanned) and screen.loading is None:
        code = scan.parse_scan(intent.text)
        if code.kind != scan.TICKET_STATUS:
            return Step(replace(screen, notice=messages.notice("unknown_code")))
        op = FetchTicketStatus(code.value)
        return Step(EvaluationStart(loading=op), (CallServer(op),))
    if isinstance(intent, ServerReplied) and intent.op == screen.loading:
        return _from_status(intent.body, ctx)
    if isinstance(intent, ServerFailed) and intent.op == screen.loading:
        return Step(EvaluationStart(notice=_error_notice(intent.error)))
    if isinstance(intent, Back) and screen.loading is None:
        return Step(home_screen(ctx.printer))
    return None


def _from_status(body, ctx: FlowContext) -> Step:
    view = view_from_status(body)
    if view.state == "evaluated":
        return Step(EvaluationStart(notice=messages.notice("already_evaluated")))
    if view.state == "done" and not view.ticket_id:
        # The status view did not name the ticket (docs/kiosk-flows.md, last section).
        return Step(EvaluationStart(notice=messages.notice("internal")))
    if not view.can_evaluate:
        return Step(EvaluationStart(notice=messages.notice("not_finished")))
    return rate(view.ticket_id, view.number, ctx)


def _on_rate(screen: Rate, intent, ctx: FlowContext) -> Step | None:
    if isinstance(intent, ChooseLevel) and intent.level in {lvl for lvl, _, _ in LEVELS}:
        reasons = screen.reasons if intent.level <= REASON_REQUIRED_AT_OR_BELOW else ()
        return Step(replace(screen, level=intent.level, reasons=reasons, notice=None))
    if isinstance(intent, ToggleReason) and intent.reason in screen.reason_options:
        chosen = [r for r in screen.reasons if r != intent.reason]
        if intent.reason not in screen.reasons:
            chosen.append(intent.reason)
        return Step(replace(screen, reasons=tuple(chosen), notice=None))
    if isinstance(intent, Submit):
        return _submit(screen, ctx)
    if isinstance(intent, Back):
        return Step(home_screen(ctx.printer))
    return None


def _submit(screen: Rate, ctx: FlowContext) -> Step:
    if screen.level is None:
        return Step(replace(screen, notice=messages.notice("evaluation_level_required")))
    if screen.needs_reason and not screen.reasons:
        return Step(replace(screen, notice=messages.notice("evaluation_reason_required")))
    op = SubmitEvaluation(screen.ticket_id, screen.level, screen.reasons, ctx.new_request_id())
    return Step(Submitting(op, screen.number), (CallServer(op),))


def _error_notice(error: KioskError) -> Notice:
    if isinstance(error, HallApiError) and error.code == "conflict":
        return messages.notice("already_evaluated")
    if isinstance(error, HallApiError) and error.code == "bad_state":
        return messages.notice("not_finished")
    if isinstance(error, HallApiError) and error.status == 404:
        return messages.notice("ticket_not_found")
    if error.code == "server_unreachable":
        return messages.notice("server_unreachable_final")
    return messages.notice_for_error(error)
