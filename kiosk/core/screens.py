"""Screen states shared by all flows, the step result, and the context flows read.

A screen is a frozen dataclass: everything the Qt layer needs to draw it and
nothing else. ``flow`` names the module that handles its intents; ``busy`` screens
wait on the server or the printer (the idle timer pauses, Home is ignored);
``holds_person`` marks screens that may hold an ID number or name (never Home).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, ClassVar

from kiosk.core import messages
from kiosk.core.directory import HallDirectory, UsageCounter
from kiosk.core.intents import PrinterHealth
from kiosk.core.messages import Notice
from kiosk.core.receipt import Receipt, TicketView
from kiosk.core.settings import FlowSettings

TILES = (
    ("take_number", "取号", "Take a number"),
    ("check_in", "预约签到", "Appointment check-in"),
    ("certificate", "证明打印", "Print certificates"),
    ("guide", "办事指南", "Service guides"),
    ("progress", "进度查询", "Ticket status"),
    ("evaluate", "评价", "Rate a service"),
)
PRINTING_TILES = ("take_number", "check_in")
# Tiles only some kiosks offer, with the FlowSettings flag that turns each on.
OPTIONAL_TILES = {"certificate": "certificates"}


@dataclass(frozen=True)
class Screen:
    flow: ClassVar[str] = "home"
    prompt_key: ClassVar[str] = "working"

    @property
    def busy(self) -> bool:
        return False

    def prompt(self) -> tuple[str, str]:
        """The (zh, en) step prompt: on screen, and spoken in elderly mode."""
        return messages.prompt(self.prompt_key)

    def on_leave(self, ctx: "FlowContext") -> tuple:
        """Effects owed when the resident leaves this screen by 返回首页 or the idle wipe."""
        return ()


@dataclass(frozen=True)
class Tile:
    key: str
    label_zh: str
    label_en: str
    enabled: bool = True
    notice: Notice | None = None


@dataclass(frozen=True)
class HomeScreen(Screen):
    tiles: tuple[Tile, ...] = ()
    notice: Notice | None = None
    prompt_key: ClassVar[str] = "home"

    def tile(self, key: str) -> Tile:
        return next(t for t in self.tiles if t.key == key)

    def offered(self, settings: FlowSettings) -> "HomeScreen":
        """Without the tiles this kiosk does not offer (no A4 printer: no 证明打印)."""
        keep = tuple(t for t in self.tiles if t.key not in OPTIONAL_TILES or getattr(settings, OPTIONAL_TILES[t.key]))
        return self if keep == self.tiles else HomeScreen(keep, self.notice)


def home_screen(printer: PrinterHealth, notice: Notice | None = None) -> HomeScreen:
    """Home with the 取号 and 签到 tiles disabled while the printer cannot print."""
    blocked = None if printer.ready else messages.notice("printer_unavailable")
    tiles = tuple(
        Tile(key, zh, en, enabled=blocked is None or key not in PRINTING_TILES,
             notice=blocked if key in PRINTING_TILES else None)
        for key, zh, en in TILES)
    return HomeScreen(tiles, notice)


@dataclass(frozen=True)
class Refused(Screen):
    """A notice with next-step buttons; ``retry`` returns to ``retry_screen``."""

    notice: Notice = messages.notice("internal")
    retry_screen: Screen | None = None
    flow: ClassVar[str] = "notice"
    prompt_key: ClassVar[str] = "refused"

    def prompt(self) -> tuple[str, str]:
        n = self.notice
        return messages.prompt("refused", message=n.zh, advice=n.advice_zh,
                               message_en=n.en, advice_en=n.advice_en)


@dataclass(frozen=True)
class Printing(Screen):
    view: TicketView
    receipt: Receipt
    notice: Notice | None = None        # e.g. "已恢复连接" after retries
    flow: ClassVar[str] = "issuance"
    prompt_key: ClassVar[str] = "printing"

    @property
    def busy(self) -> bool:
        return True


@dataclass(frozen=True)
class Confirmation(Screen):
    """Number, people ahead, estimated wait, and the status URL for the QR code."""

    view: TicketView
    flow: ClassVar[str] = "issuance"
    prompt_key: ClassVar[str] = "confirmation"

    def prompt(self) -> tuple[str, str]:
        return messages.prompt("confirmation", number=self.view.number, ahead=self.view.ahead or 0)


@dataclass(frozen=True)
class PrintFailedScreen(Screen):
    """The ticket exists but is not on paper: show the number, never issue again."""

    view: TicketView
    receipt: Receipt
    notice: Notice
    flow: ClassVar[str] = "issuance"
    prompt_key: ClassVar[str] = "print_failed"

    def prompt(self) -> tuple[str, str]:
        return messages.prompt("print_failed", number=self.view.number)


@dataclass(frozen=True)
class FlowContext:
    """What a flow may read besides its screen and the intent."""

    directory: HallDirectory
    settings: FlowSettings
    now: datetime
    printer: PrinterHealth
    usage: UsageCounter
    new_request_id: Callable[[], str]


@dataclass(frozen=True)
class Step:
    """A flow's answer: the next screen and the effects to perform."""

    screen: Screen
    effects: tuple = ()
    usage: UsageCounter | None = None
