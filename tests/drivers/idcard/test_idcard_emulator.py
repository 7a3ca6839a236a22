"""The emulator, driven byte by byte through a real pyserial port on a pty (devices.md §1.5, §1.13)."""
from pathlib import Path

import pytest
import serial

from drivers.emulation import PtyHost
from drivers.idcard.card import CardKind
from drivers.idcard.emulator import SAMPLE_CARDS, SCENARIOS, IdCardEmulator
from drivers.idcard.errors import ChecksumError
from drivers.idcard.protocol import (PREAMBLE, Command, FrameParser, decode_response, encode_frame)
from drivers.idcard.text import build_text_block

CAPTURES = Path(__file__).resolve().parents[2] / "captures"


def capture(name: str) -> bytes:
    lines = (CAPTURES / f"idcard_{name}.hex").read_text(encoding="utf-8").splitlines()
    return bytes.fromhex(" ".join(line for line in lines if not line.startswith("#")))


class Wire:
    """A raw pyserial port on the emulator's pty: write bytes, read exactly one frame."""

    def __init__(self, path: str):
        self.port = serial.Serial(path, 115200, timeout=2)

    def ask(self, data: bytes) -> bytes:
        self.port.write(data)
        header = self.port.read(7)
        assert header[:5] == PREAMBLE, header
        return header + self.port.read(int.from_bytes(header[5:7], "big"))


@pytest.fixture
def rig():
    emulator = IdCardEmulator(card_delay=0)
    with PtyHost(emulator) as host:
        wire = Wire(host.path)
        yield emulator, wire
        wire.port.close()


def test_card_session_and_must_leave_field_byte_exact(rig):
    emulator, wire = rig
    assert wire.ask(Command.SAM_STATUS.frame()) == capture("sam_status_ok")
    assert wire.ask(Command.FIND.frame()) == capture("find_card_present")
    assert wire.ask(Command.SELECT.frame()) == capture("select_ok")
    read = wire.ask(Command.READ.frame())
    assert read[:14] == capture("read_ok_header") and len(read) == 1295
    assert read[14:270] == build_text_block(SAMPLE_CARDS[CardKind.RESIDENT])
    # §1.13.3: the read card stays in the field and is not found again...
    assert wire.ask(Command.FIND.frame()) == capture("find_no_card")
    assert wire.ask(Command.FIND.frame()) == capture("find_no_card")
    # ...until it leaves and comes back.
    emulator.remove_card()
    assert wire.ask(Command.FIND.frame()) == capture("find_no_card")
    emulator.place_card()
    assert wire.ask(Command.FIND.frame()) == capture("find_card_present")


def test_select_needs_find_and_read_needs_select(rig):
    emulator, wire = rig
    assert wire.ask(Command.SELECT.frame()) == capture("select_failed")
    assert wire.ask(Command.READ.frame()) == capture("read_failed")
    assert wire.ask(Command.FIND.frame()) == capture("find_card_present")
    assert wire.ask(Command.READ.frame()) == capture("read_failed")
    assert emulator.commands == [Command.SELECT, Command.READ, Command.FIND, Command.READ]


def test_read_card_answers_appended_address_until_removed(rig):
    emulator, wire = rig
    assert decode_response(wire.ask(Command.READ_APPENDED_ADDRESS.frame())[7:-1]).sw3 == 0x41
    for command in (Command.FIND, Command.SELECT, Command.READ):
        wire.ask(command.frame())
    assert decode_response(wire.ask(Command.READ_APPENDED_ADDRESS.frame())[7:-1]).sw3 == 0x91
    emulator.remove_card()
    assert decode_response(wire.ask(Command.READ_APPENDED_ADDRESS.frame())[7:-1]).sw3 == 0x41


def test_bad_host_frames_get_status_10_11_21(rig):
    _, wire = rig
    bad_checksum = Command.FIND.frame()[:-1] + b"\x00"
    assert decode_response(wire.ask(bad_checksum)[7:-1]).sw3 == 0x10
    assert decode_response(wire.ask(PREAMBLE + b"\x0F\xFF")[7:-1]).sw3 == 0x11
    assert decode_response(wire.ask(encode_frame(b"\x77\x01"))[7:-1]).sw3 == 0x21
    assert wire.ask(b"line noise" + Command.FIND.frame()) == capture("find_card_present")


def test_sam_id_and_fingerprint_read(rig):
    emulator, wire = rig
    sam = wire.ask(Command.SAM_ID.frame())
    assert len(sam) == 27 and sam[7:10] == b"\x00\x00\x90"
    emulator.place_card(fingerprint=bytes(512))
    wire.ask(Command.FIND.frame())
    wire.ask(Command.SELECT.frame())
    read = wire.ask(Command.READ_WITH_FINGERPRINT.frame())
    assert len(read) == 1809 and read[5:7] == b"\x07\x0A"


@pytest.mark.parametrize("scenario, command, sw3", [
    ("no_card", Command.FIND, 0x80), ("bad_sam", Command.SAM_STATUS, 0x60),
    ("bad_sam", Command.FIND, 0x60), ("hmt", Command.FIND, 0x9F),
])
def test_scenarios_answer_as_their_reader_would(scenario, command, sw3):
    emulator = IdCardEmulator(scenario, card_delay=0)
    reply = emulator.receive(command.frame())
    assert [decode_response(frame[7:-1]).sw3 for _, frame in reply] == [sw3]


def test_read_answer_carries_the_configured_card_delay():
    emulator = IdCardEmulator(card_delay=0.7)
    emulator.receive(Command.FIND.frame() + Command.SELECT.frame())
    [(delay, frame)] = emulator.receive(Command.READ.frame())
    assert delay == 0.7 and len(frame) == 1295


def test_answer_next_overrides_one_answer_with_any_status():
    emulator = IdCardEmulator(card_delay=0)
    emulator.answer_next(Command.FIND, 0x31, sw1=0x6A, sw2=0x82)
    [(_, first)], [(_, second)] = emulator.receive(Command.FIND.frame()), emulator.receive(Command.FIND.frame())
    assert first == bytes.fromhex("AAAAAA9669 0004 6A8231") + bytes([0x00 ^ 0x04 ^ 0x6A ^ 0x82 ^ 0x31])
    assert second == capture("find_card_present")


def test_flaky_scenario_corrupts_some_answers_reproducibly():
    def run():
        emulator = IdCardEmulator("flaky", card_delay=0, seed=7)
        parser, outcomes = FrameParser(), []
        for _ in range(60):
            [(_, frame)] = emulator.receive(Command.SAM_STATUS.frame())
            parser.reset()
            parser.feed(frame)
            try:
                outcomes.append(decode_response(parser.next_payload()).sw3)
            except ChecksumError:
                outcomes.append("checksum")
        return outcomes, emulator.corrupted
    outcomes, corrupted = run()
    assert run() == (outcomes, corrupted)
    assert 5 < corrupted < 40 and "checksum" in outcomes and 0x90 in outcomes


def test_unknown_scenario_is_refused():
    assert set(SCENARIOS) >= {"resident", "hmt", "foreigner2017", "foreigner2023", "no_card", "bad_sam", "flaky"}
    with pytest.raises(ValueError):
        IdCardEmulator("martian")
