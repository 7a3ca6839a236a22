"""Figures for a period of numbering days: the console's statistics page, its exports
and the printable daily report. Reads the store; the arithmetic is in
``domain.stats`` and ``console.figures``.

Tickets and self-printed documents are taken by numbering day; evaluations and
pauses by the local date they happened on, as GET /api/v1/stats does, so the two
agree. Ratings of documents count like ratings of tickets (好评率), and a printed
document is a finished service that may go unrated (未评率).
"""
from __future__ import annotations

from datetime import date, datetime

from hall_server.console import figures
from hall_server.console.exports import Table, ticket_table
from hall_server.domain import stats
from hall_server.engine import evaluations
from hall_server.store import tickets as rows

CLOSED_CASE_STATES = ("closed", "appeal_upheld")


def _period(start: date, end: date) -> tuple[str, str]:
    return start.isoformat(), end.isoformat()


def load_tickets(hall, start: date, end: date) -> list:
    lo, hi = _period(start, end)
    return [rows.from_row(r) for r in hall.store.all("SELECT * FROM tickets WHERE day BETWEEN ? AND ?", (lo, hi))]


def names(hall) -> dict:
    """Display names by code: categories, services, windows ("5号窗口 …") and clerks."""
    users = {u["username"]: u["display_name"] or u["username"] for u in hall.store.all(
        "SELECT username, display_name FROM users")}
    windows = {w["id"]: w["name"] for w in hall.store.all("SELECT id, name FROM windows")}
    return {"category": {c: r.name for c, r in hall.categories.items()},
            "service": {c: r.name for c, r in hall.services.items()}, "window": windows, "clerk": users}


def _pauses(hall, lo: str, hi: str) -> list[tuple[str, datetime, datetime]]:
    now = hall.now()
    found = hall.store.all("SELECT window_id, started_at, ended_at FROM window_pauses "
                           "WHERE substr(started_at, 1, 10) BETWEEN ? AND ?", (lo, hi))
    return [(p["window_id"], datetime.fromisoformat(p["started_at"]),
             datetime.fromisoformat(p["ended_at"]) if p["ended_at"] else now) for p in found]


def _evaluations(hall, lo: str, hi: str) -> list[dict]:
    return hall.store.all("SELECT ticket_id, level, level_name FROM evaluations WHERE substr(at, 1, 10) BETWEEN ? AND ?",
                          (lo, hi))


def _rated_ticket_ids(hall, lo: str, hi: str) -> set[str]:
    return {r["ticket_id"] for r in hall.store.all(
        "SELECT e.ticket_id FROM evaluations e JOIN tickets t ON t.id = e.ticket_id WHERE t.day BETWEEN ? AND ?",
        (lo, hi))}


def case_counts(hall, lo: str, hi: str) -> dict:
    """Cases opened in the period, closed in it, and open or overdue now."""
    now = hall.now().isoformat(timespec="seconds")
    one = hall.store.one
    open_clause = f"state NOT IN {CLOSED_CASE_STATES}"
    return {"opened": one("SELECT COUNT(*) AS n FROM cases WHERE substr(opened_at, 1, 10) BETWEEN ? AND ?", (lo, hi))["n"],
            "closed": one("SELECT COUNT(*) AS n FROM cases WHERE substr(closed_at, 1, 10) BETWEEN ? AND ?", (lo, hi))["n"],
            "open": one(f"SELECT COUNT(*) AS n FROM cases WHERE {open_clause}")["n"],
            "overdue": one(f"SELECT COUNT(*) AS n FROM cases WHERE {open_clause} AND deadline < ?", (now,))["n"]}


def _named(summary: dict, label: dict, windows: dict) -> dict:
    """The summary's per-category, per-window and per-clerk figures as lists with names."""
    return {
        "categories": [{"code": code, "name": label["category"].get(code, code), **f}
                       for code, f in summary["categories"].items()],
        "windows": sorted(({"id": wid, "number": windows.get(wid, {}).get("number"),
                            "name": windows.get(wid, {}).get("name", wid), **f}
                           for wid, f in summary["windows"].items()), key=lambda w: (w["number"] or 0, w["id"])),
        "clerks": [{"clerk": c, "name": label["clerk"].get(c, c), **f} for c, f in summary["clerks"].items()],
    }


def statistics(hall, start: date, end: date) -> dict:
    """Everything the statistics page draws, for numbering days ``start``..``end``."""
    lo, hi = _period(start, end)
    tickets = load_tickets(hall, start, end)
    levels = [e["level"] for e in _evaluations(hall, lo, hi)]
    summary = stats.summarize(tickets, pauses=_pauses(hall, lo, hi), evaluation_levels=levels)
    windows = {w["id"]: w for w in hall.store.all("SELECT id, number, name FROM windows")}
    done = [t for t in tickets if t.state.value == "done"]
    rated = _rated_ticket_ids(hall, lo, hi)
    printed, document_levels = evaluations.document_figures(hall.store, lo, hi)  # self-printed: services too
    documents_rated = sum(document_levels.values())
    satisfaction = {**summary["satisfaction"],
                    **figures.evaluation_rates(levels, len(done) + printed,
                                               sum(1 for t in done if t.id in rated) + documents_rated),
                    "documents": {"done": printed, "rated": documents_rated}}
    return {"date_from": lo, "date_to": hi, "totals": summary["totals"], **_named(summary, names(hall), windows),
            "satisfaction": satisfaction, "hourly": stats.hourly(tickets, hall.config.hall.tzinfo),
            "wait_histogram": figures.wait_histogram(tickets), "cases": case_counts(hall, lo, hi)}


