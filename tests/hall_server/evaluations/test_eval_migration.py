"""Migration 7 on a database made at version 5 with ratings, their outbox rows, a case
with history and two self-print ratings: every row survives unchanged, the triggers,
indexes and foreign keys still hold, a document can now be a subject, and
housekeeping turns the earlier self-print ratings into queued 好差评 records."""
from __future__ import annotations

import json
import sqlite3

import pytest

from hall_server import housekeeping
from hall_server.app import Settings, build_hall
from hall_server.engine import evaluations
from hall_server.store import Store, db, migrations

DAY = "2026-11-23"
KEPT = ("evaluations", "outbox", "cases", "case_history", "certificate_issues", "certificate_evaluations")


def _rating(n: int, level: int, level_name: str, reasons: list[str]) -> dict:
    return {"id": f"e{n}", "ticket_id": f"t{n}", "level": level, "level_name": level_name,
            "reasons": json.dumps(reasons, ensure_ascii=False), "comment": None, "channel": "pad", "window_id": "w1",
            "clerk": "clerk01", "service": "S-A1", "category": "A", "at": f"{DAY}T10:0{n}:00+08:00",
            "project_no": f"t{n}", "evaluation_count": 1, "ticket_number": f"A00{n}", "service_name": "社保参保登记",
            "implementation_code": "S-A1", "handle_item_code": "", "promise_type": "即办件", "department_name": "人社局",
            "department_code": "", "window_number": 1, "clerk_name": "王*", "clerk_staff_no": "0001",
            "evaluator_kind": "个人", "evaluator_id_masked": None, "evaluator_name_masked": None, "anonymous": 1,
            "indicator_codes": "", "region_code": "", "project_status": "已办结",
            "accepted_at": f"{DAY}T09:5{n}:00+08:00", "finished_at": f"{DAY}T09:59:00+08:00",
            "audit_status": "无需审核", "public_flag": 1, "device": "test-counter"}


def _ticket(n: int) -> dict:
    return {"id": f"t{n}", "number": f"A00{n}", "serial": n, "category": "A", "day": DAY, "service": "S-A1",
            "channel": "kiosk", "priority": "normal", "state": "done", "window_id": "w1", "clerk": "clerk01",
            "issued_at": f"{DAY}T09:00:00+08:00", "queued_at": f"{DAY}T09:00:00+08:00",
            "started_at": f"{DAY}T09:5{n}:00+08:00", "finished_at": f"{DAY}T09:59:00+08:00",
            "status_token": f"s{n}", "number_category": "A"}


def _document(doc_no: str, type_code: str) -> dict:
    return {"doc_no": doc_no, "type": type_code, "day": DAY, "person_hash": "h" * 64,
            "person_masked": "3701**********123X", "name_masked": "张**", "kiosk": "test-kiosk", "reader_sam": "sam",
            "issued_at": f"{DAY}T11:00:00+08:00", "content_digest": "d" * 64, "summary": "{}", "print_state": "printed",
            "print_reason": None, "printed_at": f"{DAY}T11:01:00+08:00", "reprints": 0, "request_id": None}


def _insert(conn, table: str, row: dict) -> None:
    conn.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", tuple(row.values()))


