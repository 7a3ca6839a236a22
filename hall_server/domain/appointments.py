"""Appointment check-in at a kiosk (预约签到).

An appointment checks in from ``early_minutes`` before its slot starts until
``late_minutes`` after it ends; then it becomes a ticket of priority class
APPOINTMENT (domain.md Q-04: "served with priority in the booked slot"). Outside that
window the kiosk explains when the slot is and offers a normal ticket instead.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from hall_server.domain.model import Appointment, DomainError, Priority

OK = "ok"
TOO_EARLY = "too_early"
TOO_LATE = "too_late"
ALREADY_CHECKED_IN = "already_checked_in"


def check_in_verdict(appt: Appointment, now: datetime, early_minutes: int, late_minutes: int) -> str:
    """``"ok"``, ``"too_early"``, ``"too_late"`` or ``"already_checked_in"``."""
    if appt.checked_in_ticket is not None:
        return ALREADY_CHECKED_IN
    if now < appt.slot_start - timedelta(minutes=early_minutes):
        return TOO_EARLY
    if now > appt.slot_end + timedelta(minutes=late_minutes):
        return TOO_LATE
    return OK


def describe_slot(appt: Appointment) -> str:
    """``"2026-11-21 09:00–10:00"`` in the slot's own (local) time."""
    start, end = appt.slot_start, appt.slot_end.astimezone(appt.slot_start.tzinfo)
    if start.date() == end.date():
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
    return f"{start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M}"


def check_in_error(verdict: str, appt: Appointment | None = None) -> DomainError:
    """The error for a refused check-in. Early and late are ``appointment_not_in_window``
    naming the slot when ``appt`` is given; a second check-in is ``conflict``."""
    slot = describe_slot(appt) if appt is not None else ""
    zh_slot, en_slot = (f"（预约时段 {slot}）", f" (slot {slot})") if slot else ("", "")
    if verdict == TOO_EARLY:
        return DomainError(
            "appointment_not_in_window", f"还未到预约时段{zh_slot}，请在预约时间前后再来签到，或取普通号",
            f"It is too early to check in{en_slot}; come back near your slot or take a normal ticket",
            verdict=verdict, slot=slot,
        )
    if verdict == TOO_LATE:
        return DomainError(
            "appointment_not_in_window", f"预约时段已过{zh_slot}，无法签到，请取普通号或重新预约",
            f"Your appointment slot has passed{en_slot}; take a normal ticket or book again",
            verdict=verdict, slot=slot,
        )
    if verdict == ALREADY_CHECKED_IN:
        return DomainError(
            "conflict", "该预约已签到取号，请勿重复签到", "This appointment has already been checked in",
            verdict=verdict, slot=slot,
        )
    raise ValueError(f"no error for verdict {verdict!r}")


def check_in(appt: Appointment, now: datetime, early_minutes: int, late_minutes: int) -> Priority:
    """The priority of the ticket a check-in gets (APPOINTMENT), or the refusal raised."""
    verdict = check_in_verdict(appt, now, early_minutes, late_minutes)
    if verdict != OK:
        raise check_in_error(verdict, appt)
    return Priority.APPOINTMENT
