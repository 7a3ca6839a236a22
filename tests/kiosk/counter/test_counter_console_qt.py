"""The console against a real hall server process, with the production pad and LED drivers
on emulated devices (ptys): buttons, hotkeys and pad keys, the LED, 一次一评 on the pad and
on the second screen, and a server restart in the middle of an action."""
from __future__ import annotations

import signal
import time

import pytest
from PySide6.QtCore import Qt

from kiosk.core.errors import HallApiError
from kiosk.counter.app import CounterApp
from kiosk.counter.client import CounterClient
from kiosk.counter.config import CounterConfig
from kiosk.counter.core import actions as A
from kiosk.counter.core.intents import Press
from kiosk.counter.ui import console_window
from kiosk.counter.ui.devices import LedLink, PadLink
from kiosk.counter.ui.session import Session, bootstrap

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.qt_log_level_fail("WARNING"),
              # the offscreen platform says this for every top-level window it shows
              pytest.mark.qt_log_ignore("does not support propagateSizeHints")]

WAIT_MS = 15000


def config_for(hall, devices, *, mode: str = "pad") -> CounterConfig:
    return CounterConfig.model_validate({
        "counter": {"window_id": hall.clerk["window_id"], "fullscreen": False, "debounce_s": 0.5, "resync_s": 600},
        "server": {"base_url": hall.base_url, "retries": 1, "timeout_s": 3, "retry_delays_s": [0.5, 1.0]},
        "evaluation": {"mode": mode, "timeout_s": 30},
        "pad": {"url": devices.pad_host.path}, "led": {"url": devices.led_host.path, "address": 1},
    })


@pytest.fixture
def console(hall, devices, qtbot):
    """Open a logged-in console session; ``console(mode=...)`` returns it (closed afterwards)."""
    opened = []

    def open_console(mode: str = "pad") -> Session:
        config = config_for(hall, devices, mode=mode)
        client = CounterClient(hall.base_url, None, timeout=3, retries=1)
        start = bootstrap(client, config, hall.clerk["username"], hall.clerk["password"], hall.clerk["window_id"])
        pad = PadLink(devices.pad_host.path, (1,), ping_interval=None, backoff=(0.05, 0.2))
        led = LedLink(devices.led_host.path, vendor="shuangse", address=1, backoff=(0.05, 0.2))
        pad.start(), led.start()
        assert pad.pad.wait_connected(5) and led.bus.wait_connected(5)
        session = Session(start, config, config_path=None, pad=pad, led=led, windowed=True)
        opened.append((session, pad, led))
        session.open()
        qtbot.addWidget(session.window)
        if session.resident is not None:
            qtbot.addWidget(session.resident)
        qtbot.waitUntil(lambda: session.console.loaded, timeout=WAIT_MS)
        clear_window(session, qtbot)
        return session
    yield open_console
    for session, pad, led in opened:
        session.close()
        pad.stop()
        led.stop()


def clear_window(session: Session, qtbot) -> None:
    """Leave no ticket open at the window from an earlier test (skip or finish it)."""
    console = session.console
    for _ in range(3):
        current = console.current
        if current is None:
            return
        action = {"called": A.NO_SHOW, "serving": A.FINISH, "suspended": A.UNSUSPEND}[current.state]
        session.shell.dispatch(Press(action))
        qtbot.waitUntil(lambda: console.in_flight is None and not console.loading, timeout=WAIT_MS)


