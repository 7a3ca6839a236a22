"""The kiosk window: top bar, step prompt, the current screen, the always-visible bottom
bar (返回首页, 长者模式, 语言, 呼叫帮办), overlays, and the lock-down.

It draws ``runtime.session`` and forwards every tap to ``runtime.dispatch``; it decides
nothing about flows (CONVENTIONS.md rule 2).
"""
from __future__ import annotations

import time
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from kiosk.core.idle import ASK, PAUSED
from kiosk.core.intents import CallHelp, Home, MoreTime, ReplayPrompt, ToggleElderly
from kiosk.core import messages
from kiosk.core.screens import HomeScreen
from kiosk.ui import theme
from kiosk.ui.errors import help_notice
from kiosk.ui.overlays import AttractOverlay, ConnectingOverlay, MessageOverlay, MoreTimeOverlay, PinOverlay
from kiosk.ui.views import ALL_VIEWS, FallbackView
from kiosk.ui.views.base import Look
from kiosk.ui.views.maintenance import MaintenanceView
from kiosk.ui.widgets import NoticeBox, button, label, set_prop


class CornerZone(QWidget):
    """An invisible square in the top-left corner: ``taps`` quick taps open the PIN keypad."""

    opened = Signal()

    def __init__(self, taps: int = 5, window_s: float = 4.0):
        super().__init__()
        self.setFixedSize(110, 90)
        self.taps, self.window_s = taps, window_s
        self._times: list[float] = []

    def mousePressEvent(self, event):  # noqa: N802 (Qt name)
        now = time.monotonic()
        self._times = [t for t in self._times if now - t <= self.window_s] + [now]
        if len(self._times) >= self.taps:
            self._times.clear()
            self.opened.emit()
        event.accept()


