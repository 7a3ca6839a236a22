"""uvicorn's HTTP protocol with deadlines for clients too slow to send a request.

uvicorn has none: its ``timeout_keep_alive`` covers only the quiet time between two
requests, is restarted by every byte received and is not armed on a new connection;
``h11_max_incomplete_event_size`` bounds size, not time, and only in the h11
implementation; the request-start and request-complete timeouts planned in uvicorn
issue #157 were never added. So a client that sends a request's headers one byte a
minute, or a Content-Length and never the whole body, holds a connection for ever.
An ASGI middleware cannot see slow headers (the app is called once they are
complete), nor a body the route never reads.

Here each connection carries the stage of the request it is receiving and when that
stage is due; one sweep per server (every ``tick_s`` while connections are open)
acts on the overdue ones. A request pays two attribute writes per stage, no timer
and no task (a timer per request costs microseconds on the ticket hot path):

- a new connection must start a request within ``header_timeout_s``, else it is
  closed without a word (as uvicorn closes an idle kept-alive connection);
- from a request's first byte its headers must be complete within
  ``header_timeout_s``, else 408 ``request_timeout`` with the error body, then close;
- from its headers its body must be complete within ``body_timeout_s``, else the
  same 408 if no answer has started (the app, waiting for the body, is told the client
  left and its answer is dropped), or just close if one has (a body nobody read).

A request's answer is not limited: the event stream (GET, no body) is complete as
soon as its headers are, and streams for as long as it likes.
"""
from __future__ import annotations

import logging

from hall_server import jsonio
from hall_server.errors import request_timeout

log = logging.getLogger("hall_server.http")

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover - uvicorn[standard] brings httptools
    HttpToolsProtocol = None

SILENT, HEADERS, BODY = "silent", "headers", "body"


def protocol_class(header_timeout_s: float, body_timeout_s: float) -> type | str:
    """What ``uvicorn.Config(http=...)`` takes: a deadline protocol of its own for one
    server, or uvicorn's own choice (with a warning) where httptools is missing."""
    if HttpToolsProtocol is None:  # pragma: no cover
        log.warning("httptools is not installed: no deadline for slow requests")
        return "auto"
    tick = min(1.0, header_timeout_s / 4, body_timeout_s / 4)
    return type("HallHttpProtocol", (DeadlineProtocol,),
                {"header_timeout_s": float(header_timeout_s), "body_timeout_s": float(body_timeout_s),
                 "tick_s": tick, "_sweeper": None})


class DeadlineProtocol(HttpToolsProtocol or object):
    """``HttpToolsProtocol`` whose connections are swept for overdue requests."""

    header_timeout_s = 10.0
    body_timeout_s = 30.0
    tick_s = 1.0
    _sweeper = None        # per server class: the pending sweep
    _stage: str | None = None
    _due = 0.0

    # -- uvicorn's hooks ----------------------------------------------------
    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._expect(SILENT, self.header_timeout_s)
        cls = type(self)
        if cls._sweeper is None:
            cls._sweeper = self.loop.call_later(cls.tick_s, cls._sweep, self.loop, self.connections)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._expect(HEADERS, self.header_timeout_s)

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        if self.pipeline:
            self._stage = None   # queued behind a running request: its body waits for that one
        else:
            self._expect(BODY, self.body_timeout_s)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._stage = None

    def handle_websocket_upgrade(self) -> None:
        self._stage = None
        super().handle_websocket_upgrade()

    def connection_lost(self, exc) -> None:
        self._stage = None
        super().connection_lost(exc)

    # -- deadlines ----------------------------------------------------------
    def _expect(self, stage: str, seconds: float) -> None:
        self._stage, self._due = stage, self.loop.time() + seconds

    @classmethod
    def _sweep(cls, loop, connections) -> None:
        cls._sweeper = None
        now = loop.time()
        for connection in list(connections):
            if getattr(connection, "_stage", None) is not None and connection._due <= now:
                connection._overdue()
        if connections:
            cls._sweeper = loop.call_later(cls.tick_s, cls._sweep, loop, connections)

    def _overdue(self) -> None:
        stage, self._stage = self._stage, None
        if self.transport.is_closing():
            return
        if stage == HEADERS:
            # An answer may still be going out on this connection (a pipelined request
            # before this one): then there is no room for ours.
            if self.cycle is None or self.cycle.response_complete:
                self._answer_408(self.header_timeout_s)
            log.info("%s: request headers not complete within %g s; closed", _peer(self.client), self.header_timeout_s)
        elif stage == BODY:
            cycle = self.cycle
            if cycle is not None and not cycle.response_started:
                cycle.disconnected = True   # the app's answer, if any, is dropped: ours goes out
                self._answer_408(self.body_timeout_s)
            log.info("%s: request body not complete within %g s; closed", _peer(self.client), self.body_timeout_s)
        self.transport.close()

    def _answer_408(self, seconds: float) -> None:
        body = jsonio.dumps(request_timeout(seconds).body())
        head = [b"HTTP/1.1 408 Request Timeout\r\n"]
        head += [name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers]
        head += [b"content-type: application/json\r\n", b"content-length: %d\r\n" % len(body),
                 b"connection: close\r\n\r\n"]
        self.transport.write(b"".join(head) + body)


def _peer(client) -> str:
    return "%s:%d" % client if client else "a client"
