"""A refusal or failure: what happened, what to do, one button per next step.

The next steps come with the notice (kiosk/core/messages.py actions). ``book_appointment``
and ``note_number`` are the shell's own: the first shows how to book, the second only
closes the hint (docs/kiosk-flows.md "The contract with the Qt layer").
"""
from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.core import messages
from kiosk.core.intents import Action
from kiosk.core.screens import Refused
from kiosk.ui.views.base import Look, View, art, row
from kiosk.ui.widgets import NoticeBox, button, label


class NoticeView(View):
    screens = (Refused,)

    def __init__(self, send):
        super().__init__(send)
        self.icon = art("help", 120)
        self.notice = NoticeBox(big=True)
        self.booking = label("", "Body")
        self.buttons = {key: button("", "primary" if key == messages.HOME else "", lambda _=False, k=key: self._tap(k))
                        for key in (messages.RETRY, messages.TAKE_TICKET, messages.BOOK, messages.NOTE_NUMBER,
                                    messages.HELP_DESK, messages.HOME)}
        self.box.addStretch(1)
        self.box.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignHCenter)
        self.box.addWidget(self.notice)
        self.box.addWidget(self.booking)
        self.box.addStretch(1)
        self._row = row(*self.buttons.values())
        self.box.addLayout(self._row)

    def render(self, screen: Refused, look: Look) -> None:
        super().render(screen, look)
        self.show_notice(self.notice, screen.notice, look)
        self.booking.hide()
        labels = {messages.RETRY: self.tr("再试一次"), messages.TAKE_TICKET: self.tr("改取普通号"),
                  messages.BOOK: self.tr("如何预约"), messages.NOTE_NUMBER: self.tr("我已记下号码"),
                  messages.HELP_DESK: self.tr("呼叫工作人员"), messages.HOME: self.tr("返回首页")}
        for key, widget in self.buttons.items():
            widget.setText(labels[key])
            widget.setVisible(key in screen.notice.actions)

    def _tap(self, key: str) -> None:
        if key == messages.BOOK:
            self.booking.setText(self.tr("可通过本地政务服务网、政务服务 App 或拨打 12345 预约，也可以到总服务台预约"))
            self.booking.show()
            return
        if key == messages.NOTE_NUMBER:
            self.buttons[key].hide()
            return
        self.send(Action(key))
