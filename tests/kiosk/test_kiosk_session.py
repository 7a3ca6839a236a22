"""Session rules: idle timer, elderly mode and voice, help, and the personal-data wipe."""
from dataclasses import fields, is_dataclass
from datetime import timedelta
from types import SimpleNamespace
from typing import Mapping

from kiosk.core import messages
from kiosk.core.effects import Speak
from kiosk.core.errors import HallApiError, HallUnreachable
from kiosk.core.idle import ACTIVE, ASK, PAUSED, TIMEOUT, IdlePolicy, idle_verdict
from kiosk.core.intents import (Action, CallHelp, CardSwiped, Choose, CodeScanned, MoreTime, Open,
                                ReplayPrompt, Skip, Tick, ToggleElderly)
from kiosk.core.rehearsal import ManualClock, Rehearsal
from kiosk.core.screens import Confirmation, HomeScreen, PrintFailedScreen, Refused
from kiosk.core.settings import FlowSettings
from kiosk.core.take_number import ChooseCategory, Issuing

CARD = SimpleNamespace(number="11010519491231002X", name="欧阳娜娜")


def reachable_text(root) -> str:
    """Every string reachable from ``root`` through data (not through callables)."""
    seen, out, stack = set(), [], [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or callable(obj) and not is_dataclass(obj):
            continue
        seen.add(id(obj))
        if isinstance(obj, str):
            out.append(obj)
        elif isinstance(obj, Mapping):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            stack.extend(obj)
        elif is_dataclass(obj):
            stack.extend(getattr(obj, f.name) for f in fields(obj))
        elif hasattr(obj, "__dict__"):
            stack.extend(vars(obj).values())
    return "\n".join(out)


def holds_person(kiosk) -> bool:
    text = reachable_text(kiosk.session)
    return CARD.number in text or CARD.name in text


# --- idle timer ----------------------------------------------------------------------

def test_idle_verdict_counts_down_asks_then_times_out():
    policy, clock = IdlePolicy(timeout_s=60, ask_s=15), ManualClock()
    start = clock()
    at = lambda s: idle_verdict(policy, now=start + timedelta(seconds=s), last_activity=start, elderly=False)
    assert (at(0).kind, at(0).remaining_s) == (ACTIVE, 60)
    assert (at(44.5).kind, at(44.5).remaining_s) == (ACTIVE, 16)
    assert (at(45).kind, at(45).remaining_s) == (ASK, 15)
    assert (at(59.2).kind, at(59.2).remaining_s) == (ASK, 1)
    assert (at(60).kind, at(60).remaining_s) == (TIMEOUT, 0)
    elderly = idle_verdict(policy, now=start + timedelta(seconds=100), last_activity=start, elderly=True)
    assert (elderly.kind, elderly.remaining_s) == (ACTIVE, 80)
    assert idle_verdict(policy, now=start + timedelta(hours=1), last_activity=start, elderly=False,
                        paused=True).kind == PAUSED


def test_session_asks_then_more_time_resets_then_timeout_wipes():
    kiosk = Rehearsal()
    kiosk.do(Open("take_number"))
    kiosk.clock.advance(46)
    assert kiosk.session.idle().kind == ASK and kiosk.do(Tick()) is kiosk.screen
    kiosk.do(MoreTime())
    assert (kiosk.session.idle().kind, kiosk.session.idle().remaining_s) == (ACTIVE, 60)
    kiosk.clock.advance(60)
    kiosk.do(Tick())
    assert isinstance(kiosk.screen, HomeScreen)


def test_home_and_busy_screens_do_not_time_out():
    kiosk = Rehearsal()
    kiosk.clock.advance(3600)
    kiosk.do(Tick())
    assert kiosk.session.idle().kind == PAUSED and isinstance(kiosk.screen, HomeScreen)
    kiosk.do(Open("take_number"), Choose("A"), Choose("SB001"))
    kiosk.session.handle(Skip())                    # the issue call is in flight
    kiosk.clock.advance(3600)
    assert kiosk.session.handle(Tick()) == [] and isinstance(kiosk.screen, Issuing)


def test_elderly_mode_gives_more_time_speaks_each_step_and_resets_on_timeout():
    kiosk = Rehearsal()
    kiosk.do(ToggleElderly())
    assert kiosk.voice.spoken == [messages.prompt("home")[0]]
    kiosk.do(Open("take_number"))
    assert kiosk.voice.spoken[-1] == messages.prompt("choose_category")[0]
    kiosk.clock.advance(120)
    assert kiosk.session.idle().kind == ACTIVE
    kiosk.clock.advance(40)
    kiosk.do(Tick(), Tick())
    assert kiosk.voice.spoken.count(messages.prompt("ask_more_time")[0]) == 1   # asked once
    kiosk.clock.advance(30)
    kiosk.do(Tick())
    assert isinstance(kiosk.screen, HomeScreen) and not kiosk.session.elderly


def test_elderly_mode_left_on_at_home_is_reset_for_the_next_person():
    kiosk = Rehearsal()
    kiosk.do(ToggleElderly())
    kiosk.clock.advance(181)
    kiosk.do(Tick())
    assert not kiosk.session.elderly


def test_replay_speaks_the_current_prompt_in_any_mode_and_normal_mode_is_quiet():
    kiosk = Rehearsal()
    kiosk.do(Open("take_number"), Choose("A"))
    assert kiosk.voice.spoken == []
    kiosk.do(ReplayPrompt())
    assert kiosk.voice.spoken == [messages.prompt("choose_service")[0]]
    always = Rehearsal(FlowSettings(speak_always=True))
    always.do(Open("guide"))
    assert always.voice.spoken == [messages.prompt("guide_browse")[0]]


def test_confirmation_is_spoken_with_the_number_in_elderly_mode():
    kiosk = Rehearsal()
    kiosk.do(ToggleElderly(), Open("take_number"), Choose("A"), Choose("YB001"))
    assert isinstance(kiosk.screen, Confirmation)
    assert "A001" in kiosk.voice.spoken[-1]


def test_help_button_asks_for_a_person_with_the_current_problem():
    kiosk = Rehearsal()
    kiosk.hall.fail_next("issue_ticket", HallApiError("person_limit", "已达上限", "", status=409))
    kiosk.do(Open("take_number"), Choose("A"), Choose("YB001"))
    kiosk.do(Action(messages.HELP_DESK), CallHelp())
    assert kiosk.assistance == ["person_limit", "person_limit"] and isinstance(kiosk.screen, Refused)


def test_a_card_on_the_home_screen_is_ignored():
    kiosk = Rehearsal()
    assert kiosk.session.handle(CardSwiped(CARD)) == []
    assert isinstance(kiosk.screen, HomeScreen) and not holds_person(kiosk)
    assert "CardSwiped(<card>)" == repr(CardSwiped(CARD))


def test_unknown_code_on_the_home_screen():
    kiosk = Rehearsal()
    kiosk.do(CodeScanned("hello"))
    assert kiosk.screen.notice.code == "unknown_code"


# --- wipe: no ID number or name survives ----------------------------------------------

def test_timeout_while_the_server_is_down_wipes_the_card():
    kiosk = Rehearsal()
    kiosk.hall.fail_next("issue_ticket", HallUnreachable("ConnectionError"), times=9)
    kiosk.do(Open("take_number"), Choose("A"), Choose("SB001"), CardSwiped(CARD))
    assert isinstance(kiosk.screen, Issuing) and holds_person(kiosk)   # the scan does see it
    kiosk.clock.advance(61)
    kiosk.do(Tick())
    assert isinstance(kiosk.screen, HomeScreen) and not holds_person(kiosk)


def test_timeout_during_card_check_in_retry_wipes_the_card():
    kiosk = Rehearsal()
    kiosk.hall.appointments["APT1"] = {"category": "B", "service": "BDC01", "number": CARD.number}
    kiosk.hall.fail_next("check_in", HallUnreachable("ConnectionError"), times=9)
    kiosk.do(Open("check_in"), CardSwiped(CARD))
    assert kiosk.screen.notice.code == "server_unreachable"
    assert holds_person(kiosk)
    kiosk.clock.advance(61)
    kiosk.do(Tick())
    assert not holds_person(kiosk)


def test_finished_flows_keep_only_masked_data_and_home_keeps_none():
    kiosk = Rehearsal()
    kiosk.do(Open("take_number"), Choose("A"), Choose("SB001"), CardSwiped(CARD))
    assert isinstance(kiosk.screen, Confirmation) and not holds_person(kiosk)
    assert kiosk.screen.view.masked_name == "欧***"
    kiosk.printer.fail_next()
    kiosk.do(Action(messages.HOME), Open("take_number"), Choose("A"), Choose("SB001"), CardSwiped(CARD))
    assert isinstance(kiosk.screen, PrintFailedScreen) and not holds_person(kiosk)
    kiosk.hall.fail_next("issue_ticket", HallApiError("quota_exhausted", "号已取完", "", status=409))
    kiosk.do(Action(messages.HOME), Open("take_number"), Choose("A"), Choose("SB001"), CardSwiped(CARD))
    assert isinstance(kiosk.screen, Refused) and not holds_person(kiosk)
    kiosk.do(Action(messages.HOME))
    assert not holds_person(kiosk)
    assert all(CARD.number not in r.masked_name for r in kiosk.printer.printed)


def test_explicit_wipe_returns_home_in_standard_mode():
    kiosk = Rehearsal()
    kiosk.do(ToggleElderly(), Open("take_number"))
    assert isinstance(kiosk.screen, ChooseCategory)
    assert kiosk.session.wipe() == []
    assert isinstance(kiosk.screen, HomeScreen) and not kiosk.session.elderly
    assert Speak not in {type(e) for e in kiosk.session.handle(Open("guide"))}
