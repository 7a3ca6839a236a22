"""平安力合 V2.1 codec against the document's frames (devices.md §3.4 (a)/(b), tests/captures)."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from drivers.errors import ProtocolError
from drivers.led.protocol import Colour, LedReply, Segment, TextPolicy, segments_of
from drivers.led.vendors.pinganlihe import PinganLiheCodec, standard_frame, sum_mod_100, sum_mod_256, text_frame

CAPTURES = Path(__file__).resolve().parents[2] / "captures"


def captures(name: str) -> list[tuple[str, bytes, str]]:
    out = []
    for line in (CAPTURES / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            hexpart, _, label = line[1:].partition("|")
            out.append((line[0], bytes.fromhex(hexpart), label.strip()))
    return out


CALL, CALL_PREFIX, ACK, VERSION_QUERY = captures("led_pinganlihe_frames.hex")


@pytest.fixture
def codec():
    return PinganLiheCodec()


def test_checksum_is_sum_mod_100_as_the_doc_examples_verify():
    assert sum_mod_100(CALL[1][1:-2]) == 99 == CALL[1][-2]
    assert sum(CALL_PREFIX[1][1:-2]) == 166 and sum_mod_100(CALL_PREFIX[1][1:-2]) == 0x42
    assert sum_mod_256(b"\xff\x02") == 1


def test_call_frame_is_byte_exact_with_base_100_number(codec):
    assert codec.call(3, "1234", 3).data == CALL[1]
    assert codec.call(3, "B1234", 3).data == CALL_PREFIX[1]
    assert codec.call(3, "b1234", 3).data == CALL_PREFIX[1]  # prefix letters go upper-case
    frame = codec.call(7, "A023", 5)
    assert frame.data[5:8] == bytes((0, 23, 5)) and frame.data[8:9] == b"A" and frame.expects == "ack"


def test_version_query_and_ack_are_byte_exact(codec):
    assert codec.version(3).data == VERSION_QUERY[1]
    assert codec.parse_replies(bytearray(ACK[1])) == [LedReply(3, "ack")]


def test_other_sub_commands(codec):
    assert codec.paused(3).data == standard_frame(bytes((0x28, 3, 0x02))) and codec.paused(3).data[1] == 3
    assert codec.welcome(3).data == standard_frame(bytes((0x28, 3, 0x00)))
    assert codec.serving(3, "1234", 3).data[4] == 0x04
    assert codec.check(9).data == bytes((0xA0, 0x02, 0x29, 0x09, (2 + 0x29 + 9) % 100, 0xFF))


def test_integrated_screen_uses_command_2a_and_sub_command_00():
    codec = PinganLiheCodec(screen="integrated")
    frame = codec.call(3, "1234", 3).data
    assert frame[2] == 0x2A and frame[4] == 0x00
    assert codec.paused(3).kind == "text"  # no pause sub-command on integrated screens


@pytest.mark.parametrize("ticket", ["12345", "AB12", "A", "A-12", "１２"])
def test_tickets_the_command_cannot_carry_are_refused(codec, ticket):
    with pytest.raises(ProtocolError) as err:
        codec.call(1, ticket, 1)
    assert "票号" in err.value.message and err.value.code == "bad_command"


def test_window_and_address_ranges(codec):
    with pytest.raises(ProtocolError):
        codec.call(1, "A1", 256)
    with pytest.raises(ProtocolError):
        codec.call(255, "A1", 1)


def test_free_text_frame_layout_and_crc_including_end_byte(codec):
    frame = codec.text(2, segments_of("你好", Colour.GREEN)).data
    gbk = "你好".encode("gbk")
    assert frame[:5] == bytes((0xAA, 0x02, 0xBB, 0x51, 0x54))
    assert frame[6:11] == bytes((0x01, 0x00, 0x99, 0x01, 0x63))  # S-23's parameters, colour green
    assert frame[11:-1] == gbk and frame[-1] == 0xFF
    assert frame[5] == sum(frame[6:]) % 256


def test_free_text_is_gbk_by_default_and_expects_no_answer(codec):
    frame = codec.text(1, segments_of("镕"))  # 镕 is in GBK, not in GB2312
    assert frame.expects is None and "镕".encode("gbk") in frame.data
    with pytest.raises(ProtocolError):
        PinganLiheCodec(TextPolicy("gb2312")).text(1, segments_of("镕"))


def test_screen_side_decodes_both_frame_kinds_and_flags_bad_checksums(codec):
    bad = bytearray(CALL[1])
    bad[-2] = 0x10
    buffer = bytearray(b"\x00\x13" + CALL_PREFIX[1] + codec.text(4, [Segment("午休", Colour.YELLOW)]).data + bad)
    call, text, damaged = codec.decode_commands(buffer)
    assert (call.address, call.kind, call.text, call.valid) == (3, "call", "请B1234号顾客到03号窗口", True)
    assert (text.address, text.text, text.colours, text.valid) == (4, "午休", (2,), True)
    assert damaged.valid is False and buffer == bytearray()


def test_screen_answers_ack_version_and_nothing_for_text(codec):
    [call] = codec.decode_commands(bytearray(CALL[1]))
    assert codec.answer(call) == ACK[1]
    [query] = codec.decode_commands(bytearray(VERSION_QUERY[1]))
    [reply] = codec.parse_replies(bytearray(codec.answer(query)))
    assert reply.kind == "version" and reply.detail == {"card_type": "A1", "version": "21"}
    [text] = codec.decode_commands(bytearray(text_frame(1, b"x")))
    assert codec.answer(text) == b""


def test_reply_parser_skips_garbage_and_keeps_a_partial_reply(codec):
    buffer = bytearray(b"\xa0\x99\x00" + ACK[1] + ACK[1][:4])
    assert codec.parse_replies(buffer) == [LedReply(3, "ack")]
    assert bytes(buffer) == ACK[1][:4]
    buffer += ACK[1][4:]
    assert codec.parse_replies(buffer) == [LedReply(3, "ack")] and not buffer


tickets = st.builds(lambda p, n: f"{p}{n}", st.sampled_from(["", "A", "Z"]), st.integers(0, 9999))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 254), tickets, st.integers(0, 255)), max_size=5),
       st.binary(max_size=20))
def test_fuzz_call_frames_survive_garbage_and_decode_back(calls, garbage):
    codec = PinganLiheCodec()
    garbage = bytes(b for b in garbage if b not in (0xA0, 0xAA))
    buffer = bytearray(garbage + b"".join(codec.call(a, t, w).data for a, t, w in calls))
    decoded = codec.decode_commands(buffer)
    assert [(c.address, c.kind, c.valid) for c in decoded] == [(a, "call", True) for a, _, _ in calls]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_parsers_never_raise_and_keep_only_a_possible_frame_start(noise):
    codec = PinganLiheCodec()
    for parse, starts in ((codec.parse_replies, (0xA0,)), (codec.decode_commands, (0xA0, 0xAA))):
        buffer = bytearray(noise)
        for item in parse(buffer):
            assert item.address in range(-1, 256)
        assert not buffer or buffer[0] in starts  # garbage is consumed, a partial frame kept
        assert len(buffer) <= 1025
