"""Working-day calendar for 差评整改 deadlines.

Deadlines in 好差评 are counted in working days (工作日) and are a local rule
(domain.md §0 finding 1, HCP-52). A working day is a weekday that is not a public
holiday, or a weekend day that the State Council's yearly notice turns into a
make-up working day (调休上班). Both lists come from configuration each year.

Pure: dates in, dates out; no clock is read here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Iterable

from hall_server.domain.model import DomainError

# A calendar with no working day at all would make every search endless; no real
# calendar has a gap longer than a few weeks, so a year is a safe bound.
MAX_SEARCH_DAYS = 400


@dataclass(frozen=True)
class WorkCalendar:
    """Which dates are working days.

    ``holidays`` are days off even on a weekday; ``workdays`` are 调休 make-up
    days worked even on a weekend; ``weekend`` holds ``date.weekday()`` numbers
    (5 Saturday, 6 Sunday).
    """

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    weekend: frozenset[int] = frozenset({5, 6})

    def __post_init__(self) -> None:
        both = sorted(self.holidays & self.workdays)
        if both:
            listed = "、".join(d.isoformat() for d in both)
            raise DomainError("invalid_input", f"日期同时列为节假日和调休上班日：{listed}",
                              f"dates listed both as holiday and as make-up working day: {listed}")

    @classmethod
    def of(cls, holidays: Iterable[date] = (), workdays: Iterable[date] = ()) -> "WorkCalendar":
        """A calendar from any iterables of dates."""
        return cls(frozenset(holidays), frozenset(workdays))

    def is_working_day(self, day: date) -> bool:
        """True for a working day: a weekday not on holiday, or a 调休 make-up day."""
        if day in self.workdays:
            return True
        return day.weekday() not in self.weekend and day not in self.holidays

    def years(self) -> set[int]:
        """The years for which holidays or make-up days are listed."""
        return {d.year for d in self.holidays | self.workdays}

    def covers(self, day: date) -> bool:
        """Whether the calendar lists anything for ``day``'s year (else only weekends count)."""
        return day.year in self.years()

    def add_working_days(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (counting starts the next day,
        次日起算). ``days == 0`` gives ``start`` itself if it is a working day, else
        the next working day."""
        if days < 0:
            raise DomainError("invalid_input", "工作日数不能为负数", "working days must not be negative")
        current = start if days == 0 else start + timedelta(days=1)
        remaining = max(days, 1)
        for _ in range(MAX_SEARCH_DAYS * max(days, 1)):
            if self.is_working_day(current):
                remaining -= 1
                if remaining == 0:
                    return current
            current += timedelta(days=1)
        raise _no_working_day()

    def subtract_working_days(self, end: date, days: int) -> date:
        """The working day ``days`` working days before ``end`` (``end`` excluded)."""
        current, remaining = end, days
        for _ in range(MAX_SEARCH_DAYS * max(days, 1)):
            if remaining == 0:
                return current
            current -= timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        raise _no_working_day()

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in ``(start, end]``; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            count += self.is_working_day(current)
        return count

    def deadline(self, opened_at: datetime, days: int, day_end: time = time(23, 59, 59)) -> datetime:
        """The end (``day_end``, local) of the ``days``-th working day after the day
        of ``opened_at``: "N 个工作日内" counted from the next day."""
        due_day = self.add_working_days(opened_at.date(), days)
        return datetime.combine(due_day, day_end, tzinfo=opened_at.tzinfo)

    def reminder_at(self, deadline: datetime, lead_working_days: int) -> datetime | None:
        """When to remind: the start of the working day from which ``lead_working_days``
        working days (the deadline day included) are left; ``None`` for no reminder."""
        if lead_working_days <= 0:
            return None
        day = self.subtract_working_days(deadline.date(), lead_working_days - 1)
        return datetime.combine(day, time(0, 0), tzinfo=deadline.tzinfo)

    def remaining_working_days(self, now: datetime, deadline: datetime) -> int:
        """Working days left until ``deadline``, today counted if it is a working day;
        0 on the deadline day after it passed, negative once overdue by whole days."""
        today, due = now.date(), deadline.date()
        if now > deadline:
            return -self.working_days_between(due, today)
        return self.working_days_between(today, due) + self.is_working_day(today)


def _no_working_day() -> DomainError:
    return DomainError("invalid_input", "工作日历中找不到工作日，请检查节假日配置",
                       "the working-day calendar has no working day in reach; check the holiday list")
