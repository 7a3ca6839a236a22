"""Window operations: calling, serving, transferring, pausing, reassigning."""
from __future__ import annotations

import json

from hall_server.domain import policy as call_policy
from hall_server.domain import tickets as life
from hall_server.domain.model import Ticket, TicketState, WindowState
from hall_server.engine.tickets import apply, domain_call, load
from hall_server.errors import HallError, invalid, not_found
from hall_server.store import Tx
from hall_server.store import tickets as rows


def load_window(tx: Tx, window_id: str) -> dict:
    row = tx.one("SELECT * FROM windows WHERE id = ?", (window_id,))
    if row is None:
        raise not_found("窗口", "window")
    return row


def require_open(window: dict) -> None:
    if window["state"] == WindowState.PAUSED.value:
        raise HallError("window_paused", f"{window['name']}暂停服务中，请先恢复", f"window {window['number']} is paused")
    if window["state"] == WindowState.CLOSED.value:
        raise HallError("window_closed", f"{window['name']}未开启", f"window {window['number']} is closed")


def call_data(window: dict, ticket: Ticket) -> dict:
    return {"window_number": window["number"], "window_name": window["name"], "window_id": window["id"]}


def current(tx: Tx, window: dict, *states: TicketState) -> Ticket:
    ticket = rows.get(tx, window["current_ticket"]) if window["current_ticket"] else None
    if ticket is None or (states and ticket.state not in states):
        raise HallError("no_ticket", "本窗口当前没有可操作的号", "this window has no current ticket for that")
    return ticket


def _ensure_free(tx: Tx, window: dict) -> None:
    if window["current_ticket"]:
        ticket = rows.get(tx, window["current_ticket"])
        if ticket and ticket.state in (TicketState.CALLED, TicketState.SERVING, TicketState.SUSPENDED):
            raise HallError("bad_state", f"当前号 {ticket.number} 尚未结束，请先办结、过号或转移",
                            f"ticket {ticket.number} is still open here; finish, skip or transfer it first")


def _set_current(tx: Tx, window_id: str, ticket_id: str | None) -> None:
    tx.update("windows", "id", window_id, {"current_ticket": ticket_id, "updated_at": tx.at.isoformat(timespec="seconds")})


def _do_call(hall, tx: Tx, window: dict, ticket: Ticket, actor: str) -> Ticket:
    after = domain_call(life.call, ticket, window["id"], window["clerk"] or actor, tx.at)
    _set_current(tx, window["id"], after.id)
    return apply(tx, ticket, after, "call", actor, "ticket.called", **call_data(window, after))


def call_next(hall, tx: Tx, window_id: str, actor: str) -> Ticket:
    window = load_window(tx, window_id)
    require_open(window)
    _ensure_free(tx, window)
    rules = hall.window_rules(window)
    waiting = rows.waiting(tx, rules.categories, window_id)
    # Today's calls only: the day index bounds the search (without it every call-next
    # scanned every ticket ever issued, ~0.1 s per call after a year).
    recent = [rows.from_row(r) for r in tx.all(
        "SELECT * FROM tickets WHERE day = ? AND window_id = ? AND called_at IS NOT NULL "
        "ORDER BY called_at DESC LIMIT 10", (hall.day(tx.at), window_id))][::-1]
    chosen = call_policy.choose_next(rules, waiting, tx.at, recent)
    if chosen is None:
        raise HallError("no_ticket", "当前没有等候的号", "nobody is waiting for this window")
    return _do_call(hall, tx, window, chosen, actor)


def call_ticket(hall, tx: Tx, window_id: str, ticket_id: str, actor: str) -> Ticket:
    """特呼: call one chosen waiting ticket."""
    window = load_window(tx, window_id)
    require_open(window)
    _ensure_free(tx, window)
    ticket = load(tx, ticket_id)
    if ticket.state != TicketState.WAITING:
        raise HallError("bad_state", f"{ticket.number} 不在等候中", f"ticket {ticket.number} is not waiting")
    return _do_call(hall, tx, window, ticket, actor)


def recall(hall, tx: Tx, window_id: str, actor: str) -> Ticket:
    window = load_window(tx, window_id)
    ticket = current(tx, window, TicketState.CALLED)
    after = domain_call(life.recall, ticket, tx.at, hall.window_rules(window).policy)
    return apply(tx, ticket, after, "recall", actor, "ticket.recalled", **call_data(window, after))


def skip(hall, tx: Tx, window_id: str, actor: str) -> Ticket:
    window = load_window(tx, window_id)
    ticket = current(tx, window, TicketState.CALLED)
    after = domain_call(life.skip, ticket, tx.at)
    _set_current(tx, window_id, None)
    return apply(tx, ticket, after, "skip", actor, "ticket.no_show", window_number=window["number"])


def start(hall, tx: Tx, window_id: str, actor: str) -> Ticket:
    window = load_window(tx, window_id)
    ticket = current(tx, window, TicketState.CALLED)
    return apply(tx, ticket, domain_call(life.start, ticket, tx.at), "start", actor, "ticket.serving",
                 window_number=window["number"])


def finish(hall, tx: Tx, window_id: str, actor: str) -> Ticket:
    window = load_window(tx, window_id)
    ticket = current(tx, window, TicketState.SERVING)
    after = domain_call(life.finish, ticket, tx.at)
    _set_current(tx, window_id, None)
    seconds = life.service_seconds(after)
    if seconds is not None and after.category in hall.service_times:
        hall.service_times[after.category].add(seconds)
    return apply(tx, ticket, after, "finish", actor, "ticket.done", window_number=window["number"],
                 clerk=window["clerk"])


