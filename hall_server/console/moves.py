"""A manager's moves on a *waiting* ticket: prioritise it (绿色通道) or transfer it to
another category or window. Pure transitions over ``Ticket``, like domain/tickets.py.

A clerk's transfer (domain ``transfer``) starts from a called ticket; a manager moves
one still in line, for example a resident who took the wrong number (anchors-queue.md
#34, NovoSGA's monitor "transfer"). The ticket keeps its number, issue time and place
in time (``queued_at``), so it is not sent to the back of the line (domain.md Q-07).
"""
from __future__ import annotations

from datetime import datetime

from hall_server.domain.model import DomainError, Priority, Ticket, TicketState


def _require_waiting(ticket: Ticket, action_zh: str, action_en: str) -> None:
    if ticket.state != TicketState.WAITING:
        raise DomainError("bad_state", f"号票 {ticket.number} 不在等候中，不能{action_zh}",
                          f"ticket {ticket.number} is not waiting; cannot {action_en}",
                          ticket=ticket.id, state=str(ticket.state))


def prioritise(ticket: Ticket, now: datetime) -> Ticket:
    """waiting → waiting in the green class (老年人、残疾人、孕妇等, domain.md Q-03)."""
    _require_waiting(ticket, "设为优先", "prioritise it")
    if ticket.priority == Priority.GREEN:
        raise DomainError("conflict", f"号票 {ticket.number} 已在绿色通道", f"ticket {ticket.number} is already green",
                          ticket=ticket.id)
    return ticket.with_(priority=Priority.GREEN)


def transfer_waiting(ticket: Ticket, now: datetime, to_category: str | None = None,
                     to_window: str | None = None) -> Ticket:
    """waiting → waiting in ``to_category`` and/or first in line at ``to_window``."""
    _require_waiting(ticket, "转移", "transfer it")
    if not to_category and not to_window:
        raise DomainError("invalid_input", "请指定转入的业务类别或窗口", "give to_category or to_window")
    if to_category == ticket.category and not to_window:
        raise DomainError("invalid_input", f"号票 {ticket.number} 已在该类别中", f"ticket {ticket.number} is already in {to_category}")
    return ticket.with_(category=to_category or ticket.category,
                        service=ticket.service if not to_category or to_category == ticket.category else None,
                        target_window=to_window, transfer_count=ticket.transfer_count + 1)
