"""差评整改 cases: opened by every 不满意/非常不满意, walked through the loop of
``domain.cases`` with an append-only history (who, when, what), working-day
deadlines, a reminder before expiry and an overdue flag, both raised once by
:func:`sweep` (called from housekeeping). A case rates a ticket (with its window
and clerk) or a self-printed document (``doc_no``; no window, no clerk)."""
from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime

from hall_server.clock import iso
from hall_server.domain import cases as rules
from hall_server.domain.calendar import WorkCalendar
from hall_server.domain.model import DomainError
from hall_server.errors import HallError, invalid, not_found
from hall_server.store import Tx

log = logging.getLogger(__name__)
SETTLED_SQL = "('replied', 'appeal_upheld', 'closed')"


def calendar(hall) -> WorkCalendar:
    """The hall's working-day calendar (``[evaluation_loop.calendar]``)."""
    return hall.config.evaluation_loop.calendar.calendar()


def open_case(hall, tx: Tx, evaluation: dict) -> dict:
    """Open the 差评 case of a bad rating, with its deadline and reminder time."""
    days = hall.config.evaluation.case_deadline_working_days
    loop = hall.config.evaluation_loop
    work = calendar(hall)
    deadline = _domain(work.deadline, tx.at, days, loop.calendar.deadline_time)
    if not work.covers(deadline.date()):
        log.warning("working-day calendar lists no holidays for %d; deadline counts weekends only", deadline.year)
    remind_at = _domain(work.reminder_at, deadline, loop.cases.reminder_lead_working_days)
    case = {"id": uuid.uuid4().hex, "evaluation_id": evaluation["id"], "ticket_id": evaluation["ticket_id"],
            "doc_no": evaluation.get("doc_no"), "state": "pending_verify", "level": evaluation["level"],
            "level_name": evaluation["level_name"], "window_id": evaluation["window_id"], "clerk": evaluation["clerk"],
            "service": evaluation["service"], "project_no": evaluation["project_no"], "opened_at": iso(tx.at),
            "deadline": iso(deadline), "remind_at": iso(remind_at), "closed_at": None}
    tx.insert("cases", case)
    _history(tx, case["id"], "open", None, "pending_verify", "system", None, {})
    tx.event("case.opened", {"case_id": case["id"], "level": evaluation["level"], "level_name": evaluation["level_name"],
                             "window_id": evaluation["window_id"], "doc_no": case["doc_no"],
                             "deadline": case["deadline"]})
    return case


def act_on_case(hall, tx: Tx, case_id: str, action: str, actor: str, note: str | None,
                detail: dict | None = None) -> dict:
    """One step of the loop by ``actor``; refused with 409 ``bad_state`` when the
    case's state does not allow it, 422 when the step lacks its note."""
    detail = {k: v for k, v in (detail or {}).items() if v is not None}
    case = _load(tx, case_id)
    target = _domain(rules.transition, case["state"], action)
    _domain(rules.check_step, action, note, detail)
    changes: dict = {"state": target}
    if target == "closed":
        changes["closed_at"] = iso(tx.at)
    if action == "reply":
        changes["replied_at"] = iso(tx.at)
        changes["resident_satisfied"] = None if "satisfied" not in detail else int(bool(detail["satisfied"]))
    tx.update("cases", "id", case_id, changes)
    _history(tx, case_id, action, case["state"], target, actor, note, detail)
    data = {"case_id": case_id, "state": target, "state_name": rules.STATE_NAMES[target], "action": action,
            "window_id": case["window_id"]}
    tx.event("case.closed" if target == "closed" else "case.updated", data)
    return case_view(tx, {**case, **changes}, tx.at, calendar(hall))


def _history(tx: Tx, case_id: str, action: str, from_state: str | None, to_state: str, actor: str,
             note: str | None, detail: dict) -> None:
    tx.insert("case_history", {"case_id": case_id, "at": iso(tx.at), "action": action, "from_state": from_state,
                               "to_state": to_state, "actor": actor, "note": (note or "").strip() or None,
                               "detail": json.dumps(detail, ensure_ascii=False) if detail else None})


def _load(tx: Tx, case_id: str) -> dict:
    case = tx.one("SELECT * FROM cases WHERE id = ?", (case_id,))
    if case is None:
        raise not_found("整改工单", "case")
    return case


def _domain(fn, *args):
    try:
        return fn(*args)
    except DomainError as err:
        raise HallError.from_domain(err) from err


