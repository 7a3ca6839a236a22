"""HEP/1 framing: the byte layout shared by host and pad (protocols/evalpad.md "Frame").

Every frame is ``02 ADDR CMD SEQ LEN DATA CHK 03`` with CHK the XOR of ADDR..DATA.
:class:`FrameDecoder` turns a byte stream into :class:`Frame` and :class:`BadFrame`
items and resynchronises by discarding bytes up to the next ``02``. A frame whose ETX
sits where LEN says but whose CHK is wrong is dropped as a whole; a frame whose ETX is
wrong has untrustworthy boundaries, so scanning resumes one byte after its STX (a real
frame may hide inside a corrupted one).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

from drivers.errors import ProtocolError

STX, ETX = 0x02, 0x03
BROADCAST = 0x00
MAX_DATA = 200
HEADER_SIZE = 5  # STX ADDR CMD SEQ LEN


def checksum(body: bytes) -> int:
    """XOR of ADDR, CMD, SEQ, LEN and every DATA byte (evalpad.md "Frame")."""
    return reduce(lambda acc, b: acc ^ b, body, 0)


# -- frames ----------------------------------------------------------------------

@dataclass(frozen=True)
class Frame:
    """One well-formed frame."""

    address: int
    code: int
    seq: int
    data: bytes = b""

    def encode(self) -> bytes:
        """The frame's bytes on the wire; raises ProtocolError on out-of-range fields."""
        check_range("地址", "address", self.address, 0, 254)
        check_range("命令码", "command code", self.code, 0, 255)
        check_range("序号", "sequence number", self.seq, 0, 255)
        check_range("数据长度", "data length", len(self.data), 0, MAX_DATA)
        body = bytes((self.address, self.code, self.seq, len(self.data))) + bytes(self.data)
        return bytes((STX,)) + body + bytes((checksum(body), ETX))


@dataclass(frozen=True)
class BadFrame:
    """A frame dropped for a wrong CHK or ETX; its header fields may themselves be corrupt."""

    address: int
    code: int
    seq: int
    reason: str  # "checksum" or "etx"


class FrameDecoder:
    """Reassembles frames from arbitrary chunks of a byte stream.

    ``stale_after`` bounds how long an incomplete frame may wait for its remaining
    bytes: a lost byte or a noise ``02`` with a large LEN would otherwise hold back
    the frames behind it until 207 more bytes arrived.
    """

    def __init__(self, stale_after: float = 0.1):
        self._buf = bytearray()
        self._last_at = 0.0
        self.stale_after = stale_after
        self.discarded = 0  # bytes thrown away while resynchronising, for diagnostics

    def feed(self, data: bytes, now: float = 0.0) -> list[Frame | BadFrame]:
        """Add bytes received at ``now``; return the frames they complete."""
        if data:
            if self._buf and now - self._last_at > self.stale_after:
                self._drop(1)  # the partial frame went stale: resync after its STX
            self._buf.extend(data)
            self._last_at = now
        return self._parse()

    def expire(self, now: float) -> list[Frame | BadFrame]:
        """Give up on a partial frame no byte has extended for ``stale_after`` seconds."""
        if self._buf and now - self._last_at > self.stale_after:
            self._drop(1)
            return self._parse()
        return []

    @property
    def pending(self) -> int:
        return len(self._buf)

    def _drop(self, n: int) -> None:
        del self._buf[:n]
        self.discarded += n

    def _parse(self) -> list[Frame | BadFrame]:
        out: list[Frame | BadFrame] = []
        while True:
            start = self._buf.find(STX)
            if start < 0:
                self._drop(len(self._buf))
                return out
            self._drop(start)
            item = self._take_one()
            if item is None:
                return out
            if item is not _SKIPPED:
                out.append(item)

    def _take_one(self):
        buf = self._buf
        if len(buf) < HEADER_SIZE:
            return None
        address, code, seq, length = buf[1], buf[2], buf[3], buf[4]
        if length > MAX_DATA or address == 0xFF:
            self._drop(1)  # not a header: evalpad.md allows addresses 0–254, LEN ≤ 200
            return _SKIPPED
        total = HEADER_SIZE + length + 2
        if len(buf) < total:
            return None
        raw = bytes(buf[:total])
        if raw[-1] != ETX:
            self._drop(1)
            return BadFrame(address, code, seq, "etx")
        del self._buf[:total]  # consumed, good or not: its boundaries are sound
        if checksum(raw[1:-2]) != raw[-2]:
            return BadFrame(address, code, seq, "checksum")
        return Frame(address, code, seq, raw[HEADER_SIZE:-2])


_SKIPPED = object()


def check_range(zh: str, en: str, value: int, low: int, high: int) -> None:
    """Raise a ``bad_command`` ProtocolError unless ``low <= value <= high``."""
    if not isinstance(value, int) or not low <= value <= high:
        raise local_error(f"{zh}超出范围 {low}–{high}：{value!r}", f"{en} out of range {low}-{high}: {value!r}")


def local_error(zh: str, en: str) -> ProtocolError:
    """We were asked to send something HEP/1 cannot carry (h11's LocalProtocolError)."""
    return ProtocolError(zh, en, code="bad_command")


def remote_error(zh: str, en: str) -> ProtocolError:
    """The other side sent something that breaks HEP/1 (h11's RemoteProtocolError)."""
    return ProtocolError(zh, en, code="bad_frame")


