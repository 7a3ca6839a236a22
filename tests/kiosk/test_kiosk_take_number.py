"""取号 flow: every path and error, on the rehearsal hall (pure, no Qt, no HTTP)."""
from types import SimpleNamespace

import pytest

from kiosk.core import messages
from kiosk.core.effects import CallServer, IssueTicket, Schedule
from kiosk.core.errors import HallApiError, HallUnreachable
from kiosk.core.intents import (Action, Back, CardSwiped, Choose, Done, Home, Open, PrinterChanged,
                                PrinterHealth, RetryPrint, Search, ServerReplied, Skip, SubmitText,
                                UseKeypad)
from kiosk.core.rehearsal import Rehearsal
from kiosk.core.screens import Confirmation, HomeScreen, PrintFailedScreen, Refused
from kiosk.core.settings import FlowSettings
from kiosk.core.take_number import ChooseCategory, ChooseService, Issuing, RealName

ELDER = SimpleNamespace(number="11010519491231002X", name="张三")       # born 1949
YOUNG = SimpleNamespace(number="440524200001010016", name="李小红")     # born 2000 (synthetic)


def to_real_name(kiosk, service="SB001", category="A"):
    kiosk.do(Open("take_number"), Choose(category), Choose(service))
    assert isinstance(kiosk.screen, RealName)
    return kiosk.screen


def issue_calls(kiosk):
    return [args for name, args in kiosk.hall.calls if name == "issue_ticket"]


def test_card_swipe_issues_one_ticket_prints_masked_receipt_and_confirms():
    kiosk = Rehearsal()
    first = kiosk.do(Open("take_number"))
    assert isinstance(first, ChooseCategory) and first.waiting["A"] == (0, 0)
    kiosk.do(Choose("A"), Choose("SB001"), CardSwiped(YOUNG))
    screen = kiosk.screen
    assert isinstance(screen, Confirmation)
    assert (screen.view.number, screen.view.ahead, screen.view.masked_name) == ("A001", 0, "李**")
    assert screen.view.status_url == "http://127.0.0.1:8600/t/tok1"
    [call] = issue_calls(kiosk)
    assert call["id_card"].number == YOUNG.number and call["request_id"] == "req-1"
    assert call["service_code"] == "SB001" and call["priority"] == "normal"
    [receipt] = kiosk.printer.printed
    assert receipt.number == "A001" and receipt.masked_name == "李**" and receipt.hall_name == "示范区政务服务中心"
    assert "A001" in screen.prompt()[0]


def test_second_resident_sees_people_ahead():
    kiosk = Rehearsal()
    kiosk.do(Open("take_number"), Choose("A"), Choose("YB001"), Done())
    kiosk.do(Open("take_number"), Choose("A"), Choose("YB001"))
    assert kiosk.screen.view.number == "A002" and kiosk.screen.view.ahead == 1
    assert "前面还有 1 人" in kiosk.screen.prompt()[0]


def test_elderly_card_holder_goes_to_green_channel_and_age_limit_is_configurable():
    kiosk = Rehearsal()
    to_real_name(kiosk)
    kiosk.do(CardSwiped(ELDER))
    assert issue_calls(kiosk)[0]["priority"] == "green"
    off = Rehearsal(FlowSettings(green_channel_age=None))
    to_real_name(off)
    off.do(CardSwiped(ELDER))
    assert issue_calls(off)[0]["priority"] == "normal"


def test_typed_id_number_is_checked_before_anything_is_sent():
    kiosk = Rehearsal()
    to_real_name(kiosk)
    kiosk.do(UseKeypad(), SubmitText("11010519491231002Y"))   # wrong check character
    assert isinstance(kiosk.screen, RealName) and kiosk.screen.notice.code == "invalid_id_number"
    assert "11010519491231002" not in repr(kiosk.screen)
    assert issue_calls(kiosk) == []
    kiosk.do(SubmitText("110105 19491231 002x"))            # spaces and lower-case x are fine
    [call] = issue_calls(kiosk)
    assert call["id_card"].number == "11010519491231002X" and call["id_card"].name == ""


