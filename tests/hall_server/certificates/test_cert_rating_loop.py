"""A self-printed document's rating in the 好差评 loop (domain.md SS-05, HCP-02/21/22):
through the HTTP API on a real SQLite file it becomes an immutable evaluation record
whose subject is the document, queued for the provincial platform in the same
transaction, with a 差评 case the manager console shows and works although it has no
window and no clerk; the outbox agent delivers it with channel code 5."""
from __future__ import annotations

import importlib.util
import json
import sqlite3
from pathlib import Path

import pytest

from hall_server.agents.outbox import OutboxAgent
from hall_server.app import Settings, build_hall, create_app
from hall_server.config.evaluation_upstream import UpstreamSettings
from hall_server.config.loader import load_hall_config

ROOT = Path(__file__).resolve().parents[3]


def _outbox_tests():
    """tests/agents/test_agents_outbox.py as a module: its fake provincial platform."""
    spec = importlib.util.spec_from_file_location("hallterm_outbox_tests_for_certificates",
                                                  ROOT / "tests" / "agents" / "test_agents_outbox.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def count(hall, table: str, where: str = "1", params=()) -> int:
    return hall.store.one(f"SELECT COUNT(*) AS n FROM {table} WHERE {where}", params)["n"]


def printed(kiosk, issue, clock, type_code="income_tax", person=0) -> dict:
    """Issue a document, let a minute pass, confirm the print; the issue answer."""
    body = issue(kiosk, type_code, person).json()
    clock.advance(minutes=1)
    assert kiosk.post(f"/certificates/{body['doc_no']}/printed", {"result": "ok"}).status_code == 200
    return body


def rate(kiosk, doc_no, level, reasons=(), **extra):
    return kiosk.post(f"/certificates/{doc_no}/evaluation", {"level": level, "reasons": list(reasons), **extra})


def test_a_self_print_rating_is_a_full_evaluation_record_queued_upstream(kiosk, hall, issue, clock, persons):
    doc = printed(kiosk, issue, clock)
    clock.advance(seconds=20)
    answer = rate(kiosk, doc["doc_no"], 4)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    # what the kiosk got before, unchanged, plus the record's identity; never who rated
    assert {k: body[k] for k in ("doc_no", "type", "level", "level_name", "reasons", "kiosk", "at")} == {
        "doc_no": doc["doc_no"], "type": "income_tax", "level": 4, "level_name": "满意", "reasons": [],
        "kiosk": "test-kiosk", "at": "2026-11-23T09:31:20+08:00"}
    assert (body["project_no"], body["evaluation_count"], body["case_id"]) == (doc["doc_no"], 1, None)
    assert "张" not in answer.text and "evaluator" not in answer.text

    [record] = hall.store.all("SELECT * FROM evaluations")
    issued = hall.store.one("SELECT * FROM certificate_issues WHERE doc_no = ?", (doc["doc_no"],))
    assert record["id"] == body["evaluation_id"]
    assert (record["ticket_id"], record["doc_no"], record["ticket_number"]) == (None, doc["doc_no"], None)
    assert (record["window_id"], record["window_number"], record["clerk"], record["clerk_name"]) == (None,) * 4
    assert (record["channel"], record["project_no"], record["evaluation_count"]) == ("kiosk", doc["doc_no"], 1)
    assert (record["service"], record["service_name"], record["department_name"], record["implementation_code"]) == (
        "income_tax", "个人所得税纳税记录", "国家税务总局示例市税务局", "income_tax")
    assert (record["evaluator_id_masked"], record["evaluator_name_masked"]) == (issued["person_masked"], "张**")
    assert persons[0][0] not in json.dumps(record, ensure_ascii=False)
    assert (record["anonymous"], record["evaluator_kind"], record["project_status"], record["promise_type"]) == (
        0, "个人", "已办结", "即办件")
    assert (record["accepted_at"], record["finished_at"]) == (issued["issued_at"], issued["printed_at"])
    assert record["accepted_at"] != record["finished_at"] and record["device"] == "test-kiosk"

    [queued] = hall.store.all("SELECT * FROM outbox")
    assert (queued["evaluation_id"], queued["dedupe_key"], queued["state"]) == (record["id"], f"{doc['doc_no']}#1", "queued")
    assert count(hall, "cases") == 0
    assert hall.store.one("SELECT evaluation_id FROM certificate_evaluations")["evaluation_id"] == record["id"]

    events = {e["type"]: json.loads(e["data"]) for e in hall.store.all("SELECT type, data FROM events")}
    assert events["evaluation.recorded"] == {
        "evaluation_id": record["id"], "ticket_id": None, "doc_no": doc["doc_no"], "number": None, "level": 4,
        "level_name": "满意", "channel": "kiosk", "window_id": None, "evaluation_count": 1}
    assert events["certificate.evaluated"] == {"doc_no": doc["doc_no"], "type": "income_tax", "level": 4}
    stream = json.dumps(hall.store.all("SELECT data FROM events"), ensure_ascii=False)
    assert "张" not in stream and issued["person_masked"] not in stream


def test_the_record_is_immutable_like_any_rating(kiosk, hall, issue, clock):
    doc = printed(kiosk, issue, clock)
    assert rate(kiosk, doc["doc_no"], 5).status_code == 201
    for sql in ("UPDATE evaluations SET level = 1", "DELETE FROM evaluations"):
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):
            with hall.store.transaction(hall.now()) as tx:
                tx.execute(sql)
    assert hall.store.one("SELECT level FROM evaluations")["level"] == 5