def click(qtbot, session: Session, action: str) -> None:
    button = session.window.pad.buttons[action]
    qtbot.waitUntil(button.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(button, Qt.LeftButton)


def hotkey(qtbot, session: Session, key) -> None:
    session.window.activateWindow()
    qtbot.keyClick(session.window, key)


def settled(session: Session):
    console = session.console
    return lambda: console.in_flight is None and not console.loading and not console.reload_wanted


def led_text(devices) -> str:
    return devices.screens.shown.get(1, "")


def test_call_recall_start_finish_and_a_repeated_pad_rating_counted_once(console, hall, devices, qtbot):
    session = console()
    issued = [hall.issue("Z") for _ in range(2)]
    waiting = session.window.waiting.list
    qtbot.waitUntil(lambda: waiting.count() >= 2, timeout=WAIT_MS)   # the event stream brought them

    click(qtbot, session, A.CALL_NEXT)                               # the button
    qtbot.waitUntil(lambda: session.console.current is not None, timeout=WAIT_MS)
    number = session.console.current.number
    assert number in {t["number"] for t in issued}
    qtbot.waitUntil(lambda: number in led_text(devices), timeout=WAIT_MS)
    assert "请" in led_text(devices)
    frames_before = len(devices.screens.valid_frames(1))

    time.sleep(0.6)                                                  # past the (test) debounce
    assert devices.pad.press_key("recall")                           # the pad's caller key
    qtbot.waitUntil(lambda: session.console.current.recall_count == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(devices.screens.valid_frames(1)) > frames_before, timeout=WAIT_MS)
    devices.pad.press_key("recall")                                  # inside the debounce: ignored
    qtbot.wait(300)
    assert session.console.current.recall_count == 1

    hotkey(qtbot, session, Qt.Key_F4)                                # 开始办理
    qtbot.waitUntil(lambda: session.console.current.state == "serving", timeout=WAIT_MS)
    assert session.window.ticket.timer_caption.text() == "办理用时（不含挂起）"
    hotkey(qtbot, session, Qt.Key_F5)                                # 办结
    qtbot.waitUntil(lambda: devices.pad.prompt is not None, timeout=WAIT_MS)
    assert devices.pad.prompt.ticket == number
    assert devices.pad.clerk is not None and devices.pad.clerk.staff_number == "0001"

    ticket_id = next(t["id"] for t in issued if t["number"] == number)
    assert devices.pad.press_rating(1)          # "repeats": sent twice, then a third time 500 ms later
    qtbot.waitUntil(lambda: hall.rows("SELECT COUNT(*) FROM evaluations WHERE ticket_id = ?", (ticket_id,))[0][0] == 1,
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bool(devices.pad.acked) and not devices.pad.unacked, timeout=WAIT_MS)
    qtbot.wait(700)
    rows = hall.rows("SELECT level, channel, reasons FROM evaluations WHERE ticket_id = ?", (ticket_id,))
    assert rows == [(1, "pad", '["评价器未选择原因"]')]
    view = session.console.view()
    assert view.evaluation.zh == f"{number} 已评价"
    shown = " ".join(w.text() for w in session.window.findChildren(type(session.window.ticket.number)))
    assert "非常不满意" not in shown and "不满意" not in shown         # the clerk never sees the level


def test_hotkey_call_no_show_requeue_pad_call_and_pause_on_the_led(console, hall, devices, qtbot, monkeypatch):
    session = console()
    hall.issue("Z")
    qtbot.waitUntil(lambda: session.window.waiting.list.count() >= 1, timeout=WAIT_MS)
    hotkey(qtbot, session, Qt.Key_F1)                                # 叫号 by hotkey
    qtbot.waitUntil(lambda: session.console.current is not None, timeout=WAIT_MS)
    skipped = session.console.current
    qtbot.waitUntil(lambda: skipped.number in led_text(devices), timeout=WAIT_MS)
    hotkey(qtbot, session, Qt.Key_F3)                                # 过号
    qtbot.waitUntil(lambda: session.window.no_shows.list.count() >= 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: led_text(devices).strip() == "", timeout=WAIT_MS)   # blank once nobody is called
    session.window.no_shows.list.setCurrentRow(0)
    qtbot.mouseClick(session.window.no_shows.button, Qt.LeftButton)  # 过号重排
    qtbot.waitUntil(lambda: any(t.id == skipped.id for t in session.console.waiting), timeout=WAIT_MS)
    assert hall.rows("SELECT state, requeue_count FROM tickets WHERE id = ?", (skipped.id,)) == [("waiting", 1)]

    time.sleep(0.6)
    assert devices.pad.press_key("call_next")                        # 叫号 from the pad
    qtbot.waitUntil(lambda: session.console.current is not None, timeout=WAIT_MS)
    called = session.console.current.number
    qtbot.waitUntil(lambda: called in led_text(devices), timeout=WAIT_MS)

    class Reason:            # the pause dialog, answered
        def __init__(self, *args):
            self.reason = "临时离开"

        def exec(self):
            return True
    monkeypatch.setattr(console_window, "PauseDialog", Reason)
    click(qtbot, session, A.PAUSE)
    qtbot.waitUntil(lambda: led_text(devices) == "暂停服务", timeout=WAIT_MS)
    assert session.console.window.pause_reason == "临时离开"
    assert hall.rows("SELECT reason FROM window_pauses WHERE window_id = ? AND ended_at IS NULL",
                     (hall.clerk["window_id"],)) == [("临时离开",)]
    click(qtbot, session, A.RESUME)
    qtbot.waitUntil(lambda: called in led_text(devices), timeout=WAIT_MS)   # back to the open call
    hotkey(qtbot, session, Qt.Key_F3)
    qtbot.waitUntil(settled(session), timeout=WAIT_MS)


def test_second_screen_rating_with_reasons(console, hall, devices, qtbot):
    session = console(mode="screen")
    screen = session.resident
    ticket = hall.issue("Z")
    qtbot.waitUntil(lambda: any(t.id == ticket["id"] for t in session.console.waiting), timeout=WAIT_MS)
    session.window.waiting.list.setCurrentRow(
        next(i for i in range(session.window.waiting.list.count())
             if session.window.waiting.list.item(i).text().startswith(ticket["number"])))
    hotkey(qtbot, session, Qt.Key_F7)                                # 特呼 the selected ticket
    qtbot.waitUntil(lambda: session.console.current is not None and session.console.current.id == ticket["id"],
                    timeout=WAIT_MS)
    click(qtbot, session, A.START)
    qtbot.waitUntil(lambda: session.console.current.state == "serving", timeout=WAIT_MS)
    click(qtbot, session, A.FINISH)
    qtbot.waitUntil(lambda: screen.number == ticket["number"], timeout=WAIT_MS)
    assert devices.pad.prompt is None                                # the pad is not asked in screen mode

    qtbot.mouseClick(screen.level_buttons[2], Qt.LeftButton)         # 不满意 → reasons first
    assert screen.pages.currentIndex() == 2 and not screen.submit.isEnabled()
    reason = next(iter(screen.reason_buttons))
    qtbot.mouseClick(screen.reason_buttons[reason], Qt.LeftButton)
    screen.comment.insert("窗口很忙")                                  # an input method commits the text (QTest types ASCII only)
    qtbot.mouseClick(screen.submit, Qt.LeftButton)
    qtbot.waitUntil(lambda: hall.rows("SELECT COUNT(*) FROM evaluations WHERE ticket_id = ?",
                                      (ticket["id"],))[0][0] == 1, timeout=WAIT_MS)
    rows = hall.rows("SELECT level, channel, reasons, comment FROM evaluations WHERE ticket_id = ?", (ticket["id"],))
    assert rows == [(2, "screen", f'["{reason}"]', "窗口很忙")]
    qtbot.waitUntil(lambda: screen.pages.currentIndex() == 3, timeout=WAIT_MS)   # thanks
    assert hall.rows("SELECT COUNT(*) FROM cases WHERE ticket_id = ?", (ticket["id"],))[0][0] == 1


def test_app_logs_in_and_hands_over_to_the_next_clerk(hall, devices, qtbot, monkeypatch):
    """交接班 (AB岗): the console logs the clerk out and the next one logs in at the same window."""
    clerk = hall.clerk
    app = CounterApp(config_for(hall, devices), auto_login=(clerk["username"], clerk["password"], clerk["window_id"]),
                     windowed=True)
    try:
        app.start()
        qtbot.waitUntil(lambda: app.session is not None and app.session.console.loaded, timeout=WAIT_MS)
        first = app.session
        first_token = first.client.token
        assert first.window.header.clerk.text().startswith("王* · 工号 0001")
        monkeypatch.setattr(console_window.QMessageBox, "question", lambda *a, **k: console_window.QMessageBox.Yes)
        qtbot.mouseClick(first.window.header.logout, Qt.LeftButton)
        qtbot.waitUntil(lambda: app.dialog is not None and app.dialog.isVisible(), timeout=WAIT_MS)
        assert not first.window.isVisible()
        qtbot.waitUntil(lambda: _refused(hall, first_token), timeout=WAIT_MS)       # the old login is revoked
        app.dialog.username.setText(clerk["username"])
        app.dialog.password.setText("wrong-password")
        qtbot.mouseClick(app.dialog.ok, Qt.LeftButton)
        qtbot.waitUntil(lambda: app.dialog.ok.isEnabled() and "错误" in app.dialog.error.text(), timeout=WAIT_MS)
        app.dialog.password.setText(clerk["password"])
        qtbot.mouseClick(app.dialog.ok, Qt.LeftButton)
        qtbot.waitUntil(lambda: app.session is not None and app.session is not first and app.session.console.loaded,
                        timeout=WAIT_MS)
        assert app.session.client.token != first_token
    finally:
        app.stop()


def _refused(hall, token: str) -> bool:
    try:
        CounterClient(hall.base_url, token, retries=0).queue()
    except HallApiError as error:
        return error.status == 401
    return False


def test_server_restart_mid_action_recovers_and_acts_once(console, hall, devices, qtbot):
    session = console()
    ticket = hall.issue("Z")
    qtbot.waitUntil(lambda: any(t.id == ticket["id"] for t in session.console.waiting), timeout=WAIT_MS)
    click(qtbot, session, A.CALL_NEXT)
    qtbot.waitUntil(lambda: session.console.current is not None, timeout=WAIT_MS)
    qtbot.waitUntil(settled(session), timeout=WAIT_MS)
    called = session.console.current

    hall.process.stop(signal.SIGKILL)        # a crash or power cut (a graceful stop waits for the SSE clients)
    click(qtbot, session, A.START)                                   # the server is gone
    qtbot.waitUntil(lambda: session.console.retrying or not session.console.online, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: session.window.notice.abandon.isVisible(), timeout=WAIT_MS)
    op = session.console.in_flight
    assert op is not None and op.action == A.START

    hall.restart()
    # The reply to the first attempt was "lost": the same request is made once more by someone
    # holding the same token and key; the console's own retry must not start it twice.
    again = CounterClient(hall.base_url, session.client.token, retries=0).start(called_window(session),
                                                                                 request_id=op.request_id)
    assert again["state"] == "serving"
    qtbot.waitUntil(lambda: session.console.in_flight is None and session.console.online, timeout=30000)
    qtbot.waitUntil(lambda: session.console.current is not None and session.console.current.state == "serving",
                    timeout=WAIT_MS)
    starts = hall.rows("SELECT COUNT(*) FROM ticket_history WHERE ticket_id = ? AND action = 'start'", (called.id,))
    assert starts == [(1,)]

    later = hall.issue("Z")                                          # the event stream resumed by itself
    qtbot.waitUntil(lambda: any(t.id == later["id"] for t in session.console.waiting), timeout=WAIT_MS)
    hotkey(qtbot, session, Qt.Key_F5)
    qtbot.waitUntil(lambda: devices.pad.prompt is not None, timeout=WAIT_MS)


def called_window(session: Session) -> str:
    return session.console.window_id
