"""The console's API over TestClient on the small test hall: each new endpoint, its
role checks and its error bodies."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook


def issue(api, category="A", **extra):
    r = api("kiosk").post("/tickets", {"category_code": category, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def serve(api, role="counter", window="w1", minutes=5, clock=None):
    c = api(role)
    called = c.post(f"/windows/{window}/call-next")
    assert called.status_code == 200, called.text
    c.post(f"/windows/{window}/start")
    if clock:
        clock.advance(minutes=minutes)
    done = c.post(f"/windows/{window}/finish")
    assert done.status_code == 200, done.text
    return done.json()


def error(response, status, code):
    assert response.status_code == status, response.text
    body = response.json()["error"]
    assert body["code"] == code and body["message"] and body["message_en"]
    return body


GETS = ["/console/context", "/console/board", "/console/queues", "/console/alarms", "/console/case-details",
        "/console/stats", "/console/daily-report", "/console/export", "/help-requests"]


def test_console_reads_are_for_managers_only_and_need_a_token(api):
    for path in GETS:
        for role in ("kiosk", "counter", "display", "agent", "admin"):
            error(api(role).get(path), 403, "forbidden")
        error(api(None).get(path), 401, "unauthenticated")
        assert api("manager").get(path).status_code == 200, path


def test_devices_are_for_managers_and_admins(api):
    assert api("admin").get("/console/devices").status_code == 200
    assert api("manager").get("/console/devices").status_code == 200
    error(api("kiosk").get("/console/devices"), 403, "forbidden")


def test_board_shows_state_clerk_current_ticket_and_todays_counts(api, clock):
    manager = api("manager")
    issue(api, "A")
    issue(api, "A")
    serve(api, clock=clock, minutes=6)
    assert manager.put("/windows/w1/clerk", {"clerk": "clerk-b"}).status_code == 200
    api("counter").post("/windows/w1/call-next")
    api("counter").post("/windows/w1/skip")
    manager.post("/windows/w2/pause", {"reason": "会议学习"})
    board = manager.get("/console/board").json()
    w1, w2 = board["windows"][0], board["windows"][1]
    assert w1["clerk"] == "clerk-b" and w1["today"]["served"] == 1 and w1["today"]["no_show"] == 1
    assert w1["today"]["called"] == 2 and w1["today"]["service_mean"] == 360.0
    assert w2["state"] == "paused" and w2["pause_reason"] == "会议学习" and w2["paused_since"] == "2026-11-23T09:36:00+08:00"
    assert board["summary"] == {"open": 2, "paused": 1, "closed": 0, "waiting": 0}
    assert w1["zone_name"] == "综合受理板块" and w1["kind"] == "综合"


def test_queues_alarm_on_length_and_wait_and_list_tickets_in_line_order(api, clock):
    first = issue(api, "A")
    for _ in range(9):
        issue(api, "A")
    green = issue(api, "A", priority="green")
    clock.advance(minutes=16)
    q = api("manager").get("/console/queues").json()
    a = next(c for c in q["categories"] if c["code"] == "A")
    assert a["waiting"] == 11 and a["green"] == 1 and a["longest_wait_min"] == 16
    assert sorted(a["alarms"]) == ["queue_length", "queue_wait"]
    numbers = [t["number"] for t in q["tickets"] if t["category"] == "A"]
    assert numbers[0] == green["number"] and numbers[1] == first["number"]
    assert [t["position"] for t in q["tickets"]][:3] == [1, 2, 3]
    assert {al["kind"] for al in q["alarms"]} == {"queue_length", "queue_wait"}


def test_queue_with_people_and_no_open_window_alarms(api):
    issue(api, "C")
    api("manager").post("/windows/w3/close")
    q = api("manager").get("/console/queues").json()
    c = next(c for c in q["categories"] if c["code"] == "C")
    assert c["open_windows"] == 0 and c["alarms"] == ["queue_unserved"]


def test_prioritise_moves_a_waiting_ticket_to_the_green_class_and_is_called_first(api):
    issue(api, "A")
    later = issue(api, "A")
    r = api("manager").post(f"/tickets/{later['id']}/prioritise", {"request_id": "p-1"})
    assert r.status_code == 200 and r.json()["priority"] == "green"
    again = api("manager").post(f"/tickets/{later['id']}/prioritise", {"request_id": "p-1"})
    assert again.headers.get("Idempotent-Replay") == "true"
    error(api("manager").post(f"/tickets/{later['id']}/prioritise"), 409, "conflict")
    assert api("counter").post("/windows/w1/call-next").json()["number"] == later["number"]
    error(api("manager").post(f"/tickets/{later['id']}/prioritise"), 409, "bad_state")


def test_prioritise_is_for_managers_and_known_tickets(api):
    t = issue(api, "A")
    error(api("counter").post(f"/tickets/{t['id']}/prioritise"), 403, "forbidden")
    error(api("manager").post("/tickets/nope/prioritise"), 404, "not_found")


def test_transfer_a_waiting_ticket_keeps_its_number_and_time(api, clock, hall):
    t = issue(api, "A")
    clock.advance(minutes=3)
    moved = api("manager").post(f"/tickets/{t['id']}/transfer", {"to_category": "C"})
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["number"] == t["number"] and body["category"] == "C" and body["issued_at"] == t["issued_at"]
    assert body["transfer_count"] == 1
    events = [e for e in hall.store.events_since(0) if e["type"] == "ticket.transferred"]
    assert events[-1]["data"]["from_category"] == "A" and events[-1]["data"]["to_category"] == "C"
    assert api("counter3").post("/windows/w3/call-next").json()["number"] == t["number"]


def test_transfer_to_a_window_puts_the_ticket_first_there(api, make_id):
    issue(api, "B", id_card={"number": make_id("11010119900307001")})
    t = issue(api, "A")
    assert api("manager").post(f"/tickets/{t['id']}/transfer", {"to_window": "w2"}).json()["target_window"] == "w2"
    assert api("counter2").post("/windows/w2/call-next").json()["number"] == t["number"]


@pytest.mark.parametrize("body, status, code", [
    ({}, 422, "invalid_input"),
    ({"to_category": "Q"}, 404, "unknown_category"),
    ({"to_window": "w9"}, 404, "not_found"),
    ({"to_category": "A"}, 422, "invalid_input"),
    ({"to_category": "x" * 17}, 422, "invalid_input"),
])
def test_transfer_refusals(api, body, status, code):
    t = issue(api, "A")
    error(api("manager").post(f"/tickets/{t['id']}/transfer", body), status, code)


def test_transfer_refuses_a_called_ticket_and_other_roles(api):
    t = issue(api, "A")
    error(api("counter").post(f"/tickets/{t['id']}/transfer", {"to_category": "C"}), 403, "forbidden")
    api("counter").post("/windows/w1/call-next")
    error(api("manager").post(f"/tickets/{t['id']}/transfer", {"to_category": "C"}), 409, "bad_state")


def test_help_request_is_raised_listed_and_resolved_with_events(api, clock, hall):
    kiosk, manager = api("kiosk"), api("manager")
    r = kiosk.post("/help-requests", {"location": "自助区 1号机", "reason": "不会操作", "request_id": "h-1"})
    assert r.status_code == 201, r.text
    req = r.json()
    assert req["device"] == "test-kiosk" and req["state"] == "open" and req["times"] == 1
    clock.advance(minutes=1)
    again = kiosk.post("/help-requests", {}).json()
    assert again["id"] == req["id"] and again["times"] == 2 and again["location"] == "自助区 1号机"
    assert [h["id"] for h in manager.get("/help-requests").json()["help_requests"]] == [req["id"]]
    assert kiosk.get(f"/help-requests/{req['id']}").json()["state"] == "open"
    done = manager.post(f"/help-requests/{req['id']}/resolve", {"note": "已协助"})
    assert done.status_code == 200 and done.json()["state"] == "resolved" and done.json()["resolved_by"] == "test-manager"
    assert manager.get("/help-requests").json()["help_requests"] == []
    assert len(manager.get("/help-requests?state=all").json()["help_requests"]) == 1
    error(manager.post(f"/help-requests/{req['id']}/resolve"), 409, "bad_state")
    events = [(e["type"], e["data"]) for e in hall.store.events_since(0) if e["type"].startswith("help.")]
    assert [t for t, _ in events] == ["help.requested", "help.requested", "help.resolved"]
    assert events[-1][1]["resolved_by"] == "test-manager" and events[0][1]["location"] == "自助区 1号机"


def test_help_request_roles_and_errors(api):
    error(api("manager").post("/help-requests", {}), 403, "forbidden")
    error(api("counter").post("/help-requests", {}), 403, "forbidden")
    error(api("kiosk").post("/help-requests", {"location": "x" * 101}), 422, "invalid_input")
    error(api("kiosk").get("/help-requests"), 403, "forbidden")
    error(api("manager").post("/help-requests/nope/resolve"), 404, "not_found")
    error(api("manager").get("/help-requests/nope"), 404, "not_found")
    error(api("manager").get("/help-requests?state=maybe"), 422, "invalid_input")
    error(api(None).post("/help-requests", {}), 401, "unauthenticated")


def test_a_kiosk_sees_only_its_own_help_request(api, hall):
    from hall_server import auth
    with hall.store.transaction(hall.now()) as tx:
        other = auth.create_device_token(tx, "kiosk-other", "kiosk")
    req = api("kiosk").post("/help-requests", {}).json()
    api.tokens["kiosk-other"] = other
    error(api("kiosk-other").get(f"/help-requests/{req['id']}"), 403, "forbidden")


def test_alarms_gather_queues_devices_help_and_cases_alarms_first(api, clock):
    for _ in range(10):
        issue(api, "A")
    api("agent").post("/devices/heartbeat", {"device": "kiosk-9", "components": {"printer": {"ok": True, "paper": "near_end"}}})
    api("kiosk").post("/help-requests", {"location": "1号机"})
    alarms = api("manager").get("/console/alarms").json()
    kinds = [a["kind"] for a in alarms["alarms"]]
    assert kinds == ["queue_length", "paper_near_end", "help_open"]
    assert alarms["counts"] == {"queue_length": 1, "paper_near_end": 1, "help_open": 1}
    clock.advance(minutes=20)
    kinds = {a["kind"]: a["level"] for a in api("manager").get("/console/alarms").json()["alarms"]}
    assert kinds == {"queue_length": "alarm", "queue_wait": "alarm", "device_offline": "alarm", "help_open": "alarm"}


def test_case_details_and_due_alarms(api, clock):
    t = issue(api, "A")
    serve(api, clock=clock)
    case_id = api("counter").post("/evaluations", {"ticket_id": t["id"], "level": 1, "reasons": ["态度不好"],
                                                   "comment": "说话不耐烦"}).json()["case_id"]
    details = api("manager").get("/console/case-details").json()
    d = details["cases"][case_id]
    assert d["ticket_number"] == t["number"] and d["window_name"] == "1号窗口 综合受理"
    assert d["evaluation"]["reasons"] == ["态度不好"] and d["evaluation"]["comment"] == "说话不耐烦"
    assert details["due_warning_hours"] == 24
    clock.advance(days=30)
    kinds = [a["kind"] for a in api("manager").get("/console/alarms").json()["alarms"] if a["target"] == case_id]
    assert kinds == ["case_overdue"]


def test_context_lists_the_case_loop_from_the_domain(api):
    from hall_server.domain.cases import TRANSITIONS
    ctx = api("manager").get("/console/context").json()
    assert set(ctx["case_actions"]) == set(TRANSITIONS)
    assert ctx["thresholds"]["wait_alarm_minutes"] == 15 and ctx["day"] == "2026-11-23"
    assert [c["code"] for c in ctx["categories"]] == ["A", "B", "C"] and ctx["user"]["role"] == "manager"


def test_stats_hourly_distribution_and_rates(api, clock):
    tickets = [issue(api, "A") for _ in range(3)]
    clock.advance(minutes=40)  # 10:10
    serve(api, clock=clock, minutes=4)
    serve(api, clock=clock, minutes=4)
    api("counter").post("/evaluations", {"ticket_id": tickets[0]["id"], "level": 5})
    s = api("manager").get("/console/stats").json()
    assert s["hourly"]["arrivals"][9] == 3 and s["hourly"]["calls"][10] == 2
    assert s["wait_histogram"]["counts"] == [0, 0, 0, 0, 0, 2, 0, 0]  # 40 and 44 min: bucket 30–45
    assert s["satisfaction"]["good_rate"] == 1.0 and s["satisfaction"]["unrated_rate"] == 0.5
    assert s["categories"][0]["name"] == "综合受理" and s["windows"][0]["number"] == 1


@pytest.mark.parametrize("query", ["date_from=2026-11-23&date_to=2026-11-01", "date_from=2020-01-01&date_to=2026-11-23",
                                   "date_from=yesterday"])
def test_stats_refuse_bad_periods(api, query):
    error(api("manager").get(f"/console/stats?{query}"), 422, "invalid_input")


def _served_day(api, clock):
    first = issue(api, "A")
    issue(api, "C")
    clock.advance(minutes=10)
    serve(api, clock=clock, minutes=7)
    api("counter").post("/evaluations", {"ticket_id": first["id"], "level": 2, "reasons": ["效率太低"]})
    return first


def test_csv_export_rows_hold_no_personal_data(api, clock, make_id):
    _served_day(api, clock)
    issue(api, "B", id_card={"number": make_id("11010119900307001"), "name": "张三"})
    r = api("manager").get("/console/export?kind=tickets&format=csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="hallterm-tickets-2026-11-23.csv"' in r.headers["content-disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["日期", "号码", "业务类别"] and len(rows) == 4
    a001 = next(row for row in rows if row[1] == "A001")
    assert a001[6] == "已办结" and a001[13] == "10.0" and a001[14] == "7.0" and a001[18] == "不满意"
    b001 = next(row for row in rows if row[1] == "B001")
    assert b001[17] == "是"
    text = r.content.decode("utf-8-sig")
    assert "张" not in text and "110101" not in text and "*" not in text


def cell(value):
    """A CSV text or an XLSX value, compared as a number when it is one."""
    if value is None or value == "":
        return ""
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def test_xlsx_export_has_every_table_and_the_same_ticket_rows(api, clock):
    _served_day(api, clock)
    manager = api("manager")
    csv_rows = list(csv.reader(io.StringIO(manager.get("/console/export?kind=tickets").content.decode("utf-8-sig"))))
    r = manager.get("/console/export?kind=all&format=xlsx")
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["明细", "按类别", "按窗口", "按工作人员", "评价"]
    xlsx_rows = [[cell(v) for v in row] for row in book["明细"].iter_rows(values_only=True)]
    assert xlsx_rows == [[cell(v) for v in row] for row in csv_rows] and len(csv_rows) == 3
    levels = {row[0]: row[1] for row in book["评价"].iter_rows(min_row=2, values_only=True)}
    assert levels["不满意"] == 1 and levels["评价总数"] == 1


def test_english_export_and_summary_kinds(api, clock):
    _served_day(api, clock)
    r = api("manager").get("/console/export?kind=windows&lang=en")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][0] == "number" and rows[1][:4] == ["1", "1号窗口 综合受理", "1", "1"]


def test_export_refusals(api):
    manager = api("manager")
    error(manager.get("/console/export?kind=all&format=csv"), 422, "invalid_input")
    error(manager.get("/console/export?kind=people"), 422, "invalid_input")
    error(manager.get("/console/export?format=pdf"), 422, "invalid_input")


def test_daily_report_holds_pauses_with_reasons_and_help(api, clock):
    _served_day(api, clock)
    manager = api("manager")
    manager.post("/windows/w2/pause", {"reason": "系统故障"})
    clock.advance(minutes=12)
    manager.post("/windows/w2/resume")
    req = api("kiosk").post("/help-requests", {}).json()
    clock.advance(minutes=2)
    manager.post(f"/help-requests/{req['id']}/resolve")
    report = manager.get("/console/daily-report?date=2026-11-23").json()
    assert report["hall"] == "测试市政务服务中心" and report["date"] == "2026-11-23"
    assert [(p["window_id"], p["reason"], p["minutes"]) for p in report["pauses"]] == [("w2", "系统故障", 12.0)]
    assert report["help"] == {"total": 1, "resolved": 1, "mean_minutes": 2.0}
    assert report["cases"]["opened"] == 1 and report["totals"]["served"] == 1
    error(manager.get("/console/daily-report?date=2026-13-01"), 422, "invalid_input")
