"""维护界面: device status, a printer test, reload, and the way out to the desktop.

Reached only through the hidden corner gesture and the maintenance PIN
(docs/kiosk.md "Lock-down and maintenance"). Not a core screen: the window shows it
over the flows, and it holds no resident data.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout

from kiosk.ui.views.base import Look, View, card, row
from kiosk.ui.widgets import button, label

COMPONENTS = (("server", "大厅服务器"), ("printer", "号票打印机"), ("idcard", "身份证阅读器"),
              ("scanner", "扫码器"), ("voice", "语音"))
STATE_WORDS = {"ok": ("正常", "OK"), "warning": ("需注意", "Attention"), "error": ("故障", "Fault"),
               "unavailable": ("未连接", "Not connected"), "absent": ("未配置", "Not configured")}


class MaintenanceView(View):
    """Shows ``statuses`` (name → DeviceStatus-like with state/message/message_en/details)."""

    print_test = Signal()
    reload = Signal()
    leave = Signal()
    quit_app = Signal()

    def __init__(self):
        super().__init__(lambda intent: None)
        self.title = label("", "Prompt")
        self.info = label("", "Muted")
        self.panel, panel_box = card()
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(24)
        self.grid.setVerticalSpacing(10)
        panel_box.addLayout(self.grid)
        self.rows = {}
        for index, (key, _) in enumerate(COMPONENTS):
            name, state, detail = label("", "Heading"), label("", "Heading"), label("", "Body")
            self.grid.addWidget(name, index * 2, 0)
            self.grid.addWidget(state, index * 2, 1)
            self.grid.addWidget(detail, index * 2 + 1, 0, 1, 2)
            self.rows[key] = (name, state, detail)
        self.result = label("", "Body")
        self.test = button("", "primary", self.print_test.emit)
        self.refresh = button("", "", self.reload.emit)
        self.back = button("", "", self.leave.emit)
        self.exit = button("", "danger", self.quit_app.emit)
        for widget in (self.title, self.info, self.panel, self.result):
            self.box.addWidget(widget)
        self.box.addStretch(1)
        self.box.addLayout(row(self.test, self.refresh))
        self.box.addLayout(row(self.back, None, self.exit))

    def show_status(self, statuses: dict, info: str, look: Look) -> None:
        self.title.setText(self.tr("维护界面"))
        self.info.setText(info)
        names = {"server": self.tr("大厅服务器"), "printer": self.tr("号票打印机"), "idcard": self.tr("身份证阅读器"),
                 "scanner": self.tr("扫码器"), "voice": self.tr("语音")}
        for key, (name, state, detail) in self.rows.items():
            status = statuses.get(key)
            word = STATE_WORDS.get(getattr(status, "state", "absent"), STATE_WORDS["absent"])
            name.setText(names[key])
            state.setText(look.pick(*word))
            message = look.pick(getattr(status, "message", ""), getattr(status, "message_en", "")) if status else ""
            paper = (getattr(status, "details", None) or {}).get("paper") if status else None
            if key == "printer" and paper:
                message = self.tr("%1（纸张：%2）").replace("%1", message).replace("%2", paper).strip()
            detail.setText(message)
        self.test.setText(self.tr("打印测试页"))
        self.refresh.setText(self.tr("重新读取目录和公告"))
        self.back.setText(self.tr("返回服务"))
        self.exit.setText(self.tr("退出到桌面"))

    def show_result(self, text: str) -> None:
        self.result.setText(text)
