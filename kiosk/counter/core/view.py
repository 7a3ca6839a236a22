"""The console's render model: everything the Qt screen shows, computed without Qt.

The screen only lays this out; which buttons are enabled, what the timer reads and
which marks a waiting ticket carries are decided here (CONVENTIONS.md rule 2). It
holds masked personal data only, and nothing about any rating but its status
(domain.md HCP-43: the clerk does not learn who rated or how).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.counter.core import actions as A
from kiosk.counter.core import evaluation as ev
from kiosk.counter.core.messages import Notice
from kiosk.counter.core.model import MARKS, wait_minutes
from kiosk.counter.core.service_timer import format_duration, service_seconds

if TYPE_CHECKING:
    from kiosk.counter.core.console import CounterConsole

TICKET_STATES = {"called": ("已呼叫", "Called"), "serving": ("办理中", "Serving"),
                 "suspended": ("已挂起", "Suspended")}
WINDOW_STATES = {"open": ("服务中", "Open"), "paused": ("暂停服务", "Paused"), "closed": ("未开启", "Closed")}
EVALUATION_STATES = {
    ev.ASKING: ("请群众评价 {number}…", "Waiting for the resident to rate {number}…"),
    ev.SUBMITTING: ("正在提交 {number} 的评价", "Recording the rating of {number}"),
    ev.RATED: ("{number} 已评价", "{number} has been rated"),
    ev.UNRATED: ("{number} 未评价", "{number} was not rated"),
    ev.FAILED: ("{number} 未能评价", "{number} could not be rated"),
}


@dataclass(frozen=True)
class TicketCard:
    """The ticket being handled at the window."""

    id: str
    number: str
    state: str
    state_zh: str
    state_en: str
    category_name: str
    service_name: str
    marks: tuple[str, ...]
    name_masked: str
    id_masked: str
    appointment_code: str
    timer: str                 # 办理用时, suspended time excluded; "" before 开始办理
    recall_count: int


@dataclass(frozen=True)
class WaitingRow:
    id: str
    number: str
    category_name: str
    wait_min: int
    marks: tuple[str, ...]


@dataclass(frozen=True)
class ConsoleView:
    window_name: str
    window_number: int
    window_state: str
    window_state_zh: str
    window_state_en: str
    pause_reason: str
    clerk_name: str
    staff_number: str
    on_duty: str               # the server's clerk on duty when it is not the one logged in (AB岗)
    online: bool
    loaded: bool
    busy: bool
    retrying: bool
    pending_zh: str
    current: TicketCard | None
    waiting: tuple[WaitingRow, ...]
    no_shows: tuple[WaitingRow, ...]
    enabled: dict
    notice: Notice | None
    evaluation: Notice | None


def mark_text(mark: str, language: str) -> str:
    zh, en = MARKS.get(mark, (mark, mark))
    return en if language == "en" else zh


def console_view(console: "CounterConsole") -> ConsoleView:
    """Build the view of ``console`` at the server's current time."""
    window, clerk = console.window, console.clerk
    now = console.server_now()
    state = window.state if window else "closed"
    zh, en = WINDOW_STATES.get(state, (state, state))
    rows = tuple(_row(t, console.window_id, now) for t in console.waiting)
    on_duty = window.clerk if window and window.clerk and window.clerk != clerk.username else ""
    return ConsoleView(
        window_name=window.name if window else console.window_id, window_number=window.number if window else 0,
        window_state=state, window_state_zh=zh, window_state_en=en,
        pause_reason=(window.pause_reason or "") if window else "",
        clerk_name=clerk.shown_name, staff_number=clerk.staff_number, on_duty=on_duty,
        online=console.online, loaded=console.loaded, busy=console.in_flight is not None,
        retrying=console.retrying or (console.in_flight is not None and not console.online),
        pending_zh=A.BY_NAME[console.in_flight.action].zh if console.in_flight is not None else "",
        current=_card(console, now), waiting=rows,
        no_shows=tuple(_row(t, console.window_id, now) for t in console.no_shows),
        enabled={a.name: console.allowed(a.name) for a in A.ACTIONS},
        notice=console.notice, evaluation=_evaluation(console.prompt))


def _card(console: "CounterConsole", now) -> TicketCard | None:
    ticket = console.current
    if ticket is None:
        return None
    zh, en = TICKET_STATES.get(ticket.state, (ticket.state, ticket.state))
    timer = format_duration(service_seconds(ticket.started_at, ticket.history, now)) \
        if ticket.started_at is not None else ""
    return TicketCard(ticket.id, ticket.number, ticket.state, zh, en, ticket.category_name or ticket.category,
                      ticket.service_name, ticket.marks(console.window_id), ticket.name_masked or "",
                      ticket.id_masked or "", ticket.appointment_code or "", timer, ticket.recall_count)


def _row(ticket, window_id: str, now) -> WaitingRow:
    return WaitingRow(ticket.id, ticket.number, ticket.category_name or ticket.category,
                      wait_minutes(ticket, now), ticket.marks(window_id))


def _evaluation(prompt: ev.EvaluationPrompt | None) -> Notice | None:
    if prompt is None:
        return None
    zh, en = EVALUATION_STATES[prompt.status]
    return Notice(f"evaluation_{prompt.status}", zh.format(number=prompt.number), en.format(number=prompt.number))


__all__ = ["ConsoleView", "TicketCard", "WaitingRow", "console_view", "mark_text"]
