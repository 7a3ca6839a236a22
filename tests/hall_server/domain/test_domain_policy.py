"""The call policy by example: each rule of docs/call-policy.md, and queue positions."""
from datetime import datetime, timedelta, timezone

import pytest

from hall_server.domain.model import (
    CallPolicy, DomainError, Priority, Ticket, TicketState, WindowRules, WindowState,
)
from hall_server.domain.policy import (
    check_can_call, choose_next, interleave_due, is_overdue, may_call, queue_position, ranked,
)

CST = timezone(timedelta(hours=8))
T0 = datetime(2026, 11, 21, 9, 0, tzinfo=CST)
G, P, N = Priority.GREEN, Priority.APPOINTMENT, Priority.NORMAL


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def ticket(number: str, at: float, priority=N, **changes) -> Ticket:
    category, serial = number[0], int(number[1:])
    base = Ticket(id=number, number=number, serial=serial, category=category, day="2026-11-21",
                  issued_at=minutes(at), queued_at=minutes(at), priority=priority)
    return base.with_(**changes)


def window(wid="w1", categories=("A",), number=1, **policy) -> WindowRules:
    return WindowRules(id=wid, number=number, categories=categories, policy=CallPolicy(**policy))


def pick(w, waiting, now=10, recent=()):
    chosen = choose_next(w, waiting, minutes(now), recent)
    return chosen.number if chosen else None


def test_longest_waiting_first_within_a_class():
    assert pick(window(), [ticket("A003", 3), ticket("A001", 1), ticket("A002", 2)]) == "A001"


def test_equal_queue_times_fall_back_to_serial():
    assert pick(window(), [ticket("A005", 1), ticket("A004", 1)]) == "A004"


def test_green_before_appointment_before_normal():
    waiting = [ticket("A001", 1), ticket("A002", 2, P), ticket("A003", 3, G)]
    assert [t.number for t in ranked(window(), waiting, minutes(10))] == ["A003", "A002", "A001"]


def test_priority_order_is_configurable():
    waiting = [ticket("A002", 2, P), ticket("A003", 3, G)]
    assert pick(window(priority_order=(P, G, N)), waiting) == "A002"


def test_window_category_order_within_a_class():
    waiting = [ticket("A001", 1), ticket("B001", 5)]
    assert pick(window(categories=("B", "A")), waiting) == "B001"
    assert pick(window(categories=("A", "B")), waiting) == "A001"


def test_class_comes_before_category_order():
    waiting = [ticket("B001", 1), ticket("A001", 5, G)]
    assert pick(window(categories=("B", "A")), waiting) == "A001"


def test_other_categories_and_states_are_ignored():
    waiting = [ticket("C001", 0, G), ticket("A001", 1, state=TicketState.CALLED),
               ticket("A002", 2, state=TicketState.NO_SHOW), ticket("A003", 3)]
    assert pick(window(), waiting) == "A003"
    assert pick(window(), waiting[:3]) is None


def test_transfer_to_this_window_comes_first_even_for_a_foreign_category():
    waiting = [ticket("A001", 1, G), ticket("C007", 8, target_window="w1")]
    assert pick(window(), waiting) == "C007"


def test_ticket_transferred_to_another_window_is_reserved_for_it():
    waiting = [ticket("A001", 1, target_window="w2"), ticket("A002", 2)]
    assert pick(window("w1"), waiting) == "A002"
    assert pick(window("w2", categories=("B",)), waiting) == "A001"
    assert not may_call(window("w1"), waiting[0])


def test_overdue_normal_ticket_goes_before_newer_priority_tickets():
    waiting = [ticket("A001", 0), ticket("A002", 20, G), ticket("A003", 25, P)]
    w = window(promote_after_minutes=60)
    assert pick(w, waiting, now=60) == "A002"       # exactly 60 min is not yet "longer than"
    assert pick(w, waiting, now=60.5) == "A001"
    assert is_overdue(waiting[0], minutes(61), 60) and not is_overdue(waiting[0], minutes(61), 0)


