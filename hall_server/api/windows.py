"""Window routes: the clerk's actions and the manager's reassignments."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from hall_server.api.deps import get_hall, mutate, own_window, roles
from hall_server.api.schemas import Action, CallTicket, Categories, ClerkAssignment, Transfer, WindowStateChange
from hall_server.auth import Principal
from hall_server.engine import windows as engine
from hall_server.engine.views import ticket_view
from hall_server.runtime import Hall

router = APIRouter(tags=["windows"])


@router.get("/windows")
async def list_windows(hall: Hall = Depends(get_hall), who: Principal = Depends(roles("any"))):
    """Every window: state, clerk, categories in calling order, current ticket."""
    with hall.store.transaction(hall.now()) as tx:
        return {"windows": [engine.window_view(hall, tx, w) for w in tx.all("SELECT * FROM windows ORDER BY number")]}


_TICKET_ACTIONS = {
    "call-next": "叫号：按叫号规则叫下一位 / call the next ticket by the window's policy",
    "recall": "重呼当前号 / recall the current ticket (count kept)",
    "skip": "过号 / the current ticket did not come: no_show",
    "start": "开始办理 / start serving the current ticket",
    "finish": "办结 / finish: the ticket is done and may be rated",
    "suspend": "挂起 / suspend service; the time is excluded from service time",
    "unsuspend": "恢复挂起的办理 / resume a suspended service",
}


def _ticket_action(name: str, fn, *allowed: str):
    """A route for one clerk action on the window's current ticket."""

    async def route(window_id: str, request: Request, body: Action | None = None,
              who: Principal = Depends(roles(*allowed))):
        own_window(who, window_id)
        hall: Hall = request.app.state.hall
        return await mutate(request, who, f"window.{name}", window_id,
                      lambda tx: ticket_view(hall, fn(hall, tx, window_id, who.subject), role=who.role),
                      request_id=body.request_id if body else None)

    route.__name__ = name.replace("-", "_")
    router.add_api_route(f"/windows/{{window_id}}/{name}", route, methods=["POST"], name=route.__name__,
                         summary=_TICKET_ACTIONS[name])


_ticket_action("call-next", engine.call_next, "counter", "manager")
_ticket_action("recall", engine.recall, "counter")
_ticket_action("skip", engine.skip, "counter")
_ticket_action("start", engine.start, "counter")
_ticket_action("finish", engine.finish, "counter")
_ticket_action("suspend", engine.suspend, "counter")
_ticket_action("unsuspend", engine.resume_ticket, "counter")


@router.post("/windows/{window_id}/call")
async def call_ticket(window_id: str, body: CallTicket, request: Request, who: Principal = Depends(roles("counter", "manager"))):
    """特呼: call one chosen waiting ticket."""
    own_window(who, window_id)
    hall: Hall = request.app.state.hall
    return await mutate(request, who, "window.call", window_id,
                  lambda tx: ticket_view(hall, engine.call_ticket(hall, tx, window_id, body.ticket_id, who.subject),
                                         role=who.role), request_id=body.request_id)


@router.post("/windows/{window_id}/transfer")
async def transfer(window_id: str, body: Transfer, request: Request, who: Principal = Depends(roles("counter"))):
    """Transfer the current ticket to a category or a window; it keeps its number and issue time."""
    own_window(who, window_id)
    hall: Hall = request.app.state.hall
    return await mutate(request, who, "window.transfer", window_id,
                  lambda tx: ticket_view(hall, engine.transfer(hall, tx, window_id, who.subject, body.to_category,
                                                               body.to_window), role=who.role),
                  request_id=body.request_id)


def _state_action(action: str):
    async def route(window_id: str, request: Request, body: WindowStateChange | None = None,
              who: Principal = Depends(roles("counter", "manager"))):
        own_window(who, window_id)
        hall: Hall = request.app.state.hall

        def change(tx):
            return engine.window_view(hall, tx, engine.change_state(hall, tx, window_id, action, who.subject,
                                                                     body.reason if body else None))

        return await mutate(request, who, f"window.{action}", window_id, change, request_id=body.request_id if body else None)

    route.__name__ = f"window_{action}"
    router.add_api_route(f"/windows/{{window_id}}/{action}", route, methods=["POST"], name=route.__name__,
                         summary=f"窗口{_STATE_ZH[action]} / window {action}")


_STATE_ZH = {"pause": "暂停", "resume": "恢复", "open": "开启", "close": "关闭"}

for _action in ("pause", "resume", "open", "close"):
    _state_action(_action)


@router.put("/windows/{window_id}/categories")
async def set_categories(window_id: str, body: Categories, request: Request, who: Principal = Depends(roles("manager"))):
    """Reassign a window's categories, in order; takes effect on the next call."""
    hall: Hall = request.app.state.hall
    return await mutate(request, who, "window.categories", window_id,
                  lambda tx: engine.window_view(hall, tx, engine.set_categories(hall, tx, window_id, body.categories,
                                                                                who.subject)),
                  request_id=body.request_id)


@router.put("/windows/{window_id}/clerk")
async def assign_clerk(window_id: str, body: ClerkAssignment, request: Request, who: Principal = Depends(roles("manager"))):
    """AB岗: put a clerk on a window, or clear it."""
    hall: Hall = request.app.state.hall
    return await mutate(request, who, "window.clerk", window_id,
                  lambda tx: engine.window_view(hall, tx, engine.assign_clerk(hall, tx, window_id, body.clerk)),
                  request_id=body.request_id)
