"""Statistics for a period."""
from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query

from hall_server.api.deps import get_hall, roles
from hall_server.auth import Principal
from hall_server.domain import stats
from hall_server.engine import appointments
from hall_server.errors import invalid
from hall_server.runtime import Hall
from hall_server.store import tickets as rows

router = APIRouter(tags=["stats"])


@router.get("/stats")
async def statistics(date_from: date | None = Query(default=None), date_to: date | None = Query(default=None),
               hall: Hall = Depends(get_hall), who: Principal = Depends(roles("manager"))):
    """Issued, served, no-show per category; wait and service times per category, window and clerk; satisfaction."""
    today = date.fromisoformat(hall.day())
    start, end = date_from or today, date_to or date_from or today
    if end < start:
        raise invalid("结束日期早于开始日期", "date_to is before date_from")
    lo, hi = start.isoformat(), end.isoformat()
    tickets = [rows.from_row(r) for r in hall.store.all("SELECT * FROM tickets WHERE day BETWEEN ? AND ?", (lo, hi))]
    pauses = [(p["window_id"], p["started_at"], p["ended_at"]) for p in hall.store.all(
        "SELECT * FROM window_pauses WHERE substr(started_at, 1, 10) BETWEEN ? AND ?", (lo, hi))]
    levels = [r["level"] for r in hall.store.all(
        "SELECT level FROM evaluations WHERE substr(at, 1, 10) BETWEEN ? AND ?", (lo, hi))]
    with hall.store.transaction(hall.now()) as tx:
        appointment_no_shows = appointments.no_shows_between(hall, tx, lo, hi)
    return {"date_from": lo, "date_to": hi, "appointment_no_shows": appointment_no_shows,
            **stats.summarize(tickets, pauses=_parse_pauses(pauses, hall), evaluation_levels=levels)}


def _parse_pauses(pauses, hall: Hall):
    from datetime import datetime
    now = hall.now()
    return [(w, datetime.fromisoformat(s), datetime.fromisoformat(e) if e else now) for w, s, e in pauses]
