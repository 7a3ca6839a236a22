"""LED window and strip screens: what every vendor codec shares (devices.md §3.4). Pure.

Theory of operation
-------------------
LED screens have no common protocol (devices.md §3.1); the published ones share a
shape: RS-485 at 9600 8N1, a one-byte address so several screens share a bus, a
header, a command, GB2312/GBK text, a checksum and an optional answer (§3.4
"Observed conventions"). A :class:`LedCodec` turns what the application wants
shown into one :class:`LedFrame` and parses the screens' answers into
:class:`LedReply` items; it also decodes frames the way a screen would
(:meth:`LedCodec.decode_commands`), which the emulator uses, so both sides share
one codec. Each vendor lives in :mod:`drivers.led.vendors`.

Text that the screen's character set cannot hold is rejected with a message naming
the character, or replaced, as :class:`TextPolicy` says.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Iterable, Sequence

from drivers.errors import ProtocolError

CALL_TEMPLATE = "请{ticket}号到{window}号窗口"  # the hall's wording, DESIGN.md "everyone in the hall"
PAUSED_TEXT = "暂停服务"


class Colour(IntEnum):
    """Colour codes both published protocols use (§3.4 (b) byte 9, (c) colour byte)."""

    RED = 0
    GREEN = 1
    YELLOW = 2


@dataclass(frozen=True)
class Segment:
    """A run of text in one colour."""

    text: str
    colour: Colour = Colour.RED


class LedTextError(ProtocolError):
    """Text the screen's character set cannot show."""

    code = "text_not_encodable"


@dataclass(frozen=True)
class TextPolicy:
    """How text becomes screen bytes.

    ``encoding``: ``gb2312`` or ``gbk`` (None: the vendor's default); ``unencodable``:
    ``reject`` raises :class:`LedTextError`, ``replace`` puts ``replacement`` instead.
    """

    encoding: str | None = None
    unencodable: str = "reject"
    replacement: str = "?"

    def __post_init__(self):
        if self.unencodable not in ("reject", "replace"):
            raise ValueError(f"unencodable must be 'reject' or 'replace', not {self.unencodable!r}")


def encode_text(text: str, policy: TextPolicy, default_encoding: str = "gb2312") -> bytes:
    """Encode ``text`` for a screen; raises LedTextError naming the first bad character."""
    encoding = policy.encoding or default_encoding
    out = bytearray()
    for char in text:
        try:
            out += char.encode(encoding)
        except UnicodeEncodeError:
            if policy.unencodable == "reject" or char == policy.replacement:
                raise LedTextError(f"字符“{char}”（U+{ord(char):04X}）无法用 {encoding.upper()} 显示",
                                   f"character {char!r} (U+{ord(char):04X}) cannot be shown in {encoding}") from None
            out += encode_text(policy.replacement, TextPolicy(encoding), encoding)
    return bytes(out)


def segments_of(text: str | Sequence[Segment | tuple], colour: Colour = Colour.RED) -> tuple[Segment, ...]:
    """Normalise ``show()``'s text argument: a string, or (text, colour) pairs."""
    if isinstance(text, str):
        return (Segment(text, Colour(colour)),)
    return tuple(s if isinstance(s, Segment) else Segment(s[0], Colour(s[1])) for s in text)


def split_ticket(ticket: str) -> tuple[str, int]:
    """``A023`` → (``A``, 23): an optional letter prefix and a number 0–9999."""
    prefix = ticket[:1] if ticket[:1].isascii() and ticket[:1].isalpha() else ""
    digits = ticket[len(prefix):]
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 4:
        raise ProtocolError(f"票号“{ticket}”无法发送到屏幕：需要可选字母加最多 4 位数字",
                            f"ticket {ticket!r} cannot be sent: one optional letter and up to 4 digits",
                            code="bad_command")
    return prefix.upper(), int(digits)


def check_byte(zh: str, en: str, value: int, high: int = 255) -> int:
    """Raise a ``bad_command`` ProtocolError unless 0 <= value <= high."""
    if not isinstance(value, int) or not 0 <= value <= high:
        raise ProtocolError(f"{zh}超出范围 0–{high}：{value!r}", f"{en} out of range 0-{high}: {value!r}",
                            code="bad_command")
    return value


@dataclass(frozen=True)
class LedFrame:
    """One frame for one screen. ``expects`` names the reply kind awaited, or None."""

    address: int
    data: bytes
    kind: str
    expects: str | None = None


@dataclass(frozen=True)
class LedReply:
    """An answer from a screen: ``kind`` ``ack``/``version``; ``ok`` False for a refusal."""

    address: int
    kind: str
    ok: bool = True
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ScreenCommand:
    """A frame as a screen understood it (the emulator's view)."""

    address: int
    kind: str  # text, call, serving, pause, welcome, check, version
    text: str = ""
    colours: tuple[int, ...] = ()
    valid: bool = True  # False: checksum or layout wrong; the screen ignores or refuses it
    raw: bytes = b""


class LedCodec(ABC):
    """One vendor's protocol: application intents → frames, replies → :class:`LedReply`."""

    name = "led"
    default_encoding = "gb2312"

    def __init__(self, policy: TextPolicy | None = None):
        self.policy = policy or TextPolicy()

    def encode(self, text: str) -> bytes:
        return encode_text(text, self.policy, self.default_encoding)

    @abstractmethod
    def text(self, address: int, segments: Iterable[Segment]) -> LedFrame:
        """Show free text now."""

    def call(self, address: int, ticket: str, window: int) -> LedFrame:
        """Show a call (请 A023 号到 5 号窗口); vendors with a call command override this."""
        return self.text(address, segments_of(CALL_TEMPLATE.format(ticket=ticket, window=window)))

    def paused(self, address: int) -> LedFrame:
        return self.text(address, segments_of(PAUSED_TEXT))

    def clear(self, address: int) -> LedFrame:
        # Neither published protocol has a clear command; a blank keeps old text from lingering.
        return self.text(address, segments_of(" "))

    def check(self, address: int) -> LedFrame | None:
        """A frame that only asks "are you there?", or None if the protocol has none."""
        return None

    @abstractmethod
    def parse_replies(self, buffer: bytearray) -> list[LedReply]:
        """Consume complete replies (and garbage) from ``buffer``; keep a partial reply."""

    @abstractmethod
    def decode_commands(self, buffer: bytearray) -> list[ScreenCommand]:
        """The screen side: consume complete frames from ``buffer``."""

    @abstractmethod
    def answer(self, command: ScreenCommand) -> bytes:
        """The screen side: the bytes a screen sends back for ``command`` (may be empty)."""
