"""HEP/1, the hallterm evaluation pad protocol: a sans-I/O codec (protocols/evalpad.md).

Theory of operation
-------------------
Every frame is ``02 ADDR CMD SEQ LEN DATA CHK 03``; the framing (checksum, resync)
lives in :mod:`drivers.evalpad.frame` and is re-exported here.

Commands (host → pad) and messages (pad → host) are frozen dataclasses; the
``encode_*``/``decode_*`` functions map them to and from frame DATA. The session
rules (SEQ, retries, ACK, de-duplication) live in :mod:`drivers.evalpad.link`.

Interpretations where evalpad.md is silent (kept in one place, see docs/devices/evalpad.md):

* a pad's answer (``90``–``94``) carries the SEQ of the command it answers;
* the host's NAK of a bad pad frame uses the same code ``AF`` with DATA = that SEQ;
* RATING may carry an optional third field, reason codes separated by ``1E``
  (an extension proposal; v1 pads never send it and lose nothing).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

# Framing names are re-exported: callers need one import for the whole codec.
from drivers.evalpad.frame import (BROADCAST, ETX, MAX_DATA, STX, BadFrame, Frame, FrameDecoder,
                                   checksum, check_range, local_error, remote_error)

FIELD_SEP = 0x1F
REASON_SEP = 0x1E
MAX_TEXT_BYTES = 64  # SHOW_TEXT line limit, evalpad.md "Host → pad"


class Code(IntEnum):
    """Command and event codes of evalpad.md."""

    PING = 0x10
    SHOW_CLERK = 0x11
    ASK_RATING = 0x12
    IDLE = 0x13
    SHOW_TEXT = 0x14
    ACK = 0x20
    PONG = 0x90
    CLERK_SHOWN = 0x91
    RATING_ASKED = 0x92
    IDLED = 0x93
    TEXT_SHOWN = 0x94
    RATING = 0xA0
    RATING_TIMEOUT = 0xA1
    KEY = 0xA2
    NAK = 0xAF


ANSWER_OFFSET = 0x80  # a pad answers command C with C + 0x80 (PING 10 → PONG 90)
# What a pad obeys. NAK (AF) is in both sets: evalpad.md defines one NAK code and says
# any receiver answers a damaged frame with it; the address tells the pads apart.
HOST_CODES = frozenset({Code.PING, Code.SHOW_CLERK, Code.ASK_RATING, Code.IDLE, Code.SHOW_TEXT,
                        Code.ACK, Code.NAK})

LEVEL_LABELS = {1: "非常不满意", 2: "不满意", 3: "基本满意", 4: "满意", 5: "非常满意"}
KEY_NAMES = {1: "call_next", 2: "recall", 3: "no_show", 4: "start", 5: "finish",
             6: "pause", 7: "resume", 8: "help"}
KEY_CODES = {name: code for code, name in KEY_NAMES.items()}


# -- host → pad commands ------------------------------------------------------------

@dataclass(frozen=True)
class Ping:
    """Are you there? The pad answers PONG with its firmware version."""

    code = Code.PING


@dataclass(frozen=True)
class ShowClerk:
    """Show the clerk on duty: staff number, name, window number."""

    code = Code.SHOW_CLERK
    staff_number: str
    name: str
    window: str


@dataclass(frozen=True)
class AskRating:
    """Prompt the resident to rate ``ticket``; the pad gives up after ``timeout_s``."""

    code = Code.ASK_RATING
    ticket: str
    timeout_s: int = 60


@dataclass(frozen=True)
class Idle:
    """Clear the prompt; a pending rating is abandoned."""

    code = Code.IDLE


@dataclass(frozen=True)
class ShowText:
    """One line of text (GB18030, at most 64 bytes)."""

    code = Code.SHOW_TEXT
    text: str


@dataclass(frozen=True)
class Ack:
    """The host's acknowledgement of the pad event numbered ``event_seq``."""

    code = Code.ACK
    event_seq: int