def test_overdue_ignores_window_category_order_but_older_priority_still_wins():
    w = window(categories=("B", "A"), promote_after_minutes=30)
    assert pick(w, [ticket("A001", 0), ticket("B001", 20)], now=31) == "A001"
    assert pick(w, [ticket("A001", 5), ticket("A002", 0, G)], now=40) == "A002"


def test_promotion_can_be_turned_off():
    assert pick(window(promote_after_minutes=0), [ticket("A001", 0), ticket("A002", 50, G)], now=500) == "A002"


def test_interleave_two_priority_then_one_normal():
    w = window(priority_run=2)
    waiting = [ticket("A001", 1), ticket("A002", 2, G), ticket("A003", 3, G), ticket("A004", 4, G)]
    assert pick(w, waiting, recent=[ticket("A090", 0, G)]) == "A002"
    assert pick(w, waiting, recent=[ticket("A090", 0, G), ticket("A091", 0, P)]) == "A001"
    assert pick(w, waiting, recent=[ticket("A090", 0, G), ticket("A091", 0)]) == "A002"


def test_interleave_uses_only_the_newest_calls():
    w = window(priority_run=2)
    waiting = [ticket("A001", 1), ticket("A002", 2, G)]
    history = [ticket("A080", 0), ticket("A090", 0, G), ticket("A091", 0, G)]
    assert interleave_due(w, history)
    assert pick(w, waiting, recent=history) == "A001"


def test_interleave_without_a_normal_ticket_calls_the_priority_one():
    w = window(priority_run=1)
    assert pick(w, [ticket("A002", 2, G)], recent=[ticket("A090", 0, G)]) == "A002"


def test_interleave_does_not_override_a_transfer():
    w = window(priority_run=1)
    waiting = [ticket("A001", 1), ticket("A005", 5, G, target_window="w1")]
    assert pick(w, waiting, recent=[ticket("A090", 0, G)]) == "A005"


def test_strict_priority_when_run_is_zero():
    w = window(priority_run=0)
    history = [ticket(f"A09{i}", 0, G) for i in range(5)]
    assert not interleave_due(w, history)
    assert pick(w, [ticket("A001", 1), ticket("A002", 2, G)], recent=history) == "A002"


def test_window_state_refusals():
    check_can_call(window())
    for state, code in ((WindowState.PAUSED, "window_paused"), (WindowState.CLOSED, "window_closed")):
        w = WindowRules(id="w5", number=5, categories=("A",), state=state)
        with pytest.raises(DomainError) as caught:
            check_can_call(w)
        assert caught.value.code == code and "5 号窗口" in caught.value.message


# queue_position ------------------------------------------------------------------------

def test_position_in_a_single_line():
    waiting = [ticket("A001", 1), ticket("A002", 2), ticket("A003", 3)]
    w = window()
    assert [queue_position(t, waiting, [w], minutes(10)) for t in waiting] == [0, 1, 2]


def test_position_counts_priority_tickets_that_jump_ahead():
    waiting = [ticket("A001", 1), ticket("A002", 2), ticket("A003", 3, G)]
    assert queue_position(waiting[1], waiting, [window()], minutes(10)) == 2


def test_position_with_two_windows_taking_turns():
    # w1 prefers A, w2 prefers B. B002 is behind B001 only: w1 calls A001, w2 B001, w1 A002, w2 B002.
    waiting = [ticket("A001", 1), ticket("A002", 2), ticket("A003", 3), ticket("B001", 4), ticket("B002", 5)]
    windows = [window("w1", ("A", "B"), 1), window("w2", ("B", "A"), 2)]
    assert queue_position(waiting[4], waiting, windows, minutes(10)) == 3


def test_position_ignores_windows_that_cannot_call_it_and_closed_ones():
    waiting = [ticket("A001", 1), ticket("B001", 2), ticket("B002", 3)]
    closed = WindowRules(id="w9", number=9, categories=("B",), state=WindowState.CLOSED)
    windows = [window("w1", ("A",), 1), window("w2", ("B",), 2), closed]
    assert queue_position(waiting[2], waiting, windows, minutes(10)) == 1


