"""证明打印, second half: the masked preview, a failed print (reprint once, or where to go),
the printed document (take it, rate it), the rating and the thanks.

The preview shows the document as the hall issued it: holder already masked by the
server (``张*``, ``3701**********123X``), the values, the tables, and a warning on
sample documents. It is the same content the printer receives.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea, QScroller, QVBoxLayout, QWidget

from kiosk.core import messages
from kiosk.core.certificate_flow import Finished, PrintFailedScreen, Preview
from kiosk.core.certificate_flow import Rate as CertificateRate
from kiosk.core.certificate_flow import Thanks as CertificateThanks
from kiosk.core.evaluation import REASON_REQUIRED_AT_OR_BELOW
from kiosk.core.intents import Action, Back, Done, Evaluate, Submit, ToggleReason
from kiosk.documents.certificate import CertificateDocument
from kiosk.ui.views.base import Look, View, art, card, row
from kiosk.ui.views.progress import RateView, ThanksView
from kiosk.ui.widgets import NoticeBox, button, label

CENTER = Qt.AlignmentFlag.AlignCenter


def preview_texts(document: CertificateDocument) -> list[tuple[str, str]]:
    """(style, text) lines of the preview: labelled values, then each table as lines."""
    lines = [("Body", f"{name}：{value}") for name, value in document.preview_lines()[1:]]
    for table in document.tables:
        lines.append(("Heading", table.title))
        lines.append(("Muted", "  |  ".join(table.columns)))
        lines.extend(("Body", "  |  ".join(cells)) for cells in table.rows)
    lines.extend(("Muted", note) for note in document.notes)
    return lines


class CertificatePreviewView(View):
    """The document, scrollable; 取消 sends ``Back`` (reported as cancelled), 确认打印 ``Submit``."""

    screens = (Preview,)

    def __init__(self, send):
        super().__init__(send)
        self.sample = NoticeBox()
        self.panel, panel_box = card()
        self.title = label("", "Prompt", align=CENTER)
        self.department = label("", "Muted", align=CENTER)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        QScroller.grabGesture(self.scroll.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
        inner = QWidget()
        self.lines = QVBoxLayout(inner)
        self.lines.setSpacing(6)
        self.lines.addStretch(1)
        self.scroll.setWidget(inner)
        self._labels: list = []
        panel_box.addWidget(self.title)
        panel_box.addWidget(self.department)
        panel_box.addWidget(self.scroll, 1)
        self.hint = label("", "Muted")
        self.cancel = button("", "", lambda: self.send(Back()))
        self.confirm = button("", "primary", lambda: self.send(Submit()))
        self.box.addWidget(self.sample)
        self.box.addWidget(self.panel, 1)
        self.box.addWidget(self.hint)
        self.box.addLayout(row(self.cancel, None, self.confirm))

    def render(self, screen: Preview, look: Look) -> None:
        super().render(screen, look)
        doc = screen.document
        if doc.sample:
            self.sample.show_notice(self.tr("请注意"), self.tr("测试样例数据，打印件无证明效力"), "", "warn")
        else:
            self.sample.clear()
        self.title.setText(doc.title)
        self.department.setText(self.tr("%1  证明编号 %2").replace("%1", doc.department).replace("%2", doc.doc_no))
        self._fill(preview_texts(doc))
        self.hint.setText(self.tr("个人信息已隐去部分；打印件与预览内容一致，带防伪二维码"))
        self.cancel.setText(self.tr("取消，不打印"))
        self.confirm.setText(self.tr("确认打印"))

    def _fill(self, texts: list[tuple[str, str]]) -> None:
        while len(self._labels) < len(texts):
            widget = label("", "Body")
            self._labels.append(widget)
            self.lines.insertWidget(len(self._labels) - 1, widget)
        for index, widget in enumerate(self._labels):
            shown = index < len(texts)
            widget.setVisible(shown)
            if not shown:
                widget.clear()
                continue
            style, text = texts[index]
            if widget.objectName() != style:
                widget.setObjectName(style)
                widget.style().unpolish(widget)
                widget.style().polish(widget)
            widget.setText(text)


class CertificateFailedView(View):
    """Not printed: the reason (卡纸, 缺纸…), where to go, the document number; 再打印一次
    while the hall allows the one reprint."""

    screens = (PrintFailedScreen,)

    def __init__(self, send):
        super().__init__(send)
        self.icon = art("printer", 120)
        self.notice = NoticeBox(big=True)
        self.number = label("", "Heading", align=CENTER)
        self.reprint = button("", "primary", lambda: self.send(Action(messages.RETRY)))
        self.help = button("", "", lambda: self.send(Action(messages.HELP_DESK)))
        self.done = button("", "", lambda: self.send(Done()))
        self.box.addStretch(1)
        self.box.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignHCenter)
        self.box.addWidget(self.notice)
        self.box.addWidget(self.number)
        self.box.addStretch(1)
        self.box.addLayout(row(self.done, None, self.help, self.reprint))

    def render(self, screen: PrintFailedScreen, look: Look) -> None:
        super().render(screen, look)
        self.show_notice(self.notice, screen.notice, look)
        self.number.setText(self.tr("证明编号：%1").replace("%1", screen.document.doc_no))
        self.reprint.setVisible(screen.reprint_allowed)
        self.reprint.setText(self.tr("再打印一次"))
        self.help.setVisible(messages.HELP_DESK in screen.notice.actions)
        self.help.setText(self.tr("呼叫工作人员"))
        self.done.setText(self.tr("返回首页"))


class CertificateDoneView(View):
    """Printed: take the paper; 评价 or 完成."""

    screens = (Finished,)

    def __init__(self, send):
        super().__init__(send)
        self.take = label("", "BigNumber", align=CENTER)
        self.title = label("", "Heading", align=CENTER)
        self.number = label("", "Body", align=CENTER)
        self.verify = label("", "Muted", align=CENTER)
        self.evaluate = button("", "primary", lambda: self.send(Evaluate()))
        self.done = button("", "", lambda: self.send(Done()))
        self.box.addStretch(1)
        for widget in (self.take, self.title, self.number, self.verify):
            self.box.addWidget(widget)
        self.box.addStretch(1)
        self.box.addLayout(row(self.done, None, self.evaluate))

    def render(self, screen: Finished, look: Look) -> None:
        super().render(screen, look)
        self.take.setText(self.tr("请取走证明"))
        self.title.setText(screen.title)
        self.number.setText(self.tr("证明编号：%1").replace("%1", screen.doc_no))
        self.verify.setText(self.tr("证明上的二维码可供查验真伪"))
        self.evaluate.setText(self.tr("评价本次服务"))
        self.done.setText(self.tr("完成"))


@dataclass(frozen=True)
class _RateFace:
    """The certificate rating as the queue rating's view reads it."""

    number: str
    reason_options: tuple[str, ...]
    level: int | None
    reasons: tuple[str, ...]
    notice: object

    @property
    def needs_reason(self) -> bool:
        return self.level is not None and self.level <= REASON_REQUIRED_AT_OR_BELOW


class CertificateRateView(RateView):
    """Five levels for the self-service (一次一评 per document), reasons for the bad two."""

    screens = (CertificateRate,)

    def render(self, screen: CertificateRate, look: Look) -> None:
        face = _RateFace(screen.doc_no, screen.reason_options, screen.level, screen.reasons, screen.notice)
        super().render(face, look)
        self.screen = screen
        self.ticket.setText(self.tr("证明编号：%1").replace("%1", screen.doc_no))
        self.submit.setEnabled(not screen.busy)

    def _toggle(self, index: int) -> None:
        if isinstance(self.screen, CertificateRate) and index < len(self.screen.reason_options):
            self.send(ToggleReason(self.screen.reason_options[index]))


class CertificateThanksView(ThanksView):
    screens = (CertificateThanks,)
