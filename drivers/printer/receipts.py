"""What goes on a slip: receipts as plain data, and their layout as plain lines.

``layout(receipt, columns)`` turns a :class:`TicketReceipt` (号票) or a
:class:`ChecklistReceipt` (一次性告知单) into a list of :class:`Line`, :class:`Qr`
and :class:`Feed` blocks. No bytes and no printer here: the encoder decides how
each line reaches the paper (text or image), so a layout can be tested alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from drivers.printer.protocol import display_columns, printable_text

CUT_FULL, CUT_PARTIAL = "full", "partial"

# Whole-sentence templates (CONVENTIONS.md rule 10: no sentence built from fragments).
TICKET_TEXT = {
    "title": "排队号",
    "service": "办理事项：{service}",
    "ahead": "您前面还有 {ahead} 人等候",
    "wait": "预计等候约 {minutes} 分钟",
    "issued": "取号时间：{issued_at}",
    "name": "姓名：{name}",
    "scan": "微信扫码查看排队进度",
}
CHECKLIST_TEXT = {
    "service": "办理事项：{service}",
    "materials": "所需材料：",
    "material": "{index}. {name}",
    "originals": "原件{n}份",
    "copies": "复印件{n}份",
    "both": "原件{originals}份、复印件{copies}份",
    "time_limit": "办理时限：{value}",
    "fees": "收费标准：{value}",
    "windows": "办理窗口：{value}",
    "phone": "咨询电话：{value}",
    "issued": "打印时间：{issued_at}",
    "scan": "扫码查看办事指南",
}
RULE_CHAR = "—"  # U+2014, two columns; a line of it is the punctuation-only case of §2.4


@dataclass(frozen=True)
class TicketReceipt:
    """A queue ticket as printed at the kiosk. ``masked_name`` only ever in masked form (张*)."""

    hall_name: str
    number: str
    category_name: str
    service_name: str
    ahead: int
    est_wait_min: int
    issued_at: str
    status_url: str = ""
    masked_name: str | None = None
    notice: tuple[str, ...] = ()
    cut: str = CUT_FULL


@dataclass(frozen=True)
class Material:
    """One item of a service's material list: how many originals and photocopies."""

    name: str
    originals: int = 1
    copies: int = 0
    note: str = ""


@dataclass(frozen=True)
class ChecklistReceipt:
    """一次性告知单: everything a resident must bring for one service, in one slip."""

    title: str
    service_name: str
    materials: tuple[Material, ...] = ()
    time_limit: str = ""
    fees: str = ""
    windows: str = ""
    phone: str = ""
    guide_url: str = ""
    issued_at: str = ""
    notice: tuple[str, ...] = ()
    cut: str = CUT_FULL


@dataclass(frozen=True)
class Line:
    """One printed line; ``width``/``height`` are GS ! multipliers (1–8), ``align`` left/center/right."""

    text: str
    align: str = "left"
    bold: bool = False
    width: int = 1
    height: int = 1


@dataclass(frozen=True)
class Qr:
    """A QR code (GS ( k model 2, §2.2)."""

    payload: str
    module_size: int = 6


@dataclass(frozen=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True)
class Cut:
    mode: str = CUT_FULL


Block = Union[Line, Qr, Feed, Cut]


@dataclass(frozen=True)
class LayoutOptions:
    """Paper geometry: 80 mm paper prints 576 dots = 48 columns of Font A (12 dots)."""

    columns: int = 48
    number_size: int = 4
    qr_module_size: int = 6


def wrap(text: str, columns: int) -> list[str]:
    """Split ``text`` into lines of at most ``columns`` printer columns (CJK = 2)."""
    text = printable_text(text)
    lines, current, used = [], "", 0
    for ch in text:
        w = display_columns(ch)
        if used + w > columns and current:
            lines.append(current)
            current, used = "", 0
        current += ch
        used += w
    if current or not lines:
        lines.append(current)
    return lines


