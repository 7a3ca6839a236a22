"""Working-day calendar (pure): weekends, holidays, 调休 make-up days, the 2026
national schedule as shipped in the default configuration, deadlines and reminders."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from hall_server.config.evaluation_upstream import CalendarSettings
from hall_server.domain.calendar import WorkCalendar
from hall_server.domain.model import DomainError

CST = timezone(timedelta(hours=8))
PLAIN = WorkCalendar()
CHINA_2026 = CalendarSettings().calendar()


def test_weekends_are_off_and_counting_starts_the_next_day():
    friday = date(2026, 11, 27)
    assert not PLAIN.is_working_day(date(2026, 11, 28)) and not PLAIN.is_working_day(date(2026, 11, 29))
    assert PLAIN.add_working_days(friday, 1) == date(2026, 11, 30)       # Monday
    assert PLAIN.add_working_days(date(2026, 11, 23), 5) == date(2026, 11, 30)
    assert PLAIN.add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 30)  # Saturday → next working day
    assert PLAIN.add_working_days(friday, 0) == friday


def test_holidays_are_off_and_make_up_days_are_worked():
    calendar = WorkCalendar.of(holidays=[date(2026, 12, 1)], workdays=[date(2026, 12, 5)])
    assert not calendar.is_working_day(date(2026, 12, 1))          # a Tuesday off
    assert calendar.is_working_day(date(2026, 12, 5))              # a Saturday worked
    # Mon 30 Nov + 3: Wed 2, Thu 3, Fri 4 → but Tue 1 is off, so Wed, Thu, Fri.
    assert calendar.add_working_days(date(2026, 11, 30), 3) == date(2026, 12, 4)
    assert calendar.add_working_days(date(2026, 11, 30), 4) == date(2026, 12, 5)  # the make-up Saturday
    assert calendar.working_days_between(date(2026, 11, 30), date(2026, 12, 7)) == 5


def test_the_shipped_2026_schedule_national_day_and_spring_festival():
    # 国庆 10.1–7 off, 9.20 (Sun) and 10.10 (Sat) worked.
    assert CHINA_2026.is_working_day(date(2026, 9, 20)) and CHINA_2026.is_working_day(date(2026, 10, 10))
    assert not any(CHINA_2026.is_working_day(date(2026, 10, d)) for d in range(1, 8))
    # From Wed 30 Sep, 5 working days: Thu 8, Fri 9, Sat 10 (调休), Mon 12, Tue 13.
    assert CHINA_2026.add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 13)
    # 春节 2.15–23 off; Sat 2.14 and Sat 2.28 worked. From Fri 13 Feb, 3 days: 14, 24, 25.
    assert CHINA_2026.add_working_days(date(2026, 2, 13), 3) == date(2026, 2, 25)
    assert CHINA_2026.is_working_day(date(2026, 2, 28))
    # 元旦 1.1–3 off, Sun 1.4 worked; 劳动节 5.1–5 off, Sat 5.9 worked.
    assert CHINA_2026.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 4)
    assert CHINA_2026.add_working_days(date(2026, 4, 30), 2) == date(2026, 5, 7)
    assert CHINA_2026.is_working_day(date(2026, 5, 9))
    assert CHINA_2026.covers(date(2026, 6, 1)) and not CHINA_2026.covers(date(2027, 6, 1))


def test_deadline_is_the_end_of_the_last_working_day():
    opened = datetime(2026, 9, 30, 16, 45, tzinfo=CST)
    assert CHINA_2026.deadline(opened, 5) == datetime(2026, 10, 13, 23, 59, 59, tzinfo=CST)
    assert CHINA_2026.deadline(opened, 1, time(17, 30)) == datetime(2026, 10, 8, 17, 30, tzinfo=CST)


def test_reminder_and_remaining_days():
    deadline = datetime(2026, 10, 13, 23, 59, 59, tzinfo=CST)
    assert CHINA_2026.reminder_at(deadline, 1) == datetime(2026, 10, 13, 0, 0, tzinfo=CST)
    assert CHINA_2026.reminder_at(deadline, 3) == datetime(2026, 10, 10, 0, 0, tzinfo=CST)  # the 调休 Saturday
    assert CHINA_2026.reminder_at(deadline, 0) is None
    at = lambda d, h=10: datetime(2026, 10, d, h, tzinfo=CST)  # noqa: E731
    assert CHINA_2026.remaining_working_days(at(13), deadline) == 1
    assert CHINA_2026.remaining_working_days(at(10), deadline) == 3
    assert CHINA_2026.remaining_working_days(at(4), deadline) == 5     # a holiday: not counted itself
    assert CHINA_2026.remaining_working_days(at(14), deadline) == -1
    assert CHINA_2026.remaining_working_days(at(19), deadline) == -4


def test_a_date_on_both_lists_and_a_calendar_without_working_days_are_refused():
    with pytest.raises(DomainError) as both:
        WorkCalendar.of(holidays=[date(2026, 5, 9)], workdays=[date(2026, 5, 9)])
    assert "2026-05-09" in both.value.message
    never = WorkCalendar(weekend=frozenset(range(7)))
    with pytest.raises(DomainError) as err:
        never.add_working_days(date(2026, 1, 1), 2)
    assert err.value.code == "invalid_input" and "工作日" in err.value.message


def test_calendar_config_takes_dates_ranges_and_refuses_bad_ones():
    settings_ = CalendarSettings.model_validate({"holidays": ["2027-01-01..2027-01-03", date(2027, 2, 6)],
                                                 "workdays": ["2027-01-09"]})
    assert settings_.holidays == [date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3), date(2027, 2, 6)]
    assert settings_.calendar().is_working_day(date(2027, 1, 9))
    for bad in (["2027-13-01"], ["2027-01-05..2027-01-01"], ["2027-01-01..2027-06-01"], ["soon"]):
        with pytest.raises(ValidationError):
            CalendarSettings.model_validate({"holidays": bad})
    with pytest.raises(ValidationError):
        CalendarSettings.model_validate({"holidays": ["2027-01-09"], "workdays": ["2027-01-09"]})


days_2026 = st.dates(min_value=date(2025, 12, 1), max_value=date(2026, 12, 31))


@settings(max_examples=150, deadline=None)
@given(start=days_2026, n=st.integers(min_value=1, max_value=30))
def test_adding_n_working_days_lands_on_a_working_day_n_working_days_later(start, n):
    due = CHINA_2026.add_working_days(start, n)
    assert CHINA_2026.is_working_day(due) and due > start
    assert CHINA_2026.working_days_between(start, due) == n
    back = CHINA_2026.subtract_working_days(due, n)
    assert back == start if CHINA_2026.is_working_day(start) else back < start
    assert CHINA_2026.add_working_days(start, n + 1) > due


@settings(max_examples=100, deadline=None)
@given(a=days_2026, b=days_2026)
def test_working_days_between_is_antisymmetric_and_bounded(a, b):
    count = CHINA_2026.working_days_between(a, b)
    assert count == -CHINA_2026.working_days_between(b, a)
    assert abs(count) <= abs((b - a).days)
