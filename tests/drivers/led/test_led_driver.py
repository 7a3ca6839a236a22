"""The production LedBus driver against emulated screens on a real pseudo-terminal."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from drivers.emulation import PtyHost
from drivers.errors import DeviceTimeout, ProtocolError
from drivers.led.driver import LedBus
from drivers.led.emulator import LedBusEmulator
from drivers.led.protocol import Colour, LedFrame, LedTextError, TextPolicy

CAPTURES = Path(__file__).resolve().parents[2] / "captures"


def capture(name: str, index: int) -> bytes:
    lines = [l for l in (CAPTURES / name).read_text(encoding="utf-8").splitlines()
             if l.strip() and not l.startswith("#")]
    return bytes.fromhex(lines[index][1:].partition("|")[0])


def wait_for(predicate, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


@pytest.fixture
def rig():
    opened = []

    def make(emulator: LedBusEmulator, **options):
        host = PtyHost(emulator).start()
        options.setdefault("check_interval", None)
        bus = LedBus(host.path, vendor=emulator.vendor, backoff=(0.05, 0.2), **options).start()
        opened.append((bus, host))
        assert bus.wait_connected(5)
        return bus, host
    yield make
    for bus, host in opened:
        bus.stop()
        host.stop()


def test_pinganlihe_call_goes_out_byte_exact_and_is_acknowledged(rig):
    screens = LedBusEmulator("pinganlihe")
    bus, host = rig(screens, addresses=(3,))
    delivery = bus.show_call("B1234", 3).result(3)
    assert bytes(host.received) == capture("led_pinganlihe_frames.hex", 1)
    assert delivery.answered is True and delivery.kind == "call"
    assert screens.shown[3] == "请B1234号顾客到03号窗口"


def test_shuangse_text_goes_out_byte_exact_and_is_acknowledged(rig):
    screens = LedBusEmulator("shuangse")
    bus, host = rig(screens)
    delivery = bus.show([("请", Colour.RED), ("8", Colour.GREEN)]).result(3)
    assert bytes(host.received) == capture("led_shuangse_frames.hex", 0)
    assert delivery.answered is True
    assert screens.shown[1] == "请8" and screens.colours[1] == (0, 1)


def test_pinganlihe_free_text_in_gbk_has_no_answer_to_wait_for(rig):
    screens = LedBusEmulator("pinganlihe")
    bus, _ = rig(screens, addresses=(2,))
    delivery = bus.show("朱镕基同志请到2号窗口", colour=Colour.YELLOW).result(3)
    assert delivery.answered is None
    assert wait_for(lambda: screens.shown.get(2) == "朱镕基同志请到2号窗口")
    assert screens.colours[2] == (2,)


def test_several_screens_on_one_bus_by_address(rig):
    screens = LedBusEmulator("shuangse")
    bus, _ = rig(screens, addresses=(1, 2, 3), frame_gap=0.02)
    futures = [bus.show(f"请A00{n}号到{n}号窗口", address=n) for n in (1, 2, 3)]
    futures.append(bus.show_call("A009", 3, address=2))
    assert all(f.result(3).answered for f in futures)
    assert screens.shown == {1: "请A001号到1号窗口", 2: "请A009号到3号窗口", 3: "请A003号到3号窗口"}


def test_frames_are_spaced_by_the_bus_gap(rig):
    screens = LedBusEmulator("shuangse")
    gap = 0.15
    bus, _ = rig(screens, addresses=(1, 2), frame_gap=gap)
    futures = [bus.show(str(n), address=1 + n % 2) for n in range(4)]
    for f in futures:
        f.result(5)
    sent = [t for t, _, _ in bus.sent_log]
    assert all(b - a >= gap for a, b in zip(sent, sent[1:]))  # the driver's own schedule
    arrived = [f.at for f in screens.frames]
    assert len(arrived) == 4
    # seen from the screen side; slack for the emulator thread's scheduling
    assert all(b - a >= gap / 2 for a, b in zip(arrived, arrived[1:]))


def test_silent_screen_times_out_is_reported_and_the_others_still_get_their_frames(rig):
    screens = LedBusEmulator("shuangse", scenario="silent", silent_addresses=(2,))
    statuses = []
    bus, _ = rig(screens, addresses=(1, 2), reply_timeout=0.1, frame_gap=0.02, on_status=statuses.append)
    dead = bus.show("无人", address=2)
    alive = bus.show("有人", address=1)
    with pytest.raises(DeviceTimeout) as err:
        dead.result(3)
    assert "无应答" in err.value.message
    assert alive.result(3).answered is True and screens.shown == {1: "有人"}
    assert bus.status.state == "warning"
    assert bus.status.details["screens"] == {"1": "ok", "2": "not_answering"}
    assert statuses[-1].state == "warning"


def test_all_screens_silent_is_unavailable_but_nothing_hangs(rig):
    screens = LedBusEmulator("pinganlihe", scenario="silent")
    bus, _ = rig(screens, addresses=(5,), reply_timeout=0.1)
    outcomes = [bus.show_call("A1", 1) for _ in range(3)]
    for f in outcomes:
        with pytest.raises(DeviceTimeout):
            f.result(3)
    assert len(screens.frames) == 3 and screens.shown == {}
    assert bus.status.state == "unavailable"


def test_retries_resend_a_frame_that_got_no_answer(rig):
    screens = LedBusEmulator("shuangse", scenario="silent")
    bus, _ = rig(screens, reply_timeout=0.05, frame_gap=0.01, retries=2)
    with pytest.raises(DeviceTimeout):
        bus.show("x").result(3)
    assert len(screens.frames) == 3 and len({f.command.raw for f in screens.frames}) == 1


def test_refused_frame_is_a_protocol_error(rig):
    screens = LedBusEmulator("shuangse")
    bus, _ = rig(screens)
    good = bus.codec.text(1, [])
    damaged = LedFrame(1, good.data[:-1] + bytes((good.data[-1] ^ 1,)), "text", "ack")
    with pytest.raises(ProtocolError) as err:
        bus.send(damaged).result(3)
    assert err.value.code == "frame_refused" and "拒收" in err.value.message
    assert bus.status.state == "ok"  # it answered: the screen is there


def test_unencodable_text_fails_at_once_and_sends_nothing(rig):
    screens = LedBusEmulator("shuangse")
    bus, host = rig(screens)
    with pytest.raises(LedTextError):
        bus.show("王珺")
    time.sleep(0.05)
    assert bytes(host.received) == b""


def test_replace_policy_shows_a_substitute(rig):
    screens = LedBusEmulator("shuangse")
    bus, _ = rig(screens, text_policy=TextPolicy(unencodable="replace"))
    bus.show("王珺").result(3)
    assert screens.shown[1] == "王?"


def test_periodic_check_finds_a_silent_pinganlihe_screen(rig):
    screens = LedBusEmulator("pinganlihe", scenario="silent", silent_addresses=(4,))
    bus, _ = rig(screens, addresses=(3, 4), reply_timeout=0.1, check_interval=30)
    assert wait_for(lambda: bus.status.details["screens"] == {"3": "ok", "4": "not_answering"})
    assert [f.command.kind for f in screens.frames] == ["check", "check"]
    assert bus.check(address=3).result(3) is True and bus.check(address=4).result(3) is False


def test_check_without_a_check_command_sends_nothing(rig):
    screens = LedBusEmulator("shuangse")
    bus, host = rig(screens)
    assert bus.check().result(1) is None and bytes(host.received) == b""


def test_paused_and_clear(rig):
    screens = LedBusEmulator("pinganlihe")
    bus, _ = rig(screens, addresses=(1,))
    bus.show_paused().result(3)
    assert screens.shown[1] == "暂停服务" and screens.frames[-1].command.kind == "pause"
    bus.clear().result(3)
    assert wait_for(lambda: screens.shown[1] == " ")
