"""Hypothesis fuzzing of the frame parser and the text-block parser.

Whatever arrives — random, truncated, corrupted, oversized — the result is a frame,
"need more bytes", or a typed ProtocolError / IdCardError; nothing else escapes
and nothing loops forever.
"""
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.errors import DeviceError, ProtocolError
from drivers.idcard.card import CardKind
from drivers.idcard.emulator import SAMPLE_CARDS, synthetic_id_number
from drivers.idcard.errors import IdCardError
from drivers.idcard.protocol import (PREAMBLE, FrameParser, decode_read_data, encode_read_data,
                                     encode_response)
from drivers.idcard.text import build_text_block, parse_text_block

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

responses = st.builds(encode_response, st.integers(0, 255), st.binary(max_size=64),
                      st.integers(0, 255), st.integers(0, 255))
clean_garbage = st.binary(max_size=40).map(lambda b: b.replace(b"\xAA", b"\x55"))
# Responses whose data holds no 0xAA, so no second preamble can hide inside them.
clean_responses = st.builds(encode_response, st.integers(0, 255), clean_garbage)


def drain(parser: FrameParser) -> tuple[list[bytes], int]:
    """All payloads the parser can give now, counting typed errors; bounded by the buffer size."""
    payloads, errors = [], 0
    for _ in range(parser.buffered + 2):
        try:
            payload = parser.next_payload()
        except ProtocolError:
            errors += 1
            continue
        if payload is None:
            return payloads, errors
        payloads.append(payload)
    raise AssertionError("parser did not settle")


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in zip(points, points[1:])]


@FAST
@given(st.binary(max_size=600), st.lists(st.integers(0, 600), max_size=8))
def test_random_bytes_yield_only_frames_or_typed_errors(data, cuts):
    parser = FrameParser()
    for chunk in chunked(data, cuts):
        parser.feed(chunk)
        for payload in drain(parser)[0]:
            assert len(payload) >= 3
    assert parser.buffered <= max(len(data), 0)


@FAST
@given(st.lists(st.tuples(clean_garbage, responses), min_size=1, max_size=5), st.lists(st.integers(0, 2000), max_size=10))
def test_frames_between_garbage_are_all_recovered_in_order(items, cuts):
    stream = b"".join(g + f for g, f in items)
    parser = FrameParser()
    got = []
    for chunk in chunked(stream, cuts):
        parser.feed(chunk)
        payloads, errors = drain(parser)
        assert errors == 0
        got += payloads
    assert got == [f[7:-1] for _, f in items]


@FAST
@given(clean_responses, responses, st.data())
def test_a_corrupted_frame_never_hides_the_next_good_one(first, second, data):
    pos = data.draw(st.integers(7, len(first) - 1))  # anywhere but preamble and length
    bad = first[:pos] + bytes([first[pos] ^ data.draw(st.integers(1, 255))]) + first[pos + 1:]
    parser = FrameParser()
    parser.feed(bad + second)
    payloads, errors = drain(parser)
    assert errors >= 1
    assert payloads[-1] == second[7:-1]


@FAST
@given(responses, st.integers(0, 200))
def test_truncated_frame_waits_without_error_and_completes_later(frame, cut):
    cut = cut % len(frame)
    parser = FrameParser()
    parser.feed(frame[:cut])
    assert drain(parser) == ([], 0)
    parser.feed(frame[cut:])
    assert drain(parser) == ([frame[7:-1]], 0)


@FAST
@given(st.integers(0x1001, 0xFFFF), responses)
def test_oversized_length_is_rejected_not_awaited(length, frame):
    parser = FrameParser()
    parser.feed(PREAMBLE + length.to_bytes(2, "big") + frame)
    payloads, errors = drain(parser)
    assert errors == 1 and payloads == [frame[7:-1]]


@FAST
@given(st.binary(max_size=1400), st.booleans())
def test_read_data_parser_gives_a_record_or_a_frame_error(data, with_fingerprint):
    try:
        record = decode_read_data(data, with_fingerprint=with_fingerprint)
    except ProtocolError:
        return
    assert len(record.text) == 256
    assert encode_read_data(record, with_fingerprint=with_fingerprint) == data


@FAST
@given(st.binary(min_size=0, max_size=300))
def test_random_text_blocks_parse_or_raise_typed_errors(block):
    try:
        card = parse_text_block(block)
    except (ProtocolError, IdCardError) as exc:
        assert isinstance(exc, DeviceError) and exc.message and exc.message_en
        return
    assert card.kind in CardKind


@FAST
@given(st.sampled_from(list(CardKind)), st.integers(0, 255), st.integers(1, 255))
def test_single_byte_corruption_of_a_valid_block_is_typed_or_still_valid(kind, pos, xor):
    block = bytearray(build_text_block(SAMPLE_CARDS[kind]))
    block[pos] ^= xor
    try:
        card = parse_text_block(bytes(block))
    except (ProtocolError, IdCardError):
        return
    assert card.kind in CardKind


cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
latin = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ -")


@FAST
@given(name=st.text(cjk, min_size=1, max_size=15), address=st.text(cjk, max_size=35),
       birth=st.dates(date(1900, 1, 1), date(2020, 12, 31)), seq=st.integers(0, 999),
       years=st.sampled_from([5, 10, 20, None]), nation=st.sampled_from(["01", "02", "56", "97", "98"]))
def test_resident_cards_round_trip(name, address, birth, seq, years, nation):
    start = birth + timedelta(days=365 * 16)
    card = replace(SAMPLE_CARDS[CardKind.RESIDENT], name=name, address=address, birth=birth,
                   nation=nation, sex="1" if seq % 2 else "2",
                   id_number=synthetic_id_number("110105", birth, seq), valid_from=start,
                   valid_to=None if years is None else start.replace(year=start.year + years, day=1))
    assert parse_text_block(build_text_block(card), photo_wlt=card.photo_wlt) == card


@FAST
@given(english=st.text(latin, min_size=1, max_size=46).filter(lambda s: s.strip() == s and s),
       chinese=st.text(cjk, max_size=15))
def test_foreigner_2023_names_round_trip(english, chinese):
    card = replace(SAMPLE_CARDS[CardKind.FOREIGNER_2023], english_name=english, name=chinese)
    assert parse_text_block(build_text_block(card), photo_wlt=card.photo_wlt) == card
