"""Tables the console exports, and their CSV and XLSX files.

A table is ``(title, headers, rows)``. Exports leave the hall system, so they hold no
personal data at all, not even masked forms: a ticket row says only whether the
ticket was real-name (PIPL data minimisation, domain.md §4.1). Text cells that a
spreadsheet would run as a formula are defused (CSV/formula injection).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from hall_server.domain.model import Ticket
from hall_server.domain.tickets import service_seconds, wait_seconds

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list]


def safe_cell(value):
    """A cell value a spreadsheet shows as text: strings that start like a formula get
    a leading apostrophe; numbers and None pass through."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


TICKET_HEADERS = {
    "zh": ["日期", "号码", "业务类别", "事项", "渠道", "优先级", "状态", "窗口", "工作人员", "取号时间", "叫号时间",
           "开始办理", "办结时间", "等候分钟", "办理分钟", "重呼次数", "转移次数", "实名取号", "评价"],
    "en": ["day", "number", "category", "service", "channel", "priority", "state", "window", "clerk", "issued",
           "called", "started", "finished", "wait min", "service min", "recalls", "transfers", "real name",
           "evaluation"],
}
STATE_LABELS = {
    "zh": {"waiting": "等候中", "called": "已叫号", "serving": "办理中", "suspended": "挂起", "done": "已办结",
           "no_show": "过号", "cancelled": "已取消", "expired": "已作废"},
    "en": {},
}
PRIORITY_LABELS = {"zh": {"green": "绿色通道", "appointment": "预约", "normal": "普通"}, "en": {}}
YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def _clock(value: datetime | None, tz: tzinfo) -> str | None:
    return value.astimezone(tz).strftime("%H:%M:%S") if value else None


def ticket_table(tickets: Iterable[Ticket], names: dict, levels: dict[str, str], tz: tzinfo, lang: str = "zh") -> Table:
    """One row per ticket. ``names`` maps ``category``/``service``/``window``/``clerk``
    codes to display names; ``levels`` maps ticket id → evaluation level name."""
    yes, no = YES_NO[lang]
    rows = []
    for t in sorted(tickets, key=lambda t: (t.day, t.issued_at, t.number)):
        rows.append([t.day, t.number, names["category"].get(t.category, t.category),
                     names["service"].get(t.service, t.service) if t.service else None, t.channel,
                     PRIORITY_LABELS[lang].get(t.priority.value, t.priority.value),
                     STATE_LABELS[lang].get(t.state.value, t.state.value),
                     names["window"].get(t.window_id, t.window_id) if t.window_id else None,
                     names["clerk"].get(t.clerk, t.clerk) if t.clerk else None,
                     _clock(t.issued_at, tz), _clock(t.called_at, tz), _clock(t.started_at, tz),
                     _clock(t.finished_at, tz), _minutes(wait_seconds(t)), _minutes(service_seconds(t)),
                     t.recall_count, t.transfer_count, yes if t.person_hash else no, levels.get(t.id)])
    return Table("明细" if lang == "zh" else "tickets", TICKET_HEADERS[lang], rows)


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """One sheet per table, bold header row, frozen under the header."""
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.title[:31])
        sheet.append(table.headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([safe_cell(v) for v in row])
        sheet.freeze_panes = "A2"
        for index, header in enumerate(table.headers, start=1):
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(10, len(str(header)) * 2 + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
