"""The counter console's routes: the login window list and AB岗 duty."""
from __future__ import annotations

from hall_server import auth


def login(api, hall, username: str, window_id: str = "w1", staff_no: str = "0101", name: str = "张*") -> str:
    with hall.store.transaction(hall.now()) as tx:
        auth.create_user(tx, username, "password-123", "counter", display_name=name, staff_no=staff_no,
                         window_id="w1")
    reply = api(None).post("/auth/login", {"username": username, "password": "password-123", "window_id": window_id})
    assert reply.status_code == 200, reply.text
    return reply.json()["token"]


def as_token(api, token):
    client = api(None)
    client.token = token
    return client


def test_login_windows_need_no_token_and_say_nothing_private(api):
    reply = api(None).get("/counter/windows")
    assert reply.status_code == 200
    windows = reply.json()["windows"]
    assert [w["id"] for w in windows] == ["w1", "w2", "w3"]
    assert set(windows[0]) == {"id", "number", "name", "zone"}


def test_a_clerk_takes_duty_and_calls_are_recorded_against_them(api, hall):
    a = as_token(api, login(api, hall, "clerk.a", staff_no="0101", name="张*"))
    duty = a.get("/counter/duty").json()
    assert duty["me"] == {"username": "clerk.a", "display_name": "张*", "staff_no": "0101"}
    assert duty["on_duty"] is None and duty["window"]["id"] == "w1"
    taken = a.post("/counter/duty", {"request_id": "duty-1"})
    assert taken.status_code == 200 and taken.json()["on_duty"]["username"] == "clerk.a"
    assert a.post("/counter/duty", {"request_id": "duty-1"}).headers.get("Idempotent-Replay") == "true"
    assert hall.store.one("SELECT clerk FROM windows WHERE id = 'w1'")["clerk"] == "clerk.a"
    events = hall.store.all("SELECT data FROM events WHERE type = 'window.clerk'")
    assert events and "clerk.a" in events[-1]["data"]

    # AB岗: B logs in at the same window and takes over; the next call is B's
    b = as_token(api, login(api, hall, "clerk.b", staff_no="0102", name="李*"))
    assert b.post("/counter/duty").json()["on_duty"] == {"username": "clerk.b", "display_name": "李*",
                                                         "staff_no": "0102"}
    api("kiosk").post("/tickets", {"category_code": "A", "request_id": "t-1"})
    called = b.post("/windows/w1/call-next", {"request_id": "c-1"})
    assert called.status_code == 200
    assert hall.store.one("SELECT clerk FROM tickets WHERE id = ?", (called.json()["id"],))["clerk"] == "clerk.b"


def test_device_tokens_and_other_roles_cannot_take_duty(api, hall):
    assert api("counter").post("/counter/duty").status_code == 403
    assert api("counter").get("/counter/duty").json()["me"] is None
    assert api("manager").get("/counter/duty").status_code == 403
    assert api(None).get("/counter/duty").status_code == 401


def test_a_clerk_at_another_window_takes_that_window(api, hall):
    c = as_token(api, login(api, hall, "clerk.c", window_id="w2"))
    assert c.post("/counter/duty").json()["window"]["id"] == "w2"
    assert hall.store.one("SELECT clerk FROM windows WHERE id = 'w2'")["clerk"] == "clerk.c"
    assert hall.store.one("SELECT clerk FROM windows WHERE id = 'w1'")["clerk"] is None
