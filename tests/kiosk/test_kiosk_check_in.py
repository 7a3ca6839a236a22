"""预约签到 flow: QR code, typed code, ID card, and every refusal."""
from types import SimpleNamespace

from kiosk.core import messages
from kiosk.core.check_in import CheckInStart, CheckingIn
from kiosk.core.errors import HallUnreachable
from kiosk.core.intents import Action, CardSwiped, CodeScanned, Open, PrinterChanged, PrinterHealth, SubmitText
from kiosk.core.rehearsal import Rehearsal
from kiosk.core.screens import Confirmation, HomeScreen, Refused

CARD = SimpleNamespace(number="440524188001010014", name="王五")


def booked(kiosk, code="APT123", **extra):
    kiosk.hall.appointments[code] = {"category": "B", "service": "BDC01", **extra}


def test_scanned_appointment_code_checks_in_and_prints_a_priority_ticket():
    kiosk = Rehearsal()
    booked(kiosk)
    assert isinstance(kiosk.do(Open("check_in")), CheckInStart)
    kiosk.do(CodeScanned("HT:APT:APT123\r\n"))
    screen = kiosk.screen
    assert isinstance(screen, Confirmation) and screen.view.number == "B001"
    assert screen.view.priority == "appointment" and kiosk.printer.printed[0].priority == "appointment"
    assert kiosk.hall.calls[-1] == ("check_in", {"code": "APT123", "id_card": None, "request_id": "req-1"})


def test_bare_code_and_typed_code_are_appointment_codes():
    kiosk = Rehearsal()
    booked(kiosk, "XY-77")
    kiosk.do(Open("check_in"), CodeScanned("XY-77"))
    assert isinstance(kiosk.screen, Confirmation)
    booked(kiosk, "ZZ88")
    kiosk.do(Action(messages.HOME), Open("check_in"), SubmitText(" ZZ88 "))
    assert isinstance(kiosk.screen, Confirmation) and kiosk.hall.count("check_in") == 2


def test_swiped_card_finds_its_appointment_and_checks_in_with_the_card():
    kiosk = Rehearsal()
    booked(kiosk, "FIRST", number=CARD.number)
    booked(kiosk, "LATER", number=CARD.number)
    booked(kiosk, "OTHER", number="110105194912310021")
    kiosk.do(Open("check_in"), CardSwiped(CARD))
    assert isinstance(kiosk.screen, Confirmation) and kiosk.screen.view.masked_name == "王*"
    (lookup, lookup_args), (name, args) = kiosk.hall.calls[-2:]
    assert lookup == "lookup_appointments" and lookup_args["id_card"].number == CARD.number
    assert name == "check_in" and args["code"] == "FIRST" and args["id_card"].number == CARD.number


def test_card_with_no_open_appointment_is_told_so():
    kiosk = Rehearsal()
    booked(kiosk, "DONE", number=CARD.number, ticket="t0")     # already checked in
    kiosk.do(Open("check_in"), CardSwiped(CARD))
    assert isinstance(kiosk.screen, Refused) and kiosk.screen.notice.code == "appointment_not_found"
    assert kiosk.hall.count("check_in") == 0


def test_second_check_in_of_the_same_appointment_is_refused():
    kiosk = Rehearsal()
    booked(kiosk)
    kiosk.do(Open("check_in"), CodeScanned("HT:APT:APT123"), Action(messages.HOME))
    kiosk.do(Open("check_in"), CodeScanned("HT:APT:APT123"))
    assert isinstance(kiosk.screen, Refused) and kiosk.screen.notice.code == "conflict"
    assert len(kiosk.hall.tickets) == 1


def test_not_found_explains_and_retry_returns_to_scanning():
    kiosk = Rehearsal()
    kiosk.do(Open("check_in"), CodeScanned("HT:APT:NOPE"))
    screen = kiosk.screen
    assert isinstance(screen, Refused) and screen.notice.code == "appointment_not_found"
    assert messages.RETRY in screen.notice.actions and screen.notice.en
    assert isinstance(kiosk.do(Action(messages.RETRY)), CheckInStart)


def test_too_early_and_too_late_are_told_apart_with_the_slot_in_local_time():
    kiosk = Rehearsal()     # the clock reads 09:30 +08:00
    booked(kiosk, "EARLY", refuse=True, slot_start="2026-11-21T02:00:00+00:00", slot_end="2026-11-21T02:30:00+00:00")
    booked(kiosk, "LATE", refuse=True, slot_start="2026-11-21T08:00:00+08:00", slot_end="2026-11-21T08:30:00+08:00")
    kiosk.do(Open("check_in"), CodeScanned("HT:APT:EARLY"))
    early = kiosk.screen.notice
    assert early.code == "appointment_too_early" and "10:00–10:30" in early.zh and "10:00–10:30" in early.en
    assert "{" not in early.zh
    kiosk.do(Action(messages.RETRY), CodeScanned("HT:APT:LATE"))
    late = kiosk.screen.notice
    assert late.code == "appointment_too_late" and "08:00–08:30" in late.zh
    assert messages.TAKE_TICKET in late.actions


def test_server_verdict_and_slot_text_are_used_when_given():
    kiosk = Rehearsal()
    booked(kiosk, "V", refuse=True, verdict="too_early", slot="2026-11-21 14:00–15:00")
    kiosk.do(Open("check_in"), CodeScanned("HT:APT:V"))
    assert kiosk.screen.notice.code == "appointment_too_early"
    assert "2026-11-21 14:00–15:00" in kiosk.screen.notice.zh


def test_not_in_window_without_slot_uses_the_general_message():
    kiosk = Rehearsal()
    booked(kiosk, "NOSLOT", refuse=True)
    kiosk.do(Open("check_in"), CodeScanned("HT:APT:NOSLOT"))
    assert kiosk.screen.notice.code == "appointment_not_in_window"
    kiosk.do(Action(messages.TAKE_TICKET))
    assert kiosk.screen.flow == "take_number"


def test_other_qr_codes_are_not_appointments():
    kiosk = Rehearsal()
    kiosk.do(Open("check_in"), CodeScanned("https://hall.example/status/tok9"))
    assert isinstance(kiosk.screen, CheckInStart) and kiosk.screen.notice.code == "unknown_code"
    assert kiosk.hall.calls == []


def test_check_in_is_gated_on_the_printer():
    kiosk = Rehearsal(printer_ready=False)
    booked(kiosk)
    kiosk.do(Open("check_in"))
    assert isinstance(kiosk.screen, HomeScreen) and kiosk.screen.notice.code == "printer_unavailable"
    kiosk.do(CodeScanned("HT:APT:APT123"))          # from the home screen too
    assert isinstance(kiosk.screen, HomeScreen) and kiosk.hall.calls == []
    kiosk.do(PrinterChanged(PrinterHealth(True, "ok")), CodeScanned("HT:APT:APT123"))
    assert isinstance(kiosk.screen, Confirmation)


def test_check_in_retries_unreachable_server_with_the_same_request_id():
    kiosk = Rehearsal()
    booked(kiosk)
    kiosk.hall.fail_next("check_in", HallUnreachable("ConnectTimeout"), after_commit=True)
    kiosk.do(Open("check_in"), CodeScanned("HT:APT:APT123"))
    assert isinstance(kiosk.screen, CheckingIn) and kiosk.screen.notice.code == "server_unreachable"
    kiosk.fire_scheduled()
    assert isinstance(kiosk.screen, Confirmation) and len(kiosk.hall.tickets) == 1
    assert {a["request_id"] for n, a in kiosk.hall.calls if n == "check_in"} == {"req-1"}