# -- views --------------------------------------------------------------------
def case_view(tx: Tx, case: dict, now: datetime, work: WorkCalendar | None = None) -> dict:
    """A case with its state names, deadline status, the rating behind it and its history."""
    history = tx.all("SELECT at, action, from_state, to_state, actor, note, detail FROM case_history "
                     "WHERE case_id = ? ORDER BY id", (case["id"],))
    for step in history:
        step["detail"] = json.loads(step["detail"]) if step["detail"] else {}
        step["action_name"] = rules.ACTION_NAMES.get(step["action"], step["action"])
    deadline = datetime.fromisoformat(case["deadline"])
    rating = tx.one("SELECT reasons, comment, channel, ticket_number, doc_no, service_name, window_number, clerk_name, "
                    "CASE WHEN doc_no IS NOT NULL THEN device END AS kiosk "
                    "FROM evaluations WHERE id = ?", (case["evaluation_id"],)) or {}
    if rating.get("reasons"):
        rating["reasons"] = json.loads(rating["reasons"])
    remaining = None if rules.is_settled(case["state"]) or work is None else work.remaining_working_days(now, deadline)
    return {**case, "state_name": rules.STATE_NAMES[case["state"]], "level_name": rules.LEVEL_NAMES[case["level"]],
            "overdue": rules.is_overdue(case["state"], deadline, now), "remaining_working_days": remaining,
            "allowed_actions": sorted(a for a, (src, _) in rules.TRANSITIONS.items() if case["state"] in src),
            "evaluation": rating, "history": history}


def list_cases(hall, tx: Tx, *, state: str | None = None, overdue: bool | None = None, window: str | None = None,
               level: int | None = None, opened_from: str | None = None, opened_to: str | None = None) -> list[dict]:
    """Cases, newest first, filtered by state, overdue now, window, level and opening day."""
    if state is not None and state not in rules.STATE_NAMES:
        raise invalid(f"未知的工单状态：{state[:20]}", f"unknown case state {state[:20]}")
    clauses, params = [], []
    for column, value in (("state = ?", state), ("window_id = ?", window), ("level = ?", level),
                          ("substr(opened_at, 1, 10) >= ?", opened_from), ("substr(opened_at, 1, 10) <= ?", opened_to)):
        if value is not None:
            clauses.append(column)
            params.append(value)
    if overdue is not None:
        clauses.append(f"{'' if overdue else 'NOT '}(state NOT IN {SETTLED_SQL} AND deadline < ?)")
        params.append(iso(tx.at))
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    work = calendar(hall)
    return [case_view(tx, c, tx.at, work) for c in tx.all(f"SELECT * FROM cases{where} ORDER BY opened_at DESC, id",
                                                           params)]


# -- deadlines ----------------------------------------------------------------
def sweep(hall, tx: Tx) -> dict:
    """Raise ``case.reminder`` once when a case enters its reminder window and
    ``case.overdue`` once when it passes its deadline unsettled."""
    now, work = iso(tx.at), calendar(hall)
    due = tx.all(f"SELECT * FROM cases WHERE state NOT IN {SETTLED_SQL} AND ((reminded_at IS NULL AND remind_at <= ? "
                 "AND deadline >= ?) OR (overdue_at IS NULL AND deadline < ?))", (now, now, now))
    reminded = overdue = 0
    for case in due:
        deadline = datetime.fromisoformat(case["deadline"])
        data = {"case_id": case["id"], "state": case["state"], "state_name": rules.STATE_NAMES[case["state"]],
                "level": case["level"], "window_id": case["window_id"], "deadline": case["deadline"]}
        if rules.is_overdue(case["state"], deadline, tx.at):
            tx.update("cases", "id", case["id"], {"overdue_at": now})
            tx.event("case.overdue", data)
            overdue += 1
        else:
            tx.update("cases", "id", case["id"], {"reminded_at": now})
            tx.event("case.reminder", {**data, "remaining_working_days": work.remaining_working_days(tx.at, deadline)})
            reminded += 1
    return {"reminded": reminded, "overdue": overdue}


def kpis(tx: Tx, day_from: str, day_to: str) -> dict:
    """差评 figures for cases opened in the period (HCP-61): 回复率 and 回访整改满意率
    over the cases not struck out on appeal."""
    rows = tx.all("SELECT c.state, c.replied_at, c.resident_satisfied, c.overdue_at, "
                  "EXISTS (SELECT 1 FROM case_history h WHERE h.case_id = c.id AND h.action = 'uphold_appeal') AS struck "
                  "FROM cases c WHERE substr(c.opened_at, 1, 10) BETWEEN ? AND ?", (day_from, day_to))
    counted = [r for r in rows if not r["struck"]]
    replied = [r for r in counted if r["replied_at"]]
    judged = [r for r in replied if r["resident_satisfied"] is not None]
    return {"opened": len(rows), "struck_out": len(rows) - len(counted), "replied": len(replied),
            "open": sum(1 for r in counted if not rules.is_settled(r["state"])),
            "ever_overdue": sum(1 for r in counted if r["overdue_at"]),
            "reply_rate": round(len(replied) / len(counted), 4) if counted else None,
            "satisfied_rate": round(sum(r["resident_satisfied"] for r in judged) / len(judged), 4) if judged else None}
