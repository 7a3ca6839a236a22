"""HEP/1 framing against the byte-exact worked examples of protocols/evalpad.md."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from drivers.errors import ProtocolError
from drivers.evalpad.frame import BadFrame, Frame, FrameDecoder, checksum
from drivers.evalpad.protocol import (AskRating, Code, RatingEvent, Ack, decode_command, decode_message,
                                      encode_command, encode_message)

CAPTURES = Path(__file__).resolve().parents[2] / "captures"


def spec_examples() -> list[tuple[str, bytes, str]]:
    """(direction, bytes, name) from tests/captures/evalpad_spec_examples.hex."""
    out = []
    for line in (CAPTURES / "evalpad_spec_examples.hex").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            hexpart, _, name = line[1:].partition("|")
            out.append((line[0], bytes.fromhex(hexpart), name.strip()))
    return out


ASK, RATING, ACK = spec_examples()


def test_checksum_is_xor_of_addr_to_data():
    assert checksum(bytes.fromhex("01 12 07 06 41 30 32 33 1F 3C")) == 0x41
    assert checksum(b"") == 0
    assert checksum(b"\xff\x0f") == 0xF0


def test_worked_example_ask_rating_is_byte_exact():
    direction, raw, _ = ASK
    frame = Frame(1, Code.ASK_RATING, 7, encode_command(AskRating("A023", 60)))
    assert direction == ">" and frame.encode() == raw


def test_worked_example_rating_is_byte_exact_both_ways():
    direction, raw, _ = RATING
    code, data = encode_message(RatingEvent(5, "A023"))
    assert direction == "<" and Frame(1, code, 5, data).encode() == raw
    [frame] = FrameDecoder().feed(raw)
    assert (frame.address, frame.seq) == (1, 5)
    assert decode_message(frame) == RatingEvent(5, "A023")


def test_worked_example_ack_is_byte_exact():
    direction, raw, _ = ACK
    assert direction == ">" and Frame(1, Code.ACK, 8, encode_command(Ack(5))).encode() == raw
    [frame] = FrameDecoder().feed(raw)
    assert decode_command(frame) == Ack(5)


def test_decoder_reassembles_frames_split_byte_by_byte():
    decoder = FrameDecoder()
    stream = ASK[1] + RATING[1]
    items = [item for b in stream for item in decoder.feed(bytes([b]))]
    assert [i.code for i in items] == [Code.ASK_RATING, Code.RATING]
    assert decoder.pending == 0


def test_decoder_skips_garbage_before_stx():
    decoder = FrameDecoder()
    assert decoder.feed(b"\xff\x00\x55" + RATING[1]) == [Frame(1, Code.RATING, 5, RATING[1][5:-2])]
    assert decoder.discarded == 3


def test_bad_checksum_drops_whole_frame_and_reports_header():
    damaged = RATING[1][:-2] + b"\x00" + RATING[1][-1:]
    items = FrameDecoder().feed(damaged + ACK[1])
    assert items[0] == BadFrame(1, Code.RATING, 5, "checksum")
    assert items[1].code == Code.ACK  # the next frame is intact


def test_bad_etx_resyncs_inside_the_broken_frame():
    # A lost byte makes LEN reach into the next frame: ETX is wrong, and the real
    # frame that follows must still be found by scanning on from after the STX.
    truncated = RATING[1][:8]  # 02 01 A0 05 06 05 1F 41 — cut off mid-DATA
    items = FrameDecoder().feed(truncated + ACK[1])
    assert isinstance(items[0], BadFrame) and items[0].reason == "etx"
    assert items[-1] == Frame(1, Code.ACK, 8, b"\x05")


def test_stale_partial_frame_is_abandoned():
    decoder = FrameDecoder(stale_after=0.1)
    assert decoder.feed(b"\x02\x01\xa0\x05\xc8", now=0.0) == []  # claims 200 data bytes
    assert decoder.expire(now=0.05) == []
    assert decoder.pending == 5
    decoder.expire(now=0.2)
    assert decoder.pending == 0
    # and new data after a silence is not glued to the stale partial frame
    decoder.feed(b"\x02\x01\xa0\x05\xc8", now=1.0)
    assert decoder.feed(ACK[1], now=2.0) == [Frame(1, Code.ACK, 8, b"\x05")]


def test_len_over_200_or_address_ff_is_not_a_header():
    assert FrameDecoder().feed(b"\x02\x01\xa0\x05\xc9" + ACK[1]) == [Frame(1, Code.ACK, 8, b"\x05")]
    assert FrameDecoder().feed(b"\x02\xff" + ACK[1]) == [Frame(1, Code.ACK, 8, b"\x05")]


@pytest.mark.parametrize("frame", [Frame(255, 0x10, 0), Frame(1, 0x10, 256), Frame(1, 0x10, 0, bytes(201))])
def test_encoding_out_of_range_fields_is_a_typed_error(frame):
    with pytest.raises(ProtocolError) as err:
        frame.encode()
    assert err.value.code == "bad_command" and "超出范围" in err.value.message


frames = st.builds(Frame, st.integers(0, 254), st.integers(0, 255), st.integers(0, 255),
                   st.binary(max_size=200))


@settings(max_examples=150, deadline=None)
@given(st.lists(frames, max_size=4), st.binary(max_size=30), st.integers(1, 17))
def test_fuzz_garbage_then_frames_round_trip_in_any_chunking(sent, garbage, chunk):
    # Garbage without STX can never be mistaken for a frame; every frame comes back.
    garbage = garbage.replace(b"\x02", b"")
    stream = garbage + b"".join(f.encode() for f in sent)
    decoder = FrameDecoder()
    got = [i for k in range(0, len(stream), chunk) for i in decoder.feed(stream[k:k + chunk])]
    assert got == sent


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.integers(1, 50))
def test_fuzz_arbitrary_bytes_never_raise_and_never_grow_unbounded(noise, chunk):
    decoder = FrameDecoder()
    for k in range(0, len(noise), chunk):
        for item in decoder.feed(noise[k:k + chunk]):
            assert isinstance(item, (Frame, BadFrame))
            if isinstance(item, Frame):
                assert item.encode() in noise  # a frame found is really in the stream
    assert decoder.pending <= 206  # at most one partial frame is held
