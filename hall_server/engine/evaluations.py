"""Evaluations (好差评, 一次一评): the record with its GB/T 39046 and provincial
fields, the 未评 outcome, and the views each role may see.

A record rates one subject: a finished ticket (:func:`record`) or a self-printed
document (:func:`record_document`; self-service terminals are 好差评 channels,
domain.md SS-05). A rating is written once and never changed (SQLite triggers refuse
UPDATE and DELETE on ``evaluations``, migration 3). The same transaction queues the
record for the provincial platform (``engine.outbox``) and opens a 差评 case when it
is bad.
"""
from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta

from hall_server.certificates import records as documents
from hall_server.clock import iso
from hall_server.domain import cases as rules
from hall_server.domain import evaluation_record as records
from hall_server.domain.model import DomainError, Ticket, TicketState
from hall_server.engine import cases, outbox
from hall_server.engine.tickets import load
from hall_server.errors import HallError, forbidden, invalid
from hall_server.store import Tx

log = logging.getLogger(__name__)
CHANNELS = {"pad", "screen", "kiosk", "phone", "web"}
UNRATED_REASONS = {"timeout", "declined"}
SWEEP_LOOKBACK = timedelta(days=7)    # how far back the 未评 sweep looks (see sweep_unrated)
# What a kiosk or a window sees of a rating it sent: nothing about who rated (HCP-42/43).
PUBLIC_FIELDS = ("id", "ticket_id", "ticket_number", "level", "level_name", "channel", "at", "project_no",
                 "evaluation_count")


def record(hall, tx: Tx, ticket_id: str, level: int, reasons: list[str], comment: str | None, channel: str,
           *, role: str = "kiosk", window_id: str | None = None, device: str | None = None,
           project_no: str | None = None) -> dict:
    """Record one rating of a finished ticket; returns what the sender may see."""
    _check_input(level, reasons, channel)
    ticket = load(tx, ticket_id)
    _check_ratable(hall, tx, ticket, role, window_id, channel)
    evaluation = _build(hall, tx, ticket, level, reasons, comment, channel, device, project_no)
    case = _keep(hall, tx, evaluation)
    return {**public_view(evaluation), "case_id": case["id"] if case else None}


def _keep(hall, tx: Tx, evaluation: dict) -> dict | None:
    """Write the record, queue it upstream, tell the dashboards, open the case of a
    差评 — whatever its subject. Returns the case or None."""
    tx.insert("evaluations", evaluation)
    outbox.enqueue(hall, tx, evaluation)
    tx.event("evaluation.recorded", {"evaluation_id": evaluation["id"], "ticket_id": evaluation["ticket_id"],
                                     "doc_no": evaluation["doc_no"], "number": evaluation["ticket_number"],
                                     "level": evaluation["level"], "level_name": evaluation["level_name"],
                                     "channel": evaluation["channel"], "window_id": evaluation["window_id"],
                                     "evaluation_count": evaluation["evaluation_count"]})
    return cases.open_case(hall, tx, evaluation) if rules.opens_case(evaluation["level"]) else None


def _check_input(level: int, reasons: list[str], channel: str) -> None:
    if level not in rules.LEVEL_NAMES:
        raise invalid("评价等级应为 1 至 5", "level must be 1 to 5")
    if channel not in CHANNELS:
        raise invalid(f"评价渠道无效：{channel}", f"unknown channel {channel}")
    if rules.opens_case(level) and not reasons:
        raise invalid("选择不满意或非常不满意时，请选择原因", "reasons are required for a bad rating")
    if any(not r.strip() or len(r) > 50 for r in reasons) or len(set(reasons)) != len(reasons):
        raise invalid("评价原因不能为空、重复或超过 50 个字", "reasons must be non-empty, distinct, at most 50 characters")


