"""Appointments: import, look up by ID card, check in."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from hall_server.api.deps import mutate, roles
from hall_server.api.schemas import AppointmentCreate, AppointmentLookup, CheckIn
from hall_server.auth import Principal
from hall_server.engine import appointments as engine
from hall_server.engine.tickets import IdCardInput
from hall_server.errors import invalid
from hall_server.runtime import Hall

router = APIRouter(tags=["appointments"])


def _card(body) -> IdCardInput | None:
    return IdCardInput(body.number, body.name) if body else None


def _aware(value, hall: Hall):
    return value if value.tzinfo else value.replace(tzinfo=hall.clock.tz)


@router.post("/appointments", status_code=201)
async def import_appointment(body: AppointmentCreate, request: Request, who: Principal = Depends(roles("manager", "admin"))):
    """Import one appointment (ID hashed and masked, never stored)."""
    hall: Hall = request.app.state.hall
    return await mutate(request, who, "appointment.import", body.code,
                  lambda tx: engine.import_one(hall, tx, body.code, body.service_code, _aware(body.slot_start, hall),
                                               _aware(body.slot_end, hall), _card(body.id_card)),
                  request_id=body.request_id, status=201)


@router.post("/appointments/lookup")
async def lookup(body: AppointmentLookup, request: Request, who: Principal = Depends(roles("kiosk", "manager"))):
    """Today's and later open appointments of the person on the card (masked)."""
    hall: Hall = request.app.state.hall
    card = _card(body.id_card).checked()
    with hall.store.transaction(hall.now()) as tx:
        person_hash = engine.tickets.person_fields(hall, card)["person_hash"]
        return {"appointments": engine.find_for_person(hall, tx, card),
                "no_show_count": engine.no_show_count(hall, tx, person_hash)}


@router.post("/appointments/{code}/check-in", status_code=201)
async def check_in(code: str, request: Request, body: CheckIn | None = None, who: Principal = Depends(roles("kiosk"))):
    """Check an appointment in at a kiosk: a priority ticket, or why not (too early, too late, not found)."""
    hall: Hall = request.app.state.hall
    if len(code) > 64:
        raise invalid("预约码过长", "appointment code too long")
    return await mutate(request, who, "appointment.check_in", code,
                  lambda tx: engine.check_in(hall, tx, code, _card(body.id_card if body else None), who.role),
                  request_id=body.request_id if body else None, status=201)
