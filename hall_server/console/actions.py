"""State changes the console adds, each inside the caller's transaction (run through
``api.deps.mutate`` for idempotency and the audit log):

* kiosk help requests (呼叫帮办, domain.md ACC-11: the kiosk must never be the only
  path; a resident can always call a person) and their resolution;
* a manager prioritising or transferring a waiting ticket.

Events carry no personal data: a help request names the kiosk, never the resident.
"""
from __future__ import annotations

import uuid

from hall_server.clock import iso
from hall_server.console import moves
from hall_server.engine.tickets import apply, domain_call, load
from hall_server.engine.windows import load_window
from hall_server.errors import HallError, not_found
from hall_server.store import Tx


def _help_event(request: dict) -> dict:
    return {key: request[key] for key in ("id", "device", "location", "reason", "times", "state")}


def request_help(tx: Tx, device: str, location: str | None, reason: str | None) -> dict:
    """Open a help request for ``device``. Pressed again while one is open, the same
    request is raised again (``times`` + 1) rather than a second one opened."""
    at = iso(tx.at)
    found = tx.one("SELECT * FROM help_requests WHERE device = ? AND state = 'open'", (device,))
    if found:
        changes = {"times": found["times"] + 1, "last_requested_at": at,
                   "location": location or found["location"], "reason": reason or found["reason"]}
        tx.update("help_requests", "id", found["id"], changes)
        request = {**found, **changes}
    else:
        request = {"id": uuid.uuid4().hex, "device": device, "location": location, "reason": reason, "state": "open",
                   "times": 1, "requested_at": at, "last_requested_at": at, "resolved_at": None,
                   "resolved_by": None, "note": None}
        tx.insert("help_requests", request)
    tx.event("help.requested", _help_event(request))
    return request


def resolve_help(tx: Tx, request_id: str, actor: str, note: str | None) -> dict:
    """Mark a help request handled; a second resolve is refused (``bad_state``)."""
    found = tx.one("SELECT * FROM help_requests WHERE id = ?", (request_id,))
    if found is None:
        raise not_found("求助请求", "help request")
    if found["state"] != "open":
        raise HallError("bad_state", "该求助已处理", "this help request was already resolved")
    changes = {"state": "resolved", "resolved_at": iso(tx.at), "resolved_by": actor, "note": note}
    tx.update("help_requests", "id", request_id, changes)
    request = {**found, **changes}
    tx.event("help.resolved", {**_help_event(request), "resolved_by": actor})
    return request


def prioritise(hall, tx: Tx, ticket_id: str, actor: str):
    """A waiting ticket joins the green class (绿色通道)."""
    ticket = load(tx, ticket_id)
    after = domain_call(moves.prioritise, ticket, tx.at)
    return apply(tx, ticket, after, "prioritise", actor, "ticket.prioritised")


def transfer_waiting(hall, tx: Tx, ticket_id: str, actor: str, to_category: str | None, to_window: str | None):
    """A waiting ticket moves to another category and/or to the head of one window's line."""
    if to_category and to_category not in hall.categories:
        raise HallError("unknown_category", f"没有编码为 {to_category} 的业务类别", f"no category {to_category}")
    if to_window:
        load_window(tx, to_window)
    ticket = load(tx, ticket_id)
    after = domain_call(moves.transfer_waiting, ticket, tx.at, to_category=to_category, to_window=to_window)
    return apply(tx, ticket, after, "transfer", actor, "ticket.transferred", from_category=ticket.category,
                 to_category=to_category, to_window=to_window, by="manager")
