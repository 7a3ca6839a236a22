"""The certificate flow (kiosk/core/certificate_flow.py) inside a KioskSession, against the
real hall server (in-process) with the sample provider; the A4 printer is scripted here
(real printing is tested in tests/certificates). Ends with: nothing personal survives."""
from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

from kiosk.core import certificate_flow as flow
from kiosk.core import session as session_module
from kiosk.core.directory import HallDirectory
from kiosk.core.intents import (Action, Back, CardSwiped, Choose, ChooseLevel, Done, Evaluate, Open, Submit,
                                SubmitText, Tick)
from kiosk.core.runner import run_to_rest
from kiosk.core.screens import HomeScreen, Refused
from kiosk.core.session import KioskSession
from kiosk.documents.effects import CertificateEffectRunner
from kiosk.documents.printing import PrintOutcome
from kiosk.hall_client import api_error

SAM = "05.01-20230101-0000012345-0123456789"


class InProcessClient:
    """``CertificateClient`` over FastAPI's TestClient: the real routes, no socket."""

    def __init__(self, role_client):
        self.api = role_client

    def _answer(self, response):
        if response.status_code >= 400:
            raise api_error(response.status_code, response.json())
        return response.json()

    def certificate_types(self):
        return self._answer(self.api.get("/certificates/types"))

    def issue_certificate(self, type_code, card, *, period_months=None, purpose=None, request_id):
        params = {k: v for k, v in (("period_months", period_months), ("purpose", purpose)) if v is not None}
        return self._answer(self.api.post("/certificates", {"type": type_code, "id_card": card.payload(),
                                                            "params": params, "request_id": request_id}))

    def report_certificate_print(self, doc_no, result, *, reason=None, request_id):
        return self._answer(self.api.post(f"/certificates/{doc_no}/printed",
                                          {"result": result, "reason": reason, "request_id": request_id}))

    def request_certificate_reprint(self, doc_no, *, request_id):
        return self._answer(self.api.post(f"/certificates/{doc_no}/reprint", {"request_id": request_id}))

    def rate_certificate(self, doc_no, level, *, reasons=(), request_id):
        return self._answer(self.api.post(f"/certificates/{doc_no}/evaluation",
                                          {"level": level, "reasons": list(reasons), "request_id": request_id}))


class ScriptedPrinter:
    """The A4 printer as the runner sees it: outcomes in order (default: printed)."""

    def __init__(self, ready=True):
        self.ready, self.outcomes, self.printed = ready, [], []

    def status(self):
        problem = None if self.ready else ("paper_out", "打印机缺纸", "the printer is out of paper")
        return SimpleNamespace(problem=problem)

    def print_document(self, document):
        self.printed.append(document)
        if self.outcomes:
            return self.outcomes.pop(0)
        return PrintOutcome(True, "printed", "证明已打印，请取走", "printed", confirmed=True)


JAM = PrintOutcome(False, "paper_jam", "打印机卡纸", "the paper is jammed")


class Kiosk:
    """A session with the certificate flow wired in, run to rest after every intent."""

    def __init__(self, api, clock, printer):
        self.clock, self.printer = clock, printer
        counter = iter(range(1, 10_000))
        self.session = KioskSession(HallDirectory.from_hall({"hall": {"name": "测试市政务服务中心"}}),
                                    clock=clock.now, new_request_id=lambda: f"req-{next(counter)}")
        self.runner = CertificateEffectRunner(InProcessClient(api("kiosk")), printer)

    def do(self, *intents):
        for intent in intents:
            run_to_rest(self.session, intent, self.runner)
        return self.session.screen

    @property
    def screen(self):
        return self.session.screen


@pytest.fixture
def kiosk(api, clock, monkeypatch):
    monkeypatch.setitem(session_module._FLOWS, "certificate", flow.handle)
    monkeypatch.setitem(session_module._STARTS, "certificate", flow.start)
    return Kiosk(api, clock, ScriptedPrinter())


def reading(persons, index=0, sam_id=SAM):
    """What the Qt shell hands over: the driver's card (``id_number``) plus the reader's SAM id."""
    number, name = persons[index][0], persons[index][1]
    return SimpleNamespace(id_number=number, name=name, sam_id=sam_id, display_name=lambda: name)


def to_preview(kiosk, persons, type_code="income_tax", person=0):
    kiosk.do(Open("certificate"), CardSwiped(reading(persons, person)), Choose(type_code))
    if isinstance(kiosk.screen, flow.Params):
        kind = kiosk.screen.kind
        if kind.periods:
            kiosk.do(flow.SetPeriod(kind.periods[1] if len(kind.periods) > 1 else kind.periods[0]))
        kiosk.do(flow.SetPurpose(kind.purposes[0]), Submit())
    return kiosk.screen


