"""What goes on paper: the ticket receipt and the guide checklist, as plain data.

The printer driver has its own ``TicketReceipt`` layout; the composition root maps
these objects onto it. Only masked personal data ever reaches a receipt
(domain.md MASK-03: printouts show masked values).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

from kiosk.core.directory import HallDirectory


@dataclass(frozen=True)
class Receipt:
    """One printed queue ticket."""

    hall_name: str
    number: str
    category_name: str
    service_name: str
    ahead: int | None
    est_wait_min: int | None
    issued_at: datetime | None
    masked_name: str
    status_url: str
    notice_lines: tuple[str, ...] = ()
    priority: str = "normal"


@dataclass(frozen=True)
class Checklist:
    """A printed material checklist for one service (办事指南 → 打印材料清单)."""

    hall_name: str
    service_code: str
    service_name: str
    materials: tuple[str, ...]
    guide_url: str


@dataclass(frozen=True)
class TicketView:
    """The confirmation screen's content; the same facts as the receipt."""

    ticket_id: str
    number: str
    category_name: str
    service_name: str
    ahead: int | None
    est_wait_min: int | None
    status_url: str
    masked_name: str
    priority: str = "normal"


def status_url(template: str, status_token: str) -> str:
    """The resident's phone page for a ticket, e.g. ``https://hall/status/{token}``."""
    return template.format(token=status_token) if status_token else ""


def receipt_from_ticket(ticket: Mapping, directory: HallDirectory, *, status_url_template: str,
                        masked_name: str = "", notice_lines: tuple[str, ...] = ()) -> Receipt:
    """Map the server's ticket JSON (``POST /api/v1/tickets`` → 201) to a receipt."""
    view = ticket_view(ticket, directory, status_url_template=status_url_template, masked_name=masked_name)
    return Receipt(
        hall_name=directory.name,
        number=view.number,
        category_name=view.category_name,
        service_name=view.service_name,
        ahead=view.ahead,
        est_wait_min=view.est_wait_min,
        issued_at=_datetime(ticket.get("issued_at")),
        masked_name=view.masked_name,
        status_url=view.status_url,
        notice_lines=notice_lines,
        priority=view.priority,
    )


def ticket_view(ticket: Mapping, directory: HallDirectory, *, status_url_template: str,
                masked_name: str = "") -> TicketView:
    """The confirmation-screen facts of a ticket JSON; names come from the catalogue."""
    category_code = _code(ticket.get("category"))
    service_code = _code(ticket.get("service"))
    category = directory.category(category_code)
    service = directory.service(service_code)
    return TicketView(
        ticket_id=str(ticket.get("id") or ""),
        number=str(ticket.get("number") or ""),
        category_name=category.name if category else str(ticket.get("category_name") or _name(ticket.get("category"))),
        service_name=service.name if service else str(ticket.get("service_name") or _name(ticket.get("service"))),
        ahead=_int(ticket.get("ahead")),
        est_wait_min=_int(ticket.get("est_wait_min")),
        status_url=status_url(status_url_template, str(ticket.get("status_token") or "")),
        masked_name=masked_name or str(ticket.get("name_masked") or ""),
        priority=str(ticket.get("priority") or "normal"),
    )


def _code(value: object) -> str:
    # The server may send a bare code or an object {"code", "name"}.
    if isinstance(value, Mapping):
        return str(value.get("code") or "")
    return str(value or "")


def _name(value: object) -> str:
    if isinstance(value, Mapping):
        return str(value.get("name") or value.get("code") or "")
    return str(value or "")


def _int(value: object) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def _datetime(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