def version_5_database(path, monkeypatch) -> None:
    """A hall database as version 5 left it, with rows in every table migration 7 touches."""
    with monkeypatch.context() as patch:
        patch.setattr(db, "MIGRATIONS", [m for m in migrations.MIGRATIONS if m[0] <= 5])
        store = Store(path)
    assert store.applied_migrations() == {1, 2, 3, 4, 5}
    conn = store.conn
    conn.execute("BEGIN IMMEDIATE")
    for n, (level, name, reasons) in enumerate([(5, "非常满意", []), (1, "非常不满意", ["态度不好"])], start=1):
        _insert(conn, "tickets", _ticket(n))
        _insert(conn, "evaluations", _rating(n, level, name, reasons))
    _insert(conn, "outbox", {"interface": "province", "dedupe_key": "t1#1", "evaluation_id": "e1", "state": "sent",
                             "attempts": 1, "created_at": f"{DAY}T10:01:00+08:00", "next_attempt_at": f"{DAY}T10:01:00+08:00",
                             "sent_at": f"{DAY}T10:01:05+08:00", "last_status": 200})
    _insert(conn, "outbox", {"interface": "province", "dedupe_key": "t2#1", "evaluation_id": "e2", "state": "queued",
                             "attempts": 2, "created_at": f"{DAY}T10:02:00+08:00", "next_attempt_at": f"{DAY}T10:05:00+08:00",
                             "last_error": "HTTP 500"})
    _insert(conn, "cases", {"id": "c2", "evaluation_id": "e2", "ticket_id": "t2", "state": "pending_rectify", "level": 1,
                            "window_id": "w1", "clerk": "clerk01", "opened_at": f"{DAY}T10:02:00+08:00",
                            "deadline": "2026-11-30T23:59:59+08:00", "level_name": "非常不满意", "project_no": "t2",
                            "service": "S-A1", "remind_at": "2026-11-30T00:00:00+08:00"})
    for action, before, after in (("open", None, "pending_verify"), ("verify", "pending_verify", "pending_rectify")):
        _insert(conn, "case_history", {"case_id": "c2", "at": f"{DAY}T10:02:00+08:00", "action": action,
                                       "from_state": before, "to_state": after, "actor": "manager", "note": "核实"})
    for doc_no, type_code, level, name, reasons in (("GS20261123000013", "income_tax", 4, "满意", []),
                                                    ("YB20261123000017", "medical_insurance", 1, "非常不满意", ["等候时间过长"])):
        _insert(conn, "certificate_issues", _document(doc_no, type_code))
        _insert(conn, "certificate_evaluations", {"doc_no": doc_no, "type": type_code, "level": level, "level_name": name,
                                                  "reasons": json.dumps(reasons, ensure_ascii=False),
                                                  "kiosk": "test-kiosk", "at": f"{DAY}T11:02:00+08:00"})
    conn.execute("COMMIT")
    store.close()


def snapshot(store) -> dict:
    return {table: store.all(f"SELECT * FROM {table} ORDER BY rowid") for table in KEPT}


@pytest.fixture
def upgraded(tmp_path, monkeypatch):
    """``(before, store)``: the version 5 rows, and the database opened by today's code."""
    path = tmp_path / "data" / "hall.sqlite3"
    version_5_database(path, monkeypatch)
    with monkeypatch.context() as patch:
        patch.setattr(db, "MIGRATIONS", [m for m in migrations.MIGRATIONS if m[0] <= 5])
        old = Store(path)
    before = snapshot(old)
    old.close()
    store = Store(path)
    yield before, store
    store.close()


def test_every_row_survives_unchanged(upgraded, tmp_path):
    before, store = upgraded
    assert store.applied_migrations() == {1, 2, 3, 4, 5, 7} and store.schema_version() == 7
    assert (tmp_path / "data" / "hall.sqlite3.before-migration-7").exists()
    after = snapshot(store)
    assert [{k: v for k, v in row.items() if k != "doc_no"} for row in after["evaluations"]] == before["evaluations"]
    assert [{k: v for k, v in row.items() if k != "doc_no"} for row in after["cases"]] == before["cases"]
    assert all(row["doc_no"] is None for row in after["evaluations"] + after["cases"])
    assert after["outbox"] == before["outbox"] and after["case_history"] == before["case_history"]
    assert [{k: v for k, v in r.items() if k != "evaluation_id"} for r in after["certificate_evaluations"]] == \
        before["certificate_evaluations"]
    assert [r["evaluation_id"] for r in after["certificate_evaluations"]] == [None, None]
    assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_the_rebuilt_tables_keep_their_triggers_indexes_and_references(upgraded):
    _, store = upgraded
    names = {r["name"] for r in store.all("SELECT name FROM sqlite_master WHERE tbl_name IN ('evaluations', 'cases')")}
    assert {"evaluations_project", "evaluations_at", "evaluations_no_update", "evaluations_no_delete",
            "cases_state"} <= names
    refers = {r["name"]: r["sql"] for r in store.all("SELECT name, sql FROM sqlite_master WHERE name IN "
                                                     "('outbox', 'case_history')")}
    assert "REFERENCES evaluations(id)" in refers["outbox"] and "REFERENCES cases(id)" in refers["case_history"]
    conn = store.conn
    for sql in ("UPDATE evaluations SET level = 5 WHERE id = 'e2'", "DELETE FROM evaluations WHERE id = 'e1'"):
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):
            conn.execute(sql)
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        conn.execute("INSERT INTO outbox (interface, dedupe_key, evaluation_id, state, created_at, next_attempt_at) "
                     "VALUES ('province', 'x#1', 'no-such-rating', 'queued', 'now', 'now')")
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        conn.execute("INSERT INTO case_history (case_id, at, action, to_state) VALUES ('no-such-case', 'now', 'x', 'y')")


