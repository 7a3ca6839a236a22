"""Pure codec: Chinese-mode text encoding, status requests and PrinterStatus."""
from __future__ import annotations

import subprocess
import sys

import pytest

from drivers.errors import ProtocolError
from drivers.printer import protocol
from drivers.printer.errors import (CoverOpen, CutterError, PaperOut, PrinterFault, PrinterOffline,
                                    PrintNotConfirmed, not_confirmed, refusal_for)
from drivers.printer.protocol import PrinterStatus, parse_status


def test_status_requests_are_dle_eot_n():
    assert [protocol.status_request(n) for n in (1, 2, 3, 4)] == [
        b"\x10\x04\x01", b"\x10\x04\x02", b"\x10\x04\x03", b"\x10\x04\x04"]
    with pytest.raises(ValueError):
        protocol.status_request(5)


@pytest.mark.parametrize("byte, valid", [(0x12, True), (0x1A, True), (0x7E, True), (0x00, False),
                                         (0x13, False), (0x92, False), (0x10, False), (0x11, False)])
def test_status_byte_fixed_bits(byte, valid):
    assert protocol.is_status_byte(byte) is valid


def test_first_status_byte_skips_noise():
    assert protocol.first_status_byte(b"\x00\x11\xff\x1e\x12") == 0x1E
    assert protocol.first_status_byte(b"\x00\x11") is None


def test_punctuation_only_lines_are_gb18030_not_question_marks():
    assert protocol.encode_line("——") == bytes.fromhex("a1aa a1aa")
    assert protocol.encode_line("，。") == bytes.fromhex("a3ac a1a3")


def test_yen_is_sent_full_width_and_controls_are_dropped():
    assert protocol.encode_line("¥20") == bytes.fromhex("a3a4") + b"20"
    assert protocol.encode_line("A\x1b@\x1d V\x00B") == b"A@ VB"


@pytest.mark.parametrize("ch", ["𠮷", "䶮", "€", "\U0002a6a5"])
def test_characters_outside_the_two_byte_font_are_refused(ch):
    assert protocol.encode_line(f"王{ch}") is None


def test_charset_gb2312_is_stricter_than_gbk():
    assert protocol.encode_line("张喆") == "张喆".encode("gb18030")
    assert protocol.encode_line("张喆", "gb2312") is None
    assert protocol.encode_line("——，。", "gb2312") == "——，。".encode("gb18030")
    with pytest.raises(ValueError):
        protocol.encode_line("x", "utf-8")


def test_display_columns_count_cjk_double():
    assert protocol.display_columns("A023") == 4
    assert protocol.display_columns("排队号A1") == 8


@pytest.mark.parametrize("replies, problem, state, message", [
    ({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12}, None, "ok", "打印机正常"),
    ({4: 0x1E}, "paper_near_end", "warning", "打印纸即将用完，请及时更换"),
    ({1: 0x1A, 2: 0x32, 4: 0x7E}, "paper_out", "error", "打印机缺纸，请联系工作人员"),
    ({1: 0x1A, 2: 0x32}, "paper_out", "error", "打印机缺纸，请联系工作人员"),  # n2 bit 5 alone
    ({1: 0x1A, 2: 0x16}, "cover_open", "error", "打印机仓盖未关闭，请联系工作人员"),
    ({1: 0x1A, 2: 0x52, 3: 0x1A}, "cutter_error", "error", "打印机切刀故障，请联系工作人员"),
    ({1: 0x1A, 2: 0x52, 3: 0x32}, "printer_fault", "error", "打印机故障，请联系工作人员"),
    ({1: 0x1A}, "printer_offline", "error", "打印机离线，请联系工作人员"),
])
def test_parse_status_names_the_cause(replies, problem, state, message):
    status = parse_status(replies)
    assert status.problem == problem
    device = status.to_device_status()
    assert (device.kind, device.state, device.message) == ("printer", state, message)
    assert device.message_en


def test_device_status_carries_paper_for_the_heartbeat():
    component = parse_status({1: 0x1A, 2: 0x32, 4: 0x7E}).to_device_status().as_component()
    assert component["ok"] is False and component["paper"] == "out"
    assert component["message_en"] == "printer out of paper"


def test_invalid_status_byte_is_a_protocol_error_in_both_languages():
    with pytest.raises(ProtocolError) as info:
        parse_status({1: 0x00})
    assert "状态" in info.value.message and "status" in info.value.message_en


@pytest.mark.parametrize("status, error", [
    (PrinterStatus(online=False, paper="out"), PaperOut),
    (PrinterStatus(online=False, cover_open=True, paper="out"), CoverOpen),
    (PrinterStatus(online=False, cutter_error=True), CutterError),
    (PrinterStatus(other_error=True), PrinterFault),
    (PrinterStatus(online=False), PrinterOffline),
])
def test_refusals_are_typed(status, error):
    refusal = refusal_for(status)
    assert type(refusal) is error
    assert refusal.status == status and refusal.code == error.code
    assert refusal.message.endswith("请联系工作人员")


def test_printable_statuses_are_not_refused():
    assert refusal_for(PrinterStatus()) is None
    assert refusal_for(PrinterStatus(paper="near_end")) is None


def test_not_confirmed_says_why():
    err = not_confirmed("paper_out")
    assert isinstance(err, PrintNotConfirmed) and err.cause == "paper_out"
    assert "纸张用完" in err.message and "paper ran out" in err.message_en
    assert "未确认" in not_confirmed("no_reply").message


def test_pure_modules_import_no_io_frameworks():
    code = ("import sys; import drivers.printer.protocol, drivers.printer.tokenizer, drivers.printer.receipts;"
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('serial', 'usb', 'PySide6', 'escpos', 'PIL', 'requests', 'httpx')]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
