"""The counter console's pure core: actions, debounce, retries, LED, evaluation, privacy."""
from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from kiosk.core.errors import HallApiError, HallUnreachable
from kiosk.counter.core import actions as A
from kiosk.counter.core.console import ConsoleSettings, CounterConsole
from kiosk.counter.core.intents import (AskRating, CallServer, CancelPending, EndRating, HallEventArrived,
                                        LedContent, PadFailed, Press, RatingDeclined, RatingExpired, RatingGiven,
                                        RatingTimedOut,
                                        RetryDue, Schedule, ServerFailed, ServerReplied, ShowLed)
from kiosk.counter.core.model import ClerkInfo
from kiosk.counter.core.ops import (CallChosen, LoadState, MarkUnrated, PauseWindow, SubmitRating, TransferTicket,
                                    WindowAction)

TZ = timezone(timedelta(hours=8))
T0 = datetime(2026, 11, 23, 9, 30, tzinfo=TZ)


class Clock:
    def __init__(self):
        self.mono, self.wall = 100.0, T0

    def advance(self, seconds: float):
        self.mono += seconds
        self.wall += timedelta(seconds=seconds)


def ticket(number="A001", state="waiting", *, id=None, category="A", priority="normal", **extra):
    body = {"id": id or f"t-{number}", "number": number, "state": state, "category": category,
            "category_name": "综合受理", "priority": priority, "issued_at": T0.isoformat(), "window_id": None,
            "recall_count": 0, "requeue_count": 0, "transfer_count": 0, "name_masked": None, "id_masked": None}
    body.update(extra)
    return body


def window(state="open", current=None, clerk=None, categories=("A", "B")):
    return {"id": "w1", "number": 5, "name": "5号窗口", "state": state, "categories": list(categories),
            "clerk": clerk, "pause_reason": None,
            "current_ticket": {"id": current["id"], "number": current["number"], "state": current["state"]}
            if current else None}


def state(win=None, waiting=(), current=None, no_shows=(), server_time=T0):
    return {"window": win or window(current=current), "waiting": list(waiting), "current": current,
            "no_shows": list(no_shows), "server_time": server_time.isoformat()}


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def console(clock):
    ids = (f"rid-{n}" for n in itertools.count(1))
    return CounterConsole("w1", ClerkInfo("clerk", "王*", "0001"), ConsoleSettings(evaluation_timeout_s=30),
                          monotonic=lambda: clock.mono, wall_clock=lambda: clock.wall,
                          new_request_id=lambda: next(ids))


def load(console, body):
    effects = console.start() if not console.loading else []
    return effects + console.handle(ServerReplied(LoadState("w1"), body))


def server_op(effects):
    ops = [e.op for e in effects if isinstance(e, CallServer) and not isinstance(e.op, LoadState)]
    assert len(ops) == 1, effects
    return ops[0]


# --- actions and hotkeys ---------------------------------------------------------------

def test_default_hotkeys_map_keys_to_actions_in_any_spelling():
    keys = A.HotkeyMap()
    assert keys.action_for("F1") == A.CALL_NEXT
    assert keys.action_for("f2") == A.RECALL
    assert keys.action_for("shift + f9") == A.RESUME
    assert keys.action_for("F12") is None
    assert keys.key_for(A.FINISH) == "F5"


def test_hotkey_overrides_and_removal():
    keys = A.HotkeyMap({"call_next": "ctrl+space", "recall": ""})
    assert keys.action_for("Ctrl+Space") == A.CALL_NEXT
    assert keys.action_for("F1") is None
    assert keys.key_for(A.RECALL) == ""


@pytest.mark.parametrize("overrides, fragment", [
    ({"call_next": "F2"}, "F2"),                 # clashes with recall's default
    ({"fly": "F11"}, "fly"),
    ({"start": "Hyper+X"}, "Hyper"),
    ({"start": "Ctrl+Ctrl+X"}, "Ctrl"),
    ({"start": "Ctrl+"}, "Ctrl+"),
])
def test_bad_hotkeys_are_refused_in_both_languages(overrides, fragment):
    with pytest.raises(A.HotkeyError) as caught:
        A.HotkeyMap(overrides)
    assert fragment in caught.value.message and fragment in caught.value.message_en


