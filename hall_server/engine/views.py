"""JSON shapes of tickets and windows. Public views never carry personal data."""
from __future__ import annotations

from hall_server.clock import iso
from hall_server.domain.model import Ticket

PERSONAL_ROLES = {"counter", "manager", "kiosk"}


def ticket_event(ticket: Ticket, **extra) -> dict:
    """The data of a ticket.* event: no person hash, no masked name, no ID."""
    data = {"id": ticket.id, "number": ticket.number, "category": ticket.category,
            "service": ticket.service, "priority": ticket.priority.value, "state": ticket.state.value,
            "window_id": ticket.window_id, "recall_count": ticket.recall_count}
    data.update(extra)
    return data


def ticket_view(hall, ticket: Ticket, *, role: str | None = None, status_token: str | None = None, **extra) -> dict:
    category = hall.categories.get(ticket.category)
    service = hall.services.get(ticket.service) if ticket.service else None
    view = {
        "id": ticket.id, "number": ticket.number, "category": ticket.category,
        "category_name": category.name if category else ticket.category,
        "service": ticket.service, "service_name": service.name if service else None,
        "channel": ticket.channel, "priority": ticket.priority.value, "state": ticket.state.value,
        "issued_at": iso(ticket.issued_at), "called_at": iso(ticket.called_at),
        "started_at": iso(ticket.started_at), "finished_at": iso(ticket.finished_at),
        "window_id": ticket.window_id, "target_window": ticket.target_window,
        "recall_count": ticket.recall_count, "requeue_count": ticket.requeue_count,
        "suspended_seconds": ticket.suspended_seconds,
        "transfer_count": ticket.transfer_count, "appointment_code": ticket.appointment_code,
        "real_name": ticket.person_hash is not None,
    }
    if role in PERSONAL_ROLES:
        view["name_masked"] = ticket.name_masked
        view["id_masked"] = ticket.person_masked
    if status_token:
        view["status_token"] = status_token
    view.update(extra)
    return view
