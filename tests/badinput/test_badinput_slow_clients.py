"""Clients too slow to send their request, against the real server process (uvicorn
with the hall's deadline protocol, ``hall_server/http_protocol.py``, as `serve` runs
it), with both ``[server]`` deadlines set to 2 s:

- a body that never completes (Content-Length 100, 10 bytes sent, then nothing) is
  answered 408 ``request_timeout`` with the error body within the deadline and the
  connection is closed; nothing is issued; other clients are served meanwhile;
- headers that never complete are answered 408 the same way; a connection that sends
  nothing is closed without a word;
- a body no route reads (the answer went out before it) is cut by the backstop;
- the event stream (GET) stays open past every deadline and keeps delivering.

Times are asserted with generous slack (the deadline is a floor, a loaded machine
may answer a few seconds late), not as benchmarks."""
from __future__ import annotations

import json
import socket
import threading
import time

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

DEADLINE = 2
SLACK = 4     # a loaded 2-core runner may be this late; a missing deadline never answers


@pytest.fixture(scope="module")
def served(tmp_path_factory, runner):
    root = tmp_path_factory.mktemp("slow")
    port = runner.free_port()
    config = runner.all_day_hall(root / "hall.toml", port)
    lines = [line for line in config.read_text(encoding="utf-8").splitlines()
             if not line.startswith(("header_timeout_seconds", "body_timeout_seconds"))]
    at = lines.index("[server]") + 1
    lines[at:at] = [f"header_timeout_seconds = {DEADLINE}", f"body_timeout_seconds = {DEADLINE}"]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tokens = runner.prepare_tokens(root / "data", {"kiosk": ("kiosk", None), "display": ("display", None)}, config)
    server = runner.HallRun(root / "data", port=port, config=config).start()
    server.tokens = tokens
    yield server
    server.kill()


def read_all(sock: socket.socket, limit: float) -> tuple[bytes, float]:
    """Everything until the server closes (or ``limit`` s), and when it closed."""
    sock.settimeout(limit)
    started, data = time.monotonic(), b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    return data, time.monotonic() - started


def post_head(server, path: str, length: int, token: str | None = None) -> bytes:
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    return (f"POST /api/v1{path} HTTP/1.1\r\nHost: hall\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length}\r\n{auth}\r\n").encode()


def error_of(answer: bytes) -> tuple[int, dict]:
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 "), answer[:200]
    error = json.loads(body)["error"]
    assert error["code"] and error["message_en"] and not error["message"].isascii()   # Chinese first
    assert b"connection: close" in head.lower()
    return int(head.split(b" ", 2)[1]), error


def issue(server) -> int:
    kiosk = server.token_session(server.tokens["kiosk"])
    ticket = kiosk.post(server.url("/tickets"), json={"category_code": "Z"}, timeout=5)
    assert ticket.status_code == 201, ticket.text
    return int(ticket.json()["number"][1:])


def test_a_body_that_never_completes_is_answered_408_and_closed_while_others_are_served(served):
    first = issue(served)
    stuck = [socket.create_connection(("127.0.0.1", served.port), timeout=5) for _ in range(5)]
    started = time.monotonic()
    for sock in stuck:
        sock.sendall(post_head(served, "/tickets", 100, served.tokens["kiosk"]) + b'{"categor')  # 10 of 100 bytes
    served_meanwhile = [issue(served) for _ in range(3)]           # the stuck ones hold nothing up
    assert served_meanwhile == [first + 1, first + 2, first + 3]
    for sock in stuck:
        with sock:
            answer, _ = read_all(sock, DEADLINE + SLACK)
            waited = time.monotonic() - started
            status, error = error_of(answer)
            assert status == 408 and error["code"] == "request_timeout", answer
            assert DEADLINE * 0.9 <= waited <= DEADLINE + SLACK, waited
            assert f"{DEADLINE} 秒" in error["message"] and f"{DEADLINE} s" in error["message_en"]
            assert sock.recv(1) == b""                              # and closed
    assert issue(served) == first + 4                              # the cut requests issued nothing


def test_headers_that_never_complete_are_answered_408_and_a_silent_connection_is_closed(served):
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as slow, \
            socket.create_connection(("127.0.0.1", served.port), timeout=5) as silent:
        slow.sendall(b"POST /api/v1/tickets HTTP/1.1\r\nHost: hall\r\nContent-Ty")
        time.sleep(DEADLINE / 2)
        slow.sendall(b"pe: appl")            # a trickle does not restart the deadline
        answer, _ = read_all(slow, DEADLINE + SLACK)
        status, error = error_of(answer)
        assert status == 408 and error["code"] == "request_timeout"
        nothing, after = read_all(silent, DEADLINE + SLACK)
        assert nothing == b"" and after <= DEADLINE + SLACK
    issue(served)


def test_a_body_no_route_reads_is_cut_after_the_answer(served):
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as sock:
        started = time.monotonic()
        sock.sendall(post_head(served, "/auth/logout", 100) + b"0123456789")   # no token: 401 before the body
        answer, _ = read_all(sock, DEADLINE * 2 + SLACK)
        assert b" 401 " in answer.split(b"\r\n", 1)[0]
        assert time.monotonic() - started <= DEADLINE * 2 + SLACK     # closed by the backstop, not held


def test_the_event_stream_outlives_every_deadline(served):
    seen: list[bytes] = []
    sock = socket.create_connection(("127.0.0.1", served.port), timeout=30)
    token = served.tokens["display"]
    last = served.query("SELECT COALESCE(MAX(seq), 0) AS seq FROM events")[0]["seq"]
    sock.sendall(f"GET /api/v1/events?since={last}&access_token={token} HTTP/1.1\r\nHost: hall\r\n"
                 "Accept: text/event-stream\r\n\r\n".encode())

    def follow():
        try:
            while chunk := sock.recv(65536):
                seen.append(chunk)
        except OSError:
            pass

    reader = threading.Thread(target=follow, daemon=True)
    reader.start()
    time.sleep(DEADLINE * 2 + 2)              # past the header, body and backstop deadlines
    issue(served)
    give_up = time.monotonic() + 10
    while b"ticket.issued" not in b"".join(seen) and time.monotonic() < give_up:
        time.sleep(0.05)
    sock.close()
    stream = b"".join(seen)
    assert stream.startswith(b"HTTP/1.1 200 ") and b"ticket.issued" in stream, stream[:300]
