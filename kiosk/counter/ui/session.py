"""One clerk's session at the window: log in, read the hall, build the console, follow events.

:func:`bootstrap` runs off the UI thread (it talks to the server); :class:`Session`
then wires the pure console, the shell, the event stream, the console window and the
resident's screen together, and takes them down again at 交接班 (AB岗).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication

from drivers.evalpad.pad import Clerk
from kiosk.core.errors import HallApiError
from kiosk.counter.client import CounterClient
from kiosk.counter.config import CounterConfig, resolve
from kiosk.counter.core.console import CounterConsole
from kiosk.counter.core.intents import RatingDeclined, RatingGiven, RatingTimedOut
from kiosk.counter.core.model import ClerkInfo
from kiosk.counter.ui.console_window import ConsoleWindow
from kiosk.counter.ui.evaluation_screen import EvaluationScreen
from kiosk.counter.ui.events import EventFollower
from kiosk.counter.ui.shell import ConsoleShell

log = logging.getLogger(__name__)


@dataclass
class Bootstrap:
    """What a session starts from, read from the server after logging in."""

    token: str
    window_id: str
    clerk: ClerkInfo
    hall: dict
    seq: int
    duty: dict | None = None
    window: dict = field(default_factory=dict)


def bootstrap(client: CounterClient, config: CounterConfig, username: str = "", password: str = "",
              window_id: str = "") -> Bootstrap:
    """Log in (or use the device token), take duty (AB岗), read the hall and the event seq.

    Raises:
        HallApiError / HallUnreachable: the server refused or cannot be reached.
    """
    window_id = window_id or config.counter.window_id
    login: dict = {}
    if username:
        login = client.login_at(username, password, window_id or None)
        if login.get("role") != "counter":
            raise HallApiError("forbidden", "该账号不是窗口工作人员账号", "this account is not a window clerk", status=403)
        window_id = login.get("window_id") or window_id
    if not window_id:
        raise HallApiError("invalid_input", "该账号没有绑定窗口，请选择窗口", "the account has no window; choose one",
                           status=422)
    duty = client.take_duty() if username and config.login.take_duty else client.duty()
    hall = client.hall()
    seq = int(client.queue().get("seq") or 0)
    window = next((w for w in hall.get("windows") or () if w.get("id") == window_id), {})
    return Bootstrap(client.token or "", window_id, _clerk(username, login, duty), hall, seq, duty, window)


def _clerk(username: str, login: dict, duty: dict | None) -> ClerkInfo:
    if username:
        return ClerkInfo(username, login.get("display_name") or "", login.get("staff_no") or "")
    person = (duty or {}).get("on_duty") or {}     # a device token: whoever the manager put on duty
    return ClerkInfo(person.get("username") or "counter", person.get("display_name") or "",
                     person.get("staff_no") or "")


class Session(QObject):
    """The running console of one clerk."""

    ended = Signal()
    lost = Signal()            # the server refused the login (expired, revoked)

    def __init__(self, start: Bootstrap, config: CounterConfig, *, config_path: Path | None, pad=None, led=None,
                 language: str = "zh", translations=None, windowed: bool = False, parent=None):
        super().__init__(parent)
        self.start_info, self.config = start, config
        hall_eval = start.hall.get("evaluation") or {}
        settings = config.console_settings(hall_eval.get("timeout_seconds"))
        self.console = CounterConsole(start.window_id, start.clerk, settings, monotonic=time.monotonic,
                                      wall_clock=lambda: datetime.now().astimezone())
        self.client = _client(config, start.token)
        self.shell = ConsoleShell(self.console, self.client, pad=pad, led=led, resync_s=config.counter.resync_s,
                                  pad_keys=config.pad.keys)
        self.events = EventFollower(_client(config, start.token))
        self.events.arrived.connect(self.shell.hall_event)
        self.events.refused.connect(lambda _: self.lost.emit())
        self.window = ConsoleWindow(self.shell, config.hotkey_map(), categories=_categories(start.hall),
                                    windows=_windows(start.hall, start.window_id), language=language,
                                    translations=translations)
        self.resident = self._resident_screen(hall_eval, config_path) if settings.evaluation_mode == "screen" else None
        if self.resident is not None:
            self.window.language_changed.connect(lambda _: self.resident.retranslate())
        self.pad, self.windowed = pad, windowed
        if pad is not None:
            pad.status_changed.connect(lambda s: self.window.device_status("pad", s))
            self.window.device_status("pad", pad.status)
        if led is not None:
            led.status_changed.connect(lambda s: self.window.device_status("led", s))
            self.window.device_status("led", led.status)

    def _resident_screen(self, hall_eval: dict, config_path: Path | None) -> EvaluationScreen:
        reasons = tuple(hall_eval.get("bad_reasons") or ("态度不好", "效率太低", "其他"))
        photos = resolve(config_path, self.config.evaluation.photo_dir) if config_path else None
        screen = EvaluationScreen(reasons, photo_dir=photos, thanks_s=self.config.evaluation.thanks_s)
        screen.rated.connect(lambda n, lv, rs, c: self.shell.dispatch(RatingGiven(n, lv, tuple(rs), c, "screen")))
        screen.declined.connect(lambda n: self.shell.dispatch(RatingDeclined(n)))
        screen.timed_out.connect(lambda n: self.shell.dispatch(RatingTimedOut(n)))
        self.shell.asked.connect(lambda p: screen.ask(p.number, p.timeout_s))
        self.shell.ended.connect(lambda p: screen.finish(p.status))
        return screen

    def open(self) -> None:
        """Show the console (and the resident's screen), start the stream and the first read."""
        clerk, window = self.start_info.clerk, self.start_info.window
        number = str(window.get("number") or "")
        window_label = window.get("name") or self.start_info.window_id
        if self.pad is not None:
            self.pad.show_clerk(Clerk(clerk.staff_number or "-", clerk.shown_name, number))
        if self.resident is not None:
            self.resident.show_clerk(clerk.shown_name, clerk.staff_number, window_label)
            self.resident.retranslate()
            place_on_screen(self.resident, self.config.evaluation.screen, windowed=self.windowed)
        self.events.start(self.start_info.seq)
        self.shell.start()
        if self.config.counter.fullscreen and not self.windowed:
            self.window.showFullScreen()
        else:
            self.window.resize(1366, 800)
            self.window.show()

    def close(self) -> None:
        """Stop everything this session started (devices stay with the application)."""
        self.shell.close()
        self.events.stop(timeout=1.0)
        self.window.close()
        if self.resident is not None:
            self.resident.idle()
        self.ended.emit()


def place_on_screen(widget, index: int, *, windowed: bool) -> None:
    """Full screen on display ``index`` when it exists (the one facing the resident), else a window."""
    screens = QGuiApplication.screens()
    if 0 < index < len(screens) and not windowed:
        widget.setScreen(screens[index])
        widget.setGeometry(screens[index].geometry())
        widget.showFullScreen()
        return
    widget.resize(1280, 800)
    widget.show()


def _client(config: CounterConfig, token: str) -> CounterClient:
    return CounterClient(config.server.base_url, token, timeout=config.server.timeout_s,
                         retries=config.server.retries)


def _categories(hall: dict) -> list[tuple[str, str]]:
    return [(c["code"], f"{c.get('prefix') or c['code']} {c.get('name') or ''}".strip())
            for c in hall.get("categories") or () if c.get("code")]


def _windows(hall: dict, own: str) -> list[tuple[str, str]]:
    return [(w["id"], w.get("name") or w["id"]) for w in hall.get("windows") or () if w.get("id") and w["id"] != own]
