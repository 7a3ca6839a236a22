"""A rehearsal hall: in-memory stand-ins for the hall server, printer, voice and clock.

For tests and for building the Qt screens without a server or devices. ``MemoryHall``
implements ``HallPort`` with API.md's idempotency (a repeated request_id returns the
first result), records every call, and can be told to fail: before doing anything,
or after committing (the reply is lost, as when a connection drops mid-answer).
It is a stand-in, not a queue engine: numbering and "ahead" are the simplest that
show the flows' behaviour.
"""
from __future__ import annotations

from collections import defaultdict, deque
from datetime import datetime, timedelta, timezone
from typing import Iterable, Mapping

from kiosk.core.errors import HallApiError, HallUnreachable, KioskError
from kiosk.core.identity import IdCard
from kiosk.core.receipt import Checklist, Receipt

CST = timezone(timedelta(hours=8))

# The shape of GET /api/v1/hall (hall_server ``Hall.catalogue``), cut down.
SAMPLE_HALL = {
    "hall": {"name": "示范区政务服务中心", "help_desk": "总服务台"},
    "categories": [
        {"code": "A", "prefix": "A", "name": "社保医保"},
        {"code": "B", "prefix": "B", "name": "不动产登记", "real_name": "required"},
        {"code": "C", "prefix": "C", "name": "综合咨询"},
    ],
    "services": [
        {"code": "SB001", "name": "社会保障卡申领", "category": "A", "real_name": "optional",
         "guide": {"conditions": "本市参保人员",
                   "materials": [{"name": "居民身份证", "copies": 0, "form": "原件", "note": ""},
                                 {"name": "近期免冠照片", "copies": 1, "form": "原件", "note": "白底"}],
                   "time_limit": "即办", "online_url": "https://zwfw.hall.example/guide/SB001"}},
        {"code": "SB002", "name": "养老保险关系转移", "category": "A", "real_name": "required",
         "guide": {"materials": ["居民身份证原件", "参保缴费凭证"]}},
        {"code": "YB001", "name": "医保参保登记", "category": "A", "real_name": "none",
         "guide": "携带身份证到A区窗口办理"},
        {"code": "BDC01", "name": "不动产登记信息查询", "category": "B",
         "guide": {"materials": ["居民身份证原件"]}},
        {"code": "YH001", "name": "银行业务咨询", "category": "C", "real_name": "none"},
    ],
}


