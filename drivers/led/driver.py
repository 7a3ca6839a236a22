"""LED screens on one RS-485 bus, driven by one worker thread (CONVENTIONS.md rule 4).

:class:`LedBus` is the serial :class:`~drivers.led.screen.LedScreen` adapter. The
worker's command queue is the bus schedule: frames go out one at a time, in order,
and at least ``frame_gap`` seconds apart (about 100 ms between frames to different
screens, devices.md §3.4 "Observed conventions", S-23 ``Sleep(100)``). A frame whose
protocol has an answer waits up to ``reply_timeout`` for it; a screen that stays
silent fails that frame with ``DeviceTimeout`` and is marked not answering in the
status, and the next frame goes out on time all the same. Every ``check_interval`` a
silent screen is asked again with the newest frame meant for it (or the protocol's
check frame if nothing was sent to it yet), so a screen that comes back from a power
cut or a loose cable shows what it missed without waiting for the next call.
"""
from __future__ import annotations

import logging
import time
from collections import deque
from concurrent.futures import Future
from typing import Callable, Iterable, Sequence

from drivers.errors import DeviceTimeout, ProtocolError
from drivers.led.protocol import Colour, LedFrame, LedReply, Segment, TextPolicy, segments_of
from drivers.led.screen import Delivery, LedScreen
from drivers.led.vendors import make_codec
from drivers.status import DeviceStatus
from drivers.transport import set_rs485_direction
from drivers.worker import DeviceWorker

log = logging.getLogger(__name__)

DEFAULT_BAUDRATE = 9600  # every protocol of devices.md §3.4
READ_SLICE = 0.02


