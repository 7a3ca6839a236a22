"""What every screen view shares: how it is told to draw, and how it sends intents.

A view draws one or more core screen types (``screens``) and nothing else: it
reads the frozen screen, shows it in the current language and mode, and turns taps
into intents passed to ``send`` (CONVENTIONS.md rule 2: shells are thin).

Two kinds of text meet here (docs/kiosk.md "Translations"): the shell's own words
(button labels, headings) go through ``self.tr()`` with Chinese source text and the
English ``.qm``; the core's content (prompts, notices, states) already carries a
(中文, English) pair and is picked with ``Look.pick`` — never translated twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.core.messages import Notice
from kiosk.ui import theme
from kiosk.ui.errors import notice_texts
from kiosk.ui.widgets import NoticeBox, button, label


@dataclass(frozen=True)
class Look:
    """How to draw: language, elderly mode, orientation, and what devices can do."""

    lang: str = "zh"
    elderly: bool = False
    portrait: bool = True
    reader_ready: bool = True
    scanner_ready: bool = True
    width: int = 1080

    def pick(self, zh: str, en: str) -> str:
        """The core's (中文, English) pair in the current language."""
        return en if self.lang == "en" and en else zh

    def pair(self, pair: tuple[str, str]) -> str:
        return self.pick(*pair)

    @property
    def sizes(self) -> theme.Sizes:
        return theme.sizes(self.elderly)


Send = Callable[[object], None]


class View(QWidget):
    """Base of the screen views; ``render`` is idempotent and cheap (called on every change)."""

    screens: tuple[type, ...] = ()

    def __init__(self, send: Send):
        super().__init__()
        self.send = send
        self.screen = None
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(40, 24, 40, 24)
        self.box.setSpacing(20)

    def render(self, screen, look: Look) -> None:
        """Draw ``screen``; subclasses extend this."""
        self.screen = screen

    def wipe(self) -> None:
        """Forget everything shown: texts, typed input (the idle wipe calls it on every view)."""
        self.screen = None
        for widget in self.findChildren(QLabel):
            if widget.objectName() not in ("Static",):
                widget.clear()

    # -- helpers for subclasses ------------------------------------------------------
    def intent_button(self, intent_factory: Callable[[], object], role: str = "") -> QPushButton:
        return button("", role, lambda: self.send(intent_factory()))

    def show_notice(self, box: NoticeBox, notice: Notice | None, look: Look) -> None:
        if notice is None:
            box.clear()
            return
        title, message, advice, kind = notice_texts(notice, look.lang, self)
        box.show_notice(title, message, advice, kind)


def art(icon: str, side: int = 160) -> QSvgWidget:
    """A large line drawing (ID card on the reader, QR code under the scanner)."""
    widget = QSvgWidget(theme.icon_path(icon))
    widget.setFixedSize(side, side)
    return widget


def row(*widgets, stretch_first: bool = False) -> QHBoxLayout:
    layout = QHBoxLayout()
    layout.setSpacing(16)
    for index, widget in enumerate(widgets):
        if widget is None:
            layout.addStretch(1)
        elif isinstance(widget, QWidget):
            layout.addWidget(widget, 1 if (stretch_first and index == 0) else 0)
        else:
            layout.addLayout(widget)
    return layout


def card() -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setObjectName("Card")
    box = QVBoxLayout(frame)
    box.setContentsMargins(28, 24, 28, 24)
    box.setSpacing(12)
    return frame, box


def instruction(icon: str, side: int = 140) -> tuple[QWidget, QLabel]:
    """An icon beside a wrapped instruction line (scan here, swipe there)."""
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(20)
    layout.addWidget(art(icon, side), 0, Qt.AlignmentFlag.AlignVCenter)
    text = label("", "Heading")
    layout.addWidget(text, 1)
    return holder, text