def _wrapped(text: str, columns: int, **style) -> list[Line]:
    width = style.get("width", 1)
    return [Line(part, **style) for part in wrap(text, max(1, columns // width))]


def rule(columns: int) -> Line:
    """A separator of em dashes across the paper."""
    return Line(RULE_CHAR * (columns // 2), align="center")


def layout(receipt, options: LayoutOptions = LayoutOptions()) -> list[Block]:
    """The blocks of ``receipt`` (a TicketReceipt or ChecklistReceipt) in print order."""
    if isinstance(receipt, TicketReceipt):
        blocks = ticket_layout(receipt, options)
    elif isinstance(receipt, ChecklistReceipt):
        blocks = checklist_layout(receipt, options)
    else:
        raise TypeError(f"not a receipt: {type(receipt).__name__}")
    if receipt.cut not in (CUT_FULL, CUT_PARTIAL):
        raise ValueError(f"cut must be {CUT_FULL!r} or {CUT_PARTIAL!r}, got {receipt.cut!r}")
    return blocks + [Cut(receipt.cut)]


def ticket_layout(t: TicketReceipt, options: LayoutOptions) -> list[Block]:
    """号票: hall, BIG number (GS !, which enlarges Chinese too, §2.1), queue facts, QR, notice."""
    cols, size, text = options.columns, options.number_size, TICKET_TEXT
    blocks: list[Block] = _wrapped(t.hall_name, cols, align="center", bold=True, width=2, height=2)
    blocks.append(Line(text["title"], align="center"))
    blocks += _wrapped(t.number, cols, align="center", bold=True, width=size, height=size)
    blocks += _wrapped(t.category_name, cols, align="center", bold=True)
    blocks.append(rule(cols))
    facts = [text["service"].format(service=t.service_name),
             text["ahead"].format(ahead=t.ahead),
             text["wait"].format(minutes=t.est_wait_min),
             text["issued"].format(issued_at=t.issued_at)]
    if t.masked_name:
        facts.append(text["name"].format(name=t.masked_name))
    for fact in facts:
        blocks += _wrapped(fact, cols)
    if t.status_url:
        blocks += [Feed(1), Qr(t.status_url, options.qr_module_size), Line(text["scan"], align="center")]
    return blocks + _notice(t.notice, cols)


def checklist_layout(c: ChecklistReceipt, options: LayoutOptions) -> list[Block]:
    """一次性告知单: title, service, numbered materials, time limit, fees, windows, phone, guide QR."""
    cols, text = options.columns, CHECKLIST_TEXT
    blocks: list[Block] = _wrapped(c.title, cols, align="center", bold=True, width=2, height=2)
    blocks += _wrapped(text["service"].format(service=c.service_name), cols, bold=True)
    blocks += [rule(cols), Line(text["materials"], bold=True)]
    for index, material in enumerate(c.materials, start=1):
        blocks += _material_lines(index, material, cols)
    blocks.append(rule(cols))
    for key in ("time_limit", "fees", "windows", "phone"):
        value = getattr(c, key)
        if value:
            blocks += _wrapped(text[key].format(value=value), cols)
    if c.issued_at:
        blocks += _wrapped(text["issued"].format(issued_at=c.issued_at), cols)
    if c.guide_url:
        blocks += [Feed(1), Qr(c.guide_url, options.qr_module_size), Line(text["scan"], align="center")]
    return blocks + _notice(c.notice, cols)


def _material_lines(index: int, m: Material, cols: int) -> list[Line]:
    text = CHECKLIST_TEXT
    lines = _wrapped(text["material"].format(index=index, name=m.name), cols)
    if m.originals and m.copies:
        count = text["both"].format(originals=m.originals, copies=m.copies)
    elif m.copies:
        count = text["copies"].format(n=m.copies)
    else:
        count = text["originals"].format(n=m.originals)
    detail = f"{count}  {m.note}" if m.note else count
    return lines + _wrapped(detail, cols - 4, align="right")


def _notice(notice: tuple[str, ...], cols: int) -> list[Block]:
    if not notice:
        return []
    blocks: list[Block] = [rule(cols)]
    for line in notice:
        blocks += _wrapped(line, cols)
    return blocks
