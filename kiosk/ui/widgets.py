"""The kiosk's building blocks: buttons that wrap their text, notices, a QR code, lists.

Widgets are made once and reused: a kiosk runs for weeks, so a screen redraw
changes texts and hides spare rows rather than creating widgets (bench_kiosk.py
measures memory over 10,000 flows).
"""
from __future__ import annotations

from typing import Callable, Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QScroller, QSizePolicy,
                               QVBoxLayout, QWidget)

from kiosk.ui import theme


def label(text: str = "", name: str = "Body", wrap: bool = True, align=None) -> QLabel:
    """A QLabel with a style name; wrapped by default so no language clips."""
    widget = QLabel(text)
    widget.setObjectName(name)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if align is not None:
        widget.setAlignment(align)
    return widget


def button(text: str = "", role: str = "", on_click: Callable[[], None] | None = None) -> QPushButton:
    widget = QPushButton(text)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)   # keys belong to the scanner and keypad, not to buttons
    if role:
        set_prop(widget, "role", role)
    if on_click is not None:
        widget.clicked.connect(on_click)
    return widget


def restyle(widget: QWidget) -> None:
    """Re-apply the stylesheet after a dynamic property changed."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def set_prop(widget: QWidget, name: str, value) -> None:
    """Set a style property and re-polish, only when it changed.

    The last value is remembered on the Python side: PySide6 6.12's ``QObject.property()``
    drops a reference to ``None`` for a property never set, which aborts the
    interpreter at exit after enough calls.
    """
    seen = widget.__dict__.setdefault("_style_props", {})
    if seen.get(name, _UNSET) != value:
        seen[name] = value
        widget.setProperty(name, value)
        restyle(widget)


_UNSET = object()


class LabelButton(QPushButton):
    """A button whose face is a layout of labels, so long texts wrap instead of clipping."""

    def __init__(self, name: str = "", vertical: bool = True):
        super().__init__()
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        if name:
            self.setObjectName(name)
        self.box = QVBoxLayout(self) if vertical else QHBoxLayout(self)
        self.box.setContentsMargins(20, 12, 20, 12)
        self.box.setSpacing(6)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def add(self, widget: QWidget, stretch: int = 0) -> QWidget:
        widget.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.box.addWidget(widget, stretch)
        return widget

    # QPushButton sizes itself from its own text; this one has a layout of labels instead.
    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return self.box.totalSizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.box.totalMinimumSize()

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return max(self.box.totalHeightForWidth(width), self.minimumHeight())


class Tile(LabelButton):
    """A home tile: icon, title and a note line (e.g. why it is disabled)."""

    def __init__(self, key: str, icon: str):
        super().__init__("Tile")
        self.key = key
        self.icon = QSvgWidget(theme.icon_path(icon))
        self.icon.setFixedSize(96, 96)
        self.title = label("", "TileTitle", align=Qt.AlignmentFlag.AlignCenter)
        self.note = label("", "TileNote", align=Qt.AlignmentFlag.AlignCenter)
        self.box.addStretch(1)
        self.box.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignHCenter)
        self.icon.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.add(self.title)
        self.add(self.note)
        self.box.addStretch(1)

    def set_content(self, title: str, note: str, enabled: bool, icon_px: int) -> None:
        self.title.setText(title)
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.icon.setFixedSize(icon_px, icon_px)
        self.setEnabled(enabled)
        set_prop(self.title, "off", not enabled)
        set_prop(self.note, "off", not enabled)


class NoticeBox(QFrame):
    """A notice: a title word (never colour alone, ACC-04), the message and the advice."""

    def __init__(self, big: bool = False):
        super().__init__()
        self.setObjectName("Notice")
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 16, 24, 16)
        self.title = label("", "Prompt" if big else "NoticeTitle")
        self.message = label("", "Heading" if big else "Body")
        self.advice = label("", "Heading" if big else "Body")
        for widget in (self.title, self.message, self.advice):
            box.addWidget(widget)
        self.hide()

    def show_notice(self, title: str, message: str, advice: str, kind: str = "warn") -> None:
        self.title.setText(title)
        self.message.setText(message)
        self.advice.setText(advice)
        self.advice.setVisible(bool(advice))
        set_prop(self, "kind", kind)
        self.show()

    def clear(self) -> None:
        for widget in (self.title, self.message, self.advice):
            widget.clear()
        self.hide()


class QrCode(QLabel):
    """A QR code drawn crisp (whole pixels per module) from its text, with zxing-cpp."""

    def __init__(self, side: int = 260):
        super().__init__()
        self.side = side
        self.payload = ""
        self.setFixedSize(side, side)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setObjectName("Qr")

    def clear(self) -> None:
        """Forget the code too (the wipe), so the same payload is drawn again next time."""
        self.payload = ""
        super().clear()

    def set_payload(self, text: str) -> None:
        if text == self.payload:
            return
        self.payload = text
        self.setPixmap(qr_pixmap(text, self.side - 16) if text else QPixmap())


def qr_pixmap(text: str, side: int) -> QPixmap:
    import numpy as np
    import zxingcpp

    matrix = np.asarray(zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode)
                        .to_image(scale=1, add_quiet_zones=True))
    scale = max(1, side // matrix.shape[0])
    big = np.ascontiguousarray(matrix.repeat(scale, axis=0).repeat(scale, axis=1))
    image = QImage(big.data, big.shape[1], big.shape[0], big.strides[0], QImage.Format.Format_Grayscale8)
    return QPixmap.fromImage(image.copy())


class ChoiceList(QScrollArea):
    """A scrolling column (or grid) of big choice buttons, reused across redraws."""

    chosen = Signal(str)

    def __init__(self, columns: int = 1):
        super().__init__()
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        QScroller.grabGesture(self.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
        self.columns = columns
        self._inner = QWidget()
        from PySide6.QtWidgets import QGridLayout
        self._grid = QGridLayout(self._inner)
        self._grid.setSpacing(14)
        self._grid.setContentsMargins(0, 0, 8, 0)
        self.setWidget(self._inner)
        self._rows: list[tuple[LabelButton, QLabel, QLabel]] = []
        self._keys: list[str] = []

    def set_items(self, items: Sequence[tuple[str, str, str]], selected: Sequence[str] = ()) -> None:
        """``items``: (key, title, detail). Rows beyond the items are hidden, not deleted."""
        while len(self._rows) < len(items):
            self._add_row()
        self._keys = [key for key, _, _ in items]
        for index, row in enumerate(self._rows):
            shown = index < len(items)
            row[0].setVisible(shown)
            if shown:
                key, title, detail = items[index]
                row[1].setText(title)
                row[2].setText(detail)
                row[2].setVisible(bool(detail))
                set_prop(row[0], "selected", key in selected)
            else:
                row[1].clear()
                row[2].clear()
        self._place()

    def set_columns(self, columns: int) -> None:
        if columns != self.columns:
            self.columns = columns
            self._place()

    def _place(self) -> None:
        for index, (btn, _, _) in enumerate(self._rows):
            self._grid.removeWidget(btn)
            self._grid.addWidget(btn, index // self.columns, index % self.columns)
        self._grid.setRowStretch(len(self._rows), 1)

    def _add_row(self) -> None:
        index = len(self._rows)
        row = LabelButton()
        set_prop(row, "role", "choice")
        title, detail = label("", "Heading"), label("", "Muted")
        row.add(title)
        row.add(detail)
        row.clicked.connect(lambda _=False, i=index: self._click(i))
        self._rows.append((row, title, detail))

    def _click(self, index: int) -> None:
        if index < len(self._keys):
            self.chosen.emit(self._keys[index])

    def visible_count(self) -> int:
        return len(self._keys)
