"""A loopback TCP proxy that breaks connections on purpose (issue 8: "cut the network
between a kiosk and the server mid-request").

Each new client connection takes the next fault from a plan (:meth:`FaultProxy.plan`),
or passes through when the plan is empty. Faults:

- ``pass``: forward both ways until either side closes.
- ``refuse``: accept, then reset at once (a switch port going down).
- ``stall``: accept and swallow the request, never answer (a dead link the client
  notices only by its timeout).
- ``cut_request``: forward only the first half of the request bytes, then reset both
  sides (the server sees a request that never completes).
- ``cut_response``: forward the whole request, let the server answer, drop the answer
  and reset the client (the server did the work; the client never learns it: the case
  idempotency keys exist for).
- ``truncate_response``: forward the first 20 bytes of the answer, then reset.

Threads, not asyncio: one accept thread, one thread per connection; every socket
has a timeout so nothing outlives :meth:`FaultProxy.stop` by more than a second.
"""
from __future__ import annotations

import collections
import selectors
import socket
import struct
import threading
import time
from dataclasses import dataclass

MODES = ("pass", "refuse", "stall", "cut_request", "cut_response", "truncate_response")


@dataclass
class Connection:
    """What happened to one client connection."""

    mode: str
    request_bytes: int = 0
    response_bytes_dropped: int = 0
    response_bytes_sent: int = 0


def _reset(sock: socket.socket) -> None:
    """Close with RST (SO_LINGER 0), as a dropped link looks to the peer."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


class FaultProxy:
    """``127.0.0.1:<port>`` → ``upstream_host:upstream_port`` with planned faults."""

    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1"):
        self.upstream = (upstream_host, upstream_port)
        self._plan: collections.deque[str] = collections.deque()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.connections: list[Connection] = []
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._live: set[socket.socket] = set()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def plan(self, *modes: str) -> None:
        """Faults for the next connections, in order; then ``pass`` again."""
        unknown = set(modes) - set(MODES)
        if unknown:
            raise ValueError(f"unknown fault modes {unknown}")
        with self._lock:
            self._plan.extend(modes)

    def modes_used(self) -> list[str]:
        return [c.mode for c in self.connections]

    def cut_open_connections(self) -> int:
        """Break every connection open now (a long-lived event stream, say); returns how many."""
        with self._lock:
            live = list(self._live)
        for sock in live:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        return len(live)

    def start(self) -> "FaultProxy":
        thread = threading.Thread(target=self._accept_loop, name="fault-proxy", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in list(self._threads):
            thread.join(3)
        self._listener.close()

    def __enter__(self) -> "FaultProxy":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- internals -------------------------------------------------------------------
    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except (socket.timeout, OSError):
                continue
            with self._lock:
                mode = self._plan.popleft() if self._plan else "pass"
                record = Connection(mode)
                self.connections.append(record)
            thread = threading.Thread(target=self._serve, args=(client, record), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, client: socket.socket, record: Connection) -> None:
        client.settimeout(0.5)
        try:
            if record.mode == "refuse":
                _reset(client)
            elif record.mode == "stall":
                self._swallow(client, record)
            else:
                self._forward(client, record)
        except OSError:
            _reset(client)

    def _swallow(self, client: socket.socket, record: Connection) -> None:
        while not self._stop.is_set():
            try:
                data = client.recv(65536)
            except socket.timeout:
                continue
            if not data:
                break
            record.request_bytes += len(data)
        _reset(client)

    def _forward(self, client: socket.socket, record: Connection) -> None:
        upstream = socket.create_connection(self.upstream, timeout=5)
        with self._lock:
            self._live.add(client)
        selector = selectors.DefaultSelector()
        selector.register(client, selectors.EVENT_READ, "client")
        selector.register(upstream, selectors.EVENT_READ, "upstream")
        try:
            while not self._stop.is_set():
                if not self._pump(selector, client, upstream, record):
                    break
        finally:
            with self._lock:
                self._live.discard(client)
            selector.close()
            _reset(client)
            _reset(upstream)

    def _pump(self, selector, client, upstream, record: Connection) -> bool:
        """Move what is ready one step; False when the connection is over."""
        for key, _ in selector.select(timeout=0.2):
            data = key.fileobj.recv(65536)
            if not data:
                return False
            if key.data == "client":
                if record.mode == "cut_request":
                    upstream.sendall(data[: max(1, len(data) // 2)])
                    record.request_bytes += max(1, len(data) // 2)
                    time.sleep(0.05)
                    return False
                upstream.sendall(data)
                record.request_bytes += len(data)
            elif not self._answer(client, data, record):
                return False
        return True

    def _answer(self, client: socket.socket, data: bytes, record: Connection) -> bool:
        if record.mode == "cut_response":
            record.response_bytes_dropped += len(data)
            return False
        if record.mode == "truncate_response":
            client.sendall(data[:20])
            record.response_bytes_sent += min(20, len(data))
            record.response_bytes_dropped += max(0, len(data) - 20)
            return False
        client.sendall(data)
        record.response_bytes_sent += len(data)
        return True