def test_pad_keys_map_to_the_same_actions_as_buttons():
    assert A.action_for_pad_key("call_next") == A.CALL_NEXT
    assert A.action_for_pad_key("no_show") == A.NO_SHOW
    assert A.action_for_pad_key("help") == A.HELP
    assert A.action_for_pad_key("launch") is None


# --- state from the server -----------------------------------------------------------------

def test_start_reads_the_window_and_orders_the_waiting_line(console):
    effects = console.start()
    assert effects == [CallServer(LoadState("w1"))]
    waiting = [ticket("B001", category="B", issued_at=(T0 - timedelta(minutes=30)).isoformat()),
               ticket("A002", issued_at=(T0 - timedelta(minutes=5)).isoformat()),
               ticket("A003", priority="green"),
               ticket("C004", category="C", target_window="w1", transfer_count=1),
               ticket("A005", target_window="w9", transfer_count=1)]
    effects = console.handle(ServerReplied(LoadState("w1"), state(waiting=waiting)))
    assert effects == [ShowLed(LedContent("blank"))]
    view = console.view()
    assert [r.number for r in view.waiting] == ["C004", "A003", "A002", "B001"]
    assert view.waiting[0].marks == ("transferred_here",)
    assert view.waiting[1].marks == ("green",)
    assert view.waiting[3].wait_min == 30
    assert view.enabled[A.CALL_NEXT] and not view.enabled[A.RECALL]


def test_relevant_events_reload_once_while_a_load_is_running(console):
    load(console, state())
    assert console.handle(HallEventArrived("ticket.issued", {"category": "Z"})) == []
    assert console.handle(HallEventArrived("evaluation.recorded", {"window_id": "w1", "level": 1})) == []
    assert console.handle(HallEventArrived("ticket.issued", {"category": "B"})) == [CallServer(LoadState("w1"))]
    assert console.handle(HallEventArrived("window.state", {"window_id": "w1"})) == []   # coalesced
    assert console.handle(ServerReplied(LoadState("w1"), state())) == [CallServer(LoadState("w1"))]


def test_server_clock_offset_drives_the_timer(console, clock):
    serving = ticket("A001", "serving", window_id="w1", started_at=(T0 + timedelta(hours=2)).isoformat())
    load(console, state(current=serving, server_time=T0 + timedelta(hours=2, minutes=1)))
    assert console.view().current.timer == "01:00"
    clock.advance(65)
    assert console.view().current.timer == "02:05"


# --- clerk actions ---------------------------------------------------------------------------

def test_call_next_shows_the_call_on_the_led_and_reloads(console):
    load(console, state(waiting=[ticket("A001")]))
    op = server_op(console.handle(Press(A.CALL_NEXT)))
    assert op == WindowAction(A.CALL_NEXT, "w1", "rid-1")
    effects = console.handle(ServerReplied(op, ticket("A001", "called", window_id="w1")))
    assert ShowLed(LedContent("call", "A001", 5)) in effects
    assert CallServer(LoadState("w1")) in effects
    view = console.view()
    assert view.current.number == "A001" and view.current.state_zh == "已呼叫"
    assert view.enabled[A.RECALL] and view.enabled[A.START] and not view.enabled[A.CALL_NEXT]
    assert view.notice.zh == "已呼叫 A001"


def test_call_debounce_blocks_a_second_call_within_three_seconds(console, clock):
    called = ticket("A001", "called", window_id="w1")
    load(console, state(current=called))
    op = server_op(console.handle(Press(A.RECALL)))
    console.handle(ServerReplied(op, {**called, "recall_count": 1}))
    clock.advance(1.0)
    assert console.handle(Press(A.RECALL, source="pad")) == []
    assert console.view().notice.code == "debounced" and "2 秒" in console.view().notice.zh
    clock.advance(2.0)
    op2 = server_op(console.handle(Press(A.RECALL, source="hotkey")))
    assert op2.request_id != op.request_id
    effects = console.handle(ServerReplied(op2, {**called, "recall_count": 2}))
    assert ShowLed(LedContent("call", "A001", 5)) in effects       # a recall shows the call again
    assert "第 2 次" in console.view().notice.zh