def test_a_bad_rating_opens_a_case_without_window_or_clerk_that_the_console_shows_and_works(
        kiosk, api, hall, issue, clock):
    doc = printed(kiosk, issue, clock, "real_estate", 3)
    body = rate(kiosk, doc["doc_no"], 1, ["等候时间过长", "操作复杂"]).json()
    assert body["case_id"]
    [case] = hall.store.all("SELECT * FROM cases")
    assert (case["id"], case["ticket_id"], case["doc_no"], case["window_id"], case["clerk"]) == (
        body["case_id"], None, doc["doc_no"], None, None)
    assert (case["state"], case["level"], case["service"], case["project_no"]) == (
        "pending_verify", 1, "real_estate", doc["doc_no"])
    [opened] = [json.loads(e["data"]) for e in hall.store.all("SELECT data FROM events WHERE type = 'case.opened'")]
    assert opened["doc_no"] == doc["doc_no"] and opened["window_id"] is None and opened["case_id"] == case["id"]

    manager = api("manager")
    [listed] = manager.get("/cases").json()["cases"]
    assert listed["id"] == case["id"] and listed["doc_no"] == doc["doc_no"] and listed["window_id"] is None
    assert listed["evaluation"]["doc_no"] == doc["doc_no"] and listed["evaluation"]["kiosk"] == "test-kiosk"
    assert listed["evaluation"]["reasons"] == ["等候时间过长", "操作复杂"]
    assert listed["evaluation"]["service_name"] == "不动产登记信息查询结果"
    assert listed["remaining_working_days"] is not None and "verify" in listed["allowed_actions"]
    details = manager.get("/console/case-details").json()["cases"][case["id"]]
    assert (details["doc_no"], details["kiosk"], details["ticket_number"], details["window_name"]) == (
        doc["doc_no"], "test-kiosk", None, None)
    assert details["service_name"] == "不动产登记信息查询结果" and details["evaluation"]["channel"] == "kiosk"
    assert manager.get("/cases", params={"window": "w1"}).json()["cases"] == []

    steps = [("verify", "已回访，属实"), ("rectify", "自助终端增加操作指引"), ("close", None)]
    assert manager.post(f"/cases/{case['id']}/verify", {"note": steps[0][1]}).status_code == 200
    assert manager.post(f"/cases/{case['id']}/rectify", {"note": steps[1][1]}).status_code == 200
    replied = manager.post(f"/cases/{case['id']}/reply", {"note": "已电话告知", "method": "电话", "satisfied": True})
    assert replied.status_code == 200, replied.text
    closed = manager.post(f"/cases/{case['id']}/close")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert [h["action"] for h in closed.json()["history"]] == ["open", "verify", "rectify", "reply", "close"]


