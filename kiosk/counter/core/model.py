"""What the console knows about its window, clerk and tickets, parsed from API bodies.

Every value here comes from the server (API.md ``/windows``, ``/tickets``); the console
keeps no queue state of its own (DESIGN.md "The parts"). Parsing is forgiving: a
missing field becomes a neutral default, never an exception on the clerk's screen.
Personal data is only ever the masked form the API gives a counter (``name_masked``
``张*``, ``id_masked`` ``3701**********123X``); nothing here holds a full name or number.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Mapping, Sequence

from kiosk.counter.core.service_timer import parse_time

OPEN_STATES = ("called", "serving", "suspended")      # a ticket the window still holds
PRIORITY_ORDER = {"green": 0, "appointment": 1, "normal": 2}

# Marks shown beside a waiting ticket (zh, en): colour is never the only cue (domain.md ACC-04).
MARKS = {
    "green": ("绿色通道", "Green channel"),
    "appointment": ("预约", "Appointment"),
    "transferred_here": ("转入本窗", "Sent here"),
    "transferred": ("转入", "Transferred"),
    "requeued": ("过号重排", "Requeued"),
}


@dataclass(frozen=True)
class ClerkInfo:
    """The person logged in at this console (or the device, for a token without a login)."""

    username: str
    display_name: str = ""
    staff_number: str = ""

    @property
    def shown_name(self) -> str:
        return self.display_name or self.username


@dataclass(frozen=True)
class WindowInfo:
    id: str
    number: int = 0
    name: str = ""
    state: str = "open"
    pause_reason: str | None = None
    categories: tuple[str, ...] = ()
    clerk: str | None = None                  # who the server has on duty (AB岗)
    current_ticket_id: str | None = None


@dataclass(frozen=True)
class TicketInfo:
    """A ticket as the counter sees it (the API's counter view)."""

    id: str
    number: str
    state: str
    category: str = ""
    category_name: str = ""
    service_name: str = ""
    priority: str = "normal"
    issued_at: datetime | None = None
    queued_at: datetime | None = None
    called_at: datetime | None = None
    started_at: datetime | None = None
    window_id: str | None = None
    target_window: str | None = None
    recall_count: int = 0
    requeue_count: int = 0
    transfer_count: int = 0
    appointment_code: str | None = None
    name_masked: str | None = None
    id_masked: str | None = None
    history: tuple[Mapping, ...] = ()

    def marks(self, window_id: str) -> tuple[str, ...]:
        """Mark keys (see :data:`MARKS`) for the waiting list, most important first."""
        found = []
        if self.priority == "green":
            found.append("green")
        if self.priority == "appointment" or self.appointment_code:
            found.append("appointment")
        if self.target_window and self.target_window == window_id:
            found.append("transferred_here")
        elif self.transfer_count:
            found.append("transferred")
        if self.requeue_count:
            found.append("requeued")
        return tuple(found)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def parse_ticket(body: Mapping) -> TicketInfo | None:
    """A :class:`TicketInfo` from an API ticket body, or None when it has no id or number."""
    if not isinstance(body, Mapping) or not body.get("id") or not body.get("number"):
        return None
    history = body.get("history")
    return TicketInfo(
        id=str(body["id"]), number=str(body["number"]), state=_text(body.get("state")) or "waiting",
        category=_text(body.get("category")), category_name=_text(body.get("category_name")),
        service_name=_text(body.get("service_name")), priority=_text(body.get("priority")) or "normal",
        issued_at=parse_time(body.get("issued_at")), queued_at=parse_time(body.get("queued_at")),
        called_at=parse_time(body.get("called_at")), started_at=parse_time(body.get("started_at")),
        window_id=body.get("window_id") or None, target_window=body.get("target_window") or None,
        recall_count=_int(body.get("recall_count")), requeue_count=_int(body.get("requeue_count")),
        transfer_count=_int(body.get("transfer_count")), appointment_code=body.get("appointment_code") or None,
        name_masked=body.get("name_masked") or None, id_masked=body.get("id_masked") or None,
        history=tuple(h for h in history if isinstance(h, Mapping)) if isinstance(history, list) else ())


def parse_window(body: Mapping) -> WindowInfo | None:
    """A :class:`WindowInfo` from a ``/windows`` entry, or None without an id."""
    if not isinstance(body, Mapping) or not body.get("id"):
        return None
    current = body.get("current_ticket")
    categories = body.get("categories")
    return WindowInfo(
        id=str(body["id"]), number=_int(body.get("number")), name=_text(body.get("name")),
        state=_text(body.get("state")) or "open", pause_reason=body.get("pause_reason") or None,
        categories=tuple(str(c) for c in categories) if isinstance(categories, list) else (),
        clerk=body.get("clerk") or None,
        current_ticket_id=str(current["id"]) if isinstance(current, Mapping) and current.get("id") else None)


def find_window(windows: Sequence[Mapping], window_id: str) -> WindowInfo | None:
    """This console's window out of a ``/windows`` or ``/queue`` list."""
    for body in windows or ():
        window = parse_window(body)
        if window is not None and window.id == window_id:
            return window
    return None


def waiting_line(tickets: Sequence[TicketInfo], window: WindowInfo) -> tuple[TicketInfo, ...]:
    """The waiting tickets this window may call, roughly in the order it will call them.

    Tickets sent to this very window first, then by priority class, then by the
    window's category order, then longest waiting (DESIGN.md "Ticket life"). The
    server's policy has the last word (interleaving, promotion); this is for reading.
    Tickets sent to another window are left out.
    """
    order = {code: i for i, code in enumerate(window.categories)}
    eligible = [t for t in tickets if t.state == "waiting" and t.target_window in (None, window.id)
                and (t.category in order or t.target_window == window.id)]
    unique = {t.id: t for t in eligible}.values()

    def key(t: TicketInfo):
        queued = t.queued_at or t.issued_at
        return (t.target_window != window.id, PRIORITY_ORDER.get(t.priority, 3), order.get(t.category, len(order)),
                queued.timestamp() if queued else float("inf"))
    return tuple(sorted(unique, key=key))


def wait_minutes(ticket: TicketInfo, now: datetime) -> int:
    """Whole minutes since the ticket was issued (a transfer keeps its issue time)."""
    if ticket.issued_at is None:
        return 0
    return max(0, int((now - ticket.issued_at).total_seconds() // 60))
