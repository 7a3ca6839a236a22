"""The host's half of a HEP/1 bus: SEQ, retries, ACK, NAK and de-duplication.

Theory of operation (protocols/evalpad.md "Host → pad" and "Pad → host"):

* The host numbers every frame it sends (commands, ACKs, NAKs) from one SEQ counter
  that wraps at 256; a retransmission reuses the SEQ of the original.
* One addressed command is outstanding at a time: on a half-duplex RS-485 bus the
  next host frame could collide with the pad's answer. With no answer within
  ``answer_timeout`` (300 ms) the same frame is resent, up to ``retries`` (3) times,
  then the command fails and the pad counts as unavailable. A NAK from the pad
  naming the outstanding SEQ resends at once and counts as one of those attempts.
  Broadcasts (address 0) get no answer and are never outstanding.
* Every event (``A0``–``AF``) is acknowledged with ``20`` ACK carrying its SEQ, even a
  repeat: the pad repeats because our earlier ACK was lost. A repeated (ADDR, CMD,
  SEQ) seen within ``dedupe_window`` (10 s) of its last sighting is not delivered
  again, so a rating is never counted twice.
* A damaged frame from a configured pad is answered with NAK (its SEQ as read).

Sans-I/O, as h11: :meth:`HostLink.send` returns bytes to write; :meth:`receive_data`
and :meth:`tick` return link events and queue ACK/NAK/retransmission bytes that
:meth:`data_to_send` hands over. Time comes from the injected ``clock``.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Callable, Iterable

from drivers.evalpad.protocol import (
    ANSWER_OFFSET, BROADCAST, Ack, Answer, BadFrame, Code, Frame, FrameDecoder, HostCommand, KeyEvent,
    Nak, RatingEvent, RatingTimeoutEvent, decode_message, encode_command, local_error,
)
from drivers.errors import ProtocolError

Clock = Callable[[], float]


@dataclass(frozen=True)
class Replied:
    """The outstanding command was answered."""

    address: int
    command: HostCommand
    answer: Answer


@dataclass(frozen=True)
class CommandFailed:
    """The outstanding command got no answer after every attempt."""

    address: int
    command: HostCommand
    attempts: int


@dataclass(frozen=True)
class EventReceived:
    """A new (not repeated) pad event."""

    address: int
    seq: int
    message: RatingEvent | RatingTimeoutEvent | KeyEvent


@dataclass(frozen=True)
class FrameRejected:
    """A frame that was dropped; ``reason`` is a short code for logs and diagnostics."""

    address: int
    reason: str


LinkEvent = Replied | CommandFailed | EventReceived | FrameRejected


@dataclass
class _Outstanding:
    address: int
    command: HostCommand
    seq: int
    raw: bytes
    sent_at: float
    attempts: int = 1


class HostLink:
    """The bus master's protocol state for the pads at ``addresses``."""

    def __init__(self, clock: Clock, *, addresses: Iterable[int] = (1,), answer_timeout: float = 0.3,
                 retries: int = 3, dedupe_window: float = 10.0, first_seq: int = 0):
        self._clock = clock
        self.addresses = frozenset(addresses)
        self.answer_timeout = answer_timeout
        self.retries = retries
        self.dedupe_window = dedupe_window
        self._seq = first_seq & 0xFF
        self._decoder = FrameDecoder()
        self._outgoing = bytearray()
        self._outstanding: _Outstanding | None = None
        self._seen: dict[tuple[int, int, int], float] = {}

    @property
    def busy(self) -> bool:
        """True while an addressed command waits for its answer."""
        return self._outstanding is not None

    def send(self, address: int, command: HostCommand) -> bytes:
        """Frame ``command`` for ``address`` and return the bytes to write.

        Raises:
            ProtocolError: the command cannot be encoded, or another is still outstanding.
        """
        if self._outstanding is not None:
            raise local_error("上一条命令尚未得到应答", "the previous command is still waiting for its answer")
        raw = self._frame(address, command)
        if address != BROADCAST:
            self._outstanding = _Outstanding(address, command, raw[3], raw, self._clock())
        return raw

    def receive_data(self, data: bytes) -> list[LinkEvent]:
        """Feed bytes read from the bus; return what they mean."""
        now = self._clock()
        return self._handle(self._decoder.feed(data, now), now)

    def tick(self) -> list[LinkEvent]:
        """Advance timers: stale partial frames, answer timeouts and retransmissions."""
        now = self._clock()
        events = self._handle(self._decoder.expire(now), now)
        pending = self._outstanding
        if pending is not None and now - pending.sent_at >= self.answer_timeout:
            events.extend(self._resend(pending, now))
        return events

    def reset(self) -> None:
        """Forget partial frames, queued bytes and the outstanding command (after a reconnect).

        The SEQ counter and the de-duplication memory survive: a pad that repeats an
        event across a replug must still not have it counted twice.
        """
        self._decoder = FrameDecoder()
        self._outgoing.clear()
        self._outstanding = None

    def data_to_send(self) -> bytes:
        """Bytes queued by receive_data/tick (ACK, NAK, retransmissions); clears the queue."""
        out, self._outgoing = bytes(self._outgoing), bytearray()
        return out

    # -- internals ----------------------------------------------------------------
    def _frame(self, address: int, command: HostCommand) -> bytes:
        data = encode_command(command)
        raw = Frame(address, command.code, self._seq, data).encode()
        self._seq = (self._seq + 1) & 0xFF
        return raw

    def _resend(self, pending: _Outstanding, now: float) -> list[LinkEvent]:
        if pending.attempts > self.retries:
            self._outstanding = None
            return [CommandFailed(pending.address, pending.command, pending.attempts)]
        self._outgoing += pending.raw
        pending.attempts += 1
        pending.sent_at = now
        return []

    def _handle(self, items: list[Frame | BadFrame], now: float) -> list[LinkEvent]:
        events: list[LinkEvent] = []
        for item in items:
            if isinstance(item, BadFrame):
                events.extend(self._on_bad(item))
            elif item.code >= 0x80:  # codes below 80 are host frames: our own echo on the bus
                events.extend(self._on_frame(item, now))
        return events

    def _on_bad(self, bad: BadFrame) -> list[LinkEvent]:
        if bad.address in self.addresses and bad.code >= 0x80:
            self._outgoing += self._frame(bad.address, Nak(bad.seq))
        return [FrameRejected(bad.address, bad.reason)]

    def _on_frame(self, frame: Frame, now: float) -> list[LinkEvent]:
        if frame.address not in self.addresses:
            return [FrameRejected(frame.address, "unknown_address")]
        if Code.RATING <= frame.code <= Code.NAK:  # A0–AF: events, acknowledged even if unknown
            return self._on_event(frame, now)
        return self._on_answer(frame)

    def _on_answer(self, frame: Frame) -> list[LinkEvent]:
        pending = self._outstanding
        if pending is None or pending.address != frame.address or frame.code != pending.command.code + ANSWER_OFFSET:
            return [FrameRejected(frame.address, "unexpected_answer")]
        self._outstanding = None
        return [Replied(frame.address, pending.command, Answer(frame.code, frame.data))]

    def _on_event(self, frame: Frame, now: float) -> list[LinkEvent]:
        self._outgoing += self._frame(frame.address, Ack(frame.seq))
        if self._repeated((frame.address, frame.code, frame.seq), now):
            return []
        try:
            message = decode_message(frame)
        except ProtocolError:
            return [FrameRejected(frame.address, "bad_event")]
        if isinstance(message, Nak):
            return self._on_nak(frame.address, message, now)
        return [EventReceived(frame.address, frame.seq, message)]

    def _on_nak(self, address: int, nak: Nak, now: float) -> list[LinkEvent]:
        pending = self._outstanding
        if pending is None or pending.address != address or pending.seq != nak.bad_seq:
            return [FrameRejected(address, "stale_nak")]
        return self._resend(pending, now)

    def _repeated(self, key: tuple[int, int, int], now: float) -> bool:
        """evalpad.md: a repeated (ADDR, CMD, SEQ) within 10 s is the same event."""
        for old in [k for k, at in self._seen.items() if now - at > self.dedupe_window]:
            del self._seen[old]
        repeated = key in self._seen
        self._seen[key] = now
        return repeated