def _check_ratable(hall, tx: Tx, ticket: Ticket, role: str, window_id: str | None, channel: str) -> None:
    if ticket.state != TicketState.DONE:
        raise HallError("bad_state", f"{ticket.number} 尚未办结，暂不能评价", f"ticket {ticket.number} is not finished")
    if tx.one("SELECT id FROM evaluations WHERE ticket_id = ?", (ticket.id,)):
        raise HallError("conflict", f"{ticket.number} 已评价过，每次办事只能评价一次", f"ticket {ticket.number} was already rated")
    settings = hall.config.evaluation_loop.record
    since_finish = tx.at - ticket.finished_at
    if since_finish > timedelta(hours=settings.supplement_hours):
        raise HallError("bad_state", f"{ticket.number} 已超过补充评价期限", f"the rating period of {ticket.number} is over")
    if role == "counter":
        # The window only relays its resident-facing pad or screen, right after service:
        # a clerk can neither rate another window nor rate long after (HCP-43).
        if (ticket.window_id != window_id or channel not in settings.counter_channels
                or since_finish > timedelta(seconds=settings.counter_window_seconds)):
            raise forbidden()


def _build(hall, tx: Tx, ticket: Ticket, level: int, reasons: list[str], comment: str | None, channel: str,
           device: str | None, project_no: str | None) -> dict:
    settings = hall.config.evaluation_loop.record
    window = tx.one("SELECT number FROM windows WHERE id = ?", (ticket.window_id,)) or {}
    project_no = _domain(records.check_project_no, project_no) if project_no else _project_no(hall, ticket, window)
    count = tx.one("SELECT COUNT(*) AS n FROM evaluations WHERE project_no = ?", (project_no,))["n"] + 1
    clerk = tx.one("SELECT display_name, staff_no FROM users WHERE username = ?", (ticket.clerk,)) or {}
    return {
        "id": uuid.uuid4().hex, "ticket_id": ticket.id, "doc_no": None, "level": level,
        "level_name": rules.LEVEL_NAMES[level], "reasons": json.dumps(reasons, ensure_ascii=False), "comment": comment,
        "channel": channel,
        "window_id": ticket.window_id, "clerk": ticket.clerk, "service": ticket.service, "category": ticket.category,
        "at": iso(tx.at), "project_no": project_no, "evaluation_count": count, "ticket_number": ticket.number,
        **_service_fields(hall, ticket.service), "window_number": window.get("number"),
        "clerk_name": clerk.get("display_name") or ticket.clerk, "clerk_staff_no": clerk.get("staff_no"),
        "evaluator_kind": "个人", "evaluator_id_masked": ticket.person_masked,
        "evaluator_name_masked": ticket.name_masked, "anonymous": 0 if ticket.person_hash else 1,
        "indicator_codes": ",".join(settings.reason_codes[r] for r in reasons if r in settings.reason_codes),
        "region_code": hall.config.hall.region_code, "project_status": "已办结",
        "accepted_at": iso(ticket.started_at), "finished_at": iso(ticket.finished_at),
        "audit_status": "无需审核", "public_flag": 1, "device": device,
    }


def _project_no(hall, ticket: Ticket, window: dict) -> str:
    template = hall.config.evaluation_loop.record.project_no_template
    return _domain(records.project_number, template, ticket_id=ticket.id, region_code=hall.config.hall.region_code,
                   day=ticket.day.replace("-", ""), number=ticket.number, serial=ticket.serial,
                   window_number=window.get("number") or "")


def _service_fields(hall, code: str | None) -> dict:
    service = next((s for s in hall.config.services if s.code == code), None)
    return _subject_fields(hall, code, service.name if service else None,
                           service.guide.department if service else "",
                           records.promise_type(service.guide.time_limit) if service else "即办件")


def _subject_fields(hall, code: str | None, name: str | None, department: str, promise_type: str) -> dict:
    """事项 and 受理部门 fields of a record: the service's (or certificate type's) name
    and department, overridden by ``record.services.<code>`` where it gives codes."""
    settings = hall.config.evaluation_loop.record
    extra = settings.services.get(code or "")
    return {
        "service_name": name,
        "implementation_code": (extra.implementation_code if extra else "") or code,
        "handle_item_code": extra.handle_item_code if extra else "",
        "promise_type": promise_type,
        "department_name": (extra.department if extra else "") or department or settings.department,
        "department_code": (extra.department_code if extra else "") or settings.department_code,
    }


