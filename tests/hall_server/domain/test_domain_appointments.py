"""Appointment check-in: verdicts at the edges of the window and the refusals' text."""
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from hall_server.domain.appointments import check_in, check_in_error, check_in_verdict, describe_slot
from hall_server.domain.model import Appointment, DomainError, Priority

CST = timezone(timedelta(hours=8))
APPT = Appointment(code="YY20261121001", service="S1",
                   slot_start=datetime(2026, 11, 21, 9, 0, tzinfo=CST),
                   slot_end=datetime(2026, 11, 21, 10, 0, tzinfo=CST))


def at(hour, minute=0, second=0):
    return datetime(2026, 11, 21, hour, minute, second, tzinfo=CST)


@pytest.mark.parametrize("now, verdict", [
    (at(8, 29, 59), "too_early"),
    (at(8, 30), "ok"),
    (at(9, 30), "ok"),
    (at(10, 15), "ok"),
    (at(10, 15, 1), "too_late"),
])
def test_verdict_edges(now, verdict):
    assert check_in_verdict(APPT, now, early_minutes=30, late_minutes=15) == verdict


def test_verdict_compares_instants_across_time_zones():
    utc_830 = datetime(2026, 11, 21, 0, 30, tzinfo=timezone.utc)  # 08:30 in Beijing
    assert check_in_verdict(APPT, utc_830, 30, 15) == "ok"


def test_already_checked_in_wins_over_time():
    done = replace(APPT, checked_in_ticket="t1")
    assert check_in_verdict(done, at(9, 30), 30, 15) == "already_checked_in"


def test_too_early_error_names_the_slot():
    err = check_in_error("too_early", APPT)
    assert err.code == "appointment_not_in_window"
    assert "2026-11-21 09:00–10:00" in err.message and "2026-11-21 09:00–10:00" in err.message_en
    assert "还未到" in err.message and "too early" in err.message_en
    assert err.data == {"verdict": "too_early", "slot": "2026-11-21 09:00–10:00"}


def test_too_late_error():
    err = check_in_error("too_late", APPT)
    assert err.code == "appointment_not_in_window" and "已过" in err.message and "passed" in err.message_en


def test_errors_without_the_appointment_still_explain():
    err = check_in_error("too_late")
    assert err.code == "appointment_not_in_window" and err.message and err.message_en


def test_second_check_in_is_a_conflict():
    assert check_in_error("already_checked_in").code == "conflict"


def test_ok_has_no_error():
    with pytest.raises(ValueError):
        check_in_error("ok")


def test_check_in_gives_appointment_priority_or_raises():
    assert check_in(APPT, at(9, 5), 30, 15) == Priority.APPOINTMENT
    with pytest.raises(DomainError) as caught:
        check_in(APPT, at(7), 30, 15)
    assert caught.value.code == "appointment_not_in_window"


def test_slot_over_midnight_shows_both_dates():
    night = Appointment(code="x", service="S1", slot_start=datetime(2026, 11, 21, 23, 30, tzinfo=CST),
                        slot_end=datetime(2026, 11, 22, 0, 30, tzinfo=CST))
    assert describe_slot(night) == "2026-11-21 23:30–2026-11-22 00:30"
