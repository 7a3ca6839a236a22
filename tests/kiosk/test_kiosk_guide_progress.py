"""办事指南/码上办 and 进度查询 flows."""
from kiosk.core.effects import FetchTicketByNumber, FetchTicketStatus
from kiosk.core.errors import HallUnreachable
from kiosk.core.guide import GuideBrowse, GuideView
from kiosk.core.intents import (Back, Choose, CodeScanned, Done, Evaluate, Open, Print, PrinterChanged, PrinterHealth,
                                Search, SubmitText, UseKeypad)
from kiosk.core.progress import ProgressStart, ProgressView
from kiosk.core.rehearsal import Rehearsal
from kiosk.core.receipt import Checklist
from kiosk.core.screens import HomeScreen


def take(kiosk, service="YB001"):
    kiosk.do(Open("take_number"), Choose("A"), Choose(service), Done())
    return max(kiosk.hall.tickets.values(), key=lambda t: int(t["id"][1:]))


def test_browse_search_and_open_a_guide():
    kiosk = Rehearsal()
    browse = kiosk.do(Open("guide"))
    assert isinstance(browse, GuideBrowse) and len(browse.results) == 5
    found = kiosk.do(Search("不动产"))
    assert [s.code for s in found.results] == ["BDC01"]
    view = kiosk.do(Choose("BDC01"))
    assert isinstance(view, GuideView) and view.guide_url == "http://127.0.0.1:8600/guide/BDC01"
    assert "不动产登记信息查询" in view.prompt()[0]
    assert isinstance(kiosk.do(Back()), GuideBrowse)


def test_scanned_service_code_opens_its_guide_from_home():
    kiosk = Rehearsal()
    view = kiosk.do(CodeScanned("HT:SVC:SB001"))
    assert isinstance(view, GuideView) and view.service.code == "SB001"
    kiosk.do(Back(), Back())
    view = kiosk.do(CodeScanned("https://zwfw.example.gov.cn/item/guide/SB002"))
    assert isinstance(view, GuideView) and view.service.code == "SB002"


def test_unknown_service_code_says_so():
    kiosk = Rehearsal()
    screen = kiosk.do(CodeScanned("HT:SVC:NOSUCH"))
    assert isinstance(screen, GuideBrowse) and screen.notice.code == "unknown_service"


def test_print_checklist_prints_materials_and_reports():
    kiosk = Rehearsal()
    kiosk.do(Open("guide"), Choose("SB001"), Print())
    [job] = kiosk.printer.printed
    assert isinstance(job, Checklist) and job.materials == ("居民身份证（原件，现场出示）", "近期免冠照片（原件 1 份；白底）")
    assert job.guide_url == "https://zwfw.hall.example/guide/SB001"      # the catalogue's own page
    assert kiosk.screen.notice.code == "checklist_printed" and kiosk.screen.printing is None


def test_checklist_print_failure_and_no_printer_are_explained():
    kiosk = Rehearsal()
    kiosk.printer.fail_next()
    kiosk.do(Open("guide"), Choose("SB001"), Print())
    assert kiosk.screen.notice.code == "checklist_print_failed" and kiosk.printer.printed == []
    kiosk.do(PrinterChanged(PrinterHealth(False, "out")), Print())
    assert kiosk.screen.notice.code == "printer_unavailable" and not kiosk.screen.can_print
    no_materials = kiosk.do(Back(), Choose("YH001"))
    assert not no_materials.can_print


def test_scanned_receipt_shows_exact_status():
    kiosk = Rehearsal()
    take(kiosk)
    second = take(kiosk)
    kiosk.do(Open("progress"))
    view = kiosk.do(CodeScanned(f"http://127.0.0.1:8600/status/{second['status_token']}"))
    assert isinstance(view, ProgressView) and view.by_receipt
    assert (view.number, view.state, view.ahead) == ("A002", "waiting", 1)
    assert "A002" in view.prompt()[0] and "排队等候中" in view.prompt()[0]


def test_scanning_a_receipt_on_the_home_screen_opens_its_status():
    kiosk = Rehearsal()
    ticket = take(kiosk)
    view = kiosk.do(CodeScanned(f"HT:TKT:{ticket['status_token']}"))
    assert isinstance(view, ProgressView) and view.number == "A001"


def test_typed_number_is_looked_up_exactly_by_number():
    kiosk = Rehearsal()
    take(kiosk)
    take(kiosk)
    kiosk.do(Open("progress"), UseKeypad())
    before = len(kiosk.hall.calls)
    view = kiosk.do(SubmitText(" a 002"))
    assert isinstance(view, ProgressView) and not view.by_receipt
    assert (view.number, view.state, view.ahead, view.est_wait_min) == ("A002", "waiting", 1, 5)
    assert kiosk.hall.calls[before:] == [("ticket_by_number", {"number": "A002"})]   # no queue snapshot


def test_a_finished_ticket_found_by_number_cannot_be_rated_but_its_receipt_can():
    kiosk = Rehearsal()
    ticket = take(kiosk)
    kiosk.hall.finish(ticket["id"])
    view = kiosk.do(Open("progress"), SubmitText("A001"))
    assert view.state == "done" and not view.can_evaluate          # a number is public: anyone could type it
    assert kiosk.do(Evaluate()) is view
    view = kiosk.do(Back(), CodeScanned(f"HT:TKT:{ticket['status_token']}"))
    assert view.can_evaluate and view.ticket_id == ticket["id"]


def test_bad_number_unknown_prefix_and_unknown_token():
    kiosk = Rehearsal()
    kiosk.do(Open("progress"), SubmitText("12AB"))
    assert kiosk.screen.notice.code == "ticket_number_invalid"
    kiosk.do(SubmitText("Z001"))
    assert kiosk.screen.notice.code == "ticket_not_found" and kiosk.screen.keypad
    kiosk.do(CodeScanned("HT:TKT:unknown"))
    assert isinstance(kiosk.screen, ProgressStart) and kiosk.screen.notice.code == "ticket_not_found"
    kiosk.do(CodeScanned("HT:SVC:SB001"))
    assert kiosk.screen.notice.code == "unknown_code"


def test_unreachable_server_on_progress_is_explained():
    kiosk = Rehearsal()
    kiosk.hall.fail_next("ticket_by_number", HallUnreachable("ConnectionError"))
    kiosk.do(Open("progress"), SubmitText("A001"))
    assert isinstance(kiosk.screen, ProgressStart) and kiosk.screen.notice.code == "server_unreachable_final"


def test_progress_loading_is_busy_and_ignores_home():
    kiosk = Rehearsal()
    kiosk.do(Open("progress"))
    [effect] = kiosk.session.handle(SubmitText("A001"))
    assert effect.op == FetchTicketByNumber("A001") and kiosk.screen.busy
    assert kiosk.session.handle(Back()) == [] and not isinstance(kiosk.screen, HomeScreen)
    [effect] = Rehearsal().session.handle(CodeScanned("HT:TKT:abc"))
    assert isinstance(effect.op, FetchTicketStatus) and effect.op.status_token == "abc"
