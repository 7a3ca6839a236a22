"""The ticket printer failing in the middle of a 取号 flow, with the real hall server process
and the production printer driver on a pty served by the printer emulator (issue 8).

The resident has already chosen a service when the paper runs out, the cover opens or the
cable comes out. Either the kiosk knows before issuing (its status poll saw it): then the
resident is refused with the notice and what to do next, and no ticket exists; or the
ticket was issued and the print failed: then the number stays on screen, the same receipt
can be printed again once the printer is back, and there is never a second ticket. When
the printer comes back, 取号 is enabled again and the heartbeat says so.
"""
from __future__ import annotations

import sqlite3

import pytest

from drivers.emulation import PtyHost
from drivers.printer.emulator import PrinterEmulator
from kiosk.config import DevicesSection, KioskConfig, KioskInfo, PrinterSection, ServerSection
from kiosk.core.intents import Choose, Done, Open, Skip
from kiosk.core.screens import Confirmation, HomeScreen, PrintFailedScreen, Refused
from kiosk.core.take_number import RealName
from kiosk.hall_client import HallClient

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
DEVICE = "kiosk-faults"
WAIT_MS = 10000


def _fault(printer: PtyHost, kind: str) -> None:
    {"paper_out": lambda: printer.device.set_paper("out"),
     "cover_open": lambda: printer.device.set_cover_open(True),
     "unplugged": printer.unplug}[kind]()


def _repair(printer: PtyHost, kind: str) -> None:
    {"paper_out": lambda: printer.device.set_paper("ok"),
     "cover_open": lambda: printer.device.set_cover_open(False),
     "unplugged": printer.replug}[kind]()


@pytest.fixture
def printer():
    host = PtyHost(PrinterEmulator("ok")).start()
    yield host
    host.stop()


@pytest.fixture
def kiosk_on(hall_server, printer, make_kiosk, qtbot):
    """``kiosk_on(poll_s)``: a kiosk on the real server whose printer is polled every ``poll_s``."""
    def make(poll_s: float):
        config = KioskConfig(kiosk=KioskInfo(locked=False, device_id=DEVICE, location="一楼大厅东侧"),
                             server=ServerSection(base_url=hall_server.base_url),
                             devices=DevicesSection(printer=PrinterSection(url=printer.path, poll_s=poll_s)))
        client = HallClient(hall_server.base_url, hall_server.credentials["tokens"]["kiosk"], retries=1,
                            backoff_s=0.05)
        kiosk = make_kiosk(client, config)
        tile = kiosk.window.views[HomeScreen].tiles
        qtbot.waitUntil(lambda: "take_number" in tile and tile["take_number"].isEnabled(), timeout=WAIT_MS)
        return kiosk
    return make


def _tickets(server) -> int:
    with sqlite3.connect(f"file:{server.data_dir / 'hall.sqlite3'}?mode=ro", uri=True) as db:
        return db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0]


def _numbers(server, number: str) -> int:
    with sqlite3.connect(f"file:{server.data_dir / 'hall.sqlite3'}?mode=ro", uri=True) as db:
        return db.execute("SELECT COUNT(*) FROM tickets WHERE number = ?", (number,)).fetchone()[0]


def _to_real_name(kiosk):
    service = next(s for s in kiosk.runtime.session.directory.services if s.real_name == "optional")
    kiosk.send(Open("take_number"), Choose(service.category), Choose(service.code))
    assert isinstance(kiosk.screen, RealName)


def _printer_component(server, qtbot, kiosk, state: str) -> dict:
    """Send a heartbeat and wait until the server holds the printer in ``state``."""
    found = {}

    def holds() -> bool:
        kiosk.runtime.send_heartbeat()
        rows = server.session("manager").get(server.url("/devices"), timeout=5).json()["devices"]
        mine = next((r for r in rows if r["name"] == DEVICE), None)
        found.update(mine["components"]["printer"] if mine else {})
        return bool(mine) and found.get("state") == state
    qtbot.waitUntil(holds, timeout=WAIT_MS)
    return found