def _domain(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except DomainError as err:
        raise HallError.from_domain(err) from err


# -- a self-printed document as the subject ------------------------------------
def record_document(hall, tx: Tx, document: dict, level: int, reasons: list[str], *,
                    device: str) -> tuple[dict, dict | None]:
    """Record the one rating of a self-printed document (``document``: its
    ``certificate_issues`` row), queue it upstream and open the case of a 差评.
    Returns ``(record, case or None)``."""
    _check_input(level, reasons, "kiosk")
    doc_no = document["doc_no"]
    if tx.one("SELECT id FROM evaluations WHERE doc_no = ?", (doc_no,)):
        raise HallError("conflict", "该证明已评价过", "this document was already rated")
    since_finish = tx.at - datetime.fromisoformat(_finished_at(document))
    if since_finish > timedelta(hours=hall.config.evaluation_loop.record.supplement_hours):
        raise HallError("bad_state", f"{doc_no} 已超过补充评价期限", f"the rating period of {doc_no} is over")
    evaluation = _build_document(hall, tx, document, level, reasons, device, iso(tx.at))
    return evaluation, _keep(hall, tx, evaluation)


def _finished_at(document: dict) -> str:
    """办结时间 of a document: when its print was confirmed, else when it was issued."""
    return document.get("printed_at") or document["issued_at"]


def _build_document(hall, tx: Tx, document: dict, level: int, reasons: list[str], device: str, at: str) -> dict:
    """The record of a document's rating: no ticket, window or clerk (the kiosk served);
    the evaluator is the card holder, masked, as the issuance log keeps them."""
    settings = hall.config.evaluation_loop.record
    project_no = _domain(records.document_project_number, settings.document_project_no_template,
                         doc_no=document["doc_no"], region_code=hall.config.hall.region_code)
    count = tx.one("SELECT COUNT(*) AS n FROM evaluations WHERE project_no = ?", (project_no,))["n"] + 1
    return {
        "id": uuid.uuid4().hex, "ticket_id": None, "doc_no": document["doc_no"], "level": level,
        "level_name": rules.LEVEL_NAMES[level], "reasons": json.dumps(reasons, ensure_ascii=False), "comment": None,
        "channel": "kiosk", "window_id": None, "clerk": None, "service": document["type"], "category": None,
        "at": at, "project_no": project_no, "evaluation_count": count, "ticket_number": None,
        **_document_fields(hall, document["type"]), "window_number": None, "clerk_name": None, "clerk_staff_no": None,
        "evaluator_kind": "个人", "evaluator_id_masked": document["person_masked"],
        "evaluator_name_masked": document["name_masked"], "anonymous": 0,
        "indicator_codes": ",".join(settings.reason_codes[r] for r in reasons if r in settings.reason_codes),
        "region_code": hall.config.hall.region_code, "project_status": "已办结",
        "accepted_at": document["issued_at"], "finished_at": _finished_at(document),
        "audit_status": "无需审核", "public_flag": 1, "device": device,
    }


def _document_fields(hall, type_code: str) -> dict:
    """事项 and 受理部门 of a certificate type: its name and department from
    ``[[certificates.types]]``, codes from ``record.services.<type code>`` when given."""
    kind = next((t for t in hall.config.certificates.types if t.code == type_code), None)  # also a disabled one
    return _subject_fields(hall, type_code, kind.name if kind else None, kind.department if kind else "", "即办件")


def report_earlier_document_ratings(hall, tx: Tx, limit: int = 100) -> int:
    """Make the 好差评 record (queued upstream, with its case when bad) of each
    document rating taken before migration 7, which only ``certificate_evaluations``
    holds. The rating keeps its own time; its case opens now. Housekeeping calls this
    every minute; once they are done it reads one empty partial index."""
    done = 0
    for earlier in documents.unreported_evaluations(tx, limit):
        found = tx.one("SELECT id FROM evaluations WHERE doc_no = ?", (earlier["doc_no"],))
        if found is None:
            document = documents.get(tx, earlier["doc_no"])
            try:
                found = _build_document(hall, tx, document, earlier["level"], json.loads(earlier["reasons"]),
                                        earlier["kiosk"], earlier["at"])
            except HallError as err:
                log.error("rating of %s not reported: %s", earlier["doc_no"], err.message_en)
                continue
            _keep(hall, tx, found)
            done += 1
        documents.link_evaluation(tx, earlier["doc_no"], found["id"])
    return done


# -- 未评 ---------------------------------------------------------------------
def mark_unrated(hall, tx: Tx, ticket_id: str, reason: str, channel: str | None, *, role: str,
                 window_id: str | None, actor: str) -> tuple[dict, bool]:
    """Record that a finished ticket was not rated (pad timeout or declined).
    Returns ``(record, created)``; a repeated report returns the first record."""
    if reason not in UNRATED_REASONS:
        raise invalid("未评原因应为 timeout 或 declined", "reason must be timeout or declined")
    ticket = load(tx, ticket_id)
    if role == "counter" and ticket.window_id != window_id:
        raise forbidden()
    if ticket.state != TicketState.DONE:
        raise HallError("bad_state", f"{ticket.number} 尚未办结", f"ticket {ticket.number} is not finished")
    if tx.one("SELECT id FROM evaluations WHERE ticket_id = ?", (ticket_id,)):
        raise HallError("conflict", f"{ticket.number} 已评价", f"ticket {ticket.number} was rated")
    seen = tx.one("SELECT * FROM evaluation_unrated WHERE ticket_id = ?", (ticket_id,))
    if seen:
        return seen, False
    return _insert_unrated(tx, ticket, reason, channel, actor), True


def _insert_unrated(tx: Tx, ticket: Ticket, reason: str, channel: str | None, actor: str) -> dict:
    row = {"ticket_id": ticket.id, "at": iso(tx.at), "day": ticket.day, "reason": reason, "channel": channel,
           "window_id": ticket.window_id, "clerk": ticket.clerk, "service": ticket.service,
           "category": ticket.category, "reported_by": actor}
    tx.insert("evaluation_unrated", row)
    tx.event("evaluation.unrated", {"ticket_id": ticket.id, "number": ticket.number, "window_id": ticket.window_id,
                                    "reason": reason})
    return row


def sweep_unrated(hall, tx: Tx) -> int:
    """Mark every ticket finished more than ``unrated_after_minutes`` ago (and less than
    ``SWEEP_LOOKBACK`` before that) that has neither a rating nor a 未评 record (a
    window without a pad, a lost report). The lower bound keeps the sweep, which runs
    every minute holding the writer, from reading all history: unbounded it took 0.7 s
    at 300,000 tickets (docs/robustness.md); only a server stopped for longer than the
    lookback leaves a ticket behind."""
    cutoff = tx.at - timedelta(minutes=hall.config.evaluation_loop.record.unrated_after_minutes)
    rows = tx.all("SELECT t.id FROM tickets t LEFT JOIN evaluations e ON e.ticket_id = t.id "
                  "LEFT JOIN evaluation_unrated u ON u.ticket_id = t.id "
                  "WHERE t.state = 'done' AND t.finished_at >= ? AND t.finished_at < ? AND e.id IS NULL "
                  "AND u.ticket_id IS NULL", (iso(cutoff - SWEEP_LOOKBACK), iso(cutoff)))
    for row in rows:
        _insert_unrated(tx, load(tx, row["id"]), "sweep", None, "system")
    return len(rows)


def upkeep(hall, tx: Tx) -> dict:
    """The periodic part (housekeeping): 未评 marks, document ratings from before
    migration 7, case reminders and overdue flags."""
    return {"unrated_marked": sweep_unrated(hall, tx), "documents_reported": report_earlier_document_ratings(hall, tx),
            **{f"cases_{k}": v for k, v in cases.sweep(hall, tx).items()}}


# -- views --------------------------------------------------------------------
def public_view(evaluation: dict) -> dict:
    """The part of a rating its sender (kiosk, window) may see back."""
    return {key: evaluation.get(key) for key in PUBLIC_FIELDS}


def full_view(tx: Tx, evaluation: dict) -> dict:
    """Everything, for managers: masked evaluator fields, GB/T 39046 Table 9, outbox state."""
    view = {**evaluation, "reasons": json.loads(evaluation["reasons"])}
    view["gbt39046"] = records.table9(view)
    view["upstream"] = tx.one("SELECT interface, state, attempts, sent_at, last_error FROM outbox "
                              "WHERE evaluation_id = ?", (evaluation["id"],))
    view["case_id"] = (tx.one("SELECT id FROM cases WHERE evaluation_id = ?", (evaluation["id"],)) or {}).get("id")
    return view


def summary(tx: Tx, day_from: str, day_to: str) -> dict:
    """Figures for statistics (HCP-61): per level, 好评率, 未评率 over the services of
    the numbering days ``day_from``..``day_to`` — finished tickets and self-printed
    documents (:func:`document_figures`) — and the case KPIs."""
    done = tx.one("SELECT COUNT(*) AS n FROM tickets WHERE state = 'done' AND day BETWEEN ? AND ?",
                  (day_from, day_to))["n"]
    ticket_levels = {r["level_name"]: r["n"] for r in tx.all(
        "SELECT e.level_name, COUNT(*) AS n FROM evaluations e JOIN tickets t ON t.id = e.ticket_id "
        "WHERE t.day BETWEEN ? AND ? GROUP BY e.level_name", (day_from, day_to))}
    printed, document_levels = document_figures(tx, day_from, day_to)
    levels = {name: ticket_levels.get(name, 0) + document_levels.get(name, 0) for name in rules.LEVEL_NAMES.values()}
    finished, rated = done + printed, sum(levels.values())
    good = sum(levels[rules.LEVEL_NAMES[lv]] for lv in rules.GOOD_LEVELS)
    marked = tx.one("SELECT COUNT(*) AS n FROM evaluation_unrated u LEFT JOIN evaluations e ON e.ticket_id = u.ticket_id "
                    "WHERE u.day BETWEEN ? AND ? AND e.id IS NULL", (day_from, day_to))["n"]
    return {"date_from": day_from, "date_to": day_to, "finished": finished, "rated": rated, "unrated": finished - rated,
            "unrated_marked": marked, "levels": levels, "good_rate": _rate(good, rated),
            "unrated_rate": _rate(finished - rated, finished),
            "tickets": {"finished": done, "rated": sum(ticket_levels.values())},
            "documents": {"finished": printed, "rated": sum(document_levels.values())},
            "cases": cases.kpis(tx, day_from, day_to)}


def document_figures(reader, day_from: str, day_to: str) -> tuple[int, dict[str, int]]:
    """Self-printed documents of the numbering days that count as services (printed,
    or rated whatever their print came to) and their ratings per level name.
    ``reader`` is a Tx or the Store."""
    finished = reader.one("SELECT COUNT(*) AS n FROM certificate_issues c "
                          "LEFT JOIN evaluations e ON e.doc_no = c.doc_no WHERE c.day BETWEEN ? AND ? "
                          "AND (c.print_state = 'printed' OR e.id IS NOT NULL)", (day_from, day_to))["n"]
    levels = {r["level_name"]: r["n"] for r in reader.all(
        "SELECT e.level_name, COUNT(*) AS n FROM evaluations e JOIN certificate_issues c ON c.doc_no = e.doc_no "
        "WHERE c.day BETWEEN ? AND ? GROUP BY e.level_name", (day_from, day_to))}
    return finished, levels


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def parse_day(value: str | None, default: datetime) -> str:
    """An ISO date from a query, or the default's date."""
    if not value:
        return default.date().isoformat()
    try:
        return datetime.fromisoformat(value).date().isoformat()
    except ValueError:
        raise invalid(f"日期格式应为 YYYY-MM-DD：{value[:20]}", f"dates are YYYY-MM-DD: {value[:20]}") from None