def test_a_refused_call_does_not_hold_the_debounce(console):
    load(console, state())
    op = server_op(console.handle(Press(A.CALL_NEXT)))
    console.handle(ServerFailed(op, HallApiError("no_ticket", "当前没有等候的号", "nobody waits", status=404)))
    assert console.view().notice.zh == "当前没有等候的号"
    assert server_op(console.handle(Press(A.CALL_NEXT))) != op


def test_actions_that_make_no_sense_now_are_not_sent(console):
    load(console, state())
    for action in (A.RECALL, A.START, A.FINISH, A.RESUME, A.SUSPEND):
        assert console.handle(Press(action)) == []
        assert console.view().notice.code == "not_now"
    assert console.handle(Press(A.CALL_TICKET, ticket_id="nope")) == []


def test_unreachable_server_retries_the_same_operation_with_the_same_request_id(console):
    load(console, state(waiting=[ticket("A001")]))
    op = server_op(console.handle(Press(A.CALL_NEXT)))
    effects = console.handle(ServerFailed(op, HallUnreachable("ConnectionError")))
    assert effects == [Schedule(1.0, RetryDue(op))]
    assert console.view().retrying and not console.view().online
    assert console.handle(Press(A.FINISH)) == []                    # one action at a time
    assert console.view().notice.code == "busy"
    assert console.handle(RetryDue(op)) == [CallServer(op)]
    effects = console.handle(ServerFailed(op, HallUnreachable("ConnectionError")))
    assert effects == [Schedule(2.0, RetryDue(op))]
    # pressing the same button again retries at once, still with the first request_id
    assert console.handle(Press(A.CALL_NEXT)) == [CallServer(op)]
    console.handle(ServerReplied(op, ticket("A001", "called", window_id="w1")))
    assert console.in_flight is None and console.online
    assert console.handle(RetryDue(op)) == []                       # a stale timer does nothing


def test_a_successful_reload_resends_the_pending_operation(console):
    load(console, state(waiting=[ticket("A001")]))
    op = server_op(console.handle(Press(A.CALL_NEXT)))
    console.handle(ServerFailed(op, HallUnreachable("ConnectionError")))
    effects = load(console, state(waiting=[ticket("A001")]))
    assert CallServer(op) in effects
    assert op.request_id == "rid-1"


def test_cancel_pending_forgets_the_operation_and_reloads(console):
    load(console, state(waiting=[ticket("A001")]))
    op = server_op(console.handle(Press(A.CALL_NEXT)))
    console.handle(ServerFailed(op, HallUnreachable("ConnectionError")))
    assert console.handle(CancelPending()) == [CallServer(LoadState("w1"))]
    assert console.in_flight is None and console.view().notice.code == "abandoned"


def test_pause_with_reason_then_resume_drive_the_led(console):
    load(console, state())
    op = server_op(console.handle(Press(A.PAUSE, reason=" 临时离开 ")))
    assert op == PauseWindow("w1", "临时离开", "rid-1")
    effects = console.handle(ServerReplied(op, {**window(state="paused"), "pause_reason": "临时离开"}))
    assert ShowLed(LedContent("paused")) in effects
    assert console.view().window_state_zh == "暂停服务" and console.view().pause_reason == "临时离开"
    assert console.handle(Press(A.CALL_NEXT)) == []
    op = server_op(console.handle(Press(A.RESUME)))
    effects = console.handle(ServerReplied(op, window(state="open")))
    assert ShowLed(LedContent("blank")) in effects


