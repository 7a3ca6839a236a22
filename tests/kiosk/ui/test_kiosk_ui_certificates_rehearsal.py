"""证明打印 in the real kiosk window on the rehearsal hall (in-memory certificate desk and A4
printer): which kiosks offer it, leaving an unprinted preview, a reader without a SAM id,
English and 长者模式. (Real server, card reader and CUPS: test_kiosk_ui_certificates.py.)"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QAbstractButton

from drivers.status import DeviceStatus
from kiosk.config import DevicesSection, DocumentPrinterSection, IdCardSection, KioskConfig
from kiosk.core import certificate_flow as cert
from kiosk.core.intents import CardSwiped, Choose, Home, Submit, Tick, ToggleElderly
from kiosk.core.screens import HomeScreen, Refused
from kiosk.ui import theme
from kiosk.ui.rehearsal import MemoryDocumentPrinter

SAM = "05.01-20230101-0000012345-0123456789"
CARD = SimpleNamespace(number="11010519491231002X", name="欧阳娜娜", sam_id=SAM)     # synthetic


@pytest.fixture
def kiosk(rehearsal):
    """The shared rehearsal kiosk, offering 证明打印 with a recording A4 printer."""
    runtime = rehearsal.runtime
    runtime.session.settings = replace(rehearsal.settings, certificates=True)
    runtime.runner.document_printer = MemoryDocumentPrinter()
    rehearsal.send(Home())
    yield rehearsal
    runtime.session.settings = rehearsal.settings
    runtime.set_language("zh")     # takes the English translator off the application the next modules share


def _to_preview(kiosk, card=CARD):
    kiosk.window.views[HomeScreen].tiles["certificate"].click()
    kiosk.qtbot.waitUntil(lambda: bool(isinstance(kiosk.screen, cert.Identify) and kiosk.screen.types
                                       and kiosk.screen.printer_ready), timeout=5000)
    kiosk.send(CardSwiped(card))
    kiosk.wait_screen(cert.ChooseType)
    kiosk.send(Choose("social_insurance"), cert.SetPeriod(12), cert.SetPurpose("购房"), Submit())
    return kiosk.wait_screen(cert.Preview)


def _reports(kiosk) -> list[dict]:
    return [args for name, args in kiosk.client.certificates.calls if name == "report_certificate_print"]


@pytest.mark.parametrize("printer, reader, offered", [("cert-a4", "/dev/ttyUSB1", True), ("", "/dev/ttyUSB1", False),
                                                      ("cert-a4", "", False)])
def test_only_a_kiosk_with_an_a4_printer_and_a_card_reader_offers_certificates(printer, reader, offered):
    config = KioskConfig(devices=DevicesSection(idcard=IdCardSection(url=reader),
                                                document_printer=DocumentPrinterSection(name=printer)))
    assert config.flow_settings().certificates is offered


def test_the_tile_follows_the_setting(rehearsal):
    tiles = rehearsal.window.views[HomeScreen].tiles
    try:
        for offered in (True, False):
            rehearsal.runtime.session.settings = replace(rehearsal.settings, certificates=offered)
            rehearsal.send(Home())
            rehearsal.qtbot.wait(30)
            keys = [t.key for t in rehearsal.screen.tiles]
            assert ("certificate" in keys) is offered and len(keys) == 5 + offered
            assert bool(tiles.get("certificate") and tiles["certificate"].isVisibleTo(rehearsal.window)) is offered
            shown = [k for k, tile in tiles.items() if tile.isVisibleTo(rehearsal.window)]
            assert sorted(shown) == sorted(keys)
        assert tiles["certificate"].title.text() == "证明打印"
    finally:
        rehearsal.runtime.session.settings = rehearsal.settings


def test_leaving_the_preview_by_home_reports_it_cancelled_and_wipes_it(kiosk):
    preview = _to_preview(kiosk)
    assert preview.document.holder_name == "欧***" and "欧***" in kiosk.texts()
    kiosk.window.home.click()                                       # the bottom bar's 返回首页
    assert isinstance(kiosk.screen, HomeScreen)
    kiosk.qtbot.waitUntil(lambda: bool(_reports(kiosk)), timeout=3000)
    assert _reports(kiosk) == [{"doc_no": preview.document.doc_no, "result": "cancelled", "reason": None}]
    assert kiosk.runtime.runner.document_printer.printed == []
    texts = kiosk.texts()
    for shown in (preview.document.doc_no, preview.document.holder_name, preview.document.holder_id):
        assert shown not in texts


def test_the_idle_wipe_on_the_preview_reports_it_cancelled_too(kiosk):
    preview = _to_preview(kiosk)
    session = kiosk.runtime.session
    timeout, _ = session.settings.idle.limits(session.elderly)
    session.last_activity = session._clock() - timedelta(seconds=timeout + 1)
    kiosk.send(Tick())
    assert isinstance(kiosk.screen, HomeScreen)
    kiosk.qtbot.waitUntil(lambda: bool(_reports(kiosk)), timeout=3000)
    assert _reports(kiosk)[0]["result"] == "cancelled" and _reports(kiosk)[0]["doc_no"] == preview.document.doc_no
    assert preview.document.doc_no not in kiosk.texts()


def test_a_reader_that_gave_no_sam_id_cannot_identify_for_certificates(kiosk):
    kiosk.window.views[HomeScreen].tiles["certificate"].click()
    kiosk.qtbot.waitUntil(lambda: bool(isinstance(kiosk.screen, cert.Identify) and kiosk.screen.types), timeout=5000)
    kiosk.send(CardSwiped(SimpleNamespace(number=CARD.number, name=CARD.name, sam_id="")))
    screen = kiosk.wait_screen(Refused)
    assert screen.notice.code == "reader_unverified" and "读卡器未就绪" in kiosk.texts()
    assert not [c for c in kiosk.client.certificates.calls if c[0] == "issue_certificate"]


def test_the_identify_screen_has_no_keypad_says_why_and_warns_when_the_reader_is_down(kiosk):
    statuses = kiosk.runtime.devices.statuses
    assert statuses["idcard"].state == "absent"                     # the rehearsal kiosk has no reader
    kiosk.window.views[HomeScreen].tiles["certificate"].click()
    view = kiosk.view()
    assert not hasattr(view, "keypad") and "不能手工输入号码" in view.hint.text()
    assert "身份证阅读器暂时不能使用" in view.reader.message.text() and view.reader.isVisibleTo(kiosk.window)
    absent = statuses["idcard"]
    statuses["idcard"] = DeviceStatus("idcard", "ok")
    try:
        kiosk.window.render()
        assert not view.reader.isVisibleTo(kiosk.window) and view.reader.message.text() == ""
    finally:
        statuses["idcard"] = absent


def test_english_and_elderly_mode_on_the_certificate_screens(kiosk):
    kiosk.runtime.set_language("en")
    kiosk.send(ToggleElderly())
    kiosk.window.views[HomeScreen].tiles["certificate"].click()
    kiosk.qtbot.waitUntil(lambda: bool(isinstance(kiosk.screen, cert.Identify) and kiosk.screen.types), timeout=5000)
    kiosk.send(CardSwiped(CARD))
    kiosk.wait_screen(cert.ChooseType)
    titles = [heading.text() for _, heading, _ in kiosk.view().choices._rows if heading.isVisibleTo(kiosk.window)]
    assert "Social insurance contribution record" in titles
    kiosk.send(Choose("social_insurance"))
    view = kiosk.view()
    assert view.period_heading.text() == "Period" and view.submit.text() == "Get the certificate"
    assert [b.text() for b in view.purposes[:2]] == ["Buying a home", "School enrolment"]
    assert kiosk.window.prompt.text() == "Please choose the period and the purpose"
    buttons = [b for b in kiosk.window.findChildren(QAbstractButton) if b.isVisibleTo(kiosk.window)]
    small = [(b.text(), b.width(), b.height()) for b in buttons if min(b.width(), b.height()) < 60 * theme.PX_PER_DP]
    assert not small                                                # ACC-06 in 长者模式
    kiosk.send(cert.SetPeriod(6), cert.SetPurpose("其他"), Submit())
    kiosk.wait_screen(cert.Preview)
    assert kiosk.view().confirm.text() == "Print" and kiosk.view().cancel.text() == "Cancel, do not print"


def test_fetching_while_the_server_is_unreachable_says_so_offers_a_way_out_and_recovers(kiosk):
    session = kiosk.runtime.session
    session.settings = replace(session.settings, server_retry_delays_s=(0.1, 0.1, 0.1, 0.1))
    kiosk.window.views[HomeScreen].tiles["certificate"].click()
    kiosk.qtbot.waitUntil(lambda: bool(isinstance(kiosk.screen, cert.Identify) and kiosk.screen.types
                                       and kiosk.screen.printer_ready), timeout=5000)
    kiosk.send(CardSwiped(CARD))
    kiosk.wait_screen(cert.ChooseType)
    kiosk.client.offline = True
    kiosk.send(Choose("medical_insurance"), cert.SetPurpose("入学"), Submit())
    kiosk.qtbot.waitUntil(lambda: isinstance(kiosk.screen, cert.Fetching) and kiosk.screen.notice is not None,
                          timeout=3000)
    view = kiosk.view()
    assert "服务器暂时无法连接" in view.notice.message.text() and view.cancel.isVisibleTo(kiosk.window)
    assert not view.progress.isVisibleTo(kiosk.window)
    kiosk.client.offline = False
    preview = kiosk.wait_screen(cert.Preview)
    issues = [c for c in kiosk.client.certificates.calls if c[0] == "issue_certificate"]
    assert len(issues) == 1 and preview.document.type_code == "medical_insurance"   # one issue, same request_id
