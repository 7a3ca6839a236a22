"""Plain data the domain core works on. No I/O; times are timezone-aware datetimes
handed in by the caller (an injected clock), never read here.

This module is the contract between the pure core (``hall_server.domain``) and the
store: the store turns rows into these objects and back, and the core decides.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, time
from enum import StrEnum


class TicketState(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    SUSPENDED = "suspended"   # 挂起: service interrupted (resident fetches a document), time excluded
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class Priority(StrEnum):
    GREEN = "green"              # 绿色通道: elderly, disabled, pregnant, military...
    APPOINTMENT = "appointment"  # an appointment checked in within its slot
    NORMAL = "normal"


class WindowState(StrEnum):
    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"


class DomainError(Exception):
    """A rule said no. ``code`` is one of API.md's error codes."""

    def __init__(self, code: str, message: str, message_en: str, **data):
        super().__init__(f"{code}: {message_en}")
        self.code, self.message, self.message_en, self.data = code, message, message_en, data


@dataclass(frozen=True)
class Ticket:
    id: str
    number: str                     # "A023"
    serial: int                     # 23: the per-category, per-day counter value
    category: str                   # category code
    day: str                        # numbering day, ISO date "2026-11-21"
    issued_at: datetime
    queued_at: datetime             # when it (re)joined the waiting line; ordering key within a class
    service: str | None = None
    channel: str = "kiosk"
    priority: Priority = Priority.NORMAL
    state: TicketState = TicketState.WAITING
    window_id: str | None = None    # window that called/serves it
    target_window: str | None = None  # transferred to this very window: called there first
    clerk: str | None = None
    called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    suspended_at: datetime | None = None
    suspended_seconds: float = 0.0
    recall_count: int = 0
    requeue_count: int = 0          # times sent back after a no-show (过号重排)
    transfer_count: int = 0
    person_hash: str | None = None  # keyed hash of the ID number, never the number
    person_masked: str | None = None  # "3701**********123X"
    name_masked: str | None = None    # "张*"
    appointment_code: str | None = None

    def with_(self, **changes) -> "Ticket":
        return replace(self, **changes)


@dataclass(frozen=True)
class CategoryRules:
    code: str
    prefix: str
    name: str = ""
    padding: int = 3
    daily_quota: int | None = None           # 放号量; None = unlimited
    hours: tuple[tuple[time, time], ...] = ()  # ticket-taking periods; empty = always
    person_daily_limit: int | None = None    # real-name tickets per person per day
    requires_real_name: bool = False


@dataclass(frozen=True)
class ServiceRules:
    code: str
    category: str
    name: str = ""
    daily_quota: int | None = None
    hours: tuple[tuple[time, time], ...] = ()
    real_name: str = "optional"   # "required" | "optional" | "none"


@dataclass(frozen=True)
class CallPolicy:
    """How a window picks its next ticket. See docs/call-policy.md."""

    priority_order: tuple[Priority, ...] = (Priority.GREEN, Priority.APPOINTMENT, Priority.NORMAL)
    # interleave: after this many priority calls in a row, one normal ticket is called
    # (e.g. 2 → "2 priority : 1 normal"); 0 = strict priority.
    priority_run: int = 0
    promote_after_minutes: int = 60  # a normal ticket waiting longer is treated as priority
    requeue_offset: int = 3          # a requeued no-show goes behind this many waiting tickets
    max_recalls: int = 3             # recalls allowed before the clerk must skip
    max_requeues: int = 1            # requeues allowed per ticket


@dataclass(frozen=True)
class WindowRules:
    id: str
    number: int
    categories: tuple[str, ...]      # ordered: earlier categories first
    state: WindowState = WindowState.OPEN
    policy: CallPolicy = field(default_factory=CallPolicy)


@dataclass(frozen=True)
class Appointment:
    code: str
    service: str
    slot_start: datetime
    slot_end: datetime
    person_hash: str | None = None
    person_masked: str | None = None
    checked_in_ticket: str | None = None
