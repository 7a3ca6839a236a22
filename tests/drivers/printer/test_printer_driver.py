"""The production TicketPrinter driver against the emulator on a real pseudo-terminal."""
from __future__ import annotations

import threading
import time

import pytest

from drivers.emulation import PtyHost
from drivers.errors import DeviceUnavailable
from drivers.printer.driver import TicketPrinter
from drivers.printer.emulator import PrinterEmulator
from drivers.printer.errors import (CoverOpen, CutterError, PaperOut, PrinterOffline,
                                    PrintNotConfirmed)
from drivers.printer.receipts import ChecklistReceipt, Material, TicketReceipt

TICKET = TicketReceipt(
    hall_name="历下区政务服务中心", number="A023", category_name="社保医保",
    service_name="城乡居民基本养老保险参保登记", ahead=3, est_wait_min=9,
    issued_at="2026-11-21 09:30", status_url="https://hall.example.cn/s/7f3a", masked_name="张*",
    notice=("——————", "，。", "补办工本费¥20，请到收费窗口缴纳。"))


class Rig:
    """An emulator on a pty and a started driver with its status reports."""

    def __init__(self, scenario: str = "ok", **driver_options):
        self.emulator = PrinterEmulator(scenario)
        self.host = PtyHost(self.emulator).start()
        self.reports = []
        self._changed = threading.Condition()
        options = {"settle_time": 0.0, "poll_interval": 0.1, "backoff": (0.05, 0.2), **driver_options}
        self.printer = TicketPrinter(self.host.path, on_status=self._report, **options).start()

    def _report(self, status) -> None:
        with self._changed:
            self.reports.append(status)
            self._changed.notify_all()

    def wait_for(self, predicate, timeout: float = 5.0):
        """Wait until a status report satisfies ``predicate``; return it."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = next((r for r in self.reports if predicate(r)), None)
                if found or time.monotonic() > deadline:
                    return found
                self._changed.wait(0.05)

    def close(self) -> None:
        self.printer.stop()
        self.host.stop()


@pytest.fixture
def rig():
    made = []

    def make(scenario: str = "ok", **options) -> Rig:
        made.append(Rig(scenario, **options))
        return made[-1]

    yield make
    for r in made:
        r.close()


def test_prints_a_ticket_the_printer_decodes_exactly(rig):
    r = rig()
    assert r.printer.wait_connected(5)
    result = r.printer.print_receipt(TICKET)
    assert result.printed and result.confirmed and result.status.paper == "ok"
    doc = r.emulator.last_document
    number = doc.find_line("A023")
    assert (number.text, number.width, number.height, number.bold) == ("A023", 4, 4, True)
    assert doc.find_line("历下区政务服务中心").width == 2
    assert "——————" in doc.text_lines and "，。" in doc.text_lines
    assert "补办工本费￥20，请到收费窗口缴纳。" in doc.text_lines
    assert "姓名：张*" in doc.text_lines
    assert doc.qr_payloads == ["https://hall.example.cn/s/7f3a"]
    assert doc.cut == "full" and not doc.interrupted and doc.raster_count == 0
    assert "?" not in doc.text and "\ufffd" not in doc.text
    assert result.bytes_sent == len(r.host.received) - r.emulator.status_requests * 3


def test_rare_name_character_is_printed_as_an_image(rig):
    r = rig()
    assert r.printer.wait_connected(5)
    r.printer.print_receipt(TicketReceipt(**{**TICKET.__dict__, "masked_name": "𠮷*"}))
    doc = r.emulator.last_document
    assert doc.raster_count == 1 and doc.rasters[0].black_dots > 0
    assert not any("姓名" in line for line in doc.text_lines)
    assert doc.find_line("A023") is not None and doc.cut == "full"


def test_checklist_prints_with_partial_cut(rig):
    r = rig()
    assert r.printer.wait_connected(5)
    slip = ChecklistReceipt(title="一次性告知单", service_name="居住证办理",
                            materials=(Material("居民身份证", copies=1),), fees="不收费",
                            guide_url="https://hall.example.cn/g/JZZ", cut="partial")
    assert r.printer.print_receipt(slip).printed
    doc = r.emulator.last_document
    assert "1. 居民身份证" in doc.text_lines and doc.cut == "partial"
    assert doc.qr_payloads == ["https://hall.example.cn/g/JZZ"]


@pytest.mark.parametrize("scenario, error, state, message", [
    ("out", PaperOut, "error", "打印机缺纸，请联系工作人员"),
    ("cover_open", CoverOpen, "error", "打印机仓盖未关闭，请联系工作人员"),
    ("offline", PrinterOffline, "error", "打印机离线，请联系工作人员"),
    ("cutter_error", CutterError, "error", "打印机切刀故障，请联系工作人员"),
])
def test_refuses_before_sending_when_the_printer_cannot_print(rig, scenario, error, state, message):
    r = rig(scenario)
    assert r.printer.wait_connected(5)
    assert r.printer.status.state == state and r.printer.status.message == message
    with pytest.raises(error) as info:
        r.printer.print_receipt(TICKET)
    assert info.value.message == message and info.value.status.problem == error.code
    assert r.emulator.documents == [] and r.emulator.interrupted == []
    assert b"\x1c\x26" not in bytes(r.host.received)  # not one byte of the job went out


def test_near_end_prints_and_warns(rig):
    r = rig("near_end")
    assert r.printer.wait_connected(5)
    assert r.printer.status.state == "warning"
    assert r.printer.status.details["paper"] == "near_end"
    result = r.printer.print_receipt(TICKET)
    assert result.printed and result.status.paper == "near_end"
    assert r.emulator.last_document.find_line("A023")


def test_paper_running_out_mid_job_is_reported_as_failure(rig):
    r = rig("runs_out_after:6")
    assert r.printer.wait_connected(5)
    with pytest.raises(PrintNotConfirmed) as info:
        r.printer.print_receipt(TICKET)
    assert info.value.cause == "paper_out" and "纸张用完" in info.value.message
    assert r.emulator.documents == []
    assert len(r.emulator.interrupted) == 1 and len(r.emulator.interrupted[0].lines) <= 6
    assert r.printer.status.state == "error"
    r.emulator.set_paper("ok")
    assert r.printer.print_receipt(TICKET).printed
    assert r.emulator.last_document.find_line("A023") and not r.emulator.last_document.interrupted


def test_confirmation_waits_settle_time_before_asking(rig):
    slept = []
    r = rig(settle_time=0.25, sleep=slept.append)
    assert r.printer.wait_connected(5)
    assert r.printer.print_receipt(TICKET).printed
    assert slept == [0.25]


def test_idle_polling_reports_each_change_once(rig):
    r = rig(poll_interval=0.05)
    assert r.printer.wait_connected(5)
    assert r.wait_for(lambda s: s.state == "ok")
    r.emulator.set_paper("near_end")
    warning = r.wait_for(lambda s: s.state == "warning")
    assert warning and warning.message == "打印纸即将用完，请及时更换"
    r.emulator.set_paper("out")
    error = r.wait_for(lambda s: s.state == "error")
    assert error and error.message_en == "printer out of paper"
    r.emulator.set_paper("ok")
    assert r.wait_for(lambda s: len(r.reports) >= 4)
    time.sleep(0.3)  # several more polls of an unchanged printer
    assert [s.state for s in r.reports] == ["ok", "warning", "error", "ok"]


def test_query_status_asks_now(rig):
    r = rig(poll_interval=3600)
    assert r.printer.wait_connected(5)
    r.emulator.set_cover_open(True)
    status = r.printer.query_status()
    assert status.cover_open and not status.can_print
    assert r.printer.printer_status == status and r.printer.status.state == "error"


def test_printer_that_never_answers_is_unavailable(rig):
    r = rig("silent", status_timeout=0.1)
    assert not r.printer.wait_connected(0.5)
    report = r.wait_for(lambda s: s.state == "unavailable")
    assert report and "无响应" in report.message
    with pytest.raises(DeviceUnavailable):
        r.printer.print_receipt(TICKET)


def test_unplug_reports_unavailable_once_and_recovery_once(rig):
    r = rig(poll_interval=0.05)
    assert r.printer.wait_connected(5)
    assert r.wait_for(lambda s: s.state == "ok")
    r.host.unplug()
    assert r.wait_for(lambda s: s.state == "unavailable")
    time.sleep(0.5)  # several failed reconnect attempts while unplugged
    with pytest.raises(DeviceUnavailable):
        r.printer.print_receipt(TICKET, timeout=2)
    r.host.replug()
    assert r.printer.wait_connected(5)
    assert [s.state for s in r.reports] == ["ok", "unavailable", "ok"]
    assert r.printer.print_receipt(TICKET).printed
    assert r.emulator.last_document.find_line("A023")


def test_garbage_before_a_status_reply_is_skipped(rig):
    r = rig(poll_interval=3600)
    assert r.printer.wait_connected(5)
    # Noise arrives while the driver waits for its reply: it resynchronises on the status byte.
    original = r.emulator.receive
    r.emulator.receive = lambda data: (b"\x00\xff\x11" + reply) if (reply := original(data)) else reply
    assert r.printer.query_status().paper == "ok"


def test_printer_without_status_support_prints_unconfirmed(rig):
    r = rig("silent", status_queries=False)
    assert r.printer.wait_connected(5)
    assert r.printer.status.state == "ok" and r.printer.status.details["paper"] == "unknown"
    result = r.printer.print_receipt(TICKET)
    assert result.printed and not result.confirmed
    # Unconfirmed means the call returns once the bytes are written; the emulator
    # reads them from the pty on its own thread, so give it a moment to finish.
    deadline = time.monotonic() + 5
    while r.emulator.last_document is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert r.emulator.last_document.find_line("A023") and r.emulator.status_requests == 0


class NoisyPort:
    """A port that answers every read with a byte that is never a status reply."""

    timeout = 0.0

    def __init__(self):
        self.reads = 0

    def reset_input_buffer(self):
        pass

    def write(self, data):
        return len(data)

    def flush(self):
        pass

    def read(self, size=1):
        self.reads += 1
        return b"\x00"

    def close(self):
        pass


def test_endless_noise_with_a_stuck_clock_does_not_hang():
    port = NoisyPort()
    reports = []
    printer = TicketPrinter("noise://", opener=lambda url, **_: port, clock=lambda: 0.0,
                            on_status=reports.append, backoff=(5.0, 5.0)).start()
    try:
        assert not printer.wait_connected(0.5)
        assert reports and reports[0].state == "unavailable" and "无响应" in reports[0].message
        assert 0 < port.reads <= 256
    finally:
        printer.stop()
