"""The ticket life: every transition, its refusals, and the time figures."""
from datetime import datetime, timedelta, timezone

import pytest

from hall_server.domain import tickets as life
from hall_server.domain.model import CallPolicy, DomainError, Priority, Ticket, TicketState

CST = timezone(timedelta(hours=8))
T0 = datetime(2026, 11, 21, 9, 0, tzinfo=CST)


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def ticket(serial=1, category="A", at=0.0, **changes) -> Ticket:
    issued = minutes(at)
    base = Ticket(id=f"{category}{serial}", number=f"{category}{serial:03d}", serial=serial, category=category,
                  day="2026-11-21", issued_at=issued, queued_at=issued)
    return base.with_(**changes)


def called(**changes) -> Ticket:
    return life.call(ticket(**changes), "w1", "c07", minutes(5))


def serving() -> Ticket:
    return life.start(called(), minutes(6))


def test_call_sets_window_clerk_time_and_clears_target():
    t = life.call(ticket(target_window="w1", recall_count=2), "w1", "c07", minutes(5))
    assert (t.state, t.window_id, t.clerk, t.called_at, t.target_window) == (
        TicketState.CALLED, "w1", "c07", minutes(5), None)
    assert t.recall_count == 0


def test_transitions_return_new_tickets_and_leave_the_old_one_alone():
    before = ticket()
    after = life.call(before, "w1", None, minutes(1))
    assert before.state == TicketState.WAITING and after is not before


def test_recall_counts_up_to_the_limit_then_asks_for_no_show():
    policy = CallPolicy(max_recalls=2)
    t = life.recall(life.recall(called(), minutes(6), policy), minutes(7), policy)
    assert t.recall_count == 2 and t.state == TicketState.CALLED and t.called_at == minutes(5)
    with pytest.raises(DomainError) as caught:
        life.recall(t, minutes(8), policy)
    assert caught.value.code == "bad_state"
    assert "过号" in caught.value.message and "no-show" in caught.value.message_en


def test_skip_marks_no_show_and_keeps_the_window_for_statistics():
    t = life.skip(called(), minutes(8))
    assert t.state == TicketState.NO_SHOW and t.window_id == "w1"


def test_start_finish():
    t = life.finish(serving(), minutes(16))
    assert t.state == TicketState.DONE and t.started_at == minutes(6) and t.finished_at == minutes(16)
    assert life.service_seconds(t) == 600.0
    assert life.wait_seconds(t) == 300.0


def test_suspend_resume_excludes_suspended_time_from_service():
    t = life.suspend(serving(), minutes(8))
    assert t.state == TicketState.SUSPENDED and t.suspended_at == minutes(8)
    t = life.resume(t, minutes(11))
    assert t.state == TicketState.SERVING and t.suspended_at is None and t.suspended_seconds == 180.0
    t = life.resume(life.suspend(t, minutes(12)), minutes(13))
    assert t.suspended_seconds == 240.0
    done = life.finish(t, minutes(16))
    assert life.service_seconds(done) == 600.0 - 240.0


def test_finish_from_suspended_is_refused():
    with pytest.raises(DomainError) as caught:
        life.finish(life.suspend(serving(), minutes(8)), minutes(9))
    assert caught.value.code == "bad_state"
    assert "已挂起" in caught.value.message and "suspended" in caught.value.message_en


def test_transfer_to_category_keeps_number_serial_and_issue_time():
    t = life.transfer(serving(), minutes(20), to_category="B", to_service="B-1")
    assert (t.state, t.number, t.serial, t.issued_at, t.queued_at) == (
        TicketState.WAITING, "A001", 1, minutes(0), minutes(0))
    assert (t.category, t.service, t.transfer_count) == ("B", "B-1", 1)
    assert (t.window_id, t.clerk, t.called_at, t.started_at, t.target_window) == (None, None, None, None, None)


def test_transfer_to_window_sets_target_and_keeps_category():
    t = life.transfer(called(), minutes(6), to_window="w5")
    assert t.target_window == "w5" and t.category == "A" and t.transfer_count == 1


def test_transfer_after_requeue_returns_to_issue_time():
    t = ticket(queued_at=minutes(30))
    t = life.transfer(life.call(t, "w1", None, minutes(31)), minutes(32), to_category="B")
    assert t.queued_at == t.issued_at == minutes(0)


def test_transfer_from_waiting_is_refused():
    with pytest.raises(DomainError):
        life.transfer(ticket(), minutes(1), to_category="B")


def test_requeue_limits_and_resets_the_call():
    policy = CallPolicy(max_requeues=1)
    no_show = life.skip(called(), minutes(8))
    t = life.requeue(no_show, minutes(9), policy)
    assert t.state == TicketState.WAITING and t.number == "A001" and t.requeue_count == 1
    assert (t.window_id, t.called_at, t.queued_at) == (None, None, minutes(9))
    again = life.skip(life.call(t, "w2", None, minutes(10)), minutes(12))
    with pytest.raises(DomainError) as caught:
        life.requeue(again, minutes(13), policy)
    assert caught.value.code == "bad_state" and "重新取号" in caught.value.message


def test_requeue_from_waiting_is_refused():
    with pytest.raises(DomainError):
        life.requeue(ticket(), minutes(1), CallPolicy())


def line(count: int, category="A", first_serial=10) -> list[Ticket]:
    return [ticket(serial=first_serial + i, category=category, at=float(i)) for i in range(count)]


