"""The printer codec against byte-exact fixtures from devices.md §2 (tests/captures/printer_*.hex)."""
from __future__ import annotations

from pathlib import Path

import pytest
from escpos.printer import Dummy

from drivers.printer import protocol
from drivers.printer.emulator import PrinterEmulator
from drivers.printer.encoder import EscPosJob
from drivers.printer.protocol import PrinterStatus, parse_status, status_bytes
from drivers.printer.tokenizer import EscPosTokenizer

CAPTURES = Path(__file__).resolve().parents[2] / "captures"
JOB_START = protocol.INIT + protocol.KANJI_ON


def load_hex(name: str) -> bytes:
    """A capture file: hex byte pairs, whitespace-separated; ``#`` starts a comment line."""
    text = (CAPTURES / name).read_text(encoding="utf-8")
    return bytes.fromhex(" ".join(line for line in text.splitlines() if not line.startswith("#")))


def kinds(data: bytes) -> list[str]:
    return [t.kind for t in EscPosTokenizer().feed(data)]


def printed(data: bytes, chinese_mode: bool = True):
    emulator = PrinterEmulator(chinese_mode=chinese_mode)
    assert emulator.receive(data + b"\x1d\x56\x00") == b""
    return emulator.last_document


# -- encoder side ------------------------------------------------------------

def test_chinese_line_encodes_like_the_capture():
    assert protocol.encode_line("请A001号到3号窗口") + protocol.LF == load_hex("printer_escpos_text_chinese.hex")


def test_big_centred_bold_style_matches_capture():
    job = EscPosJob()
    job.style(align="center", bold=True, width=2, height=2)
    assert job.output == JOB_START + load_hex("printer_style_big_center.hex")


def test_native_qr_matches_capture():
    job = EscPosJob()
    job.style(align="center")
    styled = job.output
    job.qr("https://example.cn/q?id=A001", module_size=6, ec="M")
    assert job.output == styled + load_hex("printer_qr_native.hex") + protocol.LF


@pytest.mark.parametrize("mode, capture", [("full", "printer_cut_full.hex"), ("partial", "printer_cut_partial.hex")])
def test_cut_matches_capture(mode, capture):
    job = EscPosJob()
    job.cut(mode)
    assert job.output == JOB_START + load_hex(capture)


@pytest.mark.parametrize("capture, expected", [
    ("printer_status_ok.hex", PrinterStatus()),
    ("printer_status_near_end.hex", PrinterStatus(paper="near_end")),
    ("printer_status_out.hex", PrinterStatus(online=False, paper="out")),
    ("printer_status_cover_open.hex", PrinterStatus(online=False, cover_open=True)),
])
def test_status_captures_parse_and_round_trip(capture, expected):
    replies = dict(zip((1, 2, 3, 4), load_hex(capture)))
    assert parse_status(replies) == expected
    assert status_bytes(expected) == replies


# -- python-escpos 3.1's own output, which the encoder deliberately bypasses (§2.4) --

@pytest.mark.parametrize("text, capture", [
    ("请A001号到3号窗口\n", "printer_escpos_text_chinese.hex"),
    ("A001\n", "printer_escpos_text_ascii.hex"),
    ("，：\n", "printer_escpos_pitfall_punct.hex"),
    ("费用¥20\n", "printer_escpos_pitfall_yen.hex"),
    ("王𠮷\n", "printer_escpos_pitfall_rare.hex"),
])
def test_pinned_escpos_text_still_behaves_as_captured(text, capture):
    printer = Dummy()
    printer.text(text)
    assert printer.output == load_hex(capture)


def test_escpos_cut_without_feed_matches_capture():
    printer = Dummy()
    printer.cut(feed=False)
    assert printer.output == load_hex("printer_cut_nofeed.hex")


# -- decoder side: the tokenizer and the emulator read the captures ------------

def test_tokenizer_reads_qr_capture_as_five_qr_functions():
    tokens = EscPosTokenizer().feed(load_hex("printer_qr_native.hex"))
    assert [(t.kind, t.args) for t in tokens] == [("qr", (0x41,)), ("qr", (0x43,)), ("qr", (0x45,)),
                                                  ("qr", (0x50,)), ("qr", (0x51,))]
    assert tokens[3].data == b"0https://example.cn/q?id=A001"


@pytest.mark.parametrize("capture, expected", [
    ("printer_cut_full.hex", [("feed", (6,)), ("cut", (0x00,))]),
    ("printer_cut_partial.hex", [("feed", (6,)), ("cut", (0x01,))]),
    ("printer_cut_nofeed.hex", [("cut", (0x42, 0x00))]),
    ("printer_style_big_center.hex", [("char_size", (0x11,)), ("bold", (1,)), ("align", (1,))]),
])
def test_tokenizer_reads_command_captures(capture, expected):
    assert [(t.kind, t.args) for t in EscPosTokenizer().feed(load_hex(capture))] == expected


def test_emulator_prints_chinese_capture_and_qr_capture():
    doc = printed(load_hex("printer_escpos_text_chinese.hex") + load_hex("printer_qr_native.hex"))
    assert doc.text_lines == ["请A001号到3号窗口"]
    assert doc.qr_payloads == ["https://example.cn/q?id=A001"]
    assert doc.cut == "full"


def test_emulator_shows_what_the_escpos_pitfalls_put_on_paper():
    assert printed(load_hex("printer_escpos_pitfall_punct.hex")).text_lines == ["??"]
    yen = printed(load_hex("printer_escpos_pitfall_yen.hex")).text_lines[0]
    rare = printed(load_hex("printer_escpos_pitfall_rare.hex")).text_lines[0]
    assert yen.startswith("费用") and "\ufffd" in yen and "¥" not in yen
    assert rare.startswith("王") and "𠮷" not in rare


def test_our_encoding_of_the_pitfall_lines_prints_right():
    lines = ["，：", "费用¥20", "——————"]
    doc = printed(b"".join(protocol.encode_line(line) + protocol.LF for line in lines))
    assert doc.text_lines == ["，：", "费用￥20", "——————"]
    assert protocol.encode_line("王𠮷") is None  # the encoder draws this line as an image instead


def test_chinese_capture_outside_chinese_mode_is_not_chinese():
    doc = printed(load_hex("printer_escpos_text_chinese.hex"), chinese_mode=False)
    assert "请" not in doc.text_lines[0] and "A001" in doc.text_lines[0]
