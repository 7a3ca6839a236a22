"""Periodic upkeep: expire yesterday's open tickets at the numbering reset, drop
idempotency records after 24 h, and keep the audit log no longer than configured
(never less than 185 days, enforced by the config); mark unrated tickets 未评 and
raise 差评 case reminders and overdue flags (``engine.evaluations.upkeep``)."""
from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from hall_server.clock import iso
from hall_server.engine import evaluations, tickets
from hall_server.errors import HallError

log = logging.getLogger(__name__)


def run_once(hall) -> dict:
    now = hall.now()
    with hall.store.transaction(now) as tx:
        expired = tickets.expire_old(hall, tx)
        tx.execute("DELETE FROM idempotency WHERE created_at < ?", (iso(now - timedelta(hours=24)),))
        cutoff = iso(now - timedelta(days=hall.config.server.audit_retention_days))
        pruned = tx.execute("DELETE FROM audit WHERE at < ?", (cutoff,)).rowcount
        upkeep = evaluations.upkeep(hall, tx)
    return {"expired": expired, "audit_pruned": pruned, **upkeep}


async def loop(hall, interval: float = 60.0) -> None:
    while True:
        try:
            result = run_once(hall)
            if result["expired"]:
                log.info("end of day: %d open tickets expired", result["expired"])
        except HallError as exc:
            log.error("housekeeping failed: %s", exc.message_en)
        await asyncio.sleep(interval)
