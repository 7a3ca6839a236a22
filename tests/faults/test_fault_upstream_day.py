"""The provincial 好差评 platform down for a whole simulated day (issue 8, domain.md HCP-60).

200 ratings are made through the API over the office day (one every 144 simulated seconds)
while a local fake platform (http.server on 127.0.0.1, the sender's real HTTP client)
answers every request with 503 until the next morning. The sender runs as the server's
thread would — a round every simulated minute, a full batch going on at once — on the
hall's injected clock, so the day takes seconds. Then the platform recovers.

Wanted: nothing delivered or lost during the outage; every retry spaced by the documented
backoff (``initial × 2^(n−1)``, capped, ± jitter) and never more often; after recovery
every record acknowledged exactly once (none twice), each with its own 办件编号 + 评价次数,
level and evaluation time; the day's reconciliation report agrees.
"""
from __future__ import annotations

import importlib.util
import json
import random
import socket
import threading
from collections import Counter
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from hall_server.agents.outbox import OutboxAgent
from hall_server.config.evaluation_upstream import UpstreamSettings

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("hall_fixtures_for_upstream_day", ROOT / "tests" / "hall_server" / "conftest.py")
hall_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hall_fixtures)
clock, hall, app, api = hall_fixtures.clock, hall_fixtures.hall, hall_fixtures.app, hall_fixtures.api
hall_file = hall_fixtures.hall_file

pytestmark = [pytest.mark.slow]
RATINGS = 200
SPACING = timedelta(seconds=144)         # 200 ratings over eight office hours
TICK = timedelta(minutes=1)              # a sender round every simulated minute
OUTAGE = timedelta(hours=24)
INITIAL, CAP, JITTER = 10.0, 1800.0, 0.2  # the shipped defaults of [evaluation_loop.upstream]


class Platform:
    """The provincial endpoint. ``down``: 503 with an HTML page (a gateway in front of a dead
    service). Up: stores each 办件编号#评价次数 once; a key it has answers ``DUPLICATE``.
    Every request is logged with the simulated time it arrived at."""

    def __init__(self, clock):
        self.down = True
        self.log: list[tuple[str, object, int]] = []     # (key, simulated time, status answered)
        self.stored: dict[str, dict] = {}
        self.lock = threading.Lock()
        platform = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"                 # keep-alive, as a real gateway

            def setup(self):
                super().setup()
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)   # no 40 ms Nagle stall

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status, kind, data = platform.answer(body, clock.now())
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hcp/evaluate"

    def answer(self, body: dict, at) -> tuple[int, str, bytes]:
        key = f"{body['processNumber']}#{body['assessNumber']}"
        with self.lock:
            if self.down:
                self.log.append((key, at, 503))
                return 503, "text/html", "<html><body>503 Service Temporarily Unavailable</body></html>".encode()
            code = "DUPLICATE" if key in self.stored else "0"
            self.stored.setdefault(key, body)
            self.log.append((key, at, 200))
        return 200, "application/json", json.dumps({"code": code, "msg": "成功"}).encode()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def platform(clock):
    fake = Platform(clock)
    yield fake
    fake.stop()


def rate_one(api, level: int) -> dict:
    """Issue, call, serve, finish and rate one ticket at window 1; the rating's answer."""
    ticket = api("kiosk").post("/tickets", {"category_code": "A"}).json()
    counter = api("counter")
    for action in ("call-next", "start", "finish"):
        assert counter.post(f"/windows/w1/{action}").status_code == 200
    body = {"ticket_id": ticket["id"], "level": level, "channel": "pad",
            "reasons": ["效率太低"] if level < 3 else []}
    reply = counter.post("/evaluations", body)
    assert reply.status_code == 201, reply.text
    return reply.json()


def sender_tick(agent: OutboxAgent) -> None:
    """What the server's sender thread does when it wakes: rounds until a batch is not full."""
    while agent.run_once()["claimed"] == agent.settings.batch_size:
        pass


