"""Evaluations through the API: the record's fields, who may see and send what, one
rating per ticket, immutability, 未评 and the summary figures."""
from __future__ import annotations

import sqlite3

import pytest

from hall_server.engine import evaluations as engine

from .conftest import finish, rate


def _row(hall, evaluation_id):
    return hall.store.one("SELECT * FROM evaluations WHERE id = ?", (evaluation_id,))


def test_the_record_is_filled_from_ticket_window_clerk_service_and_hall(api, hall, make_id):
    from hall_server import auth
    with hall.store.transaction(hall.now()) as tx:
        auth.create_user(tx, "lisi", "pass-word-1", "counter", display_name="李四", staff_no="G0042")
    assert api("manager").put("/windows/w1/clerk", {"clerk": "lisi"}).status_code == 200
    card = {"number": make_id("37010219800101123"), "name": "张三"}
    t = finish(api, category="B", card=card)
    r = rate(api, t, 4, comment="很好")
    assert r.status_code == 201
    row = _row(hall, r.json()["id"])
    assert row["project_no"] == t["id"] and row["evaluation_count"] == 1 and row["level_name"] == "满意"
    assert row["ticket_number"] == t["number"] and row["service"] is None and row["category"] == "B"
    assert row["window_id"] == "w1" and row["window_number"] == 1
    assert row["evaluator_id_masked"] == card["number"][:4] + "**********" + card["number"][-4:]
    assert row["evaluator_name_masked"] == "张*" and row["anonymous"] == 0 and row["evaluator_kind"] == "个人"
    assert row["project_status"] == "已办结" and row["accepted_at"] and row["finished_at"] <= row["at"]
    assert row["device"] == "test-counter" and row["audit_status"] == "无需审核" and row["public_flag"] == 1
    assert row["clerk"] == "lisi" and row["clerk_name"] == "李四" and row["clerk_staff_no"] == "G0042"
    dump = "\n".join(hall.store.conn.iterdump())
    assert card["number"] not in dump and "张三" not in dump


def test_service_codes_and_department_come_from_the_catalogue_and_config(api, hall):
    t = api("kiosk").post("/tickets", {"service_code": "S-A1"}).json()
    counter = api("counter")
    counter.post("/windows/w1/call-next"), counter.post("/windows/w1/start"), counter.post("/windows/w1/finish")
    row = _row(hall, rate(api, t, 5).json()["id"])
    assert row["service"] == "S-A1" and row["service_name"] == "社保参保登记"
    assert row["implementation_code"] == "S-A1" and row["promise_type"] == "即办件" and row["anonymous"] == 1


def test_the_sender_gets_no_evaluator_data_and_clerks_cannot_read_records(api, make_id):
    t = finish(api, category="B", card={"number": make_id("37010219800101123"), "name": "张三"})
    body = rate(api, t, 5).json()
    assert set(body) == set(engine.PUBLIC_FIELDS) | {"case_id"}
    assert "张" not in str(body) and "3701" not in str(body)
    for role in ("counter", "kiosk", "display"):
        assert api(role).get("/evaluations").status_code == 403
        assert api(role).get(f"/evaluations/{body['id']}").status_code == 403
        assert api(role).get("/evaluations/summary").status_code == 403
        assert api(role).get("/cases").status_code == 403
    full = api("manager").get(f"/evaluations/{body['id']}").json()
    assert full["evaluator_name_masked"] == "张*" and full["gbt39046"]["满意度代码"] == "1"
    assert full["upstream"]["state"] == "queued"


def test_a_window_relays_only_its_own_pad_shortly_after_finishing(api, clock):
    t = finish(api)
    assert rate(api, t, 5, role="counter2").status_code == 403            # another window
    assert rate(api, t, 5, channel="kiosk").status_code == 403            # not the window's pad
    clock.advance(minutes=11)
    assert rate(api, t, 5).status_code == 403                             # too late for the window
    late = rate(api, t, 3, role="kiosk", channel="kiosk")                  # 补充评价 at a kiosk
    assert late.status_code == 201 and late.json()["level_name"] == "基本满意"


def test_late_ratings_end_with_the_supplement_period(api, clock):
    t = finish(api)
    clock.advance(hours=169)
    r = rate(api, t, 5, role="kiosk", channel="kiosk")
    assert r.status_code == 409 and r.json()["error"]["code"] == "bad_state"


