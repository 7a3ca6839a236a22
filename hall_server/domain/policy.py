"""The one call policy: which waiting ticket a window calls next (docs/call-policy.md).

A window ranks the tickets it may call by a key; the smallest key is called next:

1. tickets transferred to this very window (``target_window``), oldest first;
2. overdue tickets — any ticket waiting longer than ``promote_after_minutes`` since its
   ``queued_at`` — oldest first, whatever their class or category (anti-starvation:
   such a ticket is called before every ticket that joined the line after it);
3. every other ticket by priority class (``policy.priority_order``), then the window's
   category order, then longest waiting (``queued_at``, then ``serial``).

Interleave: when ``priority_run = k > 0``, this window's last ``k`` calls were all
priority-class tickets (green or appointment) and rule 3 would pick another priority
ticket, the best normal ticket is called instead, if one waits — "k priority : 1
normal". Rules 1 and 2 are never interleaved: a transfer to the window and an overdue
ticket are called even after a run of priority calls.

A window may call a waiting ticket when it was transferred to that window, or when it
was not transferred to a particular window and its category is one the window serves.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Sequence

from hall_server.domain.model import DomainError, Priority, Ticket, TicketState, WindowRules, WindowState

RankKey = tuple[int, int, int, datetime, int]


def may_call(window: WindowRules, ticket: Ticket) -> bool:
    """Whether ``window`` is allowed to call ``ticket`` at all (its state aside)."""
    if ticket.state != TicketState.WAITING:
        return False
    if ticket.target_window is not None:
        return ticket.target_window == window.id
    return ticket.category in window.categories


def is_overdue(ticket: Ticket, now: datetime, promote_after_minutes: int) -> bool:
    """Waiting longer than the promotion limit; a limit of 0 or less turns promotion off."""
    if promote_after_minutes <= 0:
        return False
    return now - ticket.queued_at > timedelta(minutes=promote_after_minutes)


def rank_key(window: WindowRules, ticket: Ticket, now: datetime) -> RankKey:
    """The ordering key of ``ticket`` at ``window``: smaller is called earlier."""
    policy = window.policy
    if ticket.target_window == window.id:
        return (0, 0, 0, ticket.queued_at, ticket.serial)
    if is_overdue(ticket, now, policy.promote_after_minutes):
        return (1, 0, 0, ticket.queued_at, ticket.serial)
    order = policy.priority_order
    klass = order.index(ticket.priority) if ticket.priority in order else len(order)
    category = window.categories.index(ticket.category) if ticket.category in window.categories else 0
    return (2, klass, category, ticket.queued_at, ticket.serial)


def ranked(window: WindowRules, waiting: Sequence[Ticket], now: datetime) -> list[Ticket]:
    """The tickets ``window`` may call, in the order it would call them were there no
    interleave (the manager console shows this list)."""
    callable_tickets = [t for t in waiting if may_call(window, t)]
    return sorted(callable_tickets, key=lambda t: rank_key(window, t, now))


def is_priority(ticket: Ticket) -> bool:
    """A priority-class ticket (green channel or appointment) for the interleave count."""
    return ticket.priority != Priority.NORMAL


def interleave_due(window: WindowRules, recent_calls: Sequence[Ticket]) -> bool:
    """Whether the last ``priority_run`` calls of the window (newest last) were all
    priority-class, so a normal ticket is due."""
    run = window.policy.priority_run
    if run <= 0 or len(recent_calls) < run:
        return False
    return all(is_priority(t) for t in recent_calls[-run:])


def choose_next(
    window: WindowRules,
    waiting: Sequence[Ticket],
    now: datetime,
    recent_calls: Sequence[Ticket] = (),
) -> Ticket | None:
    """The ticket ``window`` calls next, or None when none may be called. ``waiting`` may
    hold tickets in any state (only waiting ones count); ``recent_calls`` are this
    window's previous calls, newest last (only the last ``priority_run`` matter)."""
    line = ranked(window, waiting, now)
    if not line:
        return None
    best = line[0]
    if not _interleaves(window, best, now, recent_calls):
        return best
    return next((t for t in line if not is_priority(t)), best)


