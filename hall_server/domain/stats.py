"""Daily statistics for the manager console and the upstream report (API.md /stats).

Waiting and service times are reported as count, mean, p50 and p90 in seconds (domain.md
Q-01: sites set their own targets, so distributions rather than one average). The
percentile is **nearest-rank**: the p-th percentile of n sorted values is the value at
rank ``ceil(p/100 × n)`` (1-based), always one of the observed values.

Counts are by a ticket's *current* state and category: a no-show that was requeued and
then served counts as served; a transferred ticket counts in the category it ended in.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import datetime, tzinfo
from typing import Iterable, Sequence

from hall_server.domain.model import Ticket, TicketState
from hall_server.domain.tickets import service_seconds, wait_seconds

Pause = tuple[str, datetime, datetime]  # (window id, paused at, resumed at)
LEVELS = (1, 2, 3, 4, 5)  # 非常不满意 1 … 非常满意 5 (DESIGN.md vocabulary)
BAD_LEVELS = (1, 2)       # 不满意 and 非常不满意 are 差评 (domain.md HCP-11)


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (see module doc); None for no values."""
    if not values:
        return None
    if not 0 <= p <= 100:
        raise ValueError("p must lie in 0..100")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def distribution(values: Sequence[float]) -> dict:
    """``{"count", "mean", "p50", "p90"}`` of seconds, rounded to 0.1 s; None when empty."""
    values = list(values)
    def tenth(x: float | None) -> float | None:
        return None if x is None else round(x, 1)
    mean = sum(values) / len(values) if values else None
    return {"count": len(values), "mean": tenth(mean), "p50": tenth(percentile(values, 50)),
            "p90": tenth(percentile(values, 90))}


def _times(tickets: Iterable[Ticket]) -> dict:
    tickets = list(tickets)
    waits = [w for w in map(wait_seconds, tickets) if w is not None]
    services = [s for t in tickets if t.state == TicketState.DONE and (s := service_seconds(t)) is not None]
    return {"wait": distribution(waits), "service": distribution(services)}


def _counts(tickets: Sequence[Ticket]) -> dict:
    states = Counter(t.state for t in tickets)
    return {
        "issued": len(tickets),
        "served": states[TicketState.DONE],
        "no_show": states[TicketState.NO_SHOW],
        "cancelled": states[TicketState.CANCELLED],
        "expired": states[TicketState.EXPIRED],
        "waiting": states[TicketState.WAITING],
    }


def _grouped(tickets: Sequence[Ticket], key) -> dict[str, list[Ticket]]:
    groups: dict[str, list[Ticket]] = defaultdict(list)
    for ticket in tickets:
        if (value := key(ticket)) is not None:
            groups[value].append(ticket)
    return dict(sorted(groups.items()))


def _served_by(tickets: Sequence[Ticket]) -> dict:
    """Figures for a window or a clerk: what it called and served, and how long."""
    return {"called": len(tickets), "served": sum(t.state == TicketState.DONE for t in tickets), **_times(tickets)}


def pause_seconds(pauses: Sequence[Pause]) -> dict[str, float]:
    """Paused seconds per window; overlapping pauses of one window count once."""
    spans: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for window_id, begin, end in pauses:
        if end > begin:
            spans[window_id].append((begin, end))
    return {window_id: round(_union_seconds(parts), 1) for window_id, parts in sorted(spans.items())}


def _union_seconds(parts: list[tuple[datetime, datetime]]) -> float:
    total, reach = 0.0, None
    for begin, end in sorted(parts):
        if reach is not None and begin < reach:
            begin = reach
        if end > begin:
            total += (end - begin).total_seconds()
        reach = end if reach is None else max(reach, end)
    return total


def satisfaction(levels: Sequence[int]) -> dict:
    """Counts per level 1–5, the total and the 差评 count (levels 1 and 2)."""
    bad_input = [level for level in levels if level not in LEVELS]
    if bad_input:
        raise ValueError("evaluation levels must be 1..5")
    counts = Counter(levels)
    return {"levels": {level: counts[level] for level in LEVELS}, "count": len(levels),
            "bad": sum(counts[level] for level in BAD_LEVELS)}


def summarize(
    tickets: Sequence[Ticket],
    pauses: Sequence[Pause] = (),
    evaluation_levels: Sequence[int] = (),
) -> dict:
    """One plain, JSON-ready dict of the period's figures::

        {"totals": {issued, served, no_show, cancelled, expired, waiting, wait, service},
         "categories": {code: {...same...}},
         "windows": {id: {called, served, wait, service, pause_seconds}},
         "clerks": {clerk: {called, served, wait, service}},
         "satisfaction": {"levels": {1..5: n}, "count": n, "bad": n}}

    ``wait`` covers every called ticket (called − issued); ``service`` only done ones.
    """
    tickets = list(tickets)
    paused = pause_seconds(pauses)
    windows = {wid: _served_by(group) for wid, group in _grouped(tickets, lambda t: t.window_id).items()}
    for window_id in paused.keys() - windows.keys():
        windows[window_id] = _served_by([])
    for window_id, figures in windows.items():
        figures["pause_seconds"] = paused.get(window_id, 0.0)
    return {
        "totals": {**_counts(tickets), **_times(tickets)},
        "categories": {code: {**_counts(g), **_times(g)} for code, g in _grouped(tickets, lambda t: t.category).items()},
        "windows": dict(sorted(windows.items())),
        "clerks": {clerk: _served_by(g) for clerk, g in _grouped(tickets, lambda t: t.clerk).items()},
        "satisfaction": satisfaction(evaluation_levels),
    }


def hourly(tickets: Sequence[Ticket], tz: tzinfo) -> dict:
    """Arrivals (issue times) and calls (call times) per local hour 0–23 in ``tz``:
    ``{"arrivals": [24 counts], "calls": [24 counts]}``."""
    arrivals, calls = [0] * 24, [0] * 24
    for ticket in tickets:
        arrivals[ticket.issued_at.astimezone(tz).hour] += 1
        if ticket.called_at is not None:
            calls[ticket.called_at.astimezone(tz).hour] += 1
    return {"arrivals": arrivals, "calls": calls}
