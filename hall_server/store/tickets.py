"""Ticket rows ↔ domain ``Ticket`` objects, and the ticket queries."""
from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Iterable

from hall_server.domain.model import Priority, Ticket, TicketState
from hall_server.store.db import Tx

_DT_FIELDS = {"issued_at", "queued_at", "called_at", "started_at", "finished_at", "suspended_at"}
_TICKET_FIELDS = [f.name for f in dataclasses.fields(Ticket)]
_PRIORITY_RANK = {Priority.GREEN.value: 0, Priority.APPOINTMENT.value: 1, Priority.NORMAL.value: 2}


def to_row(ticket: Ticket) -> dict:
    row = {}
    for name in _TICKET_FIELDS:
        value = getattr(ticket, name)
        if name in _DT_FIELDS:
            value = value.isoformat(timespec="milliseconds") if value else None
        elif name in ("state", "priority"):
            value = value.value
        row[name] = value
    return row


def from_row(row: dict) -> Ticket:
    kwargs = {}
    for name in _TICKET_FIELDS:
        value = row.get(name)
        if name in _DT_FIELDS:
            value = datetime.fromisoformat(value) if value else None
        elif name == "state":
            value = TicketState(value)
        elif name == "priority":
            value = Priority(value)
        kwargs[name] = value
    return Ticket(**kwargs)


def insert(tx: Tx, ticket: Ticket, status_token: str) -> None:
    """Insert a new ticket; its number stays tied to the category it was issued in."""
    row = to_row(ticket)
    row["status_token"] = status_token
    row["number_category"] = ticket.category
    tx.insert("tickets", row)


def save(tx: Tx, before: Ticket, after: Ticket, action: str, actor: str | None) -> None:
    """Write the changed fields of ``after`` and one history row."""
    old, new = to_row(before), to_row(after)
    changes = {k: v for k, v in new.items() if old[k] != v}
    if changes:
        tx.update("tickets", "id", after.id, changes)
    tx.insert("ticket_history", {
        "ticket_id": after.id, "at": tx.at_ms, "action": action,
        "from_state": before.state.value, "to_state": after.state.value,
        "window_id": after.window_id, "actor": actor,
    })


def get(tx: Tx, ticket_id: str) -> Ticket | None:
    row = tx.one("SELECT * FROM tickets WHERE id = ?", (ticket_id,))
    return from_row(row) if row else None


def get_row(tx: Tx, ticket_id: str) -> dict | None:
    return tx.one("SELECT * FROM tickets WHERE id = ?", (ticket_id,))


def by_status_token(tx: Tx, token: str) -> dict | None:
    return tx.one("SELECT * FROM tickets WHERE status_token = ?", (token,))


def waiting(tx: Tx, categories: Iterable[str] | None = None, window_id: str | None = None) -> list[Ticket]:
    """Waiting tickets of these categories, plus those transferred to ``window_id``."""
    cats = list(categories or [])
    clauses, params = [], []
    if cats:
        clauses.append(f"category IN ({', '.join('?' for _ in cats)})")
        params.extend(cats)
    if window_id:
        clauses.append("target_window = ?")
        params.append(window_id)
    where = f" AND ({' OR '.join(clauses)})" if clauses else ""
    rows = tx.all(f"SELECT * FROM tickets WHERE state = 'waiting'{where} ORDER BY queued_at, serial", params)
    return [from_row(r) for r in rows]


def count_ahead_at_issue(tx: Tx, ticket: Ticket) -> int:
    """People ahead of a just-issued (already inserted) ticket: waiting tickets of its
    category in its priority class or a higher one (a new ticket is behind all of
    them). Read from the trigger-kept ``waiting_counts``, so it costs the same with
    ten or ten thousand people waiting."""
    ranks = [p for p, r in _PRIORITY_RANK.items() if r <= _PRIORITY_RANK[ticket.priority.value]]
    row = tx.one(f"SELECT COALESCE(SUM(n), 0) AS n FROM waiting_counts WHERE category = ? "
                 f"AND priority IN ({', '.join('?' for _ in ranks)})", (ticket.category, *ranks))
    return max(0, row["n"] - 1)


def waiting_by_category(tx: Tx) -> dict[str, int]:
    return {r["category"]: r["n"] for r in tx.all(
        "SELECT category, SUM(n) AS n FROM waiting_counts GROUP BY category")}


def history(tx: Tx, ticket_id: str) -> list[dict]:
    return tx.all("SELECT at, action, from_state, to_state, window_id FROM ticket_history "
                  "WHERE ticket_id = ? ORDER BY id", (ticket_id,))


def next_counter(tx: Tx, day: str, scope: str) -> int:
    """Increment and return a per-day counter (numbering never reuses a value; a
    refused issue rolls the increment back with its transaction)."""
    return tx.execute("INSERT INTO counters (day, scope, value) VALUES (?, ?, 1) "
                      "ON CONFLICT(day, scope) DO UPDATE SET value = value + 1 RETURNING value",
                      (day, scope)).fetchone()[0]


def counter(tx: Tx, day: str, scope: str) -> int:
    row = tx.one("SELECT value FROM counters WHERE day = ? AND scope = ?", (day, scope))
    return row["value"] if row else 0


def person_count(tx: Tx, day: str, person_hash: str) -> int:
    row = tx.one("SELECT COUNT(*) AS n FROM tickets WHERE day = ? AND person_hash = ? "
                 "AND state != 'cancelled'", (day, person_hash))
    return row["n"]


def open_tickets_before(tx: Tx, day: str) -> list[Ticket]:
    rows = tx.all("SELECT * FROM tickets WHERE day < ? AND state IN "
                  "('waiting', 'called', 'serving', 'suspended', 'no_show')", (day,))
    return [from_row(r) for r in rows]
