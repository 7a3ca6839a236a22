"""Ticket numbers and the rules that allow issuing one.

Numbers restart once a day at a configured local time (DESIGN.md "Ticket life"): a hall
open 24 hours still has one numbering day, so a ticket taken at 02:00 with a 04:00 reset
belongs to the previous day. ``now`` always carries the hall's local ``tzinfo``.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Sequence

from hall_server.domain.model import CategoryRules, DomainError, ServiceRules

Period = tuple[time, time]


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime (the injected clock's local time)")


def _wall(t: time) -> time:
    """A period bound or reset time compared as local wall-clock time."""
    return t.replace(tzinfo=None)


def numbering_day(now: datetime, reset_at: time) -> date:
    """The numbering day ``now`` belongs to: the local date, or the day before when the
    local time is earlier than ``reset_at`` (reset 04:00 → 02:00 on the 22nd is day 21)."""
    _require_aware(now)
    if now.time() < _wall(reset_at):
        return now.date() - timedelta(days=1)
    return now.date()


def format_number(prefix: str, serial: int, padding: int = 3) -> str:
    """``("A", 23)`` → ``"A023"``; serials wider than ``padding`` are not cut (``"A1000"``)."""
    if serial < 0 or padding < 0:
        raise ValueError("serial and padding must not be negative")
    return f"{prefix}{serial:0{padding}d}"


def in_period(moment: time, period: Period) -> bool:
    """Whether a local wall-clock time lies in ``[start, end)``. A period whose end is
    before its start crosses midnight (22:00–02:00); start == end means the whole day."""
    start, end, moment = _wall(period[0]), _wall(period[1]), _wall(moment)
    if start == end:
        return True
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def within_hours(now: datetime, hours: Sequence[Period]) -> bool:
    """Whether ``now`` falls in any of the periods; no periods means always open."""
    return not hours or any(in_period(now.time(), period) for period in hours)


def describe_hours(hours: Sequence[Period], separator: str) -> str:
    """``"08:30–12:00、13:30–17:00"`` for messages and screens."""
    return separator.join(f"{a:%H:%M}–{b:%H:%M}" for a, b in hours)


def check_issue(
    category: CategoryRules,
    service: ServiceRules | None,
    now: datetime,
    issued_in_category: int,
    issued_for_service: int,
    person_issued: int | None,
) -> None:
    """Raise ``DomainError`` when a ticket may not be issued now, checking in this order:
    hours (``outside_hours``), daily quotas (``quota_exhausted``), a required real name
    that was not given (``invalid_input``; ``person_issued is None`` means no ID was
    read), the per-person daily limit (``person_limit``).

    The counts are what was already issued today (numbering day) in the category, for
    the service, and to this person in the category.
    """
    _require_aware(now)
    if service is not None and service.category != category.code:
        raise DomainError(
            "invalid_input", "所选事项不属于该业务类别", "the service does not belong to this category",
            service=service.code, category=category.code,
        )
    _check_hours(category.hours, now)
    if service is not None:
        _check_hours(service.hours, now)
    _check_quota(category.daily_quota, issued_in_category, "category")
    if service is not None:
        _check_quota(service.daily_quota, issued_for_service, "service")
    _check_person(category, service, person_issued)


def _check_hours(hours: Sequence[Period], now: datetime) -> None:
    if within_hours(now, hours):
        return
    raise DomainError(
        "outside_hours",
        f"当前不在该业务取号时间（{describe_hours(hours, '、')}），请在取号时间内再来",
        f"Tickets for this service are issued only during {describe_hours(hours, ', ')}",
        hours=[[f"{a:%H:%M}", f"{b:%H:%M}"] for a, b in hours],
    )


def _check_quota(quota: int | None, issued: int, scope: str) -> None:
    if quota is None or issued < quota:
        return
    raise DomainError(
        "quota_exhausted",
        "今日该业务号源已取完，请预约其他时间或咨询总服务台",
        "Today's tickets for this service are gone; book an appointment or ask the service desk",
        scope=scope, quota=quota,
    )


def requires_real_name(category: CategoryRules, service: ServiceRules | None) -> bool:
    """Whether an ID card must be read before issuing (category rule or service rule)."""
    return category.requires_real_name or (service is not None and service.real_name == "required")


def _check_person(category: CategoryRules, service: ServiceRules | None, person_issued: int | None) -> None:
    if person_issued is None:
        if requires_real_name(category, service):
            raise DomainError(
                "invalid_input",
                "该业务需实名取号，请先刷身份证",
                "This service needs a real-name ticket; please read your ID card first",
                missing="id_card",
            )
        return
    limit = category.person_daily_limit
    if limit is not None and person_issued >= limit:
        raise DomainError(
            "person_limit",
            f"您今日已在该业务取号 {person_issued} 次，已达每人每日 {limit} 次的上限，请明日再来或咨询总服务台",
            f"You have taken {person_issued} tickets for this service today; "
            f"the limit is {limit} per person per day. Come back tomorrow or ask the service desk",
            limit=limit,
        )
