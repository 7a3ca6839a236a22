"""评价 flow: five levels, reasons required for 不满意/非常不满意, one evaluation per ticket."""
import pytest

from kiosk.core.errors import HallUnreachable
from kiosk.core.evaluation import LEVELS, EvaluationStart, Rate, Submitting, Thanks
from kiosk.core.intents import (ChooseLevel, Choose, CodeScanned, Done, Evaluate, Open, Submit,
                                ToggleReason)
from kiosk.core.rehearsal import Rehearsal


def finished_ticket(kiosk):
    kiosk.do(Open("take_number"), Choose("A"), Choose("YB001"), Done())
    ticket = kiosk.hall.tickets["t1"]
    kiosk.hall.finish("t1")
    return ticket


def to_rate(kiosk):
    ticket = finished_ticket(kiosk)
    kiosk.do(Open("evaluate"), CodeScanned(f"HT:TKT:{ticket['status_token']}"))
    assert isinstance(kiosk.screen, Rate)
    return kiosk.screen


def test_five_levels_named_as_the_standard_names_them():
    assert [(lvl, zh) for lvl, zh, _ in LEVELS] == [
        (5, "非常满意"), (4, "满意"), (3, "基本满意"), (2, "不满意"), (1, "非常不满意")]


def test_good_rating_needs_no_reason_and_is_sent_once():
    kiosk = Rehearsal()
    rate = to_rate(kiosk)
    assert rate.number == "A001" and rate.ticket_id == "t1"
    kiosk.do(ChooseLevel(5), Submit())
    assert isinstance(kiosk.screen, Thanks)
    assert kiosk.hall.evaluations == [{"ticket_id": "t1", "level": 5, "reasons": ()}]
    [(_, args)] = [c for c in kiosk.hall.calls if c[0] == "evaluate"]
    assert args["channel"] == "kiosk"


@pytest.mark.parametrize("level", [1, 2])
def test_bad_rating_requires_a_reason(level):
    kiosk = Rehearsal()
    to_rate(kiosk)
    kiosk.do(ChooseLevel(level), Submit())
    assert isinstance(kiosk.screen, Rate) and kiosk.screen.notice.code == "evaluation_reason_required"
    assert kiosk.hall.evaluations == []
    kiosk.do(ToggleReason("等候时间太长"), ToggleReason("服务态度不好"), ToggleReason("等候时间太长"))
    assert kiosk.screen.reasons == ("服务态度不好",)
    kiosk.do(Submit())
    assert kiosk.hall.evaluations == [{"ticket_id": "t1", "level": level, "reasons": ("服务态度不好",)}]


def test_level_is_required_unknown_levels_and_reasons_are_ignored():
    kiosk = Rehearsal()
    to_rate(kiosk)
    kiosk.do(Submit())
    assert kiosk.screen.notice.code == "evaluation_level_required"
    kiosk.do(ChooseLevel(7), ToggleReason("not offered"))
    assert kiosk.screen.level is None and kiosk.screen.reasons == ()


def test_moving_to_a_good_level_drops_chosen_reasons():
    kiosk = Rehearsal()
    to_rate(kiosk)
    kiosk.do(ChooseLevel(1), ToggleReason("其他"), ChooseLevel(4), Submit())
    assert kiosk.hall.evaluations[0]["reasons"] == ()


def test_unfinished_and_already_rated_tickets_are_explained():
    kiosk = Rehearsal()
    kiosk.do(Open("take_number"), Choose("A"), Choose("YB001"), Done())
    kiosk.do(Open("evaluate"), CodeScanned("HT:TKT:tok1"))
    assert isinstance(kiosk.screen, EvaluationStart) and kiosk.screen.notice.code == "not_finished"
    kiosk.hall.finish("t1")
    kiosk.do(CodeScanned("HT:TKT:tok1"), ChooseLevel(3), Submit(), Done())
    kiosk.do(Open("evaluate"), CodeScanned("HT:TKT:tok1"))
    assert kiosk.screen.notice.code == "already_evaluated"


def test_rating_twice_from_two_screens_is_refused_by_the_server():
    kiosk = Rehearsal()
    to_rate(kiosk)
    kiosk.hall.tickets["t1"]["state"] = "evaluated"     # rated on the window pad meanwhile
    kiosk.do(ChooseLevel(5), Submit())
    assert kiosk.screen.notice.code == "already_evaluated"


def test_progress_view_hands_a_finished_ticket_to_the_rating():
    kiosk = Rehearsal()
    finished_ticket(kiosk)
    kiosk.do(Open("progress"), CodeScanned("HT:TKT:tok1"))
    assert kiosk.screen.can_evaluate
    assert isinstance(kiosk.do(Evaluate()), Rate)


def test_unreachable_submission_is_retried_with_the_same_request_id():
    kiosk = Rehearsal()
    to_rate(kiosk)
    kiosk.hall.fail_next("evaluate", HallUnreachable("ConnectionError"), after_commit=True)
    kiosk.do(ChooseLevel(2), ToggleReason("其他"), Submit())
    assert isinstance(kiosk.screen, Submitting) and kiosk.screen.notice.code == "server_unreachable"
    kiosk.fire_scheduled()
    assert isinstance(kiosk.screen, Thanks) and len(kiosk.hall.evaluations) == 1
    ids = {a["request_id"] for n, a in kiosk.hall.calls if n == "evaluate"}
    assert len(ids) == 1


def test_non_ticket_code_on_the_evaluation_screen():
    kiosk = Rehearsal()
    kiosk.do(Open("evaluate"), CodeScanned("HT:SVC:SB001"))
    assert kiosk.screen.notice.code == "unknown_code"


def test_a_status_view_without_the_ticket_id_cannot_be_rated_and_says_so():
    kiosk = Rehearsal()
    finished_ticket(kiosk)
    original = kiosk.hall.ticket_status
    kiosk.hall.ticket_status = lambda token: {k: v for k, v in original(token).items() if k != "id"}
    kiosk.do(Open("evaluate"), CodeScanned("HT:TKT:tok1"))
    assert isinstance(kiosk.screen, EvaluationStart) and kiosk.screen.notice.code == "internal"
    assert kiosk.hall.evaluations == []
