"""Oversized and malformed requests against the real server process (uvicorn in front,
as in production): a 20 MB body with a Content-Length and the same sent chunked
without one, broken JSON, wrong content types, methods and paths. Each is refused
with 4xx and the error body (413 / 415 / 400 / 422 / 404 / 405); the server stays up,
does not swell, and keeps numbering correctly."""
from __future__ import annotations

import socket

import pytest
import requests

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

MB = 1024 * 1024


@pytest.fixture(scope="module")
def served(tmp_path_factory, runner):
    root = tmp_path_factory.mktemp("badinput")
    port = runner.free_port()
    config = runner.all_day_hall(root / "hall.toml", port)
    tokens = runner.prepare_tokens(root / "data", {"kiosk": ("kiosk", None)}, config)
    server = runner.HallRun(root / "data", port=port, config=config).start()
    server.token = tokens["kiosk"]
    yield server
    server.kill()


def rss_mb(server) -> float:
    with open(f"/proc/{server.proc.pid}/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS")) / 1024


def raw_post(server, headers: list[str], chunks, timeout: float = 20) -> tuple[int, bytes, str | None]:
    """POST over a bare socket (requests cannot send a lying or chunked body as we need).
    Returns the status, the response body and the error met while sending, if any: a
    server may answer early and close while the client still writes."""
    head = "\r\n".join(["POST /api/v1/tickets HTTP/1.1", "Host: hall", f"Authorization: Bearer {server.token}",
                        *headers, "Connection: close", "", ""]).encode()
    sent_error = None
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as sock:
        try:
            sock.sendall(head)
            for chunk in chunks:
                sock.sendall(chunk)
        except OSError as exc:
            sent_error = type(exc).__name__
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except OSError:
            pass
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else 0
    return status, data.partition(b"\r\n\r\n")[2], sent_error


def twenty_mb() -> bytes:
    return b'{"category_code": "A", "pad": "' + b"x" * (20 * MB) + b'"}'


def error_of(body: bytes) -> dict:
    import json
    error = json.loads(body)["error"]
    assert error["code"] and error["message"] and error["message_en"] and not error["message"].isascii()
    return error


def still_serving(server, number_before: int | None = None) -> int:
    kiosk = server.token_session(server.token)
    assert kiosk.get(server.url("/health"), timeout=5).json()["status"] == "ok"
    ticket = kiosk.post(server.url("/tickets"), json={"category_code": "Z"}, timeout=5).json()
    serial = int(ticket["number"][1:])
    if number_before is not None:
        assert serial == number_before + 1   # nothing refused above took a number
    return serial


def test_twenty_megabytes_with_a_length_and_chunked_are_refused_with_413(served):
    first = still_serving(served)
    before = rss_mb(served)
    body = twenty_mb()
    pieces = [body[i:i + 65536] for i in range(0, len(body), 65536)]
    status, answer, _ = raw_post(served, ["Content-Type: application/json", f"Content-Length: {len(body)}"], pieces)
    assert status == 413 and error_of(answer)["code"] == "too_large"
    chunked = [b"%x\r\n%s\r\n" % (len(p), p) for p in pieces] + [b"0\r\n\r\n"]
    status, answer, _ = raw_post(served, ["Content-Type: application/json", "Transfer-Encoding: chunked"], chunked)
    assert status == 413 and error_of(answer)["code"] == "too_large"
    assert rss_mb(served) < before + 64, "the server buffered the oversized bodies"
    still_serving(served, first)


def test_broken_lengths_are_refused_at_the_door(served):
    first = still_serving(served)
    for length in ("abc", "99999999999999999999999", "-5"):
        status, answer, _ = raw_post(served, ["Content-Type: application/json", f"Content-Length: {length}"], [b"{}"])
        assert status in (400, 413), (length, status, answer)   # uvicorn's own 400, or ours
    # a body that never completes holds its own connection only: others are served meanwhile
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as stuck:
        stuck.sendall(b"POST /api/v1/tickets HTTP/1.1\r\nHost: hall\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 500\r\nAuthorization: Bearer " + served.token.encode() + b"\r\n\r\n{\"cat")
        first = still_serving(served, first)
    still_serving(served, first)


@pytest.mark.parametrize("body, status", [
    (b'{"category_code": "A"', 422),                     # cut short
    (b"[" * 50_000 + b"]" * 50_000, 400),                # nested past the parser's depth
    (b'{"category_code": "A", "priority": ' + b"9" * 5000 + b"}", 400),   # an integer past Python's digit limit
    ('{"category_code": "综合"}'.encode("gbk"), 400),     # not UTF-8
    (b'{"category_code": NaN}', 422),
    (b"[1, 2, 3]", 422),
    (b'"A"', 422),
    (b"", 422),
    (b'{"category_code": "A", "priority": "vip"}', 422),
    (b'{"category_code": "A", "request_id": "' + b"r" * 65 + b'"}', 422),
])
def test_malformed_json_gets_the_error_body(served, body, status):
    r = requests.post(served.url("/tickets"), data=body, timeout=10,
                      headers={"Authorization": f"Bearer {served.token}", "Content-Type": "application/json"})
    assert r.status_code == status, r.text
    assert error_of(r.content)["code"] == "invalid_input"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", "application/xml"])
def test_wrong_content_types_get_415(served, content_type):
    r = requests.post(served.url("/tickets"), data=b'{"category_code": "A"}', timeout=10,
                      headers={"Authorization": f"Bearer {served.token}", "Content-Type": content_type})
    assert r.status_code == 415 and error_of(r.content)["code"] == "unsupported_media_type"


def test_unknown_paths_and_methods_get_the_error_body(served):
    headers = {"Authorization": f"Bearer {served.token}"}
    r = requests.get(served.url("/no/such/thing"), headers=headers, timeout=5)
    assert r.status_code == 404 and error_of(r.content)["code"] == "not_found"
    r = requests.delete(served.url("/tickets"), headers=headers, timeout=5)
    assert r.status_code == 405 and error_of(r.content)
    r = requests.get(served.url("/tickets/%ff%fe"), headers=headers, timeout=5)
    assert r.status_code == 404 and error_of(r.content)
