"""The clerk's console when its devices misbehave (issue 8), against the real hall server
process, with the production pad and LED drivers on ptys served by their emulators:

* a pad that repeats every event (its ACKs "lost"), while the server dies and comes back
  in the middle of the rating: one evaluation, one outbox record, one case;
* a pad that goes silent after taking the prompt: the header shows it offline, the rating
  ends as 未评 after the timeout (recorded on the server), and the pad recovers;
* an LED screen that does not answer: the console goes on calling, the header and the
  heartbeat component say which screen is silent, and once the screen answers again it
  shows the current call without the clerk doing anything.
"""
from __future__ import annotations

import signal
import time

import pytest

from drivers.emulation import PtyHost
from drivers.evalpad.emulator import PadEmulator
from drivers.led.emulator import LedBusEmulator
from kiosk.counter.client import CounterClient
from kiosk.counter.config import CounterConfig
from kiosk.counter.core import actions as A
from kiosk.counter.core.intents import Press
from kiosk.counter.ui.devices import LedLink, PadLink
from kiosk.counter.ui.session import Session, bootstrap

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.qt_log_level_fail("WARNING"),
              pytest.mark.qt_log_ignore("does not support propagateSizeHints")]

WAIT_MS = 15000
LED_ADDRESS = 1


class Rig:
    """A pad and a bus of LED screens on their own ptys, and the console opened on them."""

    def __init__(self, pad: PadEmulator, screens: LedBusEmulator):
        self.pad, self.screens = pad, screens
        self.pad_host, self.led_host = PtyHost(pad).start(), PtyHost(screens).start()
        self.opened: list[tuple[Session, PadLink, LedLink]] = []

    def open(self, hall, qtbot, *, vendor: str = "shuangse", pad_options=None, led_options=None) -> Session:
        config = CounterConfig.model_validate({
            "counter": {"window_id": hall.clerk["window_id"], "fullscreen": False, "debounce_s": 0.5,
                        "resync_s": 600},
            "server": {"base_url": hall.base_url, "retries": 1, "timeout_s": 3, "retry_delays_s": [0.5, 1.0]},
            "evaluation": {"mode": "pad", "timeout_s": 10},
            "pad": {"url": self.pad_host.path}, "led": {"url": self.led_host.path, "address": LED_ADDRESS,
                                                        "vendor": vendor}})
        client = CounterClient(hall.base_url, None, timeout=3, retries=1)
        start = bootstrap(client, config, hall.clerk["username"], hall.clerk["password"], hall.clerk["window_id"])
        pad = PadLink(self.pad_host.path, (1,), **{"ping_interval": None, "backoff": (0.05, 0.2), **(pad_options or {})})
        led = LedLink(self.led_host.path, vendor=vendor, address=LED_ADDRESS,
                      **{"backoff": (0.05, 0.2), **(led_options or {})})
        pad.start(), led.start()
        assert pad.pad.wait_connected(5) and led.bus.wait_connected(5)
        session = Session(start, config, config_path=None, pad=pad, led=led, windowed=True)
        self.opened.append((session, pad, led))
        session.open()
        qtbot.addWidget(session.window)
        qtbot.waitUntil(lambda: session.console.loaded, timeout=WAIT_MS)
        _clear_window(session, qtbot)
        return session

    def close(self) -> None:
        for session, pad, led in self.opened:
            session.close()
            pad.stop()
            led.stop()
        self.pad_host.stop()
        self.led_host.stop()


@pytest.fixture
def rig():
    made = []

    def make(pad_scenario: str = "normal", *, vendor: str = "shuangse", led_scenario: str = "normal") -> Rig:
        made.append(Rig(PadEmulator(1, scenario=pad_scenario),
                        LedBusEmulator(vendor, scenario=led_scenario, silent_addresses=(LED_ADDRESS,))))
        return made[-1]
    yield make
    for one in made:
        one.close()


def _settled(session: Session) -> bool:
    console = session.console
    return console.in_flight is None and not console.loading and not console.reload_wanted


def _clear_window(session: Session, qtbot) -> None:
    """Leave no ticket open at the window from an earlier test."""
    for _ in range(3):
        current = session.console.current
        if current is None:
            return
        action = {"called": A.NO_SHOW, "serving": A.FINISH, "suspended": A.UNSUSPEND}[current.state]
        session.shell.dispatch(Press(action))
        qtbot.waitUntil(lambda: _settled(session), timeout=WAIT_MS)


