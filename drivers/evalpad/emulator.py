"""A HEP/1 pad played in software, for tests, demos and ``python -m drivers emulate evalpad``.

:class:`PadEmulator` is the device side of protocols/evalpad.md built on the same
codec: it answers commands (repeated commands are answered again, not re-executed),
shows a prompt after ASK_RATING, and sends RATING / RATING_TIMEOUT / KEY events that
it repeats every 500 ms, up to three times, until the host ACKs them. Tests press
the pad with :meth:`press_rating` and :meth:`press_key`. :class:`PadBus` puts several
pads on one emulated RS-485 bus: every pad sees every frame, as on the real wire.

Scenarios:

* ``normal`` — a well-behaved pad;
* ``repeats`` — sends every event twice at once and ignores the two ACKs that
  answer that first round (as if both were lost), so the host sees each event a
  third time 500 ms later;
* ``silent`` — never answers or sends anything (a dead or unpowered pad);
* ``corrupt`` — every second frame it sends has a wrong checksum;
* ``nak_first`` — answers the first copy of each command with NAK, as if it had
  arrived damaged;
* ``demo`` — rates every request 非常满意 one second after being asked.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterable

from drivers.evalpad.pad import Clerk
from drivers.evalpad.protocol import (
    ANSWER_OFFSET, BROADCAST, HOST_CODES, KEY_CODES, KEY_NAMES, Ack, AskRating, BadFrame, Frame,
    FrameDecoder, Idle, KeyEvent, Nak, Ping, RatingEvent, RatingTimeoutEvent, ShowClerk, ShowText, decode_command, encode_message,
)
from drivers.errors import ProtocolError

SCENARIOS = ("normal", "repeats", "silent", "corrupt", "nak_first", "demo")
FIRMWARE = "HEP1-EMU 1.0"


@dataclass
class Prompt:
    """The rating prompt on the pad's screen."""

    ticket: str
    deadline: float


@dataclass
class _Unacked:
    raw: bytes
    sent_at: float
    sends: int
    acks_to_ignore: int


