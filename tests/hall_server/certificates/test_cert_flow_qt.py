"""pytest-qt: the certificate flow driven the way the Qt shell will drive it — effects on a
worker thread, outcomes back to the UI thread through a signal — against the hall
server on a real socket (CertificateHallClient over HTTP), with the sample provider,
rendering each document to a PDF with Qt. Plus the HTTP client's errors and logs."""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.core import certificate_flow as flow
from kiosk.core import session as session_module
from kiosk.core.directory import HallDirectory
from kiosk.core.effects import Schedule
from kiosk.core.errors import HallApiError
from kiosk.core.intents import CardSwiped, Choose, Done, Open, Submit
from kiosk.core.screens import HomeScreen
from kiosk.core.session import KioskSession
from kiosk.documents.client import CertificateHallClient
from kiosk.documents.effects import CertificateEffectRunner
from kiosk.documents.operations import CardReading
from kiosk.documents.printing import PrintOutcome
from kiosk.documents.render import render_pdf

SAM = "05.01-20230101-0000012345-0123456789"


class PdfPrinter:
    """Renders each document to a PDF file instead of paper (the real renderer)."""

    def __init__(self, folder):
        self.folder, self.files = folder, []

    def status(self):
        return SimpleNamespace(problem=None)

    def print_document(self, document):
        self.files.append(render_pdf(document, self.folder / f"{document.doc_no}.pdf"))
        return PrintOutcome(True, "printed", "证明已打印，请取走", "printed", confirmed=True, pages=1)


class Shell(QObject):
    """What kiosk/ui will do: perform effects off the UI thread, hand outcomes back by signal."""

    outcome = Signal(object)

    def __init__(self, session, runner):
        super().__init__()
        self.session, self.runner = session, runner
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="effects")
        self.outcome.connect(self.handle)

    def handle(self, intent):
        for effect in self.session.handle(intent):
            if isinstance(effect, Schedule):
                QTimer.singleShot(int(effect.delay_s * 1000), lambda i=effect.intent: self.handle(i))
            else:
                self.pool.submit(self._perform, effect)

    def _perform(self, effect):
        result = self.runner.perform(effect)
        if result is not None:
            self.outcome.emit(result)


@pytest.fixture
def shell(live, api, clock, tmp_path, monkeypatch, qapp):
    monkeypatch.setitem(session_module._FLOWS, "certificate", flow.handle)
    monkeypatch.setitem(session_module._STARTS, "certificate", flow.start)
    client = CertificateHallClient(live.base_url, api.tokens["kiosk"], timeout=10)
    session = KioskSession(HallDirectory.from_hall({"hall": {"name": "测试市政务服务中心"}}), clock=clock.now)
    made = Shell(session, CertificateEffectRunner(client, PdfPrinter(tmp_path)))
    yield made
    made.pool.shutdown(wait=True)


def test_the_flow_prints_a_rendered_document_over_http_from_worker_threads(shell, qtbot, persons, pdf_text, live):
    number, name = persons[0][0], persons[0][1]
    card = SimpleNamespace(id_number=number, name=name, sam_id=SAM, display_name=lambda: name)
    screen = lambda: shell.session.screen  # noqa: E731
    shell.handle(Open("certificate"))
    # bool(): pytest-qt takes a callback returning None as "passed"
    qtbot.waitUntil(lambda: bool(isinstance(screen(), flow.Identify) and screen().types and screen().printer_ready),
                    timeout=5000)
    shell.handle(CardSwiped(card))
    shell.handle(Choose("social_insurance"))
    shell.handle(flow.SetPeriod(24))
    shell.handle(flow.SetPurpose("落户"))
    shell.handle(Submit())
    qtbot.waitUntil(lambda: isinstance(screen(), flow.Preview), timeout=10000)
    document = screen().document
    shell.handle(Submit())
    qtbot.waitUntil(lambda: isinstance(screen(), flow.Finished), timeout=15000)
    [path] = shell.runner.document_printer.files
    text = pdf_text(path)
    assert document.doc_no in text and "个人社保参保缴费证明" in text and "用途：落户" in text
    assert "张**" in text and number not in text and name not in text
    verdict = CertificateHallClient(live.base_url).verify_certificate(document.token)
    assert verdict["status"] == "valid" and verdict["summary"]["purpose"] == "落户"
    shell.handle(Done())
    assert isinstance(screen(), HomeScreen)


def test_the_http_client_maps_refusals_to_typed_errors_and_logs_no_body(live, api, persons, caplog):
    client = CertificateHallClient(live.base_url, api.tokens["kiosk"], retries=0)
    nobody = CardReading(persons[5][0], persons[5][1], SAM)
    caplog.set_level(logging.DEBUG, logger="kiosk")
    with pytest.raises(HallApiError) as caught:
        client.issue_certificate("social_insurance", nobody, period_months=12, purpose="购房", request_id="q-1")
    err = caught.value
    assert (err.code, err.status, err.data["reason"]) == ("certificate_refused", 409, "no_record")
    typed = CardReading(persons[0][0], persons[0][1], "")
    with pytest.raises(HallApiError) as caught:
        client.issue_certificate("income_tax", typed, period_months=12, purpose="购房", request_id="q-2")
    assert caught.value.code == "card_required" and caught.value.status == 422
    issued = client.issue_certificate("income_tax", CardReading(persons[0][0], persons[0][1], SAM), period_months=12,
                                      purpose="购房", request_id="q-3")
    assert client.report_certificate_print(issued["doc_no"], "failed", reason="paper jam", request_id="q-4")["reprint_allowed"]
    assert client.request_certificate_reprint(issued["doc_no"], request_id="q-5")["print_state"] == "reprinting"
    assert client.report_certificate_print(issued["doc_no"], "ok", request_id="q-6")["print_state"] == "printed"
    with pytest.raises(HallApiError) as caught:
        client.request_certificate_reprint(issued["doc_no"], request_id="q-7")
    assert caught.value.code == "reprint_not_allowed" and caught.value.data["reason"] == "state"
    assert client.rate_certificate(issued["doc_no"], 4, request_id="q-8")["level_name"] == "满意"
    assert "q-3" in caplog.text                                       # the client did log the calls…
    for secret in (persons[0][0], persons[0][1], persons[5][0], persons[5][1]):
        assert secret not in caplog.text                              # … but never a body
