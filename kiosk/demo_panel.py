"""The demo's "模拟设备" panel: a separate small window beside the kiosk that plays the
resident's hands on the devices (card, scanner) and the printer's paper roll."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class DemoPanel(QWidget):
    def __init__(self, demo, kiosk):
        super().__init__()
        self.demo, self.kiosk = demo, kiosk
        self.setWindowTitle("模拟设备 / emulated devices")
        self.setStyleSheet("QPushButton { min-height: 44px; font-size: 18px; } QLabel { font-size: 16px; }")
        box = QVBoxLayout(self)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        actions = (
            ("放身份证（张三，合成号码）/ place ID card", demo.place_card),
            ("放身份证（张建国，证明打印样例人员）/ place a card for 证明打印", demo.place_certificate_card),
            ("取走身份证 / remove card", demo.remove_card),
            ("生成预约并扫码签到 / book + scan appointment", self._book_and_scan),
            ("扫描最近号票二维码 / scan the last ticket", self._scan_last_ticket),
            ("扫描事项码 HT:SVC / scan a service code", self._scan_service),
            ("打印机：纸将尽 / paper near end", lambda: demo.set_paper("near_end")),
            ("打印机：缺纸 / paper out", lambda: demo.set_paper("out")),
            ("打印机：装纸 / paper loaded", lambda: demo.set_paper("ok")),
        )
        for text, action in actions:
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, a=action: self._run(a))
            box.addWidget(button)
        box.addWidget(self.status)
        pdfs = demo.certificate_pdfs
        self.a4 = QLabel(f"证明打印：A4 打印机 {demo.config.devices.document_printer.name}，打印出的证明为 PDF，在 {pdfs}\n"
                         f"Certificates print as PDFs into {pdfs}" if pdfs else
                         "证明打印未启用：没有 A4 打印机（CUPS 队列）\nNo 证明打印: no A4 printer (CUPS queue)")
        self.a4.setWordWrap(True)
        self.a4.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.a4)
        box.addWidget(QLabel("维护：左上角连点 5 次，密码 246810\nMaintenance: tap the top-left corner 5 times, PIN 246810"))

    def _run(self, action) -> None:
        try:
            action()
            self.status.setText("")
        except Exception as error:   # a demo helper: show the problem, keep going
            self.status.setText(f"{type(error).__name__}: {error}")

    def _book_and_scan(self) -> None:
        code = self.demo.book_appointment(self.demo.server_now())
        self.status.setText(f"预约码 / code {code}")
        self.demo.scan(f"HT:APT:{code}")

    def _scan_last_ticket(self) -> None:
        printer = self.demo.hosts["printer"].device
        docs = [d for d in printer.documents if d.qr_payloads]
        if not docs:
            raise LookupError("还没有打印过号票 / no ticket printed yet")
        self.demo.scan(docs[-1].qr_payloads[0])

    def _scan_service(self) -> None:
        services = self.kiosk.runtime.session.directory.services
        if not services:
            raise LookupError("目录尚未读取 / catalogue not loaded")
        self.demo.scan(f"HT:SVC:{services[0].code}")
