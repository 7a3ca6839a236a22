"""首页: the big tiles, the kiosk's notice (printer out, unknown code), hall notices and a
scan hint (码上办: any known QR code scanned here opens its flow)."""
from __future__ import annotations

from PySide6.QtWidgets import QGridLayout

from kiosk.core.intents import Open
from kiosk.core.screens import HomeScreen
from kiosk.ui.views.base import Look, View, card, instruction
from kiosk.ui.widgets import NoticeBox, Tile, label

ICONS = {"take_number": "take_number", "check_in": "check_in", "certificate": "certificate", "guide": "guide",
         "progress": "progress", "evaluate": "evaluate"}


class HomeView(View):
    screens = (HomeScreen,)

    def __init__(self, send):
        super().__init__(send)
        self.notice = NoticeBox()
        self.grid = QGridLayout()
        self.grid.setSpacing(20)
        self.tiles: dict[str, Tile] = {}
        self.hall_card, hall_box = card()
        self.hall_heading = label("", "Heading")
        self.hall_notice = label("", "Body")
        hall_box.addWidget(self.hall_heading)
        hall_box.addWidget(self.hall_notice)
        self.scan_hint, self.scan_text = instruction("scan", 96)
        self.box.addWidget(self.notice)
        self.box.addLayout(self.grid, 1)
        self.box.addWidget(self.hall_card)
        self.box.addWidget(self.scan_hint)
        self.notices: tuple[str, ...] = ()
        self.notice_index = 0
        self._columns = 0
        self._keys: list[str] = []

    def render(self, screen: HomeScreen, look: Look) -> None:
        super().render(screen, look)
        for tile in screen.tiles:
            widget = self.tiles.get(tile.key) or self._make_tile(tile.key)
            note = look.pick(tile.notice.zh, tile.notice.en) if tile.notice and not tile.enabled else ""
            widget.set_content(look.pick(tile.label_zh, tile.label_en), note, tile.enabled,
                               look.sizes.px("touch") + 24)
        self._place([t.key for t in screen.tiles], 2 if look.portrait else 3)
        self.show_notice(self.notice, screen.notice, look)
        self.hall_heading.setText(self.tr("大厅公告"))
        self.hall_card.setVisible(bool(self.notices))
        if self.notices:
            self.hall_notice.setText(self.notices[self.notice_index % len(self.notices)])
        self.scan_text.setText(self.tr("可直接扫描号票、预约凭证或办事指南上的二维码"))
        self.scan_hint.setVisible(look.scanner_ready)

    def set_hall_notices(self, notices: tuple[str, ...]) -> None:
        self.notices = tuple(notices)
        self.notice_index = 0

    def rotate_notice(self) -> None:
        if self.notices:
            self.notice_index += 1
            self.hall_notice.setText(self.notices[self.notice_index % len(self.notices)])

    def _make_tile(self, key: str) -> Tile:
        tile = Tile(key, ICONS.get(key, "guide"))
        tile.clicked.connect(lambda _=False, k=key: self.send(Open(k)))
        self.tiles[key] = tile
        return tile

    def _place(self, keys: list[str], columns: int) -> None:
        """Lay the tiles out again when the columns or the offered tiles change (证明打印 is
        only on kiosks with an A4 printer)."""
        if (columns, keys) == (self._columns, self._keys):
            return
        self._columns, self._keys = columns, keys
        for key, tile in self.tiles.items():
            self.grid.removeWidget(tile)
            tile.setVisible(key in keys)
        for index, key in enumerate(keys):
            last_alone = index == len(keys) - 1 and len(keys) % columns == 1
            span = columns if last_alone else 1
            self.grid.addWidget(self.tiles[key], index // columns, index % columns, 1, span)
        for column in range(3):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)
