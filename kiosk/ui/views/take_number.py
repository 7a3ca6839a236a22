"""取号 screens: choose a queue, choose (or search) a service, real name by card or keypad."""
from __future__ import annotations

from kiosk.core.intents import Back, Choose, Search, Skip, SubmitText, UseKeypad
from kiosk.core.take_number import ChooseCategory, ChooseService, RealName
from kiosk.ui.keypad import Keypad
from kiosk.ui.views.base import Look, View, instruction, row
from kiosk.ui.widgets import ChoiceList, NoticeBox, button, label


class CategoryView(View):
    screens = (ChooseCategory,)

    def __init__(self, send):
        super().__init__(send)
        self.choices = ChoiceList(2)
        self.choices.chosen.connect(lambda code: self.send(Choose(code)))
        self.search = button("", "", lambda: self.send(Search("")))
        self.back = button("", "", lambda: self.send(Back()))
        self.box.addWidget(self.choices, 1)
        self.box.addLayout(row(self.back, None, self.search))

    def render(self, screen: ChooseCategory, look: Look) -> None:
        super().render(screen, look)
        items = []
        for category in screen.categories:
            waiting = (screen.waiting or {}).get(category.code)
            items.append((category.code, f"{category.prefix}  {category.name}", self._waiting(waiting)))
        self.choices.set_columns(1 if look.portrait and look.elderly else 2)
        self.choices.set_items(items)
        self.search.setText(self.tr("搜索事项"))
        self.back.setText(self.tr("返回"))

    def _waiting(self, waiting) -> str:
        if waiting is None:
            return ""
        count, minutes = waiting
        if minutes is None:
            return self.tr("等候 %1 人").replace("%1", str(count))
        return self.tr("等候 %1 人，约 %2 分钟").replace("%1", str(count)).replace("%2", str(minutes))


class ServiceView(View):
    """A list of services with live search by pinyin initials (sbk → 社保卡)."""

    screens = (ChooseService,)

    def __init__(self, send):
        super().__init__(send)
        self.heading = label("", "Heading")
        self.choices = ChoiceList(1)
        self.choices.chosen.connect(lambda code: self.send(Choose(code)))
        self.keypad = Keypad("search")
        self.keypad.edited.connect(lambda text: self.send(Search(text)))
        self.empty = label("", "Muted")
        self.back = button("", "", lambda: self.send(Back()))
        self.box.addWidget(self.heading)
        self.box.addWidget(self.empty)
        self.box.addWidget(self.choices, 3)
        self.box.addWidget(self.keypad, 2)
        self.box.addLayout(row(self.back, None))

    def render(self, screen: ChooseService, look: Look) -> None:
        super().render(screen, look)
        name = screen.category.name if screen.category else self.tr("全部事项")
        self.heading.setText(self.tr("%1：输入拼音首字母可快速查找，如“sbk”找社保卡").replace("%1", name))
        self.choices.set_items([(s.code, s.name, self._rule(s.real_name)) for s in screen.results])
        self.empty.setText(self.tr("没有找到匹配的事项，请换个字母试试") if not screen.results else "")
        self.empty.setVisible(not screen.results)
        if self.keypad.text != screen.query:
            self.keypad.set_text(screen.query)
        self.keypad.set_placeholder(self.tr("拼音首字母搜索"))
        self.keypad.retranslate()
        self.keypad.fit(look.width, look.sizes.px("touch"))
        self.back.setText(self.tr("返回"))

    def _rule(self, rule: str) -> str:
        return {"required": self.tr("需要刷身份证"), "optional": self.tr("可刷身份证，也可不刷"),
                "none": self.tr("无需身份证")}.get(rule, "")

    def wipe(self) -> None:
        super().wipe()
        self.keypad.clear()


class RealNameView(View):
    """Swipe the ID card, or type the number; skip when the service allows it."""

    screens = (RealName,)

    def __init__(self, send):
        super().__init__(send)
        self.service = label("", "Heading")
        self.swipe, self.swipe_text = instruction("idcard", 180)
        self.notice = NoticeBox()
        self.keypad = Keypad("id")
        self.keypad.submitted.connect(lambda text: self.send(SubmitText(text)))
        self.use_keypad = button("", "", lambda: self.send(UseKeypad()))
        self.skip = button("", "", lambda: self.send(Skip()))
        self.back = button("", "", lambda: self.send(Back()))
        self.privacy = label("", "Hint")
        for widget in (self.service, self.swipe, self.notice, self.keypad):
            self.box.addWidget(widget)
        self.box.addStretch(1)
        self.box.addWidget(self.privacy)
        self.box.addLayout(row(self.back, None, self.use_keypad, self.skip))

    def render(self, screen: RealName, look: Look) -> None:
        super().render(screen, look)
        self.service.setText(self.tr("办理事项：%1").replace("%1", screen.selection.service_name))
        typed_only = not look.reader_ready
        self.swipe_text.setText(self.tr("本机读卡器暂不可用，请输入身份证号码") if typed_only
                                else self.tr("请将身份证放在读卡区，听到提示音后取走"))
        self.show_notice(self.notice, screen.notice, look)
        # Once typing has begun the keypad stays, even if the reader comes back meanwhile.
        keypad = screen.keypad or typed_only or bool(self.keypad.text)
        self.keypad.setVisible(keypad)
        self.keypad.set_placeholder(self.tr("请输入 18 位身份证号码"))
        self.keypad.retranslate()
        self.keypad.fit(look.width, look.sizes.px("touch"))
        self.use_keypad.setVisible(not keypad)
        self.use_keypad.setText(self.tr("输入身份证号"))
        self.skip.setVisible(screen.can_skip)
        self.skip.setText(self.tr("不实名，直接取号"))
        self.back.setText(self.tr("返回"))
        self.privacy.setText(self.tr("身份证信息仅用于本次取号，办理结束后本机立即清除"))

    def wipe(self) -> None:
        super().wipe()
        self.keypad.clear()