def suspend(hall, tx: Tx, window_id: str, actor: str) -> Ticket:
    window = load_window(tx, window_id)
    ticket = current(tx, window, TicketState.SERVING)
    return apply(tx, ticket, domain_call(life.suspend, ticket, tx.at), "suspend", actor, "ticket.suspended")


def resume_ticket(hall, tx: Tx, window_id: str, actor: str) -> Ticket:
    window = load_window(tx, window_id)
    ticket = current(tx, window, TicketState.SUSPENDED)
    return apply(tx, ticket, domain_call(life.resume, ticket, tx.at), "resume", actor, "ticket.serving",
                 window_number=window["number"])


def transfer(hall, tx: Tx, window_id: str, actor: str, to_category: str | None, to_window: str | None) -> Ticket:
    if bool(to_category) == bool(to_window):
        raise invalid("请指定转入的业务类别或窗口（二选一）", "give exactly one of to_category or to_window")
    if to_category and to_category not in hall.categories:
        raise HallError("unknown_category", f"没有编码为 {to_category} 的业务类别", f"no category {to_category}")
    if to_window:
        load_window(tx, to_window)
    window = load_window(tx, window_id)
    ticket = current(tx, window, TicketState.CALLED, TicketState.SERVING)
    after = domain_call(life.transfer, ticket, tx.at, to_category=to_category, to_window=to_window)
    _set_current(tx, window_id, None)
    return apply(tx, ticket, after, "transfer", actor, "ticket.transferred", from_window=window_id,
                 to_category=to_category, to_window=to_window)


STATE_CHANGES = {
    "pause": ({WindowState.OPEN}, WindowState.PAUSED),
    "resume": ({WindowState.PAUSED}, WindowState.OPEN),
    "open": ({WindowState.CLOSED, WindowState.PAUSED, WindowState.OPEN}, WindowState.OPEN),
    "close": ({WindowState.OPEN, WindowState.PAUSED, WindowState.CLOSED}, WindowState.CLOSED),
}


def change_state(hall, tx: Tx, window_id: str, action: str, actor: str, reason: str | None) -> dict:
    window = load_window(tx, window_id)
    allowed, target = STATE_CHANGES[action]
    state = WindowState(window["state"])
    if state not in allowed:
        raise HallError("bad_state", f"{window['name']}当前为{_STATE_ZH[state]}，不能{_ACTION_ZH[action]}",
                        f"window {window['number']} is {state.value}; cannot {action}")
    at = tx.at.isoformat(timespec="seconds")
    if target == WindowState.PAUSED:
        tx.insert("window_pauses", {"window_id": window_id, "started_at": at, "reason": reason})
    elif state == WindowState.PAUSED:
        tx.execute("UPDATE window_pauses SET ended_at = ? WHERE window_id = ? AND ended_at IS NULL", (at, window_id))
    tx.update("windows", "id", window_id, {"state": target.value, "updated_at": at,
                                            "pause_reason": reason if target == WindowState.PAUSED else None})
    tx.event("window.state", {"window_id": window_id, "window_number": window["number"],
                              "window_name": window["name"], "state": target.value, "reason": reason})
    return {**window, "state": target.value, "pause_reason": reason if target == WindowState.PAUSED else None}


_STATE_ZH = {WindowState.OPEN: "开启", WindowState.PAUSED: "暂停", WindowState.CLOSED: "关闭"}
_ACTION_ZH = {"pause": "暂停", "resume": "恢复", "open": "开启", "close": "关闭"}


def set_categories(hall, tx: Tx, window_id: str, categories: list[str], actor: str) -> dict:
    unknown = [c for c in categories if c not in hall.categories]
    if unknown or not categories or len(set(categories)) != len(categories):
        raise invalid(f"业务类别无效：{', '.join(unknown) or '为空或重复'}", f"bad categories: {unknown or 'empty or repeated'}")
    window = load_window(tx, window_id)
    tx.update("windows", "id", window_id, {"categories": json.dumps(categories), "updated_at": tx.at.isoformat(timespec="seconds")})
    tx.event("window.categories", {"window_id": window_id, "window_number": window["number"], "categories": categories})
    return {**window, "categories": json.dumps(categories)}


def assign_clerk(hall, tx: Tx, window_id: str, clerk: str | None) -> dict:
    """AB岗: put a clerk on a window (or clear it)."""
    window = load_window(tx, window_id)
    tx.update("windows", "id", window_id, {"clerk": clerk, "updated_at": tx.at.isoformat(timespec="seconds")})
    tx.event("window.clerk", {"window_id": window_id, "window_number": window["number"], "clerk": clerk})
    return {**window, "clerk": clerk}


def window_view(hall, tx: Tx, window: dict) -> dict:
    ticket = rows.get(tx, window["current_ticket"]) if window["current_ticket"] else None
    return {"id": window["id"], "number": window["number"], "name": window["name"], "zone": window["zone"],
            "categories": json.loads(window["categories"]), "state": window["state"], "clerk": window["clerk"],
            "pause_reason": window["pause_reason"],
            "current_ticket": {"id": ticket.id, "number": ticket.number, "state": ticket.state.value,
                               "category": ticket.category} if ticket else None}
