"""办事指南 / 码上办: browse or search services; read a guide; print its checklist (一次性告知单)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea, QScroller, QVBoxLayout, QWidget

from kiosk.core.guide import GuideBrowse, GuideView
from kiosk.core.intents import Back, Choose, Print, Search
from kiosk.ui.keypad import Keypad
from kiosk.ui.views.base import Look, View, row
from kiosk.ui.widgets import ChoiceList, NoticeBox, QrCode, button, label


class GuideBrowseView(View):
    screens = (GuideBrowse,)

    def __init__(self, send):
        super().__init__(send)
        self.heading = label("", "Heading")
        self.notice = NoticeBox()
        self.choices = ChoiceList(1)
        self.choices.chosen.connect(lambda code: self.send(Choose(code)))
        self.keypad = Keypad("search")
        self.keypad.edited.connect(lambda text: self.send(Search(text)))
        self.back = button("", "", lambda: self.send(Back()))
        self.box.addWidget(self.heading)
        self.box.addWidget(self.notice)
        self.box.addWidget(self.choices, 3)
        self.box.addWidget(self.keypad, 2)
        self.box.addLayout(row(self.back, None))

    def render(self, screen: GuideBrowse, look: Look) -> None:
        super().render(screen, look)
        self.heading.setText(self.tr("选择事项查看办事指南；也可以扫描事项二维码（码上办）"))
        self.show_notice(self.notice, screen.notice, look)
        self.choices.set_items([(s.code, s.name, s.code) for s in screen.results])
        if self.keypad.text != screen.query:
            self.keypad.set_text(screen.query)
        self.keypad.set_placeholder(self.tr("拼音首字母搜索"))
        self.keypad.retranslate()
        self.keypad.fit(look.width, look.sizes.px("touch"))
        self.back.setText(self.tr("返回"))

    def wipe(self) -> None:
        super().wipe()
        self.keypad.clear()


class GuideReadView(View):
    """One service's guide in titled sections, its QR code, and the checklist print."""

    screens = (GuideView,)

    def __init__(self, send):
        super().__init__(send)
        self.title = label("", "Prompt")
        self.notice = NoticeBox()
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        QScroller.grabGesture(self.scroll.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
        inner = QWidget()
        self.sections = QVBoxLayout(inner)
        self.sections.setSpacing(8)
        self.sections.addStretch(1)
        self.scroll.setWidget(inner)
        self._labels: list = []
        self.qr = QrCode(220)
        self.qr_caption = label("", "Hint", align=Qt.AlignmentFlag.AlignCenter)
        self.print = button("", "primary", lambda: self.send(Print()))
        self.back = button("", "", lambda: self.send(Back()))
        self.side = QVBoxLayout()
        self.side.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignHCenter)
        self.side.addWidget(self.qr_caption)
        self.box.addWidget(self.title)
        self.box.addWidget(self.notice)
        self.box.addWidget(self.scroll, 1)
        self.box.addLayout(row(self.qr_block(), None))
        self.box.addLayout(row(self.back, None, self.print))

    def qr_block(self) -> QWidget:
        holder = QWidget()
        holder.setLayout(self.side)
        return holder

    def render(self, screen: GuideView, look: Look) -> None:
        super().render(screen, look)
        self.title.setText(screen.service.name)
        self.show_notice(self.notice, screen.notice, look)
        self._fill(screen, look)
        self.qr.set_payload(screen.guide_url)
        self.qr_caption.setText(self.tr("手机扫码查看完整办事指南"))
        printing = screen.printing is not None
        self.print.setText(self.tr("正在打印…") if printing else self.tr("打印材料清单（一次性告知单）"))
        self.print.setEnabled(screen.can_print and not printing)
        self.back.setText(self.tr("返回"))
        self.back.setEnabled(not printing)

    def _fill(self, screen: GuideView, look: Look) -> None:
        texts: list[tuple[str, str]] = []
        for section in screen.service.guide:
            texts.append(("Heading", look.pick(section.title_zh, section.title_en)))
            texts.extend(("Body", f"• {line}") for line in section.lines)
        if not texts:
            texts.append(("Muted", self.tr("该事项暂无办事指南，请到总服务台咨询")))
        while len(self._labels) < len(texts):
            widget = label("", "Body")
            widget.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            self._labels.append(widget)
            self.sections.insertWidget(len(self._labels) - 1, widget)
        for index, widget in enumerate(self._labels):
            shown = index < len(texts)
            widget.setVisible(shown)
            if shown:
                style, text = texts[index]
                if widget.objectName() != style:
                    widget.setObjectName(style)
                    widget.style().unpolish(widget)
                    widget.style().polish(widget)
                widget.setText(text)
            else:
                widget.clear()
