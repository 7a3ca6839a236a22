"""Layers over the screens: "need more time?", help called, the maintenance PIN, the
notice (attract) screen, and "connecting to the server". Widgets inside the kiosk
window, never separate windows, so nothing can pop up behind a locked kiosk."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from kiosk.ui.keypad import Keypad
from kiosk.ui.views.base import art, row
from kiosk.ui.widgets import button, label

CENTER = Qt.AlignmentFlag.AlignCenter


class Overlay(QWidget):
    """A scrim over the whole window with a centred dialog card."""

    def __init__(self, parent: QWidget, name: str = "Scrim"):
        super().__init__(parent)
        self.setObjectName(name)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(60, 60, 60, 60)
        self.dialog = QFrame()
        self.dialog.setObjectName("Dialog")
        self.max_width = 900
        self.inner = QVBoxLayout(self.dialog)
        self.inner.setContentsMargins(40, 36, 40, 36)
        self.inner.setSpacing(24)
        outer.addStretch(1)
        outer.addWidget(self.dialog, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
        self.hide()

    def open(self) -> None:
        """Show over the whole window, sized for the texts now set (call again after changing them)."""
        # A fixed width and the height that width needs: wrapped labels never clip.
        width = min(self.max_width, self.parentWidget().width() - 120)
        self.dialog.setFixedWidth(width)
        self.dialog.setFixedHeight(self.inner.totalHeightForWidth(width))
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()

    def close_overlay(self) -> None:
        self.hide()


class MoreTimeOverlay(Overlay):
    """您还需要更多时间吗？ with the seconds left (domain.md ACC-07: enough time to finish)."""

    more = Signal()
    leave = Signal()

    def __init__(self, parent):
        super().__init__(parent)
        self.question = label("", "Prompt", align=CENTER)
        self.seconds = label("", "Heading", align=CENTER)
        self.yes = button("", "primary", self.more.emit)
        self.no = button("", "", self.leave.emit)
        self.inner.addWidget(self.question)
        self.inner.addWidget(self.seconds)
        self.inner.addLayout(row(self.no, self.yes))

    def show_remaining(self, question: str, seconds: int) -> None:
        self.question.setText(question)
        self.seconds.setText(self.tr("%1 秒后将清除本次信息并返回首页").replace("%1", str(seconds)))
        self.yes.setText(self.tr("需要，继续办理"))
        self.no.setText(self.tr("不用了，返回首页"))
        self.open()


class MessageOverlay(Overlay):
    """A short message with one button (help called, printer test result)."""

    def __init__(self, parent):
        super().__init__(parent)
        self.icon = art("help", 110)
        self.title = label("", "Prompt", align=CENTER)
        self.detail = label("", "Heading", align=CENTER)
        self.ok = button("", "primary", self.close_overlay)
        self.inner.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignHCenter)
        self.inner.addWidget(self.title)
        self.inner.addWidget(self.detail)
        self.inner.addLayout(row(None, self.ok, None))

    def show_message(self, title: str, detail: str) -> None:
        self.title.setText(title)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.ok.setText(self.tr("好的"))
        self.open()


class PinOverlay(Overlay):
    """The maintenance PIN keypad (digits shown as dots)."""

    entered = Signal(str)

    def __init__(self, parent):
        super().__init__(parent)
        self.title = label("", "Prompt", align=CENTER)
        self.error = label("", "Heading", align=CENTER)
        self.keypad = Keypad("pin")
        self.keypad.submitted.connect(self._submit)
        self.cancel = button("", "", self._cancel)
        self.inner.addWidget(self.title)
        self.inner.addWidget(self.error)
        self.inner.addWidget(self.keypad)
        self.inner.addLayout(row(None, self.cancel))

    def ask(self, error: str = "") -> None:
        self.title.setText(self.tr("请输入维护密码"))
        self.error.setText(error)
        self.error.setVisible(bool(error))
        self.cancel.setText(self.tr("取消"))
        self.keypad.retranslate()
        self.keypad.clear()
        self.open()

    def _submit(self, pin: str) -> None:
        self.keypad.clear()
        self.entered.emit(pin)

    def _cancel(self) -> None:
        self.keypad.clear()
        self.close_overlay()


class AttractOverlay(Overlay):
    """The notice screen shown at home when nobody is there: hall notices, one at a time."""

    touched = Signal()

    def __init__(self, parent):
        super().__init__(parent, "Attract")
        self.dialog.setObjectName("AttractPanel")
        self.dialog.setStyleSheet("QFrame#AttractPanel { background: transparent; border: none; }")
        self.max_width = 1600
        self.hall = label("", "AttractTitle", align=CENTER)
        self.notice = label("", "AttractNotice", align=CENTER)
        self.start = label("", "AttractNotice", align=CENTER)
        self.inner.addWidget(self.hall)
        self.inner.addSpacing(40)
        self.inner.addWidget(self.notice)
        self.inner.addSpacing(60)
        self.inner.addWidget(self.start)

    def show_notice(self, hall: str, notice: str) -> None:
        self.hall.setText(hall)
        self.notice.setText(notice)
        # Both languages at once: the attract screen is between residents, before anyone chose one.
        self.start.setText("轻触屏幕，开始办理\nTouch the screen to start")
        self.open()

    def mousePressEvent(self, event):  # noqa: N802 (Qt name)
        self.hide()
        self.touched.emit()
        event.accept()


class ConnectingOverlay(Overlay):
    """Shown until the hall catalogue has been read once."""

    def __init__(self, parent):
        super().__init__(parent)
        self.title = label("", "Prompt", align=CENTER)
        self.detail = label("", "Heading", align=CENTER)
        self.inner.addWidget(self.title)
        self.inner.addWidget(self.detail)

    def show_connecting(self) -> None:
        self.title.setText(self.tr("正在连接大厅服务器…"))
        self.detail.setText(self.tr("请稍候；如长时间无法使用，请到总服务台办理"))
        self.open()
