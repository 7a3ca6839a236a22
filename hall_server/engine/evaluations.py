"""Evaluations (好差评, 一次一评) and the 差评 cases they open."""
from __future__ import annotations

import json
import uuid

from hall_server.clock import iso
from hall_server.domain import cases as rules
from hall_server.domain.model import DomainError, TicketState
from hall_server.engine.tickets import load
from hall_server.errors import HallError, invalid, not_found
from hall_server.store import Tx

CHANNELS = {"pad", "screen", "kiosk", "phone", "web"}


def record(hall, tx: Tx, ticket_id: str, level: int, reasons: list[str], comment: str | None, channel: str) -> dict:
    if level not in rules.LEVEL_NAMES:
        raise invalid("评价等级应为 1 至 5", "level must be 1 to 5")
    if channel not in CHANNELS:
        raise invalid(f"评价渠道无效：{channel}", f"unknown channel {channel}")
    if rules.opens_case(level) and not reasons:
        raise invalid("选择不满意或非常不满意时，请选择原因", "reasons are required for a bad rating")
    ticket = load(tx, ticket_id)
    if ticket.state != TicketState.DONE:
        raise HallError("bad_state", f"{ticket.number} 尚未办结，暂不能评价", f"ticket {ticket.number} is not finished")
    if tx.one("SELECT id FROM evaluations WHERE ticket_id = ?", (ticket_id,)):
        raise HallError("conflict", f"{ticket.number} 已评价过，每次办事只能评价一次", f"ticket {ticket.number} was already rated")
    evaluation = {"id": uuid.uuid4().hex, "ticket_id": ticket_id, "level": level, "level_name": rules.LEVEL_NAMES[level],
                  "reasons": json.dumps(reasons, ensure_ascii=False), "comment": comment, "channel": channel,
                  "window_id": ticket.window_id, "clerk": ticket.clerk, "service": ticket.service,
                  "category": ticket.category, "at": iso(tx.at)}
    tx.insert("evaluations", evaluation)
    tx.event("evaluation.recorded", {"evaluation_id": evaluation["id"], "ticket_id": ticket_id, "number": ticket.number,
                                     "level": level, "level_name": evaluation["level_name"], "channel": channel,
                                     "window_id": ticket.window_id})
    case = open_case(hall, tx, evaluation) if rules.opens_case(level) else None
    return {**evaluation, "reasons": reasons, "case_id": case["id"] if case else None}


def open_case(hall, tx: Tx, evaluation: dict) -> dict:
    deadline = rules.add_working_days(tx.at, hall.config.evaluation.case_deadline_working_days)
    case = {"id": uuid.uuid4().hex, "evaluation_id": evaluation["id"], "ticket_id": evaluation["ticket_id"],
            "state": "pending_verify", "level": evaluation["level"], "window_id": evaluation["window_id"],
            "clerk": evaluation["clerk"], "opened_at": iso(tx.at), "deadline": iso(deadline), "closed_at": None}
    tx.insert("cases", case)
    tx.insert("case_history", {"case_id": case["id"], "at": iso(tx.at), "action": "open", "from_state": None,
                               "to_state": "pending_verify", "actor": "system", "note": None})
    tx.event("case.opened", {"case_id": case["id"], "level": evaluation["level"], "window_id": evaluation["window_id"],
                             "deadline": case["deadline"]})
    return case


def act_on_case(hall, tx: Tx, case_id: str, action: str, actor: str, note: str | None) -> dict:
    case = tx.one("SELECT * FROM cases WHERE id = ?", (case_id,))
    if case is None:
        raise not_found("整改工单", "case")
    try:
        target = rules.transition(case["state"], action)
    except DomainError as err:
        raise HallError.from_domain(err) from err
    changes = {"state": target}
    if target == "closed":
        changes["closed_at"] = iso(tx.at)
    tx.update("cases", "id", case_id, changes)
    tx.insert("case_history", {"case_id": case_id, "at": iso(tx.at), "action": action, "from_state": case["state"],
                               "to_state": target, "actor": actor, "note": note})
    if target == "closed":
        tx.event("case.closed", {"case_id": case_id})
    else:
        tx.event("case.updated", {"case_id": case_id, "state": target})
    return case_view(tx, {**case, **changes}, tx.at)


def case_view(tx: Tx, case: dict, now) -> dict:
    history = tx.all("SELECT at, action, from_state, to_state, actor, note FROM case_history WHERE case_id = ? "
                     "ORDER BY id", (case["id"],))
    overdue = case["state"] not in ("closed", "appeal_upheld") and case["deadline"] < iso(now)
    return {**case, "state_name": rules.STATE_NAMES[case["state"]], "level_name": rules.LEVEL_NAMES[case["level"]],
            "overdue": overdue, "history": history}
