"""Issuing tickets and the ticket operations that are not tied to one window."""
from __future__ import annotations

import secrets

from hall_server.domain import estimates, numbering, persons
from hall_server.domain import tickets as life
from hall_server.domain.model import DomainError, Priority, Ticket
from hall_server.engine.views import ticket_event, ticket_view
from hall_server.errors import HallError, invalid, not_found
from hall_server.store import Tx
from hall_server.store import tickets as rows


class IdCardInput:
    """An ID number and name as typed or read; only hashed and masked forms leave here."""

    def __init__(self, number: str, name: str | None):
        self.number = number.strip().upper()
        self.name = (name or "").strip() or None

    def __repr__(self) -> str:
        return f"IdCardInput({persons.mask_id(self.number)!r})"

    def checked(self) -> "IdCardInput":
        if not persons.validate_id_number(self.number):
            raise invalid("身份证号码校验不通过，请核对后重新输入", "the ID number fails its checksum; please check it")
        return self


def person_fields(hall, card: IdCardInput | None) -> dict:
    if card is None:
        return {"person_hash": None, "person_masked": None, "name_masked": None}
    card.checked()
    return {"person_hash": persons.hash_id(card.number, hall.id_key),
            "person_masked": persons.mask_id(card.number),
            "name_masked": persons.mask_name(card.name) if card.name else None}


def resolve_target(hall, service_code: str | None, category_code: str | None):
    if service_code:
        service = hall.services.get(service_code)
        if service is None:
            raise HallError("unknown_service", f"没有编码为 {service_code} 的事项", f"no service with code {service_code}")
        return hall.categories[service.category], service
    if category_code:
        category = hall.categories.get(category_code)
        if category is None:
            raise HallError("unknown_category", f"没有编码为 {category_code} 的业务类别", f"no category with code {category_code}")
        return category, None
    raise invalid("请选择事项或业务类别", "service_code or category_code is required")


def issue(hall, tx: Tx, *, service_code=None, category_code=None, card: IdCardInput | None = None,
          priority: Priority = Priority.NORMAL, channel: str = "kiosk", appointment_code: str | None = None,
          role: str | None = None, person: dict | None = None) -> dict:
    """Issue one ticket inside ``tx``; returns the API body of POST /tickets.
    ``person`` passes already hashed and masked fields (an appointment's)."""
    category, service = resolve_target(hall, service_code, category_code)
    person = person or person_fields(hall, card)
    now = tx.at
    day = hall.day(now)
    person_issued = rows.person_count(tx, day, person["person_hash"]) if person["person_hash"] else None
    # Count first, check after: a refusal raises and the transaction rolls the counts back.
    serial = rows.next_counter(tx, day, f"cat:{category.code}")
    for_service = rows.next_counter(tx, day, f"svc:{service.code}") if service else 1
    try:
        numbering.check_issue(category, service, now, serial - 1, for_service - 1, person_issued)
    except DomainError as err:
        raise HallError.from_domain(err) from err
    ticket = Ticket(id=secrets.token_hex(16), number=numbering.format_number(category.prefix, serial, category.padding),
                    serial=serial, category=category.code, day=day, issued_at=now, queued_at=now,
                    service=service.code if service else None, channel=channel, priority=priority,
                    appointment_code=appointment_code, **person)
    status_token = secrets.token_urlsafe(12)
    rows.insert(tx, ticket, status_token)
    tx.insert("ticket_history", {"ticket_id": ticket.id, "at": tx.at_ms,
                                 "action": "issue", "from_state": None, "to_state": ticket.state.value,
                                 "window_id": None, "actor": channel})
    tx.event("ticket.issued", ticket_event(ticket, channel=channel, issued_at=now.isoformat(timespec="seconds")))
    ahead = rows.count_ahead_at_issue(tx, ticket)
    return ticket_view(hall, ticket, role=role, status_token=status_token, ahead=ahead,
                       est_wait_min=estimate_minutes(hall, tx, category.code, ahead))


def open_windows_for(tx: Tx, category: str) -> int:
    rows_ = tx.all("SELECT categories FROM windows WHERE state = 'open'")
    return sum(1 for r in rows_ if f'"{category}"' in r["categories"])


def estimate_minutes(hall, tx: Tx, category: str, ahead: int) -> int:
    return estimates.estimate_wait_minutes(ahead, open_windows_for(tx, category), hall.mean_service_seconds(category))


def load(tx: Tx, ticket_id: str) -> Ticket:
    ticket = rows.get(tx, ticket_id)
    if ticket is None:
        raise not_found("号票", "ticket")
    return ticket


def apply(tx: Tx, before: Ticket, after: Ticket, action: str, actor: str | None, event: str, **extra) -> Ticket:
    rows.save(tx, before, after, action, actor)
    tx.event(event, ticket_event(after, **extra))
    return after


def domain_call(fn, *args, **kwargs):
    """Run a domain transition, turning its refusal into the API's error."""
    try:
        return fn(*args, **kwargs)
    except DomainError as err:
        raise HallError.from_domain(err) from err


def requeue(hall, tx: Tx, ticket_id: str, actor: str, policy) -> Ticket:
    ticket = load(tx, ticket_id)
    waiting = rows.waiting(tx, [ticket.category])
    after = domain_call(life.requeue, ticket, tx.at, policy, waiting)
    return apply(tx, ticket, after, "requeue", actor, "ticket.requeued")


def cancel(hall, tx: Tx, ticket_id: str, actor: str) -> Ticket:
    ticket = load(tx, ticket_id)
    after = domain_call(life.cancel, ticket, tx.at)
    return apply(tx, ticket, after, "cancel", actor, "ticket.cancelled")


def expire_old(hall, tx: Tx) -> int:
    """End of day: every open ticket of an earlier numbering day expires."""
    old = rows.open_tickets_before(tx, hall.day(tx.at))
    for ticket in old:
        apply(tx, ticket, domain_call(life.expire, ticket, tx.at), "expire", "system", "ticket.cancelled",
              reason="expired")
    if old:
        tx.execute("UPDATE windows SET current_ticket = NULL WHERE current_ticket IN "
                   f"({', '.join('?' for _ in old)})", [t.id for t in old])
    return len(old)