class LedBus(DeviceWorker, LedScreen):
    """Screens of one ``vendor`` at ``addresses`` on ``url``.

    Args:
        url: the port (serial path, ``socket://``, ``emu://led?vendor=…``).
        vendor: a name from :data:`drivers.led.vendors.VENDORS`.
        addresses: the screens' addresses; the first is the default target and all
            are checked every ``check_interval`` s where the protocol can check.
        text_policy: encoding and what to do with characters it cannot hold.
        codec_options: vendor options (平安力合: ``screen="strip"|"integrated"``).
        frame_gap, reply_timeout, retries: bus timing.
        rs485: ask the kernel for RS-485 direction control (off on ptys, devices.md §3.5).
    """

    kind = "led"

    def __init__(self, url: str, *, vendor: str | None = None, addresses: Iterable[int] = (1,),
                 text_policy: TextPolicy | None = None, codec_options: dict | None = None,
                 frame_gap: float = 0.1, reply_timeout: float = 0.3, retries: int = 0,
                 check_interval: float | None = 60.0, baudrate: int = DEFAULT_BAUDRATE, rs485: bool = False,
                 on_status=None, clock: Callable[[], float] = time.monotonic, **worker):
        open_options = {"baudrate": baudrate, "timeout": READ_SLICE, **worker.pop("open_options", {})}
        worker.setdefault("idle_interval", 0.05)
        super().__init__(url, on_status=on_status, open_options=open_options, **worker)
        self.codec = make_codec(vendor, text_policy, **(codec_options or {}))
        self.addresses = tuple(addresses) or (1,)
        self.frame_gap, self.reply_timeout, self.retries = frame_gap, reply_timeout, retries
        self.check_interval, self.rs485, self.clock = check_interval, rs485, clock
        self.sent_log: deque[tuple[float, int, str]] = deque(maxlen=512)  # (time, address, kind)
        self._answering: dict[int, bool | None] = {a: None for a in self.addresses}
        self._newest: dict[int, LedFrame] = {}   # the last frame queued for each screen
        self._rx = bytearray()
        self._last_end = float("-inf")
        self._next_check = float("inf")

    # -- LedScreen (any thread) ---------------------------------------------------------
    def show(self, text: str | Sequence[Segment | tuple], *, address: int | None = None,
             colour: Colour = Colour.RED) -> "Future[Delivery]":
        """Raises LedTextError at once for text the screen cannot show (policy ``reject``)."""
        return self.send(self.codec.text(self._target(address), segments_of(text, colour)))

    def show_call(self, ticket: str, window: int, *, address: int | None = None) -> "Future[Delivery]":
        return self.send(self.codec.call(self._target(address), ticket, window))

    def show_paused(self, *, address: int | None = None) -> "Future[Delivery]":
        return self.send(self.codec.paused(self._target(address)))

    def clear(self, *, address: int | None = None) -> "Future[Delivery]":
        return self.send(self.codec.clear(self._target(address)))

    def check(self, *, address: int | None = None) -> "Future[bool | None]":
        frame = self.codec.check(self._target(address))
        if frame is None:
            done: Future = Future()
            done.set_result(None)
            return done
        return self.submit(lambda port: self._probe(port, frame))

    def send(self, frame: LedFrame) -> "Future[Delivery]":
        """Queue any codec frame (e.g. ``codec.version(3)``, ``codec.serving(…)``) on the bus."""
        return self.submit(lambda port: self._deliver(port, frame))

    # -- DeviceWorker hooks (worker thread) ------------------------------------------
    def on_connected(self, port) -> None:
        set_rs485_direction(port, self.rs485)
        self._rx.clear()
        self._next_check = self.clock()  # first idle step checks every screen

    def healthy_status(self) -> DeviceStatus:
        return self._bus_status()

    def idle(self, port) -> None:
        self._read(port)
        self.codec.parse_replies(self._rx)  # late or unsolicited answers: nobody waits for them
        if self.check_interval and self.clock() >= self._next_check:
            self._next_check = self.clock() + self.check_interval
            for address in self.addresses:
                self._check_screen(port, address)

    # -- internals (worker thread) ------------------------------------------------------
    def _deliver(self, port, frame: LedFrame) -> Delivery:
        if frame.kind not in ("check", "version"):
            self._newest[frame.address] = frame
        return self._transmit(port, frame)

    def _check_screen(self, port, address: int) -> None:
        """Ask one screen whether it is there; a silent one that answers again gets its newest text.

        双色屏 have no status query (devices.md §3.4): a silent one is asked with its newest
        frame, which both proves it is back and puts the text up. A screen that was off has
        forgotten what it showed, so after a check that answers it is sent its text again.
        """
        newest, silent = self._newest.get(address), self._answering.get(address) is False
        probe = newest if silent and newest is not None and newest.expects else self.codec.check(address)
        if probe is not None and self._probe(port, probe) and silent and newest is not None and probe is not newest:
            self._probe(port, newest)

    def _probe(self, port, frame: LedFrame) -> bool:
        try:
            self._transmit(port, frame)
            return True
        except DeviceTimeout:
            return False

    def _transmit(self, port, frame: LedFrame) -> Delivery:
        """Send one frame after the bus gap; wait for its answer if the protocol has one."""
        for attempt in range(self.retries + 1):
            self._wait_gap()
            port.write(frame.data)
            self.sent_log.append((self.clock(), frame.address, frame.kind))
            reply = self._await_reply(port, frame) if frame.expects else None
            self._last_end = self.clock()
            if frame.expects is None:
                return Delivery(frame.address, frame.kind, None)
            if reply is not None:
                return self._settle(frame, reply)
        self._mark(frame.address, False)
        raise DeviceTimeout(f"LED 屏（地址 {frame.address}）无应答", f"LED screen at address {frame.address} did not answer")

    def _settle(self, frame: LedFrame, reply: LedReply) -> Delivery:
        self._mark(frame.address, True)
        if not reply.ok:
            raise ProtocolError(f"LED 屏（地址 {frame.address}）拒收了数据帧",
                                f"LED screen at address {frame.address} refused the frame", code="frame_refused")
        return Delivery(frame.address, frame.kind, True, reply.detail)

    def _wait_gap(self) -> None:
        delay = self._last_end + self.frame_gap - self.clock()
        if delay > 0:
            time.sleep(delay)  # the worker thread's own pause; callers hold only futures

    def _await_reply(self, port, frame: LedFrame) -> LedReply | None:
        deadline = self.clock() + self.reply_timeout
        while self.clock() < deadline:
            self._read(port)
            for reply in self.codec.parse_replies(self._rx):
                if reply.address == frame.address and reply.kind == frame.expects:
                    return reply
        return None

    def _read(self, port) -> None:
        data = port.read(max(1, port.in_waiting))
        if data:
            self._rx += data
            del self._rx[:-4096]  # a babbling line must not grow the buffer without bound

    def _mark(self, address: int, answering: bool) -> None:
        if self._answering.get(address) is not answering:
            self._answering[address] = answering
            if self.connected:
                self.set_status(self._bus_status())

    def _bus_status(self) -> DeviceStatus:
        silent = [a for a, ok in self._answering.items() if ok is False]
        details = {"vendor": self.codec.name,
                   "screens": {str(a): {True: "ok", False: "not_answering", None: "unknown"}[ok]
                               for a, ok in self._answering.items()}}
        if not silent:
            return DeviceStatus(self.kind, "ok", details=details)
        listed = ", ".join(map(str, silent))
        state = "unavailable" if len(silent) == len(self._answering) else "warning"
        return DeviceStatus(self.kind, state, f"LED 屏无应答（地址 {listed}）",
                            f"LED screen not answering (address {listed})", details)

    def _target(self, address: int | None) -> int:
        return self.addresses[0] if address is None else address
