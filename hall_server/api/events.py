"""The live event stream (Server-Sent Events), resumable from any ``seq``."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from sse_starlette.sse import EventSourceResponse

from hall_server.api.deps import roles
from hall_server.auth import Principal

router = APIRouter(tags=["events"])


@router.get("/events")
async def events(request: Request, since: int | None = Query(default=None, ge=0),
                 who: Principal = Depends(roles("any"))):
    """Every event after ``since`` (or ``Last-Event-ID``), then live ones: frames with
    ``id: <seq>``, ``event: <type>``, ``data: {"seq","type","at","data"}``. Heartbeat
    comments keep proxies from closing an idle stream. No personal data."""
    hub = request.app.state.hub
    last_id = request.headers.get("last-event-id")
    seq = int(last_id) if last_id and last_id.isdigit() else (since if since is not None else hub.last_seq)

    async def stream():
        # sse-starlette ends this generator when the client disconnects.
        position = seq
        while not hub.closed:
            for position, frame in hub.since(position):
                yield frame
            await hub.wait(position)

    ping = getattr(request.app.state, "sse_ping_seconds", 15)
    return EventSourceResponse(stream(), ping=ping, headers={"Cache-Control": "no-store"})
