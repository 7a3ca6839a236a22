"""Lock-down and maintenance: the hidden corner gesture, the PIN, the maintenance screen.

The PIN is checked against a salted PBKDF2 hash from the config (never the PIN
itself), off the UI thread; five wrong PINs lock the keypad for five minutes
(等保 身份鉴别: limit failed attempts, domain.md SEC-02). Entering maintenance wipes
the resident session first.
"""
from __future__ import annotations

import logging
import time

from PySide6.QtCore import QCoreApplication, QObject, Signal

from kiosk.config import pin_matches
from kiosk.ui.views.base import Look

log = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCKOUT_S = 300.0


class Lockdown(QObject):
    """Owns the PIN check and the maintenance screen of one window."""

    exit_requested = Signal()

    def __init__(self, runtime, pin_hash: str, *, test_slip=None, clock=time.monotonic):
        super().__init__()
        self.runtime, self.pin_hash = runtime, pin_hash
        self.test_slip = test_slip
        self.active = False
        self.failures = 0
        self.locked_until = 0.0
        self._clock = clock
        self.window = None

    def attach(self, window) -> None:
        self.window = window
        window.pin.entered.connect(self.check_pin)
        view = window.maintenance_view
        view.print_test.connect(self.print_test)
        view.reload.connect(self.reload)
        view.leave.connect(self.leave)
        view.quit_app.connect(self.exit_requested.emit)

    def ask_pin(self) -> None:
        if not self.pin_hash:
            log.warning("maintenance gesture seen, but no maintenance_pin_hash is configured")
            return
        self.window.pin.ask(self._lock_text())

    def _lock_text(self) -> str:
        left = self.locked_until - self._clock()
        if left > 0:
            return QCoreApplication.translate("Lockdown", "错误次数过多，请 %1 分钟后再试").replace(
                "%1", str(int(left // 60) + 1))
        return ""

    def check_pin(self, pin: str) -> None:
        if self._clock() < self.locked_until:
            self.window.pin.ask(self._lock_text())
            return
        self.runtime.run_async(lambda: pin_matches(pin, self.pin_hash), self._pin_checked)

    def _pin_checked(self, ok) -> None:
        if ok is True:
            self.failures = 0
            self.window.pin.close_overlay()
            self.enter()
            return
        self.failures += 1
        log.warning("wrong maintenance PIN (%d in a row)", self.failures)
        if self.failures >= MAX_FAILURES:
            self.failures = 0
            self.locked_until = self._clock() + LOCKOUT_S
        self.window.pin.ask(self._lock_text() or QCoreApplication.translate("Lockdown", "密码不正确，请重试"))

    def enter(self) -> None:
        """Wipe the resident session and show the maintenance screen."""
        log.info("maintenance screen opened")
        self.runtime.session.wipe()
        self.window.wipe()
        self.active = True
        self.window.render()

    def leave(self) -> None:
        self.active = False
        self.window.maintenance_view.show_result("")
        self.window._shown_view = None
        self.window.render()

    def render(self, look: Look) -> None:
        window = self.window
        statuses = dict(self.runtime.devices.statuses) if self.runtime.devices is not None else {}
        statuses["server"] = _server_status(self.runtime.server_ok)
        if self.runtime.voice is not None:
            statuses["voice"] = _voice_status(self.runtime.voice)
        info = f"{self.runtime.device_id} · {self.runtime.location} · {self.runtime.client.base_url} · v{self.runtime.version}"
        window.maintenance_view.show_status(statuses, info, look)
        window.stack.setCurrentWidget(window.maintenance_view)
        window._shown_view = window.maintenance_view
        window.prompt.setText(window.maintenance_view.tr("维护界面"))

    def print_test(self) -> None:
        devices = self.runtime.devices
        if devices is None or devices.printer is None:
            self.window.maintenance_view.show_result(QCoreApplication.translate("Lockdown", "没有配置打印机"))
            return
        self.window.maintenance_view.show_result(QCoreApplication.translate("Lockdown", "正在打印测试页…"))
        slip = self.test_slip or _sample_slip()
        self.runtime.run_async(lambda: devices.printer.print_receipt(slip), self._printed)

    def _printed(self, result) -> None:
        if isinstance(result, Exception):
            text = getattr(result, "message", "") or type(result).__name__
            self.window.maintenance_view.show_result(
                QCoreApplication.translate("Lockdown", "测试页打印失败：%1").replace("%1", text))
        else:
            self.window.maintenance_view.show_result(QCoreApplication.translate("Lockdown", "测试页已打印"))
        self.window.render()

    def reload(self) -> None:
        self.runtime.load_hall()
        self.runtime.send_heartbeat()
        self.window.maintenance_view.show_result(QCoreApplication.translate("Lockdown", "已重新读取"))


def _sample_slip():
    from drivers.printer.cli import sample_receipt
    return sample_receipt()


class _Status:
    def __init__(self, state: str, message: str, message_en: str):
        self.state, self.message, self.message_en, self.details = state, message, message_en, {}


def _server_status(ok) -> _Status:
    if ok:
        return _Status("ok", "已连接", "connected")
    if ok is None:
        return _Status("unavailable", "尚未连接", "not connected yet")
    return _Status("unavailable", "无法连接，正在重试", "unreachable; retrying")


def _voice_status(voice) -> _Status:
    return _Status("ok" if voice.ok else "error", voice.message or "", voice.message or "")
