"""Invariants of the queue, checked on random days of a small in-memory hall built only
from the domain functions: issue, call-next, recall, skip, requeue, start, suspend,
resume, finish, transfer, cancel, and end-of-day expiry.

- numbers are unique per category and numbering day, and quotas hold;
- nothing is served twice, no ticket is at two windows, a finished ticket never changes;
- first come, first called within a category and priority class;
- no starvation: a ticket waiting past the promotion limit is never passed by a newer one;
- a transfer keeps the number and the issue time;
- queue_position equals a plain round-robin of choose_next.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from hypothesis import given, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from hall_server.domain import tickets as life
from hall_server.domain.model import (
    CallPolicy, CategoryRules, DomainError, Priority, Ticket, TicketState, WindowRules, WindowState,
)
from hall_server.domain.numbering import check_issue, format_number, numbering_day
from hall_server.domain.policy import choose_next, is_overdue, may_call, queue_position

CST = timezone(timedelta(hours=8))
RESET = time(4)
START = datetime(2026, 11, 21, 7, 0, tzinfo=CST)
CATEGORIES = {
    "A": CategoryRules("A", "A", daily_quota=12),
    "B": CategoryRules("B", "B"),
    "C": CategoryRules("C", "C", hours=((time(8), time(20)),)),
}
ACTIVE = {TicketState.CALLED, TicketState.SERVING, TicketState.SUSPENDED}
POLICIES = st.builds(
    CallPolicy,
    priority_run=st.integers(0, 2),
    promote_after_minutes=st.sampled_from([0, 15, 60]),
    requeue_offset=st.integers(0, 3),
    max_recalls=st.integers(0, 2),
    max_requeues=st.integers(0, 2),
)
PRIORITIES = st.sampled_from([Priority.NORMAL] * 3 + [Priority.GREEN, Priority.APPOINTMENT])
TRANSFERS = {"transfer:A": ("A", None), "transfer:B": ("B", None), "transfer:w2": (None, "w2"),
             "transfer:C,w3": ("C", "w3"), "transfer:": (None, None)}
ACTIONS = ("call", "recall", "skip", "skip", "start", "start", "suspend", "resume", "finish", "finish",
           "requeue", "requeue", *TRANSFERS)
STEPS = settings(max_examples=100, stateful_step_count=40, deadline=None)


def fifo_key(ticket: Ticket):
    return (ticket.queued_at, ticket.serial)


class Hall(RuleBasedStateMachine):
    """One hall: three windows with overlapping categories and one random policy."""

    @initialize(policy=POLICIES)
    def open_hall(self, policy):
        self.now = START
        self.windows = {
            "w1": WindowRules("w1", 1, ("A", "B"), policy=policy),
            "w2": WindowRules("w2", 2, ("B", "A"), policy=policy),
            "w3": WindowRules("w3", 3, ("C", "A"), policy=policy),
        }
        self.tickets: dict[str, Ticket] = {}
        self.serials: dict[tuple[str, str], int] = {}
        self.current = {wid: None for wid in self.windows}
        self.history = {wid: [] for wid in self.windows}
        self.skipped = {wid: [] for wid in self.windows}
        self.finished: dict[str, Ticket] = {}
        self.day = numbering_day(self.now, RESET).isoformat()

    # helpers ----------------------------------------------------------------------------

    def waiting(self) -> list[Ticket]:
        return [t for t in self.tickets.values() if t.state == TicketState.WAITING]

    def put(self, ticket: Ticket) -> None:
        self.tickets[ticket.id] = ticket
        if ticket.state == TicketState.DONE:
            self.finished[ticket.id] = ticket

    def release(self, window_id: str) -> None:
        self.current[window_id] = None

    # rules ------------------------------------------------------------------------------

    @rule(arrivals=st.lists(st.tuples(st.sampled_from(sorted(CATEGORIES)), PRIORITIES, st.sampled_from([0, 1, 20])),
                            min_size=1, max_size=5))
    def issue(self, arrivals):
        """A few residents take numbers, some in the very same instant (gap 0 seconds)."""
        for category, priority, gap in arrivals:
            self.now += timedelta(seconds=gap)
            self.issue_one(category, priority)

    def issue_one(self, category, priority):
        rules = CATEGORIES[category]
        issued = self.serials.get((self.day, category), 0)
        try:
            check_issue(rules, None, self.now, issued, 0, None)
        except DomainError as err:
            assert err.code in {"quota_exhausted", "outside_hours"}
            return
        serial = issued + 1
        self.serials[(self.day, category)] = serial
        ticket_id = f"{self.day}/{category}/{serial}"
        self.put(Ticket(id=ticket_id, number=format_number(rules.prefix, serial, rules.padding), serial=serial,
                        category=category, day=self.day, issued_at=self.now, queued_at=self.now, priority=priority))

    @rule(minutes=st.integers(0, 120))
    def advance(self, minutes):
        self.now += timedelta(minutes=minutes)
        day = numbering_day(self.now, RESET).isoformat()
        if day != self.day:  # the end-of-day sweep: everything still open expires
            for ticket in list(self.tickets.values()):
                if ticket.state not in life.FINAL_STATES:
                    self.put(life.expire(ticket, self.now))
            self.current = {wid: None for wid in self.windows}
            self.day = day

    @rule(window_id=st.sampled_from(["w1", "w2", "w3"]), actions=st.lists(st.sampled_from(ACTIONS), max_size=6))
    def desk(self, window_id, actions):
        """The clerk at one window presses a few buttons: call next, then whatever."""
        self.call_next(window_id)
        for action in actions:
            if action == "call":
                self.call_next(window_id)
            elif action.startswith("transfer"):
                self.transfer(window_id, *TRANSFERS[action])
            elif action == "requeue":
                self.requeue_last(window_id)
            else:
                self.act(window_id, action)

    @rule()
    def service_round(self):
        """Every window moves its ticket one step on (resume, finish, start) or calls the
        next one, so the line actually drains between the random button presses."""
        for window_id in self.windows:
            ticket_id = self.current[window_id]
            state = self.tickets[ticket_id].state if ticket_id else None
            step = {TicketState.CALLED: "start", TicketState.SERVING: "finish", TicketState.SUSPENDED: "resume"}
            if state in step:
                self.act(window_id, step[state])
            else:
                self.call_next(window_id)

    def call_next(self, window_id):
        if self.current[window_id] is not None:
            return
        window = self.windows[window_id]
        chosen = choose_next(window, list(self.tickets.values()), self.now, self.history[window_id])
        if chosen is None:
            assert not any(may_call(window, t) for t in self.waiting())
            return
        assert chosen.state == TicketState.WAITING
        assert chosen.target_window == window_id or (
            chosen.target_window is None and chosen.category in window.categories)
        self.check_fifo(window, chosen)
        self.check_no_starvation(window, chosen)
        called = life.call(chosen, window_id, f"clerk-{window_id}", self.now)
        self.put(called)
        self.current[window_id] = called.id
        self.history[window_id].append(called)

    def check_fifo(self, window: WindowRules, chosen: Ticket) -> None:
        targeted = chosen.target_window == window.id
        for other in self.waiting():
            same_line = (other.category == chosen.category and other.priority == chosen.priority
                         and (other.target_window == window.id) == targeted and may_call(window, other))
            if same_line:
                assert fifo_key(chosen) <= fifo_key(other), (chosen.number, other.number)

    def check_no_starvation(self, window: WindowRules, chosen: Ticket) -> None:
        if chosen.target_window == window.id:
            return
        limit = window.policy.promote_after_minutes
        for other in self.waiting():
            if other.target_window is None and may_call(window, other) and is_overdue(other, self.now, limit):
                assert fifo_key(chosen) <= fifo_key(other), (chosen.number, other.number)

    def act(self, window_id, action):
        ticket_id = self.current[window_id]
        if ticket_id is None:
            return
        before = self.tickets[ticket_id]
        allowed = {"recall": {TicketState.CALLED}, "skip": {TicketState.CALLED}, "start": {TicketState.CALLED},
                   "suspend": {TicketState.SERVING}, "resume": {TicketState.SUSPENDED},
                   "finish": {TicketState.SERVING}}[action]
        args = (self.windows[window_id].policy,) if action == "recall" else ()
        try:
            after = getattr(life, action)(before, self.now, *args)
        except DomainError as err:
            assert err.code == "bad_state"
            limit_hit = action == "recall" and before.recall_count >= self.windows[window_id].policy.max_recalls
            assert before.state not in allowed or limit_hit
            return
        assert before.state in allowed
        self.put(after)
        if after.state == TicketState.NO_SHOW:
            self.skipped[window_id].append(after.id)
        if after.state in (TicketState.DONE, TicketState.NO_SHOW):
            self.release(window_id)

    def transfer(self, window_id, to_category, to_window):
        ticket_id = self.current[window_id]
        if ticket_id is None:
            return
        before = self.tickets[ticket_id]
        if before.state == TicketState.SUSPENDED:  # resume first
            try:
                life.transfer(before, self.now, to_category=to_category, to_window=to_window)
            except DomainError as err:
                assert err.code == "bad_state"
                return
            raise AssertionError("a suspended ticket was transferred")
        after = life.transfer(before, self.now, to_category=to_category, to_window=to_window)
        assert (after.number, after.serial, after.issued_at, after.day) == (
            before.number, before.serial, before.issued_at, before.day)
        assert after.queued_at == before.issued_at and after.state == TicketState.WAITING
        assert after.transfer_count == before.transfer_count + 1
        self.put(after)
        self.release(window_id)

    def requeue_last(self, window_id):
        """过号重排 of the latest no-show this window marked, if it is still one."""
        if not self.skipped[window_id]:
            return
        before = self.tickets[self.skipped[window_id].pop()]
        if before.state != TicketState.NO_SHOW:
            return
        policy = self.windows[window_id].policy
        try:
            after = life.requeue(before, self.now, policy, self.waiting())
        except DomainError as err:
            assert err.code == "bad_state" and before.requeue_count >= policy.max_requeues
            return
        assert after.number == before.number and after.state == TicketState.WAITING
        assert after.queued_at.microsecond % 1000 == 0  # whole milliseconds survive the store
        line = sorted((t for t in self.waiting() if t.category == after.category), key=fifo_key)
        ahead = sum(fifo_key(t) < fifo_key(after) for t in line)
        expected = min(policy.requeue_offset, len(line))
        if 0 < expected < len(line) and line[expected].queued_at - line[expected - 1].queued_at < timedelta(milliseconds=2):
            assert 0 <= ahead <= len(line)  # tickets taken in the same instant cannot always be split
        else:
            assert ahead == expected, (ahead, expected)
        self.put(after)

    @precondition(lambda self: any(t.state in (TicketState.WAITING, TicketState.NO_SHOW)
                                   for t in self.tickets.values()))
    @rule(data=st.data())
    def cancel(self, data):
        open_ids = sorted(t.id for t in self.tickets.values() if t.state in (TicketState.WAITING, TicketState.NO_SHOW))
        self.put(life.cancel(self.tickets[data.draw(st.sampled_from(open_ids))], self.now))

    @precondition(lambda self: bool(self.finished))
    @rule(data=st.data(), action=st.sampled_from(["start", "finish", "cancel", "expire", "skip", "resume"]))
    def finished_ticket_refuses(self, data, action):
        ticket = self.finished[data.draw(st.sampled_from(sorted(self.finished)))]
        try:
            getattr(life, action)(ticket, self.now)
        except DomainError as err:
            assert err.code == "bad_state"
        else:
            raise AssertionError(f"{action} changed a finished ticket")

    # invariants -------------------------------------------------------------------------

    @invariant()
    def numbers_unique_per_category_and_day(self):
        if not hasattr(self, "tickets"):
            return
        numbers = [(t.day, t.number) for t in self.tickets.values()]
        assert len(numbers) == len(set(numbers))
        for (day, category), serial in self.serials.items():
            quota = CATEGORIES[category].daily_quota
            assert quota is None or serial <= quota

    @invariant()
    def one_ticket_per_window_and_one_window_per_ticket(self):
        if not hasattr(self, "tickets"):
            return
        active = [t for t in self.tickets.values() if t.state in ACTIVE]
        held = [tid for tid in self.current.values() if tid is not None]
        assert sorted(held) == sorted(t.id for t in active)
        for window_id, ticket_id in self.current.items():
            if ticket_id is not None:
                assert self.tickets[ticket_id].window_id == window_id

    @invariant()
    def finished_tickets_never_change(self):
        if not hasattr(self, "tickets"):
            return
        for ticket_id, ticket in self.finished.items():
            assert self.tickets[ticket_id] == ticket


TestHallInvariants = Hall.TestCase
TestHallInvariants.settings = STEPS


# queue_position against a plain round-robin of choose_next -------------------------------

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=CST)


@st.composite
def queues(draw):
    count = draw(st.integers(1, 14))
    waiting = []
    for serial in range(1, count + 1):
        category = draw(st.sampled_from("ABC"))
        at = T0 + timedelta(minutes=draw(st.integers(0, 120)))
        waiting.append(Ticket(
            id=f"t{serial}", number=f"{category}{serial:03d}", serial=serial, category=category, day="2026-11-21",
            issued_at=at, queued_at=at, priority=draw(st.sampled_from(list(Priority))),
            target_window=draw(st.sampled_from([None, None, None, "w1", "w2"])),
            state=draw(st.sampled_from([TicketState.WAITING] * 4 + [TicketState.CALLED])),
        ))
    policy = draw(POLICIES)
    windows = [WindowRules(f"w{i}", i, tuple(draw(st.permutations("ABC"))[: draw(st.integers(1, 3))]),
                           state=draw(st.sampled_from([WindowState.OPEN, WindowState.OPEN, WindowState.CLOSED])),
                           policy=policy) for i in (1, 2, 3)]
    return waiting, windows


def round_robin_position(ticket, waiting, windows, now):
    able = sorted((w for w in windows if may_call(w, ticket)), key=lambda w: w.number)
    callers = [w for w in able if w.state == WindowState.OPEN] or able
    pool = [t for t in waiting if t.state == TicketState.WAITING]
    history = {w.id: [] for w in callers}
    called = 0
    while True:
        for window in callers:
            chosen = choose_next(window, pool, now, history[window.id])
            if chosen is None:
                continue
            if chosen.id == ticket.id:
                return called
            pool.remove(chosen)
            history[window.id].append(chosen)
            called += 1


@settings(max_examples=200, deadline=None)
@given(queues(), st.integers(0, 240))
def test_queue_position_is_the_round_robin_of_choose_next(queue, later):
    waiting, windows = queue
    now = T0 + timedelta(minutes=120 + later)
    for ticket in waiting:
        if ticket.state != TicketState.WAITING:
            continue
        if any(may_call(w, ticket) for w in windows):
            assert queue_position(ticket, waiting, windows, now) == round_robin_position(ticket, waiting, windows, now)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5000), st.integers(0, 600), st.sampled_from(list(Priority)),
       st.sampled_from([TicketState.CALLED, TicketState.SERVING]), st.sampled_from([None, "A", "B"]),
       st.sampled_from([None, "w1", "w2"]), st.integers(0, 600))
def test_transfer_keeps_number_and_issue_time(serial, requeued_after, priority, state, to_category, to_window, later):
    issued = T0 + timedelta(minutes=1)
    ticket = Ticket(id="t", number=format_number("C", serial), serial=serial, category="C", day="2026-11-21",
                    issued_at=issued, queued_at=issued + timedelta(minutes=requeued_after), priority=priority,
                    state=state, window_id="w3", called_at=T0 + timedelta(minutes=requeued_after + 2))
    after = life.transfer(ticket, T0 + timedelta(minutes=requeued_after + 3 + later),
                          to_category=to_category, to_window=to_window)
    assert (after.number, after.serial, after.issued_at, after.queued_at, after.priority) == (
        ticket.number, ticket.serial, issued, issued, priority)
    assert after.category == (to_category or "C") and after.target_window == to_window
    assert after.state == TicketState.WAITING and after.window_id is None
