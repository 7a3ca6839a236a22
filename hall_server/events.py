"""The live event hub: wakes stream subscribers when events are committed.

Subscribers always read events by ``seq`` — from a ring of recent events, else from
the database — so replay after a reconnect and live delivery are one path and
nothing can be skipped. Each event's Server-Sent-Events frame is encoded once and
the same bytes go to every subscriber (a hall may have hundreds of screens). One
shared poll of the database catches events written by another process (an admin
command), so a display never misses those either.
"""
from __future__ import annotations

import asyncio

from hall_server import jsonio

from hall_server.store import Store

Frame = tuple[int, bytes]  # (seq, encoded SSE frame)


def encode(event: dict) -> Frame:
    """The SSE frame of one event: ``id``, ``event`` and the whole event as ``data``."""
    head = f"id: {event['seq']}\r\nevent: {event['type']}\r\ndata: ".encode()
    return event["seq"], head + jsonio.dumps(event) + b"\r\n\r\n"


class EventHub:
    def __init__(self, store: Store, ring_size: int = 5000, poll_seconds: float = 1.0):
        self.store = store
        self.ring_size = ring_size
        self.poll_seconds = poll_seconds
        self._ring: list[Frame] = []  # contiguous seqs: _ring[i][0] == _ring[0][0] + i
        self._last_seq = store.last_seq()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._poller: asyncio.Task | None = None
        self.closed = False
        store.on_commit(self._committed)

    # -- life cycle ---------------------------------------------------------
    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._wake = asyncio.Event()
        self._poller = loop.create_task(self._poll_other_writers())

    def close(self) -> None:
        """Shutting down: wake every stream so it ends and the server can stop."""
        self.closed = True
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._notify)
            if self._poller is not None:
                self._loop.call_soon_threadsafe(self._poller.cancel)

    @property
    def last_seq(self) -> int:
        return self._last_seq

    # -- writing side -------------------------------------------------------
    def _committed(self, events: list[dict]) -> None:
        for event in events:
            if self._ring and event["seq"] != self._ring[-1][0] + 1:
                self._ring.clear()  # a gap (another process wrote): start a new contiguous run
            self._ring.append(encode(event))
        if len(self._ring) > self.ring_size:
            del self._ring[: len(self._ring) - self.ring_size // 2]
        self._last_seq = max(self._last_seq, events[-1]["seq"])
        self._wake_soon()

    def _wake_soon(self) -> None:
        loop = self._loop
        if loop is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._notify()
        else:
            loop.call_soon_threadsafe(self._notify)

    def _notify(self) -> None:
        wake, self._wake = self._wake, asyncio.Event()
        if wake:
            wake.set()

    async def _poll_other_writers(self) -> None:
        while not self.closed:
            await asyncio.sleep(self.poll_seconds)
            latest = self.store.last_seq()
            if latest > self._last_seq:
                self._last_seq = latest
                self._notify()

    # -- reading side -------------------------------------------------------
    def since(self, seq: int, limit: int = 500) -> list[Frame]:
        """Frames after ``seq``, from the ring when it holds them, else the database."""
        if seq >= self._last_seq:
            return []
        if self._ring:
            first = self._ring[0][0]
            if first <= seq + 1 <= self._ring[-1][0]:
                start = seq + 1 - first
                return self._ring[start:start + limit]
        return [encode(e) for e in self.store.events_since(seq, limit)]

    def events_since(self, seq: int, limit: int = 500) -> list[dict]:
        """Decoded events after ``seq`` (for in-process consumers and tests)."""
        return self.store.events_since(seq, limit)

    async def wait(self, seq: int) -> None:
        """Return when an event after ``seq`` exists or the hub closes."""
        if self._last_seq > seq or self._wake is None or self.closed:
            return
        await self._wake.wait()
