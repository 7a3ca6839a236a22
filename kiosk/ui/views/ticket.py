"""Waiting on the server, and the ticket itself: printing, confirmation, print failed."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer

from kiosk.core.check_in import CheckingIn
from kiosk.core.evaluation import Submitting
from kiosk.core.intents import Done, Home, RetryPrint
from kiosk.core.progress import ProgressLoading
from kiosk.core.screens import Confirmation, PrintFailedScreen, Printing
from kiosk.core.take_number import Issuing
from kiosk.ui.views.base import Look, View, card, row
from kiosk.ui.widgets import NoticeBox, QrCode, button, label

CENTER = Qt.AlignmentFlag.AlignCenter


class BusyView(View):
    """Please wait; while the server is unreachable, the retry notice and a way out."""

    screens = (Issuing, CheckingIn, ProgressLoading, Submitting)

    def __init__(self, send):
        super().__init__(send)
        self.dots = label("", "BigNumber", wrap=False, align=CENTER)
        self.status = label("", "Heading", align=CENTER)
        self.notice = NoticeBox()
        self.cancel = button("", "", lambda: self.send(Home()))
        self.box.addStretch(1)
        for widget in (self.dots, self.status, self.notice):
            self.box.addWidget(widget)
        self.box.addLayout(row(None, self.cancel, None))
        self.box.addStretch(2)
        self._step = 0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._animate)

    def render(self, screen, look: Look) -> None:
        super().render(screen, look)
        self.status.setText(look.pair(screen.prompt()))
        self.show_notice(self.notice, getattr(screen, "notice", None), look)
        self.cancel.setVisible(getattr(screen, "notice", None) is not None)
        self.cancel.setText(self.tr("不等了，返回首页"))
        self._animate()

    def showEvent(self, event):  # noqa: N802 (Qt name)
        self._timer.start(400)
        super().showEvent(event)

    def hideEvent(self, event):  # noqa: N802
        self._timer.stop()
        super().hideEvent(event)

    def _animate(self) -> None:
        self._step = (self._step + 1) % 4
        self.dots.setText("●" * self._step + "○" * (3 - self._step))


class TicketView(View):
    """The number, big; queue facts; the QR code of the phone status page."""

    screens = (Printing, Confirmation, PrintFailedScreen)

    def __init__(self, send):
        super().__init__(send)
        self.panel, panel_box = card()
        self.caption = label("", "Heading", align=CENTER)
        self.number = label("", "BigNumber", wrap=False, align=CENTER)
        self.service = label("", "Heading", align=CENTER)
        self.facts = label("", "Body", align=CENTER)
        self.name = label("", "Muted", align=CENTER)
        for widget in (self.caption, self.number, self.service, self.facts, self.name):
            panel_box.addWidget(widget)
        self.qr = QrCode(300)
        self.qr_caption = label("", "Hint", align=CENTER)
        self.notice = NoticeBox()
        self.reprint = button("", "", lambda: self.send(RetryPrint()))
        self.done = button("", "primary", lambda: self.send(Done()))
        self.box.addWidget(self.notice)
        self.box.addWidget(self.panel)
        self.box.addWidget(self.qr, 0, CENTER)
        self.box.addWidget(self.qr_caption)
        self.box.addStretch(1)
        self.box.addLayout(row(None, self.reprint, self.done))

    def render(self, screen, look: Look) -> None:
        super().render(screen, look)
        view = screen.view
        failed = isinstance(screen, PrintFailedScreen)
        printing = isinstance(screen, Printing)
        self.caption.setText(self.tr("正在打印号票…") if printing else self.tr("您的号码"))
        self.number.setText(view.number)
        self.service.setText(view.service_name or view.category_name)
        self.facts.setText(self._facts(view))
        self.name.setText(self.tr("实名：%1").replace("%1", view.masked_name) if view.masked_name else "")
        self.name.setVisible(bool(view.masked_name))
        self.qr.set_payload(view.status_url)
        self.qr.setVisible(bool(view.status_url) and not printing)
        self.qr_caption.setText(self.tr("手机扫码，随时查看排队进度") if view.status_url and not printing else "")
        self.show_notice(self.notice, getattr(screen, "notice", None), look)
        self.reprint.setVisible(failed)
        self.reprint.setText(self.tr("重新打印"))
        self.done.setVisible(not printing)
        self.done.setText(self.tr("完成"))

    def _facts(self, view) -> str:
        parts = []
        if view.priority in ("green", "appointment"):
            parts.append(self.tr("优先号：绿色通道") if view.priority == "green" else self.tr("预约号：优先办理"))
        if view.ahead is not None:
            parts.append(self.tr("您前面还有 %1 人等候").replace("%1", str(view.ahead)))
        if view.est_wait_min is not None:
            parts.append(self.tr("预计等候约 %1 分钟").replace("%1", str(view.est_wait_min)))
        parts.append(self.tr("请留意叫号屏和广播"))
        return "\n".join(parts)
