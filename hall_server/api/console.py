"""Manager console API (docs/manager-console.md): the board, live queues, alarms,
devices, 差评 case details, statistics, exports and the daily report; kiosk help
requests (呼叫帮办); a manager prioritising or transferring a waiting ticket."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from hall_server.api.deps import get_hall, mutate, roles
from hall_server.api.schemas import Action, RequestId
from hall_server.auth import Principal
from hall_server.console import actions, exports, period, views
from hall_server.engine.views import ticket_view
from hall_server.errors import forbidden, invalid, not_found
from hall_server.runtime import Hall

router = APIRouter(tags=["console"])
MAX_PERIOD_DAYS = 366


class HelpRequestCreate(BaseModel):
    device: str | None = Field(default=None, min_length=1, max_length=64, description="kiosk name; default the token's device")
    location: str | None = Field(default=None, max_length=100, description="where the kiosk stands, e.g. 24小时自助区 3号机")
    reason: str | None = Field(default=None, max_length=200, description="what the resident needs, from the kiosk's list")
    request_id: str | None = RequestId


class HelpResolve(Action):
    note: str | None = Field(default=None, max_length=500)


class WaitingTransfer(Action):
    to_category: str | None = Field(default=None, max_length=16)
    to_window: str | None = Field(default=None, max_length=32)


def _period(hall: Hall, date_from: date | None, date_to: date | None) -> tuple[date, date]:
    today = date.fromisoformat(hall.day())
    start, end = date_from or today, date_to or date_from or today
    if end < start:
        raise invalid("结束日期早于开始日期", "date_to is before date_from")
    if end - start > timedelta(days=MAX_PERIOD_DAYS):
        raise invalid(f"统计期间不能超过 {MAX_PERIOD_DAYS} 天", f"a period may span at most {MAX_PERIOD_DAYS} days")
    return start, end


@router.get("/console/context")
async def console_context(hall: Hall = Depends(get_hall), who: Principal = Depends(roles("manager"))):
    """Hall name, today, alarm thresholds, catalogue names, the 差评 loop's steps."""
    return {**views.context(hall), "user": {"subject": who.subject, "role": who.role}}


@router.get("/console/board")
async def console_board(hall: Hall = Depends(get_hall), who: Principal = Depends(roles("manager"))):
    """Every window: state, clerk, current ticket and today's counts; the clerks (AB岗)."""
    return views.board(hall)


@router.get("/console/queues")
async def console_queues(hall: Hall = Depends(get_hall), who: Principal = Depends(roles("manager"))):
    """Each category's line with wait-time and length alarms, and the waiting tickets."""
    return views.queues(hall)


@router.get("/console/alarms")
async def console_alarms(hall: Hall = Depends(get_hall), who: Principal = Depends(roles("manager"))):
    """Every alarm now (queues, devices, help requests, cases), alarms before warnings."""
    return views.all_alarms(hall)


@router.get("/console/devices")
async def console_devices(hall: Hall = Depends(get_hall), who: Principal = Depends(roles("manager", "admin"))):
    """Devices with online state (``[console] device_offline_minutes``) and problems."""
    return views.devices(hall)


@router.get("/console/case-details")
async def console_case_details(hall: Hall = Depends(get_hall), who: Principal = Depends(roles("manager"))):
    """Ticket, window, clerk (or self-printed document and kiosk) and evaluation behind each 差评 case, by case id."""
    return views.case_details(hall)


@router.get("/console/stats")
async def console_stats(date_from: date | None = None, date_to: date | None = None, hall: Hall = Depends(get_hall),
                        who: Principal = Depends(roles("manager"))):
    """GET /stats plus hourly arrivals and calls, the wait distribution, 好评率, 未评率, names."""
    return period.statistics(hall, *_period(hall, date_from, date_to))


@router.get("/console/daily-report")
async def console_daily_report(day: date | None = Query(default=None, alias="date"), hall: Hall = Depends(get_hall),
                               who: Principal = Depends(roles("manager"))):
    """One day's figures, window pauses with reasons and help requests, for printing."""
    start, _ = _period(hall, day, day)
    return period.daily_report(hall, start)


