"""A refused change (403) is audited (domain.md SEC-04), also when it is refused
before it reaches ``mutate`` (by the route's roles or the own-window check): who,
their role, what (method and route), on what, when and ``refused:forbidden`` — once,
with nothing else changed, and without personal data. Refused reads and requests
without a valid token are not audited (they would flood the log and name nobody)."""
from __future__ import annotations

import json
from datetime import datetime

import pytest

ID_NUMBER = "11010519491231002X"


def audit_rows(secured) -> list[dict]:
    return secured.hall.store.all("SELECT * FROM audit ORDER BY id")


def state(secured) -> tuple:
    store = secured.hall.store
    return (store.all("SELECT * FROM windows ORDER BY id"), store.all("SELECT * FROM tickets ORDER BY id"),
            store.all("SELECT seq FROM events ORDER BY seq"), store.all("SELECT * FROM idempotency"))


@pytest.mark.parametrize("as_", ["device", "login"])
def test_a_counter_calling_at_another_window_leaves_one_refused_row_and_changes_nothing(secured, as_):
    token = secured.tokens["counter"] if as_ == "device" else secured.login("clerk").json()["token"]
    actor = "dev-counter" if as_ == "device" else "clerk"
    assert secured.call("POST", "/api/v1/tickets", secured.tokens["kiosk"], json={"category_code": "Z"}).status_code == 201
    before, rows_before = state(secured), audit_rows(secured)
    r = secured.call("POST", "/api/v1/windows/w02/call-next", token, json={"request_id": "try-w02"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert state(secured) == before                                # nothing called, no event, no replay stored
    rows = audit_rows(secured)
    assert rows[:len(rows_before)] == rows_before
    [row] = rows[len(rows_before):]
    assert row["actor"] == actor and row["role"] == "counter"
    assert row["action"] == "POST /api/v1/windows/{window_id}/call-next" and row["target"] == "w02"
    assert row["result"] == "refused:forbidden" and datetime.fromisoformat(row["at"]) == secured.clock.now()
    assert json.loads(row["detail"]) == {"window_id": "w01"}       # where the clerk actually sits
    # and the same call at its own window goes through, audited as usual
    assert secured.call("POST", "/api/v1/windows/w01/call-next", token, json={}).status_code in (200, 404)


def test_a_role_refused_by_the_route_is_audited_once_per_attempt(secured):
    display = secured.tokens["display"]
    rows_before = len(audit_rows(secured))
    for _ in range(2):
        r = secured.call("POST", "/api/v1/tickets", display, json={"category_code": "A"})
        assert r.status_code == 403
    new = audit_rows(secured)[rows_before:]
    assert [(r["actor"], r["role"], r["action"], r["target"], r["result"]) for r in new] == \
        [("dev-display", "display", "POST /api/v1/tickets", None, "refused:forbidden")] * 2
    assert secured.call("PUT", "/api/v1/windows/w01/categories", secured.tokens["counter"],
                        json={"categories": ["A"]}).status_code == 403
    assert audit_rows(secured)[-1]["action"] == "PUT /api/v1/windows/{window_id}/categories"


def test_refused_reads_and_requests_without_a_token_are_not_audited(secured):
    rows_before = audit_rows(secured)
    assert secured.call("GET", "/api/v1/stats", secured.tokens["display"]).status_code == 403
    assert secured.call("GET", "/api/v1/cases", secured.tokens["kiosk"]).status_code == 403
    assert secured.call("POST", "/api/v1/windows/w02/call-next", None, json={}).status_code == 401
    assert secured.call("POST", "/api/v1/windows/w02/call-next", "not-a-token", json={}).status_code == 401
    assert audit_rows(secured) == rows_before


def test_a_refusal_inside_mutate_is_audited_once_under_its_action(secured):
    """mutate audits its own refusals (with its action name): not a second row."""
    w02, w01, kiosk = secured.tokens["counter2"], secured.tokens["counter"], secured.tokens["kiosk"]
    assert secured.call("POST", "/api/v1/tickets", kiosk, json={"category_code": "Z"}).status_code == 201
    ticket = secured.call("POST", "/api/v1/windows/w02/call-next", w02, json={}).json()["id"]
    for step in ("start", "finish"):
        assert secured.call("POST", f"/api/v1/windows/w02/{step}", w02, json={}).status_code == 200
    rows_before = len(audit_rows(secured))
    r = secured.call("POST", "/api/v1/evaluations", w01, json={"ticket_id": ticket, "level": 5, "channel": "pad"})
    assert r.status_code == 403
    new = audit_rows(secured)[rows_before:]
    assert [(r["action"], r["target"], r["result"]) for r in new] == [("evaluation.record", ticket, "refused:forbidden")]


@pytest.mark.parametrize("value", [ID_NUMBER, "张三", "370102199001011234abcdefabcdef12"])
def test_personal_data_in_the_path_is_withheld_from_the_row(secured, value):
    display = secured.tokens["display"]
    r = secured.call("POST", f"/api/v1/appointments/{value}/check-in", display, json={})
    assert r.status_code == 403
    row = audit_rows(secured)[-1]
    assert row["action"] == "POST /api/v1/appointments/{code}/check-in" and row["target"] is None
    assert json.loads(row["detail"]) == {"target_withheld": True}
    dump = json.dumps(audit_rows(secured), ensure_ascii=False)
    assert value not in dump and "1101051949" not in dump and "张" not in dump


def test_a_server_id_in_the_path_is_kept(secured):
    ticket_like = "0123456789abcdef0123456789abcdef"
    assert secured.call("POST", f"/api/v1/tickets/{ticket_like}/cancel", secured.tokens["kiosk"],
                        json={}).status_code == 403
    row = audit_rows(secured)[-1]
    assert row["target"] == ticket_like and row["detail"] is None and row["role"] == "kiosk"
