"""预约签到: scan the appointment QR code, swipe the ID card used to book, or type the code."""
from __future__ import annotations

from kiosk.core.check_in import CheckInStart
from kiosk.core.intents import Back, SubmitText, UseKeypad
from kiosk.ui.keypad import Keypad
from kiosk.ui.views.base import Look, View, instruction, row
from kiosk.ui.widgets import NoticeBox, button, label


class CheckInView(View):
    screens = (CheckInStart,)

    def __init__(self, send):
        super().__init__(send)
        self.scan, self.scan_text = instruction("scan", 150)
        self.swipe, self.swipe_text = instruction("idcard", 150)
        self.notice = NoticeBox()
        self.keypad = Keypad("code")
        self.keypad.submitted.connect(lambda text: self.send(SubmitText(text)))
        self.use_keypad = button("", "", lambda: self.send(UseKeypad()))
        self.back = button("", "", lambda: self.send(Back()))
        self.hint = label("", "Hint")
        for widget in (self.notice, self.scan, self.swipe, self.keypad):
            self.box.addWidget(widget)
        self.box.addStretch(1)
        self.box.addWidget(self.hint)
        self.box.addLayout(row(self.back, None, self.use_keypad))

    def render(self, screen: CheckInStart, look: Look) -> None:
        super().render(screen, look)
        self.scan_text.setText(self.tr("请将预约短信或预约凭证上的二维码对准扫码口"))
        self.scan.setVisible(look.scanner_ready)
        self.swipe_text.setText(self.tr("或者刷预约时登记的身份证"))
        self.swipe.setVisible(look.reader_ready)
        self.show_notice(self.notice, screen.notice, look)
        self.keypad.setVisible(screen.keypad)
        self.keypad.set_placeholder(self.tr("请输入预约码"))
        self.keypad.retranslate()
        self.keypad.fit(look.width, look.sizes.px("touch"))
        self.use_keypad.setVisible(not screen.keypad)
        self.use_keypad.setText(self.tr("输入预约码"))
        self.back.setText(self.tr("返回"))
        self.hint.setText(self.tr("签到成功后打印优先号票，请在预约时段内签到"))

    def wipe(self) -> None:
        super().wipe()
        self.keypad.clear()
