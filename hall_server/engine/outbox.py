"""The outbox to the provincial 好差评 platform (HCP-60): one row per evaluation,
written in the evaluation's own transaction, so a record is queued exactly when it
exists and survives any restart.

Delivery (``hall_server.agents.outbox``) claims due rows under a lease, sends them
outside any transaction, then settles each: acknowledged → ``sent``; otherwise the
attempt is counted and the next one is scheduled with exponential backoff. The key
办件编号 + 评价次数 is unique per interface, so a record is never queued twice, and a
row that is ``sent`` is never claimed again.
"""
from __future__ import annotations

import csv
import io
import json
import random
from datetime import datetime, timedelta

from hall_server.clock import iso
from hall_server.domain import evaluation_record as records
from hall_server.store import Store, Tx

REPORT_COLUMNS = ("outbox_id", "dedupe_key", "project_no", "evaluation_count", "level_name", "channel",
                  "evaluated_at", "state", "attempts", "last_attempt_at", "sent_at", "duplicate", "last_status",
                  "last_error")


def dedupe_key(evaluation: dict) -> str:
    """办件编号 + 评价次数: the identity of a record upstream."""
    return f"{evaluation['project_no']}#{evaluation['evaluation_count']}"


def enqueue(hall, tx: Tx, evaluation: dict) -> None:
    """Queue ``evaluation`` for the configured interface (inside the caller's transaction)."""
    tx.execute("INSERT INTO outbox (interface, dedupe_key, evaluation_id, state, created_at, next_attempt_at) "
               "VALUES (?, ?, ?, 'queued', ?, ?)", (hall.config.evaluation_loop.upstream.name, dedupe_key(evaluation),
                                                    evaluation["id"], iso(tx.at), iso(tx.at)))


def backoff_seconds(attempts: int, initial: float, maximum: float, jitter: float, rng: random.Random) -> float:
    """Delay before attempt ``attempts + 1``: ``initial * 2**(attempts-1)`` capped at
    ``maximum``, spread by ±``jitter`` so halls do not retry in step after an outage."""
    base = min(maximum, initial * (2 ** max(0, attempts - 1)))
    return max(0.0, base * (1 + jitter * (2 * rng.random() - 1)))


def claim(store: Store, now: datetime, interface: str, owner: str, lease_seconds: float, limit: int) -> list[dict]:
    """Lease up to ``limit`` due rows to ``owner``; returns them with their evaluation.
    A row leased by another sender is skipped until its lease runs out."""
    with store.transaction(now) as tx:
        due = tx.all("SELECT id FROM outbox WHERE interface = ? AND state = 'queued' AND next_attempt_at <= ? "
                     "AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_attempt_at, id LIMIT ?",
                     (interface, iso(now), iso(now), limit))
        until = iso(now + timedelta(seconds=lease_seconds))
        for row in due:
            tx.update("outbox", "id", row["id"], {"lease_owner": owner, "lease_until": until})
        return [_with_record(tx, row["id"]) for row in due]


def _with_record(tx: Tx, outbox_id: int) -> dict:
    row = tx.one("SELECT * FROM outbox WHERE id = ?", (outbox_id,))
    evaluation = tx.one("SELECT * FROM evaluations WHERE id = ?", (row["evaluation_id"],))
    evaluation["reasons"] = json.loads(evaluation["reasons"])
    return {**row, "record": evaluation}


def settle(store: Store, now: datetime, outbox_id: int, owner: str, *, delivered: bool, duplicate: bool = False,
           status: int | None = None, error: str | None = None, retry_in: float = 0.0) -> bool:
    """Record the outcome of one attempt by ``owner``. Returns False when the row is
    no longer leased to ``owner`` (another sender took it over): nothing changes."""
    with store.transaction(now) as tx:
        row = tx.one("SELECT state, attempts, lease_owner FROM outbox WHERE id = ?", (outbox_id,))
        if row is None or row["lease_owner"] != owner or row["state"] == "sent":
            return False
        changes = {"attempts": row["attempts"] + 1, "last_attempt_at": iso(now), "last_status": status,
                   "lease_owner": None, "lease_until": None}
        if delivered:
            changes.update(state="sent", sent_at=iso(now), duplicate=int(duplicate), last_error=None)
            tx.event("outbox.sent", {"outbox_id": outbox_id, "attempts": changes["attempts"], "duplicate": duplicate})
        else:
            changes.update(last_error=(error or "")[:500], next_attempt_at=iso(now + timedelta(seconds=retry_in)))
        tx.update("outbox", "id", outbox_id, changes)
        return True


def retry_now(tx: Tx, outbox_id: int) -> dict | None:
    """Make a queued row due at once (after the upstream or the mapping was fixed)."""
    row = tx.one("SELECT id, state FROM outbox WHERE id = ?", (outbox_id,))
    if row is None or row["state"] == "sent":
        return row
    tx.update("outbox", "id", outbox_id, {"next_attempt_at": iso(tx.at)})
    return tx.one("SELECT * FROM outbox WHERE id = ?", (outbox_id,))


def counts(tx: Tx, where: str = "", params: tuple = ()) -> dict:
    """``queued`` (never tried), ``failed`` (tried, not yet acknowledged), ``sent``."""
    row = tx.one("SELECT COUNT(*) AS total, SUM(o.state = 'sent') AS sent, "
                 "SUM(o.state = 'queued' AND o.attempts = 0) AS queued, "
                 "SUM(o.state = 'queued' AND o.attempts > 0) AS failed, SUM(o.duplicate) AS duplicate_acks, "
                 "MIN(CASE WHEN o.state = 'queued' THEN o.created_at END) AS oldest_unsent "
                 f"FROM outbox o JOIN evaluations e ON e.id = o.evaluation_id {where}", params)
    return {key: (value or 0) if key != "oldest_unsent" else value for key, value in row.items()}


def report(tx: Tx, day: str, interface: str | None = None) -> dict:
    """Reconciliation for the evaluations of ``day``: counts and one line per record."""
    where, params = "WHERE substr(e.at, 1, 10) = ?", (day,)
    if interface:
        where, params = where + " AND o.interface = ?", params + (interface,)
    rows = tx.all("SELECT o.id AS outbox_id, o.dedupe_key, e.project_no, e.evaluation_count, e.level_name, e.channel, "
                  "e.at AS evaluated_at, o.state, o.attempts, o.last_attempt_at, o.sent_at, o.duplicate, o.last_status, "
                  "o.last_error, o.interface FROM outbox o JOIN evaluations e ON e.id = o.evaluation_id "
                  f"{where} ORDER BY e.at, o.id", params)
    for row in rows:
        row["status"] = "sent" if row["state"] == "sent" else ("failed" if row["attempts"] else "queued")
    return {"date": day, "interface": interface, "counts": counts(tx, where, params), "records": rows}


def report_csv(report_body: dict) -> str:
    """The report's records as CSV (UTF-8 with BOM so spreadsheet programs read 中文)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([*REPORT_COLUMNS, "status"])
    for row in report_body["records"]:
        writer.writerow([row[c] if row[c] is not None else "" for c in REPORT_COLUMNS] + [row["status"]])
    return out.getvalue()


def payload(record: dict, upstream) -> dict:
    """The JSON body for one record under ``upstream`` (``UpstreamSettings``)."""
    if upstream.anonymous or record.get("anonymous"):
        record = {**record, "anonymous": 1, "evaluator_name_masked": None, "evaluator_id_masked": None}
    body = records.outbound(record, upstream.fields, upstream.codes, upstream.constants, upstream.time_format)
    return {upstream.wrap_in: body} if upstream.wrap_in else body