def order(tickets):
    return [t.id for t in sorted(tickets, key=lambda t: (t.queued_at, t.serial))]


def test_requeue_lands_behind_offset_waiting_tickets_of_its_category():
    waiting = line(5) + line(3, category="B")
    no_show = life.skip(called(serial=1), minutes(8))
    t = life.requeue(no_show, minutes(20), CallPolicy(requeue_offset=3), waiting)
    same_category = [w for w in waiting if w.category == "A"] + [t]
    assert order(same_category) == ["A10", "A11", "A12", "A1", "A13", "A14"]


def test_requeue_goes_to_the_end_when_fewer_wait():
    waiting = line(2)
    t = life.requeue(life.skip(called(serial=1), minutes(8)), minutes(20), CallPolicy(requeue_offset=3), waiting)
    assert t.queued_at == minutes(20)
    assert order(waiting + [t])[-1] == "A1"


def test_requeue_offset_zero_goes_to_the_front():
    waiting = line(3)
    t = life.requeue(life.skip(called(serial=1), minutes(8)), minutes(20), CallPolicy(requeue_offset=0), waiting)
    assert order(waiting + [t])[0] == "A1"


def test_requeue_position_splits_tickets_one_millisecond_apart():
    first = ticket(serial=10, at=1.0)
    second = ticket(serial=11, queued_at=first.queued_at + timedelta(milliseconds=1))
    me = ticket(serial=1)  # a lower serial than both, so the time alone must put it behind the first
    q = life.requeue_position(me, [first, second], minutes(20), CallPolicy(requeue_offset=1))
    assert order([first, second, me.with_(queued_at=q)]) == ["A10", "A1", "A11"]


def test_requeue_positions_are_whole_milliseconds_that_survive_the_store():
    waiting = [ticket(serial=10 + i, queued_at=minutes(1) + timedelta(microseconds=1500 * i)) for i in range(4)]
    me = ticket(serial=1)
    for offset in range(6):
        q = life.requeue_position(me, waiting, minutes(20) + timedelta(microseconds=777), CallPolicy(requeue_offset=offset))
        assert q.microsecond % 1000 == 0
        stored = [w.with_(queued_at=w.queued_at.replace(microsecond=w.queued_at.microsecond // 1000 * 1000))
                  for w in waiting]
        ahead = [w for w in stored if (w.queued_at, w.serial) < (q, me.serial)]
        assert len(ahead) == min(offset, 4)


def test_requeue_position_uses_the_serial_when_times_are_equal():
    same_time = [ticket(serial=s, at=1.0) for s in (10, 12)]
    me = ticket(serial=11)
    q = life.requeue_position(me, same_time, minutes(20), CallPolicy(requeue_offset=1))
    assert q == minutes(1) and order(same_time + [me.with_(queued_at=q)]) == ["A10", "A11", "A12"]


def test_requeue_position_ignores_other_states_and_itself():
    others = [ticket(serial=10, at=1, state=TicketState.CALLED), ticket(serial=11, at=2, state=TicketState.DONE)]
    me = ticket(serial=1)
    assert life.requeue_position(me, others + [me], minutes(20), CallPolicy(requeue_offset=1)) == minutes(20)


def test_cancel_from_waiting_and_no_show_only():
    assert life.cancel(ticket(), minutes(1)).state == TicketState.CANCELLED
    assert life.cancel(life.skip(called(), minutes(6)), minutes(7)).state == TicketState.CANCELLED
    with pytest.raises(DomainError):
        life.cancel(called(), minutes(6))


@pytest.mark.parametrize("state", [TicketState.WAITING, TicketState.CALLED, TicketState.SERVING,
                                   TicketState.SUSPENDED, TicketState.NO_SHOW])
def test_expire_from_every_open_state(state):
    assert life.expire(ticket(state=state), minutes(900)).state == TicketState.EXPIRED


@pytest.mark.parametrize("state", sorted(life.FINAL_STATES))
@pytest.mark.parametrize("action", ["call", "recall", "skip", "requeue", "start", "finish", "suspend",
                                    "resume", "transfer", "cancel", "expire"])
def test_final_states_refuse_every_transition(state, action):
    t = ticket(state=state)
    arguments = {"call": ("w1", None), "recall": (CallPolicy(),), "requeue": (CallPolicy(),)}
    function = getattr(life, action)
    with pytest.raises(DomainError) as caught:
        if action == "call":
            function(t, "w1", None, minutes(1))
        else:
            function(t, minutes(1), *arguments.get(action, ()))
    assert caught.value.code == "bad_state"
    assert caught.value.data == {"ticket": t.id, "state": str(state), "action": action}
    assert t.number in caught.value.message and t.number in caught.value.message_en


def test_transitions_refuse_naive_time():
    with pytest.raises(ValueError):
        life.call(ticket(), "w1", None, datetime(2026, 11, 21, 9))


def test_time_figures_are_none_until_known():
    assert life.wait_seconds(ticket()) is None
    assert life.service_seconds(called()) is None
    assert life.service_seconds(serving()) is None


def test_priority_survives_every_transition():
    t = ticket(priority=Priority.GREEN)
    t = life.transfer(life.call(t, "w1", None, minutes(1)), minutes(2), to_window="w2")
    assert t.priority == Priority.GREEN
