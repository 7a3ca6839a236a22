"""HallClient against a small local HTTP server: idempotent retries, typed errors, no leaks."""
import json
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kiosk.core.identity import IdCard
from kiosk.hall_client import HallApiError, HallClient, HallUnreachable, new_request_id

CARD = IdCard("11010519491231002X", "张三丰")


class FakeHall(ThreadingHTTPServer):
    """Implements just enough of API.md: tickets with request_id idempotency, scripted trouble."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.script: list[str] = []        # what the next POSTs do: "drop", "503", "409", "401text"
        self.seen: list[dict] = []
        self.tickets: dict[str, dict] = {}
        self.lock = threading.Lock()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def issue(self, body: dict) -> dict:
        with self.lock:
            key = body["request_id"]
            if key not in self.tickets:
                self.tickets[key] = {"id": f"t{len(self.tickets) + 1}", "number": f"A{len(self.tickets) + 1:03d}",
                                     "category": "A", "status_token": "tok", "state": "waiting"}
            return self.tickets[key]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.seen.append({"method": "GET", "path": self.path, "auth": self.headers.get("Authorization")})
        self._json(200, {"number": "A001", "state": "waiting"})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        self.server.seen.append({"method": "POST", "path": self.path, "body": body,
                                 "auth": self.headers.get("Authorization")})
        trouble = self.server.script.pop(0) if self.server.script else ""
        if trouble == "503":
            return self._json(503, {"detail": "starting"})
        if trouble == "409":
            return self._json(409, {"error": {"code": "quota_exhausted", "message": "今日号已取完",
                                              "message_en": "Quota exhausted", "category": "A",
                                              "details": {"quota": 300}}})
        if trouble == "401text":
            return self._raw(401, b"nope", "text/plain")
        if self.path == "/api/v1/auth/login":
            return self._json(200, {"token": "person-token", "role": "counter", "expires_at": "x"})
        result = self.server.issue(body) if self.path == "/api/v1/tickets" else {"ok": True}
        if trouble == "drop":          # committed, but the answer never arrives
            self.close_connection = True
            return
        self._json(201, result)

    def _json(self, status, body):
        self._raw(status, json.dumps(body, ensure_ascii=False).encode(), "application/json")

    def _raw(self, status, data, kind):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def hall():
    server = FakeHall()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def client_for(url, sleeps=None, **options):
    sleeps = [] if sleeps is None else sleeps
    return HallClient(url, "kiosk-token", timeout=2, sleep=sleeps.append, **options)


def ticket_posts(hall):
    return [s for s in hall.seen if s["path"] == "/api/v1/tickets"]


def test_dropped_reply_is_retried_with_the_same_request_id_and_one_ticket_results(hall, caplog):
    caplog.set_level(logging.DEBUG)
    hall.script = ["drop"]
    sleeps = []
    request_id = new_request_id()
    ticket = client_for(hall.url, sleeps).issue_ticket(service_code="SB001", id_card=CARD, request_id=request_id)
    assert ticket["number"] == "A001" and len(hall.tickets) == 1
    posts = ticket_posts(hall)
    assert [p["body"]["request_id"] for p in posts] == [request_id, request_id]
    assert posts[0]["body"]["id_card"] == {"number": CARD.number, "name": CARD.name}
    assert posts[0]["auth"] == "Bearer kiosk-token" and sleeps == [0.25]
    assert CARD.number not in caplog.text and CARD.name not in caplog.text and request_id in caplog.text


def test_503_twice_then_success_backs_off_and_reuses_the_request_id(hall):
    hall.script = ["503", "503"]
    sleeps = []
    ticket = client_for(hall.url, sleeps).issue_ticket(category_code="A", request_id="r-1")
    assert ticket["id"] == "t1" and sleeps == [0.25, 0.5]
    assert [p["body"]["request_id"] for p in ticket_posts(hall)] == ["r-1"] * 3
    assert ticket_posts(hall)[0]["body"] == {"category_code": "A", "priority": "normal",
                                             "channel": "kiosk", "request_id": "r-1"}


def test_a_new_intent_gets_a_new_ticket(hall):
    client = client_for(hall.url)
    first = client.issue_ticket(service_code="SB001", request_id=new_request_id())
    again = client.issue_ticket(service_code="SB001", request_id=new_request_id())
    assert first["number"] != again["number"] and len(hall.tickets) == 2


def test_error_body_becomes_a_typed_error_without_retry_or_personal_data(hall):
    hall.script = ["409"]
    with pytest.raises(HallApiError) as caught:
        client_for(hall.url).issue_ticket(service_code="SB001", id_card=CARD, request_id="r-2")
    error = caught.value
    assert (error.code, error.message, error.message_en, error.status) == (
        "quota_exhausted", "今日号已取完", "Quota exhausted", 409)
    assert error.data == {"category": "A", "quota": 300} and len(ticket_posts(hall)) == 1
    assert CARD.number not in str(error) and CARD.name not in repr(error)


def test_error_without_our_body_is_typed_by_status(hall):
    hall.script = ["401text"]
    with pytest.raises(HallApiError) as caught:
        client_for(hall.url).call_next("w1")
    assert (caught.value.code, caught.value.status) == ("unauthenticated", 401)
    assert caught.value.message and caught.value.message_en


def test_503_until_retries_run_out_is_unreachable(hall):
    hall.script = ["503"] * 3
    with pytest.raises(HallUnreachable) as caught:
        client_for(hall.url, retries=2).issue_ticket(service_code="SB001", request_id="r-3")
    assert caught.value.status == 503 and caught.value.message == "服务器暂时无法连接"


def test_nothing_listening_is_unreachable_after_the_retries(caplog):
    caplog.set_level(logging.DEBUG)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps = []
    with pytest.raises(HallUnreachable) as caught:
        client_for(f"http://127.0.0.1:{port}", sleeps, retries=3).check_in("APT1", id_card=CARD, request_id="r-4")
    assert sleeps == [0.25, 0.5, 1.0] and caught.value.message_en.startswith("The hall server")
    assert CARD.number not in caplog.text and CARD.name not in caplog.text
    assert CARD.number not in str(caught.value)


def test_backoff_is_capped():
    client = HallClient("http://x", backoff_s=1, backoff_max_s=3)
    assert [client._delay(n) for n in range(4)] == [1, 2, 3, 3]


def test_kiosk_and_counter_calls_use_the_api_paths(hall):
    client = client_for(hall.url)
    client.check_in("A B/1", request_id="c1")
    client.lookup_appointments(CARD)
    client.evaluate("t1", 2, reasons=["其他"], request_id="c3")
    client.heartbeat("kiosk-1", {"printer": {"ok": True, "paper": "ok"}}, request_id="c4")
    client.call_next("w1", request_id="c5")
    client.call_ticket("w1", "t7")
    client.transfer("w1", to_category="C")
    client.pause("w1", reason="午休")
    client.requeue("t7")
    client.ticket_status("a/b")
    paths = [(s["method"], s["path"]) for s in hall.seen]
    assert paths == [
        ("POST", "/api/v1/appointments/A%20B%2F1/check-in"), ("POST", "/api/v1/appointments/lookup"),
        ("POST", "/api/v1/evaluations"), ("POST", "/api/v1/devices/heartbeat"),
        ("POST", "/api/v1/windows/w1/call-next"), ("POST", "/api/v1/windows/w1/call"),
        ("POST", "/api/v1/windows/w1/transfer"), ("POST", "/api/v1/windows/w1/pause"),
        ("POST", "/api/v1/tickets/t7/requeue"), ("GET", "/api/v1/ticket-status/a%2Fb")]
    bodies = [s.get("body") for s in hall.seen]
    assert bodies[1] == {"id_card": {"number": CARD.number, "name": CARD.name}}
    assert bodies[2] == {"ticket_id": "t1", "level": 2, "reasons": ["其他"], "channel": "kiosk", "request_id": "c3"}
    assert bodies[5]["ticket_id"] == "t7" and bodies[6]["to_category"] == "C" and bodies[7]["reason"] == "午休"
    assert all(len(b["request_id"]) <= 64 for b in bodies[2:-1]) and bodies[0]["request_id"] == "c1"


def test_login_switches_the_client_to_the_person_token(hall):
    client = client_for(hall.url)
    assert client.login("clerk1", "pw")["role"] == "counter"
    client.queue()
    assert hall.seen[-1]["auth"] == "Bearer person-token"