def _recovered(server, qtbot, kiosk) -> None:
    """取号 is enabled again on the home screen and the heartbeat says the printer is ok."""
    kiosk.send(Done())
    tile = kiosk.window.views[HomeScreen].tiles["take_number"]
    qtbot.waitUntil(lambda: isinstance(kiosk.screen, HomeScreen) and tile.isEnabled(), timeout=WAIT_MS)
    assert not tile.note.isVisible()
    assert _printer_component(server, qtbot, kiosk, "ok")["ok"] is True


@pytest.mark.parametrize("kind", ["paper_out", "cover_open", "unplugged"])
def test_a_fault_seen_before_issuing_refuses_with_what_to_do_and_issues_nothing(kind, hall_server, printer,
                                                                                 kiosk_on, qtbot):
    kiosk = kiosk_on(poll_s=0.5)
    _to_real_name(kiosk)                                       # the resident has chosen a service
    _fault(printer, kind)
    qtbot.waitUntil(lambda: not kiosk.runtime.session.printer.ready, timeout=WAIT_MS)
    before = _tickets(hall_server)
    kiosk.view().skip.click()                                  # 不实名，直接取号
    screen = kiosk.wait_screen(Refused)
    assert screen.notice.code == "printer_unavailable"
    view = kiosk.view()
    assert "暂停取号" in view.notice.message.text()
    assert "总服务台" in kiosk.texts()                          # what to do next
    assert view.buttons["help_desk"].isVisible() and view.buttons["home"].isVisible()
    qtbot.wait(300)
    assert _tickets(hall_server) == before                     # nothing issued
    component = _printer_component(hall_server, qtbot, kiosk, "unavailable" if kind == "unplugged" else "error")
    assert component["ok"] is False
    view.buttons["home"].click()
    tile = kiosk.window.views[HomeScreen].tiles["take_number"]
    assert not tile.isEnabled() and "暂停取号" in tile.note.text()
    _repair(printer, kind)
    _recovered(hall_server, qtbot, kiosk)


@pytest.mark.parametrize("kind", ["runs_out_mid_job", "cover_open", "unplugged"])
def test_a_print_failing_after_the_ticket_is_issued_keeps_the_number_and_reprints_it(kind, hall_server, printer,
                                                                                       kiosk_on, qtbot):
    # A slow status poll: the kiosk does not learn of the fault before it issues the ticket.
    kiosk = kiosk_on(poll_s=60.0)
    emulator = printer.device
    _to_real_name(kiosk)
    if kind == "runs_out_mid_job":
        emulator.set_scenario("runs_out_after:4")             # the roll ends inside this slip
    else:
        _fault(printer, kind)
    before = _tickets(hall_server)
    kiosk.send(Skip(), Skip())                                 # a double tap before the screen changes
    screen = kiosk.wait_screen(PrintFailedScreen, timeout=15)
    number = screen.view.number
    assert _tickets(hall_server) == before + 1 and _numbers(hall_server, number) == 1
    view = kiosk.view()
    assert view.number.text() == number                       # the number stays on screen
    assert number in view.notice.message.text() and "记下" in kiosk.texts()
    assert view.reprint.isVisible()
    assert all(d.find_line(number) is None for d in emulator.documents)
    if kind == "runs_out_mid_job":
        assert emulator.interrupted                           # half a slip came out

    view.reprint.click()                                       # still broken: fails again, no new ticket
    kiosk.wait_screen(PrintFailedScreen, timeout=15)
    qtbot.waitUntil(lambda: kiosk.view().reprint.isVisible(), timeout=WAIT_MS)
    _repair(printer, "paper_out" if kind == "runs_out_mid_job" else kind)
    if kind == "unplugged":                                    # the driver reconnects by itself
        qtbot.waitUntil(lambda: kiosk.kiosk.devices.printer.connected, timeout=WAIT_MS)
    kiosk.view().reprint.click()
    kiosk.wait_screen(Confirmation, timeout=15)
    printed = [d for d in emulator.documents if d.find_line(number) is not None]
    assert len(printed) == 1 and printed[0].cut == "full"
    assert kiosk.screen.view.number == number
    assert _tickets(hall_server) == before + 1 and _numbers(hall_server, number) == 1
    _recovered(hall_server, qtbot, kiosk)