def _press(session: Session, qtbot, action: str) -> None:
    qtbot.waitUntil(lambda: _settled(session), timeout=WAIT_MS)
    session.shell.dispatch(Press(action))
    qtbot.waitUntil(lambda: _settled(session), timeout=WAIT_MS)


def _serve(session: Session, hall, qtbot) -> dict:
    """Issue a ticket, call it to this window and start serving it; returns the ticket."""
    ticket = hall.issue("Z")
    qtbot.waitUntil(lambda: any(t.id == ticket["id"] for t in session.console.waiting), timeout=WAIT_MS)
    time.sleep(0.6)                                            # past the debounce of an earlier call
    _press(session, qtbot, A.CALL_NEXT)
    assert session.console.current is not None
    _press(session, qtbot, A.START)
    return next(t for t in hall.rows("SELECT id, number FROM tickets WHERE id = ?",
                                     (session.console.current.id,)))


def _evaluations(hall, ticket_id: str) -> list[dict]:
    """The manager's view of today's ratings of one ticket."""
    reply = hall.manager().get(hall.process.url("/evaluations"), params={"limit": 2000}, timeout=5)
    reply.raise_for_status()
    return [e for e in reply.json()["evaluations"] if e["ticket_id"] == ticket_id]


def _call_text(vendor: str, number: str, window: int) -> str:
    """What a screen of ``vendor`` shows for the call (each vendor formats numbers its own way)."""
    from drivers.led.vendors import make_codec
    screen = LedBusEmulator(vendor)
    screen.receive(make_codec(vendor).call(LED_ADDRESS, number, int(window)).data)
    return screen.shown[LED_ADDRESS]


def _chip(session: Session) -> str:
    return session.window.header.pad_chip.text()


def test_a_repeating_pad_rating_across_a_server_restart_is_recorded_once(rig, hall, qtbot):
    devices = rig("repeats")
    session = devices.open(hall, qtbot)
    ticket_id, number = _serve(session, hall, qtbot)
    _press(session, qtbot, A.FINISH)
    qtbot.waitUntil(lambda: devices.pad.prompt is not None and devices.pad.prompt.ticket == number, timeout=WAIT_MS)

    hall.process.stop(signal.SIGKILL)                          # the server dies …
    sent_before = len(devices.pad.frames_out)
    assert devices.pad.press_rating(1)                         # … as the resident taps 非常不满意, repeated
    rating_frame = devices.pad.frames_out[sent_before]
    qtbot.waitUntil(lambda: not session.console.online, timeout=WAIT_MS)
    time.sleep(1.0)                                            # every copy of the rating has arrived by now
    hall.restart()
    qtbot.waitUntil(lambda: session.console.prompt is not None and session.console.prompt.status == "rated",
                    timeout=30000)
    qtbot.waitUntil(lambda: bool(devices.pad.acked) and not devices.pad.unacked, timeout=WAIT_MS)
    assert devices.pad.frames_out.count(rating_frame) >= 3     # the pad really sent it three times
    records = _evaluations(hall, ticket_id)
    assert [(r["level"], r["channel"]) for r in records] == [(1, "pad")]
    assert hall.rows("SELECT COUNT(*) FROM outbox o JOIN evaluations e ON e.id = o.evaluation_id "
                     "WHERE e.ticket_id = ?", (ticket_id,)) == [(1,)]
    assert hall.rows("SELECT COUNT(*) FROM cases WHERE ticket_id = ?", (ticket_id,)) == [(1,)]
    assert session.console.view().evaluation.zh == f"{number} 已评价"


def test_a_repeated_pad_key_calls_once(rig, hall, qtbot):
    devices = rig("repeats")
    session = devices.open(hall, qtbot)
    issued = [hall.issue("Z") for _ in range(2)]
    qtbot.waitUntil(lambda: sum(t.id in {i["id"] for i in issued} for t in session.console.waiting) == 2,
                    timeout=WAIT_MS)
    time.sleep(0.6)
    assert devices.pad.press_key("call_next")                  # sent twice at once, a third time 500 ms later
    qtbot.waitUntil(lambda: session.console.current is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not devices.pad.unacked, timeout=WAIT_MS)
    qtbot.wait(700)
    called = hall.rows("SELECT ticket_id FROM ticket_history WHERE action = 'call' AND ticket_id IN (?, ?)",
                       tuple(i["id"] for i in issued))
    assert len(called) == 1 and called[0][0] == session.console.current.id
    assert hall.rows("SELECT state FROM tickets WHERE id = ?",
                     (next(i["id"] for i in issued if i["id"] != called[0][0]),)) == [("waiting",)]
    _press(session, qtbot, A.NO_SHOW)


