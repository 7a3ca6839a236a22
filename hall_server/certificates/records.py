"""SQL of the issuance log (migration 5): one row per document, no document content.

A row holds the keyed hash and masked forms of the holder, the type, the number,
when and where it was issued, the print outcome, the content digest and the small
masked summary the verify page shows.
"""
from __future__ import annotations

import json

from hall_server.certificates.rules import NOT_COUNTED
from hall_server.store import Tx

_PUBLIC_COLUMNS = ("doc_no, type, day, person_masked, name_masked, kiosk, reader_sam, issued_at, "
                   "print_state, print_reason, printed_at, reprints")


def count_today(tx: Tx, day: str, person_hash: str, type_code: str) -> int:
    """Documents of ``type_code`` this person holds today (failed and cancelled ones excepted)."""
    marks = ", ".join("?" for _ in NOT_COUNTED)
    row = tx.one(f"SELECT COUNT(*) AS n FROM certificate_issues WHERE day = ? AND person_hash = ? AND type = ? "
                 f"AND print_state NOT IN ({marks})", (day, person_hash, type_code, *NOT_COUNTED))
    return row["n"]


def next_serial(tx: Tx, day: str, prefix: str) -> int:
    """The next document serial of the day for a number prefix (a refused issue rolls it back)."""
    return tx.execute("INSERT INTO counters (day, scope, value) VALUES (?, ?, 1) "
                      "ON CONFLICT(day, scope) DO UPDATE SET value = value + 1 RETURNING value",
                      (day, f"cert:{prefix}")).fetchone()[0]


def insert(tx: Tx, row: dict) -> None:
    tx.insert("certificate_issues", {**row, "summary": json.dumps(row["summary"], ensure_ascii=False)})


def get(reader, doc_no: str) -> dict | None:
    """One row with its summary decoded; ``reader`` is a Tx or the Store."""
    row = reader.one("SELECT * FROM certificate_issues WHERE doc_no = ?", (doc_no,))
    if row is not None:
        row["summary"] = json.loads(row["summary"])
    return row


def update(tx: Tx, doc_no: str, changes: dict) -> None:
    tx.update("certificate_issues", "doc_no", doc_no, changes)


def log_for_day(reader, day: str, limit: int = 1000) -> list[dict]:
    """The day's issuance log for the manager: masked forms only, newest first."""
    return reader.all(f"SELECT {_PUBLIC_COLUMNS} FROM certificate_issues WHERE day = ? "
                      "ORDER BY issued_at DESC, rowid DESC LIMIT ?", (day, limit))


def insert_evaluation(tx: Tx, row: dict) -> None:
    """The desk's own line of a rating; ``evaluation_id`` links the 好差评 record (migration 7)."""
    tx.insert("certificate_evaluations", {**row, "reasons": json.dumps(row["reasons"], ensure_ascii=False)})


def evaluation(tx: Tx, doc_no: str) -> dict | None:
    return tx.one("SELECT * FROM certificate_evaluations WHERE doc_no = ?", (doc_no,))


def unreported_evaluations(tx: Tx, limit: int) -> list[dict]:
    """Ratings taken before migration 7 that have no 好差评 record yet, oldest first."""
    return tx.all("SELECT * FROM certificate_evaluations WHERE evaluation_id IS NULL ORDER BY at, doc_no LIMIT ?",
                  (limit,))


def link_evaluation(tx: Tx, doc_no: str, evaluation_id: str) -> None:
    tx.update("certificate_evaluations", "doc_no", doc_no, {"evaluation_id": evaluation_id})
