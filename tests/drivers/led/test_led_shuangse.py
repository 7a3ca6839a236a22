"""双色屏 instant-display codec against the document's frame (devices.md §3.4 (c), tests/captures)."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from drivers.errors import ProtocolError
from drivers.led.protocol import Colour, LedReply, Segment, TextPolicy, segments_of
from drivers.led.vendors.shuangse import ShuangseCodec, show_frame, xor_checksum

CAPTURES = Path(__file__).resolve().parents[2] / "captures"


def captures(name: str) -> list[tuple[str, bytes, str]]:
    out = []
    for line in (CAPTURES / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            hexpart, _, label = line[1:].partition("|")
            out.append((line[0], bytes.fromhex(hexpart), label.strip()))
    return out


SHOW, DONE, REFUSED = captures("led_shuangse_frames.hex")


@pytest.fixture
def codec():
    return ShuangseCodec()


def test_xor_checksum_of_the_doc_example():
    assert xor_checksum(SHOW[1][2:-1]) == 0xB4 == SHOW[1][-1]


def test_two_colour_text_is_byte_exact(codec):
    frame = codec.text(1, [Segment("请", Colour.RED), Segment("8", Colour.GREEN)])
    assert frame.data == SHOW[1] and frame.expects == "ack"
    assert codec.text(1, segments_of([("请", 0), ("8", 1)])).data == SHOW[1]


def test_length_is_big_endian_data_only(codec):
    data = codec.text(7, segments_of("请A023号到5号窗口", Colour.YELLOW)).data
    length = int.from_bytes(data[4:6], "big")
    assert length == len(data) - 7 == 3 * 6 + 2 * 5  # six hanzi (2+1), five ASCII (1+1)
    assert data[2] == 7 and set(data[8:-1:3][:1]) == {2}


def test_replies_done_and_refused(codec):
    buffer = bytearray(b"\x13\xa0" + DONE[1] + REFUSED[1])
    assert codec.parse_replies(buffer) == [LedReply(1, "ack", True, {"command": 0xA5}),
                                           LedReply(1, "ack", False, {"command": 0xA5})]
    assert not buffer


def test_partial_reply_waits_for_the_rest(codec):
    buffer = bytearray(DONE[1][:3])
    assert codec.parse_replies(buffer) == [] and bytes(buffer) == DONE[1][:3]
    buffer += DONE[1][3:]
    assert codec.parse_replies(buffer) == [LedReply(1, "ack", True, {"command": 0xA5})]


def test_gb2312_rejects_what_only_gbk_holds_and_gbk_policy_allows_it():
    with pytest.raises(ProtocolError) as err:
        ShuangseCodec().text(1, segments_of("朱镕基"))
    assert "镕" in err.value.message and "GB2312" in err.value.message and err.value.code == "text_not_encodable"
    frame = ShuangseCodec(TextPolicy("gbk")).text(1, segments_of("镕"))
    assert "镕".encode("gbk") in frame.data


def test_replace_policy_puts_a_question_mark(codec):
    frame = ShuangseCodec(TextPolicy(unencodable="replace")).text(1, segments_of("镕A"))
    assert frame.data[6:-1] == b"?\x00A\x00"


def test_screen_side_decodes_text_and_colours_and_answers(codec):
    [command] = codec.decode_commands(bytearray(SHOW[1]))
    assert (command.address, command.text, command.colours, command.valid) == (1, "请8", (0, 1), True)
    assert codec.answer(command) == DONE[1]


def test_screen_side_refuses_a_bad_checksum(codec):
    bad = bytearray(SHOW[1])
    bad[-1] ^= 0xFF
    [command] = codec.decode_commands(bad)
    assert command.valid is False and codec.answer(command) == REFUSED[1]


def test_screen_side_refuses_data_without_colour_bytes(codec):
    [command] = codec.decode_commands(bytearray(show_frame(2, "请".encode("gb2312"))))
    assert command.valid is False


segments = st.lists(st.tuples(st.text(st.sampled_from("请到号窗口办理ABC0123456789 "), min_size=1, max_size=6),
                              st.sampled_from(list(Colour))), max_size=4)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 255), segments, st.binary(max_size=20))
def test_fuzz_text_round_trips_through_garbage(address, parts, garbage):
    codec = ShuangseCodec()
    garbage = garbage.replace(b"\xa0", b"")
    buffer = bytearray(garbage + codec.text(address, segments_of(parts)).data)
    [command] = codec.decode_commands(buffer)
    assert command.valid and command.address == address
    assert command.text == "".join(t for t, _ in parts)
    assert command.colours == tuple(int(c) for t, c in parts for _ in t)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_parsers_never_raise_and_keep_only_a_possible_frame_start(noise):
    codec = ShuangseCodec()
    for parse in (codec.parse_replies, codec.decode_commands):
        buffer = bytearray(noise)
        parse(buffer)
        assert not buffer or buffer[0] == 0xA0
