"""The console's parts: header, current ticket card, action buttons, waiting list, notice bar.

Each part renders a slice of :class:`kiosk.counter.core.view.ConsoleView` and emits
what the clerk did; none holds state of its own beyond what it shows.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QSizePolicy, QVBoxLayout, QWidget)

from kiosk.counter.core import actions as A
from kiosk.counter.core.view import ConsoleView, TicketCard, WaitingRow, mark_text

BUTTON_ROWS = ((A.CALL_NEXT, A.RECALL, A.NO_SHOW, A.START),
               (A.FINISH, A.TRANSFER, A.CALL_TICKET, A.REQUEUE),
               (A.SUSPEND, A.UNSUSPEND, A.PAUSE, A.RESUME))


def _label(name: str, text: str = "", *, wrap: bool = False) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    return label


def _restyle(widget: QWidget, prop: str, value: str) -> None:
    if widget.property(prop) != value:
        widget.setProperty(prop, value)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


class Header(QFrame):
    """Window, state, clerk on duty, connection, devices, clock, language, 交接班."""

    language_toggled = Signal()
    handover = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("header")
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 10, 20, 10)
        self.window_name, self.badge = _label("windowName"), _label("badge")
        self.clerk, self.clock = _label("clerkLine"), _label("clock")
        self.connection, self.pad_chip, self.led_chip = _label("chip"), _label("chip"), _label("chip")
        self.language, self.logout = QPushButton(), QPushButton()
        self.language.clicked.connect(self.language_toggled)
        self.logout.clicked.connect(self.handover)
        for widget in (self.window_name, self.badge):
            row.addWidget(widget)
        row.addSpacing(24)
        row.addWidget(self.clerk, 1)
        for widget in (self.connection, self.pad_chip, self.led_chip, self.clock, self.language, self.logout):
            row.addWidget(widget)
        for button in (self.language, self.logout):
            button.setFocusPolicy(Qt.NoFocus)

    def retranslate(self) -> None:
        self.language.setText(self.tr("English"))
        self.logout.setText(self.tr("交接班"))

    def render(self, view: ConsoleView, language: str) -> None:
        self.window_name.setText(view.window_name)
        state = view.window_state_en if language == "en" else view.window_state_zh
        separator = ": " if language == "en" else "："
        self.badge.setText(f"{state}{separator}{view.pause_reason}" if view.pause_reason else state)
        _restyle(self.badge, "state", view.window_state)
        clerk = self.tr("%1 · 工号 %2").replace("%1", view.clerk_name).replace("%2", view.staff_number or "—")
        if view.on_duty:
            clerk += "  " + self.tr("（服务器记录在岗：%1）").replace("%1", view.on_duty)
        self.clerk.setText(clerk)
        self.connection.setText(self.tr("● 已连接") if view.online else self.tr("● 连接中断，重连中"))
        _restyle(self.connection, "ok", "true" if view.online else "false")

    def show_devices(self, pad: tuple[bool, str] | None, led: tuple[bool, str] | None) -> None:
        for chip, state, name in ((self.pad_chip, pad, self.tr("评价器")), (self.led_chip, led, self.tr("LED屏"))):
            chip.setVisible(state is not None)
            if state is not None:
                chip.setText(f"{name} {'✓' if state[0] else '✗'}")
                chip.setToolTip(state[1])
                _restyle(chip, "ok", "true" if state[0] else "false")


class TicketPanel(QFrame):
    """The ticket at the window: number, state, marks, masked person, appointment, timer."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("card")
        box = QVBoxLayout(self)
        box.setContentsMargins(28, 20, 28, 20)
        top = QHBoxLayout()
        self.number, self.state = _label("number"), _label("ticketState")
        self.recalls = _label("detail")
        top.addWidget(self.number)
        top.addWidget(self.state, 0, Qt.AlignVCenter)
        top.addWidget(self.recalls, 0, Qt.AlignVCenter)
        top.addStretch(1)
        self.timer_caption, self.timer = _label("detail"), _label("timer")
        timer_box = QVBoxLayout()
        timer_box.addWidget(self.timer_caption, 0, Qt.AlignRight)
        timer_box.addWidget(self.timer, 0, Qt.AlignRight)
        top.addLayout(timer_box)
        box.addLayout(top)
        self.detail, self.person, self.appointment = _label("detail", wrap=True), _label("person"), _label("person")
        self.marks = QHBoxLayout()
        self.marks.setSpacing(8)
        box.addWidget(self.detail)
        box.addLayout(self.marks)
        box.addWidget(self.person)
        box.addWidget(self.appointment)
        box.addStretch(1)
        self.empty = _label("empty", wrap=True)
        self.empty.setAlignment(Qt.AlignCenter)
        box.addWidget(self.empty, 1)
        self.evaluation = _label("evaluation")
        box.addWidget(self.evaluation)

    def render(self, card: TicketCard | None, view: ConsoleView, language: str, call_key: str) -> None:
        shown = card is not None
        for widget in (self.number, self.state, self.recalls, self.detail, self.person, self.appointment,
                       self.timer, self.timer_caption):
            widget.setVisible(shown)
        self.empty.setVisible(not shown)
        self.evaluation.setText(view.evaluation.text(language) if view.evaluation else "")
        if card is None:
            self._render_empty(view, call_key)
            return
        self.number.setText(card.number)
        self.state.setText(card.state_en if language == "en" else card.state_zh)
        _restyle(self.state, "state", card.state)
        self.recalls.setText(self.tr("已重呼 %1 次").replace("%1", str(card.recall_count)) if card.recall_count else "")
        self.detail.setText("  ·  ".join(x for x in (card.category_name, card.service_name) if x))
        self._render_marks(card.marks, language)
        self.person.setVisible(bool(card.name_masked or card.id_masked))
        self.person.setText(self.tr("姓名 %1    证件 %2").replace("%1", card.name_masked or "—")
                            .replace("%2", card.id_masked or "—"))
        self.appointment.setVisible(bool(card.appointment_code))
        self.appointment.setText(self.tr("预约号 %1").replace("%1", card.appointment_code))
        self.timer_caption.setText(self.tr("办理用时（不含挂起）") if card.timer else self.tr("等待群众到窗口"))
        self.timer.setText(card.timer or "--:--")

    def _render_empty(self, view: ConsoleView, call_key: str) -> None:
        self._render_marks((), "zh")
        if not view.loaded:
            self.empty.setText(self.tr("正在读取窗口状态…"))
        elif view.window_state == "paused":
            self.empty.setText(self.tr("窗口暂停服务中，恢复服务后才能叫号"))
        elif view.window_state == "closed":
            self.empty.setText(self.tr("窗口未开启，按“恢复服务”开启窗口"))
        else:
            self.empty.setText(self.tr("当前没有正在办理的号，按“叫号”（%1）呼叫下一位").replace("%1", call_key or "—"))

    def _render_marks(self, marks: tuple[str, ...], language: str) -> None:
        while self.marks.count():
            widget = self.marks.takeAt(0).widget()
            if widget is not None:
                widget.hide()              # gone at once, not only after the next event loop turn
                widget.deleteLater()
        for mark in marks:
            chip = _label("mark", mark_text(mark, language))
            chip.setProperty("mark", mark)
            chip.setSizePolicy(QSizePolicy.Maximum, QSizePolicy.Fixed)
            self.marks.addWidget(chip)
        self.marks.addStretch(1)