class ManualClock:
    """A clock that moves only when told."""

    def __init__(self, start: datetime = datetime(2026, 11, 21, 9, 30, tzinfo=CST)):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class MemoryHall:
    """In-memory ``HallPort`` with request_id idempotency and scripted failures."""

    def __init__(self, hall: Mapping = SAMPLE_HALL):
        self.hall = hall
        self.calls: list[tuple[str, dict]] = []
        self.tickets: dict[str, dict] = {}
        self.appointments: dict[str, dict] = {}
        self.evaluations: list[dict] = []
        self.recent_calls: list[dict] = []
        self._answers: dict[str, dict] = {}
        self._failures: dict[str, deque] = defaultdict(deque)
        self._serial: dict[str, int] = defaultdict(int)

    def fail_next(self, method: str, error: KioskError, *, times: int = 1, after_commit: bool = False) -> None:
        """The next ``times`` calls of ``method`` raise ``error`` (after doing the work if told)."""
        self._failures[method].extend([(error, after_commit)] * times)

    # --- HallPort ---------------------------------------------------------------------

    def issue_ticket(self, *, service_code=None, category_code=None, id_card: IdCard | None = None,
                     priority="normal", request_id: str) -> dict:
        args = dict(service_code=service_code, category_code=category_code, id_card=id_card,
                    priority=priority, request_id=request_id)
        return self._answer("issue_ticket", args, lambda: self._issue(service_code, category_code, priority))

    def check_in(self, code, *, id_card=None, request_id) -> dict:
        appointment = self.appointments.get(code)
        if appointment and id_card is not None and appointment.get("number") not in (None, id_card.number):
            appointment = None          # someone else's appointment
        return self._answer("check_in", dict(code=code, id_card=id_card, request_id=request_id),
                            lambda: self._check_in(appointment))

    def lookup_appointments(self, id_card) -> dict:
        self.calls.append(("lookup_appointments", {"id_card": id_card}))
        self._maybe_fail("lookup_appointments", before=True)
        found = [{"code": code, "checked_in_ticket": a.get("ticket")} for code, a in self.appointments.items()
                 if a.get("number") == id_card.number]
        return {"appointments": found}

    def ticket_status(self, status_token) -> dict:
        self.calls.append(("ticket_status", {"status_token": status_token}))
        self._maybe_fail("ticket_status", before=True)
        ticket = next((t for t in self.tickets.values() if t["status_token"] == status_token), None)
        if ticket is None:
            raise HallApiError("not_found", "未找到", "Not found", status=404)
        return {k: ticket[k] for k in ("id", "number", "state", "ahead", "est_wait_min")}

    def ticket_by_number(self, number) -> dict:
        self.calls.append(("ticket_by_number", {"number": number}))
        self._maybe_fail("ticket_by_number", before=True)
        found = [t for t in self.tickets.values() if t["number"] == number.strip().upper()]
        if not found:
            raise HallApiError("not_found", "未找到", "Not found", status=404)
        return {k: found[-1][k] for k in ("id", "number", "state", "ahead", "est_wait_min")}

    def queue(self) -> dict:
        self.calls.append(("queue", {}))
        self._maybe_fail("queue", before=True)
        waiting = defaultdict(int)
        for ticket in self.tickets.values():
            waiting[ticket["category"]] += ticket["state"] == "waiting"
        categories = [{"code": c["code"], "waiting": waiting[c["code"]], "est_wait_min": 5 * waiting[c["code"]]}
                      for c in self.hall["categories"]]
        return {"seq": len(self.calls), "categories": categories, "windows": [], "recent_calls": self.recent_calls}

    def evaluate(self, ticket_id, level, *, reasons: Iterable[str] = (), comment=None, channel="kiosk",
                 request_id) -> dict:
        args = dict(ticket_id=ticket_id, level=level, reasons=tuple(reasons), channel=channel, request_id=request_id)
        return self._answer("evaluate", args, lambda: self._evaluate(ticket_id, level, tuple(reasons)))

    # --- the hall side, for tests ------------------------------------------------------------

    def finish(self, ticket_id: str) -> None:
        self.tickets[ticket_id]["state"] = "done"

    def count(self, method: str) -> int:
        return sum(1 for name, _ in self.calls if name == method)

    def _answer(self, method: str, args: dict, work) -> dict:
        self.calls.append((method, args))
        self._maybe_fail(method, before=True)
        key = args["request_id"]
        if key not in self._answers:
            self._answers[key] = work()
        self._maybe_fail(method, before=False)
        return dict(self._answers[key])

    def _maybe_fail(self, method: str, *, before: bool) -> None:
        queue = self._failures[method]
        if queue and queue[0][1] is not before:
            raise queue.popleft()[0]

    def _issue(self, service_code, category_code, priority) -> dict:
        service = next((s for s in self.hall["services"] if s["code"] == service_code), None)
        if service_code and service is None:
            raise HallApiError("unknown_service", "事项不存在", "Unknown service", status=404)
        category = service["category"] if service else category_code
        return self._new_ticket(category, service_code, priority)

    def _new_ticket(self, category: str, service_code, priority) -> dict:
        self._serial[category] += 1
        number = f"{category}{self._serial[category]:03d}"
        ahead = sum(1 for t in self.tickets.values() if t["category"] == category and t["state"] == "waiting")
        ticket = {"id": f"t{len(self.tickets) + 1}", "number": number, "category": category,
                  "service": service_code, "issued_at": "2026-11-21T09:30:00+08:00", "ahead": ahead,
                  "est_wait_min": 5 * ahead, "status_token": f"tok{len(self.tickets) + 1}",
                  "state": "waiting", "priority": priority}
        self.tickets[ticket["id"]] = ticket
        return ticket

    def _check_in(self, appointment: dict | None) -> dict:
        if appointment is None:
            raise HallApiError("appointment_not_found", "未找到预约", "No appointment", status=404)
        if appointment.get("ticket"):
            raise HallApiError("conflict", "该预约已签到", "Already checked in", status=409)
        if appointment.get("refuse"):
            raise HallApiError("appointment_not_in_window", "不在预约时段", "Not in slot", status=409,
                               data={k: appointment[k] for k in ("slot_start", "slot_end", "verdict", "slot")
                                     if k in appointment})
        ticket = self._new_ticket(appointment["category"], appointment["service"], "appointment")
        appointment["ticket"] = ticket["id"]
        return ticket

    def _evaluate(self, ticket_id, level, reasons) -> dict:
        ticket = self.tickets.get(ticket_id)
        if ticket is None:
            raise HallApiError("not_found", "未找到", "Not found", status=404)
        if ticket["state"] == "evaluated":
            raise HallApiError("conflict", "已评价", "Already rated", status=409)
        if ticket["state"] != "done":
            raise HallApiError("bad_state", "未办结", "Not finished", status=409)
        ticket["state"] = "evaluated"
        self.evaluations.append({"ticket_id": ticket_id, "level": level, "reasons": reasons})
        return {"ticket_id": ticket_id, "level": level}


