"""The clerk's console window: renders the core's view, turns clicks and hotkeys into intents.

Buttons, hotkeys (QShortcut, configurable) and the pad's caller keys all end in the
same ``Press`` intent (kiosk.counter.ui.shell). Actions that need a choice open a
dialog first (转移, 暂停服务) or take the selected ticket of a list (特呼, 过号重排).
There is no control to rate and no display of any rating beyond rated / 未评
(domain.md HCP-43).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QMainWindow, QMessageBox, QVBoxLayout, QWidget

from kiosk.counter.core import actions as A
from kiosk.counter.core.intents import CancelPending, Press
from kiosk.counter.ui.dialogs import PauseDialog, TransferDialog
from kiosk.counter.ui.style import CONSOLE_QSS
from kiosk.counter.ui.widgets import ActionPad, Header, NoticeBar, TicketList, TicketPanel


class ConsoleWindow(QMainWindow):
    """One clerk's console for one window."""

    handover_requested = Signal()
    language_changed = Signal(str)

    def __init__(self, shell, hotkeys: A.HotkeyMap, *, categories: list[tuple[str, str]],
                 windows: list[tuple[str, str]], language: str = "zh", translations=None, parent=None):
        super().__init__(parent)
        self.shell, self.hotkeys, self.language, self.translations = shell, hotkeys, language, translations
        self.categories, self.windows = categories, windows
        self.pad_state = self.led_state = None
        self.setStyleSheet(CONSOLE_QSS)
        self._build()
        self._bind_hotkeys()
        shell.changed.connect(self.render)
        self.tick = QTimer(self)
        self.tick.setInterval(1000)
        self.tick.timeout.connect(self._tick)
        self.tick.start()
        self.retranslate()

    def _build(self) -> None:
        body = QWidget()
        body.setObjectName("body")
        outer = QVBoxLayout(body)
        outer.setContentsMargins(0, 0, 0, 0)
        self.header = Header()
        self.header.language_toggled.connect(self.toggle_language)
        self.header.handover.connect(self._confirm_handover)
        outer.addWidget(self.header)
        main = QHBoxLayout()
        main.setContentsMargins(18, 16, 18, 12)
        main.setSpacing(16)
        left = QVBoxLayout()
        left.setSpacing(16)
        self.ticket = TicketPanel()
        self.pad = ActionPad(self.hotkeys)
        self.pad.pressed.connect(self.act)
        left.addWidget(self.ticket, 1)
        left.addWidget(self.pad)
        right = QVBoxLayout()
        right.setSpacing(16)
        self.waiting = TicketList(A.CALL_TICKET)
        self.no_shows = TicketList(A.REQUEUE)
        for panel in (self.waiting, self.no_shows):
            panel.chosen.connect(lambda action, ticket_id: self._press(Press(action, ticket_id=ticket_id)))
        right.addWidget(self.waiting, 3)
        right.addWidget(self.no_shows, 1)
        main.addLayout(left, 3)
        main.addLayout(right, 2)
        outer.addLayout(main, 1)
        self.notice = NoticeBar()
        self.notice.cancel.connect(lambda: self.shell.dispatch(CancelPending()))
        outer.addWidget(self.notice)
        self.setCentralWidget(body)

    def _bind_hotkeys(self) -> None:
        self.shortcuts = {}
        for action, key in self.hotkeys.items():
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.WindowShortcut)
            shortcut.activated.connect(lambda a=action: self.act(a, source="hotkey"))
            self.shortcuts[action] = shortcut

    # --- what the clerk does ---------------------------------------------------------

    def act(self, action: str, source: str = "button") -> None:
        """Run ``action`` the way its button does (dialogs and list selections included)."""
        if action == A.TRANSFER and self.shell.console.allowed(A.TRANSFER):
            dialog = TransferDialog(self.categories, self.windows, self)
            if dialog.exec():
                to_category, to_window = dialog.choice
                self._press(Press(A.TRANSFER, to_category=to_category, to_window=to_window, source=source))
            return
        if action == A.PAUSE and self.shell.console.allowed(A.PAUSE):
            dialog = PauseDialog(self.language, self)
            if dialog.exec():
                self._press(Press(A.PAUSE, reason=dialog.reason, source=source))
            return
        if action == A.CALL_TICKET:
            self._press(Press(action, ticket_id=self.waiting.selected_id(), source=source))
        elif action == A.REQUEUE:
            self._press(Press(action, ticket_id=self.no_shows.selected_id(), source=source))
        else:
            self._press(Press(action, source=source))

    def _press(self, press: Press) -> None:
        self.shell.dispatch(press)

    def _confirm_handover(self) -> None:
        answer = QMessageBox.question(self, self.tr("交接班"),
                                      self.tr("退出当前账号，由另一位工作人员登录本窗口？"))
        if answer == QMessageBox.Yes:
            self.handover_requested.emit()

    def toggle_language(self) -> None:
        self.language = "en" if self.language == "zh" else "zh"
        if self.translations is not None:
            self.translations.use(self.language)
        self.retranslate()
        self.language_changed.emit(self.language)

    # --- rendering -----------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("窗口工作台"))
        self.header.retranslate()
        self.notice.retranslate()
        self.render()

    def render(self) -> None:
        view = self.shell.console.view()
        self.header.render(view, self.language)
        self.header.show_devices(self.pad_state, self.led_state)
        self.ticket.render(view.current, view, self.language, self.hotkeys.key_for(A.CALL_NEXT))
        self.pad.render(view, self.language)
        self.waiting.render(self.tr("等候 %1 人").replace("%1", str(len(view.waiting))), view.waiting,
                            self._with_key(self.tr("特呼所选"), A.CALL_TICKET), view.enabled[A.CALL_TICKET],
                            self.language)
        self.no_shows.render(self.tr("本窗口过号"), view.no_shows, self._with_key(self.tr("过号重排"), A.REQUEUE),
                             view.enabled[A.REQUEUE], self.language, show_wait=False)
        self.notice.render(view, self.language)
        self._tick()

    def _with_key(self, text: str, action: str) -> str:
        key = self.hotkeys.key_for(action)
        if not key:
            return text
        return f"{text} ({key})" if self.language == "en" else f"{text}（{key}）"

    def _tick(self) -> None:
        self.header.clock.setText(self.shell.console.server_now().strftime("%H:%M:%S"))
        card = self.shell.console.view().current
        if card is not None and card.timer:
            self.ticket.timer.setText(card.timer)

    def device_status(self, kind: str, status) -> None:
        """A DeviceStatus of the pad or the LED (shown as a chip in the header)."""
        state = (status.ok, status.message or status.state)
        if kind == "pad":
            self.pad_state = state
        else:
            self.led_state = state
        self.header.show_devices(self.pad_state, self.led_state)