def test_an_overdue_document_case_raises_an_alarm_naming_the_document(kiosk, api, issue, clock):
    doc = printed(kiosk, issue, clock)
    case_id = rate(kiosk, doc["doc_no"], 2, ["打印不清楚"]).json()["case_id"]
    clock.advance(days=30)
    [alarm] = [a for a in api("manager").get("/console/alarms").json()["alarms"] if a["target"] == case_id]
    assert alarm["kind"] == "case_overdue" and doc["doc_no"] in alarm["message"]


def test_rerating_is_refused_and_creates_nothing(kiosk, other_kiosk, hall, issue, clock):
    doc = printed(kiosk, issue, clock)
    first = rate(kiosk, doc["doc_no"], 5, request_id="rate-1")
    assert first.status_code == 201
    again = rate(kiosk, doc["doc_no"], 1, ["态度不好"])
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    assert again.json()["error"]["message"] == "该证明已评价过"
    assert rate(other_kiosk, doc["doc_no"], 1, ["态度不好"]).status_code == 403
    replay = rate(kiosk, doc["doc_no"], 5, request_id="rate-1")
    assert replay.status_code == 201 and replay.json() == first.json()
    for table in ("evaluations", "outbox", "certificate_evaluations"):
        assert count(hall, table) == 1, table
    assert count(hall, "cases") == 0
    assert count(hall, "events", "type = 'evaluation.recorded'") == 1


def test_a_rating_long_after_the_print_is_refused(kiosk, hall, issue, clock):
    doc = printed(kiosk, issue, clock)
    clock.advance(hours=169)                      # record.supplement_hours = 168 (补充评价 period, HCP-20)
    late = rate(kiosk, doc["doc_no"], 5)
    assert late.status_code == 409 and late.json()["error"]["code"] == "bad_state"
    assert count(hall, "evaluations") == count(hall, "certificate_evaluations") == 0


def finish(api) -> dict:
    """A ticket issued and served to 'done' at window 1."""
    ticket = api("kiosk").post("/tickets", {"category_code": "A"}).json()
    for action in ("call-next", "start", "finish"):
        assert api("counter").post(f"/windows/w1/{action}").status_code == 200
    return ticket


def test_summaries_and_statistics_count_document_ratings(kiosk, api, hall, issue, clock):
    served = [finish(api) for _ in range(2)]
    assert api("counter").post("/evaluations", {"ticket_id": served[0]["id"], "level": 5, "channel": "pad"}).status_code == 201
    bad = printed(kiosk, issue, clock, "income_tax", 0)
    assert rate(kiosk, bad["doc_no"], 1, ["等候时间过长"]).status_code == 201
    printed(kiosk, issue, clock, "medical_insurance", 0)                        # printed, not rated: 未评
    failed = issue(kiosk, "real_estate", 0).json()
    kiosk.post(f"/certificates/{failed['doc_no']}/printed", {"result": "failed", "reason": "缺纸"})  # no service

    manager = api("manager")
    s = manager.get("/evaluations/summary").json()
    assert (s["finished"], s["rated"], s["unrated"]) == (4, 2, 2)
    assert s["tickets"] == {"finished": 2, "rated": 1} and s["documents"] == {"finished": 2, "rated": 1}
    assert s["levels"]["非常满意"] == 1 and s["levels"]["非常不满意"] == 1
    assert (s["good_rate"], s["unrated_rate"], s["cases"]["opened"]) == (0.5, 0.5, 1)

    console = manager.get("/console/stats").json()["satisfaction"]
    assert (console["count"], console["levels"]["1"], console["good"]) == (2, 1, 1)
    assert (console["done"], console["unrated"], console["unrated_rate"]) == (4, 2, 0.5)
    assert console["documents"] == {"done": 2, "rated": 1}
    assert manager.get("/console/stats").json()["cases"]["opened"] == 1
    assert manager.get("/stats").json()["satisfaction"]["count"] == 2

    report = manager.get("/outbox/report").json()
    assert [r["dedupe_key"] for r in report["records"] if r["channel"] == "kiosk"] == [f"{bad['doc_no']}#1"]
    assert report["counts"]["total"] == 2
    listed = manager.get("/evaluations", params={"channel": "kiosk"}).json()["evaluations"]
    assert [e["doc_no"] for e in listed] == [bad["doc_no"]] and listed[0]["gbt39046"]["评价渠道"] == "政务大厅其他终端"
    assert listed[0]["upstream"]["state"] == "queued" and listed[0]["case_id"]