class MemoryPrinter:
    """Records what was printed; ``fail_next`` makes the next jobs raise."""

    def __init__(self):
        self.printed: list[Receipt | Checklist] = []
        self._fail = 0

    def fail_next(self, times: int = 1) -> None:
        self._fail += times

    def print_receipt(self, receipt: Receipt) -> None:
        self._job(receipt)

    def print_checklist(self, checklist: Checklist) -> None:
        self._job(checklist)

    def _job(self, job) -> None:
        if self._fail:
            self._fail -= 1
            raise KioskError("打印机缺纸", "The printer is out of paper", code="printer_unavailable")
        self.printed.append(job)


class MemoryVoice:
    def __init__(self):
        self.spoken: list[str] = []

    def speak(self, text: str) -> None:
        self.spoken.append(text)


UNREACHABLE = HallUnreachable("ConnectionError")


class Rehearsal:
    """A whole kiosk on stand-ins: session, runner, hall, printer, voice and clock.

    ``do(*intents)`` runs each intent and every outcome it causes, like the shell
    would; scheduled intents wait in ``scheduled`` until ``fire_scheduled()``.
    Request ids are ``req-1``, ``req-2``... so tests can follow them.
    """

    def __init__(self, settings=None, *, hall: Mapping = SAMPLE_HALL, printer_ready: bool = True):
        from kiosk.core.directory import HallDirectory
        from kiosk.core.intents import PrinterHealth
        from kiosk.core.runner import EffectRunner
        from kiosk.core.session import KioskSession
        from kiosk.core.settings import FlowSettings

        self.clock = ManualClock()
        self.hall = MemoryHall(hall)
        self.printer = MemoryPrinter()
        self.voice = MemoryVoice()
        self.assistance: list[str] = []
        self._ids = 0
        printer_health = PrinterHealth(True, "ok") if printer_ready else PrinterHealth(False, "out")
        self.session = KioskSession(HallDirectory.from_hall(hall), settings or FlowSettings(),
                                    clock=self.clock, new_request_id=self._next_id, printer=printer_health)
        self.runner = EffectRunner(self.hall, self.printer, self.voice, self.assistance.append)
        self.scheduled: list = []

    def _next_id(self) -> str:
        self._ids += 1
        return f"req-{self._ids}"

    @property
    def screen(self):
        return self.session.screen

    def do(self, *intents):
        """Handle the intents in order; return the screen reached."""
        from kiosk.core.runner import run_to_rest

        for intent in intents:
            self.scheduled.extend(run_to_rest(self.session, intent, self.runner))
        return self.session.screen

    def fire_scheduled(self):
        """Let time pass to each scheduled intent and deliver it; return the screen reached."""
        pending, self.scheduled = self.scheduled, []
        for effect in pending:
            self.clock.advance(effect.delay_s)
            self.do(effect.intent)
        return self.session.screen
