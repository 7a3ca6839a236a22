"""The kiosk's scanner in keyboard-wedge and camera modes, through the real window and the
production scanner code (issue 4). Serial mode runs end to end in test_kiosk_ui_e2e.py.

Wedge: drivers/scanner/wedge.py's filter on the kiosk's QApplication, fed key presses by
QTest at timestamps a fake clock controls. Camera: drivers/scanner/camera.py's threads
reading frames from a stand-in capture that shows a generated QR code.
"""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest
import qrcode
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QWidget

from kiosk.config import DevicesSection, KioskConfig, KioskInfo, ScannerSection
from kiosk.core.guide import GuideView
from kiosk.core.intents import PrinterChanged, PrinterHealth
from kiosk.core.rehearsal import MemoryPrinter
from kiosk.core.screens import Confirmation, HomeScreen
from kiosk.voice import RecordingSink


class FakeClock:
    """Milliseconds that move only when the test says so (the wedge filter's clock)."""

    def __init__(self):
        self.now = 50_000.0

    def __call__(self) -> float:
        return self.now


class FakeCapture:
    """cv2.VideoCapture's face: ``read() -> (ok, frame)``, paced like a camera. It films an
    empty counter until ``hold_up`` is set, then the resident's code."""

    def __init__(self, code_frame, pace_s: float = 0.01):
        self.code_frame, self.pace_s = code_frame, pace_s
        self.empty = np.full(code_frame.shape, 235, dtype=np.uint8)
        self.hold_up = threading.Event()
        self.reads = 0

    def isOpened(self):  # noqa: N802 (OpenCV name)
        return True

    def read(self):
        time.sleep(self.pace_s)
        self.reads += 1
        return True, self.code_frame if self.hold_up.is_set() else self.empty

    def release(self):
        pass


def qr_frame(text: str, size=(720, 1280), module_px: int = 6, at=(180, 520)) -> np.ndarray:
    """A BGR camera frame, light grey, with a QR code of ``text`` drawn by the qrcode package."""
    code = qrcode.QRCode(border=4, box_size=1)
    code.add_data(text)
    code.make(fit=True)
    patch = np.kron(np.array(code.get_matrix(), dtype=bool), np.ones((module_px, module_px), dtype=bool))
    frame = np.full((*size, 3), 235, dtype=np.uint8)
    y, x = at
    frame[y:y + patch.shape[0], x:x + patch.shape[1]][patch] = 0
    return frame


@pytest.fixture
def scanner_kiosk(qtbot, example_hall):
    """``scanner_kiosk(mode, **devices_options)``: a kiosk on the rehearsal hall with that scanner."""
    from kiosk.app import build_kiosk, make_app
    from kiosk.ui.rehearsal import RehearsalClient
    built = []

    def make(mode: str, url: str = "", **options):
        app = make_app()
        config = KioskConfig(kiosk=KioskInfo(locked=False, device_id="kiosk-scan"),
                             devices=DevicesSection(scanner=ScannerSection(mode=mode, url=url)))
        kiosk = build_kiosk(config, "", app=app, client=RehearsalClient(example_hall), voice_sink=RecordingSink(),
                            devices_options=options)
        built.append(kiosk)
        kiosk.runtime.runner.printer = MemoryPrinter()
        kiosk.runtime.dispatch(PrinterChanged(PrinterHealth(True, "ok")))
        kiosk.window.resize(1080, 1920)
        kiosk.window.show()
        qtbot.waitUntil(lambda: bool(kiosk.runtime.hall), timeout=5000)
        return kiosk
    yield make
    for kiosk in built:
        kiosk.stop()
        kiosk.window.allow_close()
        kiosk.window.close()
        kiosk.window.deleteLater()


def _text_field(kiosk) -> QLineEdit:
    """A text field in the kiosk window holding the keyboard focus (what a burst must not reach)."""
    field = QLineEdit(kiosk.window)
    field.setGeometry(40, 200, 600, 80)
    field.show()
    field.setFocus()
    return field


def _keys(widget: QWidget, text: str, clock: FakeClock, gap_ms: float) -> None:
    for char in text:
        clock.now += gap_ms
        if char == "\r":
            QTest.keyClick(widget, Qt.Key.Key_Return)
        else:
            QTest.keyClick(widget, char)


def test_a_wedge_burst_opens_the_scanned_service_guide_and_never_reaches_the_text_field(scanner_kiosk, qtbot):
    clock = FakeClock()
    kiosk = scanner_kiosk("wedge", wedge_clock=clock)
    assert kiosk.devices.wedge is not None and kiosk.devices.scanner_ready
    assert not kiosk.window.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)   # no pinyin box eats letters
    service = next(s for s in kiosk.runtime.session.directory.services if s.guide)
    field = _text_field(kiosk)
    _keys(field, f"HT:SVC:{service.code}\r", clock, gap_ms=4)        # a scanner types 4 ms apart
    qtbot.waitUntil(lambda: isinstance(kiosk.runtime.session.screen, GuideView), timeout=3000)
    assert kiosk.runtime.session.screen.service.code == service.code
    assert kiosk.window.views[GuideView].title.text() == service.name
    assert field.text() == ""                                        # the burst was swallowed


def test_typing_at_human_speed_reaches_the_text_field_and_is_not_taken_for_a_scan(scanner_kiosk, qtbot):
    clock = FakeClock()
    kiosk = scanner_kiosk("wedge", wedge_clock=clock)
    field = _text_field(kiosk)
    _keys(field, "A023", clock, gap_ms=180)
    clock.now += 200
    qtbot.waitUntil(lambda: field.text() == "A023", timeout=2000)   # the last key, held back, is released
    screen = kiosk.runtime.session.screen
    assert isinstance(screen, HomeScreen) and screen.notice is None  # no scan, no "unknown code"


def test_a_qr_code_in_front_of_the_camera_checks_the_appointment_in_once(scanner_kiosk, qtbot):
    camera, opened = FakeCapture(qr_frame("HT:APT:CAM001")), []
    kiosk = scanner_kiosk("camera", "camera://2", camera_capture=lambda source: opened.append(source) or camera)
    memory = kiosk.runtime.client.memory
    service = next(s for s in kiosk.runtime.session.directory.services if s.real_name != "required")
    memory.appointments["CAM001"] = {"category": service.category, "service": service.code}
    qtbot.waitUntil(lambda: camera.reads > 5, timeout=3000)          # filming the empty counter: nothing happens
    assert isinstance(kiosk.runtime.session.screen, HomeScreen)
    camera.hold_up.set()                                             # the resident holds up the booking's code
    qtbot.waitUntil(lambda: isinstance(kiosk.runtime.session.screen, Confirmation), timeout=8000)
    screen = kiosk.runtime.session.screen
    assert opened[0] == 2 and screen.view.priority == "appointment"
    assert kiosk.devices.statuses["scanner"].ok and kiosk.devices.statuses["scanner"].details["mode"] == "camera"
    qtbot.waitUntil(lambda: len(kiosk.runtime.runner.printer.printed) == 1, timeout=3000)
    assert kiosk.runtime.runner.printer.printed[0].number == screen.view.number
    qtbot.wait(600)                                                  # the code stays in view …
    assert memory.count("check_in") == 1 and len(kiosk.runtime.runner.printer.printed) == 1   # … acted on once
