"""Issuing tickets over the API: numbering, rules, idempotency, personal data."""
from __future__ import annotations

import json

# Synthetic ID numbers with valid GB 11643 check digits (no real person).
ID_1 = "110101199003071234"
ID_2 = "11010119900307125X"


def _valid(number17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(number17, weights))
    return number17 + "10X98765432"[total % 11]


PERSON_1 = _valid("11010119900307123")
PERSON_2 = _valid("11010119851120456")


def test_health_is_public(api):
    body = api(None).get("/health").json()
    assert body["status"] == "ok" and body["time"].startswith("2026-11-23T09:30:00+08:00")


def test_issue_numbers_count_up_per_category(api):
    kiosk = api("kiosk")
    first = kiosk.post("/tickets", {"service_code": "S-A1", "request_id": "r1"})
    second = kiosk.post("/tickets", {"category_code": "A", "request_id": "r2"})
    other = kiosk.post("/tickets", {"category_code": "C", "request_id": "r3"})
    assert first.status_code == 201, first.text
    assert [first.json()["number"], second.json()["number"], other.json()["number"]] == ["A001", "A002", "C001"]
    assert first.json()["ahead"] == 0 and second.json()["ahead"] == 1
    assert first.json()["service_name"] == "社保参保登记"
    assert first.json()["status_token"] and first.json()["est_wait_min"] >= 0


def test_same_request_id_returns_the_first_ticket_and_issues_nothing_more(api, hall):
    kiosk = api("kiosk")
    a = kiosk.post("/tickets", {"category_code": "A", "request_id": "tap-1"})
    b = kiosk.post("/tickets", {"category_code": "A", "request_id": "tap-1"})
    assert a.json() == b.json() and b.headers.get("idempotent-replay") == "true"
    assert hall.store.one("SELECT COUNT(*) AS n FROM tickets")["n"] == 1
    # The same request_id from another token is a different request.
    c = api("manager").post("/tickets", {"category_code": "A", "request_id": "tap-1"})
    assert c.json()["number"] == "A002"


def test_quota_and_person_limit_and_real_name(api):
    kiosk = api("kiosk")
    missing = kiosk.post("/tickets", {"category_code": "B"})
    assert missing.status_code == 422 and missing.json()["error"]["code"] == "invalid_input"
    ok = kiosk.post("/tickets", {"category_code": "B", "id_card": {"number": PERSON_1, "name": "张三"}})
    assert ok.status_code == 201 and ok.json()["name_masked"] == "张*"
    again = kiosk.post("/tickets", {"category_code": "B", "id_card": {"number": PERSON_1, "name": "张三"}})
    assert again.status_code == 409 and again.json()["error"]["code"] == "person_limit"
    kiosk.post("/tickets", {"category_code": "B", "id_card": {"number": PERSON_2, "name": "李四"}})
    kiosk.post("/tickets", {"category_code": "B", "id_card": {"number": _valid("11010119700101001"), "name": "王五"}})
    gone = kiosk.post("/tickets", {"category_code": "B", "id_card": {"number": _valid("11010119700101002"), "name": "赵六"}})
    assert gone.status_code == 409
    error = gone.json()["error"]
    assert error["code"] == "quota_exhausted" and error["message"] and error["message_en"]


def test_bad_id_number_is_refused_without_echoing_it(api):
    bad = PERSON_1[:-1] + ("0" if PERSON_1[-1] != "0" else "1")
    r = api("kiosk").post("/tickets", {"category_code": "B", "id_card": {"number": bad, "name": "张三"}})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_input"
    assert bad not in r.text


def test_outside_hours(api, clock):
    clock.advance(hours=1)  # 10:30, category C takes tickets 09:00–10:00
    r = api("kiosk").post("/tickets", {"category_code": "C"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "outside_hours"


def test_unknown_service_and_category(api):
    kiosk = api("kiosk")
    assert kiosk.post("/tickets", {"service_code": "NOPE"}).json()["error"]["code"] == "unknown_service"
    assert kiosk.post("/tickets", {"category_code": "Z"}).json()["error"]["code"] == "unknown_category"


def test_personal_data_stays_out_of_store_events_and_public_views(api, hall):
    r = api("kiosk").post("/tickets", {"category_code": "B", "id_card": {"number": PERSON_1, "name": "张三丰"}})
    token = r.json()["status_token"]
    public = api(None).get(f"/ticket-status/{token}").json()
    assert public["number"] == "B001" and public["ahead"] == 0
    assert "name_masked" not in public and "id_masked" not in public
    dump = "\n".join(hall.store.conn.iterdump())
    assert PERSON_1 not in dump and "张三丰" not in dump
    events = hall.store.events_since(0)
    assert events and all("张" not in json.dumps(e, ensure_ascii=False) for e in events)
    assert all(PERSON_1[:-4] not in json.dumps(e) for e in events)
    row = hall.store.one("SELECT person_masked, name_masked FROM tickets")
    assert row == {"person_masked": PERSON_1[:4] + "*" * 10 + PERSON_1[-4:], "name_masked": "张**"}


def test_ticket_detail_has_history(api):
    t = api("kiosk").post("/tickets", {"category_code": "A"}).json()
    detail = api("display").get(f"/tickets/{t['id']}").json()
    assert detail["number"] == "A001" and [h["action"] for h in detail["history"]] == ["issue"]
    assert "name_masked" not in detail  # the display role sees no personal fields


def test_lookup_by_number_gives_the_public_view(api):
    t = api("kiosk").post("/tickets", {"category_code": "B", "id_card": {"number": PERSON_1, "name": "张三"}}).json()
    found = api("kiosk").get("/tickets/lookup", params={"number": "b001"})
    assert found.status_code == 200 and found.json()["id"] == t["id"] and found.json()["ahead"] == 0
    assert "name_masked" not in found.json()
    assert api("kiosk").get("/tickets/lookup", params={"number": "B999"}).status_code == 404