class PadEmulator:
    """One pad at ``address``; see the module docstring for ``scenario``."""

    def __init__(self, address: int = 1, *, scenario: str | None = None, firmware: str = FIRMWARE,
                 auto_rating: int | None = None, auto_delay: float = 1.0, resend_after: float = 0.5,
                 resends: int = 3, clock: Callable[[], float] = time.monotonic):
        scenario = scenario or "normal"
        if scenario not in SCENARIOS:
            raise ValueError(f"unknown evalpad scenario {scenario!r}; choose from {', '.join(SCENARIOS)}")
        self.address, self.scenario, self.firmware = address, scenario, firmware
        self.auto_rating = 5 if scenario == "demo" and auto_rating is None else auto_rating
        self.auto_delay, self.resend_after, self.resends, self._clock = auto_delay, resend_after, resends, clock
        self._lock = threading.RLock()
        self._decoder = FrameDecoder()
        self._seq = 0
        self._outbox = bytearray()
        self._unacked: dict[int, _Unacked] = {}
        self._last_command: tuple[int, int] | None = None
        self._naked: set[tuple[int, int]] = set()
        self._auto_at: float | None = None
        self._sent_count = 0
        self.prompt: Prompt | None = None
        self.clerk: Clerk | None = None
        self.text = ""
        self.commands: list = []  # commands executed, in order (repeats not included)
        self.frames_in: list[Frame] = []  # every good frame addressed to this pad, repeats included
        self.frames_out: list[bytes] = []  # every frame sent, damaged copies included
        self.bad_frames = 0  # damaged frames addressed to this pad
        self.acked: list[int] = []  # event SEQs the host acknowledged
        self.abandoned: list[int] = []  # event SEQs given up after the last resend

    # -- the tester's hands -----------------------------------------------------------
    def press_rating(self, level: int, reasons: Iterable[str] = ()) -> bool:
        """The resident taps a level; False (and nothing sent) when no prompt is shown."""
        with self._lock:
            if self.prompt is None or self.scenario == "silent":
                return False
            ticket, self.prompt, self._auto_at = self.prompt.ticket, None, None
            self._emit(RatingEvent(level, ticket, tuple(reasons)), self._clock())
            return True

    def press_key(self, key: str | int) -> bool:
        """The clerk presses a caller key (name from KEY_NAMES or its code)."""
        name = KEY_NAMES[key] if isinstance(key, int) else key
        if name not in KEY_CODES:
            raise ValueError(f"unknown key {key!r}")
        with self._lock:
            if self.scenario == "silent":
                return False
            self._emit(KeyEvent(name), self._clock())
            return True

    def let_prompt_expire(self) -> None:
        """Skip to the prompt's deadline: the next poll sends RATING_TIMEOUT."""
        with self._lock:
            if self.prompt is not None:
                self.prompt.deadline = self._clock()

    @property
    def unacked(self) -> list[int]:
        with self._lock:
            return sorted(self._unacked)

    # -- PtyHost device interface -------------------------------------------------------
    def receive(self, data: bytes) -> bytes:
        """Bytes from the host; returns the pad's immediate answers."""
        with self._lock:
            now = self._clock()
            for item in self._decoder.feed(data, now):
                self._on_item(item, now)
            return self._take_outbox()

    def poll(self, now: float) -> bytes:
        """Timers: resends, prompt timeout, automatic rating; returns bytes to send.

        ``now`` (PtyHost's monotonic time) is ignored in favour of the injected clock,
        which tests may replace.
        """
        with self._lock:
            now = self._clock()
            self._resend_due(now)
            if self.prompt is not None and self._auto_at is not None and now >= self._auto_at:
                self.press_rating(self.auto_rating)
            if self.prompt is not None and now >= self.prompt.deadline:
                ticket, self.prompt = self.prompt.ticket, None
                self._emit(RatingTimeoutEvent(ticket), now)
            return self._take_outbox()

    # -- internals ------------------------------------------------------------------------
    def _take_outbox(self) -> bytes:
        out, self._outbox = bytes(self._outbox), bytearray()
        return b"" if self.scenario == "silent" else out

    def _on_item(self, item, now: float) -> None:
        if isinstance(item, BadFrame):
            if item.address == self.address and item.code in HOST_CODES:
                self.bad_frames += 1
                self._emit(Nak(item.seq), now)
            return
        if item.code not in HOST_CODES or item.address not in (self.address, BROADCAST):
            return  # another pad's frame, or a frame for another address
        self.frames_in.append(item)
        if self.scenario == "silent":
            return
        try:
            command = decode_command(item)
        except ProtocolError:
            return  # well framed but meaningless: evalpad.md NAKs only CHK/ETX faults
        self._on_command(item, command, now)

    def _on_command(self, frame: Frame, command, now: float) -> None:
        if isinstance(command, Ack):
            self._on_ack(command.event_seq)
        elif isinstance(command, Nak):
            self._on_host_nak(command.bad_seq, now)
        elif self.scenario == "nak_first" and frame.address != BROADCAST and (frame.code, frame.seq) not in self._naked:
            self._naked.add((frame.code, frame.seq))
            self._emit(Nak(frame.seq), now)
        else:
            key = (frame.code, frame.seq)
            if key != self._last_command:  # a resent command is answered again, not re-run
                self._last_command = key
                self.commands.append(command)
                self._execute(command, now)
            if frame.address != BROADCAST:
                self._send(Frame(self.address, frame.code + ANSWER_OFFSET, frame.seq, self._answer_data(command)).encode())

    def _execute(self, command, now: float) -> None:
        if isinstance(command, ShowClerk):
            self.clerk = Clerk(command.staff_number, command.name, command.window)
        elif isinstance(command, AskRating):
            self.prompt = Prompt(command.ticket, now + command.timeout_s)
            self._auto_at = now + self.auto_delay if self.auto_rating else None
        elif isinstance(command, Idle):
            self.prompt, self._auto_at, self.text = None, None, ""
        elif isinstance(command, ShowText):
            self.text = command.text

    def _answer_data(self, command) -> bytes:
        return self.firmware.encode("ascii") if isinstance(command, Ping) else b""

    def _on_ack(self, seq: int) -> None:
        pending = self._unacked.get(seq)
        if pending is None:
            return
        if pending.acks_to_ignore:
            pending.acks_to_ignore -= 1
            return
        del self._unacked[seq]
        self.acked.append(seq)

    def _on_host_nak(self, seq: int, now: float) -> None:
        pending = self._unacked.get(seq)
        if pending is not None:
            pending.sent_at = now
            self._send(pending.raw)

    def _emit(self, message, now: float) -> None:
        code, data = encode_message(message)
        seq, self._seq = self._seq, (self._seq + 1) & 0xFF
        raw = Frame(self.address, code, seq, data).encode()
        repeats = self.scenario == "repeats"
        self._unacked[seq] = _Unacked(raw, now, 1, 2 if repeats else 0)
        self._send(raw)
        if repeats:
            self._send(raw)

    def _resend_due(self, now: float) -> None:
        for seq, pending in list(self._unacked.items()):
            if now - pending.sent_at < self.resend_after:
                continue
            if pending.sends > self.resends:
                del self._unacked[seq]
                self.abandoned.append(seq)
                continue
            pending.sends += 1
            pending.sent_at = now
            self._send(pending.raw)

    def _send(self, raw: bytes) -> None:
        self._sent_count += 1
        if self.scenario == "corrupt" and self._sent_count % 2 == 1:
            raw = raw[:-2] + bytes((raw[-2] ^ 0xFF, raw[-1]))
        self.frames_out.append(raw)
        self._outbox += raw


class PadBus:
    """Several emulated pads on one bus; each sees every frame and answers its own."""

    def __init__(self, pads: Iterable[PadEmulator]):
        self.pads = {pad.address: pad for pad in pads}

    def __getitem__(self, address: int) -> PadEmulator:
        return self.pads[address]

    def receive(self, data: bytes) -> bytes:
        return b"".join(pad.receive(data) for pad in self.pads.values())

    def poll(self, now: float) -> bytes:
        return b"".join(pad.poll(now) for pad in self.pads.values())
