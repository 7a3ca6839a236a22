"""平安力合 LED control card protocol V2.1 (devices.md §3.4 (a) and (b), source S-26). Pure.

Standard command (a): ``A0 LEN CMD ADD S-CMD DATA CHK FF``. LEN counts CMD through
DATA; CHK is (LEN + CMD + ADD + S-CMD + DATA) **mod 100, decimal** — the doc's
examples verify only that way (``…0C 22 03 63 FF``: 99). A customer number goes as
two base-100 "digits" (1234 → ``0C 22``), then the window byte, then an optional
prefix letter (LEN 7). The card answers an executed command with
``A0 03 14 ADD 50 CHK FF``; ``98`` asks the card type and version.

Free text (b), "即时信息": ``AA ADD BB 51 54|50 CRC mode speed stay colour life TEXT FF``
with CRC = Σ of bytes 6..end *including* the ``FF``, mod 256. The doc gives no
answer to it, so none is awaited. ``FF`` ends the frame unambiguously: GBK bytes are
never ``FF`` and the five parameter bytes are small.

Unconfirmed [U]: the ASCII-number commands ``2B``/``2D`` have no published byte
layout and are not sent; what a card displays for a call (digit count, wording) is
firmware-specific, so the emulator's rendering is only a readable approximation.
"""
from __future__ import annotations

from typing import Iterable

from drivers.led.protocol import (Colour, LedCodec, LedFrame, LedReply, ScreenCommand, Segment, TextPolicy,
                                  check_byte, split_ticket)

START, END = 0xA0, 0xFF
STRIP, ONLINE, INTEGRATED, ACK, VERSION = 0x28, 0x29, 0x2A, 0x14, 0x98
WELCOME, CALL, PAUSE, SERVING = 0x00, 0x01, 0x02, 0x04
ACK_SUB = 0x50
TEXT_START, TEXT_MARK, TEXT_CMD = 0xAA, 0xBB, 0x51
TEXT_LINE, TEXT_WHOLE = 0x54, 0x50
# Bytes 6–10 (mode, speed, stay, colour, lifetime) as the S-23 driver sends them: 01 00 99 00 63.
TEXT_PARAMS = (0x01, 0x00, 0x99, 0x00, 0x63)
EMULATED_CARD = (0xA1, 0x21)  # card type A1–A4 and version byte the emulator reports
MAX_CONTENT = 32  # longest standard frame content we accept when parsing (LEN)
MAX_TEXT_FRAME = 1024

SUB_NAMES = {WELCOME: "welcome", CALL: "call", PAUSE: "pause", SERVING: "serving"}


def sum_mod_100(body: bytes) -> int:
    """Standard-command checksum: the byte sum modulo 100 (decimal), devices.md §3.4 (a)."""
    return sum(body) % 100


def sum_mod_256(body: bytes) -> int:
    """Free-text checksum: the byte sum modulo 256 (S-23 ``str_crc(buf, 6, len, 256)``)."""
    return sum(body) % 256


def standard_frame(content: bytes) -> bytes:
    """``A0 LEN content CHK FF`` for content = CMD ADD [S-CMD DATA…]."""
    body = bytes((len(content),)) + content
    return bytes((START,)) + body + bytes((sum_mod_100(body), END))


def text_frame(address: int, text: bytes, colour: int = 0, *, command: int = TEXT_LINE,
               params: tuple[int, ...] = TEXT_PARAMS) -> bytes:
    """The (b) free-text frame; ``colour`` replaces byte 9 of ``params``."""
    tail = bytes((*params[:3], colour, params[4])) + text + bytes((END,))
    return bytes((TEXT_START, address, TEXT_MARK, TEXT_CMD, command, sum_mod_256(tail))) + tail


