"""The live event stream (Server-Sent Events), resumable from any ``seq``."""
from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Query, Request
from sse_starlette.sse import EventSourceResponse

from hall_server.api.deps import roles
from hall_server.auth import Principal

router = APIRouter(tags=["events"])


@router.get("/events")
async def events(request: Request, since: int | None = Query(default=None, ge=0),
                 who: Principal = Depends(roles("any"))):
    """Every event after ``since`` (or ``Last-Event-ID``), then live ones.
    Heartbeat comments keep proxies from closing an idle stream."""
    hub = request.app.state.hub
    last_id = request.headers.get("last-event-id")
    seq = int(last_id) if last_id and last_id.isdigit() else (since if since is not None else hub.last_seq)

    async def stream():
        position = seq
        while True:
            if hub.closed or await request.is_disconnected():
                return
            for event in hub.since(position):
                position = event["seq"]
                yield {"id": str(event["seq"]), "event": event["type"],
                       "data": json.dumps(event, ensure_ascii=False)}
            await hub.wait(position, timeout=1.0)

    ping = getattr(request.app.state, "sse_ping_seconds", 15)
    return EventSourceResponse(stream(), ping=ping, headers={"Cache-Control": "no-store"})