@router.get("/console/export")
async def console_export(kind: Literal["tickets", "categories", "windows", "clerks", "satisfaction", "all"] = "tickets",
                         fmt: Literal["csv", "xlsx"] = Query(default="csv", alias="format"), lang: Literal["zh", "en"] = "zh",
                         date_from: date | None = None, date_to: date | None = None,
                         hall: Hall = Depends(get_hall), who: Principal = Depends(roles("manager"))):
    """One table as CSV (UTF-8 with BOM), or an XLSX workbook (``kind=all``: every table)."""
    start, end = _period(hall, date_from, date_to)
    if fmt == "csv" and kind == "all":
        raise invalid("CSV 每次只能导出一张表，请选择具体类型", "a CSV holds one table; choose a kind")
    tables = period.export_tables(hall, start, end, kind, lang)
    span = start.isoformat() if start == end else f"{start.isoformat()}_{end.isoformat()}"
    name = f"hallterm-{kind}-{span}.{fmt}"
    if fmt == "csv":
        body, media = exports.to_csv(tables[0]), "text/csv; charset=utf-8"
    else:
        body, media = exports.to_xlsx(tables), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                     "Cache-Control": "no-store"})


@router.post("/help-requests", status_code=201)
async def request_help(body: HelpRequestCreate, request: Request, who: Principal = Depends(roles("kiosk"))):
    """呼叫帮办 from a kiosk; pressed again while open, the same request is raised again."""
    device = body.device or who.subject
    return await mutate(request, who, "help.request", device,
                  lambda tx: actions.request_help(tx, device, body.location, body.reason),
                  request_id=body.request_id, status=201)


@router.get("/help-requests")
async def list_help_requests(state: Literal["open", "resolved", "all"] = "open", hall: Hall = Depends(get_hall),
                             who: Principal = Depends(roles("manager"))):
    """Help requests, newest first (at most 200)."""
    return {"help_requests": views.help_requests(hall, state)}


@router.get("/help-requests/{request_id}")
async def get_help_request(request_id: str, hall: Hall = Depends(get_hall),
                           who: Principal = Depends(roles("manager", "kiosk"))):
    """One help request; a kiosk sees only its own (to show "工作人员已处理")."""
    found = hall.store.one("SELECT * FROM help_requests WHERE id = ?", (request_id,))
    if found is None:
        raise not_found("求助请求", "help request")
    if who.role == "kiosk" and found["device"] != who.subject:
        raise forbidden()
    return found


@router.post("/help-requests/{request_id}/resolve")
async def resolve_help_request(request_id: str, request: Request, body: HelpResolve | None = None,
                               who: Principal = Depends(roles("manager"))):
    """Mark a help request handled; 409 ``bad_state`` if it already was."""
    return await mutate(request, who, "help.resolve", request_id,
                  lambda tx: actions.resolve_help(tx, request_id, who.subject, body.note if body else None),
                  request_id=body.request_id if body else None)


@router.post("/tickets/{ticket_id}/prioritise")
async def prioritise_ticket(ticket_id: str, request: Request, body: Action | None = None,
                            who: Principal = Depends(roles("manager"))):
    """A waiting ticket joins the green class (绿色通道); 409 if not waiting or already green."""
    hall: Hall = request.app.state.hall
    return await mutate(request, who, "ticket.prioritise", ticket_id,
                  lambda tx: ticket_view(hall, actions.prioritise(hall, tx, ticket_id, who.subject), role=who.role),
                  request_id=body.request_id if body else None)


@router.post("/tickets/{ticket_id}/transfer")
async def transfer_waiting_ticket(ticket_id: str, body: WaitingTransfer, request: Request,
                                  who: Principal = Depends(roles("manager"))):
    """Move a waiting ticket to another category and/or first in line at a window."""
    hall: Hall = request.app.state.hall
    return await mutate(request, who, "ticket.transfer", ticket_id,
                  lambda tx: ticket_view(hall, actions.transfer_waiting(hall, tx, ticket_id, who.subject,
                                                                        body.to_category, body.to_window),
                                         role=who.role), request_id=body.request_id)