def test_position_when_every_window_is_closed_uses_them_anyway():
    waiting = [ticket("A001", 1), ticket("A002", 2, G), ticket("A003", 3)]
    closed = WindowRules(id="w1", number=1, categories=("A",), state=WindowState.CLOSED)
    assert queue_position(waiting[2], waiting, [closed], minutes(10)) == 2


def test_position_without_any_window_is_first_come_in_category():
    waiting = [ticket("A001", 1), ticket("A002", 2, G), ticket("B001", 0), ticket("A003", 3)]
    assert queue_position(waiting[3], waiting, [], minutes(10)) == 2


def test_position_of_a_transferred_ticket_counts_only_its_target_window():
    waiting = [ticket("A001", 1), ticket("A002", 2, target_window="w2"), ticket("A003", 0, target_window="w2")]
    windows = [window("w1", ("A",), 1), window("w2", ("A",), 2)]
    assert queue_position(waiting[1], waiting, windows, minutes(10)) == 1


def test_position_of_a_ticket_not_waiting_is_zero():
    t = ticket("A001", 1, state=TicketState.CALLED)
    assert queue_position(t, [t, ticket("A000", 0)], [window()], minutes(10)) == 0


def test_position_honours_interleave_within_the_simulation():
    w = window(priority_run=1)
    waiting = [ticket("A001", 1), ticket("A002", 2), ticket("A010", 3, G), ticket("A011", 4, G)]
    # w calls A010 (G), then a normal is due: A001, then A011 (G), then A002.
    assert queue_position(waiting[1], waiting, [w], minutes(10)) == 3
    assert queue_position(waiting[0], waiting, [w], minutes(10)) == 1


def test_interleave_does_not_pass_an_overdue_ticket():
    w = window(priority_run=1, promote_after_minutes=30)
    waiting = [ticket("A001", 20), ticket("A002", 0, G)]  # the green ticket has waited 40 minutes
    assert pick(w, waiting, now=40, recent=[ticket("A090", 0, P)]) == "A002"


# The worked examples of docs/call-policy.md, as written there ----------------------------

from hall_server.domain import tickets as life  # noqa: E402


def at(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 11, 21, hour, minute, second, tzinfo=CST)


def doc_ticket(number: str, hour: int, minute: int, priority=N, **changes) -> Ticket:
    return ticket(number, 0, priority, issued_at=at(hour, minute), queued_at=at(hour, minute), **changes)


def calls(w, waiting, now, count):
    """Let window ``w`` call ``count`` times with nobody new arriving."""
    history, pool, called = [], list(waiting), []
    for _ in range(count):
        chosen = choose_next(w, pool, now, history)
        history.append(chosen)
        pool.remove(chosen)
        called.append(chosen.number)
    return called


def test_doc_example_1_first_come_first_called():  # call-policy.md example 1
    waiting = [doc_ticket("A003", 9, 3), doc_ticket("A001", 9, 1), doc_ticket("A002", 9, 2)]
    assert calls(window(), waiting, at(9, 30), 3) == ["A001", "A002", "A003"]
    assert calls(window(), [doc_ticket("A005", 9, 5), doc_ticket("A004", 9, 5)], at(9, 30), 1) == ["A004"]


def test_doc_example_2_classes():  # call-policy.md example 2
    waiting = [doc_ticket("A001", 9, 1), doc_ticket("A002", 9, 2, P), doc_ticket("A003", 9, 3, G)]
    assert calls(window(), waiting, at(9, 30), 3) == ["A003", "A002", "A001"]
    assert calls(window(priority_order=(P, G, N)), waiting, at(9, 30), 1) == ["A002"]


def test_doc_example_3_two_windows_two_category_orders():  # call-policy.md example 3
    waiting = [doc_ticket("A001", 9, 1), doc_ticket("B001", 9, 5)]
    assert calls(window("w1", ("A", "B")), waiting, at(9, 30), 1) == ["A001"]
    assert calls(window("w2", ("B", "A")), waiting, at(9, 30), 1) == ["B001"]
    assert calls(window("w2", ("B", "A")), [doc_ticket("A001", 9, 1)], at(9, 30), 1) == ["A001"]


