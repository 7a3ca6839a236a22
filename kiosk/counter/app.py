"""Composition root of the counter console: ``python -m kiosk.counter`` / ``hallterm-counter``.

Loads the config (or the demo credentials), builds the devices (pad, LED) once, then
runs sessions: login dialog → console → 交接班 → login dialog … (AB岗). Network work
(login, reading the hall) runs on a worker thread; its result returns through a signal.

``--demo --credentials DIR/demo-credentials.json`` logs in as the demo clerk, windowed,
on an emulated pad that rates 非常满意 after a second and an emulated LED screen.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from kiosk.core.errors import KioskError
from kiosk.core.effects import new_request_id
from kiosk.counter.client import CounterClient
from kiosk.counter.config import CounterConfig, CounterConfigError, load_counter_config
from kiosk.counter.ui.devices import LedLink, PadLink
from kiosk.counter.ui.dialogs import LoginDialog
from kiosk.counter.ui.session import Bootstrap, Session, bootstrap
from kiosk.counter.ui.style import CONSOLE_QSS
from kiosk.counter.ui.translations import Translations
from kiosk.resources import configure_logging, load_fonts

log = logging.getLogger("kiosk.counter")


class CounterApp(QObject):
    """Devices for the life of the program; one :class:`Session` per logged-in clerk."""

    _booted = Signal(object)        # Bootstrap or KioskError, from the worker thread
    _listed = Signal(object)        # the login screen's window list

    def __init__(self, config: CounterConfig, token: str = "", *, config_path: Path | None = None,
                 auto_login: tuple[str, str, str] | None = None, windowed: bool = False, translations=None):
        super().__init__()
        self.config, self.token, self.config_path = config, token, config_path
        self.auto_login, self.windowed, self.translations = auto_login, windowed, translations
        self.language = config.counter.language
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="counter-login")
        self.client = CounterClient(config.server.base_url, token or None, timeout=config.server.timeout_s,
                                    retries=config.server.retries)
        self.pad = self.led = None
        self.session: Session | None = None
        self.dialog: LoginDialog | None = None
        self._booted.connect(self._on_booted)
        self._listed.connect(self._on_listed)
        self.heartbeat = QTimer(self)
        self.heartbeat.setInterval(int(config.counter.heartbeat_s * 1000))
        self.heartbeat.timeout.connect(self._send_heartbeat)

    # --- life cycle ----------------------------------------------------------------------

    def start(self) -> None:
        self._start_devices()
        if self.translations is not None:
            self.translations.use(self.language)
        if self.token:
            self._boot("", "", "")
        elif self.auto_login:
            self._boot(*self.auto_login)
        else:
            self._ask_login()
        self.heartbeat.start()

    def stop(self) -> None:
        self.heartbeat.stop()
        if self.session is not None:
            self.session.close()
        for device in (self.pad, self.led):
            if device is not None:
                device.stop()
        self.worker.shutdown(wait=False, cancel_futures=True)

    def _start_devices(self) -> None:
        pad = self.config.pad
        if pad.url and (self.config.evaluation.mode == "pad" or pad.keys):
            self.pad = PadLink(pad.url, pad.addresses, baudrate=pad.baudrate, parent=self).start()

    # --- login ---------------------------------------------------------------------------

    def _ask_login(self, message: str = "") -> None:
        self.dialog = LoginDialog([], window_id=self.config.counter.window_id, username=self.config.login.username)
        self.dialog.setStyleSheet(CONSOLE_QSS)
        self.dialog.submitted.connect(self._boot)
        self.dialog.rejected.connect(QApplication.instance().quit)
        if message:
            self.dialog.failed(message)
        self.dialog.show()
        self._run(lambda: self.client.public_windows(), self._listed)

    def _on_listed(self, windows) -> None:
        if self.dialog is None or isinstance(windows, Exception):
            return
        current = self.dialog.window.currentData()
        for window in windows:
            if self.dialog.window.findData(window.get("id")) < 0:
                self.dialog.window.addItem(window.get("name") or window.get("id"), window.get("id"))
        index = self.dialog.window.findData(current)
        self.dialog.window.setCurrentIndex(max(0, index))

    def _boot(self, username: str, password: str, window_id: str) -> None:
        self._run(lambda: bootstrap(self.client, self.config, username, password, window_id), self._booted)

    def _run(self, job, signal) -> None:
        def run():
            try:
                return job()
            except KioskError as error:
                return error
            except Exception:              # a bug: logged, reported as a failed login
                log.exception("counter start-up job failed")
                return KioskError("系统出了点问题", "Something went wrong", code="internal")
        self.worker.submit(run).add_done_callback(lambda f: not f.cancelled() and signal.emit(f.result()))

    def _on_booted(self, outcome) -> None:
        if isinstance(outcome, KioskError):
            message = outcome.message_en if self.language == "en" else outcome.message
            if self.dialog is not None:
                self.dialog.failed(message)
            else:
                self._ask_login(message)
            return
        if self.dialog is not None:
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None
        self._open(outcome)

    def _open(self, start: Bootstrap) -> None:
        led = self.config.led
        if led.url and self.led is None:   # its address may come from the hall's window list
            address = led.address or int(start.window.get("led_address") or 1)
            self.led = LedLink(led.url, vendor=led.vendor, address=address, baudrate=led.baudrate, parent=self).start()
        self.session = Session(start, self.config, config_path=self.config_path, pad=self.pad, led=self.led,
                               language=self.language, translations=self.translations, windowed=self.windowed)
        self.session.window.handover_requested.connect(self._handover)
        self.session.window.language_changed.connect(lambda lang: setattr(self, "language", lang))
        self.session.lost.connect(lambda: self._end_session(logout=False))
        self.session.open()

    def _handover(self) -> None:
        """交接班 (AB岗): log this clerk out; the next one logs in at the same window."""
        self._end_session(logout=True)

    def _end_session(self, *, logout: bool) -> None:
        session, self.session = self.session, None
        if session is None:
            return
        session.close()
        if logout and not self.token:
            client = session.client
            self.worker.submit(lambda: _quietly(client.logout))
        self.auto_login = None
        if self.token:
            self._boot("", "", "")
        else:
            self._ask_login("" if logout else "登录已失效，请重新登录")

    def _send_heartbeat(self) -> None:
        session = self.session
        if session is None:
            return
        components = {kind: device.status.as_component() for kind, device in (("evalpad", self.pad), ("led", self.led))
                      if device is not None}
        client = session.client
        device_id = self.config.counter.device_id
        self.worker.submit(lambda: _quietly(lambda: client.heartbeat(device_id, components,
                                                                     request_id=new_request_id())))


def _quietly(action) -> None:
    try:
        action()
    except Exception as error:     # a heartbeat or logout that failed is retried by time, not by us
        log.info("background call failed: %s", error)


def demo_config(credentials: Path) -> tuple[CounterConfig, tuple[str, str, str]]:
    """A windowed console on emulated devices, logged in as the demo clerk of ``credentials``."""
    data = json.loads(credentials.read_text(encoding="utf-8"))
    clerk = data["logins"]["clerk"]
    config = CounterConfig.model_validate({
        "counter": {"window_id": clerk.get("window_id") or "", "fullscreen": False, "device_id": "demo-counter"},
        "server": {"base_url": data["base_url"]},
        "pad": {"url": "emu://evalpad?scenario=demo"},
        "led": {"url": "emu://led"},
        "evaluation": {"mode": "pad"},
    })
    return config, (clerk["username"], clerk["password"], clerk.get("window_id") or "")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="hallterm-counter", description="窗口工作台 / counter console")
    parser.add_argument("--config", type=Path, help="counter TOML file (config/counter.example.toml)")
    parser.add_argument("--demo", action="store_true", help="demo: emulated pad and LED, demo clerk login")
    parser.add_argument("--credentials", type=Path, help="demo-credentials.json of `python -m hall_server demo`")
    parser.add_argument("--windowed", action="store_true", help="no full screen (also for the resident's screen)")
    parser.add_argument("--language", choices=("zh", "en"), help="override [counter].language")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Start the console; returns the process exit code."""
    args = parse_args(argv)
    configure_logging("counter")
    try:
        config, token, auto_login = _configure(args)
    except (CounterConfigError, OSError, KeyError, ValueError) as error:
        print(error, file=sys.stderr)
        return 2
    if args.language:
        config = config.model_copy(update={"counter": config.counter.model_copy(update={"language": args.language})})
    qt = QApplication.instance() or QApplication(sys.argv[:1])
    load_fonts()       # fonts a build carries in assets/fonts (docs/packaging.md "Fonts")
    qt.setFont(QFont("Noto Sans CJK SC", 11))
    app = CounterApp(config, token, config_path=args.config, auto_login=auto_login,
                     windowed=args.windowed or args.demo, translations=Translations(qt))
    app.start()
    code = qt.exec()
    app.stop()
    return code


def _configure(args) -> tuple[CounterConfig, str, tuple[str, str, str] | None]:
    if args.demo:
        if not args.credentials:
            raise ValueError("--demo 需要 --credentials <数据目录>/demo-credentials.json / --demo needs --credentials")
        config, login = demo_config(args.credentials)
        return config, "", login
    if args.config is None:
        raise ValueError("请用 --config 指定配置文件（示例：config/counter.example.toml）/ give --config FILE")
    config, token = load_counter_config(args.config)
    return config, token, None