def test_transfer_needs_exactly_one_target_and_call_ticket_a_waiting_one(console):
    load(console, state(current=ticket("A001", "serving", window_id="w1"), waiting=[ticket("A002")]))
    assert console.handle(Press(A.TRANSFER)) == []
    op = server_op(console.handle(Press(A.TRANSFER, to_category="C")))
    assert op == TransferTicket("w1", "C", None, "rid-1")
    console.handle(ServerReplied(op, ticket("A001", "waiting", target_window=None)))
    assert console.current is None
    op = server_op(console.handle(Press(A.CALL_TICKET, ticket_id="t-A002")))
    assert op == CallChosen("w1", "t-A002", "A002", "rid-2")


def test_requeue_offers_this_windows_no_shows_only(console):
    mine = ticket("A007", "no_show", window_id="w1", called_at=T0.isoformat())
    other = ticket("A008", "no_show", window_id="w2", called_at=T0.isoformat())
    load(console, state(no_shows=[mine, other]))
    assert [r.number for r in console.view().no_shows] == ["A007"]
    assert console.handle(Press(A.REQUEUE, ticket_id="t-A008")) == []
    op = server_op(console.handle(Press(A.REQUEUE, ticket_id="t-A007")))
    assert op.ticket_id == "t-A007"


def test_the_current_card_shows_masked_personal_data_and_appointment(console):
    current = ticket("A001", "called", window_id="w1", priority="appointment", appointment_code="YY123",
                     name_masked="张*", id_masked="3701**********123X")
    load(console, state(current=current))
    card = console.view().current
    assert (card.name_masked, card.id_masked, card.appointment_code) == ("张*", "3701**********123X", "YY123")
    assert card.marks == ("appointment",)


def test_the_led_follows_the_server_after_a_restart(console):
    called = ticket("A001", "called", window_id="w1")
    assert ShowLed(LedContent("call", "A001", 5)) in load(console, state(current=called))
    assert console.handle(ServerReplied(LoadState("w1"), state(current=called))) == []   # nothing new
    paused = state(win=window(state="paused"))
    assert console.handle(ServerReplied(LoadState("w1"), paused)) == [ShowLed(LedContent("paused"))]


# --- evaluation --------------------------------------------------------------------------------

def finish(console):
    serving = ticket("A001", "serving", window_id="w1", started_at=T0.isoformat())
    load(console, state(current=serving))
    op = server_op(console.handle(Press(A.FINISH)))
    return console.handle(ServerReplied(op, ticket("A001", "done", window_id="w1")))


def test_finish_asks_for_a_rating_with_a_deadline(console):
    effects = finish(console)
    asks = [e for e in effects if isinstance(e, AskRating)]
    assert len(asks) == 1 and asks[0].prompt.number == "A001" and asks[0].prompt.timeout_s == 30
    assert Schedule(35.0, RatingExpired(asks[0].prompt.request_id)) in effects
    assert ShowLed(LedContent("blank")) in effects
    assert console.view().evaluation.zh == "请群众评价 A001…"


def test_a_pad_rating_is_submitted_once_with_one_request_id(console):
    prompt = next(e for e in finish(console) if isinstance(e, AskRating)).prompt
    effects = console.handle(RatingGiven("A001", 5, channel="pad", request_id="pad-77"))
    op = server_op(effects)
    assert op == SubmitRating("t-A001", "A001", 5, (), None, "pad", "pad-77")
    assert console.handle(RatingGiven("A001", 5, channel="pad", request_id="pad-77")) == []    # repeated event
    assert console.handle(ServerFailed(op, HallUnreachable("ConnectionError"))) == [Schedule(2.0, RetryDue(op))]
    assert console.handle(RetryDue(op)) == [CallServer(op)]
    effects = console.handle(ServerReplied(op, {"id": "e1"}))
    assert [type(e) for e in effects] == [EndRating] and effects[0].prompt.status == "rated"
    assert console.handle(RatingExpired(prompt.request_id)) == []


def test_a_bad_pad_rating_without_reasons_records_the_fallback(console):
    finish(console)
    op = server_op(console.handle(RatingGiven("A001", 1, channel="pad")))
    assert op.reasons == ("评价器未选择原因",) and op.request_id.startswith("rid-")


