"""The live event hub: wakes stream subscribers when events are committed.

Subscribers always read events by ``seq`` (from a ring of recent events, else from
the database), so replay after a reconnect and live delivery are the same path and
nothing can be skipped. A slow poll of the database also catches events written by
another process (an admin command).
"""
from __future__ import annotations

import asyncio
from collections import deque

from hall_server.store import Store


class EventHub:
    def __init__(self, store: Store, ring_size: int = 5000):
        self.store = store
        self._ring: deque[dict] = deque(maxlen=ring_size)
        self._last_seq = store.last_seq()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        store.on_commit(self._committed)

    closed = False

    def close(self) -> None:
        """Shutting down: wake every stream so it ends and the server can stop."""
        self.closed = True
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._notify)

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._wake = asyncio.Event()

    @property
    def last_seq(self) -> int:
        return self._last_seq

    def _committed(self, events: list[dict]) -> None:
        self._ring.extend(events)
        self._last_seq = max(self._last_seq, events[-1]["seq"])
        loop = self._loop
        if loop is None or self._wake is None:
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

    def since(self, seq: int, limit: int = 500) -> list[dict]:
        """Events after ``seq``; from the ring only when it holds them without a gap
        (another process's events are in the database, not the ring)."""
        found = [e for e in self._ring if e["seq"] > seq][:limit]
        if found and found[0]["seq"] == seq + 1 and found[-1]["seq"] - found[0]["seq"] == len(found) - 1:
            return found
        return self.store.events_since(seq, limit)

    async def wait(self, seq: int, timeout: float) -> None:
        """Return when an event after ``seq`` may exist, or after ``timeout``."""
        if self._last_seq > seq or self._wake is None or self.closed:
            return
        try:
            await asyncio.wait_for(self._wake.wait(), timeout)
        except asyncio.TimeoutError:
            latest = self.store.last_seq()  # another process may have written
            self._last_seq = max(self._last_seq, latest)