def test_a_pad_going_silent_mid_ask_shows_offline_then_unrated_then_recovers(rig, hall, qtbot):
    devices = rig("normal")
    session = devices.open(hall, qtbot, pad_options={"ping_interval": 1.0, "rating_grace": 0.5})
    qtbot.waitUntil(lambda: _chip(session) == "评价器 ✓", timeout=WAIT_MS)
    ticket_id, number = _serve(session, hall, qtbot)
    _press(session, qtbot, A.FINISH)
    qtbot.waitUntil(lambda: devices.pad.prompt is not None and devices.pad.prompt.ticket == number, timeout=WAIT_MS)
    asked = time.monotonic()

    devices.pad.scenario = "silent"                            # power cut at the pad, prompt on its screen
    qtbot.waitUntil(lambda: _chip(session) == "评价器 ✗", timeout=WAIT_MS)
    assert "无应答" in session.window.header.pad_chip.toolTip()
    assert session.pad.status.as_component()["state"] == "unavailable"   # what the heartbeat carries
    assert session.console.prompt.open                        # still waiting for the resident
    qtbot.waitUntil(lambda: session.console.prompt.status == "unrated", timeout=20000)
    assert time.monotonic() - asked >= 10                      # not before the resident's time ran out
    assert session.console.view().evaluation.zh == f"{number} 未评价"
    qtbot.waitUntil(lambda: hall.rows("SELECT reason FROM evaluation_unrated WHERE ticket_id = ?", (ticket_id,))
                    == [("timeout",)], timeout=WAIT_MS)
    assert _evaluations(hall, ticket_id) == []

    devices.pad.scenario = "normal"                            # the pad is back
    devices.pad.clerk = None
    qtbot.waitUntil(lambda: _chip(session) == "评价器 ✓", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: devices.pad.clerk is not None, timeout=WAIT_MS)   # shown the clerk again
    second_id, second = _serve(session, hall, qtbot)
    _press(session, qtbot, A.FINISH)
    qtbot.waitUntil(lambda: devices.pad.prompt is not None and devices.pad.prompt.ticket == second, timeout=WAIT_MS)
    assert devices.pad.press_rating(5)
    qtbot.waitUntil(lambda: len(_evaluations(hall, second_id)) == 1, timeout=WAIT_MS)


@pytest.mark.parametrize("vendor", ["shuangse", "pinganlihe"])
def test_a_silent_led_screen_leaves_the_console_working_and_shows_the_call_once_back(vendor, rig, hall, qtbot):
    devices = rig("normal", vendor=vendor, led_scenario="silent")
    session = devices.open(hall, qtbot, vendor=vendor, led_options={"check_interval": 0.5})
    led_chip = session.window.header.led_chip
    ticket_id, number = _serve(session, hall, qtbot)           # calling and serving work without the screen
    assert hall.rows("SELECT state FROM tickets WHERE id = ?", (ticket_id,)) == [("serving",)]
    qtbot.waitUntil(lambda: led_chip.text() == "LED屏 ✗", timeout=WAIT_MS)
    assert f"地址 {LED_ADDRESS}" in led_chip.toolTip()
    component = session.shell.led.status.as_component()
    assert component["state"] == "unavailable" and component["screens"] == {str(LED_ADDRESS): "not_answering"}
    assert devices.screens.shown.get(LED_ADDRESS) is None     # a dead screen shows nothing

    devices.screens.scenario = "normal"                        # power back at the screen; the clerk does nothing
    wanted = _call_text(vendor, number, session.console.window.number)
    qtbot.waitUntil(lambda: devices.screens.shown.get(LED_ADDRESS) == wanted, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: led_chip.text() == "LED屏 ✓", timeout=WAIT_MS)
    _press(session, qtbot, A.FINISH)
