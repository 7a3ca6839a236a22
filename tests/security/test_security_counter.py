"""A counter acts only on its own window (API.md "counter (own window)", DESIGN.md):
a device token for w01, or a clerk logged in at w01, is refused on w02 for every
window action, for requeueing w02's no-show and for relaying w02's rating — and the
refusal changes nothing."""
from __future__ import annotations

import pytest

WINDOW_ACTIONS = ["call-next", "recall", "skip", "start", "finish", "suspend", "unsuspend", "pause", "resume",
                  "open", "close"]


def serve_at_w02(secured, finish: bool = True) -> str:
    """A ticket of category Z called (and served) at w02 (which serves Z)."""
    kiosk, w02 = secured.tokens["kiosk"], secured.tokens["counter2"]
    assert secured.call("POST", "/api/v1/tickets", kiosk, json={"category_code": "Z"}).status_code == 201
    called = secured.call("POST", "/api/v1/windows/w02/call-next", w02, json={}).json()["id"]
    if finish:
        for step in ("start", "finish"):
            assert secured.call("POST", f"/api/v1/windows/w02/{step}", w02, json={}).status_code == 200
    return called


def snapshot(secured) -> tuple:
    return (secured.hall.store.all("SELECT * FROM windows ORDER BY id"),
            secured.hall.store.all("SELECT id, state, window_id FROM tickets ORDER BY id"))


@pytest.mark.parametrize("as_", ["device", "login"])
def test_a_counter_is_refused_on_another_window(secured, as_):
    token = secured.tokens["counter"] if as_ == "device" else secured.login("clerk").json()["token"]
    serve_at_w02(secured, finish=False)          # w02 holds a called ticket: every action would apply
    before = snapshot(secured)
    for action in WINDOW_ACTIONS + ["call", "transfer"]:
        body = {"ticket_id": "x"} if action == "call" else {"to_category": "A"} if action == "transfer" else {}
        r = secured.call("POST", f"/api/v1/windows/w02/{action}", token, json=body)
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden", action
        assert "own window" in r.json()["error"]["message_en"]
    assert snapshot(secured) == before
    # and it is not the token that is wrong: the same action on its own window goes through
    assert secured.call("POST", "/api/v1/windows/w01/pause", token, json={"reason": "测试"}).status_code == 200


def test_a_counter_cannot_requeue_or_rate_for_another_window(secured):
    w02, w01 = secured.tokens["counter2"], secured.tokens["counter"]
    no_show = serve_at_w02(secured, finish=False)
    assert secured.call("POST", "/api/v1/windows/w02/skip", w02, json={}).status_code == 200
    refused = secured.call("POST", f"/api/v1/tickets/{no_show}/requeue", w01, json={})
    assert refused.status_code == 403
    assert secured.call("POST", f"/api/v1/tickets/{no_show}/requeue", w02, json={}).status_code == 200
    finished = serve_at_w02(secured)
    rating = {"ticket_id": finished, "level": 5, "channel": "pad"}
    assert secured.call("POST", "/api/v1/evaluations", w01, json=rating).status_code == 403
    assert secured.call("POST", "/api/v1/evaluations", w02, json=rating).status_code == 201


def test_the_manager_may_act_on_any_window_where_api_md_says_so(secured):
    manager = secured.tokens["manager"]
    serve_at_w02(secured)
    for action in ("pause", "resume", "close", "open"):
        assert secured.call("POST", f"/api/v1/windows/w02/{action}", manager, json={}).status_code == 200, action
    for action in ("recall", "skip", "start", "finish", "transfer"):   # the clerk's own acts
        assert secured.call("POST", f"/api/v1/windows/w02/{action}", manager, json={}).status_code == 403, action
