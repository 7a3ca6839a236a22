"""Sans-I/O codec of the GA/T 467 SAM reader interface (devices.md §1.3–§1.7, §1.10).

Bytes in, typed values out, no I/O (as h11 does for HTTP): the driver writes what
:func:`encode_command` returns and feeds what it reads into a :class:`FrameParser`;
the emulator does the inverse with :func:`decode_command` and :func:`encode_response`.

Frame (both directions)::

    AA AA AA 96 69 | Len(2, big-endian) | payload | XOR checksum
    Len = len(payload) + 1; checksum = XOR of Len1, Len2 and the payload (§1.3)

A command payload is ``CMD PARA data``; a response payload is ``SW1 SW2 SW3 data``.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import Enum
from functools import reduce

from drivers.idcard.errors import (ChecksumError, FrameError, ReaderFault, SUCCESS_CODES,
                                   error_for_status)

PREAMBLE = b"\xAA\xAA\xAA\x96\x69"
HEADER_LEN = 7  # preamble + Len1 Len2
MIN_COMMAND_LEN = 3  # CMD PARA CHK
MIN_RESPONSE_LEN = 4  # SW1 SW2 SW3 CHK
# The largest legitimate frame is a read with 1024 fingerprint bytes: 2321 total, Len 0x090A
# (§1.7). Anything far above is a corrupted length: reject it rather than wait for it.
MAX_LEN = 0x1000
TEXT_LEN = 256
PHOTO_LEN = 1024
FINGERPRINT_LENS = (0, 512, 1024)


class Command(Enum):
    """Every command of the table in devices.md §1.4, as ``(CMD, PARA)``."""

    RESET = (0x10, 0xFF)
    SAM_STATUS = (0x11, 0xFF)
    SAM_ID = (0x12, 0xFF)
    FIND = (0x20, 0x01)
    SELECT = (0x20, 0x02)
    READ = (0x30, 0x01)
    READ_APPENDED_ADDRESS = (0x30, 0x03)
    READ_CHIP_NUMBER = (0x30, 0x05)
    READ_WITH_FINGERPRINT = (0x30, 0x10)
    SET_BAUD_115200 = (0x60, 0x00)
    SET_BAUD_57600 = (0x60, 0x01)
    SET_BAUD_38400 = (0x60, 0x02)
    SET_BAUD_19200 = (0x60, 0x03)
    SET_BAUD_9600 = (0x60, 0x04)
    SET_MAX_RF_FRAME = (0x61, 0xFF)

    @property
    def success(self) -> int:
        """The SW3 that means success for this command: 9F for find, 90 otherwise (§1.6)."""
        return 0x9F if self is Command.FIND else 0x90

    def frame(self, data: bytes = b"") -> bytes:
        """The complete command frame, e.g. FIND → ``AA AA AA 96 69 00 03 20 01 22``."""
        return encode_command(self, data)


BAUD_COMMANDS = {115200: Command.SET_BAUD_115200, 57600: Command.SET_BAUD_57600,
                 38400: Command.SET_BAUD_38400, 19200: Command.SET_BAUD_19200,
                 9600: Command.SET_BAUD_9600}
_BY_CODE = {c.value: c for c in Command}


def checksum(data: bytes) -> int:
    """XOR of all bytes; applied to Len1, Len2 and the payload (devices.md §1.3)."""
    return reduce(lambda acc, b: acc ^ b, data, 0)


def encode_frame(payload: bytes) -> bytes:
    """Wrap a payload in preamble, big-endian length and checksum."""
    if len(payload) + 1 > MAX_LEN:
        raise FrameError("帧数据过长", f"payload of {len(payload)} bytes is too long for a frame")
    body = (len(payload) + 1).to_bytes(2, "big") + payload
    return PREAMBLE + body + bytes([checksum(body)])


def encode_command(command: Command, data: bytes = b"") -> bytes:
    """Host → reader frame."""
    cmd, para = command.value
    return encode_frame(bytes([cmd, para]) + data)


def encode_response(sw3: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    """Reader → host frame (used by the emulator; the inverse of :func:`decode_response`)."""
    return encode_frame(bytes([sw1, sw2, sw3]) + data)


@dataclass(frozen=True)
class CommandFrame:
    """A decoded host → reader frame; ``command`` is None for a pair not in §1.4."""

    cmd: int
    para: int
    data: bytes = b""

    @property
    def command(self) -> Command | None:
        return _BY_CODE.get((self.cmd, self.para))


@dataclass(frozen=True)
class Response:
    """A decoded reader → host frame."""

    sw1: int
    sw2: int
    sw3: int
    data: bytes = b""

    @property
    def ok(self) -> bool:
        return self.sw3 in SUCCESS_CODES

    def expect(self, sw3: int = 0x90) -> "Response":
        """Return self if the status is ``sw3``; otherwise raise the typed error of §1.6."""
        if self.sw3 == sw3:
            return self
        if self.sw3 in SUCCESS_CODES:
            raise ReaderFault(f"读卡器返回了意外的状态码 {self.sw3:02X}",
                              f"the reader returned unexpected status {self.sw3:02X} (wanted {sw3:02X})",
                              sw3=self.sw3, code="idcard_unexpected_status")
        raise error_for_status(self.sw3, self.sw1, self.sw2)


def decode_command(payload: bytes) -> CommandFrame:
    """A command payload (without preamble, length and checksum)."""
    if len(payload) < 2:
        raise FrameError("命令帧过短", "command frame too short")
    return CommandFrame(payload[0], payload[1], bytes(payload[2:]))


def decode_response(payload: bytes) -> Response:
    """A response payload (without preamble, length and checksum)."""
    if len(payload) < 3:
        raise FrameError("应答帧过短", "response frame too short")
    return Response(payload[0], payload[1], payload[2], bytes(payload[3:]))


class FrameParser:
    """Streaming frame splitter that resynchronises on the preamble (devices.md §1.3).

    ``feed`` bytes as they arrive, then call :meth:`next_payload` until it returns
    None. A frame with a bad checksum or an impossible length raises
    :class:`ChecksumError` / :class:`FrameError` once; the parser has already moved
    one byte past that frame's preamble, so the next call carries on with whatever
    follows (a real frame hidden after garbage is still found).
    """

    def __init__(self, *, min_length: int = MIN_RESPONSE_LEN, max_length: int = MAX_LEN):
        self.min_length = min_length
        self.max_length = max_length
        self._buf = bytearray()
        self.discarded = 0  # garbage bytes dropped while hunting for a preamble

    def feed(self, data: bytes) -> None:
        self._buf += data

    def reset(self) -> None:
        self._buf.clear()

    @property
    def buffered(self) -> int:
        return len(self._buf)

    def next_payload(self) -> bytes | None:
        """The next complete frame's payload, or None until more bytes arrive."""
        if not self._sync():
            return None
        if len(self._buf) < HEADER_LEN:
            return None
        length = int.from_bytes(self._buf[5:7], "big")
        if not self.min_length <= length <= self.max_length:
            self._skip(1)
            raise FrameError("帧长度错误", f"impossible frame length {length}")
        total = HEADER_LEN + length
        if len(self._buf) < total:
            return None
        frame = bytes(self._buf[:total])
        if checksum(frame[5:-1]) != frame[-1]:
            self._skip(1)
            raise ChecksumError("数据帧校验和错误", "frame checksum mismatch")
        del self._buf[:total]
        return frame[HEADER_LEN:-1]

    def _sync(self) -> bool:
        """Drop bytes before the first preamble; keep a possible partial preamble at the end."""
        start = self._buf.find(PREAMBLE)
        if start < 0:
            keep = next((k for k in range(len(PREAMBLE) - 1, 0, -1) if self._buf.endswith(PREAMBLE[:k])), 0)
            self._skip(len(self._buf) - keep)
            return False
        self._skip(start)
        return True

    def _skip(self, n: int) -> None:
        del self._buf[:n]
        self.discarded += n