class KioskWindow(QWidget):
    """See the module docstring. ``maintenance`` is a MaintenanceController or None."""

    def __init__(self, runtime, translations, *, locked: bool = False, taps: int = 5,
                 attract_after_s: float = 90.0, notice_rotate_s: float = 8.0, maintenance=None):
        super().__init__()
        self.setObjectName("KioskRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.runtime, self.translations, self.locked = runtime, translations, locked
        self.attract_after_s, self.notice_rotate_s = attract_after_s, notice_rotate_s
        self.maintenance = maintenance
        self._elderly: bool | None = None
        self._allow_close = not locked
        self._shown_view = None
        self._ticks = 0
        self._build(taps)
        runtime.changed.connect(self.render)
        runtime.ticked.connect(self.on_tick)
        runtime.wiped.connect(self.wipe)
        runtime.help_answered.connect(self._help_answered)
        runtime.server_changed.connect(lambda ok: self._server_banner())
        runtime.hall_loaded.connect(self._hall_loaded)
        if runtime.devices is not None:   # a reader or scanner that comes or goes changes what screens offer
            runtime.devices.status_changed.connect(self._device_changed)
        if locked:
            self.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
            self.setCursor(Qt.CursorShape.BlankCursor)
        self.render()

    # -- building -------------------------------------------------------------------------
    def _build(self, taps: int) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addWidget(self._top_bar(taps))
        self.prompt = label("", "Prompt")
        self.replay = button("", "", lambda: self.runtime.dispatch(ReplayPrompt()))
        prompt_row = QHBoxLayout()
        prompt_row.setContentsMargins(40, 20, 40, 0)
        prompt_row.addWidget(self.prompt, 1)
        prompt_row.addWidget(self.replay, 0, Qt.AlignmentFlag.AlignTop)
        root.addLayout(prompt_row)
        self.server_notice = NoticeBox()
        banner = QHBoxLayout()
        banner.setContentsMargins(40, 12, 40, 0)
        banner.addWidget(self.server_notice)
        root.addLayout(banner)
        self.stack = QStackedWidget()
        root.addWidget(self.stack, 1)
        self.views = {}
        self.view_list = []
        for view_class in ALL_VIEWS:
            view = view_class(self.runtime.dispatch)
            self.view_list.append(view)
            self.stack.addWidget(view)
            for screen_type in view_class.screens:
                self.views[screen_type] = view
        self.fallback = FallbackView(self.runtime.dispatch)
        self.stack.addWidget(self.fallback)
        self.maintenance_view = MaintenanceView()
        self.stack.addWidget(self.maintenance_view)
        root.addWidget(self._bottom_bar())
        self.more_time = MoreTimeOverlay(self)
        self.more_time.more.connect(lambda: self._close_more(MoreTime()))
        self.more_time.leave.connect(lambda: self._close_more(Home()))
        self.message = MessageOverlay(self)
        self.pin = PinOverlay(self)
        self.attract = AttractOverlay(self)
        self.attract.touched.connect(self._touched)
        self.connecting = ConnectingOverlay(self)
        if self.maintenance is not None:
            self.maintenance.attach(self)

    def _top_bar(self, taps: int) -> QFrame:
        bar = QFrame()
        bar.setObjectName("TopBar")
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(0, 8, 32, 8)
        self.corner = CornerZone(taps)
        self.corner.opened.connect(self._ask_pin)
        self.hall_name = label("", "HallName", wrap=True)
        self.countdown = label("", "Countdown", wrap=False)
        self.clock = label("", "Clock", wrap=False)
        layout.addWidget(self.corner)
        layout.addWidget(self.hall_name, 1)
        layout.addWidget(self.countdown)
        layout.addSpacing(20)
        layout.addWidget(self.clock)
        return bar

    def _bottom_bar(self) -> QFrame:
        bar = QFrame()
        bar.setObjectName("BottomBar")
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(32, 14, 32, 14)
        layout.setSpacing(16)
        self.home = button("", "", lambda: self.runtime.dispatch(Home()))
        self.elderly = button("", "", lambda: self.runtime.dispatch(ToggleElderly()))
        self.language = button("", "", self._toggle_language)
        self.help = button("", "danger", self._call_help)
        for widget in (self.home, self.elderly, self.language, self.help):
            layout.addWidget(widget, 1)
        return bar

    # -- drawing ---------------------------------------------------------------------------
    def look(self) -> Look:
        devices = self.runtime.devices
        return Look(lang=self.runtime.language, elderly=self.runtime.session.elderly,
                    portrait=self.height() >= self.width(),
                    reader_ready=devices.reader_ready if devices is not None else False,
                    scanner_ready=devices.scanner_ready if devices is not None else False, width=self.width())

    def render(self) -> None:
        """Draw the session's current screen in the current language and mode."""
        look = self.look()
        self._apply_mode(look)
        if self.maintenance is not None and self.maintenance.active:
            self.maintenance.render(look)
            return
        screen = self.runtime.session.screen
        view = self.views.get(type(screen), self.fallback)
        view.render(screen, look)
        if view is not self._shown_view:
            if isinstance(screen, HomeScreen):
                self._wipe_views(keep=view)
            self.stack.setCurrentWidget(view)
            self._shown_view = view
        self.prompt.setText(look.pair(screen.prompt()))
        self._bars(screen, look)
        self._server_banner()

    def _apply_mode(self, look: Look) -> None:
        if self.translations is not None and self.translations.use(look.lang):
            pass   # every text is set again below from tr(): nothing else to do
        if look.elderly != self._elderly:
            self._elderly = look.elderly
            self.setStyleSheet(theme.stylesheet(look.elderly))

    def _bars(self, screen, look: Look) -> None:
        at_home = isinstance(screen, HomeScreen)
        self.hall_name.setText(self.runtime.hall_name or self.tr("政务服务中心"))
        self.home.setText(self.tr("返回首页"))
        self.home.setVisible(not at_home)
        self.home.setEnabled(not screen.busy)
        self.elderly.setText(self.tr("长者模式：开") if look.elderly else self.tr("长者模式"))
        set_prop(self.elderly, "role", "on" if look.elderly else "")
        self.language.setText("English" if look.lang == "zh" else "中文")
        self.help.setText(self.tr("呼叫帮办"))
        self.replay.setText(self.tr("重听"))
        self.on_tick()

    def on_tick(self) -> None:
        """Once a second: clock, countdown, the "more time?" question, the attract screen."""
        look_lang = self.runtime.language
        self.clock.setText(datetime.now().strftime("%Y-%m-%d  %H:%M"))
        verdict = self.runtime.session.idle()
        self.countdown.setVisible(verdict.kind != PAUSED)
        self.countdown.setText(self.tr("%1 秒").replace("%1", str(verdict.remaining_s)))
        if verdict.kind == ASK:
            question = messages.prompt("ask_more_time")
            self.more_time.show_remaining(question[1] if look_lang == "en" else question[0], verdict.remaining_s)
        elif not self.more_time.isHidden():
            self.more_time.close_overlay()
        self._attract()

    def _attract(self) -> None:
        self._ticks += 1
        at_home = isinstance(self.runtime.session.screen, HomeScreen) and not self.runtime.session.elderly
        idle_s = time.monotonic() - self.runtime.last_touch
        busy_overlay = not (self.pin.isHidden() and self.message.isHidden() and self.connecting.isHidden())
        maintaining = self.maintenance is not None and self.maintenance.active
        if not at_home or idle_s < self.attract_after_s or busy_overlay or maintaining:
            if not self.attract.isHidden() and not at_home:
                self.attract.hide()
            return
        notices = self.runtime.notices or (self.tr("欢迎使用自助服务终端"),)
        index = int(idle_s // self.notice_rotate_s) % len(notices)
        self.attract.show_notice(self.runtime.hall_name, notices[index])

    def _server_banner(self) -> None:
        if self.runtime.server_ok is False:
            notice = messages.notice("server_unreachable")
            lang = self.runtime.language
            self.server_notice.show_notice(self.tr("请注意"), notice.en if lang == "en" else notice.zh,
                                           notice.advice_en if lang == "en" else notice.advice_zh, "error")
        else:
            self.server_notice.clear()

    # -- actions ---------------------------------------------------------------------------
    def _touched(self) -> None:
        self.runtime.last_touch = time.monotonic()

    def _toggle_language(self) -> None:
        self.runtime.set_language("en" if self.runtime.language == "zh" else "zh")

    def _call_help(self) -> None:
        self.message.show_message(self.tr("正在呼叫工作人员…"), self.tr("请在本机旁稍候"))
        self.runtime.dispatch(CallHelp())

    def _help_answered(self, sent: bool) -> None:
        notice = help_notice(sent)
        en = self.runtime.language == "en"
        self.message.show_message(notice.en if en else notice.zh, notice.advice_en if en else notice.advice_zh)

    def _close_more(self, intent) -> None:
        self.more_time.close_overlay()
        self.runtime.dispatch(intent)

    def _device_changed(self, component: str, _status) -> None:
        """The reader or scanner came or went: redraw, so the real-name and check-in screens
        offer what works now (docs/kiosk.md "Devices"); a status arrives only on a change."""
        if component in ("idcard", "scanner"):
            self.render()

    def _hall_loaded(self) -> None:
        self.connecting.close_overlay()
        home = self.views.get(HomeScreen)
        home.set_hall_notices(self.runtime.notices)
        self.render()

    def _ask_pin(self) -> None:
        if self.maintenance is not None:
            self.maintenance.ask_pin()

    def wipe(self) -> None:
        """The idle timer fired: clear every screen's texts and close every overlay."""
        self._wipe_views(keep=None)
        for overlay in (self.more_time, self.message, self.pin):
            overlay.close_overlay()
        self.pin.keypad.clear()
        self._shown_view = None
        self.render()

    def _wipe_views(self, keep) -> None:
        for view in (*self.view_list, self.fallback):
            if view is not keep:
                view.wipe()

    # -- lock-down ---------------------------------------------------------------------------
    def allow_close(self) -> None:
        self._allow_close = True

    def closeEvent(self, event):  # noqa: N802 (Qt name)
        if self._allow_close:
            event.accept()
        else:
            event.ignore()     # Alt+F4 and the like: the way out is the maintenance PIN

    def resizeEvent(self, event):  # noqa: N802
        super().resizeEvent(event)
        for overlay in (self.more_time, self.message, self.pin, self.attract, self.connecting):
            if not overlay.isHidden():
                overlay.setGeometry(self.rect())
        self.render()
