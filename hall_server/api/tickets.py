"""Tickets: issue, look up, public status, requeue, cancel."""
from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request

from hall_server.api.deps import get_hall, mutate, own_window, roles
from hall_server.api.schemas import Action, TicketCreate
from hall_server.auth import Principal
from hall_server.domain import policy as call_policy
from hall_server.domain.model import Priority, TicketState
from hall_server.engine import tickets as engine
from hall_server.engine.tickets import IdCardInput, estimate_minutes
from hall_server.engine.views import ticket_view
from hall_server.errors import HallError, not_found
from hall_server.runtime import Hall
from hall_server.store import tickets as rows

router = APIRouter(tags=["tickets"])


@router.post("/tickets", status_code=201)
async def issue_ticket(body: TicketCreate, request: Request, who: Principal = Depends(roles("kiosk", "manager"))):
    """Take a number: checks hours, quota and per-person limits; idempotent by request_id."""
    hall: Hall = request.app.state.hall
    card = IdCardInput(body.id_card.number, body.id_card.name) if body.id_card else None
    return await mutate(request, who, "ticket.issue", body.service_code or body.category_code,
                  lambda tx: engine.issue(hall, tx, service_code=body.service_code, category_code=body.category_code,
                                          card=card, priority=Priority(body.priority), channel=body.channel,
                                          role=who.role),
                  request_id=body.request_id, status=201)


@router.get("/tickets")
async def list_tickets(state: str = "waiting", category: str | None = None, window: str | None = None,
                       hall: Hall = Depends(get_hall), who: Principal = Depends(roles("counter", "manager"))):
    """Today's tickets in one state (default: the waiting line), oldest first. With
    ``window``: the tickets that window would call — its categories and those transferred to it."""
    if state not in {s.value for s in TicketState}:
        raise HallError("invalid_input", f"未知状态：{state}", f"unknown state {state}")
    params: list = [state, hall.day()]
    where = "state = ? AND day = ?"
    if category:
        where += " AND category = ?"
        params.append(category)
    if window:
        row = hall.store.one("SELECT categories FROM windows WHERE id = ?", (window,))
        if row is None:
            raise not_found("窗口", "window")
        cats = json.loads(row["categories"])
        where += f" AND (target_window = ? OR (target_window IS NULL AND category IN ({', '.join('?' for _ in cats)})))"
        params.extend([window, *cats])
    found = hall.store.all(f"SELECT * FROM tickets WHERE {where} ORDER BY queued_at LIMIT 500", params)
    return {"tickets": [ticket_view(hall, rows.from_row(r), role=who.role) for r in found]}


@router.get("/tickets/lookup")
async def lookup_by_number(number: str, hall: Hall = Depends(get_hall), who: Principal = Depends(roles("any"))):
    """Today's ticket with this number (a resident typed it at the kiosk): the public view."""
    row = hall.store.one("SELECT * FROM tickets WHERE day = ? AND number = ? ORDER BY issued_at DESC LIMIT 1",
                         (hall.day(), number.strip().upper()[:16]))
    if row is None:
        raise not_found("今日号票", "ticket of today")
    return public_status(hall, rows.from_row(row))


@router.get("/tickets/{ticket_id}")
async def get_ticket(ticket_id: str, hall: Hall = Depends(get_hall), who: Principal = Depends(roles("any"))):
    """One ticket with its state history."""
    row = hall.store.one("SELECT * FROM tickets WHERE id = ?", (ticket_id,))
    if row is None:
        raise not_found("号票", "ticket")
    history = hall.store.all("SELECT at, action, from_state, to_state, window_id FROM ticket_history "
                             "WHERE ticket_id = ? ORDER BY id", (ticket_id,))
    return ticket_view(hall, rows.from_row(row), role=who.role, history=history)


@router.get("/ticket-status/{status_token}")
async def ticket_status(status_token: str, hall: Hall = Depends(get_hall)):
    """The resident's phone view: never personal data."""
    row = hall.store.one("SELECT * FROM tickets WHERE status_token = ?", (status_token,))
    if row is None:
        raise not_found("号票", "ticket")
    return public_status(hall, rows.from_row(row))


def public_status(hall: Hall, ticket) -> dict:
    """Number, state, people ahead and wait, or the window once called; nothing personal."""
    out = {"id": ticket.id, "number": ticket.number, "state": ticket.state.value, "category": ticket.category,
           "category_name": hall.categories[ticket.category].name if ticket.category in hall.categories else None,
           "issued_at": ticket.issued_at.isoformat(timespec="seconds"), "ahead": None, "est_wait_min": None,
           "window": None}
    if ticket.state == TicketState.WAITING:
        with hall.store.transaction(hall.now()) as tx:
            waiting = rows.waiting(tx)
            windows = [hall.window_rules(w) for w in tx.all("SELECT * FROM windows")]
            ahead = call_policy.queue_position(ticket, waiting, windows, tx.at)
            out.update(ahead=ahead, est_wait_min=estimate_minutes(hall, tx, ticket.category, ahead))
    elif ticket.window_id:
        out["window"] = hall.store.one("SELECT number, name FROM windows WHERE id = ?", (ticket.window_id,))
    return out


@router.post("/tickets/{ticket_id}/requeue")
async def requeue(ticket_id: str, request: Request, body: Action | None = None,
            who: Principal = Depends(roles("counter", "manager"))):
    """Send a no-show back to the line (过号重排), behind the configured number of people."""
    hall: Hall = request.app.state.hall
    row = hall.store.one("SELECT window_id FROM tickets WHERE id = ?", (ticket_id,))
    if row and row["window_id"]:
        own_window(who, row["window_id"])
    policy = hall.window_policies.get(row["window_id"]) if row and row["window_id"] else None
    return await mutate(request, who, "ticket.requeue", ticket_id,
                  lambda tx: ticket_view(hall, engine.requeue(hall, tx, ticket_id, who.subject,
                                                              policy or hall.default_policy), role=who.role),
                  request_id=body.request_id if body else None)


@router.post("/tickets/{ticket_id}/cancel")
async def cancel(ticket_id: str, request: Request, body: Action | None = None, who: Principal = Depends(roles("manager"))):
    """Cancel a waiting or no-show ticket."""
    hall: Hall = request.app.state.hall
    return await mutate(request, who, "ticket.cancel", ticket_id,
                  lambda tx: ticket_view(hall, engine.cancel(hall, tx, ticket_id, who.subject), role=who.role),
                  request_id=body.request_id if body else None)
