"""The 差评 case loop through the API: every state, the appeal paths, illegal steps,
notes, the immutable history, filters, working-day deadlines, reminders, overdue."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from hall_server import housekeeping
from hall_server.engine import cases as engine

from .conftest import finish, rate

CST = timezone(timedelta(hours=8))


def open_case(api, level=1, window="w1", role="counter"):
    category = "C" if window == "w3" else "A"
    response = rate(api, finish(api, category=category, window=window, role=role), level, role=role)
    assert response.status_code == 201
    return response.json()["case_id"]


def step(api, case_id, action, note="已处理", **extra):
    return api("manager").post(f"/cases/{case_id}/{action}", {"note": note, **extra})


def test_the_whole_loop_records_who_when_and_what(api, clock):
    case_id = open_case(api)
    walk = [("verify", "待整改"), ("start_rectify", "整改中"), ("rectify", "已整改"), ("reply", "已反馈"), ("close", "已关闭")]
    for action, name in walk:
        clock.advance(hours=2)
        extra = {"method": "电话", "satisfied": True} if action == "reply" else {}
        r = step(api, case_id, action, note=f"{action}：电话回访核实", **extra)
        assert r.status_code == 200, r.text
        assert r.json()["state_name"] == name
    case = api("manager").get(f"/cases/{case_id}").json()
    assert case["closed_at"] and case["resident_satisfied"] == 1 and case["allowed_actions"] == []
    history = case["history"]
    assert [h["action"] for h in history] == ["open", "verify", "start_rectify", "rectify", "reply", "close"]
    assert [h["to_state"] for h in history][1:] == ["pending_rectify", "rectifying", "rectified", "replied", "closed"]
    assert all(h["actor"] == "test-manager" for h in history[1:]) and history[0]["actor"] == "system"
    assert history[4]["detail"] == {"method": "电话", "satisfied": True} and history[2]["note"].startswith("start_rectify")
    assert history[1]["at"] < history[2]["at"] < history[5]["at"]
    assert case["evaluation"]["reasons"] == ["态度不好"] and case["evaluation"]["channel"] == "pad"


def test_appeal_rejected_goes_back_to_rectification(api):
    case_id = open_case(api)
    assert step(api, case_id, "appeal", note="群众误评，申请复核").json()["state"] == "appealing"
    assert step(api, case_id, "reject_appeal", note="复核认定差评属实").json()["state"] == "pending_rectify"
    assert step(api, case_id, "rectify", note="立行立改").json()["state"] == "rectified"
    assert step(api, case_id, "reply", note="已反馈").json()["state"] == "replied"


def test_appeal_upheld_strikes_the_review_out_and_closes(api):
    case_id = open_case(api, level=2)
    step(api, case_id, "verify", note="核实")
    assert step(api, case_id, "appeal", note="恶意差评").json()["state_name"] == "申诉中"
    upheld = step(api, case_id, "uphold_appeal", note="申诉成立，剔除").json()
    assert upheld["state_name"] == "申诉成立" and upheld["overdue"] is False
    assert step(api, case_id, "close", note=None).json()["state"] == "closed"
    kpis = api("manager").get("/evaluations/summary").json()["cases"]
    assert kpis["opened"] == 1 and kpis["struck_out"] == 1 and kpis["reply_rate"] is None


@pytest.mark.parametrize("path,action", [
    ([], "reply"), ([], "close"), ([], "rectify"), ([], "uphold_appeal"),
    (["verify"], "verify"), (["verify", "rectify"], "appeal"), (["verify", "rectify", "reply", "close"], "verify"),
    (["verify", "rectify", "reply", "close"], "close"), (["appeal"], "rectify"),
])
def test_illegal_steps_are_409_and_change_nothing(api, hall, path, action):
    case_id = open_case(api)
    for earlier in path:
        assert step(api, case_id, earlier).status_code == 200
    before = hall.store.one("SELECT state FROM cases WHERE id = ?", (case_id,))["state"]
    r = step(api, case_id, action)
    assert r.status_code == 409 and r.json()["error"]["code"] == "bad_state"
    assert r.json()["error"]["message"].startswith("工单当前为")
    assert hall.store.one("SELECT state FROM cases WHERE id = ?", (case_id,))["state"] == before
    assert len(api("manager").get(f"/cases/{case_id}").json()["history"]) == 1 + len(path)


def test_steps_need_a_note_only_managers_act_and_unknown_ones_are_not_routes(api):
    case_id = open_case(api)
    missing = api("manager").post(f"/cases/{case_id}/verify", {})
    assert missing.status_code == 422 and "说明" in missing.json()["error"]["message"]
    wrong = step(api, case_id, "verify", method="电话")
    assert wrong.status_code == 422
    assert api("counter").post(f"/cases/{case_id}/verify", {"note": "x"}).status_code == 403
    assert api("manager").post(f"/cases/{case_id}/delete", {"note": "x"}).status_code == 404
    assert api("manager").post("/cases/nope/verify", {"note": "x"}).status_code == 404


def test_history_rows_cannot_be_changed_or_deleted(api, hall):
    case_id = open_case(api)
    step(api, case_id, "verify", note="情况属实")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        hall.store.conn.execute("UPDATE case_history SET note = '改写' WHERE case_id = ?", (case_id,))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        hall.store.conn.execute("DELETE FROM case_history WHERE case_id = ?", (case_id,))
    notes = [h["note"] for h in api("manager").get(f"/cases/{case_id}").json()["history"]]
    assert notes == [None, "情况属实"]


def test_filters_by_state_overdue_window_and_level(api, clock):
    early = open_case(api, level=1)
    clock.advance(days=3)
    other = open_case(api, level=2, window="w3", role="counter3")
    step(api, other, "verify")
    clock.advance(days=6)   # Wed 2 Dec: the first case (due Mon 30 Nov) is overdue, the second (due Thu 3 Dec) not
    manager = api("manager")
    ids = lambda **q: [c["id"] for c in manager.get("/cases", params=q).json()["cases"]]  # noqa: E731
    assert ids() == [other, early]
    assert ids(state="pending_verify") == [early] and ids(state="pending_rectify") == [other]
    assert ids(overdue="true") == [early] and ids(overdue="false") == [other]
    assert ids(window="w3") == [other] and ids(level=1) == [early]
    assert ids(date_from="2026-11-26") == [other]
    assert manager.get("/cases", params={"state": "lost"}).status_code == 422


def test_deadline_skips_the_national_day_holidays(api, clock):
    clock.set(datetime(2026, 9, 30, 10, 0, tzinfo=CST))
    case_id = open_case(api)
    case = api("manager").get(f"/cases/{case_id}").json()
    assert case["deadline"] == "2026-10-13T23:59:59+08:00" and case["remaining_working_days"] == 6
    assert case["remind_at"] == "2026-10-13T00:00:00+08:00"


def test_reminder_then_overdue_each_raised_once_by_housekeeping(api, hall, clock):
    case_id = open_case(api)                       # Mon 23 Nov, due Mon 30 Nov 23:59:59
    settled = open_case(api)
    for action in ("verify", "rectify", "reply"):
        assert step(api, settled, action).status_code == 200
    events = lambda kind: [e["data"] for e in hall.store.events_since(0) if e["type"] == kind]  # noqa: E731
    clock.set(datetime(2026, 11, 29, 23, 0, tzinfo=CST))       # Sunday: not yet
    housekeeping.run_once(hall)
    assert events("case.reminder") == []
    clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=CST))
    housekeeping.run_once(hall)
    housekeeping.run_once(hall)
    reminders = events("case.reminder")
    assert len(reminders) == 1 and reminders[0]["case_id"] == case_id and reminders[0]["remaining_working_days"] == 1
    assert events("case.overdue") == []
    clock.set(datetime(2026, 12, 1, 0, 0, 1, tzinfo=CST))
    housekeeping.run_once(hall)
    housekeeping.run_once(hall)
    overdue = events("case.overdue")
    assert [o["case_id"] for o in overdue] == [case_id] and len(events("case.reminder")) == 1
    case = api("manager").get(f"/cases/{case_id}").json()
    assert case["overdue"] is True and case["overdue_at"] and case["remaining_working_days"] == -1
    assert "3701" not in str(reminders + overdue)


def test_a_sweep_after_the_deadline_raises_overdue_without_a_late_reminder(api, hall, clock):
    open_case(api)
    clock.advance(days=14)
    with hall.store.transaction(hall.now()) as tx:
        assert engine.sweep(hall, tx) == {"reminded": 0, "overdue": 1}
    with hall.store.transaction(hall.now()) as tx:
        assert engine.sweep(hall, tx) == {"reminded": 0, "overdue": 0}


def test_reply_rate_and_satisfaction(api):
    happy, unhappy, open_one = open_case(api), open_case(api), open_case(api)
    for case_id, satisfied in ((happy, True), (unhappy, False)):
        assert step(api, case_id, "verify").status_code == step(api, case_id, "rectify").status_code == 200
        assert step(api, case_id, "reply", method="当面", satisfied=satisfied).status_code == 200
    kpis = api("manager").get("/evaluations/summary").json()["cases"]
    assert kpis == {"opened": 3, "struck_out": 0, "replied": 2, "open": 1, "ever_overdue": 0,
                    "reply_rate": round(2 / 3, 4), "satisfied_rate": 0.5}
    assert open_one
