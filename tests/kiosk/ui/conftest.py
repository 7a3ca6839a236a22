"""Fixtures for the kiosk's Qt tests: a real KioskWindow on the rehearsal hall, or on
the real hall server process with emulated devices on ptys.

Every test here fails on an unexpected Qt warning (pytest-qt ``qt_log_level_fail``);
the offscreen platform's own noise is ignored.
"""
from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest

from kiosk.config import KioskConfig, KioskInfo
from kiosk.core.intents import PrinterChanged, PrinterHealth
from kiosk.core.rehearsal import MemoryPrinter
from kiosk.voice import RecordingSink

QT_NOISE = (r"propagateSizeHints", r"This plugin does not support", r"QFont::setPixelSize")


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(*QT_NOISE))


def pump(qtbot, seconds: float = 0.05) -> None:
    """Let queued signals and timers run for a moment."""
    qtbot.wait(int(seconds * 1000))


class KioskHarness:
    """A built kiosk plus the handles tests use."""

    def __init__(self, qtbot, kiosk, client, printer=None, sink=None):
        self.qtbot, self.kiosk, self.client = qtbot, kiosk, client
        self.window, self.runtime = kiosk.window, kiosk.runtime
        self.printer, self.sink = printer, sink
        self.settings = kiosk.runtime.session.settings

    @property
    def screen(self):
        return self.runtime.session.screen

    def send(self, *intents):
        for intent in intents:
            self.runtime.dispatch(intent)
        return self.screen

    def wait_screen(self, kind, timeout: float = 8.0):
        self.qtbot.waitUntil(lambda: isinstance(self.screen, kind), timeout=int(timeout * 1000))
        return self.screen

    def view(self):
        return self.window.views[type(self.screen)]

    def texts(self) -> str:
        """Every label, button and keypad text in the window (shown or not)."""
        from PySide6.QtWidgets import QAbstractButton, QLabel
        parts = [w.text() for w in self.window.findChildren(QLabel)]
        parts += [w.text() for w in self.window.findChildren(QAbstractButton)]
        parts += [getattr(v, "keypad", None).text for v in self.window.view_list if getattr(v, "keypad", None)]
        return "\n".join(parts)

    def stop(self):
        self.kiosk.stop()
        self.window.allow_close()
        self.window.close()
        self.window.deleteLater()

    def reset(self, client, *, elderly: bool = False, lang: str | None = None) -> "KioskHarness":
        """A fresh resident, hall and printer on the same window (tests share one kiosk)."""
        runtime = self.runtime
        self.client = runtime.client = runtime.runner.hall = client
        runtime.session.wipe()
        runtime.session.settings = self.settings
        runtime.session.elderly = elderly     # set before the redraw: one stylesheet switch, not two
        runtime.language = lang or runtime.default_language
        runtime.server_ok = True
        lockdown = self.kiosk.lockdown
        lockdown.active, lockdown.failures, lockdown.locked_until = False, 0, 0.0
        for overlay in (self.window.more_time, self.window.message, self.window.pin, self.window.attract,
                        self.window.connecting):
            overlay.hide()
        self.window.wipe()
        self.printer = MemoryPrinter()
        runtime.runner.printer = self.printer
        runtime.dispatch(PrinterChanged(PrinterHealth(True, "ok")))
        runtime.last_touch = time.monotonic()
        if self.sink is not None:
            self.sink.played.clear()
        if runtime.voice is not None:
            runtime.voice.spoken.clear()
        return self


def build(qtbot, client, config: KioskConfig | None = None, *, printer_ready: bool = True, size=(1080, 1920)):
    from kiosk.app import build_kiosk, make_app

    app = make_app()
    config = config or KioskConfig(kiosk=KioskInfo(locked=False, location="一楼大厅东侧", device_id="kiosk-t1",
                                                   maintenance_pin_hash=TEST_PIN_HASH))
    sink = RecordingSink()
    kiosk = build_kiosk(config, "", app=app, client=client, voice_sink=sink)
    kiosk.window.resize(*size)
    kiosk.window.show()
    harness = KioskHarness(qtbot, kiosk, client, sink=sink)
    if kiosk.devices.printer is None:
        harness.printer = MemoryPrinter()
        kiosk.runtime.runner.printer = harness.printer
        if printer_ready:
            kiosk.runtime.dispatch(PrinterChanged(PrinterHealth(True, "ok")))
    _wait(app, lambda: bool(kiosk.runtime.hall), 5.0)
    return harness


def _wait(app, predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("kiosk did not load the hall in time")
        app.processEvents()
        time.sleep(0.005)


# PIN 135790, computed with few iterations so the tests stay fast.
TEST_PIN = "135790"
TEST_PIN_HASH = "pbkdf2_sha256$1000$testsalt$" + __import__("hashlib").pbkdf2_hmac(
    "sha256", b"135790", b"testsalt", 1000).hex()


@pytest.fixture(scope="session")
def example_hall():
    from kiosk.ui.rehearsal import example_catalogue
    return example_catalogue()


@pytest.fixture(scope="module")
def _shared_kiosk(qapp, example_hall):
    from kiosk.ui.rehearsal import RehearsalClient
    harness = build(None, RehearsalClient(example_hall))
    yield harness
    harness.stop()


@pytest.fixture
def rehearsal(_shared_kiosk, qtbot, example_hall):
    """The module's kiosk on a fresh in-memory rehearsal hall (the example hall's catalogue)."""
    from kiosk.ui.rehearsal import RehearsalClient
    harness = _shared_kiosk.reset(RehearsalClient(example_hall))
    harness.qtbot = qtbot
    yield harness
    harness.window.show()


def _hall_process_class():
    path = Path(__file__).resolve().parents[2] / "e2e" / "conftest.py"
    spec = importlib.util.spec_from_file_location("hallterm_e2e_conftest", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.HallProcess


@pytest.fixture(scope="module")
def hall_server(tmp_path_factory):
    """The real hall server process on the example hall (shared by a module's tests)."""
    HallProcess = _hall_process_class()
    server = HallProcess(tmp_path_factory.mktemp("hall") / "data").start()
    yield server
    server.stop()


def wait_for(predicate, timeout: float = 8.0, interval: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


@pytest.fixture
def make_kiosk(qtbot):
    """``make_kiosk(client, config=None, printer_ready=True, size=(w, h))`` → KioskHarness."""
    built = []

    def make(client, config=None, **options):
        harness = build(qtbot, client, config, **options)
        built.append(harness)
        return harness
    yield make
    for harness in built:
        harness.stop()


@pytest.fixture
def kiosk_tools():
    """Module-level helpers for tests (import-mode=importlib cannot import conftest)."""
    from types import SimpleNamespace
    return SimpleNamespace(pump=pump, wait_for=wait_for, pin=TEST_PIN, pin_hash=TEST_PIN_HASH)
