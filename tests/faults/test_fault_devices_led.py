"""An LED screen that does not answer (issue 8): the LED agent's bus on a real pty, served by
the LED bus emulator with one address silent, for both vendor protocols (devices.md §3.4).

The other screens go on following the hall, the bus status names the silent screen (the
agent's heartbeat carries it to the manager console), and once the screen answers again it
shows what its window shows *now* — though nothing new happened at that window.
"""
from __future__ import annotations

import time

import pytest

from drivers.emulation import PtyHost
from drivers.led.driver import LedBus
from drivers.led.emulator import LedBusEmulator
from hall_server.agents.runner import build_led
from hall_server.config.agents import LedSettings
from kiosk.core.event_stream import HallEvent

pytestmark = [pytest.mark.slow]
WINDOWS = [{"id": "w1", "number": 1, "led_address": 1}, {"id": "w2", "number": 12, "led_address": 2},
           {"id": "w3", "number": 3, "led_address": 3}]
SILENT = 2
STRIP = 9


def event(kind: str, **data) -> HallEvent:
    return HallEvent(1, kind, "2026-11-23T10:00:00+08:00", data)


def wait(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


@pytest.fixture(params=["shuangse", "pinganlihe"])
def bus_on_pty(request):
    emulator = LedBusEmulator(request.param, scenario="silent", silent_addresses=(SILENT,))
    host = PtyHost(emulator).start()
    yield request.param, emulator, host
    host.stop()


def test_the_agent_keeps_the_other_screens_reports_the_silent_one_and_catches_it_up(bus_on_pty):
    vendor, emulator, host = bus_on_pty
    settings = LedSettings(bus_url=host.path, vendor=vendor, strip_address=STRIP, frame_gap_ms=20)
    bus, agent = build_led(settings, WINDOWS, backoff=(0.05, 0.2), check_interval=0.5)
    try:
        for n, window in ((1, "w1"), (2, "w2"), (3, "w3")):
            agent.handle(event("ticket.called", id=f"t{n}", number=f"A00{n}", window_id=window))
        wait(lambda: emulator.shown.get(1) == "请A001号到1号窗口" and emulator.shown.get(3) == "请A003号到3号窗口"
             and emulator.shown.get(STRIP) == "请A003号到3号窗口")
        # (平安力合 text frames are not answered: its screens are known once the periodic check asked them)
        wait(lambda: bus.status.state == "warning" and "unknown" not in bus.status.details["screens"].values())
        component = bus.status.as_component()          # what the agent's heartbeat sends
        assert component["ok"] is True and f"地址 {SILENT}" in component["message"]
        assert component["screens"] == {"1": "ok", str(SILENT): "not_answering", "3": "ok", str(STRIP): "ok"}

        agent.handle(event("ticket.serving", id="t2", number="A002", window_id="w2"))   # while it is dark
        agent.handle(event("ticket.done", id="t1", number="A001", window_id="w1"))
        agent.handle(event("window.state", window_id="w3", state="paused"))
        wait(lambda: emulator.shown.get(1) == "1号窗口" and emulator.shown.get(3) == "暂停服务")
        assert SILENT not in emulator.shown

        emulator.scenario = "normal"                   # the screen is powered again; the hall is quiet
        wait(lambda: emulator.shown.get(SILENT) == "正在办理A002号")
        wait(lambda: bus.status.state == "ok")
        assert bus.status.as_component()["screens"][str(SILENT)] == "ok"
        assert emulator.shown.get(1) == "1号窗口" and emulator.shown.get(3) == "暂停服务"
    finally:
        bus.stop()


def test_a_bus_with_one_screen_catches_it_up_with_its_newest_text(bus_on_pty):
    vendor, emulator, host = bus_on_pty
    bus = LedBus(host.path, vendor=vendor, addresses=(SILENT,), check_interval=0.3, frame_gap=0.02,
                 backoff=(0.05, 0.2)).start()
    try:
        assert bus.wait_connected(5)
        for text in ("请B001号到12号窗口", "正在办理B001号"):   # the newest one is what must show
            try:
                bus.show(text, address=SILENT).result(5)
            except Exception as error:                 # a screen that answers frames says so
                assert "无应答" in str(error)
        wait(lambda: bus.status.state == "unavailable")
        assert "无应答" in bus.status.message and bus.status.message_en
        emulator.scenario = "normal"
        wait(lambda: emulator.shown.get(SILENT) == "正在办理B001号")
        wait(lambda: bus.status.state == "ok")
    finally:
        bus.stop()
