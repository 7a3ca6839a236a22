"""HEP/1 pads on one port, on their own worker thread (CONVENTIONS.md rule 4).

:class:`Hep1Pad` is the :class:`~drivers.evalpad.pad.EvaluationPad` adapter for
protocols/evalpad.md. The worker thread owns the port and the pure
:class:`~drivers.evalpad.link.HostLink`: between commands it reads, acknowledges and
dispatches events; a command writes its frame and keeps reading (and acknowledging
events) until the answer comes or the link gives up after its retries. Several pads
may share one RS-485 bus: list their addresses (devices.md §3.5).
"""
from __future__ import annotations

import logging
import time
from concurrent.futures import Future
from typing import Callable, Iterable

from drivers.errors import DeviceTimeout
from drivers.evalpad.link import CommandFailed, EventReceived, FrameRejected, HostLink, RatingRequests, Replied
from drivers.evalpad.pad import Clerk, EvaluationPad, KeyPress, Rating, RatingTimeout
from drivers.evalpad.protocol import (BROADCAST, Answer, AskRating, HostCommand, Idle, KeyEvent, Ping,
                                      RatingEvent, RatingTimeoutEvent, ShowClerk, ShowText, encode_command,
                                      local_error)
from drivers.status import DeviceStatus
from drivers.transport import set_rs485_direction
from drivers.worker import DeviceWorker

log = logging.getLogger(__name__)

DEFAULT_BAUDRATE = 115200  # evalpad.md "Physical layer"
READ_SLICE = 0.02  # seconds one read may block: short, so answer timeouts (300 ms) stay accurate


