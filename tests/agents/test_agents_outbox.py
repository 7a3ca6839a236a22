"""The upstream sender against a local fake provincial platform (http.server on
127.0.0.1 in a thread) that fails, times out, refuses connections for a simulated
day and recovers: every evaluation delivered, none stored twice; a sender killed
mid-round and a new one on the same database lose nothing."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from hall_server.agents.outbox import OutboxAgent, judge
from hall_server.config.evaluation_upstream import UpstreamSettings
from hall_server.engine import outbox
from hall_server.store import Store

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("hall_fixtures_for_outbox", ROOT / "tests" / "hall_server" / "conftest.py")
hall_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hall_fixtures)
clock, hall, app, api = hall_fixtures.clock, hall_fixtures.hall, hall_fixtures.app, hall_fixtures.api
hall_file = hall_fixtures.hall_file
CST = timezone(timedelta(hours=8))


class FakeUpstream:
    """A provincial 好差评 endpoint: stores each 办件编号#评价次数 once and answers
    ``{"code": "DUPLICATE"}`` for a key it already has. ``plan`` holds behaviours for
    the next requests (then ``mode``): ok, fail (500), timeout (answers late, after
    storing), reject (a business refusal)."""

    def __init__(self, port: int = 0, late_seconds: float = 0.6):
        self.mode, self.plan, self.late_seconds = "ok", [], late_seconds
        self.received: list[str] = []
        self.stored: dict[str, dict] = {}
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status, answer = fake.handle(body)
                try:
                    self._answer(status, answer)
                except OSError:
                    pass  # the client gave up (timeout)

            def _answer(self, status, answer):
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hcp/evaluate"

    def handle(self, body: dict):
        key = f"{body['processNumber']}#{body['assessNumber']}"
        with self.lock:
            self.received.append(key)
            behaviour = self.plan.pop(0) if self.plan else self.mode
        if behaviour == "fail":
            return 500, {"code": "500", "msg": "服务暂不可用"}
        if behaviour == "reject":
            return 200, {"code": "E1001", "msg": "缺少必填字段"}
        if behaviour == "timeout":
            time.sleep(self.late_seconds)
        with self.lock:
            if key in self.stored:
                return 200, {"code": "DUPLICATE", "msg": "该办件已评价"}
            self.stored[key] = body
        return 200, {"code": "0", "msg": "成功"}

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def upstream():
    fake = FakeUpstream()
    yield fake
    fake.stop()


def settings_for(fake: FakeUpstream, **overrides) -> UpstreamSettings:
    values = dict(enabled=True, url=fake.url, timeout_seconds=0.25, lease_seconds=5.0, initial_backoff_seconds=10.0,
                  max_backoff_seconds=1800.0, backoff_jitter=0.0, duplicate_values=["DUPLICATE"], batch_size=20)
    return UpstreamSettings(**{**values, **overrides})


def rated(api, n: int, level: int = 4) -> list[str]:
    """Serve and rate ``n`` tickets at window 1; their upstream keys."""
    keys = []
    for _ in range(n):
        ticket = api("kiosk").post("/tickets", {"category_code": "A"}).json()
        counter = api("counter")
        for action in ("call-next", "start", "finish"):
            assert counter.post(f"/windows/w1/{action}").status_code == 200
        body = {"ticket_id": ticket["id"], "level": level, "channel": "pad", "reasons": ["效率太低"] if level < 3 else []}
        r = counter.post("/evaluations", body)
        assert r.status_code == 201
        keys.append(f"{r.json()['project_no']}#{r.json()['evaluation_count']}")
    return keys


def rows(store):
    return {r["dedupe_key"]: r for r in store.all("SELECT * FROM outbox")}


def wait_for(predicate, timeout=5.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_fails_times_out_recovers_every_record_stored_once(api, hall, clock, upstream):
    keys = rated(api, 4)
    agent = OutboxAgent(hall.store, clock, settings_for(upstream))
    upstream.mode = "fail"
    assert agent.run_once() == {"claimed": 4, "sent": 0, "failed": 4}
    assert upstream.stored == {} and all(r["attempts"] == 1 and r["last_status"] == 500 for r in rows(hall.store).values())
    clock.advance(seconds=9)
    assert agent.run_once()["claimed"] == 0                     # backing off: 10 s after the first failure
    clock.advance(seconds=2)
    upstream.plan = ["timeout", "timeout"]                      # two answer too late (but are stored), two fail
    assert agent.run_once() == {"claimed": 4, "sent": 0, "failed": 4}
    assert wait_for(lambda: len(upstream.stored) == 2)
    assert {r["last_error"][:7] for r in rows(hall.store).values()} == {"timeout", "HTTP 50"}
    clock.advance(seconds=19)
    assert agent.run_once()["claimed"] == 0                     # second delay is 20 s
    clock.advance(seconds=2)
    upstream.mode = "ok"
    assert agent.run_once() == {"claimed": 4, "sent": 4, "failed": 0}
    late = rated(api, 2)
    assert agent.run_once() == {"claimed": 2, "sent": 2, "failed": 0}
    assert agent.run_once()["claimed"] == 0
    received = Counter(upstream.received)
    assert set(upstream.stored) == set(keys + late)             # every evaluation delivered …
    assert all(received[k] == 1 for k in late)                  # … a healthy upstream sees each once
    final = rows(hall.store)
    assert all(r["state"] == "sent" and r["lease_owner"] is None for r in final.values())
    assert sum(r["duplicate"] for r in final.values()) == 2     # the two late answers, acknowledged as duplicates
    assert len(upstream.received) == 4 + 4 + 4 + 2              # nothing is sent after its acknowledgement


def test_a_business_refusal_is_retried_and_the_payload_follows_the_mapping(api, hall, clock, upstream):
    [key] = rated(api, 1, level=1)
    agent = OutboxAgent(hall.store, clock, settings_for(upstream))
    upstream.mode = "reject"
    assert agent.run_once()["failed"] == 1
    assert "E1001" in rows(hall.store)[key]["last_error"]
    upstream.mode = "ok"
    clock.advance(seconds=11)
    assert agent.run_once()["sent"] == 1
    body = upstream.stored[key]
    assert body["satisfaction"] == "1" and body["pf"] == "4" and body["assessNumber"] == 1
    assert body["assessTime"] == "2026-11-23 09:30:00" and body["anonymityFlag"] == "1"


def test_a_sender_killed_mid_round_and_a_new_one_on_the_same_database_lose_nothing(api, hall, clock, upstream):
    keys = rated(api, 5)

    class Crash(BaseException):
        """The process dies: nothing after this line runs."""

    class DyingSession(requests.Session):
        calls = 0

        def post(self, *args, **kwargs):
            DyingSession.calls += 1
            response = super().post(*args, **kwargs)
            if DyingSession.calls == 3:
                raise Crash()      # the upstream has the third record; we never learnt it
            return response

    first = OutboxAgent(hall.store, clock, settings_for(upstream), session=DyingSession())
    with pytest.raises(Crash):
        first.run_once()
    assert len(upstream.stored) == 3
    restarted = Store(hall.store.path)                            # a new process on the same file
    second = OutboxAgent(restarted, clock, settings_for(upstream))
    assert second.run_once()["claimed"] == 0                      # the dead sender's lease still holds
    clock.advance(seconds=6)
    assert second.run_once() == {"claimed": 3, "sent": 3, "failed": 0}
    third_row = rows(restarted)[keys[2]]
    assert not outbox.settle(restarted, clock.now(), third_row["id"], first.owner, delivered=False)
    assert set(upstream.stored) == set(keys)
    assert Counter(upstream.received) == Counter(keys) + Counter([keys[2]])
    assert third_row["duplicate"] == 1 and all(r["state"] == "sent" for r in rows(restarted).values())
    restarted.close()


def test_two_senders_never_hold_the_same_row(api, hall, clock):
    rated(api, 3)
    a = outbox.claim(hall.store, clock.now(), "province", "a", 60, 2)
    b = outbox.claim(hall.store, clock.now(), "province", "b", 60, 10)
    assert len(a) == 2 and len(b) == 1 and {r["id"] for r in a}.isdisjoint(r["id"] for r in b)
    assert outbox.claim(hall.store, clock.now(), "province", "c", 60, 10) == []


def test_upstream_down_for_a_simulated_day_then_everything_arrives_once(api, hall, clock, upstream):
    keys = rated(api, 3)
    port = upstream.server.server_address[1]
    upstream.stop()                                               # connection refused from now on
    agent = OutboxAgent(hall.store, clock, settings_for(upstream))
    for _ in range(24 * 12):
        agent.run_once()
        clock.advance(minutes=5)
    queued = rows(hall.store)
    attempts = {r["attempts"] for r in queued.values()}
    assert all(r["state"] == "queued" and "ConnectionError" in r["last_error"] for r in queued.values())
    assert len(attempts) == 1 and 45 <= attempts.pop() <= 60      # backoff capped at 30 min: not 288 tries
    one = next(iter(queued.values()))
    gap = datetime.fromisoformat(one["next_attempt_at"]) - datetime.fromisoformat(one["last_attempt_at"])
    assert gap == timedelta(seconds=1800)
    report = api("manager").get("/outbox/report", params={"date": "2026-11-23"}).json()
    assert report["counts"]["failed"] == 3 and report["counts"]["sent"] == 0
    back = FakeUpstream(port=port)
    try:
        clock.advance(minutes=30)
        assert agent.run_once() == {"claimed": 3, "sent": 3, "failed": 0}
        assert set(back.stored) == set(keys) and Counter(back.received) == Counter(keys)
    finally:
        back.stop()


def test_reconciliation_report_csv_status_and_retry(api, hall, clock, upstream):
    keys = rated(api, 3)
    agent = OutboxAgent(hall.store, clock, settings_for(upstream))
    upstream.plan = ["ok", "fail", "ok"]
    agent.run_once()
    rated(api, 1)
    manager = api("manager")
    report = manager.get("/outbox/report", params={"date": "2026-11-23"}).json()
    assert report["counts"] | {"oldest_unsent": None} == {"total": 4, "sent": 2, "queued": 1, "failed": 1,
                                                           "duplicate_acks": 0, "oldest_unsent": None}
    assert [r["status"] for r in report["records"]] == ["sent", "failed", "sent", "queued"]
    assert report["records"][1]["dedupe_key"] == keys[1] and report["records"][1]["last_status"] == 500
    csv_text = manager.get("/outbox/report", params={"date": "2026-11-23", "format": "csv"})
    assert csv_text.headers["content-type"].startswith("text/csv")
    lines = csv_text.text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("outbox_id,dedupe_key,project_no") and len(lines) == 5 and keys[1] in lines[2]
    failed_id = report["records"][1]["outbox_id"]
    assert manager.post(f"/outbox/{failed_id}/retry", {}).status_code == 200
    assert agent.run_once()["sent"] == 2                           # the retried one and the new one
    status = manager.get("/outbox/status").json()
    assert status["counts"]["sent"] == 4 and status["enabled"] is False
    assert manager.get("/outbox/report", params={"date": "2026-11-24"}).json()["counts"]["total"] == 0
    for role in ("counter", "kiosk"):
        assert api(role).get("/outbox/report").status_code == 403
    assert manager.post("/outbox/99999/retry", {}).status_code == 404
    assert manager.get("/outbox/report", params={"date": "yesterday"}).status_code == 422


def test_the_thread_wakes_on_a_new_evaluation(api, hall, clock, upstream):
    agent = OutboxAgent(hall.store, clock, settings_for(upstream, poll_seconds=60.0))
    assert agent.start()
    try:
        [key] = rated(api, 1)
        assert wait_for(lambda: key in upstream.stored, timeout=5.0)   # long before the 60 s poll
    finally:
        agent.stop()
    assert not agent._thread.is_alive()
    assert not OutboxAgent(hall.store, clock, UpstreamSettings()).start()   # disabled: no thread


def test_judging_replies():
    s = UpstreamSettings(ack_field="result.code", ack_values=["0"], duplicate_values=["9"])
    assert judge(200, {"result": {"code": 0}}, s).delivered
    assert judge(200, {"result": {"code": "9"}}, s).duplicate
    assert not judge(200, {"result": {"code": "5"}}, s).delivered
    assert not judge(200, "not json", s).delivered
    assert not judge(503, {"result": {"code": "0"}}, s).delivered
    assert judge(204, "", UpstreamSettings(ack_field="")).delivered


def test_the_standalone_sender_delivers_from_the_database(api, hall, clock, upstream, tmp_path):
    clock.set(datetime.now(CST).replace(microsecond=0) - timedelta(minutes=5))   # the subprocess runs on real time
    keys = rated(api, 2)
    hall_file = tmp_path / "hall.toml"
    text = hall_file.read_text(encoding="utf-8")
    hall_file.write_text(text + f'\n[evaluation_loop.upstream]\nenabled = true\nurl = "{upstream.url}"\n'
                         'duplicate_values = ["DUPLICATE"]\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "hall_server.agents.outbox", "--config", str(hall_file),
                           "--data-dir", str(tmp_path / "data"), "--once"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "'sent': 2" in done.stdout and set(upstream.stored) == set(keys)
