"""The outbox to the provincial 好差评 platform: what is queued, sent or failing,
and the daily reconciliation report (HCP-60)."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from hall_server.api.deps import get_hall, mutate, roles
from hall_server.api.schemas import Action
from hall_server.auth import Principal
from hall_server.engine import evaluations
from hall_server.engine import outbox as engine
from hall_server.errors import not_found
from hall_server.runtime import Hall

router = APIRouter(tags=["outbox"])


@router.get("/outbox/status")
async def status(hall: Hall = Depends(get_hall), who: Principal = Depends(roles("manager", "admin"))):
    """All-time counts (queued, failed, sent, duplicate acks), the oldest unsent record's
    queue time, and whether sending is enabled."""
    upstream = hall.config.evaluation_loop.upstream
    with hall.store.transaction(hall.now()) as tx:
        return {"interface": upstream.name, "enabled": upstream.enabled,
                "counts": engine.counts(tx, "WHERE o.interface = ?", (upstream.name,))}


@router.get("/outbox/report")
async def report(date: str | None = None, format: Literal["json", "csv"] = "json",
                 hall: Hall = Depends(get_hall), who: Principal = Depends(roles("manager"))):
    """Reconciliation for the evaluations of ``date`` (default today): counts
    queued / failed / sent and each record's status; ``format=csv`` for a file."""
    day = evaluations.parse_day(date, hall.now())
    with hall.store.transaction(hall.now()) as tx:
        body = engine.report(tx, day)
    if format == "csv":
        return Response(engine.report_csv(body), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="outbox-{day}.csv"'})
    return body


@router.post("/outbox/{outbox_id}/retry")
async def retry(outbox_id: int, request: Request, body: Action | None = None,
                who: Principal = Depends(roles("manager", "admin"))):
    """Make one unsent record due now (after the upstream or the mapping was fixed)."""
    hall: Hall = request.app.state.hall

    def run(tx):
        row = engine.retry_now(tx, outbox_id)
        if row is None:
            raise not_found("上报记录", "outbox record")
        return row

    return await mutate(request, who, "outbox.retry", str(outbox_id), run, request_id=body.request_id if body else None)
