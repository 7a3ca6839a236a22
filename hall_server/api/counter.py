"""The counter console's own routes: the login window list and AB岗 duty.

* ``GET /api/v1/counter/windows`` — the hall's windows (id, number, name) for the
  console's login screen, before anyone has a token. Window names hang in the hall
  for all to read, so this says nothing private.
* ``GET /api/v1/counter/duty`` — who is logged in at this console (name and staff
  number for the resident-facing screen) and who the server has on duty at the window.
* ``POST /api/v1/counter/duty`` — AB岗 (domain.md WIN-03): the clerk logged in at a
  window takes it over, so calls, finishes and evaluations are recorded against the
  person actually serving. Managers keep ``PUT /windows/{id}/clerk`` for assigning.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from hall_server.api.deps import get_hall, mutate, roles
from hall_server.api.schemas import Action
from hall_server.auth import Principal
from hall_server.engine import windows as engine
from hall_server.errors import HallError
from hall_server.runtime import Hall

router = APIRouter(tags=["counter"])


@router.get("/counter/windows")
async def login_windows(hall: Hall = Depends(get_hall)):
    """Windows for the login screen: id, number, name, zone (public)."""
    found = hall.store.all("SELECT id, number, name, zone FROM windows ORDER BY number")
    return {"windows": found}


@router.get("/counter/duty")
async def duty(hall: Hall = Depends(get_hall), who: Principal = Depends(roles("counter"))):
    """The logged-in person and the clerk on duty at the caller's window."""
    with hall.store.transaction(hall.now()) as tx:
        return _duty_view(tx, who)


@router.post("/counter/duty")
async def take_duty(request: Request, body: Action | None = None, who: Principal = Depends(roles("counter"))):
    """AB岗: the clerk of this login takes over their window."""
    if who.kind != "session" or not who.window_id:
        raise HallError("forbidden", "请用工作人员账号登录到窗口后再上岗", "log in as a clerk at a window to take duty")
    hall: Hall = request.app.state.hall

    def change(tx):
        engine.assign_clerk(hall, tx, who.window_id, who.subject)
        return _duty_view(tx, who)

    return await mutate(request, who, "window.duty", who.window_id, change, request_id=body.request_id if body else None)


def _person(tx, username: str | None) -> dict | None:
    if not username:
        return None
    user = tx.one("SELECT username, display_name, staff_no FROM users WHERE username = ?", (username,))
    return user or {"username": username, "display_name": None, "staff_no": None}


def _duty_view(tx, who: Principal) -> dict:
    window = tx.one("SELECT id, number, name, clerk FROM windows WHERE id = ?", (who.window_id,)) \
        if who.window_id else None
    me = _person(tx, who.subject) if who.kind == "session" else None
    return {"me": me, "kind": who.kind,
            "window": {k: window[k] for k in ("id", "number", "name")} if window else None,
            "on_duty": _person(tx, window["clerk"]) if window else None}