class PinganLiheCodec(LedCodec):
    """平安力合 V2.1; ``screen`` is ``strip`` (条屏, CMD 28) or ``integrated`` (综合屏, CMD 2A)."""

    name = "pinganlihe"
    default_encoding = "gbk"  # (b) carries GBK, devices.md §3.4

    def __init__(self, policy: TextPolicy | None = None, *, screen: str = "strip",
                 text_command: int = TEXT_LINE, text_params: tuple[int, ...] = TEXT_PARAMS):
        super().__init__(policy)
        if screen not in ("strip", "integrated"):
            raise ValueError(f"screen must be 'strip' or 'integrated', not {screen!r}")
        self.screen, self.text_command, self.text_params = screen, text_command, tuple(text_params)

    # -- host side ------------------------------------------------------------------
    def text(self, address: int, segments: Iterable[Segment]) -> LedFrame:
        segments = tuple(segments)
        raw = b"".join(self.encode(s.text) for s in segments)
        colour = segments[0].colour if segments else Colour.RED  # one colour per message in (b)
        data = text_frame(check_byte("屏地址", "screen address", address, 254), raw, int(colour),
                          command=self.text_command, params=self.text_params)
        return LedFrame(address, data, "text")

    def call(self, address: int, ticket: str, window: int) -> LedFrame:
        return self._number_frame(address, CALL, ticket, window, "call")

    def serving(self, address: int, ticket: str, window: int) -> LedFrame:
        """S-CMD 04 (serving), strip screens."""
        return self._number_frame(address, SERVING, ticket, window, "serving")

    def paused(self, address: int) -> LedFrame:
        if self.screen == "integrated":
            return super().paused(address)  # integrated screens only take S-CMD 00
        return self._standard(address, (STRIP, PAUSE), "pause")

    def welcome(self, address: int) -> LedFrame:
        return self._standard(address, (self._command, WELCOME), "welcome")

    def check(self, address: int) -> LedFrame:
        return self._standard(address, (ONLINE,), "check")

    def version(self, address: int) -> LedFrame:
        return self._standard(address, (VERSION, ACK_SUB), "version", expects="version")

    def parse_replies(self, buffer: bytearray) -> list[LedReply]:
        replies = []
        for content in _standard_contents(buffer):
            if content[0] == ACK and len(content) >= 3 and content[2] == ACK_SUB:
                replies.append(LedReply(content[1], "ack"))
            elif content[0] == VERSION and len(content) == 5:
                replies.append(LedReply(content[1], "version",
                                        detail={"card_type": f"{content[3]:02X}", "version": f"{content[4]:02X}"}))
        return replies

    # -- screen side ------------------------------------------------------------------
    def decode_commands(self, buffer: bytearray) -> list[ScreenCommand]:
        out = []
        while buffer:
            if buffer[0] == START:
                item = _take_standard(buffer)
            elif buffer[0] == TEXT_START:
                item = _take_text(buffer, self.policy.encoding or self.default_encoding)
            else:
                del buffer[:1]
                continue
            if item is None:
                break
            out.append(item)
        return out

    def answer(self, command: ScreenCommand) -> bytes:
        if not command.valid or command.kind == "text":
            return b""  # no answer is documented for (b), nor for a damaged frame
        if command.kind == "version":
            return standard_frame(bytes((VERSION, command.address, ACK_SUB, *EMULATED_CARD)))
        return standard_frame(bytes((ACK, command.address, ACK_SUB)))

    # -- internals ----------------------------------------------------------------------
    @property
    def _command(self) -> int:
        return STRIP if self.screen == "strip" else INTEGRATED

    def _number_frame(self, address: int, sub: int, ticket: str, window: int, kind: str) -> LedFrame:
        prefix, number = split_ticket(ticket)
        window = check_byte("窗口号", "window number", int(window))
        sub = sub if self.screen == "strip" else WELCOME  # §3.4 (a): integrated S-CMD is always 00
        return self._standard(address, (self._command, sub, number // 100, number % 100, window,
                                        *prefix.encode("ascii")), kind)

    def _standard(self, address: int, fields: tuple[int, ...], kind: str, expects: str = "ack") -> LedFrame:
        """CMD, then ADD, then the rest of ``fields``."""
        check_byte("屏地址", "screen address", address, 254)
        content = bytes((fields[0], address, *fields[1:]))
        return LedFrame(address, standard_frame(content), kind, expects)


def _standard_contents(buffer: bytearray) -> list[bytes]:
    """Consume ``A0 LEN … CHK FF`` frames from ``buffer``; garbage is dropped a byte at a time."""
    found = []
    while buffer:
        if buffer[0] != START:
            del buffer[:1]
            continue
        if len(buffer) < 2:
            break
        length = buffer[1]
        if not 2 <= length <= MAX_CONTENT:
            del buffer[:1]
            continue
        if len(buffer) < length + 4:
            break
        frame = bytes(buffer[:length + 4])
        if frame[-1] != END or sum_mod_100(frame[1:-2]) != frame[-2]:
            del buffer[:1]
            continue
        del buffer[:length + 4]
        found.append(frame[2:-2])
    return found


def _take_standard(buffer: bytearray) -> ScreenCommand | None:
    if len(buffer) < 2:
        return None
    length = buffer[1]
    if not 2 <= length <= MAX_CONTENT:
        del buffer[:1]
        return ScreenCommand(-1, "unknown", valid=False)
    if len(buffer) < length + 4:
        return None
    raw = bytes(buffer[:length + 4])
    del buffer[:length + 4]
    content = raw[2:-2]
    valid = raw[-1] == END and sum_mod_100(raw[1:-2]) == raw[-2]
    return _standard_command(content, valid, raw)


def _standard_command(content: bytes, valid: bool, raw: bytes) -> ScreenCommand:
    cmd, address = content[0], content[1]
    if cmd == ONLINE:
        return ScreenCommand(address, "check", valid=valid, raw=raw)
    if cmd == VERSION:
        return ScreenCommand(address, "version", valid=valid, raw=raw)
    if cmd not in (STRIP, INTEGRATED) or len(content) < 3:
        return ScreenCommand(address, "unknown", valid=False, raw=raw)
    sub = content[2]
    kind = "call" if cmd == INTEGRATED and len(content) >= 6 else SUB_NAMES.get(sub, "unknown")
    return ScreenCommand(address, kind, _render(kind, content[3:]), valid=valid and kind != "unknown", raw=raw)


def _render(kind: str, data: bytes) -> str:
    """Readable approximation of what a card shows [U]: wording from the doc's example."""
    if kind in ("call", "serving") and len(data) >= 3:
        number = f"{data[3:4].decode('ascii', 'replace')}{data[0] * 100 + data[1]:04d}"
        if kind == "call":
            return f"请{number}号顾客到{data[2]:02d}号窗口"
        return f"{number}号正在{data[2]:02d}号窗口办理"
    return {"pause": "暂停服务", "welcome": "欢迎光临"}.get(kind, "")


def _take_text(buffer: bytearray, encoding: str) -> ScreenCommand | None:
    end = buffer.find(bytes((END,)), 11)
    if end < 0:
        if len(buffer) > MAX_TEXT_FRAME:
            del buffer[:1]
            return ScreenCommand(-1, "unknown", valid=False)
        return None
    raw = bytes(buffer[:end + 1])
    del buffer[:end + 1]
    valid = raw[2] == TEXT_MARK and raw[3] == TEXT_CMD and sum_mod_256(raw[6:]) == raw[5]
    try:
        text = raw[11:-1].decode(encoding)
    except UnicodeDecodeError:
        text, valid = "", False
    return ScreenCommand(raw[1], "text", text, (raw[9],), valid, raw)
