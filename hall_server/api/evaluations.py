"""Evaluations (一次一评) and the 差评 rectification cases."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from hall_server.api.deps import get_hall, mutate, roles
from hall_server.api.schemas import CaseAction, EvaluationCreate
from hall_server.auth import Principal
from hall_server.domain.cases import TRANSITIONS
from hall_server.engine import evaluations as engine
from hall_server.errors import not_found
from hall_server.runtime import Hall

router = APIRouter(tags=["evaluations"])


@router.post("/evaluations", status_code=201)
async def evaluate(body: EvaluationCreate, request: Request, who: Principal = Depends(roles("kiosk", "counter"))):
    hall: Hall = request.app.state.hall
    return mutate(request, who, "evaluation.record", body.ticket_id,
                  lambda tx: engine.record(hall, tx, body.ticket_id, body.level, body.reasons, body.comment, body.channel),
                  request_id=body.request_id, status=201)


@router.get("/cases")
async def list_cases(state: str | None = None, hall: Hall = Depends(get_hall), who: Principal = Depends(roles("manager"))):
    with hall.store.transaction(hall.now()) as tx:
        found = tx.all("SELECT * FROM cases" + (" WHERE state = ?" if state else "") + " ORDER BY opened_at DESC",
                       (state,) if state else ())
        return {"cases": [engine.case_view(tx, c, tx.at) for c in found]}


@router.get("/cases/{case_id}")
async def get_case(case_id: str, hall: Hall = Depends(get_hall), who: Principal = Depends(roles("manager"))):
    with hall.store.transaction(hall.now()) as tx:
        case = tx.one("SELECT * FROM cases WHERE id = ?", (case_id,))
        if case is None:
            raise not_found("整改工单", "case")
        return engine.case_view(tx, case, tx.at)


def _case_step(action: str):
    """One route per step of the loop, so OpenAPI names each (verify, rectify, reply, close, …)."""

    async def route(case_id: str, request: Request, body: CaseAction | None = None,
                    who: Principal = Depends(roles("manager"))):
        hall: Hall = request.app.state.hall
        return mutate(request, who, f"case.{action}", case_id,
                      lambda tx: engine.act_on_case(hall, tx, case_id, action, who.subject, body.note if body else None),
                      request_id=body.request_id if body else None)

    route.__name__ = f"case_{action}"
    router.add_api_route(f"/cases/{{case_id}}/{action}", route, methods=["POST"], name=route.__name__,
                         summary=f"差评整改：{action}")


for _action in TRANSITIONS:
    _case_step(_action)
