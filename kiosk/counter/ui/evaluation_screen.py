"""The resident's evaluation screen: a second display facing the resident (一次一评).

Between services it shows who serves at this window: photo (a drawn placeholder when
there is none), name, staff number, window. When the clerk finishes, it asks for one
of the five levels with large buttons (≥ 170 px, domain.md ACC-06); 不满意 and 非常不满意
ask for at least one reason (HCP-11) and allow a short comment; a good level is sent
on the tap itself. The resident may decline (评价自愿, GB/T 39734 4.1). It belongs to
the resident: the clerk's console neither sees the choice nor can make it (HCP-43).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QStackedLayout,
                               QVBoxLayout, QWidget)

from kiosk.counter.core.evaluation import ResidentRating, level_labels
from kiosk.counter.ui.style import LEVEL_COLOURS, NAVY, RESIDENT_QSS

IDLE, ASK, REASONS, THANKS = range(4)
PHOTO_PX = 180


def clerk_photo(photo_dir: Path | None, staff_number: str, name: str, size: int = PHOTO_PX) -> QPixmap:
    """``<photo_dir>/<staff number>.png|.jpg`` scaled to ``size``, or a drawn placeholder avatar."""
    for suffix in (".png", ".jpg", ".jpeg"):
        path = photo_dir / f"{staff_number}{suffix}" if photo_dir and staff_number else None
        if path is not None and path.is_file():
            pixmap = QPixmap(str(path))
            if not pixmap.isNull():
                return pixmap.scaled(size, size, Qt.KeepAspectRatio, Qt.SmoothTransformation)
    return placeholder_avatar(name, size)


def placeholder_avatar(name: str, size: int = PHOTO_PX) -> QPixmap:
    """A navy disc with the name's first character (the masked name keeps its first character)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setBrush(QColor(NAVY))
    painter.setPen(Qt.NoPen)
    painter.drawEllipse(0, 0, size, size)
    font = QFont("Noto Sans CJK SC")
    font.setPixelSize(int(size * 0.45))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignCenter, (name or "?")[0])
    painter.end()
    return pixmap


