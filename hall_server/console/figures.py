"""Figures the console shows beyond ``domain.stats.summarize``: the live waiting line
per category, a window's day, the wait-time distribution, and 好评率 / 未评率.

Pure: tickets and levels in, JSON-ready dicts out; ``now`` is handed in.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Iterable, Sequence

from hall_server.domain.model import Priority, Ticket, TicketState
from hall_server.domain.stats import distribution
from hall_server.domain.tickets import service_seconds, wait_seconds

# Bucket edges in minutes; the last bucket is "60 and more". 15 is the common local
# target (domain.md Q-01), so it is an edge.
WAIT_EDGES_MIN = (0, 5, 10, 15, 20, 30, 45, 60)
GOOD_LEVELS = (3, 4, 5)  # 基本满意 and better count as 好评 (domain.md HCP-61, formula [U])
_PRIORITY_RANK = {Priority.GREEN: 0, Priority.APPOINTMENT: 1, Priority.NORMAL: 2}


def line_order(tickets: Iterable[Ticket]) -> list[Ticket]:
    """Waiting tickets in the order a window serving their category would see them:
    priority class, then time in line (DESIGN.md "Ticket life")."""
    return sorted(tickets, key=lambda t: (_PRIORITY_RANK[t.priority], t.queued_at, t.serial))


def waited_minutes(ticket: Ticket, now: datetime) -> int:
    """Minutes since the ticket was issued (a transfer keeps the issue time)."""
    return max(0, int((now - ticket.issued_at).total_seconds() // 60))


def category_line(code: str, waiting: Sequence[Ticket], now: datetime) -> dict:
    """``{waiting, green, appointment, longest_wait_min}`` for one category's line."""
    mine = [t for t in waiting if t.category == code and t.state == TicketState.WAITING]
    classes = Counter(t.priority for t in mine)
    return {"waiting": len(mine), "green": classes[Priority.GREEN], "appointment": classes[Priority.APPOINTMENT],
            "longest_wait_min": max((waited_minutes(t, now) for t in mine), default=0)}


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def window_day(tickets: Iterable[Ticket]) -> dict[str, dict]:
    """Per window id: ``{called, served, no_show, wait_mean, service_mean}`` (seconds)."""
    groups: dict[str, list[Ticket]] = defaultdict(list)
    for ticket in tickets:
        if ticket.window_id and ticket.called_at is not None:
            groups[ticket.window_id].append(ticket)
    out = {}
    for window_id, group in groups.items():
        services = [s for t in group if t.state == TicketState.DONE and (s := service_seconds(t)) is not None]
        waits = [w for t in group if (w := wait_seconds(t)) is not None]
        out[window_id] = {"called": len(group), "served": sum(t.state == TicketState.DONE for t in group),
                          "no_show": sum(t.state == TicketState.NO_SHOW for t in group),
                          "wait_mean": _mean(waits), "service_mean": _mean(services)}
    return out


def wait_histogram(tickets: Iterable[Ticket]) -> dict:
    """Called tickets per waiting-time bucket: ``{"edges_min", "counts"}``; bucket i
    holds waits in [edges[i], edges[i+1]) minutes, the last one everything above."""
    counts = [0] * len(WAIT_EDGES_MIN)
    for ticket in tickets:
        seconds = wait_seconds(ticket)
        if seconds is None:
            continue
        minutes = seconds / 60
        index = max(i for i, edge in enumerate(WAIT_EDGES_MIN) if minutes >= edge)
        counts[index] += 1
    return {"edges_min": list(WAIT_EDGES_MIN), "counts": counts}


def rate(part: int, whole: int) -> float | None:
    """``part / whole`` rounded to 0.1 %, as a fraction; None when ``whole`` is 0."""
    return round(part / whole, 3) if whole else None


def evaluation_rates(levels: Sequence[int], done: int, done_rated: int) -> dict:
    """好评率 = levels 3–5 / evaluations; 未评率 = finished services without an
    evaluation / finished services (domain.md HCP-61; the national formulas were not
    seen, so these are the plain readings)."""
    good = sum(1 for level in levels if level in GOOD_LEVELS)
    return {"good": good, "good_rate": rate(good, len(levels)), "done": done,
            "unrated": max(0, done - done_rated), "unrated_rate": rate(max(0, done - done_rated), done)}


def wait_and_service(tickets: Sequence[Ticket]) -> dict:
    """``{"wait": distribution, "service": distribution}`` of a group of tickets."""
    waits = [w for t in tickets if (w := wait_seconds(t)) is not None]
    services = [s for t in tickets if t.state == TicketState.DONE and (s := service_seconds(t)) is not None]
    return {"wait": distribution(waits), "service": distribution(services)}
