"""Serve an emulated device on a real pseudo-terminal (devices.md §5.3).

An emulator is a plain object with two methods:

* ``receive(data: bytes) -> bytes | list[tuple[float, bytes]]`` — bytes the host wrote;
  returns the reply, or a list of ``(delay_seconds, chunk)`` for replies that take time
  (a card being read, a print job feeding paper);
* ``poll(now: float) -> bytes`` (optional) — unsolicited output, e.g. a pad's key event
  or a scanner's code; called about every 20 ms.

``PtyHost`` owns the pty master, reads with ``select``, paces output at the
configured baud rate (a pty has no pacing of its own, §5.2 pitfall 8), and keeps a
stable symlink to the slave so a driver can reopen the same path after
:meth:`unplug` / :meth:`replug`.
"""
from __future__ import annotations

import heapq
import itertools
import os
import select
import tempfile
import threading
import time
import tty


class PtyHost:
    """Runs ``device`` on a pseudo-terminal; ``path`` is what a driver opens."""

    def __init__(self, device, *, baudrate: int | None = None, link_dir: str | None = None):
        self.device = device
        self.baudrate = baudrate
        self._dir = link_dir or tempfile.mkdtemp(prefix="hallterm-emu-")
        self.path = os.path.join(self._dir, "tty")
        self._master = self._slave = -1
        self._lock = threading.Lock()
        self._pending: list[tuple[float, int, bytes]] = []
        self._counter = itertools.count()
        self._stop = threading.Event()
        self._plugged = threading.Event()
        self._thread: threading.Thread | None = None
        self.received = bytearray()  # everything the host wrote, for tests and probes

    # -- life cycle -------------------------------------------------------
    def start(self) -> "PtyHost":
        self._open_pty()
        self._thread = threading.Thread(target=self._run, name=f"emu-{type(self.device).__name__}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=2)
        self._close_pty()
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def unplug(self) -> None:
        """Simulate pulling the cable: the slave disappears, the driver's reads fail."""
        with self._lock:
            self._close_pty()
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass

    def replug(self) -> None:
        """Plug back in: a new pty appears at the same symlink path."""
        with self._lock:
            self._open_pty()

    @property
    def plugged(self) -> bool:
        return self._plugged.is_set()

    # -- output -----------------------------------------------------------
    def inject(self, data: bytes, delay: float = 0.0) -> None:
        """Queue bytes to send to the host as if the device sent them."""
        with self._lock:
            heapq.heappush(self._pending, (time.monotonic() + delay, next(self._counter), bytes(data)))

    def _queue_reply(self, reply) -> None:
        if not reply:
            return
        if isinstance(reply, (bytes, bytearray)):
            reply = [(0.0, bytes(reply))]
        for delay, chunk in reply:
            self.inject(chunk, delay)

    # -- internals --------------------------------------------------------
    def _open_pty(self) -> None:
        master, slave = os.openpty()
        tty.setraw(master)
        self._master, self._slave = master, slave
        tmp = self.path + ".new"
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        os.symlink(os.ttyname(slave), tmp)
        os.replace(tmp, self.path)
        self._plugged.set()

    def _close_pty(self) -> None:
        self._plugged.clear()
        for fd in (self._master, self._slave):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._master = self._slave = -1
        self._pending.clear()

    def _run(self) -> None:
        poll = getattr(self.device, "poll", None)
        while not self._stop.is_set():
            master = self._master
            if master < 0:
                time.sleep(0.02)
                continue
            try:
                ready, _, _ = select.select([master], [], [], 0.01)
            except (OSError, ValueError):
                time.sleep(0.02)
                continue
            if ready:
                try:
                    data = os.read(master, 4096)
                except OSError:
                    data = b""  # slave closed by the driver; keep serving
                    time.sleep(0.01)
                if data:
                    self.received.extend(data)
                    self._queue_reply(self.device.receive(data))
            if poll is not None:
                self._queue_reply(poll(time.monotonic()))
            self._flush_due()

    def _flush_due(self) -> None:
        now = time.monotonic()
        while True:
            with self._lock:
                if not self._pending or self._pending[0][0] > now or self._master < 0:
                    return
                _, _, chunk = heapq.heappop(self._pending)
                master = self._master
            if self.baudrate:
                time.sleep(len(chunk) * 10 / self.baudrate)
            try:
                os.write(master, chunk)
            except OSError:
                return