def _evaluation(**subject) -> dict:
    return {"id": "new", "level": 4, "level_name": "满意", "reasons": "[]", "channel": "kiosk", "at": f"{DAY}T12:00:00",
            "project_no": "p-new", "evaluation_count": 1, **subject}


@pytest.mark.parametrize("subject, error", [
    ({"doc_no": "GS20261123000013"}, None),
    ({"ticket_id": "t1", "doc_no": None}, "UNIQUE"),                      # one rating per ticket, still
    ({}, "CHECK"),                                                        # neither a ticket nor a document
    ({"ticket_id": "t9", "doc_no": "GS20261123000013"}, "CHECK"),         # both
])
def test_a_rating_has_exactly_one_subject(upgraded, subject, error):
    _, store = upgraded
    if error is None:
        _insert(store.conn, "evaluations", _evaluation(**subject))
        assert store.one("SELECT ticket_id, doc_no FROM evaluations WHERE id = 'new'") == {
            "ticket_id": None, "doc_no": "GS20261123000013"}
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):   # one rating per document
            _insert(store.conn, "evaluations", {**_evaluation(**subject), "id": "new2", "project_no": "p-2"})
    else:
        with pytest.raises(sqlite3.IntegrityError, match=error):
            _insert(store.conn, "evaluations", _evaluation(**subject))


def test_housekeeping_reports_the_earlier_self_print_ratings_once(upgraded, hall_file, clock, tmp_path):
    _, store = upgraded
    store.close()
    clock.set(clock.now().replace(hour=12, minute=0))
    hall = build_hall(Settings(config_path=hall_file, data_dir=tmp_path / "data", clock=clock))
    try:
        assert housekeeping.run_once(hall)["documents_reported"] == 2
        assert housekeeping.run_once(hall)["documents_reported"] == 0
        records = hall.store.all("SELECT * FROM evaluations WHERE doc_no IS NOT NULL ORDER BY doc_no")
        assert [(r["doc_no"], r["level"], r["at"], r["channel"], r["project_no"]) for r in records] == [
            ("GS20261123000013", 4, f"{DAY}T11:02:00+08:00", "kiosk", "GS20261123000013"),
            ("YB20261123000017", 1, f"{DAY}T11:02:00+08:00", "kiosk", "YB20261123000017")]
        assert records[1]["evaluator_name_masked"] == "张**" and records[1]["service_name"] == "医保参保证明"
        assert records[1]["finished_at"] == f"{DAY}T11:01:00+08:00"
        linked = {r["doc_no"]: r["evaluation_id"] for r in hall.store.all("SELECT * FROM certificate_evaluations")}
        assert linked == {r["doc_no"]: r["id"] for r in records}
        queued = {r["dedupe_key"]: r["state"] for r in hall.store.all("SELECT * FROM outbox")}
        assert queued == {"t1#1": "sent", "t2#1": "queued", "GS20261123000013#1": "queued",
                          "YB20261123000017#1": "queued"}
        [case] = hall.store.all("SELECT * FROM cases WHERE doc_no IS NOT NULL")
        assert (case["doc_no"], case["evaluation_id"], case["window_id"], case["state"]) == (
            "YB20261123000017", records[1]["id"], None, "pending_verify")
        assert case["opened_at"] == f"{DAY}T12:00:00+08:00"
        with hall.store.transaction(hall.now()) as tx:
            s = evaluations.summary(tx, DAY, DAY)
        assert (s["tickets"], s["documents"]) == ({"finished": 2, "rated": 2}, {"finished": 2, "rated": 2})
        assert s["cases"]["opened"] == 2 and s["levels"]["非常不满意"] == 2
    finally:
        hall.store.close()
