"""One worker thread per device, owning its transport (CONVENTIONS.md rule 4).

A driver subclasses :class:`DeviceWorker`, implements :meth:`idle` (polling between
commands) and optionally :meth:`on_connected`, and runs device work through
:meth:`call`/:meth:`submit`, which execute a function on the worker thread with the
open port. When the port fails the worker reports ``unavailable`` once, retries with
exponential backoff, and reports recovery once; commands sent while unavailable fail
at once with :class:`DeviceUnavailable` instead of hanging.
"""
from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future
from typing import Any, Callable

from drivers.errors import DeviceError, DeviceTimeout, DeviceUnavailable
from drivers.status import DeviceStatus
from drivers.transport import SerialException, open_transport

log = logging.getLogger(__name__)

try:  # a vanished pty makes pyserial raise termios.error, which is not an OSError
    import termios
    _LINK_ERRORS: tuple[type[BaseException], ...] = (SerialException, OSError, DeviceUnavailable, termios.error)
except ImportError:  # Windows
    _LINK_ERRORS = (SerialException, OSError, DeviceUnavailable)

StatusCallback = Callable[[DeviceStatus], None]


class DeviceWorker:
    kind = "device"

    def __init__(self, url: str, *, on_status: StatusCallback | None = None,
                 open_options: dict | None = None, backoff: tuple[float, float] = (0.5, 8.0),
                 idle_interval: float = 0.1, opener: Callable[..., Any] = open_transport):
        self.url = url
        self.on_status = on_status
        self.open_options = open_options or {}
        self.backoff_initial, self.backoff_max = backoff
        self.idle_interval = idle_interval
        self._opener = opener
        self._commands: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._connected = threading.Event()
        self._ever_connected = False
        self.port = None
        self._status = DeviceStatus(self.kind, "unavailable", "设备尚未连接", "device not connected yet")

    # -- public API ---------------------------------------------------------
    @property
    def status(self) -> DeviceStatus:
        return self._status

    def start(self) -> "DeviceWorker":
        self._thread = threading.Thread(target=self._run, name=f"{self.kind}-worker", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)
        self._close_port()

    @property
    def connected(self) -> bool:
        """True while the port is open and the handshake passed."""
        return self._connected.is_set()

    def wait_connected(self, timeout: float) -> bool:
        return self._connected.wait(timeout)

    def submit(self, fn: Callable[[Any], Any]) -> Future:
        """Run ``fn(port)`` on the worker thread; the future fails fast if unavailable."""
        fut: Future = Future()
        if not self._connected.is_set():
            fut.set_exception(self._unavailable_error())
            return fut
        self._commands.put((fn, fut))
        return fut

    def call(self, fn: Callable[[Any], Any], timeout: float = 10.0) -> Any:
        try:
            return self.submit(fn).result(timeout)
        except TimeoutError as exc:
            raise DeviceTimeout("设备无响应", "the device did not answer") from exc

    # -- for subclasses -----------------------------------------------------
    def on_connected(self, port) -> None:
        """Handshake after opening; raise DeviceError if the device is not what we expect."""

    def idle(self, port) -> None:
        """Called between commands on the worker thread (polling, status)."""

    def healthy_status(self) -> DeviceStatus:
        return DeviceStatus(self.kind, "ok")

    def set_status(self, status: DeviceStatus) -> None:
        """Record a status and tell the callback only when it changed."""
        if status == self._status:
            return
        self._status = status
        log.info("%s status: %s %s", self.kind, status.state, status.message_en)
        if self.on_status:
            try:
                self.on_status(status)
            except Exception:  # a shell's callback must never kill the worker
                log.exception("status callback failed")

    # -- internals ----------------------------------------------------------
    def _unavailable_error(self) -> DeviceUnavailable:
        return DeviceUnavailable(self._status.message or "设备不可用", self._status.message_en or "device unavailable")

    def _run(self) -> None:
        delay = self.backoff_initial
        while not self._stop.is_set():
            if self.port is None:
                if not self._connect():
                    self._stop.wait(delay)
                    delay = min(delay * 2, self.backoff_max)
                    continue
                delay = self.backoff_initial
            try:
                fn, fut = self._commands.get(timeout=self.idle_interval)
            except queue.Empty:
                fn = fut = None
            self._step(fn, fut)
        self._drain(DeviceUnavailable("设备已停止", "device stopped"))

    def _connect(self) -> bool:
        try:
            self.port = self._opener(self.url, **self.open_options)
            self.on_connected(self.port)
        except (DeviceError, SerialException, OSError) as exc:
            self._close_port()
            err = exc if isinstance(exc, DeviceError) else DeviceUnavailable(
                f"设备连接失败：{exc}", f"device connection failed: {exc}")
            # One report per outage: a failed reconnect after a lost link says nothing new.
            if not (self._ever_connected and self._status.state == "unavailable"):
                self.set_status(DeviceStatus(self.kind, "unavailable", err.message, err.message_en))
            return False
        self._ever_connected = True
        self.set_status(self.healthy_status())
        self._connected.set()  # after the status, so a waiter never sees a stale one
        return True

    def _step(self, fn, fut) -> None:
        try:
            if fn is None:
                self.idle(self.port)
            else:
                if fut.set_running_or_notify_cancel():
                    fut.set_result(fn(self.port))
        except _LINK_ERRORS as exc:
            err = exc if isinstance(exc, DeviceUnavailable) else DeviceUnavailable(
                f"设备连接中断：{exc}", f"device connection lost: {exc}")
            self._close_port()
            self.set_status(DeviceStatus(self.kind, "unavailable", err.message, err.message_en))
            if fut is not None and not fut.done():
                fut.set_exception(err)
            self._drain(err)
        except Exception as exc:  # DeviceError or a bug: the caller gets it, the worker lives on
            if fut is not None and not fut.done():
                fut.set_exception(exc)
            elif not isinstance(exc, DeviceError):
                log.exception("%s idle step failed", self.kind)

    def _drain(self, err: Exception) -> None:
        while True:
            try:
                _, fut = self._commands.get_nowait()
            except queue.Empty:
                return
            if not fut.done():
                fut.set_exception(err)

    def _close_port(self) -> None:
        self._connected.clear()
        port, self.port = self.port, None
        if port is not None:
            try:
                port.close()
            except Exception:
                pass
