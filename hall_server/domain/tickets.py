"""The ticket life of DESIGN.md ("Ticket life") as pure transitions.

Each transition takes a ``Ticket`` and returns a new one, or raises
``DomainError("bad_state", ...)`` when the ticket's state does not allow it::

    waiting ──call──▶ called ──start──▶ serving ──finish──▶ done
       ▲  │             │ recall              │ suspend ⇄ resume
       │  │             └─skip──▶ no_show ──requeue──┐
       │  └─cancel / expire (end of day)             │
       └──────── transfer (keeps number and issue time)

``now`` is the injected clock's timezone-aware time.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Sequence

from hall_server.domain.model import CallPolicy, DomainError, Ticket, TicketState

FINAL_STATES = frozenset({TicketState.DONE, TicketState.CANCELLED, TicketState.EXPIRED})

STATE_NAMES = {
    TicketState.WAITING: ("等候中", "waiting"),
    TicketState.CALLED: ("已叫号", "called"),
    TicketState.SERVING: ("办理中", "being served"),
    TicketState.SUSPENDED: ("已挂起", "suspended"),
    TicketState.DONE: ("已办结", "done"),
    TicketState.NO_SHOW: ("已过号", "a no-show"),
    TicketState.CANCELLED: ("已取消", "cancelled"),
    TicketState.EXPIRED: ("已作废", "expired"),
}

ACTION_NAMES = {
    "call": ("叫号", "call it"),
    "recall": ("重呼", "recall it"),
    "skip": ("标记过号", "mark it as a no-show"),
    "requeue": ("过号重排", "requeue it"),
    "start": ("开始办理", "start serving it"),
    "finish": ("办结", "finish it"),
    "suspend": ("挂起", "suspend it"),
    "resume": ("恢复办理", "resume it"),
    "transfer": ("转移", "transfer it"),
    "cancel": ("取消", "cancel it"),
    "expire": ("作废", "expire it"),
}

# The store keeps times to the millisecond (ISO text ordered as text), so a requeue
# position is put on that grid: a finer one would be rounded away and reorder the line.
QUEUE_RESOLUTION = timedelta(milliseconds=1)


def _on_grid(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond - moment.microsecond % 1000)


def _require(ticket: Ticket, now: datetime, action: str, allowed: frozenset[TicketState] | set) -> None:
    """Refuse a transition from a state that does not allow it."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    if ticket.state in allowed:
        return
    state_zh, state_en = STATE_NAMES[ticket.state]
    action_zh, action_en = ACTION_NAMES[action]
    raise DomainError(
        "bad_state",
        f"号票 {ticket.number} 当前状态为「{state_zh}」，不能{action_zh}",
        f"Ticket {ticket.number} is {state_en}; cannot {action_en}",
        ticket=ticket.id, state=str(ticket.state), action=action,
    )


def call(ticket: Ticket, window_id: str, clerk: str | None, now: datetime) -> Ticket:
    """waiting → called at ``window_id``. A transfer target is consumed; the recall count
    restarts because this is a fresh call (a requeued ticket can be recalled again)."""
    _require(ticket, now, "call", {TicketState.WAITING})
    return ticket.with_(
        state=TicketState.CALLED, window_id=window_id, clerk=clerk, called_at=now,
        target_window=None, recall_count=0,
    )


def recall(ticket: Ticket, now: datetime, policy: CallPolicy) -> Ticket:
    """called → called again (重呼), at most ``policy.max_recalls`` times; after that the
    clerk must mark the ticket a no-show (domain.md Q-06: counts are configurable)."""
    _require(ticket, now, "recall", {TicketState.CALLED})
    if ticket.recall_count >= policy.max_recalls:
        raise DomainError(
            "bad_state",
            f"号票 {ticket.number} 已重呼 {ticket.recall_count} 次，已达上限，请标记过号",
            f"Ticket {ticket.number} was recalled {ticket.recall_count} times, the limit; mark it as a no-show",
            ticket=ticket.id, state=str(ticket.state), action="recall", max_recalls=policy.max_recalls,
        )
    return ticket.with_(recall_count=ticket.recall_count + 1)


def skip(ticket: Ticket, now: datetime) -> Ticket:
    """called → no_show (过号). The window and call time stay for statistics."""
    _require(ticket, now, "skip", {TicketState.CALLED})
    return ticket.with_(state=TicketState.NO_SHOW)


def requeue_position(ticket: Ticket, waiting: Sequence[Ticket], now: datetime, policy: CallPolicy) -> datetime:
    """The ``queued_at`` that puts a requeued ticket behind the first
    ``policy.requeue_offset`` waiting tickets of its category in first-come order
    (queued_at, then serial), or at the end of the line when fewer are waiting. The
    value is whole milliseconds (``QUEUE_RESOLUTION``) so it survives the store."""
    line = sorted(
        (t for t in waiting if t.state == TicketState.WAITING and t.category == ticket.category and t.id != ticket.id),
        key=lambda t: (t.queued_at, t.serial),
    )
    offset = max(policy.requeue_offset, 0)
    if offset >= len(line):
        return max(_on_grid(now), _on_grid(line[-1].queued_at) + QUEUE_RESOLUTION) if line else _on_grid(now)
    if offset == 0:
        return _on_grid(line[0].queued_at) - QUEUE_RESOLUTION
    return _between(line[offset - 1], line[offset], ticket.serial)


