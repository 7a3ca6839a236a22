"""Time for the hall server, injected so tests and simulations control it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone


def parse_offset(offset: str) -> timezone:
    """``"+08:00"`` → a fixed-offset timezone."""
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = offset.lstrip("+-").split(":")
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))


class Clock:
    """The real clock, in the hall's local offset."""

    def __init__(self, tz: timezone):
        self.tz = tz

    def now(self) -> datetime:
        return datetime.now(self.tz)


class FakeClock(Clock):
    """A clock that stands still until told to move (tests, simulations)."""

    def __init__(self, start: datetime):
        super().__init__(start.tzinfo)  # type: ignore[arg-type]
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta) -> datetime:
        self._now += timedelta(**delta)
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when


def iso(dt: datetime | None) -> str | None:
    return dt.isoformat(timespec="seconds") if dt else None


class ShiftedClock(Clock):
    """Real time moved by a fixed offset: the demo hall runs in opening hours at any hour."""

    def __init__(self, tz: timezone, offset: timedelta):
        super().__init__(tz)
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(self.tz) + self.offset