@dataclass(frozen=True)
class Nak:
    """Either side's report that the frame numbered ``bad_seq`` arrived damaged."""

    code = Code.NAK
    bad_seq: int


HostCommand = Ping | ShowClerk | AskRating | Idle | ShowText | Ack | Nak


def encode_command(command: HostCommand) -> bytes:
    """DATA bytes of a host command; raises ProtocolError for values HEP/1 cannot carry."""
    if isinstance(command, ShowClerk):
        return _limit(_join(_ascii("工号", "staff number", command.staff_number),
                            _text("姓名", "name", command.name, MAX_DATA),
                            _ascii("窗口号", "window number", command.window)))
    if isinstance(command, AskRating):
        check_range("评价超时秒数", "rating timeout seconds", command.timeout_s, 10, 255)
        return _join(_ascii("票号", "ticket number", command.ticket), bytes((command.timeout_s,)))
    if isinstance(command, ShowText):
        return _text("显示文字", "text", command.text, MAX_TEXT_BYTES)
    if isinstance(command, (Ack, Nak)):
        value = command.event_seq if isinstance(command, Ack) else command.bad_seq
        check_range("序号", "sequence number", value, 0, 255)
        return bytes((value,))
    return b""


def decode_command(frame: Frame) -> HostCommand:
    """The pad side: the command carried by a host frame (used by the emulator)."""
    decoder = _COMMAND_DECODERS.get(frame.code)
    if decoder is None:
        raise remote_error(f"未知命令码 {frame.code:02X}", f"unknown command code {frame.code:02X}")
    try:
        return decoder(frame.data, frame.data.split(bytes((FIELD_SEP,))))
    except (ValueError, UnicodeDecodeError) as exc:
        raise remote_error(f"命令 {frame.code:02X} 的数据有误：{exc}", f"bad data in command {frame.code:02X}: {exc}") from exc


def _decode_ask(data: bytes, fields: list[bytes]) -> AskRating:
    if len(fields) != 2 or len(fields[1]) != 1:
        raise ValueError("expected ticket 1F timeout")
    return AskRating(_parse_ascii(fields[0]), fields[1][0])


def _decode_clerk(data: bytes, fields: list[bytes]) -> ShowClerk:
    if len(fields) != 3:
        raise ValueError("expected staff number 1F name 1F window")
    return ShowClerk(_parse_ascii(fields[0]), fields[1].decode("gb18030"), _parse_ascii(fields[2]))


def _one_byte(data: bytes) -> int:
    if len(data) != 1:
        raise ValueError("expected one byte")
    return data[0]


_COMMAND_DECODERS = {
    Code.PING: lambda d, f: Ping(),
    Code.SHOW_CLERK: _decode_clerk,
    Code.ASK_RATING: _decode_ask,
    Code.IDLE: lambda d, f: Idle(),
    Code.SHOW_TEXT: lambda d, f: ShowText(d.decode("gb18030")),
    Code.ACK: lambda d, f: Ack(_one_byte(d)),
    Code.NAK: lambda d, f: Nak(_one_byte(d)),
}


# -- pad → host messages ------------------------------------------------------------

@dataclass(frozen=True)
class Answer:
    """A pad's answer to a command: ``code`` is the answer code (PONG 90 … 94)."""

    code: int
    data: bytes = b""

    @property
    def firmware(self) -> str:
        """PONG's DATA, the firmware version (ASCII)."""
        return self.data.decode("ascii", "replace")


@dataclass(frozen=True)
class RatingEvent:
    level: int
    ticket: str
    reasons: tuple[str, ...] = ()
    code = Code.RATING


@dataclass(frozen=True)
class RatingTimeoutEvent:
    ticket: str
    code = Code.RATING_TIMEOUT


@dataclass(frozen=True)
class KeyEvent:
    key: str  # one of KEY_NAMES' values
    code = Code.KEY


PadMessage = Answer | RatingEvent | RatingTimeoutEvent | KeyEvent | Nak


