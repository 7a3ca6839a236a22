"""The host's HEP/1 session rules, pure, on a hand-driven clock (protocols/evalpad.md)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from drivers.errors import ProtocolError
from drivers.evalpad.frame import Frame, FrameDecoder
from drivers.evalpad.link import (CommandFailed, EventReceived, FrameRejected, HostLink, RatingRequests,
                                  Replied)
from drivers.evalpad.protocol import (Ack, Answer, AskRating, Code, KeyEvent, Nak, Ping, RatingEvent,
                                      decode_command, encode_message)


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def pad_frame(message, seq: int, address: int = 1) -> bytes:
    code, data = encode_message(message)
    return Frame(address, code, seq, data).encode()


def host_frames(raw: bytes) -> list[Frame]:
    return FrameDecoder().feed(raw)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def link(clock):
    return HostLink(clock, addresses=(1, 2), first_seq=7)


def test_send_uses_one_wrapping_seq_counter(clock):
    link = HostLink(clock, first_seq=255)
    first = host_frames(link.send(0, Ping()))[0]
    second = host_frames(link.send(0, Ping()))[0]
    assert (first.seq, second.seq) == (255, 0)


def test_ask_then_answer_completes_the_command(link):
    raw = link.send(1, AskRating("A023", 60))
    assert raw == bytes.fromhex("02 01 12 07 06 41 30 32 33 1F 3C 41 03")  # evalpad.md worked example
    assert link.busy
    events = link.receive_data(Frame(1, 0x92, 7).encode())
    assert events == [Replied(1, AskRating("A023", 60), Answer(0x92))]
    assert not link.busy


def test_no_answer_resends_same_bytes_three_times_then_fails(link, clock):
    raw = link.send(1, Ping())
    resent = []
    for _ in range(3):
        clock.now += 0.299
        assert link.tick() == [] and link.data_to_send() == b""
        clock.now += 0.002
        assert link.tick() == []
        resent.append(link.data_to_send())
    assert resent == [raw] * 3
    clock.now += 0.301
    assert link.tick() == [CommandFailed(1, Ping(), 4)]
    assert not link.busy and link.data_to_send() == b""


def test_second_command_while_one_is_outstanding_is_refused(link):
    link.send(1, Ping())
    with pytest.raises(ProtocolError):
        link.send(2, Ping())


def test_broadcast_is_never_outstanding(link):
    link.send(0, AskRating("A1", 30))
    assert not link.busy


def test_answer_from_another_address_or_code_does_not_complete(link):
    link.send(1, Ping())
    assert link.receive_data(Frame(2, 0x90, 7, b"x").encode()) == [FrameRejected(2, "unexpected_answer")]
    assert link.receive_data(Frame(1, 0x92, 7).encode()) == [FrameRejected(1, "unexpected_answer")]
    assert link.busy


def test_every_event_is_acked_with_its_seq_and_the_spec_ack_bytes(clock):
    link = HostLink(clock, first_seq=8)
    events = link.receive_data(bytes.fromhex("02 01 A0 05 06 05 1F 41 30 32 33 C8 03"))
    assert events == [EventReceived(1, 5, RatingEvent(5, "A023"))]
    assert link.data_to_send() == bytes.fromhex("02 01 20 08 01 05 2D 03")  # evalpad.md worked example


def test_repeated_event_is_acked_again_but_delivered_once(link, clock):
    raw = pad_frame(RatingEvent(4, "A023"), seq=5)
    assert len(link.receive_data(raw + raw)) == 1
    clock.now += 0.5
    assert link.receive_data(raw) == []
    acks = [decode_command(f) for f in host_frames(link.data_to_send())]
    assert acks == [Ack(5), Ack(5), Ack(5)]


def test_same_seq_after_ten_quiet_seconds_is_a_new_event(link, clock):
    raw = pad_frame(KeyEvent("call_next"), seq=9)
    assert len(link.receive_data(raw)) == 1
    clock.now += 9.9
    assert link.receive_data(raw) == []  # still a repeat, and it restarts the window
    clock.now += 10.1
    assert len(link.receive_data(raw)) == 1


def test_dedupe_key_is_address_code_and_seq(link):
    assert len(link.receive_data(pad_frame(KeyEvent("recall"), 3, address=1))) == 1
    assert len(link.receive_data(pad_frame(KeyEvent("recall"), 3, address=2))) == 1
    assert len(link.receive_data(pad_frame(RatingEvent(3, "A1"), 3, address=1))) == 1


def test_damaged_frame_from_a_configured_pad_is_naked(link):
    raw = bytearray(pad_frame(RatingEvent(5, "A023"), seq=5))
    raw[-2] ^= 0x55
    assert link.receive_data(bytes(raw)) == [FrameRejected(1, "checksum")]
    [nak] = host_frames(link.data_to_send())
    assert (nak.address, nak.code, nak.data) == (1, Code.NAK, b"\x05")


def test_damaged_frame_from_an_unknown_address_or_our_echo_is_not_naked(link):
    raw = bytearray(pad_frame(RatingEvent(5, "A023"), seq=5, address=9))
    raw[-2] ^= 0x55
    echo = bytearray(Frame(1, 0x12, 7, b"A1\x1f\x3c").encode())
    echo[-2] ^= 1
    link.receive_data(bytes(raw) + bytes(echo))
    assert link.data_to_send() == b""


def test_unknown_address_events_are_neither_acked_nor_delivered(link):
    assert link.receive_data(pad_frame(KeyEvent("help"), 1, address=3)) == [FrameRejected(3, "unknown_address")]
    assert link.data_to_send() == b""


def test_host_frames_on_the_bus_are_ignored(link):
    assert link.receive_data(Frame(1, 0x12, 7, b"A1\x1f\x3c").encode()) == []


def test_pad_nak_of_outstanding_command_resends_at_once_and_counts(link, clock):
    raw = link.send(1, Ping())
    for pad_seq in (40, 41, 42):  # three NAK events, each with the pad's own SEQ
        assert link.receive_data(pad_frame(Nak(7), seq=pad_seq)) == []
        sent = [f.encode() for f in host_frames(link.data_to_send())]
        assert len(sent) == 2 and sent[1] == raw  # the ACK of the NAK, then the resend
    clock.now += 0.31
    assert link.tick() == [CommandFailed(1, Ping(), 4)]


def test_nak_for_another_seq_is_stale(link):
    link.send(1, Ping())
    assert link.receive_data(pad_frame(Nak(99), seq=1)) == [FrameRejected(1, "stale_nak")]


def test_malformed_event_is_acked_so_the_pad_stops_repeating(link):
    raw = Frame(1, 0xA0, 4, b"\x09\x1fA1").encode()  # level 9
    assert link.receive_data(raw) == [FrameRejected(1, "bad_event")]
    assert decode_command(host_frames(link.data_to_send())[0]) == Ack(4)


def test_reset_forgets_outstanding_but_keeps_dedupe(link):
    raw = pad_frame(RatingEvent(5, "A1"), seq=2)
    link.receive_data(raw)
    link.send(1, Ping())
    link.reset()
    assert not link.busy
    assert link.receive_data(raw) == []


def test_rating_requests_match_ticket_and_expire_after_grace(clock):
    ids = iter(["r1", "r2", "r3"])
    requests = RatingRequests(clock, grace=5, new_id=lambda: next(ids))
    assert requests.open(1, "A023", 60).request_id == "r1"
    assert requests.settle(1, "A999") is None  # another ticket: unsolicited
    assert requests.settle(1, "A023") == "r1" and requests.settle(1, "A023") is None
    requests.open(2, "B1", 10)
    clock.now += 14.9
    assert requests.expired() == []
    clock.now += 0.2
    assert [r.request_id for r in requests.expired()] == ["r2"]
    requests.open(1, "A1", 30)
    requests.discard(1, "not-it")
    assert requests.pending(1) is not None
    requests.discard(1)
    assert requests.pending(1) is None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([1, 2]), st.integers(0, 3),
                          st.sampled_from([RatingEvent(5, "A1"), KeyEvent("start")]),
                          st.sampled_from([0.0, 0.5, 4.0, 10.5])), max_size=25))
def test_fuzz_delivery_follows_the_ten_second_rule(arrivals):
    # Model: an arrival is new unless the same (ADDR, CMD, SEQ) was last seen ≤ 10 s ago.
    clock = Clock()
    link = HostLink(clock, addresses=(1, 2))
    last_seen: dict = {}
    for address, seq, message, gap in arrivals:
        clock.now += gap
        key = (address, message.code, seq)
        expected_new = key not in last_seen or clock.now - last_seen[key] > 10
        last_seen[key] = clock.now
        delivered = link.receive_data(pad_frame(message, seq, address))
        assert delivered == ([EventReceived(address, seq, message)] if expected_new else [])
        assert decode_command(host_frames(link.data_to_send())[0]) == Ack(seq)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.integers(1, 40))
def test_fuzz_link_takes_any_bytes_and_only_answers_configured_pads(noise, chunk):
    clock = Clock()
    link = HostLink(clock, addresses=(1, 2))
    link.send(1, Ping())
    for k in range(0, len(noise), chunk):
        clock.now += 0.05
        for event in link.receive_data(noise[k:k + chunk]) + link.tick():
            assert isinstance(event, (Replied, CommandFailed, EventReceived, FrameRejected))
    for frame in host_frames(link.data_to_send()):
        assert frame.address in (1, 2) and frame.code in (Code.ACK, Code.NAK, Code.PING)
