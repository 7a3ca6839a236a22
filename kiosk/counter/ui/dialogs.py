"""The console's dialogs: log in, transfer (转移), pause with a reason (暂停服务).

They only collect a choice; the console core decides whether it can be done.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGridLayout,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton, QRadioButton, QVBoxLayout)

PAUSE_REASONS = (("临时离开", "Away for a moment"), ("业务咨询或会商", "Consultation"),
                 ("用餐休息", "Meal break"), ("系统故障", "System failure"), ("培训或会议", "Training or meeting"))


class LoginDialog(QDialog):
    """Username, password and window; ``submitted`` carries them, the caller reports back with :meth:`failed`."""

    submitted = Signal(str, str, str)      # username, password, window id ("" = the account's window)

    def __init__(self, windows: list[dict], *, window_id: str = "", username: str = "", parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("窗口工作台登录"))
        self.setMinimumWidth(520)
        form = QFormLayout()
        self.username, self.password = QLineEdit(username), QLineEdit()
        self.password.setEchoMode(QLineEdit.Password)
        self.window = QComboBox()
        self.window.addItem(self.tr("按账号绑定的窗口"), "")
        for window in windows:
            self.window.addItem(f"{window.get('name') or window.get('id')}", window.get("id"))
        if window_id:
            index = self.window.findData(window_id)
            if index < 0:
                self.window.addItem(window_id, window_id)
                index = self.window.count() - 1
            self.window.setCurrentIndex(index)
        form.addRow(self.tr("账号"), self.username)
        form.addRow(self.tr("密码"), self.password)
        form.addRow(self.tr("窗口"), self.window)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.ok = QPushButton(self.tr("登录"))
        self.ok.setDefault(True)
        self.ok.clicked.connect(self._submit)
        box = QVBoxLayout(self)
        title = QLabel(self.tr("请输入工作人员账号和密码"))
        box.addWidget(title)
        box.addLayout(form)
        box.addWidget(self.error)
        box.addWidget(self.ok)
        (self.password if username else self.username).setFocus()

    def _submit(self) -> None:
        if not self.username.text().strip() or not self.password.text():
            self.failed(self.tr("请输入账号和密码"))
            return
        self.ok.setEnabled(False)
        self.error.setText(self.tr("正在登录…"))
        self.submitted.emit(self.username.text().strip(), self.password.text(), self.window.currentData() or "")

    def failed(self, message: str) -> None:
        """Show why the login did not work and let the clerk try again (the password is cleared)."""
        self.error.setText(message)
        self.password.clear()
        self.password.setFocus()
        self.ok.setEnabled(True)


class TransferDialog(QDialog):
    """转移: to another category (queue) or to a specific window."""

    def __init__(self, categories: list[tuple[str, str]], windows: list[tuple[str, str]], parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("转移"))
        self.choice: tuple[str | None, str | None] = (None, None)
        self.group = QButtonGroup(self)
        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("转到业务类别（重新排队，保留取号时间）")), 0, 0)
        grid.addWidget(QLabel(self.tr("转到指定窗口（该窗口优先呼叫）")), 0, 1)
        for column, (kind, items) in enumerate((("category", categories), ("window", windows))):
            for row, (code, name) in enumerate(items, start=1):
                button = QRadioButton(name)
                button.setProperty("target", (kind, code))
                self.group.addButton(button)
                grid.addWidget(button, row, column)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText(self.tr("转移"))
        buttons.button(QDialogButtonBox.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addLayout(grid)
        box.addWidget(buttons)

    def _accept(self) -> None:
        chosen = self.group.checkedButton()
        if chosen is None:
            return
        kind, code = chosen.property("target")
        self.choice = (code, None) if kind == "category" else (None, code)
        self.accept()


class PauseDialog(QDialog):
    """暂停服务: a reason is recorded for the manager's statistics (domain.md WIN-03)."""

    def __init__(self, language: str = "zh", parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("暂停服务"))
        self.reason = ""
        self.group = QButtonGroup(self)
        box = QVBoxLayout(self)
        box.addWidget(QLabel(self.tr("请选择暂停原因（窗口屏将显示“暂停服务”）")))
        for zh, en in PAUSE_REASONS:
            button = QRadioButton(en if language == "en" else zh)
            button.setProperty("reason", zh)
            self.group.addButton(button)
            box.addWidget(button)
        other = QHBoxLayout()
        self.other = QLineEdit()
        self.other.setPlaceholderText(self.tr("其他原因"))
        self.other.setMaxLength(100)
        other.addWidget(self.other)
        box.addLayout(other)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText(self.tr("暂停服务"))
        buttons.button(QDialogButtonBox.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)
        self.group.buttonClicked.connect(lambda _: self.other.clear())
        self.other.textEdited.connect(lambda _: self._uncheck())

    def _uncheck(self) -> None:
        self.group.setExclusive(False)
        for button in self.group.buttons():
            button.setChecked(False)
        self.group.setExclusive(True)

    def _accept(self) -> None:
        chosen = self.group.checkedButton()
        self.reason = self.other.text().strip() or (chosen.property("reason") if chosen else "")
        if self.reason:
            self.accept()
