"""The production Hep1Pad driver against emulated pads on a real pseudo-terminal."""
from __future__ import annotations

import time
from collections import Counter

import pytest

from drivers.emulation import PtyHost
from drivers.errors import DeviceTimeout, ProtocolError
from drivers.evalpad.driver import Hep1Pad
from drivers.evalpad.emulator import PadBus, PadEmulator
from drivers.evalpad.frame import FrameDecoder
from drivers.evalpad.pad import Clerk, KeyPress, Rating, RatingTimeout
from drivers.evalpad.protocol import Code, Nak, decode_command


def wait_for(predicate, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


class Rig:
    """An emulator on a pty and the production driver on its slave side."""

    def __init__(self, device, **driver_options):
        self.device = device
        self.ratings, self.timeouts, self.keys, self.statuses = [], [], [], []
        self.host = PtyHost(device).start()
        self.pad = Hep1Pad(self.host.path, on_rating=self.ratings.append, on_rating_timeout=self.timeouts.append,
                           on_key=self.keys.append, on_status=self.statuses.append, ping_interval=None,
                           backoff=(0.05, 0.2), **driver_options).start()
        assert self.pad.wait_connected(5)

    def host_frames(self):
        return FrameDecoder().feed(bytes(self.host.received))

    def close(self):
        self.pad.stop()
        self.host.stop()


@pytest.fixture
def rig():
    rigs = []

    def make(device, **options):
        rigs.append(Rig(device, **options))
        return rigs[-1]
    yield make
    for r in rigs:
        r.close()


def test_ask_shows_clerk_and_prompt_and_returns_request_id(rig):
    r = rig(PadEmulator(), new_request_id=lambda: "req-1")
    assert r.pad.ask("A023", clerk=Clerk("1001", "王五", "5"), timeout_s=60).result(3) == "req-1"
    assert r.device.clerk == Clerk("1001", "王五", "5")
    assert r.device.prompt.ticket == "A023"
    ask = [f for f in r.host_frames() if f.code == Code.ASK_RATING][0]
    assert ask.data == bytes.fromhex("41 30 32 33 1F 3C")  # evalpad.md worked example DATA


def test_rating_is_delivered_once_although_the_pad_repeats_it(rig):
    r = rig(PadEmulator(scenario="repeats"), new_request_id=lambda: "req-7")
    r.pad.ask("A023", timeout_s=60).result(3)
    assert r.device.press_rating(2, reasons=["等候时间长"])
    # the pad sends it twice, ignores our first ACK and sends it a third time
    # the driver acknowledges before it calls back (a slow callback must not make the pad repeat)
    assert wait_for(lambda: r.device.acked and not r.device.unacked and r.ratings)
    sent = [f for f in FrameDecoder().feed(b"".join(r.device.frames_out)) if f.code == Code.RATING]
    assert len(sent) == 3 and len({f.seq for f in sent}) == 1
    assert r.ratings == [Rating("A023", 2, ("等候时间长",), "req-7", 1)]
    assert r.ratings[0].label == "不满意"


def test_caller_keys_arrive_in_order_once_each(rig):
    r = rig(PadEmulator(scenario="repeats"))
    for key in ("call_next", "recall", "no_show", "start", "finish", "pause", "resume", "help"):
        r.device.press_key(key)
    assert wait_for(lambda: len(r.device.acked) == 8 and not r.device.unacked and len(r.keys) >= 8)
    assert r.keys == [KeyPress(k, 1) for k in
                      ("call_next", "recall", "no_show", "start", "finish", "pause", "resume", "help")]


def test_corrupted_frames_are_naked_and_everything_still_arrives_once(rig):
    r = rig(PadEmulator(scenario="corrupt"), new_request_id=lambda: "req-c")
    assert r.pad.ping().result(3) == "HEP1-EMU 1.0"
    r.pad.ask("B105", timeout_s=30).result(3)
    r.device.press_rating(4)
    r.device.press_key("finish")
    assert wait_for(lambda: len(r.device.acked) == 2 and not r.device.unacked and r.ratings and r.keys)
    assert r.ratings == [Rating("B105", 4, (), "req-c", 1)] and r.keys == [KeyPress("finish", 1)]
    naks = [decode_command(f) for f in r.host_frames() if f.code == Code.NAK]
    assert naks and all(isinstance(n, Nak) for n in naks)
    assert r.pad.status.state == "ok"


def test_pad_nak_makes_the_driver_resend_the_same_frame(rig):
    r = rig(PadEmulator(scenario="nak_first"))
    r.pad.show_text("暂停服务").result(3)
    assert r.device.text == "暂停服务"
    shows = [f for f in r.host_frames() if f.code == Code.SHOW_TEXT]
    assert len(shows) == 2 and shows[0] == shows[1]  # same SEQ, same bytes


def test_silent_pad_gets_three_resends_then_device_timeout(rig):
    r = rig(PadEmulator(scenario="silent"))
    assert r.pad.status.state == "unavailable" and "无应答" in r.pad.status.message
    with pytest.raises(DeviceTimeout) as err:
        r.pad.ping().result(5)
    assert "无应答" in err.value.message
    per_seq = Counter(f.seq for f in r.device.frames_in if f.code == Code.PING)
    assert sorted(per_seq.values()) == [4, 4]  # the connect ping and ours: 1 + 3 resends each


def test_a_pad_that_comes_back_is_ok_again_and_nothing_hung(rig):
    r = rig(PadEmulator(scenario="silent"), answer_timeout=0.1)
    with pytest.raises(DeviceTimeout):
        r.pad.ask("A1", timeout_s=30).result(5)
    r.device.scenario = "normal"  # power restored
    assert r.pad.ask("A2", timeout_s=30).result(3)
    assert wait_for(lambda: r.pad.status.state == "ok")
    assert [s.state for s in r.statuses][-1] == "ok"


def test_two_pads_on_one_bus_by_address(rig):
    bus = PadBus([PadEmulator(1), PadEmulator(2, firmware="PAD-2"), PadEmulator(3, scenario="silent")])
    r = rig(bus, addresses=(1, 2, 3), answer_timeout=0.1)
    assert r.pad.status.state == "warning" and r.pad.status.details["pads"] == \
        {"1": "ok", "2": "ok", "3": "not_answering"}
    assert r.pad.firmware[2] == "PAD-2"
    r.pad.ask("A1", timeout_s=30, address=2).result(3)
    assert bus[2].prompt.ticket == "A1" and bus[1].prompt is None
    bus[2].press_rating(5)
    bus[1].press_key("call_next")
    assert wait_for(lambda: r.ratings and r.keys)
    assert r.ratings[0].address == 2 and r.keys == [KeyPress("call_next", 1)]
    r.pad.show_text("全体", address=0).result(3)  # broadcast: no answer awaited
    assert wait_for(lambda: bus[1].text == bus[2].text == "全体")


def test_rating_timeout_reported_by_the_pad(rig):
    r = rig(PadEmulator(), new_request_id=lambda: "req-t")
    r.pad.ask("C3", timeout_s=10).result(3)
    r.device.let_prompt_expire()
    assert wait_for(lambda: r.timeouts)
    assert r.timeouts == [RatingTimeout("C3", "req-t", 1, "pad")] and r.ratings == []


def test_host_gives_up_on_a_pad_that_never_reports(rig):
    skew = [0.0]
    r = rig(PadEmulator(), clock=lambda: time.monotonic() + skew[0], new_request_id=lambda: "req-h")
    r.pad.ask("D4", timeout_s=10).result(3)
    r.device.prompt = None  # the pad forgot its prompt (rebooted)
    skew[0] += 16  # past 10 s + 5 s grace
    assert wait_for(lambda: r.timeouts)
    assert r.timeouts == [RatingTimeout("D4", "req-h", 1, "host")]


def test_clear_abandons_the_prompt(rig):
    r = rig(PadEmulator())
    r.pad.ask("E5", timeout_s=30).result(3)
    r.pad.clear().result(3)
    assert r.device.prompt is None and r.device.press_rating(5) is False


def test_unsolicited_rating_has_no_request_id(rig):
    r = rig(PadEmulator())
    r.pad.ask("F6", timeout_s=30).result(3)
    r.device.prompt.ticket = "F5"  # the pad rates another ticket than we asked for
    r.device.press_rating(3)
    assert wait_for(lambda: r.ratings)
    assert r.ratings == [Rating("F5", 3, (), None, 1)]


def test_bad_input_fails_at_once_with_a_typed_error(rig):
    r = rig(PadEmulator())
    with pytest.raises(ProtocolError):
        r.pad.ask("A023", timeout_s=5)
    with pytest.raises(ProtocolError):
        r.pad.ask("A023", address=9)
    with pytest.raises(ProtocolError):
        r.pad.show_text("太长" * 20)
    assert r.device.commands[-1].__class__.__name__ == "Ping"  # nothing was sent


def test_a_failing_callback_does_not_stop_the_worker(rig):
    r = rig(PadEmulator())
    r.pad.on_key = lambda key: 1 / 0
    r.device.press_key("help")
    assert wait_for(lambda: r.device.acked)
    assert r.pad.ping().result(3) == "HEP1-EMU 1.0"


def test_unplug_reports_unavailable_and_replug_recovers(rig):
    r = rig(PadEmulator())
    r.host.unplug()
    assert wait_for(lambda: r.pad.status.state == "unavailable")
    r.host.replug()
    assert wait_for(lambda: r.pad.status.state == "ok")
    assert r.pad.ping().result(3) == "HEP1-EMU 1.0"
