"""The real kiosk screens against the real hall server process, with the production
drivers on pseudo-terminals served by the device emulators (drivers/emulation.py)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import requests

from drivers.emulation import PtyHost
from drivers.idcard.card import CardKind
from drivers.idcard.emulator import SAMPLE_CARDS, IdCardEmulator
from drivers.printer.emulator import PrinterEmulator
from drivers.scanner.emulator import ScannerEmulator
from kiosk.config import DevicesSection, IdCardSection, KioskConfig, KioskInfo, PrinterSection, ScannerSection, \
    ServerSection
from kiosk.core.check_in import CheckInStart
from kiosk.core.guide import GuideView
from kiosk.core.intents import Choose, Open
from kiosk.core.screens import Confirmation, HomeScreen
from kiosk.core.take_number import RealName
from kiosk.hall_client import HallClient

pytestmark = [pytest.mark.e2e]
CARD = SAMPLE_CARDS[CardKind.RESIDENT]        # synthetic person, valid check character


@pytest.fixture
def devices():
    hosts = {"printer": PtyHost(PrinterEmulator("ok")).start(),
             "idcard": PtyHost(IdCardEmulator("no_card", card_delay=0.05)).start(),
             "scanner": PtyHost(ScannerEmulator()).start()}
    yield hosts
    for host in hosts.values():
        host.stop()


@pytest.fixture
def hall_kiosk(hall_server, devices, make_kiosk, qtbot):
    token = hall_server.credentials["tokens"]["kiosk"]
    config = KioskConfig(
        kiosk=KioskInfo(locked=False, device_id="kiosk-e2e", location="一楼大厅东侧"),
        server=ServerSection(base_url=hall_server.base_url),
        devices=DevicesSection(printer=PrinterSection(url=devices["printer"].path, poll_s=0.5),
                               idcard=IdCardSection(url=devices["idcard"].path),
                               scanner=ScannerSection(mode="serial", url=devices["scanner"].path)))
    kiosk = make_kiosk(HallClient(hall_server.base_url, token, retries=1, backoff_s=0.05), config)
    home = kiosk.window.views[HomeScreen]
    qtbot.waitUntil(lambda: "take_number" in home.tiles and home.tiles["take_number"].isEnabled(), timeout=8000)
    qtbot.waitUntil(lambda: kiosk.kiosk.devices.reader_ready, timeout=8000)
    return kiosk


def _lookup(server, number):
    response = server.session("manager").get(server.url("/tickets/lookup"), params={"number": number}, timeout=5)
    response.raise_for_status()
    return response.json()


def _printed(qtbot, printer, count):
    qtbot.waitUntil(lambda: len(printer.documents) >= count, timeout=8000)
    return printer.documents[count - 1]


def test_take_number_with_the_id_card_prints_the_servers_number(hall_server, hall_kiosk, devices, qtbot):
    kiosk, printer = hall_kiosk, devices["printer"].device
    service = next(s for s in kiosk.runtime.session.directory.services if s.real_name == "optional")
    kiosk.window.views[HomeScreen].tiles["take_number"].click()
    kiosk.send(Choose(service.category), Choose(service.code))
    assert isinstance(kiosk.screen, RealName)
    devices["idcard"].device.place_card(CARD)                 # the resident lays the card on the reader
    screen = kiosk.wait_screen(Confirmation, timeout=10)
    number = screen.view.number
    document = _printed(qtbot, printer, 1)
    assert document.find_line(number) is not None and document.cut == "full"
    assert document.find_line("张*") is not None and CARD.id_number not in document.text
    server_ticket = _lookup(hall_server, number)
    assert server_ticket["number"] == number and server_ticket["state"] == "waiting"
    assert document.qr_payloads == [screen.view.status_url]
    assert screen.view.status_url.startswith(f"{hall_server.base_url}/t/")
    assert number in kiosk.view().number.text()


def test_appointment_check_in_by_scanning_its_code_prints_a_priority_ticket(hall_server, hall_kiosk, devices, qtbot):
    kiosk, printer = hall_kiosk, devices["printer"].device
    now = datetime.fromisoformat(requests.get(hall_server.url("/health"), timeout=5).json()["time"])
    service = kiosk.runtime.session.directory.services[0]
    body = {"code": "E2EAPT01", "service_code": service.code, "request_id": "e2e-apt-1",
            "slot_start": (now - timedelta(minutes=5)).isoformat(), "slot_end": (now + timedelta(minutes=25)).isoformat()}
    hall_server.session("manager").post(hall_server.url("/appointments"), json=body, timeout=5).raise_for_status()
    kiosk.window.views[HomeScreen].tiles["check_in"].click()
    assert isinstance(kiosk.screen, CheckInStart)
    devices["scanner"].device.scan("HT:APT:E2EAPT01")        # through the serial scanner driver
    screen = kiosk.wait_screen(Confirmation, timeout=10)
    document = _printed(qtbot, printer, len(printer.documents) or 1)
    assert document.find_line(screen.view.number) is not None
    assert document.find_line("预约号 优先办理") is not None
    assert _lookup(hall_server, screen.view.number)["number"] == screen.view.number
    assert screen.view.priority == "appointment"


def test_guide_checklist_prints_the_materials(hall_kiosk, devices, qtbot):
    kiosk, printer = hall_kiosk, devices["printer"].device
    service = next(s for s in kiosk.runtime.session.directory.services if s.materials)
    before = len(printer.documents)
    kiosk.send(Open("guide"), Choose(service.code))
    assert isinstance(kiosk.screen, GuideView)
    view = kiosk.view()
    assert view.print.isEnabled()
    view.print.click()
    document = _printed(qtbot, printer, before + 1)
    assert document.find_line("一次性告知单") is not None
    first = service.materials[0][:8]
    assert any(first in line for line in document.text_lines)
    qtbot.waitUntil(lambda: "已打印" in view.notice.message.text(), timeout=5000)


def test_paper_out_disables_printing_tiles_and_paper_back_enables_them(hall_kiosk, devices, qtbot):
    kiosk = hall_kiosk
    tiles = kiosk.window.views[HomeScreen].tiles
    devices["printer"].device.set_paper("out")
    qtbot.waitUntil(lambda: not tiles["take_number"].isEnabled(), timeout=5000)
    assert not tiles["check_in"].isEnabled() and "暂停取号" in tiles["take_number"].note.text()
    devices["printer"].device.set_paper("near_end")
    qtbot.waitUntil(lambda: tiles["take_number"].isEnabled(), timeout=5000)
    kiosk.runtime.send_heartbeat()


def test_server_down_notice_then_recovery_with_the_real_process(hall_server, hall_kiosk, qtbot):
    kiosk = hall_kiosk
    kiosk.runtime._beat_retry.setInterval(300)
    port, data_dir = hall_server.port, hall_server.data_dir
    hall_server.stop()
    try:
        kiosk.runtime.send_heartbeat()
        qtbot.waitUntil(lambda: kiosk.window.server_notice.isVisible(), timeout=8000)
        assert "服务器暂时无法连接" in kiosk.window.server_notice.message.text()
    finally:
        hall_server.proc = None
        hall_server.__init__(data_dir, port)
        hall_server.start()
    qtbot.waitUntil(lambda: not kiosk.window.server_notice.isVisible(), timeout=10000)
    assert kiosk.runtime.server_ok is True