def test_screen_rating_keeps_reasons_and_comment(console):
    finish(console)
    op = server_op(console.handle(RatingGiven("A001", 2, ("效率太低",), " 等太久 ", channel="screen")))
    assert (op.reasons, op.comment, op.channel) == (("效率太低",), "等太久", "screen")


def test_unrated_by_pad_timeout_or_console_deadline(console):
    prompt = next(e for e in finish(console) if isinstance(e, AskRating)).prompt
    assert console.handle(RatingTimedOut("A999")) == []
    effects = console.handle(RatingTimedOut("A001"))
    assert effects[0].prompt.status == "unrated"
    unrated = server_op(effects)
    assert unrated == MarkUnrated("t-A001", "A001", "timeout", "pad", f"{prompt.request_id}-unrated")
    assert console.handle(ServerFailed(unrated, HallUnreachable("x"))) == [Schedule(2.0, RetryDue(unrated))]
    assert console.handle(RetryDue(unrated)) == [CallServer(unrated)]
    assert console.handle(ServerReplied(unrated, {"created": True})) == []
    assert console.handle(RatingGiven("A001", 5)) == []           # too late: no rating after 未评
    assert console.handle(RatingExpired(prompt.request_id)) == []


def test_pad_failure_ends_the_prompt(console):
    finish(console)
    effects = console.handle(PadFailed("A001"))
    assert effects == [EndRating(replace(console.prompt, status="failed"))]
    assert console.view().notice.code == "pad_unavailable"


def test_the_resident_may_decline(console):
    finish(console)
    effects = console.handle(RatingDeclined("A001"))
    assert server_op(effects).reason == "declined"
    refused = HallApiError("not_found", "没有这个地址", "no such address", status=404)
    assert console.handle(ServerFailed(server_op(effects), refused)) == []     # an older server: fine
    assert console.rating_op is None and console.view().evaluation.zh == "A001 未评价"


def test_an_already_rated_ticket_counts_as_rated(console):
    finish(console)
    op = server_op(console.handle(RatingGiven("A001", 4)))
    effects = console.handle(ServerFailed(op, HallApiError("conflict", "已评价过", "already rated", status=409)))
    assert effects[0].prompt.status == "rated"


def test_the_clerk_never_sees_the_level_or_can_rate(console):
    finish(console)
    op = server_op(console.handle(RatingGiven("A001", 1, ("态度不好",), channel="screen")))
    console.handle(ServerReplied(op, {"id": "e1", "level": 1, "level_name": "非常不满意"}))
    console.handle(HallEventArrived("evaluation.recorded", {"level": 1, "level_name": "非常不满意", "window_id": "w1"}))
    shown = repr(console.view())
    for secret in ("非常不满意", "不满意", "态度不好", "level"):
        assert secret not in shown
    assert "已评价" in console.view().evaluation.zh
    assert not any(a.name in ("rate", "evaluate") for a in A.ACTIONS)


@pytest.mark.parametrize("mode", ["none", "tablet"])
def test_evaluation_modes_none_and_tablet_ask_nobody_here(clock, mode):
    console = CounterConsole("w1", ClerkInfo("clerk"), ConsoleSettings(evaluation_mode=mode),
                             monotonic=lambda: clock.mono, wall_clock=lambda: clock.wall)
    effects = finish(console)
    assert not [e for e in effects if isinstance(e, (AskRating, Schedule))]
    assert console.prompt is None


def test_resume_on_a_closed_window_opens_it(console):
    load(console, state(win=window(state="closed")))
    assert console.view().enabled[A.RESUME] and not console.view().enabled[A.CALL_NEXT]
    op = server_op(console.handle(Press(A.RESUME, source="pad")))
    assert op == WindowAction(A.OPEN, "w1", "rid-1")
    console.handle(ServerReplied(op, window(state="open")))
    assert console.view().enabled[A.CALL_NEXT] and console.view().notice.code == "resumed"
