"""What all LED codecs share: text policy, segments, ticket split, vendor registry."""
from __future__ import annotations

import pytest

from drivers.errors import DeviceUnavailable, ProtocolError
from drivers.led.protocol import (Colour, LedTextError, Segment, TextPolicy, encode_text, segments_of,
                                  split_ticket)
from drivers.led.vendors import make_codec
from drivers.led.vendors.pinganlihe import PinganLiheCodec
from drivers.led.vendors.shuangse import ShuangseCodec


def test_gb2312_text_encodes_and_names_the_character_it_cannot_hold():
    assert encode_text("请A023号", TextPolicy()) == "请A023号".encode("gb2312")
    with pytest.raises(LedTextError) as err:
        encode_text("王珺办理", TextPolicy())  # 珺 is GBK-only
    assert err.value.message.startswith("字符“珺”") and "U+73FA" in err.value.message
    assert "cannot be shown" in err.value.message_en and isinstance(err.value, ProtocolError)


def test_replace_policy_and_custom_replacement():
    assert encode_text("珺A", TextPolicy(unencodable="replace")) == b"?A"
    assert encode_text("珺", TextPolicy(unencodable="replace", replacement="□")) == "□".encode("gb2312")
    assert encode_text("珺", TextPolicy("gbk")) == "珺".encode("gbk")
    with pytest.raises(LedTextError):
        encode_text("😀", TextPolicy("gbk", unencodable="replace", replacement="😀"))


def test_policy_rejects_unknown_modes():
    with pytest.raises(ValueError):
        TextPolicy(unencodable="drop")


def test_segments_of_accepts_strings_pairs_and_segments():
    assert segments_of("请", Colour.GREEN) == (Segment("请", Colour.GREEN),)
    assert segments_of([("请", 0), Segment("8", Colour.YELLOW)]) == (Segment("请"), Segment("8", Colour.YELLOW))
    with pytest.raises(ValueError):
        segments_of([("请", 7)])


@pytest.mark.parametrize("ticket, parts", [("A023", ("A", 23)), ("1234", ("", 1234)), ("z9999", ("Z", 9999)),
                                           ("B0", ("B", 0))])
def test_split_ticket(ticket, parts):
    assert split_ticket(ticket) == parts


def test_vendor_registry():
    assert isinstance(make_codec(), ShuangseCodec)
    assert isinstance(make_codec("pinganlihe", screen="integrated"), PinganLiheCodec)
    with pytest.raises(DeviceUnavailable) as err:
        make_codec("ruize")
    assert "pinganlihe" in err.value.message


def test_generic_call_and_pause_text_for_a_vendor_without_those_commands():
    codec = ShuangseCodec()
    [call] = codec.decode_commands(bytearray(codec.call(2, "A023", 5).data))
    assert call.text == "请A023号到5号窗口"
    [paused] = codec.decode_commands(bytearray(codec.paused(2).data))
    assert paused.text == "暂停服务"
    assert codec.check(2) is None