class Hep1Pad(DeviceWorker, EvaluationPad):
    """One or more HEP/1 pads reached through ``url`` (serial path, ``socket://``, ``emu://evalpad``).

    Args:
        url: the port.
        addresses: the pads' bus addresses (1–254); the first is the default target.
        on_rating, on_rating_timeout, on_key, on_status: callbacks, run on the worker thread.
        answer_timeout, retries: evalpad.md's 300 ms and three resends.
        ping_interval: seconds between health PINGs (None: only at connect).
        rs485: ask the kernel for RS-485 direction control (off on ptys, devices.md §3.5).
        clock, new_request_id: injected for tests.
    """

    kind = "evalpad"

    def __init__(self, url: str, *, addresses: Iterable[int] = (1,), on_rating=None, on_rating_timeout=None,
                 on_key=None, on_status=None, baudrate: int = DEFAULT_BAUDRATE, answer_timeout: float = 0.3,
                 retries: int = 3, ping_interval: float | None = 30.0, rating_grace: float = 5.0,
                 rs485: bool = False, clock: Callable[[], float] = time.monotonic,
                 new_request_id: Callable[[], str] | None = None, **worker):
        open_options = {"baudrate": baudrate, "timeout": READ_SLICE, **worker.pop("open_options", {})}
        worker.setdefault("idle_interval", 0.02)
        super().__init__(url, on_status=on_status, open_options=open_options, **worker)
        self.addresses = tuple(_valid_address(a) for a in addresses)
        if not self.addresses:
            raise local_error("至少需要一个评价器地址", "at least one pad address is needed")
        self.on_rating, self.on_rating_timeout, self.on_key = on_rating, on_rating_timeout, on_key
        self.ping_interval, self.rs485, self.clock = ping_interval, rs485, clock
        self.rating_grace = rating_grace
        self.firmware: dict[int, str] = {}
        self._link = HostLink(clock, addresses=self.addresses, answer_timeout=answer_timeout, retries=retries)
        extra = {"new_id": new_request_id} if new_request_id else {}
        self._requests = RatingRequests(clock, grace=rating_grace, **extra)
        self._answering: dict[int, bool | None] = {a: None for a in self.addresses}
        self._warned_addresses: set[int] = set()
        self._next_ping = float("inf")

    # -- EvaluationPad (any thread) ---------------------------------------------------
    def ask(self, ticket: str, *, clerk: Clerk | None = None, timeout_s: int = 60,
            address: int | None = None) -> "Future[str]":
        """Show ``clerk`` (if given), then ASK_RATING; the future yields the request id.

        Raises:
            ProtocolError: at once, for a ticket, clerk or timeout HEP/1 cannot carry.
        """
        target = self._target(address, broadcast=False)
        ask = _checked(AskRating(ticket, timeout_s))
        show = _checked(ShowClerk(clerk.staff_number, clerk.name, clerk.window)) if clerk else None

        def job(port) -> str:
            if show is not None:
                self._exchange(port, target, show)
            request = self._requests.open(target, ticket, timeout_s)
            try:
                self._exchange(port, target, ask)
            except BaseException:
                self._requests.discard(target, request.request_id)
                raise
            return request.request_id
        return self.submit(job)

    def show_clerk(self, clerk: Clerk, *, address: int | None = None) -> "Future[None]":
        return self._command(_checked(ShowClerk(clerk.staff_number, clerk.name, clerk.window)), address)

    def show_text(self, text: str, *, address: int | None = None) -> "Future[None]":
        return self._command(_checked(ShowText(text)), address)

    def clear(self, *, address: int | None = None) -> "Future[None]":
        """IDLE: the pad drops its prompt, so the open request is forgotten once it answers."""
        target = self._target(address)

        def job(port) -> None:
            self._exchange(port, target, Idle())
            for pad in (self.addresses if target == BROADCAST else (target,)):
                self._requests.discard(pad)
        return self.submit(job)

    def ping(self, *, address: int | None = None) -> "Future[str]":
        target = self._target(address, broadcast=False)
        return self.submit(lambda port: self._ping(port, target))

    # -- DeviceWorker hooks (worker thread) ------------------------------------------
    def on_connected(self, port) -> None:
        set_rs485_direction(port, self.rs485)
        self._link.reset()
        for address in self.addresses:
            try:
                self._ping(port, address)
            except DeviceTimeout:
                pass  # reported through the status; the port itself is fine
        self._schedule_ping()

    def healthy_status(self) -> DeviceStatus:
        return self._pad_status()

    def idle(self, port) -> None:
        self._pump(port)
        for request in self._requests.expired():
            self._deliver(self.on_rating_timeout,
                          RatingTimeout(request.ticket, request.request_id, request.address, "host"))
        if self.clock() >= self._next_ping:
            self._schedule_ping()
            for address in self.addresses:
                try:
                    self._ping(port, address)
                except DeviceTimeout:
                    pass

    # -- internals (worker thread) ----------------------------------------------------
    def _command(self, command: HostCommand, address: int | None) -> Future:
        target = self._target(address)

        def job(port) -> None:
            self._exchange(port, target, command)
        return self.submit(job)

    def _ping(self, port, address: int) -> str:
        firmware = self._exchange(port, address, Ping()).firmware
        self.firmware[address] = firmware
        return firmware

    def _exchange(self, port, address: int, command: HostCommand) -> Answer | None:
        """Send ``command`` and pump the bus until it is answered; DeviceTimeout after the retries."""
        port.write(self._link.send(address, command))
        if address == BROADCAST:
            return None
        while True:
            for result in self._pump(port):
                if isinstance(result, Replied):
                    self._mark(address, True)
                    return result.answer
                self._mark(address, False)
                raise DeviceTimeout(
                    f"评价器（地址 {address}）无应答，已重发 {result.attempts - 1} 次",
                    f"pad at address {address} did not answer after {result.attempts} attempts")

    def _pump(self, port) -> list[Replied | CommandFailed]:
        """Read once, acknowledge, dispatch events; return command outcomes."""
        data = port.read(max(1, port.in_waiting))
        events = (self._link.receive_data(data) if data else []) + self._link.tick()
        reply = self._link.data_to_send()
        if reply:
            port.write(reply)  # ACKs first: a slow callback must not make the pad repeat
        outcomes = []
        for event in events:
            if isinstance(event, (Replied, CommandFailed)):
                outcomes.append(event)
            else:
                self._dispatch(event)
        return outcomes

    def _dispatch(self, event: EventReceived | FrameRejected) -> None:
        if isinstance(event, FrameRejected):
            self._note_rejected(event)
            return
        self._mark(event.address, True)
        message, address = event.message, event.address
        if isinstance(message, RatingEvent):
            request_id = self._requests.settle(address, message.ticket)
            self._deliver(self.on_rating, Rating(message.ticket, message.level, message.reasons, request_id, address))
        elif isinstance(message, RatingTimeoutEvent):
            request_id = self._requests.settle(address, message.ticket)
            self._deliver(self.on_rating_timeout, RatingTimeout(message.ticket, request_id, address, "pad"))
        elif isinstance(message, KeyEvent):
            self._deliver(self.on_key, KeyPress(message.key, address))

    def _note_rejected(self, event: FrameRejected) -> None:
        if event.reason == "unknown_address":
            if event.address not in self._warned_addresses:
                self._warned_addresses.add(event.address)
                log.warning("evalpad: frames from unconfigured address %d ignored", event.address)
            return
        log.debug("evalpad: frame from %d dropped: %s", event.address, event.reason)

    def _deliver(self, callback, value) -> None:
        if callback is None:
            return
        try:
            callback(value)
        except Exception:  # a shell's callback must never kill the worker
            log.exception("evalpad callback failed")

    def _mark(self, address: int, answering: bool) -> None:
        if self._answering.get(address) is not answering:
            self._answering[address] = answering
            if self.connected:
                self.set_status(self._pad_status())

    def _pad_status(self) -> DeviceStatus:
        silent = [a for a, ok in self._answering.items() if ok is False]
        details = {"pads": {str(a): _pad_state(ok) for a, ok in self._answering.items()},
                   "firmware": {str(a): v for a, v in self.firmware.items()}}
        if not silent:
            return DeviceStatus(self.kind, "ok", details=details)
        listed = ", ".join(map(str, silent))
        state = "unavailable" if len(silent) == len(self.addresses) else "warning"
        return DeviceStatus(self.kind, state, f"评价器无应答（地址 {listed}）",
                            f"evaluation pad not answering (address {listed})", details)

    def _schedule_ping(self) -> None:
        self._next_ping = self.clock() + self.ping_interval if self.ping_interval else float("inf")

    def _target(self, address: int | None, *, broadcast: bool = True) -> int:
        if address is None:
            return self.addresses[0]
        if address == BROADCAST and broadcast:
            return BROADCAST
        if address not in self.addresses:
            raise local_error(f"评价器地址 {address} 未配置", f"pad address {address} is not configured")
        return address


def _checked(command: HostCommand) -> HostCommand:
    """Encode once on the caller's thread so bad input fails at once, not on the worker."""
    encode_command(command)
    return command


def _valid_address(address: int) -> int:
    if not isinstance(address, int) or not 1 <= address <= 254:
        raise local_error(f"评价器地址必须在 1–254 之间：{address!r}", f"pad address must be 1-254: {address!r}")
    return address


def _pad_state(answering: bool | None) -> str:
    return {True: "ok", False: "not_answering", None: "unknown"}[answering]
