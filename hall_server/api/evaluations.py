"""Evaluations (一次一评), 未评, and the 差评 rectification cases.

Who sees what (HCP-42/43): a kiosk or a window sends a rating and gets back only
the rating itself, never who rated; the full record (masked evaluator fields,
GB/T 39046 Table 9, upstream state) and every case are for managers. No route
changes or deletes a rating (and the database refuses to, migration 3).
"""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import Field

from hall_server.api.deps import get_hall, mutate, roles
from hall_server.api.schemas import Action, CaseAction, EvaluationCreate
from hall_server.auth import Principal
from hall_server.domain.cases import ACTION_NAMES, REPLY_METHODS, TRANSITIONS
from hall_server.engine import cases
from hall_server.engine import evaluations as engine
from hall_server.errors import invalid, not_found
from hall_server.runtime import Hall

router = APIRouter(tags=["evaluations"])


class EvaluationBody(EvaluationCreate):
    project_no: str | None = Field(default=None, max_length=50,
                                   description="办件编号 from the business system; default: [evaluation_loop.record].project_no_template")


class UnratedBody(Action):
    reason: Literal["timeout", "declined"] = Field(default="timeout", description="timeout: the pad timed out; declined: the resident chose not to rate")
    channel: Literal["pad", "screen", "kiosk", "phone", "web"] | None = None


class CaseStep(CaseAction):
    method: str | None = Field(default=None, max_length=8, description=f"reply only: {' / '.join(REPLY_METHODS)}")
    satisfied: bool | None = Field(default=None, description="reply only: the resident is satisfied with the rectification (回访整改满意)")


@router.post("/evaluations", status_code=201)
async def evaluate(body: EvaluationBody, request: Request, who: Principal = Depends(roles("kiosk", "counter"))):
    """Record one rating of a finished ticket; a bad one opens a case. A window
    (counter) may only relay its own pad or screen, shortly after finishing."""
    hall: Hall = request.app.state.hall
    return await mutate(request, who, "evaluation.record", body.ticket_id,
                  lambda tx: engine.record(hall, tx, body.ticket_id, body.level, body.reasons, body.comment,
                                           body.channel, role=who.role, window_id=who.window_id, device=who.subject,
                                           project_no=body.project_no),
                  request_id=body.request_id, status=201)


@router.post("/evaluations/{ticket_id}/unrated", status_code=201)
async def unrated(ticket_id: str, request: Request, body: UnratedBody | None = None,
                  who: Principal = Depends(roles("kiosk", "counter"))):
    """Record 未评 for a finished ticket (pad timeout or declined); a repeat returns
    the first record with ``created: false``. A later rating (补充评价) is still taken."""
    hall: Hall = request.app.state.hall
    body = body or UnratedBody()

    def run(tx):
        row, created = engine.mark_unrated(hall, tx, ticket_id, body.reason, body.channel, role=who.role,
                                           window_id=who.window_id, actor=who.subject)
        return {**row, "created": created}

    return await mutate(request, who, "evaluation.unrated", ticket_id, run, request_id=body.request_id, status=201)


@router.get("/evaluations")
async def list_evaluations(date_from: str | None = None, date_to: str | None = None, window: str | None = None,
                           level: int | None = Query(default=None, ge=1, le=5), channel: str | None = None,
                           limit: int = Query(default=200, ge=1, le=2000), offset: int = Query(default=0, ge=0),
                           hall: Hall = Depends(get_hall), who: Principal = Depends(roles("manager"))):
    """Full records of the period (evaluation day, local), newest first."""
    start = engine.parse_day(date_from, hall.now())
    end = engine.parse_day(date_to, hall.now()) if date_to else start
    clauses, params = ["substr(at, 1, 10) BETWEEN ? AND ?"], [start, end]
    for column, value in (("window_id", window), ("level", level), ("channel", channel)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    with hall.store.transaction(hall.now()) as tx:
        found = tx.all(f"SELECT * FROM evaluations WHERE {' AND '.join(clauses)} ORDER BY at DESC, id "
                       "LIMIT ? OFFSET ?", (*params, limit, offset))
        return {"date_from": start, "date_to": end, "evaluations": [engine.full_view(tx, e) for e in found]}


@router.get("/evaluations/summary")
async def evaluation_summary(date_from: str | None = None, date_to: str | None = None,
                             hall: Hall = Depends(get_hall), who: Principal = Depends(roles("manager"))):
    """Levels, 好评率, 未评率 over the finished tickets of the numbering days, and case KPIs."""
    start = engine.parse_day(date_from, hall.now())
    end = engine.parse_day(date_to, hall.now()) if date_to else start
    if end < start:
        raise invalid("结束日期早于开始日期", "date_to is before date_from")
    with hall.store.transaction(hall.now()) as tx:
        return engine.summary(tx, start, end)


@router.get("/evaluations/{evaluation_id}")
async def get_evaluation(evaluation_id: str, hall: Hall = Depends(get_hall), who: Principal = Depends(roles("manager"))):
    """One full record with its GB/T 39046 Table 9 form and upstream state."""
    with hall.store.transaction(hall.now()) as tx:
        found = tx.one("SELECT * FROM evaluations WHERE id = ?", (evaluation_id,))
        if found is None:
            raise not_found("评价记录", "evaluation")
        return engine.full_view(tx, found)


@router.get("/cases")
async def list_cases(state: str | None = None, overdue: bool | None = None, window: str | None = None,
                     level: int | None = Query(default=None, ge=1, le=2), date_from: str | None = None,
                     date_to: str | None = None, hall: Hall = Depends(get_hall),
                     who: Principal = Depends(roles("manager"))):
    """Cases, newest first: by state, overdue now, window, level, opening day."""
    start = engine.parse_day(date_from, hall.now()) if date_from else None
    end = engine.parse_day(date_to, hall.now()) if date_to else None
    with hall.store.transaction(hall.now()) as tx:
        return {"cases": cases.list_cases(hall, tx, state=state, overdue=overdue, window=window, level=level,
                                          opened_from=start, opened_to=end)}


@router.get("/cases/{case_id}")
async def get_case(case_id: str, hall: Hall = Depends(get_hall), who: Principal = Depends(roles("manager"))):
    """One case with the rating behind it and its full history."""
    with hall.store.transaction(hall.now()) as tx:
        case = tx.one("SELECT * FROM cases WHERE id = ?", (case_id,))
        if case is None:
            raise not_found("整改工单", "case")
        return cases.case_view(tx, case, tx.at, cases.calendar(hall))


def _case_step(action: str):
    """One route per step of the loop, so OpenAPI names each (verify, rectify, reply, close, …)."""

    async def route(case_id: str, request: Request, body: CaseStep | None = None,
                    who: Principal = Depends(roles("manager"))):
        hall: Hall = request.app.state.hall
        step = body or CaseStep()
        detail = {"method": step.method, "satisfied": step.satisfied}
        return await mutate(request, who, f"case.{action}", case_id,
                      lambda tx: cases.act_on_case(hall, tx, case_id, action, who.subject, step.note, detail),
                      request_id=step.request_id)

    route.__name__ = f"case_{action}"
    router.add_api_route(f"/cases/{{case_id}}/{action}", route, methods=["POST"], name=route.__name__,
                         summary=f"差评整改：{ACTION_NAMES[action]} / case step: {action}",
                         description="Every step but close needs a `note`; `method` and `satisfied` belong to reply. "
                                     "409 `bad_state` when the case's state does not allow the step.")


for _action in TRANSITIONS:
    _case_step(_action)
