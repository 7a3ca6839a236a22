"""Appointments: import, find by ID card, check in at a kiosk."""
from __future__ import annotations

from datetime import datetime, timedelta

from hall_server.clock import iso
from hall_server.domain import appointments as rules
from hall_server.domain.model import Appointment, Priority
from hall_server.engine import tickets
from hall_server.errors import HallError, invalid
from hall_server.store import Tx


def import_one(hall, tx: Tx, code: str, service_code: str, slot_start: datetime, slot_end: datetime,
               card: tickets.IdCardInput | None) -> dict:
    if service_code not in hall.services:
        raise HallError("unknown_service", f"没有编码为 {service_code} 的事项", f"no service with code {service_code}")
    if slot_end <= slot_start:
        raise invalid("预约时段的结束时间应晚于开始时间", "slot_end must be after slot_start")
    if tx.one("SELECT code FROM appointments WHERE code = ?", (code,)):
        raise HallError("conflict", f"预约码 {code} 已存在", f"appointment {code} already exists")
    person = tickets.person_fields(hall, card)
    row = {"code": code, "service": service_code, "slot_start": iso(slot_start), "slot_end": iso(slot_end),
           "person_hash": person["person_hash"], "person_masked": person["person_masked"],
           "name_masked": person["name_masked"], "checked_in_ticket": None, "checked_in_at": None,
           "created_at": iso(tx.at)}
    tx.insert("appointments", row)
    tx.event("appointment.imported", {"code": code, "service": service_code, "slot_start": row["slot_start"]})
    return public(row)


def public(row: dict) -> dict:
    return {k: row[k] for k in ("code", "service", "slot_start", "slot_end", "person_masked", "name_masked",
                                "checked_in_ticket", "checked_in_at")}


def no_show_count(hall, tx: Tx, person_hash: str) -> int:
    """Appointments this person let lapse: never checked in and past the check-in window."""
    cutoff = iso(tx.at - timedelta(minutes=hall.config.appointments.late_minutes))
    row = tx.one("SELECT COUNT(*) AS n FROM appointments WHERE person_hash = ? AND checked_in_ticket IS NULL "
                 "AND slot_end < ?", (person_hash, cutoff))
    return row["n"]


def no_shows_between(hall, tx: Tx, day_from: str, day_to: str) -> int:
    cutoff = iso(tx.at - timedelta(minutes=hall.config.appointments.late_minutes))
    row = tx.one("SELECT COUNT(*) AS n FROM appointments WHERE checked_in_ticket IS NULL AND slot_end < ? "
                 "AND substr(slot_start, 1, 10) BETWEEN ? AND ?", (cutoff, day_from, day_to))
    return row["n"]


def find_for_person(hall, tx: Tx, card: tickets.IdCardInput) -> list[dict]:
    person_hash = tickets.person_fields(hall, card)["person_hash"]
    day = hall.day(tx.at)
    rows = tx.all("SELECT * FROM appointments WHERE person_hash = ? AND checked_in_ticket IS NULL "
                  "AND substr(slot_start, 1, 10) >= ? ORDER BY slot_start", (person_hash, day))
    return [public(r) for r in rows]


def not_found_error() -> HallError:
    return HallError("appointment_not_found", "没有找到该预约，请核对预约码或咨询总服务台",
                     "no such appointment; check the code or ask the service desk")


def check_in(hall, tx: Tx, code: str, card: tickets.IdCardInput | None, role: str) -> dict:
    row = tx.one("SELECT * FROM appointments WHERE code = ?", (code,))
    if row is None:
        raise not_found_error()
    if card is not None and row["person_hash"]:
        if tickets.person_fields(hall, card)["person_hash"] != row["person_hash"]:
            raise not_found_error()
    appt = Appointment(code=row["code"], service=row["service"], slot_start=datetime.fromisoformat(row["slot_start"]),
                       slot_end=datetime.fromisoformat(row["slot_end"]), person_hash=row["person_hash"],
                       checked_in_ticket=row["checked_in_ticket"])
    verdict = rules.check_in_verdict(appt, tx.at, hall.config.appointments.early_minutes,
                                     hall.config.appointments.late_minutes)
    if verdict != "ok":
        err = rules.check_in_error(verdict, appt) if verdict != "already_checked_in" else None
        if err is None:
            raise HallError("conflict", "该预约已签到，请留意叫号", "this appointment is already checked in")
        raise HallError.from_domain(err)
    ticket = tickets.issue(hall, tx, service_code=row["service"], priority=Priority.APPOINTMENT, channel="kiosk",
                           appointment_code=code, role=role,
                           person={k: row[k] for k in ("person_hash", "person_masked", "name_masked")})
    tx.update("appointments", "code", code, {"checked_in_ticket": ticket["id"], "checked_in_at": iso(tx.at)})
    return {**ticket, "name_masked": row["name_masked"], "id_masked": row["person_masked"]}
