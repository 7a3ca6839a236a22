"""Appointments, evaluations and cases, logins, roles, errors, statistics, audit."""
from __future__ import annotations

from datetime import timedelta


def issue(api, category="A", **extra):
    r = api("kiosk").post("/tickets", {"category_code": category, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def serve_one(api, category="A"):
    t = issue(api, category)
    counter = api("counter")
    counter.post("/windows/w1/call-next")
    counter.post("/windows/w1/start")
    counter.post("/windows/w1/finish")
    return t


# -- appointments ------------------------------------------------------------
def _appointment(api, code="YY001", start="2026-11-23T10:10:00+08:00", end="2026-11-23T10:40:00+08:00", card=None):
    body = {"code": code, "service_code": "S-A1", "slot_start": start, "slot_end": end}
    if card:
        body["id_card"] = card
    return api("manager").post("/appointments", body)


def test_appointment_check_in_window(api, clock, make_id):
    card = {"number": make_id("37010219800101001"), "name": "王小明"}
    assert _appointment(api, card=card).status_code == 201
    kiosk = api("kiosk")
    early = kiosk.post("/appointments/YY001/check-in", {"request_id": "c1"})
    assert early.status_code == 409 and early.json()["error"]["code"] == "appointment_not_in_window"
    clock.advance(minutes=10)  # 09:40, slot at 10:10, early limit 30 min
    wrong_person = kiosk.post("/appointments/YY001/check-in", {"id_card": {"number": make_id("37010219800101002")}})
    assert wrong_person.status_code == 404
    ok = kiosk.post("/appointments/YY001/check-in", {"request_id": "c2", "id_card": card})
    assert ok.status_code == 201, ok.text
    assert ok.json()["priority"] == "appointment" and ok.json()["name_masked"] == "王**"
    twice = kiosk.post("/appointments/YY001/check-in", {"request_id": "c3"})
    assert twice.status_code == 409
    missing = kiosk.post("/appointments/NOPE/check-in", {})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "appointment_not_found"


def test_appointment_too_late_and_lookup_by_card(api, clock, make_id):
    card = {"number": make_id("37010219800101003"), "name": "李雷"}
    _appointment(api, code="YY002", card=card)
    found = api("kiosk").post("/appointments/lookup", {"id_card": card}).json()["appointments"]
    assert [a["code"] for a in found] == ["YY002"] and card["number"] not in str(found)
    clock.advance(minutes=90)  # 11:00 > slot end 10:40 + 15 min
    late = api("kiosk").post("/appointments/YY002/check-in", {})
    assert late.json()["error"]["code"] == "appointment_not_in_window"


def test_appointment_in_slot_goes_before_normal_tickets(api, clock):
    _appointment(api, code="YY003")
    issue(api, "A")
    clock.advance(minutes=40)
    appt = api("kiosk").post("/appointments/YY003/check-in", {}).json()
    assert api("counter").post("/windows/w1/call-next").json()["number"] == appt["number"]


# -- evaluations and cases ---------------------------------------------------
def test_one_rating_per_finished_ticket(api):
    t = serve_one(api)
    r = api("counter").post("/evaluations", {"ticket_id": t["id"], "level": 5, "channel": "pad", "request_id": "e1"})
    assert r.status_code == 201 and r.json()["level_name"] == "非常满意" and r.json()["case_id"] is None
    again = api("kiosk").post("/evaluations", {"ticket_id": t["id"], "level": 1, "reasons": ["态度不好"], "channel": "kiosk"})
    assert again.status_code == 409
    replay = api("counter").post("/evaluations", {"ticket_id": t["id"], "level": 5, "channel": "pad", "request_id": "e1"})
    assert replay.status_code == 201 and replay.json()["id"] == r.json()["id"]


def test_rating_needs_a_finished_ticket_and_reasons_when_bad(api):
    waiting = issue(api)
    early = api("kiosk").post("/evaluations", {"ticket_id": waiting["id"], "level": 4, "channel": "kiosk"})
    assert early.status_code == 409
    t = serve_one(api)
    no_reason = api("kiosk").post("/evaluations", {"ticket_id": t["id"], "level": 2, "channel": "kiosk"})
    assert no_reason.status_code == 422


def test_bad_rating_opens_a_case_that_walks_the_loop(api, clock):
    t = serve_one(api)
    r = api("counter").post("/evaluations", {"ticket_id": t["id"], "level": 1, "reasons": ["态度不好"], "channel": "pad"})
    case_id = r.json()["case_id"]
    manager = api("manager")
    cases = manager.get("/cases").json()["cases"]
    assert cases[0]["id"] == case_id and cases[0]["state_name"] == "待核实"
    assert cases[0]["deadline"].startswith("2026-11-30")  # 5 working days after Monday 23rd
    assert manager.post(f"/cases/{case_id}/reply", {}).status_code == 409  # not yet rectified
    for action, state in [("verify", "pending_rectify"), ("rectify", "rectified"), ("reply", "replied"), ("close", "closed")]:
        step = manager.post(f"/cases/{case_id}/{action}", {"note": f"{action} done"})
        assert step.status_code == 200 and step.json()["state"] == state
    history = manager.get(f"/cases/{case_id}").json()["history"]
    assert [h["action"] for h in history] == ["open", "verify", "rectify", "reply", "close"]


def test_overdue_case_is_flagged(api, clock):
    t = serve_one(api)
    case_id = api("counter").post("/evaluations", {"ticket_id": t["id"], "level": 2, "reasons": ["效率太低"],
                                                   "channel": "pad"}).json()["case_id"]
    clock.advance(days=10)
    assert api("manager").get(f"/cases/{case_id}").json()["overdue"] is True


# -- auth --------------------------------------------------------------------
def _user(hall, username="li", password="correct-horse", role="manager"):
    from hall_server import auth
    with hall.store.transaction(hall.now()) as tx:
        auth.create_user(tx, username, password, role)


def test_login_lockout_and_expiry(api, hall, clock):
    _user(hall)
    anon = api(None)
    for _ in range(3):
        assert anon.post("/auth/login", {"username": "li", "password": "wrong"}).status_code == 401
    locked = anon.post("/auth/login", {"username": "li", "password": "correct-horse"})
    assert locked.status_code == 423 and locked.json()["error"]["code"] == "locked"
    clock.advance(minutes=16)
    ok = anon.post("/auth/login", {"username": "li", "password": "correct-horse"})
    assert ok.status_code == 200 and ok.json()["role"] == "manager"
    headers = {"Authorization": f"Bearer {ok.json()['token']}"}
    assert anon.get("/cases", headers=headers).status_code == 200
    clock.advance(hours=13)
    expired = anon.get("/cases", headers=dict(headers))
    assert expired.status_code == 401 and expired.json()["error"]["code"] == "unauthenticated"


def test_passwords_and_tokens_are_not_stored_in_clear(api, hall):
    _user(hall)
    r = api(None).post("/auth/login", {"username": "li", "password": "correct-horse"})
    dump = "\n".join(hall.store.conn.iterdump())
    assert "correct-horse" not in dump and r.json()["token"] not in dump
    assert api.tokens["kiosk"] not in dump


def test_revoked_device_token(api, hall):
    from hall_server import auth
    with hall.store.transaction(hall.now()) as tx:
        auth.revoke(tx, "test-display")
    api.app.state.auth.forget()
    assert api("display").get("/queue").status_code == 401


def test_roles(api):
    assert api("display").post("/tickets", {"category_code": "A"}).status_code == 403
    assert api(None).get("/queue").status_code == 401
    assert api("kiosk").get("/cases").status_code == 403
    assert api("counter").put("/windows/w1/categories", {"categories": ["A"]}).status_code == 403
    assert api("kiosk").post("/windows/w1/call-next").status_code == 403


# -- errors ------------------------------------------------------------------
def test_error_bodies(api):
    kiosk = api("kiosk")
    bad = kiosk.post("/tickets", {"category_code": "A", "priority": "vip"})
    assert bad.status_code == 422 and set(bad.json()["error"]) >= {"code", "message", "message_en"}
    nowhere = kiosk.get("/no-such-thing")
    assert nowhere.status_code == 404 and nowhere.json()["error"]["code"] == "not_found"
    huge = kiosk.request("POST", "/tickets", content=b"x" * 2_000_000, headers={"Content-Type": "application/json"})
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "too_large"
    text = kiosk.request("POST", "/tickets", content=b"category_code=A", headers={"Content-Type": "text/plain"})
    assert text.status_code == 415
    long_id = kiosk.post("/tickets", {"category_code": "A", "request_id": "x" * 65})
    assert long_id.status_code == 422


# -- stats and audit ---------------------------------------------------------
def test_stats_and_audit(api, hall, clock):
    serve_one(api)
    issue(api, "A")
    stats = api("manager").get("/stats", params={"date_from": "2026-11-23", "date_to": "2026-11-23"})
    assert stats.status_code == 200, stats.text
    body = stats.json()
    assert body["date_from"] == "2026-11-23"
    text = str(body)
    assert "A" in text and "p90" in text
    refused = api("display").post("/tickets", {"category_code": "A"})
    assert refused.status_code == 403
    actions = hall.store.all("SELECT actor, action, result FROM audit ORDER BY id")
    assert {"actor": "test-kiosk", "action": "ticket.issue", "result": "ok"} in actions
    assert any(a["action"] == "window.finish" for a in actions)
    bad = api("kiosk").post("/tickets", {"category_code": "Z"})
    assert bad.status_code == 404
    assert hall.store.one("SELECT result FROM audit ORDER BY id DESC LIMIT 1")["result"] == "refused:unknown_category"
    assert timedelta  # imported for clock arithmetic in other tests


def test_migrations_apply_once_and_a_failing_one_leaves_the_database_untouched(tmp_path, monkeypatch):
    import sqlite3

    import pytest

    from hall_server.store import Store, db, migrations
    store = Store(tmp_path / "m.sqlite3")
    assert store.applied_migrations() == {v for v, _, _ in migrations.MIGRATIONS}
    assert store.migrate() == []
    store.close()
    broken = [*migrations.MIGRATIONS, (99, "broken", "CREATE TABLE half (x INTEGER);\nINSERT INTO nowhere VALUES (1);")]
    monkeypatch.setattr(db, "MIGRATIONS", broken)
    with pytest.raises(sqlite3.OperationalError):
        Store(tmp_path / "m.sqlite3")
    check = sqlite3.connect(tmp_path / "m.sqlite3")
    assert check.execute("SELECT name FROM sqlite_master WHERE name = 'half'").fetchone() is None
    assert 99 not in {r[0] for r in check.execute("SELECT version FROM schema_migrations")}


def test_appointment_no_shows_are_counted_per_person(api, clock, make_id):
    card = {"number": make_id("37010219800101009"), "name": "韩梅梅"}
    _appointment(api, code="YY010", card=card)
    _appointment(api, code="YY011", start="2026-11-23T14:00:00+08:00", end="2026-11-23T14:30:00+08:00", card=card)
    kiosk = api("kiosk")
    assert kiosk.post("/appointments/lookup", {"id_card": card}).json()["no_show_count"] == 0
    clock.advance(hours=2)  # 11:30: YY010 (10:10–10:40, +15 min) has lapsed
    looked = kiosk.post("/appointments/lookup", {"id_card": card}).json()
    assert looked["no_show_count"] == 1 and [a["code"] for a in looked["appointments"]] == ["YY010", "YY011"]
    assert api("manager").get("/stats").json()["appointment_no_shows"] == 1


def test_upgrade_copies_the_database_aside_first(tmp_path, monkeypatch):
    from hall_server.store import Store, db, migrations
    Store(tmp_path / "u.sqlite3").close()
    extra = [*migrations.MIGRATIONS, (98, "add a column", "CREATE TABLE later (x INTEGER);")]
    monkeypatch.setattr(db, "MIGRATIONS", extra)
    store = Store(tmp_path / "u.sqlite3")
    assert 98 in store.applied_migrations()
    copy = tmp_path / "u.sqlite3.before-migration-98"
    assert copy.exists()
    import sqlite3
    old = sqlite3.connect(copy)
    assert old.execute("SELECT name FROM sqlite_master WHERE name = 'later'").fetchone() is None


def test_refused_check_in_names_the_slot(api):
    _appointment(api, code="YY020")
    early = api("kiosk").post("/appointments/YY020/check-in", {}).json()["error"]
    assert "10:10" in early["message"] and "10:10" in early["message_en"]


def test_broken_json_is_named_as_such(api):
    r = api("kiosk").request("POST", "/tickets", content=b'{"category_code": "A",',
                             headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "invalid_input" and "JSON" in error["message"] and "JSON" in error["message_en"]