def test_optional_real_name_can_be_skipped_required_cannot():
    kiosk = Rehearsal()
    to_real_name(kiosk)
    kiosk.do(Skip())
    assert isinstance(kiosk.screen, Confirmation) and issue_calls(kiosk)[0]["id_card"] is None
    kiosk.do(Done())
    screen = to_real_name(kiosk, "SB002")
    assert not screen.can_skip and screen.prompt_key == "real_name"
    kiosk.do(Skip())
    assert kiosk.screen.notice.code == "real_name_required" and len(issue_calls(kiosk)) == 1


def test_service_without_real_name_issues_straight_away():
    kiosk = Rehearsal()
    kiosk.do(Open("take_number"), Choose("A"), Choose("YB001"))
    assert isinstance(kiosk.screen, Confirmation)
    assert issue_calls(kiosk)[0]["id_card"] is None


def test_category_rule_applies_when_service_has_none():
    kiosk = Rehearsal()
    kiosk.do(Open("take_number"), Choose("B"), Choose("BDC01"))
    assert isinstance(kiosk.screen, RealName) and not kiosk.screen.can_skip


def test_search_by_pinyin_initials_and_most_used_first():
    kiosk = Rehearsal()
    found = kiosk.do(Open("take_number"), Search("sbk"))
    assert isinstance(found, ChooseService) and [s.code for s in found.results] == ["SB001"]
    for _ in range(2):
        kiosk.do(Home(), Open("take_number"), Choose("A"), Choose("YB001"), Done())
    listed = kiosk.do(Open("take_number"), Choose("A"))
    assert [s.code for s in listed.results][0] == "YB001"
    assert kiosk.session.usage["YB001"] == 2


def test_back_walks_the_steps_back_to_home():
    kiosk = Rehearsal()
    to_real_name(kiosk)
    assert isinstance(kiosk.do(Back()), ChooseService)
    assert isinstance(kiosk.do(Back()), ChooseCategory)
    assert isinstance(kiosk.do(Back()), HomeScreen)


def test_printer_out_disables_tile_and_blocks_the_flow():
    kiosk = Rehearsal(printer_ready=False)
    home = kiosk.screen
    assert not home.tile("take_number").enabled and home.tile("guide").enabled
    assert home.tile("take_number").notice.code == "printer_unavailable"
    kiosk.do(Open("take_number"))
    assert isinstance(kiosk.screen, HomeScreen) and kiosk.screen.notice.code == "printer_unavailable"
    assert kiosk.hall.calls == []
    kiosk.do(PrinterChanged(PrinterHealth(True, "near_end")))
    assert kiosk.screen.tile("take_number").enabled


def test_printer_lost_during_the_flow_stops_before_issuing():
    kiosk = Rehearsal()
    to_real_name(kiosk)
    kiosk.do(PrinterChanged(PrinterHealth(True, "out")), Skip())
    assert isinstance(kiosk.screen, Refused) and kiosk.screen.notice.code == "printer_unavailable"
    assert issue_calls(kiosk) == []


@pytest.mark.parametrize("code", ["quota_exhausted", "outside_hours", "person_limit", "unknown_service"])
def test_server_refusals_explain_and_say_what_to_do(code):
    kiosk = Rehearsal()
    kiosk.hall.fail_next("issue_ticket", HallApiError(code, "服务器说明", "server text", status=409))
    to_real_name(kiosk)
    kiosk.do(CardSwiped(YOUNG))
    screen = kiosk.screen
    assert isinstance(screen, Refused) and screen.notice.code == code
    assert screen.notice.zh and screen.notice.en and screen.notice.advice_zh and screen.notice.advice_en
    assert messages.HELP_DESK in screen.notice.actions
    assert kiosk.printer.printed == [] and YOUNG.name not in repr(screen) and YOUNG.number not in repr(screen)


def test_quota_refusal_offers_booking_and_retry_goes_back_to_real_name():
    kiosk = Rehearsal()
    kiosk.hall.fail_next("issue_ticket", HallApiError("quota_exhausted", "号已取完", "", status=409))
    to_real_name(kiosk)
    kiosk.do(Skip())
    assert messages.BOOK in kiosk.screen.notice.actions
    assert isinstance(kiosk.do(Action(messages.RETRY)), RealName)


