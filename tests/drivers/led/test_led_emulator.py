"""The emulated LED bus, fed bytes directly."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from drivers.led.emulator import LedBusEmulator
from drivers.led.protocol import segments_of
from drivers.led.vendors import VENDORS


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_frames_carry_arrival_times_and_split_frames_are_reassembled():
    clock = Clock()
    screens = LedBusEmulator("pinganlihe", clock=clock)
    frame = screens.codec.call(3, "A023", 5).data
    assert screens.receive(frame[:4]) == b""
    clock.now = 1.25
    answer = screens.receive(frame[4:])
    assert screens.codec.parse_replies(bytearray(answer))[0].address == 3
    assert [f.at for f in screens.frames] == [1.25] and screens.shown[3] == "请A0023号顾客到05号窗口"


def test_damaged_frame_changes_nothing():
    screens = LedBusEmulator("shuangse")
    raw = bytearray(screens.codec.text(1, segments_of("好")).data)
    raw[-1] ^= 1
    assert screens.receive(bytes(raw)).endswith(b"\x55")
    assert screens.shown == {} and screens.valid_frames() == []


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(VENDORS)), st.binary(max_size=300))
def test_fuzz_emulator_survives_any_bytes(vendor, noise):
    screens = LedBusEmulator(vendor)
    answer = screens.receive(noise)
    for address in screens.shown:  # only a frame that passed its checksum changes a screen
        assert screens.valid_frames(address)
    for reply in screens.codec.parse_replies(bytearray(answer)):
        assert 0 <= reply.address <= 255