def test_doc_example_4_class_beats_category_order():  # call-policy.md example 4
    waiting = [doc_ticket("B001", 9, 1), doc_ticket("A001", 9, 5, G)]
    assert calls(window(categories=("B", "A")), waiting, at(9, 30), 1) == ["A001"]


def test_doc_example_5_promotion():  # call-policy.md example 5
    waiting = [doc_ticket("A001", 9, 0), doc_ticket("A002", 9, 20, G), doc_ticket("A003", 9, 25, P)]
    assert calls(window(), waiting, at(10, 0), 1) == ["A002"]
    assert calls(window(), waiting, at(10, 0, 30), 1) == ["A001"]
    w = window(categories=("B", "A"), promote_after_minutes=30)
    assert calls(w, [doc_ticket("A001", 9, 0), doc_ticket("B001", 9, 20)], at(9, 31), 1) == ["A001"]
    assert calls(w, [doc_ticket("A002", 9, 0, G), doc_ticket("A001", 9, 5)], at(9, 40), 1) == ["A002"]


def test_doc_example_6_interleave_two_to_one():  # call-policy.md example 6
    labels = (("G001", G), ("G002", G), ("G003", G), ("N001", N), ("N002", N))  # all of category A
    waiting = [doc_ticket(label, 9, minute, priority, category="A")
               for minute, (label, priority) in enumerate(labels, start=1)]
    w = window(priority_run=2)
    assert calls(w, waiting, at(9, 30), 5) == ["G001", "G002", "N001", "G003", "N002"]
    overdue = [t if t.number != "N001" else t.with_(queued_at=at(8, 0)) for t in waiting]
    assert calls(w, overdue, at(9, 30), 1) == ["N001"]


def test_doc_example_7_transfer():  # call-policy.md example 7
    a7 = life.start(life.call(doc_ticket("A007", 9, 7), "w1", None, at(9, 40)), at(9, 41))
    moved = life.transfer(a7, at(10, 0), to_window="w5")
    assert (moved.target_window, moved.queued_at) == ("w5", at(9, 7))
    w5 = window("w5", ("C",), 5)
    assert calls(w5, [doc_ticket("C001", 9, 0, G), moved], at(10, 1), 1) == ["A007"]
    to_b = life.transfer(a7, at(10, 0), to_category="B")
    line = [doc_ticket("B001", 9, 5), doc_ticket("B002", 9, 9), to_b]
    assert calls(window(categories=("B",)), line, at(10, 1), 3) == ["B001", "A007", "B002"]


def test_doc_example_8_requeue():  # call-policy.md example 8
    no_show = life.skip(life.call(doc_ticket("A003", 9, 3), "w1", None, at(9, 20)), at(9, 22))
    waiting = [doc_ticket(f"A0{m}", 9, m) for m in (10, 11, 12, 13, 14)]
    back = life.requeue(no_show, at(9, 30), CallPolicy(requeue_offset=3), waiting)
    assert back.number == "A003" and at(9, 12) < back.queued_at < at(9, 13)
    assert calls(window(), waiting + [back], at(9, 30), 6) == ["A010", "A011", "A012", "A003", "A013", "A014"]
    assert life.requeue(no_show, at(9, 30), CallPolicy(), waiting[:2]).queued_at == at(9, 30)
    front = life.requeue(no_show, at(9, 30), CallPolicy(requeue_offset=0), waiting)
    assert calls(window(), waiting + [front], at(9, 30), 1) == ["A003"]


def test_doc_queue_position_example():  # call-policy.md "How many are ahead"
    waiting = [doc_ticket("A001", 9, 1), doc_ticket("A002", 9, 2), doc_ticket("A003", 9, 3),
               doc_ticket("B001", 9, 4), doc_ticket("B002", 9, 5)]
    windows = [window("w1", ("A", "B"), 1), window("w2", ("B", "A"), 2)]
    assert queue_position(waiting[4], waiting, windows, at(9, 30)) == 3