def issues(hall):
    return hall.store.all("SELECT doc_no, type, print_state, reprints FROM certificate_issues")


def test_card_to_paper_to_rating_then_home(kiosk, hall, persons):
    first = kiosk.do(Open("certificate"))
    assert isinstance(first, flow.Identify) and first.types and first.printer_ready
    choose = kiosk.do(CardSwiped(reading(persons)))
    assert isinstance(choose, flow.ChooseType) and [t.code for t in choose.types][:2] == ["social_insurance", "medical_insurance"]
    params = kiosk.do(Choose("income_tax"))
    assert isinstance(params, flow.Params) and params.kind.periods == (6, 12, 24)
    assert isinstance(kiosk.do(Submit()), flow.Params) and kiosk.screen.notice.code == "period_required"
    kiosk.do(flow.SetPeriod(12), flow.SetPurpose("购房"))
    preview = kiosk.do(Submit())
    assert isinstance(preview, flow.Preview)
    lines = dict(preview.document.preview_lines())
    assert lines["姓名"] == "张**" and lines["证件号码"] == persons[0][0][:4] + "*" * 10 + persons[0][0][-4:]
    assert lines["用途"] == "购房" and "收入合计（元）" in lines
    done = kiosk.do(Submit())
    assert isinstance(done, flow.Finished) and kiosk.printer.printed == [preview.document]
    assert issues(hall) == [{"doc_no": preview.document.doc_no, "type": "income_tax", "print_state": "printed", "reprints": 0}]
    kiosk.do(Evaluate(), ChooseLevel(5), Submit())
    assert isinstance(kiosk.screen, flow.Thanks)
    assert hall.store.one("SELECT level FROM certificate_evaluations")["level"] == 5
    assert isinstance(kiosk.do(Done()), HomeScreen)


def test_a_type_without_choices_goes_straight_to_the_preview(hall_with, clock, monkeypatch, persons):
    monkeypatch.setitem(session_module._FLOWS, "certificate", flow.handle)
    monkeypatch.setitem(session_module._STARTS, "certificate", flow.start)
    hall, api = hall_with("""
[[certificates.types]]
code = "medical_insurance"
name = "医保参保证明"
department = "示例市医疗保障局"
doc_prefix = "YB"
""")
    kiosk = Kiosk(api, clock, ScriptedPrinter())
    kiosk.do(Open("certificate"), CardSwiped(reading(persons)))
    preview = kiosk.do(Choose("medical_insurance"))
    assert isinstance(preview, flow.Preview) and preview.document.purpose == "" and preview.document.doc_no.startswith("YB")


def test_a_typed_number_is_refused_the_card_is_required(kiosk, hall, persons):
    kiosk.do(Open("certificate"))
    screen = kiosk.do(SubmitText(persons[0][0]))
    assert isinstance(screen, flow.Identify) and screen.notice.code == "card_required"
    assert screen.card is None and issues(hall) == []


def test_a_reader_without_sam_id_cannot_identify(kiosk, persons):
    kiosk.do(Open("certificate"))
    screen = kiosk.do(CardSwiped(reading(persons, sam_id="")))
    assert isinstance(screen, Refused) and screen.notice.code == "reader_unverified"


def test_an_unready_printer_stops_the_flow_before_anything_is_issued(api, clock, monkeypatch, hall):
    monkeypatch.setitem(session_module._FLOWS, "certificate", flow.handle)
    monkeypatch.setitem(session_module._STARTS, "certificate", flow.start)
    kiosk = Kiosk(api, clock, ScriptedPrinter(ready=False))
    screen = kiosk.do(Open("certificate"))
    assert isinstance(screen, Refused) and screen.notice.code == "document_printer_unavailable"
    assert "缺纸" in screen.notice.zh and "总服务台" in screen.notice.advice_zh and issues(hall) == []


def test_a_department_refusal_shows_its_reason(kiosk, persons):
    kiosk.do(Open("certificate"), CardSwiped(reading(persons, 5)), Choose("social_insurance"),
             flow.SetPeriod(12), flow.SetPurpose("购房"))
    screen = kiosk.do(Submit())
    assert isinstance(screen, Refused) and screen.notice.code == "certificate_refused"
    assert screen.notice.zh.startswith("未查询到您的社会保险参保记录") and isinstance(screen.retry_screen, flow.ChooseType)


def test_the_daily_limit_is_explained(kiosk, persons):
    for _ in range(2):
        to_preview(kiosk, persons, "real_estate")
        kiosk.do(Submit(), Done())
    screen = to_preview(kiosk, persons, "real_estate")
    assert isinstance(screen, Refused) and screen.notice.code == "person_limit" and "每日上限 2 份" in screen.notice.zh


