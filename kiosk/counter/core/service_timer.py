"""The running service timer: time since 开始办理, without the time spent 挂起.

挂起 (suspend) stops the clock while the resident fetches a missing document, so a
clerk's service time is not charged for it (anchors-queue.md (d) 7; the server's
``service_seconds`` does the same for statistics). The console computes it from the
ticket's state history (``GET /api/v1/tickets/{id}``: ``at`` and ``action`` per row),
so it is right after a restart of the console too. Times are the server's: the shell
passes ``now`` already corrected by the server's clock offset.
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterable, Mapping


def parse_time(value: object) -> datetime | None:
    """An ISO 8601 time with offset from the API, or None when missing or malformed."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def service_seconds(started_at: datetime | None, history: Iterable[Mapping], now: datetime) -> float:
    """Seconds of service so far: ``now − started_at`` minus every suspended stretch.

    ``history`` rows are the ticket's ``{"at", "action"}``; an open ``suspend`` (no
    ``resume`` after it) stops the clock at the suspend. History rows before the start
    (an earlier service before a transfer) are ignored. Never negative.
    """
    if started_at is None:
        return 0.0
    suspended, paused_from = 0.0, None
    for row in sorted(_events(history, started_at), key=lambda r: r[0]):
        at, action = row
        if action == "suspend" and paused_from is None:
            paused_from = at
        elif action == "resume" and paused_from is not None:
            suspended += (at - paused_from).total_seconds()
            paused_from = None
    end = paused_from if paused_from is not None and paused_from < now else now
    return max(0.0, (end - started_at).total_seconds() - suspended)


def _events(history: Iterable[Mapping], started_at: datetime) -> list[tuple[datetime, str]]:
    found = []
    for row in history or ():
        at = parse_time(row.get("at")) if isinstance(row, Mapping) else None
        action = row.get("action") if isinstance(row, Mapping) else None
        if at is not None and at >= started_at and action in ("suspend", "resume"):
            found.append((at, action))
    return found


def format_duration(seconds: float) -> str:
    """``mm:ss`` under an hour, ``h:mm:ss`` from an hour on."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