@dataclass(frozen=True)
class CardRecord:
    """What a read returns: text block, WLT photo, optional fingerprint (§1.7)."""

    text: bytes
    photo: bytes
    fingerprint: bytes = b""


def encode_read_data(record: CardRecord, *, with_fingerprint: bool) -> bytes:
    """The data after SW3 of a ``30 01`` (or, with fingerprint, ``30 10``) answer (§1.7)."""
    lens = [len(record.text), len(record.photo)]
    if with_fingerprint:
        lens.append(len(record.fingerprint))
    header = b"".join(n.to_bytes(2, "big") for n in lens)
    tail = record.fingerprint if with_fingerprint else b""
    return header + record.text + record.photo + tail


def decode_read_data(data: bytes, *, with_fingerprint: bool) -> CardRecord:
    """Split a read answer's data into text, photo and fingerprint; lengths must add up."""
    fields = 3 if with_fingerprint else 2
    if len(data) < 2 * fields:
        raise FrameError("读卡应答过短", "read answer too short for its length fields")
    lens = [int.from_bytes(data[i:i + 2], "big") for i in range(0, 2 * fields, 2)]
    if lens[0] != TEXT_LEN or len(data) != 2 * fields + sum(lens):
        raise FrameError("读卡应答长度不一致", f"read answer lengths {lens} do not match {len(data)} data bytes")
    pos = 2 * fields
    text, pos = data[pos:pos + lens[0]], pos + lens[0]
    photo, pos = data[pos:pos + lens[1]], pos + lens[1]
    fingerprint = data[pos:pos + lens[2]] if with_fingerprint else b""
    return CardRecord(bytes(text), bytes(photo), bytes(fingerprint))


_SAM_ID = struct.Struct("<HHIII")  # §1.10: two u16 then three u32, little-endian


def decode_sam_id(data: bytes) -> str:
    """Display form of the 16-byte SAM ID, ``05.01-20230101-0000012345-0123456789``.

    The first four groups follow S-08 (devices.md §1.10, [C]); the fourth group and
    the dotted layout are the common display form, marked [U] there.
    """
    if len(data) != _SAM_ID.size:
        raise FrameError("安全模块编号长度错误", f"SAM ID must be {_SAM_ID.size} bytes, got {len(data)}")
    a, b, c, d, e = _SAM_ID.unpack(data)
    return f"{a:02d}.{b:02d}-{c:08d}-{d:010d}-{e:010d}"


def encode_sam_id(sam_id: str) -> bytes:
    """Inverse of :func:`decode_sam_id` (for the emulator)."""
    try:
        head, c, d, e = sam_id.split("-")
        a, b = head.split(".")
        return _SAM_ID.pack(int(a), int(b), int(c), int(d), int(e))
    except (ValueError, struct.error) as exc:
        raise ValueError(f"not a SAM ID display form: {sam_id!r}") from exc
