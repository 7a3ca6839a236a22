"""A year of history does not slow the day (issue 8, load; found by bench/bench_busy_day.py).

The hot path — issue, call-next, start, finish, a rating, the queue snapshot, a ticket
lookup — and the minute-by-minute housekeeping must cost the same on a database
holding months of earlier days as on an empty one. Cost is counted, not timed: the
number of SQLite virtual-machine steps each operation takes on the store's
connection (``set_progress_handler``), which is deterministic. Before the fixes,
call-next scanned every ticket ever issued for its recent calls and the 未评 sweep
read every finished ticket of all time.
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient

from hall_server import auth, housekeeping
from hall_server.app import Settings, build_hall, create_app
from hall_server.clock import FakeClock

CST = timezone(timedelta(hours=8))
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=CST)
PER_DAY = 400                         # served tickets per earlier day, with their history rows and events
STEP = 50                             # VM instructions per progress callback


class Work:
    """Counts SQLite VM steps on a connection while an operation runs."""

    def __init__(self, conn):
        self.conn, self.steps = conn, 0

    def __call__(self, fn):
        self.steps = 0
        self.conn.set_progress_handler(self._tick, STEP)
        try:
            fn()
        finally:
            self.conn.set_progress_handler(None, STEP)
        return self.steps * STEP

    def _tick(self) -> int:
        self.steps += 1
        return 0


@pytest.fixture
def halls(tmp_path, runner):
    """Make halls on the example config at Monday 10:00, each with a kiosk, the
    counter of w01 and a display; closed at the end."""
    made = []

    def make(name: str, past_days: int):
        hall = build_hall(Settings(config_path=runner.EXAMPLE_HALL, data_dir=tmp_path / name, clock=FakeClock(MONDAY_10)))
        with hall.store.transaction(hall.now()) as tx:
            tokens = {"kiosk": auth.create_device_token(tx, "k", "kiosk"),
                      "counter": auth.create_device_token(tx, "c", "counter", "w01"),
                      "display": auth.create_device_token(tx, "d", "display")}
        add_history(hall, past_days)
        client = TestClient(create_app(hall=hall))
        client.__enter__()
        made.append((hall, client))
        return hall, client, tokens

    yield make
    for hall, client in made:
        client.__exit__(None, None, None)
        hall.store.close()


def operations(hall, client, tokens) -> dict[str, int]:
    """One round of the day's work, each operation's VM steps."""
    work = Work(hall.store.conn)
    auth_of = {role: {"Authorization": f"Bearer {token}"} for role, token in tokens.items()}

    def post(role, path, body=None):
        r = client.post("/api/v1" + path, json=body or {}, headers=auth_of[role])
        assert r.status_code < 300, r.text
        return r.json()

    cost, got = {}, {}
    cost["issue"] = work(lambda: got.update(ticket=post("kiosk", "/tickets", {"category_code": "Z"})))
    cost["call-next"] = work(lambda: post("counter", "/windows/w01/call-next"))
    cost["start"] = work(lambda: post("counter", "/windows/w01/start"))
    cost["finish"] = work(lambda: post("counter", "/windows/w01/finish"))
    cost["rating"] = work(lambda: post("counter", "/evaluations", {"ticket_id": got["ticket"]["id"], "level": 5,
                                                                   "channel": "pad"}))
    cost["queue"] = work(lambda: client.get("/api/v1/queue", headers=auth_of["display"]).raise_for_status())
    cost["ticket"] = work(lambda: client.get(f"/api/v1/tickets/{got['ticket']['id']}",
                                             headers=auth_of["display"]).raise_for_status())
    cost["housekeeping"] = work(lambda: housekeeping.run_once(hall))
    return cost


def add_history(hall, past_days: int) -> None:
    """``past_days`` earlier days of PER_DAY served tickets at w01/w02 (none rated),
    with their history rows and events, as a hall that has run for months holds; then
    the housekeeping catch-up (未评 marks within the sweep's lookback)."""
    seq_rows, ticket_rows, history_rows = [], [], []
    for d in range(past_days, 0, -1):
        day = (MONDAY_10 - timedelta(days=d)).date().isoformat()
        for n in range(1, PER_DAY + 1):
            tid, at = uuid.uuid4().hex, f"{day}T10:{n % 60:02d}:00+08:00"
            ticket_rows.append((tid, f"Z{n:03d}", n, "Z", day, "kiosk", "normal", "done", f"w0{1 + n % 2}", at, at, at,
                                at, at, uuid.uuid4().hex[:16], "Z"))
            history_rows += [(tid, at, action, None, state, f"w0{1 + n % 2}", "x")
                             for action, state in (("issue", "waiting"), ("call", "called"), ("finish", "done"))]
            seq_rows += [(kind, at, json.dumps({"id": tid, "number": f"Z{n:03d}", "state": state}))
                         for kind, state in (("ticket.issued", "waiting"), ("ticket.called", "called"),
                                             ("ticket.done", "done"))]
    with hall.store.transaction(hall.now()) as tx:
        tx.conn.executemany("INSERT INTO tickets (id, number, serial, category, day, channel, priority, state, "
                            "window_id, issued_at, queued_at, called_at, started_at, finished_at, status_token, "
                            "number_category) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ticket_rows)
        tx.conn.executemany("INSERT INTO ticket_history (ticket_id, at, action, from_state, to_state, window_id, actor) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)", history_rows)
        tx.conn.executemany("INSERT INTO events (type, at, data) VALUES (?, ?, ?)", seq_rows)
    housekeeping.run_once(hall)


def test_the_day_costs_the_same_after_months_of_history(halls):
    """Months of history against ten days of it: the same cost for every operation.
    (Against an empty database the 未评 sweep legitimately reads its 7-day lookback.)"""
    costs = {}
    for name, past_days in (("ten-days", 10), ("two-months", 60)):
        hall, client, tokens = halls(name, past_days)
        for _ in range(10):                          # a morning's calls come first
            operations(hall, client, tokens)
        costs[name] = operations(hall, client, tokens)
    short, long_ = costs["ten-days"], costs["two-months"]
    grown = {op: (short[op], long_[op]) for op in short if long_[op] > 1.2 * short[op] + 1000}
    assert not grown, f"VM steps (10 days of history, 60 days) of operations that grow with history: {grown}"


def test_the_unrated_sweep_marks_recent_tickets_and_leaves_older_ones(halls):
    from hall_server.engine.evaluations import SWEEP_LOOKBACK
    hall, client, tokens = halls("swept", 10)
    marked = hall.store.one("SELECT COUNT(*) AS n FROM evaluation_unrated")["n"]
    # the lookback ends 10:00 + unrated_after_minutes ago, SWEEP_LOOKBACK.days back: the 7th day is partly in
    assert PER_DAY * (SWEEP_LOOKBACK.days - 1) < marked <= PER_DAY * SWEEP_LOOKBACK.days
    headers = {"Authorization": f"Bearer {tokens['counter']}"}
    client.post("/api/v1/tickets", json={"category_code": "Z"}, headers={"Authorization": f"Bearer {tokens['kiosk']}"})
    for step in ("call-next", "start", "finish"):
        client.post(f"/api/v1/windows/w01/{step}", json={}, headers=headers).raise_for_status()
    hall.clock.advance(minutes=hall.config.evaluation_loop.record.unrated_after_minutes + 1)
    assert housekeeping.run_once(hall)["unrated_marked"] == 1      # today's unrated one: marked
