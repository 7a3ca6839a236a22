"""What the console pages read: the hall's context, the windows board, the live
queues, devices, help requests, 差评 case details, and the alarms of all of them.
Each function reads the store in one transaction and returns a JSON-ready dict; no
personal data (a waiting ticket says only whether it is real-name)."""
from __future__ import annotations

import json
from datetime import datetime

from hall_server.clock import iso
from hall_server.console import alarms as rules
from hall_server.console import figures
from hall_server.domain.cases import STATE_NAMES, TRANSITIONS
from hall_server.engine.tickets import estimate_minutes, open_windows_for
from hall_server.engine.windows import window_view
from hall_server.store import tickets as rows


def thresholds(hall) -> rules.Thresholds:
    c = hall.config.console
    return rules.Thresholds(wait_minutes=c.wait_alarm_minutes, queue_length=c.queue_alarm_length,
                            offline_minutes=c.device_offline_minutes, help_escalate_minutes=c.help_escalate_minutes,
                            case_due_hours=c.case_due_warning_hours)


def context(hall) -> dict:
    """Once per page: hall name, today, thresholds, the catalogue's codes and names,
    and the 差评 loop's actions (read from the domain, so new steps appear by themselves)."""
    config = hall.config
    return {"hall": config.hall.name, "time": iso(hall.now()), "day": hall.day(), "seq": hall.store.last_seq(),
            "thresholds": config.console.model_dump(),
            "zones": [{"code": z.code, "name": z.name} for z in config.zones],
            "categories": [{"code": c.code, "name": c.name, "prefix": c.prefix} for c in hall.categories.values()],
            "windows": [{"id": w["id"], "number": w["number"], "name": w["name"]}
                        for w in hall.store.all("SELECT id, number, name FROM windows ORDER BY number")],
            "case_actions": {action: {"from": sorted(frm), "to": to} for action, (frm, to) in TRANSITIONS.items()},
            "case_states": dict(STATE_NAMES)}


def clerks(tx) -> list[dict]:
    return tx.all("SELECT username, display_name, staff_no, window_id FROM users "
                  "WHERE role = 'counter' AND disabled = 0 ORDER BY staff_no, username")


NO_FIGURES = {"called": 0, "served": 0, "no_show": 0, "wait_mean": None, "service_mean": None}


def _open_pauses(tx) -> dict[str, str]:
    return {p["window_id"]: p["started_at"] for p in tx.all(
        "SELECT window_id, MAX(started_at) AS started_at FROM window_pauses WHERE ended_at IS NULL GROUP BY window_id")}


def board(hall) -> dict:
    """Every window with its state, clerk, current ticket and today's figures."""
    zone_names = {z.code: z.name for z in hall.config.zones}
    kinds = {w.id: w.kind for w in hall.config.windows}
    with hall.store.transaction(hall.now()) as tx:
        per_window = figures.window_day(rows.from_row(r) for r in tx.all("SELECT * FROM tickets WHERE day = ?",
                                                                          (hall.day(),)))
        paused_since, staff = _open_pauses(tx), clerks(tx)
        people = {c["username"]: c for c in staff}
        windows = []
        for row in tx.all("SELECT * FROM windows ORDER BY number"):
            clerk = people.get(row["clerk"], {})
            windows.append({**window_view(hall, tx, row), "zone_name": zone_names.get(row["zone"], row["zone"]),
                            "kind": kinds.get(row["id"]), "clerk_name": clerk.get("display_name") or row["clerk"],
                            "clerk_staff_no": clerk.get("staff_no"), "paused_since": paused_since.get(row["id"]),
                            "today": per_window.get(row["id"], NO_FIGURES)})
        waiting = sum(rows.waiting_by_category(tx).values())
    states = [w["state"] for w in windows]
    return {"time": iso(hall.now()), "day": hall.day(), "windows": windows, "clerks": staff,
            "summary": {s: states.count(s) for s in ("open", "paused", "closed")} | {"waiting": waiting}}


def _waiting_ticket(hall, ticket, now, window_names: dict, position: int) -> dict:
    category = hall.categories.get(ticket.category)
    service = hall.services.get(ticket.service) if ticket.service else None
    return {"id": ticket.id, "number": ticket.number, "category": ticket.category,
            "category_name": category.name if category else ticket.category,
            "service_name": service.name if service else None, "priority": ticket.priority.value,
            "issued_at": iso(ticket.issued_at), "waited_min": figures.waited_minutes(ticket, now),
            "target_window": ticket.target_window, "target_window_name": window_names.get(ticket.target_window),
            "transfer_count": ticket.transfer_count, "requeue_count": ticket.requeue_count,
            "real_name": ticket.person_hash is not None, "position": position}


def _lines(hall, tx, waiting, now) -> list[dict]:
    """Each category's line: counts, longest wait, estimate, open windows."""
    lines = []
    for code, category in hall.categories.items():
        line = figures.category_line(code, waiting, now)
        lines.append({"code": code, "name": category.name, "prefix": category.prefix, **line,
                      "est_wait_min": estimate_minutes(hall, tx, code, line["waiting"]),
                      "open_windows": open_windows_for(tx, code)})
    return lines


