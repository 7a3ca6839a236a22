"""Bad and real input through the serial scanner at the kiosk (issue 8), with the real hall
server process and the production scanner and printer drivers on ptys.

A slip the kiosk printed, scanned back at the same kiosk, opens its 进度查询 (the QR code
carries the server's ``/t/{token}`` phone address). Line noise, codes too long for any
QR code, invalid bytes, control and bidi characters, split codes and a bare ID number
never crash the kiosk or leave it stuck: each is ignored or answered with the
unknown-code notice, nothing scanned is echoed on screen, and a good scan still works.
"""
from __future__ import annotations

import pytest

from drivers.emulation import PtyHost
from drivers.printer.emulator import PrinterEmulator
from drivers.scanner.emulator import ScannerEmulator
from kiosk.config import DevicesSection, KioskConfig, KioskInfo, PrinterSection, ScannerSection, ServerSection
from kiosk.core.intents import Choose, Done, Home, Open, Skip
from kiosk.core.progress import ProgressStart, ProgressView
from kiosk.core.screens import Confirmation, HomeScreen
from kiosk.hall_client import HallClient

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
WAIT_MS = 10000
ID_NUMBER = "11010519491231002X"              # synthetic


@pytest.fixture
def hosts():
    made = {"printer": PtyHost(PrinterEmulator("ok")).start(), "scanner": PtyHost(ScannerEmulator()).start()}
    yield made
    for host in made.values():
        host.stop()


@pytest.fixture
def kiosk(hall_server, hosts, make_kiosk, qtbot):
    config = KioskConfig(kiosk=KioskInfo(locked=False, device_id="kiosk-scan-fault"),
                         server=ServerSection(base_url=hall_server.base_url),
                         devices=DevicesSection(printer=PrinterSection(url=hosts["printer"].path, poll_s=1.0),
                                                scanner=ScannerSection(mode="serial", url=hosts["scanner"].path)))
    client = HallClient(hall_server.base_url, hall_server.credentials["tokens"]["kiosk"], retries=1, backoff_s=0.05)
    built = make_kiosk(client, config)
    tiles = built.window.views[HomeScreen].tiles
    qtbot.waitUntil(lambda: "take_number" in tiles and tiles["take_number"].isEnabled(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: built.kiosk.devices.scanner_ready, timeout=WAIT_MS)
    return built


def _take_a_ticket(kiosk, printer) -> tuple[str, str]:
    """取号 without real name; the number and the QR payload printed on the slip."""
    service = next(s for s in kiosk.runtime.session.directory.services if s.real_name != "required")
    kiosk.send(Open("take_number"), Choose(service.category), Choose(service.code))
    if not isinstance(kiosk.screen, Confirmation):
        kiosk.send(Skip())
    screen = kiosk.wait_screen(Confirmation, timeout=15)
    slip = next(d for d in printer.documents if d.find_line(screen.view.number) is not None)
    kiosk.send(Done())
    return screen.view.number, slip.qr_payloads[0]


def test_a_printed_slip_scanned_back_opens_its_progress(kiosk, hosts):
    number, payload = _take_a_ticket(kiosk, hosts["printer"].device)
    assert "/t/" in payload                                     # the phone page's address
    hosts["scanner"].device.scan(payload)
    screen = kiosk.wait_screen(ProgressView, timeout=15)
    assert screen.number == number and number in kiosk.texts()


BAD_SCANS = [
    b"\x00\xff\x13\x00\r",                                    # line noise and a suffix
    b"A" * 10_000 + b"\r",                                    # longer than any QR code holds
    b"\xc3\x28\xa0\xa1\xfe\xfe\r",                            # invalid UTF-8
    "HT:TKT:\u202e\u200bABC\x07\x1b[2J".encode() + b"\r",      # bidi override, zero width, BEL, ANSI
    b"HT:TKT:../../etc/passwd\r",                              # a path in a token
    b"http://evil.example/t/\r",                               # an empty token
    ID_NUMBER.encode() + b"\r",                                # someone scans an ID card's barcode
    b"\r\r\r\n\n",                                             # bare suffixes
]


def test_bad_scans_are_ignored_or_refused_and_a_good_scan_still_works(kiosk, hosts, qtbot):
    scanner = hosts["scanner"].device
    home = kiosk.window.views[HomeScreen]
    for raw in BAD_SCANS:
        kiosk.send(Home())
        scanner.scan_bytes(raw)
        qtbot.wait(250)
        qtbot.waitUntil(lambda: not kiosk.screen.busy, timeout=WAIT_MS)
        screen = kiosk.screen                                   # home, or 进度查询 saying it knows no such ticket
        assert isinstance(screen, HomeScreen) or (isinstance(screen, ProgressStart) and screen.notice), (raw[:20], screen)
        assert ID_NUMBER not in kiosk.texts() and "passwd" not in kiosk.texts() and "evil" not in kiosk.texts()
    kiosk.send(Home())
    scanner.scan("not a code at all")
    qtbot.waitUntil(lambda: kiosk.screen.notice is not None and kiosk.screen.notice.code == "unknown_code",
                    timeout=WAIT_MS)
    assert "无法识别" in home.notice.message.text() or home.notice.isVisible()
    assert kiosk.kiosk.devices.scanner_ready and kiosk.kiosk.devices.scanner.status.state == "ok"
    number, payload = _take_a_ticket(kiosk, hosts["printer"].device)   # the kiosk still works
    scanner.scan(payload)
    kiosk.wait_screen(ProgressView, timeout=15)
    assert number in kiosk.texts()