def _between(before: Ticket, after: Ticket, serial: int) -> datetime:
    """A millisecond that sorts (with ``serial`` as tie-break) after ``before`` and before
    ``after``. Only tickets less than two milliseconds apart can defeat this; then the
    ticket lands right next to them."""
    low, high = (before.queued_at, before.serial), (after.queued_at, after.serial)
    start = _on_grid(before.queued_at)
    middle = _on_grid(before.queued_at + (after.queued_at - before.queued_at) / 2)
    for candidate in (middle, start + QUEUE_RESOLUTION, start, _on_grid(after.queued_at)):
        if low < (candidate, serial) < high:
            return candidate
    return middle


def requeue(ticket: Ticket, now: datetime, policy: CallPolicy, waiting: Sequence[Ticket] = ()) -> Ticket:
    """no_show → waiting (过号重排), keeping its number, at most ``policy.max_requeues``
    times. It rejoins behind ``policy.requeue_offset`` waiting tickets of its category
    (see ``requeue_position``); pass the current waiting tickets as ``waiting``."""
    _require(ticket, now, "requeue", {TicketState.NO_SHOW})
    if ticket.requeue_count >= policy.max_requeues:
        raise DomainError(
            "bad_state",
            f"号票 {ticket.number} 已过号重排 {ticket.requeue_count} 次，不能再重排，请重新取号",
            f"Ticket {ticket.number} was requeued {ticket.requeue_count} times, the limit; take a new number",
            ticket=ticket.id, state=str(ticket.state), action="requeue", max_requeues=policy.max_requeues,
        )
    return ticket.with_(
        state=TicketState.WAITING, queued_at=requeue_position(ticket, waiting, now, policy),
        requeue_count=ticket.requeue_count + 1, window_id=None, clerk=None, called_at=None,
    )


def start(ticket: Ticket, now: datetime) -> Ticket:
    """called → serving: the resident arrived at the window."""
    _require(ticket, now, "start", {TicketState.CALLED})
    return ticket.with_(state=TicketState.SERVING, started_at=now)


def finish(ticket: Ticket, now: datetime) -> Ticket:
    """serving → done. A suspended ticket must be resumed first, so its suspended time
    is closed and counted."""
    _require(ticket, now, "finish", {TicketState.SERVING})
    return ticket.with_(state=TicketState.DONE, finished_at=now)


def suspend(ticket: Ticket, now: datetime) -> Ticket:
    """serving → suspended (挂起): the resident fetches a document; time stops counting."""
    _require(ticket, now, "suspend", {TicketState.SERVING})
    return ticket.with_(state=TicketState.SUSPENDED, suspended_at=now)


def resume(ticket: Ticket, now: datetime) -> Ticket:
    """suspended → serving, adding the suspended time to ``suspended_seconds`` so it is
    left out of the service time (anchors-queue.md (d) 7)."""
    _require(ticket, now, "resume", {TicketState.SUSPENDED})
    paused = (now - ticket.suspended_at).total_seconds() if ticket.suspended_at else 0.0
    return ticket.with_(
        state=TicketState.SERVING, suspended_at=None,
        suspended_seconds=ticket.suspended_seconds + max(paused, 0.0),
    )


def transfer(
    ticket: Ticket,
    now: datetime,
    to_category: str | None = None,
    to_window: str | None = None,
    to_service: str | None = None,
) -> Ticket:
    """called/serving → waiting at another category and/or window (转移). The ticket keeps
    its number, serial and issue time, and ``queued_at`` goes back to ``issued_at`` so it
    is not sent to the back of the line (domain.md Q-07). ``to_window`` makes that window
    call it first; ``to_service`` replaces the service when the category changes."""
    _require(ticket, now, "transfer", {TicketState.CALLED, TicketState.SERVING})
    return ticket.with_(
        state=TicketState.WAITING,
        category=to_category or ticket.category,
        service=to_service if to_service is not None else ticket.service,
        target_window=to_window,
        queued_at=ticket.issued_at,
        transfer_count=ticket.transfer_count + 1,
        window_id=None, clerk=None, called_at=None, started_at=None,
        suspended_at=None, suspended_seconds=0.0, recall_count=0,
    )


def cancel(ticket: Ticket, now: datetime) -> Ticket:
    """waiting/no_show → cancelled (the resident gave up, or the manager voided it)."""
    _require(ticket, now, "cancel", {TicketState.WAITING, TicketState.NO_SHOW})
    return ticket.with_(state=TicketState.CANCELLED, target_window=None)


def expire(ticket: Ticket, now: datetime) -> Ticket:
    """Any state that is not final → expired (end of the numbering day, 批量弃号)."""
    _require(ticket, now, "expire", set(TicketState) - FINAL_STATES)
    return ticket.with_(state=TicketState.EXPIRED, target_window=None, suspended_at=None)


def service_seconds(ticket: Ticket) -> float | None:
    """Service time: finished − started − suspended, or None before it finished."""
    if ticket.started_at is None or ticket.finished_at is None:
        return None
    elapsed = (ticket.finished_at - ticket.started_at).total_seconds() - ticket.suspended_seconds
    return max(elapsed, 0.0)


def wait_seconds(ticket: Ticket) -> float | None:
    """Waiting time: called − issued (issue time survives transfers), or None if not called."""
    if ticket.called_at is None:
        return None
    return max((ticket.called_at - ticket.issued_at).total_seconds(), 0.0)