class EvaluationScreen(QWidget):
    """The resident-facing window. Emits the resident's choice; the console core submits it."""

    rated = Signal(str, int, object, str)     # number, level, reasons tuple, comment
    declined = Signal(str)                    # number
    timed_out = Signal(str)                   # number

    def __init__(self, reasons: tuple[str, ...], *, photo_dir: Path | None = None, thanks_s: float = 4.0, parent=None):
        super().__init__(parent)
        self.setObjectName("resident")
        self.setAttribute(Qt.WA_StyledBackground, True)
        self.setStyleSheet(RESIDENT_QSS)
        self.setWindowTitle(self.tr("服务评价"))
        self.offered, self.photo_dir, self.thanks_s = tuple(reasons), photo_dir, thanks_s
        self.number, self.rating, self.left_s = "", ResidentRating(), 0
        self.clerk = ("", "", "")
        self.countdown = QTimer(self)
        self.countdown.setInterval(1000)
        self.countdown.timeout.connect(self._count)
        self.labels: dict[int, str] = {}
        self.back_home = QTimer(self)
        self.back_home.setSingleShot(True)
        self.back_home.timeout.connect(self.idle)
        self._build()
        self.idle()

    # --- building ------------------------------------------------------------------------

    def _build(self) -> None:
        box = QVBoxLayout(self)
        box.setContentsMargins(48, 36, 48, 36)
        top = QHBoxLayout()
        self.photo = QLabel()
        self.photo.setFixedSize(PHOTO_PX, PHOTO_PX)
        who = QVBoxLayout()
        self.name, self.meta = self._label("clerkName"), self._label("clerkMeta")
        who.addStretch(1)
        who.addWidget(self.name)
        who.addWidget(self.meta)
        who.addStretch(1)
        top.addWidget(self.photo)
        top.addSpacing(28)
        top.addLayout(who, 1)
        box.addLayout(top)
        self.pages = QStackedLayout()
        for page in (self._idle_page(), self._ask_page(), self._reasons_page(), self._thanks_page()):
            self.pages.addWidget(page)
        box.addLayout(self.pages, 1)

    def _label(self, name: str, text: str = "") -> QLabel:
        label = QLabel(text)
        label.setObjectName(name)
        label.setWordWrap(True)
        return label

    def _idle_page(self) -> QWidget:
        page, box = QWidget(), QVBoxLayout()
        self.welcome = self._label("welcome")
        self.welcome.setAlignment(Qt.AlignCenter)
        box.addStretch(1)
        box.addWidget(self.welcome)
        box.addStretch(1)
        page.setLayout(box)
        return page

    def _ask_page(self) -> QWidget:
        page, box = QWidget(), QVBoxLayout()
        self.prompt, self.sub = self._label("prompt"), self._label("sub")
        for label in (self.prompt, self.sub):
            label.setAlignment(Qt.AlignCenter)
        row = QHBoxLayout()
        row.setSpacing(22)
        self.level_buttons = {}
        for level, zh, _en in level_labels():
            button = QPushButton()
            button.setObjectName("level")
            background, ink = LEVEL_COLOURS[level]
            button.setStyleSheet(f"background: {background}; color: {ink};")
            button.clicked.connect(lambda _=False, lv=level: self.choose(lv))
            row.addWidget(button)
            self.level_buttons[level] = button
        bottom = QHBoxLayout()
        self.count_label = self._label("countdown")
        self.decline = QPushButton()
        self.decline.setObjectName("secondary")
        self.decline.clicked.connect(self._decline)
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.decline)
        box.addStretch(1)
        box.addWidget(self.prompt)
        box.addWidget(self.sub)
        box.addSpacing(24)
        box.addLayout(row)
        box.addStretch(1)
        box.addLayout(bottom)
        page.setLayout(box)
        return page

    def _reasons_page(self) -> QWidget:
        page, box = QWidget(), QVBoxLayout()
        self.reasons_title, self.hint = self._label("prompt"), self._label("hint")
        self.chosen = self._label("sub")
        grid = QGridLayout()
        grid.setSpacing(14)
        self.reason_buttons = {}
        for i, reason in enumerate(self.offered):
            button = QPushButton(reason)
            button.setObjectName("reason")
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, r=reason: self.toggle(r))
            grid.addWidget(button, i // 4, i % 4)
            self.reason_buttons[reason] = button
        self.comment = QLineEdit()
        self.comment.setObjectName("comment")
        self.comment.setMaxLength(200)
        actions = QHBoxLayout()
        self.back, self.submit = QPushButton(), QPushButton()
        self.back.setObjectName("secondary")
        self.submit.setObjectName("submit")
        self.back.clicked.connect(self._back)
        self.submit.clicked.connect(self._submit)
        actions.addWidget(self.back)
        actions.addStretch(1)
        actions.addWidget(self.submit)
        for item in (self.reasons_title, self.chosen, self.hint):
            box.addWidget(item)
        box.addLayout(grid)
        box.addSpacing(12)
        box.addWidget(self.comment)
        box.addStretch(1)
        box.addLayout(actions)
        page.setLayout(box)
        return page

    def _thanks_page(self) -> QWidget:
        page, box = QWidget(), QVBoxLayout()
        self.thanks = self._label("thanks")
        self.thanks.setAlignment(Qt.AlignCenter)
        box.addStretch(1)
        box.addWidget(self.thanks)
        box.addStretch(1)
        page.setLayout(box)
        return page

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("服务评价"))
        self.labels = {5: self.tr("非常满意"), 4: self.tr("满意"), 3: self.tr("基本满意"), 2: self.tr("不满意"),
                       1: self.tr("非常不满意")}
        for level, button in self.level_buttons.items():
            button.setText(f"{'★' * level}\n{self.labels[level]}")
        self.prompt.setText(self.tr("请对本次服务作出评价"))
        self.decline.setText(self.tr("不评价"))
        self.reasons_title.setText(self.tr("请选择不满意的原因（可多选）"))
        self.comment.setPlaceholderText(self.tr("您的意见（可不填）"))
        self.back.setText(self.tr("返回"))
        self.submit.setText(self.tr("提交评价"))
        self.thanks.setText(self.tr("感谢您的评价！"))
        self._render()

    # --- what the console asks ---------------------------------------------------------

    def show_clerk(self, name: str, staff_number: str, window: str) -> None:
        self.clerk = (name, staff_number, window)
        self.photo.setPixmap(clerk_photo(self.photo_dir, staff_number, name))
        self._render()

    def ask(self, number: str, timeout_s: int) -> None:
        """Show the five levels for ``number``; ``timed_out`` after ``timeout_s`` without a rating."""
        self.back_home.stop()
        self.number, self.rating, self.left_s = number, ResidentRating(), int(timeout_s)
        self.countdown.start()
        self._go(ASK)

    def finish(self, status: str) -> None:
        """The prompt is over: thanks after a rating, back to idle otherwise."""
        self.countdown.stop()
        if status == "rated":
            self._go(THANKS)
            self.back_home.start(int(self.thanks_s * 1000))
        else:
            self.idle()

    def idle(self) -> None:
        self.countdown.stop()
        self.number, self.rating = "", ResidentRating()
        self._go(IDLE)

    # --- the resident --------------------------------------------------------------------

    def choose(self, level: int) -> None:
        if self.pages.currentIndex() not in (ASK, REASONS) or not self.number:
            return
        self.rating = self.rating.choose(level)
        if self.rating.immediate:
            self._send()
        else:
            self._go(REASONS)

    def toggle(self, reason: str) -> None:
        self.rating = self.rating.toggle(reason, self.offered)
        self._render()

    def _submit(self) -> None:
        self.rating = self.rating.write(self.comment.text())
        if self.rating.problem() is None:
            self._send()
        else:
            self._render()

    def _send(self) -> None:
        number, rating = self.number, self.rating
        self.countdown.stop()
        self.number = ""
        self.rated.emit(number, rating.level, rating.reasons, rating.comment)

    def _decline(self) -> None:
        number, self.number = self.number, ""
        if number:
            self.declined.emit(number)
        self.idle()

    def _back(self) -> None:
        self.rating = ResidentRating()
        self._go(ASK)

    def _count(self) -> None:
        self.left_s -= 1
        if self.left_s <= 0 and self.number:
            number, self.number = self.number, ""
            self.countdown.stop()
            self.timed_out.emit(number)
            self.idle()
            return
        self._render()

    # --- rendering -------------------------------------------------------------------------

    def _go(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        if page == REASONS:
            self.comment.clear()
        self._render()

    def _render(self) -> None:
        name, staff, window = self.clerk
        self.name.setText(name)
        self.meta.setText(self.tr("工号 %1    %2").replace("%1", staff or "—").replace("%2", window))
        self.welcome.setText(self.tr("您好，%1 为您服务").replace("%1", window or self.tr("本窗口")))
        self.sub.setText(self.tr("号码 %1").replace("%1", self.number) if self.number else "")
        self.count_label.setText(self.tr("%1 秒后自动结束").replace("%1", str(max(0, self.left_s))))
        for reason, button in self.reason_buttons.items():
            picked = reason in self.rating.reasons
            button.setChecked(picked)
            button.setText(f"✓ {reason}" if picked else reason)     # not by colour alone (ACC-04)
        level = self.rating.level
        self.chosen.setText(self.tr("您的评价：%1").replace("%1", f"{'★' * level} {self.labels.get(level, '')}")
                            if level else "")
        problem = self.rating.problem() if self.pages.currentIndex() == REASONS else None
        self.hint.setText(self.tr("请至少选择一个原因") if problem == "evaluation_reason_required" else "")
        self.submit.setEnabled(problem is None)
