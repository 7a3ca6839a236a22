"""A window's day over the API: calls, recalls, no-shows, transfers, pauses."""
from __future__ import annotations


def issue(api, category="A", **extra):
    r = api("kiosk").post("/tickets", {"category_code": category, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def test_call_next_follows_the_window_category_order_then_waiting_time(api, clock):
    a1 = issue(api, "A")
    clock.advance(minutes=1)
    a2 = issue(api, "A")
    counter3 = api("counter3")  # window 3 serves C first, then A
    clock.advance(minutes=1)
    c1 = issue(api, "C")
    first = counter3.post("/windows/w3/call-next").json()
    assert first["number"] == c1["number"] == "C001"
    counter3.post("/windows/w3/start")
    counter3.post("/windows/w3/finish")
    second = counter3.post("/windows/w3/call-next").json()
    assert second["number"] == a1["number"] and second["state"] == "called"
    assert a2["number"] == "A002"


def test_green_channel_goes_first(api):
    issue(api, "A")
    green = issue(api, "A", priority="green")
    called = api("counter").post("/windows/w1/call-next").json()
    assert called["number"] == green["number"] and called["priority"] == "green"


def test_call_event_names_the_window(api, hall):
    issue(api, "A")
    api("counter").post("/windows/w1/call-next")
    called = [e for e in hall.store.events_since(0) if e["type"] == "ticket.called"][0]["data"]
    assert {k: called[k] for k in ("number", "window_number", "window_name", "category", "recall_count")} == {
        "number": "A001", "window_number": 1, "window_name": "1号窗口 综合受理", "category": "A", "recall_count": 0}


def test_recall_counts_and_stops_at_the_limit(api):
    issue(api, "A")
    counter = api("counter")
    counter.post("/windows/w1/call-next")
    counts = [counter.post("/windows/w1/recall").json().get("recall_count") for _ in range(3)]
    assert counts == [1, 2, 3]
    refused = counter.post("/windows/w1/recall")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "bad_state"


def test_no_show_then_requeue_keeps_the_number(api, clock):
    t = issue(api, "A")
    for _ in range(4):
        clock.advance(minutes=1)
        issue(api, "A")
    counter = api("counter")
    counter.post("/windows/w1/call-next")
    skipped = counter.post("/windows/w1/skip").json()
    assert skipped["state"] == "no_show"
    back = counter.post(f"/tickets/{t['id']}/requeue").json()
    assert back["state"] == "waiting" and back["number"] == "A001"
    order = [counter.post("/windows/w1/call-next").json()["number"] for _ in range(1)]
    assert order == ["A002"]
    # requeue_offset = 3: A001 comes after three of the tickets that were waiting
    numbers = []
    for _ in range(4):
        counter.post("/windows/w1/skip")
        numbers.append(counter.post("/windows/w1/call-next").json()["number"])
    assert numbers == ["A003", "A004", "A001", "A005"]


def test_calling_while_a_ticket_is_open_is_refused(api):
    issue(api, "A")
    issue(api, "A")
    counter = api("counter")
    counter.post("/windows/w1/call-next")
    again = counter.post("/windows/w1/call-next")
    assert again.status_code == 409 and "A001" in again.json()["error"]["message"]


def test_nobody_waiting(api):
    r = api("counter").post("/windows/w1/call-next")
    assert r.status_code == 404 and r.json()["error"]["code"] == "no_ticket"


def test_transfer_to_window_keeps_number_and_goes_first_there(api, clock, make_id):
    moved = issue(api, "A")
    counter = api("counter")
    counter.post("/windows/w1/call-next")
    counter.post("/windows/w1/start")
    clock.advance(minutes=5)
    issue(api, "B", id_card={"number": make_id("11010119900307123"), "name": "李四"})
    result = counter.post("/windows/w1/transfer", {"to_window": "w2"})
    assert result.status_code == 200, result.text
    assert result.json()["number"] == "A001" and result.json()["state"] == "waiting"
    got = api("counter2").post("/windows/w2/call-next").json()
    assert got["number"] == "A001" and got["issued_at"] == moved["issued_at"]


def test_transfer_to_category(api):
    issue(api, "A")
    counter = api("counter")
    counter.post("/windows/w1/call-next")
    r = counter.post("/windows/w1/transfer", {"to_category": "C"}).json()
    assert r["category"] == "C" and r["number"] == "A001"
    assert api("counter3").post("/windows/w3/call-next").json()["number"] == "A001"


def test_pause_blocks_calls_until_resumed(api, hall):
    issue(api, "A")
    counter = api("counter")
    paused = counter.post("/windows/w1/pause", {"reason": "午休"}).json()
    assert paused["state"] == "paused" and paused["pause_reason"] == "午休"
    refused = counter.post("/windows/w1/call-next")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "window_paused"
    assert counter.post("/windows/w1/resume").json()["state"] == "open"
    assert counter.post("/windows/w1/call-next").status_code == 200
    assert hall.store.one("SELECT COUNT(*) AS n FROM window_pauses WHERE ended_at IS NOT NULL")["n"] == 1


def test_closed_window(api):
    api("manager").post("/windows/w1/close")
    r = api("counter").post("/windows/w1/call-next")
    assert r.json()["error"]["code"] == "window_closed"


def test_a_clerk_acts_only_on_their_own_window(api, make_id):
    issue(api, "B", id_card={"number": make_id("11010119900307123"), "name": "李四"})
    r = api("counter").post("/windows/w2/call-next")
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"


def test_manager_reassigns_categories_effective_next_call(api):
    issue(api, "A")
    c = issue(api, "C")
    manager = api("manager")
    r = manager.put("/windows/w1/categories", {"categories": ["C"]})
    assert r.status_code == 200 and r.json()["categories"] == ["C"]
    assert api("counter").post("/windows/w1/call-next").json()["number"] == c["number"]
    bad = manager.put("/windows/w1/categories", {"categories": ["Q"]})
    assert bad.status_code == 422


def test_suspend_excludes_time_from_service(api, clock, hall):
    issue(api, "A")
    counter = api("counter")
    counter.post("/windows/w1/call-next")
    counter.post("/windows/w1/start")
    clock.advance(minutes=2)
    counter.post("/windows/w1/suspend")
    clock.advance(minutes=10)
    counter.post("/windows/w1/unsuspend")
    clock.advance(minutes=3)
    done = counter.post("/windows/w1/finish").json()
    assert done["state"] == "done"
    row = hall.store.one("SELECT suspended_seconds FROM tickets")
    assert row["suspended_seconds"] == 600


def test_queue_snapshot(api):
    issue(api, "A")
    issue(api, "A")
    api("counter").post("/windows/w1/call-next")
    snap = api("display").get("/queue").json()
    a = next(c for c in snap["categories"] if c["code"] == "A")
    assert a["waiting"] == 1 and snap["seq"] >= 3
    w1 = next(w for w in snap["windows"] if w["id"] == "w1")
    assert w1["current_ticket"]["number"] == "A001"
    assert snap["recent_calls"][0]["number"] == "A001" and snap["recent_calls"][0]["window_number"] == 1


def test_end_of_day_expires_open_tickets(api, clock, hall):
    from hall_server import housekeeping
    issue(api, "A")
    clock.advance(days=1)
    assert housekeeping.run_once(hall)["expired"] == 1
    assert hall.store.one("SELECT state FROM tickets")["state"] == "expired"
    assert issue(api, "A")["number"] == "A001"  # a new numbering day


def test_waiting_counts_kept_by_triggers_match_the_tickets(api, hall, clock):
    counter = api("counter")
    for i in range(6):
        clock.advance(minutes=1)
        issue(api, "A", priority="green" if i % 3 == 0 else "normal")
    issue(api, "C")
    counter.post("/windows/w1/call-next")
    counter.post("/windows/w1/skip")
    counter.post("/windows/w1/call-next")
    counter.post("/windows/w1/transfer", {"to_category": "C"})
    counter.post("/windows/w1/call-next")
    counter.post("/windows/w1/start")
    counter.post("/windows/w1/finish")
    kept = {(r["category"], r["priority"]): r["n"] for r in hall.store.all("SELECT * FROM waiting_counts") if r["n"]}
    real = {(r["category"], r["priority"]): r["n"] for r in hall.store.all(
        "SELECT category, priority, COUNT(*) AS n FROM tickets WHERE state = 'waiting' GROUP BY 1, 2")}
    assert kept == real and sum(real.values()) == 5


def test_a_windows_waiting_list_includes_tickets_transferred_to_it(api, clock):
    issue(api, "A")
    clock.advance(minutes=1)
    issue(api, "C")
    counter = api("counter")
    counter.post("/windows/w1/call-next")
    counter.post("/windows/w1/transfer", {"to_window": "w2"})
    listed = api("counter2").get("/tickets", params={"window": "w2"}).json()["tickets"]
    assert [t["number"] for t in listed] == ["A001"] and listed[0]["target_window"] == "w2"
    for_w3 = [t["number"] for t in api("manager").get("/tickets", params={"window": "w3"}).json()["tickets"]]
    assert for_w3 == ["C001"]  # A001 is reserved for w2 now