class ActionPad(QWidget):
    """The big buttons, each with its hotkey; emits the action name."""

    pressed = Signal(str)

    def __init__(self, hotkeys: A.HotkeyMap, parent=None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setSpacing(12)
        grid.setContentsMargins(0, 0, 0, 0)
        self.hotkeys, self.buttons = hotkeys, {}
        for r, row in enumerate(BUTTON_ROWS):
            for c, action in enumerate(row):
                button = QPushButton()
                button.setObjectName("action")
                button.setProperty("primary", "true" if action == A.CALL_NEXT else "false")
                button.setFocusPolicy(Qt.TabFocus)
                button.clicked.connect(lambda _=False, a=action: self.pressed.emit(a))
                grid.addWidget(button, r, c)
                self.buttons[action] = button

    def render(self, view: ConsoleView, language: str) -> None:
        for action, button in self.buttons.items():
            spec = A.BY_NAME[action]
            key = self.hotkeys.key_for(action)
            label = spec.en if language == "en" else spec.zh
            button.setText(f"{label}\n{key}" if key else label)
            button.setEnabled(bool(view.enabled.get(action)))


class TicketList(QFrame):
    """A titled list of tickets (the waiting line, or this window's no-shows) with one action."""

    chosen = Signal(str, str)        # action, ticket id

    def __init__(self, action: str, parent=None):
        super().__init__(parent)
        self.setObjectName("side")
        self.action = action
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 14, 16, 14)
        self.title = _label("sideTitle")
        self.list = QListWidget()
        self.list.setFocusPolicy(Qt.ClickFocus)
        self.button = QPushButton()
        self.button.setObjectName("small")
        self.button.setFocusPolicy(Qt.NoFocus)
        self.button.clicked.connect(self._choose)
        self.list.itemDoubleClicked.connect(lambda _: self._choose())
        box.addWidget(self.title)
        box.addWidget(self.list, 1)
        box.addWidget(self.button)

    def selected_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.UserRole) if item is not None else None

    def _choose(self) -> None:
        ticket_id = self.selected_id()
        if ticket_id:
            self.chosen.emit(self.action, ticket_id)

    def render(self, title: str, rows: tuple[WaitingRow, ...], button: str, enabled: bool, language: str,
               *, show_wait: bool = True) -> None:
        self.title.setText(title)
        self.button.setText(button)
        keep = self.selected_id()
        self.list.clear()
        for row in rows:
            marks = " ".join(f"【{mark_text(m, language)}】" for m in row.marks)
            wait = self.tr("%1 分钟").replace("%1", str(row.wait_min)) if show_wait else ""
            item = QListWidgetItem(f"{row.number}   {row.category_name}   {wait}   {marks}".rstrip())
            item.setData(Qt.UserRole, row.id)
            self.list.addItem(item)
            if row.id == keep:
                self.list.setCurrentItem(item)
        self.button.setEnabled(enabled and bool(rows))


class NoticeBar(QFrame):
    """The last thing the console has to say, and 放弃 while an action is being retried."""

    cancel = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.text = _label("notice", wrap=True)
        self.abandon = QPushButton()
        self.abandon.setObjectName("small")
        self.abandon.setFocusPolicy(Qt.NoFocus)
        self.abandon.clicked.connect(self.cancel)
        row.addWidget(self.text, 1)
        row.addWidget(self.abandon)

    def retranslate(self) -> None:
        self.abandon.setText(self.tr("放弃等待"))

    def render(self, view: ConsoleView, language: str) -> None:
        notice = view.notice
        self.text.setText(notice.text(language) if notice else self.tr("就绪"))
        _restyle(self.text, "severity", notice.severity if notice else "none")
        self.abandon.setVisible(view.retrying)