def _interleaves(window: WindowRules, best: Ticket, now: datetime, recent_calls: Sequence[Ticket]) -> bool:
    """A normal ticket replaces ``best`` only when ``best`` is an ordinary priority pick:
    a transfer to this window and an overdue ticket are never passed over."""
    return rank_key(window, best, now)[0] == 2 and is_priority(best) and interleave_due(window, recent_calls)


def check_can_call(window: WindowRules) -> None:
    """Refuse calling at a paused or closed window (``window_paused`` / ``window_closed``)."""
    if window.state == WindowState.PAUSED:
        raise DomainError(
            "window_paused", f"{window.number} 号窗口暂停服务中，请先恢复服务再叫号",
            f"Window {window.number} is paused; resume it before calling", window=window.id,
        )
    if window.state == WindowState.CLOSED:
        raise DomainError(
            "window_closed", f"{window.number} 号窗口已关闭，请先开启窗口再叫号",
            f"Window {window.number} is closed; open it before calling", window=window.id,
        )


def _callers(ticket: Ticket, windows: Sequence[WindowRules]) -> list[WindowRules]:
    """Windows that may call the ticket: the open ones, else any (a paused hall still
    has a line), by window number."""
    able = sorted((w for w in windows if may_call(w, ticket)), key=lambda w: (w.number, w.id))
    open_ones = [w for w in able if w.state == WindowState.OPEN]
    return open_ones or able


def queue_position(
    ticket: Ticket,
    waiting: Sequence[Ticket],
    windows: Sequence[WindowRules],
    now: datetime,
) -> int:
    """How many waiting tickets are called before ``ticket``.

    Precisely: the windows that may call it (open ones; if none is open, all of them)
    call in turn by window number, each by ``choose_next`` starting with no call
    history, the clock held at ``now`` and nobody new arriving; the result is the
    number of tickets those windows call before this one. With no window at all, it is
    the number of tickets of its category ahead of it in first-come order. A ticket
    that is not waiting has 0 ahead.
    """
    if ticket.state != TicketState.WAITING:
        return 0
    pool = [t for t in waiting if t.state == TicketState.WAITING and t.id != ticket.id] + [ticket]
    callers = _callers(ticket, windows)
    if not callers:
        mine = (ticket.queued_at, ticket.serial)
        return sum(1 for t in pool if t.category == ticket.category and (t.queued_at, t.serial) < mine)
    return _calls_before(ticket, pool, callers, now)


def _calls_before(ticket: Ticket, pool: list[Ticket], callers: list[WindowRules], now: datetime) -> int:
    """Run the round-robin described in ``queue_position``. Each window's line is ranked
    once (keys do not change while the clock stands still), so this is O(n log n)."""
    lines = {w.id: _Line(w, ranked(w, pool, now), now) for w in callers}
    taken: set[str] = set()
    progressed = True
    while progressed:  # every caller's line holds the ticket, so this ends by returning
        progressed = False
        for window in callers:
            chosen = lines[window.id].pop(taken)
            if chosen is None:
                continue
            if chosen.id == ticket.id:
                return len(taken)
            taken.add(chosen.id)
            progressed = True
    return len(taken)


class _Line:
    """One window's ranked line in the simulation, with its own call history so the
    interleave rule applies as ``choose_next`` would apply it."""

    def __init__(self, window: WindowRules, line: list[Ticket], now: datetime):
        self.window, self.line, self.now, self.history = window, line, now, []
        self.head = self.normal_head = 0

    def pop(self, taken: set[str]) -> Ticket | None:
        self.head = self._skip(self.head, taken, lambda t: True)
        if self.head >= len(self.line):
            return None
        chosen = self.line[self.head]
        if _interleaves(self.window, chosen, self.now, self.history):
            self.normal_head = self._skip(self.normal_head, taken, lambda t: not is_priority(t))
            if self.normal_head < len(self.line):
                chosen = self.line[self.normal_head]
        self.history.append(chosen)
        return chosen

    def _skip(self, index: int, taken: set[str], wanted) -> int:
        while index < len(self.line) and (self.line[index].id in taken or not wanted(self.line[index])):
            index += 1
        return index