def encode_message(message: PadMessage) -> tuple[int, bytes]:
    """The pad side: (code, DATA) of a message (used by the emulator)."""
    if isinstance(message, Answer):
        return message.code, message.data
    if isinstance(message, RatingEvent):
        check_range("评价等级", "rating level", message.level, 1, 5)
        data = _join(bytes((message.level,)), _ascii("票号", "ticket number", message.ticket))
        if message.reasons:
            reasons = bytes((REASON_SEP,)).join(_text("原因", "reason", r, MAX_DATA) for r in message.reasons)
            data = _join(data, reasons)
        return Code.RATING, _limit(data)
    if isinstance(message, RatingTimeoutEvent):
        return Code.RATING_TIMEOUT, _ascii("票号", "ticket number", message.ticket)
    if isinstance(message, KeyEvent):
        if message.key not in KEY_CODES:
            raise local_error(f"未知按键 {message.key}", f"unknown key {message.key!r}")
        return Code.KEY, bytes((KEY_CODES[message.key],))
    return Code.NAK, bytes((message.bad_seq,))


def decode_message(frame: Frame) -> PadMessage:
    """The host side: the message carried by a pad frame; ProtocolError if malformed."""
    code = frame.code
    try:
        if Code.PONG <= code <= Code.TEXT_SHOWN:
            return Answer(code, frame.data)
        if code == Code.RATING:
            return _decode_rating(frame.data)
        if code == Code.RATING_TIMEOUT:
            return RatingTimeoutEvent(_parse_ascii(frame.data))
        if code == Code.KEY:
            return KeyEvent(KEY_NAMES[_one_byte(frame.data)])
        if code == Code.NAK:
            return Nak(_one_byte(frame.data))
    except (ValueError, KeyError, UnicodeDecodeError) as exc:
        raise remote_error(f"评价器消息 {code:02X} 的数据有误：{exc}", f"bad data in pad message {code:02X}: {exc!r}") from exc
    raise remote_error(f"未知的评价器消息 {code:02X}", f"unknown pad message code {code:02X}")


def _decode_rating(data: bytes) -> RatingEvent:
    fields = data.split(bytes((FIELD_SEP,)))
    if len(fields) not in (2, 3) or len(fields[0]) != 1 or not 1 <= fields[0][0] <= 5:
        raise ValueError("expected level(1..5) 1F ticket [1F reasons]")
    reasons: tuple[str, ...] = ()
    if len(fields) == 3 and fields[2]:
        reasons = tuple(r.decode("gb18030") for r in fields[2].split(bytes((REASON_SEP,))))
    return RatingEvent(fields[0][0], _parse_ascii(fields[1]), reasons)


# -- field helpers ---------------------------------------------------------------

def _join(*parts: bytes) -> bytes:
    return bytes((FIELD_SEP,)).join(parts)


def _limit(data: bytes) -> bytes:
    check_range("数据长度", "data length", len(data), 0, MAX_DATA)
    return data


def _ascii(zh: str, en: str, value: str) -> bytes:
    if not value or not value.isascii() or not value.isprintable():
        raise local_error(f"{zh}必须是非空的可打印 ASCII：{value!r}", f"{en} must be non-empty printable ASCII: {value!r}")
    return _limit(value.encode("ascii"))


def _parse_ascii(raw: bytes) -> str:
    text = raw.decode("ascii")
    if not text or not text.isprintable():
        raise ValueError("empty or unprintable ASCII field")
    return text


def _text(zh: str, en: str, value: str, max_bytes: int) -> bytes:
    if not value.isprintable():
        raise local_error(f"{zh}含有控制字符", f"{en} contains control characters")
    try:
        raw = value.encode("gb18030")
    except UnicodeEncodeError as exc:  # lone surrogates: the only thing GB18030 cannot hold
        raise local_error(f"{zh}含有无法编码的字符", f"{en} holds characters GB18030 cannot encode") from exc
    if len(raw) > max_bytes:
        raise local_error(f"{zh}过长：{len(raw)} 字节，最多 {max_bytes} 字节",
                     f"{en} too long: {len(raw)} bytes, at most {max_bytes}")
    return raw
