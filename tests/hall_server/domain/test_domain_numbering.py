"""Numbering day, number format and the issue rules (hours, quotas, real name, per person)."""
from datetime import datetime, time, timedelta, timezone

import pytest

from hall_server.domain.model import CategoryRules, DomainError, ServiceRules
from hall_server.domain.numbering import (
    check_issue, describe_hours, format_number, in_period, numbering_day, requires_real_name,
)

CST = timezone(timedelta(hours=8))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=CST)


def test_numbering_day_before_reset_belongs_to_previous_day():
    assert numbering_day(at(22, 2), time(4)).isoformat() == "2026-11-21"
    assert numbering_day(at(22, 3, 59), time(4)).isoformat() == "2026-11-21"


def test_numbering_day_from_reset_on_is_today():
    assert numbering_day(at(22, 4), time(4)).isoformat() == "2026-11-22"
    assert numbering_day(at(22, 23, 59), time(4)).isoformat() == "2026-11-22"


def test_numbering_day_midnight_reset_and_month_boundary():
    assert numbering_day(at(22, 0), time(0)).isoformat() == "2026-11-22"
    assert numbering_day(datetime(2026, 12, 1, 1, tzinfo=CST), time(4)).isoformat() == "2026-11-30"


def test_numbering_day_uses_the_local_wall_clock_of_now():
    # 19:00 UTC on the 21st is 03:00 on the 22nd in Beijing: still day 21 with a 04:00 reset.
    utc_evening = datetime(2026, 11, 21, 19, 0, tzinfo=timezone.utc)
    assert numbering_day(utc_evening.astimezone(CST), time(4)).isoformat() == "2026-11-21"
    assert numbering_day(utc_evening, time(4)).isoformat() == "2026-11-21"  # 19:00 UTC ≥ 04:00


def test_numbering_day_refuses_naive_time():
    with pytest.raises(ValueError):
        numbering_day(datetime(2026, 11, 22, 2), time(4))


def test_format_number_pads_and_grows_past_padding():
    assert format_number("A", 23) == "A023"
    assert format_number("A", 999) == "A999"
    assert format_number("A", 1000) == "A1000"
    assert format_number("VIP", 7, padding=4) == "VIP0007"
    assert format_number("B", 5, padding=0) == "B5"


def test_format_number_refuses_negative_serial():
    with pytest.raises(ValueError):
        format_number("A", -1)


def test_period_crossing_midnight():
    night = (time(22), time(2))
    assert in_period(time(23, 30), night)
    assert in_period(time(1, 59), night)
    assert not in_period(time(2), night)
    assert not in_period(time(12), night)


def test_period_end_is_exclusive_and_equal_bounds_mean_all_day():
    assert in_period(time(8, 30), (time(8, 30), time(12)))
    assert not in_period(time(12), (time(8, 30), time(12)))
    assert in_period(time(3), (time(0), time(0)))


def test_describe_hours():
    hours = ((time(8, 30), time(12)), (time(13, 30), time(17)))
    assert describe_hours(hours, "、") == "08:30–12:00、13:30–17:00"


DAY_HOURS = ((time(8, 30), time(12)), (time(13, 30), time(17)))


def issue(category, service=None, now=None, in_cat=0, for_svc=0, person=None):
    check_issue(category, service, now or at(21, 9), in_cat, for_svc, person)


def test_issue_allowed_inside_hours_and_quota():
    issue(CategoryRules("A", "A", hours=DAY_HOURS, daily_quota=100), now=at(21, 14), in_cat=99)


def test_outside_category_hours():
    with pytest.raises(DomainError) as caught:
        issue(CategoryRules("A", "A", hours=DAY_HOURS), now=at(21, 12, 30))
    err = caught.value
    assert err.code == "outside_hours"
    assert "08:30–12:00、13:30–17:00" in err.message
    assert "08:30–12:00, 13:30–17:00" in err.message_en
    assert err.data["hours"] == [["08:30", "12:00"], ["13:30", "17:00"]]


def test_outside_service_hours_even_when_category_open():
    service = ServiceRules("S1", "A", hours=((time(9), time(11)),))
    with pytest.raises(DomainError) as caught:
        issue(CategoryRules("A", "A"), service, now=at(21, 11, 0))
    assert caught.value.code == "outside_hours"


def test_night_hours_across_midnight_allow_issue_at_one_am():
    issue(CategoryRules("N", "N", hours=((time(22), time(2)),)), now=at(22, 1))
    with pytest.raises(DomainError):
        issue(CategoryRules("N", "N", hours=((time(22), time(2)),)), now=at(22, 2, 1))


def test_category_quota_exhausted():
    with pytest.raises(DomainError) as caught:
        issue(CategoryRules("A", "A", daily_quota=100), in_cat=100)
    err = caught.value
    assert err.code == "quota_exhausted"
    assert err.message == "今日该业务号源已取完，请预约其他时间或咨询总服务台"
    assert err.message_en == "Today's tickets for this service are gone; book an appointment or ask the service desk"
    assert err.data == {"scope": "category", "quota": 100}


def test_service_quota_exhausted():
    service = ServiceRules("S1", "A", daily_quota=5)
    issue(CategoryRules("A", "A"), service, for_svc=4)
    with pytest.raises(DomainError) as caught:
        issue(CategoryRules("A", "A"), service, for_svc=5)
    assert caught.value.code == "quota_exhausted" and caught.value.data["scope"] == "service"


def test_hours_are_checked_before_quota():
    with pytest.raises(DomainError) as caught:
        issue(CategoryRules("A", "A", hours=DAY_HOURS, daily_quota=1), now=at(21, 20), in_cat=1)
    assert caught.value.code == "outside_hours"


def test_real_name_required_by_category_without_id():
    with pytest.raises(DomainError) as caught:
        issue(CategoryRules("A", "A", requires_real_name=True), person=None)
    assert caught.value.code == "invalid_input"
    assert "身份证" in caught.value.message and "ID card" in caught.value.message_en


def test_real_name_required_by_service_without_id():
    service = ServiceRules("S1", "A", real_name="required")
    assert requires_real_name(CategoryRules("A", "A"), service)
    with pytest.raises(DomainError) as caught:
        issue(CategoryRules("A", "A"), service)
    assert caught.value.code == "invalid_input"
    issue(CategoryRules("A", "A"), service, person=0)


def test_optional_real_name_without_id_is_fine_even_with_a_person_limit():
    issue(CategoryRules("A", "A", person_daily_limit=1), ServiceRules("S1", "A", real_name="optional"))


def test_person_limit():
    category = CategoryRules("A", "A", person_daily_limit=2)
    issue(category, person=1)
    with pytest.raises(DomainError) as caught:
        issue(category, person=2)
    err = caught.value
    assert err.code == "person_limit" and err.data == {"limit": 2}
    assert "上限" in err.message and "limit is 2" in err.message_en


def test_service_of_another_category_is_invalid_input():
    with pytest.raises(DomainError) as caught:
        issue(CategoryRules("A", "A"), ServiceRules("S9", "B"))
    assert caught.value.code == "invalid_input"


def test_check_issue_refuses_naive_time():
    with pytest.raises(ValueError):
        check_issue(CategoryRules("A", "A"), None, datetime(2026, 11, 21, 9), 0, 0, None)
