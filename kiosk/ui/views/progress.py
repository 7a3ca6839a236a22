"""进度查询 and 评价: scan the receipt or type the number; the ticket's state; five levels
with reasons for 不满意 / 非常不满意; thanks."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout

from kiosk.core.evaluation import LEVELS, EvaluationStart, Rate, Thanks
from kiosk.core.intents import (Back, ChooseLevel, Done, Evaluate, Submit, SubmitText, ToggleReason,
                                UseKeypad)
from kiosk.core.progress import STATE_TEXT, ProgressStart, ProgressView
from kiosk.ui.keypad import Keypad
from kiosk.ui.views.base import Look, View, card, instruction, row
from kiosk.ui.widgets import NoticeBox, button, label, set_prop

CENTER = Qt.AlignmentFlag.AlignCenter
# English for the default 差评 reasons (kiosk/core/settings.py); a hall's own reasons show as written.
REASONS_EN = {"等候时间太长": "Waited too long", "服务态度不好": "Unfriendly service",
              "办事效率低": "Slow service", "材料要求没有一次性告知": "Materials not explained at once",
              "办事指南不清楚": "Unclear service guide", "其他": "Other"}


class ProgressStartView(View):
    screens = (ProgressStart,)

    def __init__(self, send):
        super().__init__(send)
        self.scan, self.scan_text = instruction("scan", 150)
        self.notice = NoticeBox()
        self.keypad = Keypad("ticket")
        self.keypad.submitted.connect(lambda text: self.send(SubmitText(text)))
        self.use_keypad = button("", "", lambda: self.send(UseKeypad()))
        self.back = button("", "", lambda: self.send(Back()))
        for widget in (self.notice, self.scan, self.keypad):
            self.box.addWidget(widget)
        self.box.addStretch(1)
        self.box.addLayout(row(self.back, None, self.use_keypad))

    def render(self, screen: ProgressStart, look: Look) -> None:
        super().render(screen, look)
        self.scan_text.setText(self.tr("请将号票上的二维码对准扫码口"))
        self.show_notice(self.notice, screen.notice, look)
        self.keypad.setVisible(screen.keypad)
        self.keypad.set_placeholder(self.tr("请输入号码，如 A023"))
        self.keypad.retranslate()
        self.keypad.fit(look.width, look.sizes.px("touch"))
        self.use_keypad.setVisible(not screen.keypad)
        self.use_keypad.setText(self.tr("输入号码查询"))
        self.back.setText(self.tr("返回"))

    def wipe(self) -> None:
        super().wipe()
        self.keypad.clear()


class ProgressResultView(View):
    screens = (ProgressView,)

    def __init__(self, send):
        super().__init__(send)
        self.panel, box = card()
        self.number = label("", "BigNumber", wrap=False, align=CENTER)
        self.state = label("", "Prompt", align=CENTER)
        self.facts = label("", "Heading", align=CENTER)
        self.hint = label("", "Muted", align=CENTER)
        for widget in (self.number, self.state, self.facts, self.hint):
            box.addWidget(widget)
        self.evaluate = button("", "primary", lambda: self.send(Evaluate()))
        self.back = button("", "", lambda: self.send(Back()))
        self.box.addWidget(self.panel)
        self.box.addStretch(1)
        self.box.addLayout(row(self.back, None, self.evaluate))

    def render(self, screen: ProgressView, look: Look) -> None:
        super().render(screen, look)
        self.number.setText(screen.number)
        self.state.setText(look.pair(STATE_TEXT.get(screen.state, (screen.state, screen.state))))
        self.facts.setText(self._facts(screen))
        self.hint.setText("" if screen.by_receipt or screen.state != "done"
                          else self.tr("评价请扫描号票上的二维码"))
        self.hint.setVisible(bool(self.hint.text()))
        self.evaluate.setVisible(screen.can_evaluate)
        self.evaluate.setText(self.tr("评价本次服务"))
        self.back.setText(self.tr("再查一个"))

    def _facts(self, screen: ProgressView) -> str:
        lines = []
        if screen.window:
            lines.append(self.tr("请到 %1 办理").replace("%1", screen.window))
        if screen.ahead is not None:
            lines.append(self.tr("前面还有 %1 人").replace("%1", str(screen.ahead)))
        if screen.est_wait_min is not None:
            lines.append(self.tr("预计等候约 %1 分钟").replace("%1", str(screen.est_wait_min)))
        return "\n".join(lines)


class EvaluationStartView(View):
    screens = (EvaluationStart,)

    def __init__(self, send):
        super().__init__(send)
        self.scan, self.scan_text = instruction("scan", 150)
        self.loading = label("", "Heading", align=CENTER)
        self.notice = NoticeBox()
        self.back = button("", "", lambda: self.send(Back()))
        for widget in (self.notice, self.scan, self.loading):
            self.box.addWidget(widget)
        self.box.addStretch(1)
        self.box.addLayout(row(self.back, None))

    def render(self, screen: EvaluationStart, look: Look) -> None:
        super().render(screen, look)
        self.scan_text.setText(self.tr("请将号票上的二维码对准扫码口，为办理过的业务评价"))
        self.loading.setText(self.tr("正在查找号票，请稍候") if screen.busy else "")
        self.loading.setVisible(screen.busy)
        self.show_notice(self.notice, screen.notice, look)
        self.back.setText(self.tr("返回"))
        self.back.setEnabled(not screen.busy)


class RateView(View):
    """Five big levels, 非常满意 first; reasons appear for the two bad levels (HCP-11)."""

    screens = (Rate,)

    def __init__(self, send):
        super().__init__(send)
        self.ticket = label("", "Heading")
        self.levels = {}
        levels_box = QGridLayout()
        levels_box.setSpacing(14)
        for index, (level, _, _) in enumerate(LEVELS):
            widget = button("", "choice", lambda _=False, lv=level: self.send(ChooseLevel(lv)))
            self.levels[level] = widget
            levels_box.addWidget(widget, index, 0)
        self.reason_heading = label("", "Heading")
        self.reasons_box = QGridLayout()
        self.reasons_box.setSpacing(12)
        self.reasons: list = []
        self.notice = NoticeBox()
        self.submit = button("", "primary", lambda: self.send(Submit()))
        self.back = button("", "", lambda: self.send(Back()))
        self.box.addWidget(self.ticket)
        self.box.addLayout(levels_box)
        self.box.addWidget(self.reason_heading)
        self.box.addLayout(self.reasons_box)
        self.box.addWidget(self.notice)
        self.box.addStretch(1)
        self.box.addLayout(row(self.back, None, self.submit))

    def render(self, screen: Rate, look: Look) -> None:
        super().render(screen, look)
        self.ticket.setText(self.tr("请为 %1 号的办理服务评价").replace("%1", screen.number))
        for level, zh, en in LEVELS:
            widget = self.levels[level]
            widget.setText(f"{'★' * level}{'☆' * (5 - level)}  {look.pick(zh, en)}")
            set_prop(widget, "selected", screen.level == level)
        self._reasons(screen, look)
        self.show_notice(self.notice, screen.notice, look)
        self.submit.setText(self.tr("提交评价"))
        self.back.setText(self.tr("返回"))

    def _reasons(self, screen: Rate, look: Look) -> None:
        while len(self.reasons) < len(screen.reason_options):
            index = len(self.reasons)
            widget = button("", "choice", lambda _=False, i=index: self._toggle(i))
            self.reasons.append(widget)
            self.reasons_box.addWidget(widget, index // 2, index % 2)
        self.reason_heading.setText(self.tr("请选择不满意的原因（可多选）"))
        self.reason_heading.setVisible(screen.needs_reason)
        for index, widget in enumerate(self.reasons):
            shown = screen.needs_reason and index < len(screen.reason_options)
            widget.setVisible(shown)
            if shown:
                reason = screen.reason_options[index]
                widget.setText(look.pick(reason, REASONS_EN.get(reason, reason)))
                set_prop(widget, "selected", reason in screen.reasons)

    def _toggle(self, index: int) -> None:
        if isinstance(self.screen, Rate) and index < len(self.screen.reason_options):
            self.send(ToggleReason(self.screen.reason_options[index]))


class ThanksView(View):
    screens = (Thanks,)

    def __init__(self, send):
        super().__init__(send)
        self.message = label("", "BigNumber", align=CENTER)
        self.detail = label("", "Heading", align=CENTER)
        self.done = button("", "primary", lambda: self.send(Done()))
        self.box.addStretch(1)
        self.box.addWidget(self.message)
        self.box.addWidget(self.detail)
        self.box.addLayout(row(None, self.done, None))
        self.box.addStretch(2)

    def render(self, screen: Thanks, look: Look) -> None:
        super().render(screen, look)
        self.message.setText(self.tr("感谢您的评价"))
        self.detail.setText(self.tr("您的意见会帮助我们改进服务"))
        self.done.setText(self.tr("完成"))