def queue_lines(hall) -> tuple[list[dict], list, list[rules.Alarm]]:
    """(category lines with their alarm kinds, waiting tickets in line order, alarms)."""
    now = hall.now()
    with hall.store.transaction(now) as tx:
        waiting = figures.line_order(rows.waiting(tx))
        lines = _lines(hall, tx, waiting, now)
    found = rules.queue_alarms(lines, thresholds(hall))
    for line in lines:
        line["alarms"] = [a.kind for a in found if a.target == line["code"]]
    return lines, waiting, found


def queues(hall) -> dict:
    """Each category's line with its alarms, and the waiting tickets grouped by
    category in line order, each with its place in its line."""
    now, limits = hall.now(), thresholds(hall)
    lines, waiting, found = queue_lines(hall)
    window_names = {w["id"]: w["name"] for w in hall.store.all("SELECT id, name FROM windows")}
    order = {code: index for index, code in enumerate(hall.categories)}
    tickets, places = [], {}
    for ticket in sorted(waiting, key=lambda t: order.get(t.category, len(order))):  # stable: line order kept
        places[ticket.category] = places.get(ticket.category, 0) + 1
        tickets.append(_waiting_ticket(hall, ticket, now, window_names, places[ticket.category]))
    return {"time": iso(now), "thresholds": {"wait_minutes": limits.wait_minutes, "queue_length": limits.queue_length},
            "categories": lines, "tickets": tickets, "alarms": [a.as_dict() for a in found]}


def devices(hall) -> dict:
    """Every device that ever sent a heartbeat, with online state and problems."""
    now = hall.now()
    offline = hall.config.console.device_offline_minutes
    found = hall.store.all("SELECT * FROM devices ORDER BY role, name")
    for device in found:
        device["components"] = json.loads(device["components"])
        device["minutes_since"] = rules.minutes_between(device_time(device), now)
        device["problems"] = rules.device_problems(device, now, offline)
        device["online"] = device["minutes_since"] < offline
    return {"time": iso(now), "offline_minutes": offline, "devices": found}


def device_time(device: dict) -> datetime:
    return datetime.fromisoformat(device["last_seen"])


def help_requests(hall, state: str = "open", limit: int = 200) -> list[dict]:
    where = "" if state == "all" else " WHERE state = ?"
    params = () if state == "all" else (state,)
    return hall.store.all(f"SELECT * FROM help_requests{where} ORDER BY requested_at DESC LIMIT {int(limit)}", params)


def open_cases(hall) -> list[dict]:
    # A document's case has no ticket: its alarm names the document number instead.
    return hall.store.all("SELECT c.id, c.state, c.deadline, COALESCE(t.number, c.doc_no) AS ticket_number "
                          "FROM cases c LEFT JOIN tickets t ON t.id = c.ticket_id "
                          "WHERE c.state NOT IN ('closed', 'appeal_upheld')")


def all_alarms(hall) -> dict:
    """Every alarm now: queues, devices, help requests, cases; alarms before warnings."""
    now, limits = hall.now(), thresholds(hall)
    found = rules.ranked([*queue_lines(hall)[2], *rules.device_alarms(devices(hall)["devices"], now, limits),
                          *rules.help_alarms(help_requests(hall, "open"), now, limits),
                          *rules.case_alarms(open_cases(hall), now, limits)])
    counts: dict[str, int] = {}
    for alarm in found:
        counts[alarm.kind] = counts.get(alarm.kind, 0) + 1
    return {"time": iso(now), "alarms": [a.as_dict() for a in found], "counts": counts}


def case_details(hall) -> dict:
    """Per case: the ticket number, window, clerk and the evaluation behind it — or, for
    a self-printed document's case, the document number, certificate and kiosk (no
    window, no clerk). The case's own state, deadline and history come from GET /api/v1/cases."""
    found = hall.store.all(
        "SELECT c.id, c.doc_no, t.number, t.category, t.service, c.window_id, w.number AS window_number, "
        "w.name AS window_name, c.clerk, u.display_name AS clerk_name, e.level, e.level_name, e.reasons, e.comment, "
        "e.channel, e.at, e.service_name, e.device "
        "FROM cases c LEFT JOIN tickets t ON t.id = c.ticket_id LEFT JOIN windows w ON w.id = c.window_id "
        "LEFT JOIN evaluations e ON e.id = c.evaluation_id LEFT JOIN users u ON u.username = c.clerk")
    details = {}
    for r in found:
        category = hall.categories.get(r["category"])
        service = hall.services.get(r["service"]) if r["service"] else None
        details[r["id"]] = {
            "ticket_number": r["number"], "doc_no": r["doc_no"], "kiosk": r["device"] if r["doc_no"] else None,
            "category_name": category.name if category else r["category"],
            "service_name": service.name if service else r["service_name"], "window_number": r["window_number"],
            "window_name": r["window_name"], "clerk": r["clerk"], "clerk_name": r["clerk_name"] or r["clerk"],
            "evaluation": {"level": r["level"], "level_name": r["level_name"],
                           "reasons": json.loads(r["reasons"]) if r["reasons"] else [],
                           "comment": r["comment"], "channel": r["channel"], "at": r["at"]}}
    return {"time": iso(hall.now()), "due_warning_hours": hall.config.console.case_due_warning_hours, "cases": details}
