"""WedgeScanFilter on an offscreen QApplication: scans are swallowed, typing gets through."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from drivers.scanner.wedge import CodeRelay, WedgeScanFilter, disable_input_method


class FakeClock:
    """Milliseconds that move only when the test says so."""

    def __init__(self):
        self.now = 10_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def kiosk(qtbot, qapp):
    """A window with two line edits, the first focused, and the filter installed on the app."""
    window = QWidget()
    layout = QVBoxLayout(window)
    edit, other = QLineEdit(), QLineEdit()
    layout.addWidget(edit)
    layout.addWidget(other)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    edit.setFocus()
    clock = FakeClock()
    scan_filter = WedgeScanFilter(clock=clock, max_gap_ms=30, min_length=4).install(qapp)
    codes = []
    scan_filter.code_scanned.connect(codes.append)
    yield edit, scan_filter, clock, codes
    scan_filter.uninstall(qapp)


def type_slowly(widget, text, clock, gap_ms=150):
    for ch in text:
        clock.now += gap_ms
        QTest.keyClick(widget, ch)


def test_burst_is_a_scan_and_never_reaches_the_line_edit(kiosk, qtbot):
    edit, scan_filter, clock, codes = kiosk
    returned = []
    edit.returnPressed.connect(lambda: returned.append(True))
    with qtbot.waitSignal(scan_filter.code_scanned, timeout=1000) as signal:
        QTest.keyClicks(edit, "YY20240601-A7\r")  # all keys at one instant: a burst
    assert signal.args == ["YY20240601-A7"]
    assert edit.text() == "" and returned == []
    assert scan_filter.detector.holding == 0


def test_slow_typing_reaches_the_line_edit_in_order(kiosk):
    edit, scan_filter, clock, codes = kiosk
    type_slowly(edit, "hello", clock)
    assert edit.text() == "hell"  # the last key is still held back ...
    clock.now += 31
    scan_filter.poll()
    assert edit.text() == "hello" and codes == []  # ... until its gap proves it typing


def test_held_key_is_released_by_the_timer(kiosk, qtbot):
    edit, scan_filter, clock, codes = kiosk
    type_slowly(edit, "ok", clock)
    clock.now += 100
    qtbot.waitUntil(lambda: edit.text() == "ok", timeout=1000)
    assert codes == []


def test_suffixless_burst_is_settled_by_the_timer(kiosk, qtbot):
    edit, scan_filter, clock, codes = kiosk
    QTest.keyClicks(edit, "A1B2C3D4")
    clock.now += 100
    qtbot.waitUntil(lambda: codes == ["A1B2C3D4"], timeout=1000)
    assert edit.text() == ""


def test_typing_scan_typing_and_a_human_enter(kiosk):
    edit, scan_filter, clock, codes = kiosk
    returned = []
    edit.returnPressed.connect(lambda: returned.append(edit.text()))
    type_slowly(edit, "ab", clock)
    clock.now += 150
    QTest.keyClicks(edit, "CODE-123\r")
    type_slowly(edit, "c", clock)
    clock.now += 150
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert codes == ["CODE-123"]
    assert edit.text() == "abc" and returned == ["abc"]


def test_backspace_passes_through_after_held_keys(kiosk):
    edit, scan_filter, clock, codes = kiosk
    type_slowly(edit, "xyz", clock)
    clock.now += 10  # Backspace comes while "z" is still held: z must land first
    QTest.keyClick(edit, Qt.Key.Key_Backspace)
    assert edit.text() == "xy"


def test_keys_through_the_window_path_are_judged_once(kiosk, qtbot):
    """Real keyboards deliver to the QWindow first, which forwards to the focus widget."""
    edit, scan_filter, clock, codes = kiosk
    handle = edit.window().windowHandle()
    for ch in "WIN-0001":
        QTest.keyClick(handle, ch)
    QTest.keyClick(handle, Qt.Key.Key_Return)
    assert codes == ["WIN-0001"] and edit.text() == ""
    for ch in "hi":
        clock.now += 150
        QTest.keyClick(handle, ch)
    clock.now += 150
    scan_filter.poll()
    assert edit.text() == "hi"


def test_disable_input_method_covers_children(qtbot):
    root = QWidget()
    QVBoxLayout(root).addWidget(QLineEdit())
    qtbot.addWidget(root)
    child = root.findChild(QLineEdit)
    assert child.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
    assert disable_input_method(root) >= 2
    assert not child.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
    assert not root.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)


def test_overlong_fast_burst_is_handed_back_to_the_widget(qtbot, qapp):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    edit.setFocus()
    scan_filter = WedgeScanFilter(clock=FakeClock(), min_length=2, max_length=4).install(qapp)
    codes = []
    scan_filter.code_scanned.connect(codes.append)
    try:
        QTest.keyClicks(edit, "abcdefg")  # fast, but longer than any code: not a scan
        scan_filter.poll()
    finally:
        scan_filter.uninstall(qapp)
    assert edit.text() == "abcdefg"
    assert codes == []


def test_code_relay_brings_driver_thread_codes_to_the_main_thread(qtbot, qapp):
    from PySide6.QtCore import QThread

    from drivers.emulation import PtyHost
    from drivers.scanner.driver import SerialScanner
    from drivers.scanner.emulator import ScannerEmulator

    relay = CodeRelay()
    seen = []
    relay.code_scanned.connect(lambda code: seen.append((code, QThread.currentThread() is qapp.thread())))
    emulator = ScannerEmulator()
    with PtyHost(emulator) as host:
        scanner = SerialScanner(host.path, on_code=relay.code_scanned.emit).start()
        try:
            assert scanner.wait_connected(3)
            emulator.scan("码上办:370100-001")
            qtbot.waitUntil(lambda: bool(seen), timeout=3000)
        finally:
            scanner.stop()
    assert seen == [("码上办:370100-001", True)]  # delivered, and on the GUI thread