def daily_report(hall, day: date) -> dict:
    """The printable report of one numbering day: the statistics plus the day's
    window pauses with reasons and its kiosk help requests."""
    lo = day.isoformat()
    figures_ = statistics(hall, day, day)
    pauses = hall.store.all(
        "SELECT p.window_id, w.number, w.name, p.started_at, p.ended_at, p.reason FROM window_pauses p "
        "LEFT JOIN windows w ON w.id = p.window_id WHERE substr(p.started_at, 1, 10) = ? ORDER BY p.started_at", (lo,))
    for pause in pauses:
        end = datetime.fromisoformat(pause["ended_at"]) if pause["ended_at"] else hall.now()
        pause["minutes"] = round((end - datetime.fromisoformat(pause["started_at"])).total_seconds() / 60, 1)
    help_rows = hall.store.all("SELECT requested_at, resolved_at, state FROM help_requests "
                               "WHERE substr(requested_at, 1, 10) = ?", (lo,))
    answered = [(datetime.fromisoformat(h["resolved_at"]) - datetime.fromisoformat(h["requested_at"])).total_seconds() / 60
                for h in help_rows if h["resolved_at"]]
    return {**figures_, "date": lo, "hall": hall.config.hall.name, "generated_at": hall.now().isoformat(timespec="seconds"),
            "pauses": pauses,
            "help": {"total": len(help_rows), "resolved": len(answered),
                     "mean_minutes": round(sum(answered) / len(answered), 1) if answered else None}}


def _minutes(seconds) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


SUMMARY_HEADERS = {
    "categories": {"zh": ["类别编码", "业务类别", "取号", "办结", "过号", "取消", "作废", "等候中", "平均等候分钟",
                          "等候P90分钟", "平均办理分钟", "办理P90分钟"],
                   "en": ["code", "category", "issued", "served", "no-show", "cancelled", "expired", "waiting",
                          "wait mean min", "wait p90 min", "service mean min", "service p90 min"]},
    "windows": {"zh": ["窗口号", "窗口", "叫号", "办结", "平均等候分钟", "平均办理分钟", "暂停分钟"],
                "en": ["number", "window", "called", "served", "wait mean min", "service mean min", "paused min"]},
    "clerks": {"zh": ["工作人员", "叫号", "办结", "平均等候分钟", "平均办理分钟"],
               "en": ["clerk", "called", "served", "wait mean min", "service mean min"]},
    "satisfaction": {"zh": ["项目", "数量", "比率"], "en": ["item", "count", "rate"]},
}
SHEET_TITLES = {"zh": {"categories": "按类别", "windows": "按窗口", "clerks": "按工作人员", "satisfaction": "评价"},
                "en": {"categories": "categories", "windows": "windows", "clerks": "clerks", "satisfaction": "evaluations"}}
LEVEL_LABELS = {"zh": {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"},
                "en": {5: "very satisfied", 4: "satisfied", 3: "fairly satisfied", 2: "dissatisfied", 1: "very dissatisfied"}}
RATE_LABELS = {"zh": ("评价总数", "好评率", "未评率"), "en": ("evaluations", "good rate", "unrated rate")}


def summary_rows(kind: str, figures_: dict, lang: str = "zh") -> list[list]:
    """The rows of one summary table from :func:`statistics` output."""
    if kind == "categories":
        return [[c["code"], c["name"], c["issued"], c["served"], c["no_show"], c["cancelled"], c["expired"], c["waiting"],
                 _minutes(c["wait"]["mean"]), _minutes(c["wait"]["p90"]), _minutes(c["service"]["mean"]),
                 _minutes(c["service"]["p90"])] for c in figures_["categories"]]
    if kind == "windows":
        return [[w["number"], w["name"], w["called"], w["served"], _minutes(w["wait"]["mean"]),
                 _minutes(w["service"]["mean"]), _minutes(w["pause_seconds"])] for w in figures_["windows"]]
    if kind == "clerks":
        return [[c["name"], c["called"], c["served"], _minutes(c["wait"]["mean"]), _minutes(c["service"]["mean"])]
                for c in figures_["clerks"]]
    s = figures_["satisfaction"]
    total, good, unrated = RATE_LABELS[lang]
    levels = [[LEVEL_LABELS[lang][level], s["levels"][level], None] for level in (5, 4, 3, 2, 1)]
    return levels + [[total, s["count"], None], [good, s["good"], s["good_rate"]], [unrated, s["unrated"], s["unrated_rate"]]]


def export_tables(hall, start: date, end: date, kind: str, lang: str = "zh") -> list[Table]:
    """``kind`` "tickets" or a summary kind → one table; "all" → every table (XLSX)."""
    tables = []
    if kind in ("tickets", "all"):
        levels = {r["ticket_id"]: r["level_name"] for r in hall.store.all(
            "SELECT e.ticket_id, e.level_name FROM evaluations e JOIN tickets t ON t.id = e.ticket_id "
            "WHERE t.day BETWEEN ? AND ?", _period(start, end))}
        tables.append(ticket_table(load_tickets(hall, start, end), names(hall), levels, hall.config.hall.tzinfo, lang))
    if kind != "tickets":
        figures_ = statistics(hall, start, end)
        for part in (SUMMARY_HEADERS if kind == "all" else [kind]):
            tables.append(Table(SHEET_TITLES[lang][part], SUMMARY_HEADERS[part][lang], summary_rows(part, figures_, lang)))
    return tables