def test_unreachable_server_is_retried_with_the_same_request_id_then_recovers():
    kiosk = Rehearsal()
    kiosk.hall.fail_next("issue_ticket", HallUnreachable("ConnectionError"), times=2)
    to_real_name(kiosk)
    kiosk.do(CardSwiped(YOUNG))
    waiting = kiosk.screen
    assert isinstance(waiting, Issuing) and waiting.notice.zh == "服务器暂时无法连接，正在重试"
    assert not waiting.busy and len(kiosk.scheduled) == 1
    kiosk.fire_scheduled()
    assert isinstance(kiosk.screen, Issuing) and kiosk.screen.attempt == 2
    kiosk.fire_scheduled()
    assert isinstance(kiosk.screen, Confirmation)
    assert {c["request_id"] for c in issue_calls(kiosk)} == {"req-1"} and len(issue_calls(kiosk)) == 3
    assert len(kiosk.hall.tickets) == 1 and len(kiosk.printer.printed) == 1


def test_lost_reply_after_commit_still_gives_one_ticket():
    kiosk = Rehearsal()
    kiosk.hall.fail_next("issue_ticket", HallUnreachable("ReadTimeout"), after_commit=True)
    to_real_name(kiosk)
    kiosk.do(Skip())
    kiosk.fire_scheduled()
    assert isinstance(kiosk.screen, Confirmation) and kiosk.screen.view.number == "A001"
    assert len(kiosk.hall.tickets) == 1


def test_unreachable_after_all_retries_sends_resident_to_the_desk_and_drops_the_card():
    kiosk = Rehearsal(FlowSettings(server_retry_delays_s=(1.0, 2.0)))
    kiosk.hall.fail_next("issue_ticket", HallUnreachable("ConnectionError"), times=5)
    to_real_name(kiosk)
    kiosk.do(CardSwiped(YOUNG))
    kiosk.fire_scheduled()
    kiosk.fire_scheduled()
    screen = kiosk.screen
    assert isinstance(screen, Refused) and screen.notice.code == "server_unreachable_final"
    assert messages.HELP_DESK in screen.notice.actions and len(issue_calls(kiosk)) == 3
    assert YOUNG.number not in repr(screen) and YOUNG.name not in repr(screen)


def test_cancel_while_retrying_goes_home_and_late_retries_do_nothing():
    kiosk = Rehearsal()
    kiosk.hall.fail_next("issue_ticket", HallUnreachable("ConnectionError"))
    to_real_name(kiosk)
    kiosk.do(Skip(), Home())
    assert isinstance(kiosk.screen, HomeScreen)
    kiosk.fire_scheduled()
    assert isinstance(kiosk.screen, HomeScreen) and len(issue_calls(kiosk)) == 1


def test_home_is_ignored_while_waiting_for_the_server_and_stale_replies_are_dropped():
    kiosk = Rehearsal()
    to_real_name(kiosk)
    [effect] = kiosk.session.handle(Skip())              # not run: the call is "in flight"
    assert isinstance(effect, CallServer) and isinstance(effect.op, IssueTicket)
    assert kiosk.session.handle(Home()) == [] and isinstance(kiosk.screen, Issuing)
    other = IssueTicket("SB001", None, None, "normal", "req-other")
    assert kiosk.session.handle(ServerReplied(other, {"number": "A999"})) == []
    assert isinstance(kiosk.screen, Issuing)


def test_print_failure_after_issue_shows_number_and_reprints_without_reissuing():
    kiosk = Rehearsal()
    kiosk.printer.fail_next()
    to_real_name(kiosk)
    kiosk.do(Skip())
    screen = kiosk.screen
    assert isinstance(screen, PrintFailedScreen) and screen.view.number == "A001"
    assert "A001" in screen.notice.zh and messages.NOTE_NUMBER in screen.notice.actions
    assert any("A001" in text for text in kiosk.voice.spoken)
    kiosk.do(RetryPrint())
    assert isinstance(kiosk.screen, Confirmation)
    assert [r.number for r in kiosk.printer.printed] == ["A001"] and len(issue_calls(kiosk)) == 1
    assert isinstance(kiosk.do(Done()), HomeScreen)


def test_scheduled_retry_effect_carries_the_original_operation():
    kiosk = Rehearsal()
    kiosk.hall.fail_next("issue_ticket", HallUnreachable("ConnectionError"))
    to_real_name(kiosk)
    kiosk.do(Skip())
    [scheduled] = kiosk.scheduled
    assert isinstance(scheduled, Schedule) and scheduled.delay_s == FlowSettings().server_retry_delays_s[0]
    assert scheduled.intent.op.request_id == "req-1"