# -- rating requests -------------------------------------------------------------------

@dataclass(frozen=True)
class RatingRequest:
    """One ASK_RATING the host is waiting on."""

    address: int
    ticket: str
    request_id: str
    deadline: float


class RatingRequests:
    """Which ticket each pad was asked to rate, so a rating finds its request id.

    The pad reports RATING_TIMEOUT itself; ``grace`` seconds after the pad's own
    deadline the host gives up too (a pad that died mid-prompt must not leave the
    clerk's console waiting forever).
    """

    def __init__(self, clock: Clock, *, grace: float = 5.0,
                 new_id: Callable[[], str] = lambda: uuid.uuid4().hex):
        self._clock = clock
        self.grace = grace
        self._new_id = new_id
        self._open: dict[int, RatingRequest] = {}

    def open(self, address: int, ticket: str, timeout_s: int) -> RatingRequest:
        """Record a new request for ``address``; it replaces one still open there."""
        request = RatingRequest(address, ticket, self._new_id(), self._clock() + timeout_s + self.grace)
        self._open[address] = request
        return request

    def discard(self, address: int, request_id: str | None = None) -> None:
        """Forget the open request at ``address`` (only if it is ``request_id`` when given)."""
        current = self._open.get(address)
        if current is not None and request_id in (None, current.request_id):
            del self._open[address]

    def settle(self, address: int, ticket: str) -> str | None:
        """Close the request this rating or timeout answers; its id, or None if unsolicited."""
        current = self._open.get(address)
        if current is None or current.ticket != ticket:
            return None
        del self._open[address]
        return current.request_id

    def expired(self) -> list[RatingRequest]:
        """Close and return requests past their deadline."""
        now = self._clock()
        late = [r for r in self._open.values() if now >= r.deadline]
        for request in late:
            del self._open[request.address]
        return late

    def pending(self, address: int) -> RatingRequest | None:
        return self._open.get(address)

