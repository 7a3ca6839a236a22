"""The on-screen keypad: ID numbers (digits and X), codes and ticket numbers (letters and
digits), and search by pinyin initials (letters only, live).

A kiosk has no physical keyboard and its system input method is off (the scanner
types through the keyboard path, drivers/scanner/wedge.py), so every text a resident
enters comes through here. Keys are big (domain.md ACC-06) and nothing needs a gesture.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from kiosk.ui.widgets import button, label

DIGITS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "X", "0")
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"     # ticket prefixes skip I and O; pinyin initials never start with them
ALNUM_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LIMITS = {"id": 18, "code": 32, "ticket": 6, "search": 12, "pin": 12}


class Keypad(QWidget):
    """``mode``: ``id``, ``code``, ``ticket``, ``search`` or ``pin``. ``edited`` fires on every key
    in search mode; ``submitted`` on 确定 in the others."""

    edited = Signal(str)
    submitted = Signal(str)

    def __init__(self, mode: str = "id"):
        super().__init__()
        self.mode = mode
        self.text = ""
        self.display = label("", "Heading", wrap=False, align=Qt.AlignmentFlag.AlignCenter)
        self.display.setObjectName("KeypadDisplay")
        self.placeholder = ""
        self._keys = QGridLayout()
        self._keys.setSpacing(10)
        self.back = button("", "key", self._backspace)
        self.clear_key = button("", "key", self.clear)
        self.ok = button("", "primary", self._submit)
        row = QHBoxLayout()
        for widget in (self.back, self.clear_key, self.ok):
            row.addWidget(widget)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.display)
        box.addLayout(self._keys)
        box.addLayout(row)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._buttons: dict[str, object] = {}
        self._columns = 0
        self.set_mode(mode)
        self.retranslate()

    def retranslate(self) -> None:
        self.back.setText(self.tr("退格"))
        self.clear_key.setText(self.tr("清空"))
        self.ok.setText(self.tr("确定"))
        self._show()

    def fit(self, width: int, key_px: int) -> None:
        """Re-lay the letter keys in as many columns as ``width`` holds at ``key_px`` each."""
        if self.mode in ("id", "pin"):
            return
        columns = max(6, min(13, (width - 100) // (key_px + 14)))
        if columns != self._columns:
            text = self.text
            self.set_mode(self.mode, columns)
            self.set_text(text)

    def set_mode(self, mode: str, columns: int = 0) -> None:
        """Lay out the keys for ``mode``; ``columns`` 0 picks a default."""
        self.mode = mode
        keys = {"id": DIGITS, "code": tuple(ALNUM_LETTERS) + tuple("0123456789-"),
                "ticket": tuple(LETTERS) + tuple("0123456789"), "search": tuple(LETTERS),
                "pin": tuple("1234567890")}[mode]
        columns = columns or (3 if mode in ("id", "pin") else 9)
        self._columns = columns
        for key in list(self._buttons):
            widget = self._buttons[key]
            self._keys.removeWidget(widget)
            widget.setVisible(key in keys)
        for index, key in enumerate(keys):
            widget = self._buttons.get(key) or self._make_key(key)
            widget.setVisible(True)
            self._keys.addWidget(widget, index // columns, index % columns)
        self.ok.setVisible(mode != "search")
        self.clear()

    def _make_key(self, key: str):
        widget = button(key, "key", lambda _=False, k=key: self.press(k))
        self._buttons[key] = widget
        return widget

    def press(self, key: str) -> None:
        """A key tap (tests press keys this way too)."""
        if len(self.text) >= LIMITS[self.mode]:
            return
        if self.mode == "id" and key == "X" and len(self.text) != 17:
            return                       # X is only ever the check character
        self.text += key
        self._changed()

    def set_text(self, text: str) -> None:
        self.text = text[:LIMITS[self.mode]]
        self._show()

    def clear(self) -> None:
        self.text = ""
        self._changed()

    def _backspace(self) -> None:
        self.text = self.text[:-1]
        self._changed()

    def _submit(self) -> None:
        if self.text:
            self.submitted.emit(self.text)

    def _changed(self) -> None:
        self._show()
        if self.mode == "search":
            self.edited.emit(self.text)

    def _show(self) -> None:
        if not self.text:
            self.display.setText(self.placeholder)
            return
        text = self.text
        if self.mode == "pin":  # never show a PIN, only how many digits were typed
            text = "●" * len(text)
        elif self.mode == "id":   # 6-8-4 groups are easier to check against the card
            text = " ".join(part for part in (text[:6], text[6:14], text[14:]) if part)
        self.display.setText(text)

    def set_placeholder(self, text: str) -> None:
        self.placeholder = text
        self._show()

    def key_labels(self) -> list[QLabel]:
        return [w for w in self._buttons.values() if w.isVisible()]
