"""The server's deadlines for slow clients (``hall_server/http_protocol.py``,
``[server] header_timeout_seconds`` / ``body_timeout_seconds``), on uvicorn's
protocol driven in process with a recording transport and 1 s deadlines: a body that
stops arriving while the app waits for it is answered 408 ``request_timeout`` (error
body, ``connection: close``) and the app is told the client left; headers that stop
arriving the same; a connection that never sends is closed without a word; a
complete request is never cut, however long its answer streams; the sweep stops with
the last connection. The real process over sockets: tests/badinput/test_badinput_slow_clients.py."""
from __future__ import annotations

import asyncio
import json

import pytest
import uvicorn
from uvicorn.server import ServerState

from hall_server.http_protocol import protocol_class


class Transport(asyncio.Transport):
    def __init__(self):
        super().__init__()
        self.written, self.closed, self.protocol = bytearray(), False, None

    def write(self, data):
        self.written += data

    def close(self):
        if not self.closed:
            self.closed = True
            asyncio.get_running_loop().call_soon(self.protocol.connection_lost, None)

    def is_closing(self):
        return self.closed

    def get_extra_info(self, name, default=None):
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8600)}.get(name, default)

    def pause_reading(self):
        pass

    def resume_reading(self):
        pass


class App:
    """Reads the body (unless GET) and answers 200; a GET streams ``chunks`` slowly."""

    def __init__(self, chunks: int = 0):
        self.chunks, self.received = chunks, []

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return
        while scope["method"] != "GET":
            message = await receive()
            self.received.append(message)
            if message["type"] == "http.disconnect" or not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        for _ in range(self.chunks):
            await asyncio.sleep(0.35)
            await send({"type": "http.response.body", "body": b"tick\n", "more_body": True})
        await send({"type": "http.response.body", "body": b"done"})


async def connect(app, *sends: bytes):
    protocol_type = protocol_class(1, 1)
    state = ServerState()
    config = uvicorn.Config(app, lifespan="off", log_level="warning", proxy_headers=False)
    protocol = protocol_type(config=config, server_state=state, app_state={}, _loop=asyncio.get_running_loop())
    transport = Transport()
    transport.protocol = protocol
    protocol.connection_made(transport)
    for data in sends:
        protocol.data_received(data)
    return protocol, transport, state, protocol_type


def answer(transport) -> tuple[int, dict]:
    head, _, body = bytes(transport.written).partition(b"\r\n\r\n")
    assert b"connection: close" in head
    return int(head.split(b" ", 2)[1]), json.loads(body)["error"]


async def until(predicate, limit: float = 4.0) -> float:
    loop = asyncio.get_running_loop()
    started = loop.time()
    while not predicate():
        assert loop.time() - started < limit, "deadline not enforced"
        await asyncio.sleep(0.02)
    return loop.time() - started


def test_a_body_that_stops_arriving_is_answered_408_and_the_app_told_the_client_left():
    async def run():
        app = App()
        _, transport, state, _ = await connect(app, b"POST /api/v1/tickets HTTP/1.1\r\nHost: hall\r\n"
                                               b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"categor")
        waited = await until(lambda: transport.closed)
        await until(lambda: not state.tasks)
        return app, transport, waited

    app, transport, waited = asyncio.run(run())
    status, error = answer(transport)
    assert status == 408 and error["code"] == "request_timeout" and "1 秒" in error["message"]
    assert 0.9 <= waited < 3
    assert app.received[0]["body"] == b'{"categor' and app.received[-1]["type"] == "http.disconnect"
    assert transport.written.count(b"HTTP/1.1") == 1          # the app's late answer was dropped


def test_headers_that_stop_arriving_are_answered_408():
    async def run():
        _, transport, _, _ = await connect(App(), b"POST /api/v1/tickets HTTP/1.1\r\nHost: ha")
        await until(lambda: transport.closed)
        return transport

    status, error = answer(asyncio.run(run()))
    assert status == 408 and error["code"] == "request_timeout"


def test_a_silent_connection_is_closed_without_a_word():
    async def run():
        _, transport, _, protocol_type = await connect(App())
        await until(lambda: transport.closed)
        await until(lambda: protocol_type._sweeper is None)     # no connection left: no sweep
        return transport

    assert asyncio.run(run()).written == b""


@pytest.mark.parametrize("request_bytes", [
    b"GET /api/v1/events HTTP/1.1\r\nHost: hall\r\n\r\n",
    b"POST /api/v1/tickets HTTP/1.1\r\nHost: hall\r\nContent-Length: 2\r\n\r\n{}",
])
def test_a_complete_request_is_never_cut_however_long_its_answer(request_bytes):
    async def run():
        app = App(chunks=5)       # 1.75 s of answer against 1 s deadlines
        _, transport, state, _ = await connect(app, request_bytes)
        await until(lambda: not state.tasks, limit=8)
        return transport

    transport = asyncio.run(run())
    assert transport.written.startswith(b"HTTP/1.1 200 ") and transport.written.count(b"tick") == 5
    assert not transport.closed
