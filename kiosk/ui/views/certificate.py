"""证明打印, first half: the card on the reader, the certificate, its parameters, and the
waits (fetching from the department, printing, confirming with the hall).

Only the card identifies the resident (docs/certificates.md "Trust model"): these views
offer no keypad. What they show of the person is the masked name (``张*``); the full
number and name stay inside the core's screen until the hall has issued the document.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QProgressBar

from kiosk.core.certificate_flow import ChooseType, Fetching, Identify, Params, Printing, Reporting, SetPeriod, \
    SetPurpose
from kiosk.core.identity import mask_name
from kiosk.core.intents import Back, Choose, Home, Submit
from kiosk.ui.views.base import Look, View, instruction, row
from kiosk.ui.widgets import ChoiceList, NoticeBox, button, label, set_prop

CENTER = Qt.AlignmentFlag.AlignCenter
# English for the default purposes (hall_server/config/certificates.py); a hall's own show as written.
PURPOSES_EN = {"购房": "Buying a home", "入学": "School enrolment", "落户": "Household registration",
               "贷款": "Loan", "公积金贷款": "Provident fund loan", "就医结算": "Medical bill settlement",
               "其他": "Other"}


def type_name(kind, look: Look) -> str:
    """A certificate type's name in the current language (the hall may give no English)."""
    return look.pick(kind.name, kind.name_en)


class CertificateIdentifyView(View):
    """请放置身份证: the reader's art, the masked name once read, and why there is no keypad."""

    screens = (Identify,)

    def __init__(self, send):
        super().__init__(send)
        self.swipe, self.swipe_text = instruction("idcard", 200)
        self.read = label("", "Heading", align=CENTER)
        self.reader = NoticeBox()
        self.notice = NoticeBox()
        self.hint = label("", "Muted")
        self.back = button("", "", lambda: self.send(Back()))
        self.box.addWidget(self.reader)
        self.box.addWidget(self.notice)
        self.box.addStretch(1)
        for widget in (self.swipe, self.read, self.hint):
            self.box.addWidget(widget)
        self.box.addStretch(2)
        self.box.addLayout(row(self.back, None))

    def render(self, screen: Identify, look: Look) -> None:
        super().render(screen, look)
        self.swipe_text.setText(self.tr("请将本人身份证放在读卡区"))
        read = screen.card is not None
        self.read.setText(self.tr("已读取 %1 的身份证，正在准备…").replace("%1", mask_name(screen.card.name)) if read else "")
        self.read.setVisible(read)
        if look.reader_ready:
            self.reader.clear()
        else:
            self.reader.show_notice(self.tr("请注意"), self.tr("身份证阅读器暂时不能使用，不能打印证明"),
                                    self.tr("请到总服务台，工作人员会帮助您"), "error")
        self.show_notice(self.notice, screen.notice, look)
        self.hint.setText(self.tr("打印证明须使用本人身份证原件，不能手工输入号码。身份证放好后没有反应，请拿起后重新放置。"))
        self.back.setText(self.tr("返回"))


class CertificateTypesView(View):
    """The certificates this hall offers, with the issuing department under each."""

    screens = (ChooseType,)

    def __init__(self, send):
        super().__init__(send)
        self.holder = label("", "Heading")
        self.choices = ChoiceList(1)
        self.choices.chosen.connect(lambda code: self.send(Choose(code)))
        self.back = button("", "", lambda: self.send(Back()))
        self.box.addWidget(self.holder)
        self.box.addWidget(self.choices, 1)
        self.box.addLayout(row(self.back, None))

    def render(self, screen: ChooseType, look: Look) -> None:
        super().render(screen, look)
        self.holder.setText(self.tr("身份证：%1").replace("%1", mask_name(screen.card.name)))
        self.choices.set_columns(1 if look.portrait or look.elderly else 2)
        self.choices.set_items([(t.code, type_name(t, look), t.department) for t in screen.types])
        self.back.setText(self.tr("返回"))