def test_kiosk_maps_to_channel_code_5_in_the_defaults_and_the_example_hall():
    assert UpstreamSettings().codes["channel"]["kiosk"] == "5"
    example = load_hall_config(ROOT / "config" / "hall.example.toml")
    assert example.evaluation_loop.upstream.codes["channel"]["kiosk"] == "5"
    assert example.evaluation_loop.record.document_project_no_template == "{doc_no}"


@pytest.fixture
def province(tmp_path, clock, hall_file, api):
    """A hall with a region code, a document project-number rule and upstream codes for
    income_tax; ``(hall, clients)``."""
    text = hall_file.read_text(encoding="utf-8").replace('name = "测试市政务服务中心"',
                                                          'name = "测试市政务服务中心"\nregion_code = "370102"', 1)
    text += """
[evaluation_loop.record]
document_project_no_template = "{region_code}-{doc_no}"
department_code = "11370100MB0000000X"
reason_codes = { "等候时间过长" = "503" }

[evaluation_loop.record.services.income_tax]
implementation_code = "370100-SW-0007-01"
handle_item_code = "3701000070001"
"""
    folder = tmp_path / "province"
    folder.mkdir()
    (folder / "hall.toml").write_text(text, encoding="utf-8")
    hall = build_hall(Settings(config_path=folder / "hall.toml", data_dir=folder / "data", clock=clock))
    clients = type(api)(create_app(hall=hall), hall)
    yield hall, clients
    clients.close()
    hall.store.close()


def test_the_outbox_agent_delivers_it_with_channel_code_5_and_the_masked_evaluator(province, issue, clock, persons):
    hall, clients = province
    kiosk = clients("kiosk")
    fake = _outbox_tests().FakeUpstream()
    try:
        doc = printed(kiosk, issue, clock)
        answer = rate(kiosk, doc["doc_no"], 2, ["等候时间过长"])
        assert answer.status_code == 201 and answer.json()["project_no"] == f"370102-{doc['doc_no']}"
        settings = UpstreamSettings(enabled=True, url=fake.url, timeout_seconds=2.0, lease_seconds=10.0,
                                    duplicate_values=["DUPLICATE"])
        agent = OutboxAgent(hall.store, clock, settings)
        assert agent.run_once() == {"claimed": 1, "sent": 1, "failed": 0}
        assert agent.run_once()["claimed"] == 0
    finally:
        fake.stop()
    key = f"370102-{doc['doc_no']}#1"
    assert fake.received == [key]
    body = fake.stored[key]
    assert (body["pf"], body["processNumber"], body["assessNumber"]) == ("5", f"370102-{doc['doc_no']}", 1)
    assert (body["userName"], body["anonymityFlag"], body["userProp"]) == ("张**", "2", "1")
    assert (body["satisfaction"], body["evalDetail"], body["areaCode"], body["proStatus"]) == ("2", "503", "370102", "3")
    assert (body["taskCode"], body["taskHandleItem"], body["taskName"]) == (
        "370100-SW-0007-01", "3701000070001", "个人所得税纳税记录")
    assert (body["proDepart"], body["deptCode"], body["proManager"]) == (
        "国家税务总局示例市税务局", "11370100MB0000000X", "")
    assert persons[0][0] not in json.dumps(body, ensure_ascii=False) and persons[0][1] not in json.dumps(body, ensure_ascii=False)
    row = hall.store.one("SELECT state, attempts, sent_at FROM outbox")
    assert (row["state"], row["attempts"]) == ("sent", 1) and row["sent_at"]
