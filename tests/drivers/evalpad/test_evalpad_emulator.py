"""The emulated pad, driven directly with bytes (its behaviour is the driver tests' ground)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from drivers.evalpad.frame import Frame, FrameDecoder
from drivers.evalpad.protocol import (Ack, AskRating, Code, Idle, KeyEvent, Nak, Ping, RatingEvent,
                                      RatingTimeoutEvent, ShowClerk, ShowText, decode_message, encode_command)
from drivers.evalpad.emulator import PadBus, PadEmulator
from drivers.evalpad.pad import Clerk


class Clock:
    def __init__(self):
        self.now = 50.0

    def __call__(self):
        return self.now


def cmd(command, seq: int, address: int = 1) -> bytes:
    return Frame(address, command.code, seq, encode_command(command)).encode()


def frames(raw: bytes) -> list[Frame]:
    return FrameDecoder().feed(raw)


@pytest.fixture
def clock():
    return Clock()


def test_answers_echo_the_command_seq_and_pong_has_firmware(clock):
    pad = PadEmulator(3, clock=clock, firmware="X1")
    [answer] = frames(pad.receive(cmd(Ping(), 42, address=3)))
    assert (answer.address, answer.code, answer.seq, answer.data) == (3, Code.PONG, 42, b"X1")


def test_executes_clerk_ask_text_and_idle(clock):
    pad = PadEmulator(clock=clock)
    pad.receive(cmd(ShowClerk("1001", "李四", "7"), 1) + cmd(ShowText("请稍候"), 2) + cmd(AskRating("A9", 30), 3))
    assert pad.clerk == Clerk("1001", "李四", "7") and pad.text == "请稍候"
    assert pad.prompt.ticket == "A9" and pad.prompt.deadline == clock.now + 30
    pad.receive(cmd(Idle(), 4))
    assert pad.prompt is None and pad.text == ""


def test_resent_command_is_answered_again_but_not_re_executed(clock):
    pad = PadEmulator(clock=clock)
    raw = cmd(AskRating("A9", 30), 3)
    first, again = pad.receive(raw), pad.receive(raw)
    assert first == again and len(pad.commands) == 1 and len(pad.frames_in) == 2


def test_broadcast_is_executed_without_answer(clock):
    pad = PadEmulator(2, clock=clock)
    assert pad.receive(cmd(ShowText("午休"), 5, address=0)) == b""
    assert pad.text == "午休"


def test_frames_for_other_pads_are_ignored(clock):
    pad = PadEmulator(2, clock=clock)
    assert pad.receive(cmd(Ping(), 1, address=1)) == b"" and pad.commands == []


def test_rating_needs_a_prompt_and_is_resent_until_acked(clock):
    pad = PadEmulator(clock=clock)
    assert pad.press_rating(5) is False and pad.poll(clock.now) == b""
    pad.receive(cmd(AskRating("A023", 60), 7))
    assert pad.press_rating(5) is True and pad.prompt is None
    [event] = frames(pad.poll(clock.now))
    assert decode_message(event) == RatingEvent(5, "A023")
    clock.now += 0.49
    assert pad.poll(clock.now) == b""
    clock.now += 0.02
    assert frames(pad.poll(clock.now)) == [event]  # same SEQ, same bytes
    pad.receive(cmd(Ack(event.seq), 8))
    clock.now += 5
    assert pad.poll(clock.now) == b"" and pad.acked == [event.seq]


def test_event_is_abandoned_after_three_resends(clock):
    pad = PadEmulator(clock=clock)
    pad.press_key("pause")
    sends = len(frames(pad.poll(clock.now)))
    for _ in range(5):
        clock.now += 0.5
        sends += len(frames(pad.poll(clock.now)))
    assert sends == 4 and pad.abandoned == [0] and pad.unacked == []


def test_prompt_timeout_sends_rating_timeout(clock):
    pad = PadEmulator(clock=clock)
    pad.receive(cmd(AskRating("B2", 10), 1))
    clock.now += 10
    [event] = frames(pad.poll(clock.now))
    assert decode_message(event) == RatingTimeoutEvent("B2") and pad.prompt is None


def test_damaged_host_frame_for_this_pad_is_naked(clock):
    pad = PadEmulator(clock=clock)
    raw = bytearray(cmd(Ping(), 9))
    raw[-2] ^= 1
    [nak] = frames(pad.receive(bytes(raw)))
    assert decode_message(nak) == Nak(9) and pad.bad_frames == 1


def test_host_nak_makes_the_pad_resend_that_event(clock):
    pad = PadEmulator(clock=clock)
    pad.press_key(1)
    [event] = frames(pad.poll(clock.now))
    assert decode_message(event) == KeyEvent("call_next")
    assert frames(pad.receive(cmd(Nak(event.seq), 3))) == [event]


def test_repeats_scenario_doubles_events_and_ignores_the_first_round_of_acks(clock):
    pad = PadEmulator(scenario="repeats", clock=clock)
    pad.press_key("recall")
    first = frames(pad.poll(clock.now))
    assert len(first) == 2 and first[0] == first[1]
    pad.receive(cmd(Ack(first[0].seq), 1) + cmd(Ack(first[0].seq), 2))
    clock.now += 0.5
    assert frames(pad.poll(clock.now)) == [first[0]]
    pad.receive(cmd(Ack(first[0].seq), 3))
    clock.now += 0.5
    assert pad.poll(clock.now) == b"" and pad.acked == [first[0].seq]


def test_silent_scenario_hears_but_never_speaks(clock):
    pad = PadEmulator(scenario="silent", clock=clock)
    assert pad.receive(cmd(Ping(), 1)) == b"" and len(pad.frames_in) == 1
    assert pad.press_key("help") is False


def test_corrupt_scenario_damages_every_second_frame(clock):
    pad = PadEmulator(scenario="corrupt", clock=clock)
    decoder = FrameDecoder()
    first = decoder.feed(pad.receive(cmd(Ping(), 1)))
    second = decoder.feed(pad.receive(cmd(Ping(), 1)))
    assert first[0].__class__.__name__ == "BadFrame" and second[0].code == Code.PONG


def test_nak_first_scenario_naks_each_command_once(clock):
    pad = PadEmulator(scenario="nak_first", clock=clock)
    [nak] = frames(pad.receive(cmd(Ping(), 4)))
    assert decode_message(nak) == Nak(4) and pad.commands == []
    [pong] = frames(pad.receive(cmd(Ping(), 4)))
    assert pong.code == Code.PONG


def test_demo_scenario_rates_by_itself(clock):
    pad = PadEmulator(scenario="demo", clock=clock)
    pad.receive(cmd(AskRating("A1", 30), 1))
    clock.now += 1.0
    [event] = frames(pad.poll(clock.now))
    assert decode_message(event) == RatingEvent(5, "A1")


def test_bus_routes_by_address():
    bus = PadBus([PadEmulator(1, firmware="one"), PadEmulator(2, firmware="two")])
    [answer] = frames(bus.receive(cmd(Ping(), 1, address=2)))
    assert (answer.address, answer.data) == (2, b"two")
    bus.receive(cmd(ShowText("全部"), 2, address=0))
    assert bus[1].text == bus[2].text == "全部"


def test_unknown_scenario_is_refused():
    with pytest.raises(ValueError):
        PadEmulator(scenario="flaky")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_emulator_survives_any_bytes(noise):
    pad = PadEmulator()
    reply = pad.receive(noise)
    for item in FrameDecoder().feed(reply + pad.poll(0.0)):
        assert item.address == 1 and item.code >= 0x80  # it only ever speaks as pad 1