def test_a_repeated_pad_event_counts_once_and_a_second_rating_is_refused(api, hall):
    t = finish(api)
    first = rate(api, t, 1, request_id="pad-w1-0001")
    again = rate(api, t, 1, request_id="pad-w1-0001")
    assert first.status_code == again.status_code == 201 and again.headers.get("Idempotent-Replay") == "true"
    assert again.json() == first.json()
    assert rate(api, t, 5, request_id="pad-w1-0002").status_code == 409
    for table in ("evaluations", "outbox", "cases"):
        assert hall.store.one(f"SELECT COUNT(*) AS n FROM {table}")["n"] == 1
    kinds = [e["type"] for e in hall.store.events_since(0)]
    assert kinds.count("evaluation.recorded") == 1 and kinds.count("case.opened") == 1


def test_no_route_changes_a_rating_and_the_database_refuses_to(api, hall):
    t = finish(api)
    evaluation_id = rate(api, t, 2, reasons=["效率太低"]).json()["id"]
    manager = api("manager")
    for method in ("PUT", "PATCH", "DELETE"):
        assert manager.request(method, f"/evaluations/{evaluation_id}", json={"level": 5}).status_code in (404, 405)
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        hall.store.conn.execute("UPDATE evaluations SET level = 5, level_name = '非常满意' WHERE id = ?", (evaluation_id,))
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        hall.store.conn.execute("DELETE FROM evaluations WHERE id = ?", (evaluation_id,))
    assert _row(hall, evaluation_id)["level_name"] == "不满意"


def test_a_given_project_number_counts_evaluations_per_project(api, hall):
    first = rate(api, finish(api), 5, project_no="BJ-2026-0001").json()
    second = rate(api, finish(api), 4, project_no="BJ-2026-0001").json()
    assert (first["evaluation_count"], second["evaluation_count"]) == (1, 2)
    keys = [r["dedupe_key"] for r in hall.store.all("SELECT dedupe_key FROM outbox ORDER BY id")]
    assert keys == ["BJ-2026-0001#1", "BJ-2026-0001#2"]
    assert rate(api, finish(api), 5, project_no="BJ 0001").status_code == 422


def test_the_outbox_row_is_written_in_the_evaluations_transaction(api, hall, monkeypatch):
    from hall_server.engine import cases
    from hall_server.errors import HallError

    def broken(*_a, **_k):
        raise HallError("storage_error", "写入失败", "write failed")

    monkeypatch.setattr(cases, "open_case", broken)
    assert rate(api, finish(api), 1).status_code == 503
    for table in ("evaluations", "outbox", "cases"):
        assert hall.store.one(f"SELECT COUNT(*) AS n FROM {table}")["n"] == 0


def test_unrated_is_recorded_once_by_the_window_and_a_later_rating_still_counts(api, hall):
    t = finish(api)
    assert api("counter2").post(f"/evaluations/{t['id']}/unrated", {"reason": "timeout"}).status_code == 403
    first = api("counter").post(f"/evaluations/{t['id']}/unrated", {"reason": "timeout", "channel": "pad"})
    again = api("counter").post(f"/evaluations/{t['id']}/unrated", {"reason": "timeout"})
    assert first.status_code == again.status_code == 201
    assert first.json()["created"] is True and again.json()["created"] is False
    assert hall.store.one("SELECT COUNT(*) AS n FROM evaluation_unrated")["n"] == 1
    assert [e["type"] for e in hall.store.events_since(0)].count("evaluation.unrated") == 1
    assert rate(api, t, 4, role="kiosk", channel="kiosk").status_code == 201   # 补充评价
    assert api("kiosk").post(f"/evaluations/{t['id']}/unrated", {}).status_code == 409
    waiting = api("kiosk").post("/tickets", {"category_code": "A"}).json()
    assert api("kiosk").post(f"/evaluations/{waiting['id']}/unrated", {}).status_code == 409


def test_housekeeping_marks_unrated_tickets_and_the_summary_computes_the_rates(api, hall, clock):
    from hall_server import housekeeping
    rated = [finish(api) for _ in range(3)]
    silent = [finish(api) for _ in range(2)]
    for t, level in zip(rated, (5, 3, 1)):
        assert rate(api, t, level).status_code == 201
    clock.advance(minutes=31)
    with hall.store.transaction(hall.now()) as tx:
        assert engine.sweep_unrated(hall, tx) == 2
        assert engine.sweep_unrated(hall, tx) == 0
    marked = {r["ticket_id"] for r in hall.store.all("SELECT ticket_id FROM evaluation_unrated WHERE reason = 'sweep'")}
    assert marked == {t["id"] for t in silent}
    housekeeping.run_once(hall)
    s = api("manager").get("/evaluations/summary", params={"date_from": "2026-11-23"}).json()
    assert (s["finished"], s["rated"], s["unrated"], s["unrated_marked"]) == (5, 3, 2, 2)
    assert s["unrated_rate"] == 0.4 and s["good_rate"] == round(2 / 3, 4)
    assert s["levels"]["非常满意"] == 1 and s["levels"]["非常不满意"] == 1 and s["cases"]["opened"] == 1
