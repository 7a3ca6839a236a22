"""HEP/1 command and event payloads (protocols/evalpad.md "Host → pad", "Pad → host")."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from drivers.errors import ProtocolError
from drivers.evalpad.frame import Frame
from drivers.evalpad.protocol import (
    KEY_NAMES, Ack, Answer, AskRating, Code, Idle, KeyEvent, Nak, Ping, RatingEvent, RatingTimeoutEvent,
    ShowClerk, ShowText, decode_command, decode_message, encode_command, encode_message,
)


def command_frame(command) -> Frame:
    return Frame(1, command.code, 0, encode_command(command))


@pytest.mark.parametrize("command, data", [
    (Ping(), b""),
    (Idle(), b""),
    (ShowClerk("1001", "张三", "05"), b"1001\x1f" + "张三".encode("gb18030") + b"\x1f05"),
    (AskRating("B105", 255), b"B105\x1f\xff"),
    (ShowText("暂停服务"), "暂停服务".encode("gb18030")),
    (Ack(0xFE), b"\xfe"),
    (Nak(3), b"\x03"),
])
def test_host_commands_encode_and_decode_back(command, data):
    assert encode_command(command) == data
    assert decode_command(command_frame(command)) == command


def test_command_codes_match_the_spec_table():
    assert [c.code for c in (Ping(), ShowClerk("1", "a", "1"), AskRating("A1"), Idle(), ShowText(""), Ack(0))] == \
        [0x10, 0x11, 0x12, 0x13, 0x14, 0x20]


def test_text_fields_are_gb18030_even_beyond_gbk():
    # 𠀀 (U+20000) is outside GBK; GB18030 holds it in four bytes.
    data = encode_command(ShowClerk("7", "𠀀明", "1"))
    assert "𠀀明".encode("gb18030") in data and len("𠀀".encode("gb18030")) == 4
    assert decode_command(Frame(1, Code.SHOW_CLERK, 0, data)).name == "𠀀明"


@pytest.mark.parametrize("command, fragment", [
    (AskRating("A023", 9), "评价超时秒数"),
    (AskRating("A023", 256), "评价超时秒数"),
    (AskRating("", 60), "票号"),
    (AskRating("甲023", 60), "票号"),
    (ShowText("一" * 33), "过长"),  # 66 bytes > 64
    (ShowText("a\x1fb"), "控制字符"),
    (ShowClerk("10\x1f01", "张三", "5"), "工号"),
])
def test_values_hep1_cannot_carry_are_rejected_in_chinese_and_english(command, fragment):
    with pytest.raises(ProtocolError) as err:
        encode_command(command)
    assert fragment in err.value.message and err.value.message_en and err.value.code == "bad_command"


def test_show_text_limit_is_64_bytes_exactly():
    assert len(encode_command(ShowText("一" * 32))) == 64


@pytest.mark.parametrize("message, code, data", [
    (RatingEvent(1, "A023"), 0xA0, b"\x01\x1fA023"),
    (RatingTimeoutEvent("A023"), 0xA1, b"A023"),
    (KeyEvent("call_next"), 0xA2, b"\x01"),
    (KeyEvent("help"), 0xA2, b"\x08"),
    (Nak(9), 0xAF, b"\x09"),
])
def test_pad_events_encode_and_decode_back(message, code, data):
    assert encode_message(message) == (code, data)
    assert decode_message(Frame(1, code, 0, data)) == message


def test_every_key_code_of_the_spec_has_a_name():
    assert KEY_NAMES == {1: "call_next", 2: "recall", 3: "no_show", 4: "start", 5: "finish",
                         6: "pause", 7: "resume", 8: "help"}
    for code, name in KEY_NAMES.items():
        assert decode_message(Frame(1, 0xA2, 0, bytes([code]))) == KeyEvent(name)


def test_pong_carries_the_firmware_version():
    answer = decode_message(Frame(1, 0x90, 0, b"PAD 2.1"))
    assert answer == Answer(0x90, b"PAD 2.1") and answer.firmware == "PAD 2.1"


def test_rating_reasons_extension_round_trips_and_v1_rating_has_none():
    code, data = encode_message(RatingEvent(2, "C7", ("等待时间长", "材料要求不清")))
    assert data.count(b"\x1f") == 2 and data.count(b"\x1e") == 1
    assert decode_message(Frame(1, code, 0, data)).reasons == ("等待时间长", "材料要求不清")
    assert decode_message(Frame(1, code, 0, b"\x02\x1fC7")).reasons == ()


@pytest.mark.parametrize("code, data", [
    (0xA0, b"\x06\x1fA023"),  # level 6
    (0xA0, b"\x00\x1fA023"),  # level 0
    (0xA0, b"\x05A023"),  # no separator
    (0xA1, b""),  # no ticket
    (0xA2, b"\x09"),  # no such key
    (0xA2, b"\x01\x02"),
    (0xAE, b""),  # unknown event
    (0xAF, b""),
])
def test_malformed_pad_messages_are_remote_protocol_errors(code, data):
    with pytest.raises(ProtocolError) as err:
        decode_message(Frame(1, code, 0, data))
    assert err.value.code == "bad_frame"


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 255), st.binary(max_size=200))
def test_fuzz_decoders_raise_only_protocol_errors(code, data):
    for decode in (decode_message, decode_command):
        try:
            decode(Frame(1, code, 0, data))
        except ProtocolError:
            pass