def test_a_jam_offers_one_reprint_of_the_same_document(kiosk, hall, persons):
    preview = to_preview(kiosk, persons, "housing_fund")
    kiosk.printer.outcomes.append(JAM)
    failed = kiosk.do(Submit())
    assert isinstance(failed, flow.PrintFailedScreen) and failed.reprint_allowed
    assert failed.notice.zh == "证明没有打印出来（打印机卡纸）" and "retry" in failed.notice.actions
    done = kiosk.do(Action("retry"))
    assert isinstance(done, flow.Finished) and kiosk.printer.printed == [preview.document, preview.document]
    assert issues(hall) == [{"doc_no": preview.document.doc_no, "type": "housing_fund", "print_state": "printed",
                             "reprints": 1}]


def test_a_second_failure_sends_the_resident_to_the_desk_with_the_number(kiosk, hall, persons):
    preview = to_preview(kiosk, persons, "housing_fund")
    kiosk.printer.outcomes += [JAM, JAM]
    kiosk.do(Submit(), Action("retry"))
    screen = kiosk.screen
    assert isinstance(screen, flow.PrintFailedScreen) and not screen.reprint_allowed
    assert preview.document.doc_no in screen.notice.advice_zh and "总服务台" in screen.notice.advice_zh
    assert "retry" not in screen.notice.actions
    assert isinstance(kiosk.do(Action("retry")), flow.PrintFailedScreen)      # no third attempt
    assert issues(hall)[0]["print_state"] == "failed"


def test_no_reprint_once_the_window_has_passed(kiosk, persons, clock):
    to_preview(kiosk, persons, "income_tax")
    clock.advance(minutes=11)
    kiosk.printer.outcomes.append(JAM)
    screen = kiosk.do(Submit())
    assert isinstance(screen, flow.PrintFailedScreen) and not screen.reprint_allowed


def test_backing_out_of_the_preview_cancels_the_document(kiosk, hall, persons):
    to_preview(kiosk, persons, "income_tax")
    assert isinstance(kiosk.do(Back()), HomeScreen)
    assert issues(hall)[0]["print_state"] == "cancelled"


def holds(value, needle, seen=None) -> bool:
    """Whether ``needle`` occurs anywhere in ``value``'s object graph (dataclasses, dicts, objects)."""
    seen = seen if seen is not None else set()
    if id(value) in seen:
        return False
    seen.add(id(value))
    if isinstance(value, str):
        return needle in value
    if isinstance(value, (bytes, int, float, bool, type(None))):
        return False
    if isinstance(value, dict):
        return any(holds(k, needle, seen) or holds(v, needle, seen) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(holds(v, needle, seen) for v in value)
    fields = dataclasses.fields(value) if dataclasses.is_dataclass(value) else ()
    attrs = {f.name: getattr(value, f.name) for f in fields} or getattr(value, "__dict__", {})
    return any(holds(v, needle, seen) for v in attrs.values())


@pytest.mark.parametrize("stop_at", ["params", "preview", "failed"])
def test_after_the_idle_timeout_nothing_about_the_resident_remains(kiosk, persons, clock, stop_at):
    number, name = persons[0][0], persons[0][1]
    if stop_at == "params":
        kiosk.do(Open("certificate"), CardSwiped(reading(persons)), Choose("income_tax"))
        assert holds(kiosk.session, number) and holds(kiosk.session, name)      # the probe does find it
    else:
        to_preview(kiosk, persons, "social_insurance")
        if stop_at == "failed":
            kiosk.printer.outcomes.append(JAM)
            kiosk.do(Submit())
        assert holds(kiosk.session, "张**") and holds(kiosk.session, number[-4:])
    clock.advance(seconds=61)
    kiosk.do(Tick())
    assert isinstance(kiosk.screen, HomeScreen)
    for secret in (number, name, "张**", number[:4] + "*" * 10 + number[-4:]):
        assert not holds(kiosk.session, secret), secret


def test_finishing_the_flow_leaves_nothing_either(kiosk, persons):
    to_preview(kiosk, persons, "real_estate")
    kiosk.do(Submit())
    assert isinstance(kiosk.screen, flow.Finished) and not holds(kiosk.session, "张**")
    kiosk.do(Done())
    assert not holds(kiosk.session, persons[0][0]) and not holds(kiosk.session, persons[0][1])


def test_card_readings_and_operations_never_print_personal_data(persons):
    card = flow.CardReading.from_reading(reading(persons))
    op = flow.IssueCertificate("income_tax", card, 12, "购房", "req-1")
    assert persons[0][0] not in repr(op) and persons[0][1] not in repr(op) and "张**" in repr(card)
    assert card.payload() == {"number": persons[0][0], "name": persons[0][1], "source": "card", "sam_id": SAM}