def test_platform_down_for_a_day_then_every_rating_arrives_once_in_its_own_form(api, hall, clock, platform):
    settings = UpstreamSettings(enabled=True, url=platform.url, timeout_seconds=2.0, initial_backoff_seconds=INITIAL,
                                max_backoff_seconds=CAP, backoff_jitter=JITTER, duplicate_values=["DUPLICATE"])
    session = requests.Session()
    session.trust_env = False                                  # no proxy or netrc look-up per request
    agent = OutboxAgent(hall.store, clock, settings, session=session, rng=random.Random(8))
    start = clock.now()
    ratings, next_rating = [], start
    while clock.now() < start + OUTAGE:                       # the day, minute by minute
        while len(ratings) < RATINGS and next_rating <= clock.now():
            ratings.append(rate_one(api, level=1 + len(ratings) % 5))
            next_rating += SPACING
        sender_tick(agent)
        clock.advance(seconds=TICK.total_seconds())
    assert len(ratings) == RATINGS

    assert platform.stored == {}                              # nothing arrived, nothing was lost
    rows = hall.store.all("SELECT * FROM outbox")
    assert len(rows) == RATINGS and all(r["state"] == "queued" and r["attempts"] >= 1 for r in rows)
    assert all("HTTP 503" in r["last_error"] for r in rows)
    report = api("manager").get("/outbox/report", params={"date": start.date().isoformat()}).json()
    assert report["counts"]["failed"] == RATINGS and report["counts"]["sent"] == 0
    assert report["counts"]["oldest_unsent"] is not None
    _backoff_held(platform.log, rows)

    platform.down = False                                     # the next morning the platform is back
    recovered, before = clock.now(), len(platform.log)
    while hall.store.one("SELECT COUNT(*) AS n FROM outbox WHERE state != 'sent'")["n"]:
        assert clock.now() - recovered <= timedelta(seconds=CAP * (1 + JITTER)) + TICK   # one backoff at most
        sender_tick(agent)
        clock.advance(seconds=TICK.total_seconds())
    after = platform.log[before:]
    keys = {f"{r['project_no']}#{r['evaluation_count']}" for r in ratings}
    assert len(keys) == RATINGS
    assert Counter(key for key, _, _ in after) == Counter(keys)   # each sent once after recovery, none twice
    assert set(platform.stored) == keys and all(status == 200 for _, _, status in after)
    _records_intact(platform.stored, ratings, settings)
    rows = hall.store.all("SELECT * FROM outbox")
    assert all(r["state"] == "sent" and r["duplicate"] == 0 and r["lease_owner"] is None for r in rows)
    report = api("manager").get("/outbox/report", params={"date": start.date().isoformat()}).json()
    assert report["counts"] | {"oldest_unsent": None} == {"total": RATINGS, "queued": 0, "failed": 0,
                                                           "sent": RATINGS, "duplicate_acks": 0, "oldest_unsent": None}


def _backoff_held(log: list, rows: list[dict]) -> None:
    """Retries of each record: never sooner than its backoff, never later than the cap
    (plus the round's granularity), so about one try per half hour once capped."""
    tries: dict[str, list] = {}
    for key, at, _ in log:
        tries.setdefault(key, []).append(at)
    slack = TICK.total_seconds()
    for row in rows:
        times = tries[row["dedupe_key"]]
        assert len(times) == row["attempts"]
        for n, (earlier, later) in enumerate(zip(times, times[1:]), start=1):
            gap = (later - earlier).total_seconds()
            base = min(CAP, INITIAL * 2 ** (n - 1))
            assert base * (1 - JITTER) <= gap <= base * (1 + JITTER) + slack, (row["dedupe_key"], n, gap)
    first_ones = [row for row in rows if tries[row["dedupe_key"]][0] == min(t[0] for t in tries.values())]
    assert all(40 <= row["attempts"] <= 70 for row in first_ones)   # a day of tries, not 1,440


def _records_intact(stored: dict, ratings: list[dict], settings: UpstreamSettings) -> None:
    """Each record as rated: its keys, level code and the time it was made (not sent)."""
    levels = settings.codes["level_name"]
    for rating in ratings:
        body = stored[f"{rating['project_no']}#{rating['evaluation_count']}"]
        assert body["processNumber"] == rating["project_no"] and body["assessNumber"] == rating["evaluation_count"]
        assert body["satisfaction"] == levels[rating["level_name"]]
        assert body["assessTime"] == rating["at"][:19].replace("T", " ")
    made = [stored[f"{r['project_no']}#{r['evaluation_count']}"]["assessTime"] for r in ratings]
    assert made == sorted(made) and len(set(made)) == RATINGS    # the day's order survives in the records