class CertificateParamsView(View):
    """查询期间 and 用途 as big toggle buttons; 查询并生成 sends ``Submit``."""

    screens = (Params,)

    def __init__(self, send):
        super().__init__(send)
        self.title = label("", "Prompt")
        self.period_heading = label("", "Heading")
        self.periods, self.period_grid = [], QGridLayout()
        self.purpose_heading = label("", "Heading")
        self.purposes, self.purpose_grid = [], QGridLayout()
        self.notice = NoticeBox()
        self.submit = button("", "primary", lambda: self.send(Submit()))
        self.back = button("", "", lambda: self.send(Back()))
        for grid in (self.period_grid, self.purpose_grid):
            grid.setSpacing(14)
        self.box.addWidget(self.title)
        self.box.addWidget(self.period_heading)
        self.box.addLayout(self.period_grid)
        self.box.addWidget(self.purpose_heading)
        self.box.addLayout(self.purpose_grid)
        self.box.addWidget(self.notice)
        self.box.addStretch(1)
        self.box.addLayout(row(self.back, None, self.submit))

    def render(self, screen: Params, look: Look) -> None:
        super().render(screen, look)
        kind = screen.kind
        columns = 2 if look.elderly or look.width < 900 else 3
        self.title.setText(type_name(kind, look))
        self.period_heading.setText(self.tr("查询期间"))
        self.period_heading.setVisible(bool(kind.periods))
        months = [(m, self.tr("近 %1 个月").replace("%1", str(m))) for m in kind.periods]
        self._fill(self.periods, self.period_grid, months, screen.period_months, columns, SetPeriod)
        self.purpose_heading.setText(self.tr("用途"))
        self.purpose_heading.setVisible(bool(kind.purposes))
        purposes = [(p, look.pick(p, PURPOSES_EN.get(p, p))) for p in kind.purposes]
        self._fill(self.purposes, self.purpose_grid, purposes, screen.purpose, columns, SetPurpose)
        self.show_notice(self.notice, screen.notice, look)
        self.submit.setText(self.tr("查询并生成证明"))
        self.back.setText(self.tr("返回"))

    def _fill(self, pool: list, grid: QGridLayout, items: list, chosen, columns: int, intent) -> None:
        """Reuse the pool's buttons (a kiosk runs for weeks: no widget per redraw)."""
        while len(pool) < len(items):
            index = len(pool)
            pool.append(button("", "choice", lambda _=False, p=pool, i=index, make=intent: self._tap(p, i, make)))
        for index, widget in enumerate(pool):
            grid.removeWidget(widget)
            shown = index < len(items)
            widget.setVisible(shown)
            if shown:
                value, text = items[index]
                widget.value = value
                widget.setText(text)
                set_prop(widget, "selected", value == chosen)
                grid.addWidget(widget, index // columns, index % columns)

    def _tap(self, pool: list, index: int, make) -> None:
        self.send(make(pool[index].value))


class CertificateBusyView(View):
    """A running indication while the department answers, the page prints, the hall confirms;
    while the server cannot be reached, the retry notice and a way out."""

    screens = (Fetching, Printing, Reporting)

    def __init__(self, send):
        super().__init__(send)
        self.dots = label("", "BigNumber", wrap=False, align=CENTER)
        self.status = label("", "Heading", align=CENTER)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)          # busy: no percentage is known
        self.progress.setTextVisible(False)
        self.detail = label("", "Muted", align=CENTER)
        self.notice = NoticeBox()
        self.cancel = button("", "", lambda: self.send(Home()))
        self.box.addStretch(1)
        for widget in (self.dots, self.status, self.progress, self.detail, self.notice):
            self.box.addWidget(widget)
        self.box.addLayout(row(None, self.cancel, None))
        self.box.addStretch(2)
        self._step = 0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._animate)

    def render(self, screen, look: Look) -> None:
        super().render(screen, look)
        notice = getattr(screen, "notice", None)
        self.status.setText(self._status(screen, look))
        self.detail.setText(self._detail(screen))
        self.progress.setVisible(notice is None)
        self.show_notice(self.notice, notice, look)
        self.cancel.setVisible(notice is not None)
        self.cancel.setText(self.tr("不等了，返回首页"))
        self._animate()

    def _status(self, screen, look: Look) -> str:
        if isinstance(screen, Fetching):
            return self.tr("正在向%1查询，请稍候").replace("%1", screen.kind.department)
        if isinstance(screen, Printing):
            return self.tr("证明正在打印，请在出纸口等候")
        return self.tr("正在确认打印结果…")

    def _detail(self, screen) -> str:
        if isinstance(screen, Fetching):
            return self.tr("一般只需几秒钟")
        return self.tr("证明编号：%1").replace("%1", screen.document.doc_no)

    def showEvent(self, event):  # noqa: N802 (Qt name)
        self._timer.start(400)
        super().showEvent(event)

    def hideEvent(self, event):  # noqa: N802
        self._timer.stop()
        super().hideEvent(event)

    def _animate(self) -> None:
        self._step = (self._step + 1) % 4
        self.dots.setText("●" * self._step + "○" * (3 - self._step))
