"""Health, the hall's catalogue, the live queue snapshot, logins and device heartbeats."""
from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request

from hall_server import __version__
from hall_server.api.deps import audit, get_hall, get_principal, mutate, roles
from hall_server.api.schemas import Heartbeat, Login
from hall_server.auth import Principal
from hall_server.clock import iso
from hall_server.engine.queue import snapshot
from hall_server.errors import HallError
from hall_server.runtime import Hall

router = APIRouter(tags=["system"])


@router.get("/health")
async def health(hall: Hall = Depends(get_hall)):
    """Liveness, version and the hall's time."""
    return {"status": "ok", "version": __version__, "time": iso(hall.now())}


@router.get("/hall")
async def hall_catalogue(hall: Hall = Depends(get_hall), who: Principal = Depends(roles("any"))):
    """Zones, categories, services with guides, windows."""
    return hall.catalogue()


@router.get("/queue")
async def queue(hall: Hall = Depends(get_hall), who: Principal = Depends(roles("any"))):
    """Live snapshot: waiting and estimated wait per category, windows, recent calls, and the seq to follow from."""
    return snapshot(hall)


@router.post("/auth/login")
async def login(body: Login, request: Request):
    """Log a person in: a session token with its role and expiry; locks after repeated failures."""
    hall: Hall = request.app.state.hall
    auth = request.app.state.auth
    anonymous = Principal(body.username, "anonymous", "session", "-")
    checked = await auth.check_password(body.username, body.password, hall.now())
    with hall.store.transaction(hall.now()) as tx:
        outcome = auth.login(tx, body.username, body.password, body.window_id, checked)
        audit(tx, anonymous, "auth.login", body.username,
              "ok" if isinstance(outcome, dict) else f"refused:{outcome.code}",
              _lock_detail(tx, auth, body.username, outcome))
    if isinstance(outcome, HallError):
        raise outcome
    return outcome


def _lock_detail(tx, auth, username: str, outcome) -> dict | None:
    """A refused login on a locked name (the failure that locked it, and any try
    after) records until when: lock-out is a security event (domain.md SEC-04).
    Names without an account lock too, so that the answers do not tell which exist;
    whether it was one is only in the audit row."""
    if isinstance(outcome, dict):
        return None
    until = auth.locked_until(tx, username)
    if until is None:
        return None
    known = tx.one("SELECT 1 FROM users WHERE username = ? AND NOT disabled", (username,))
    return {"locked_until": until, "account": bool(known)}


@router.post("/auth/logout")
async def logout(request: Request, who: Principal = Depends(get_principal)):
    """Revoke the caller's own token."""
    hall: Hall = request.app.state.hall

    def revoke(tx):
        tx.execute("UPDATE tokens SET revoked_at = ? WHERE token_hash = ?", (iso(tx.at), who.token_hash))
        return {"ok": True}

    response = await mutate(request, who, "auth.logout", who.subject, revoke)
    request.app.state.auth.forget()
    return response


@router.post("/devices/heartbeat")
async def heartbeat(body: Heartbeat, request: Request, who: Principal = Depends(roles("kiosk", "counter", "display", "agent"))):
    """A device's component health (printer paper, reader, scanner); changes raise device.health."""
    hall: Hall = request.app.state.hall

    def record(tx):
        components = json.dumps(body.components, ensure_ascii=False, sort_keys=True)
        before = tx.one("SELECT components FROM devices WHERE name = ?", (body.device,))
        tx.execute("INSERT INTO devices (name, role, last_seen, components) VALUES (?, ?, ?, ?) "
                   "ON CONFLICT(name) DO UPDATE SET role = excluded.role, last_seen = excluded.last_seen, "
                   "components = excluded.components", (body.device, who.role, iso(tx.at), components))
        if before is None or before["components"] != components:
            tx.event("device.health", {"device": body.device, "role": who.role, "components": body.components})
        return {"ok": True, "time": iso(tx.at)}

    with hall.store.transaction(hall.now()) as tx:
        return record(tx)


@router.get("/devices")
async def devices(hall: Hall = Depends(get_hall), who: Principal = Depends(roles("manager", "admin"))):
    """Every device's last heartbeat."""
    found = hall.store.all("SELECT * FROM devices ORDER BY name")
    for row in found:
        row["components"] = json.loads(row["components"])
    return {"devices": found}
