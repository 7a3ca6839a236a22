"""双色屏 "即时显示" (dual-colour screen, instant display), devices.md §3.4 (c), source S-27. Pure.

Frame: ``A0 90 ADDR A5 LEN_HI LEN_LO DATA XOR``. LEN (big-endian) counts DATA only;
DATA repeats *character code + colour byte* (GB2312: two bytes for a hanzi, one for
ASCII; colour 0 red, 1 green, 2 yellow); XOR runs from ADDR to the end of DATA.
The screen answers ``A0 90 ADDR CMD AA`` (done) or ``… 55`` (refused), without a
checksum. Doc example "请8", red 请 and green 8: ``A0 90 01 A5 00 05 C7 EB 00 38 01 B4``.

A character's byte count follows from its first byte (≥ 80: two bytes), and the
colour bytes are below 80, so the screen side can walk DATA without a separator.
"""
from __future__ import annotations

from functools import reduce
from typing import Iterable

from drivers.led.protocol import LedCodec, LedFrame, LedReply, ScreenCommand, Segment, check_byte

SYNC = b"\xa0\x90"
SHOW = 0xA5
DONE, REFUSED = 0xAA, 0x55
HEADER = 6  # A0 90 ADDR CMD LEN_HI LEN_LO
MAX_DATA = 4096  # a sanity bound for the screen side; real screens hold far less


def xor_checksum(body: bytes) -> int:
    """XOR of ADDR through the last DATA byte."""
    return reduce(lambda acc, b: acc ^ b, body, 0)


def show_frame(address: int, data: bytes) -> bytes:
    body = bytes((address, SHOW)) + len(data).to_bytes(2, "big") + data
    return SYNC + body + bytes((xor_checksum(body),))


class ShuangseCodec(LedCodec):
    """The dual-colour screen's instant-display command; text GB2312 by default."""

    name = "shuangse"
    default_encoding = "gb2312"

    # -- host side ------------------------------------------------------------------
    def text(self, address: int, segments: Iterable[Segment]) -> LedFrame:
        check_byte("屏地址", "screen address", address)
        data = bytearray()
        for segment in segments:
            for char in segment.text:
                data += self.encode(char) + bytes((int(segment.colour),))
        check_byte("文字长度", "text length", len(data), 0xFFFF)
        return LedFrame(address, show_frame(address, bytes(data)), "text", expects="ack")

    def parse_replies(self, buffer: bytearray) -> list[LedReply]:
        replies = []
        while True:
            start = buffer.find(SYNC)
            if start < 0:
                _keep_sync_start(buffer)
                return replies
            del buffer[:start]
            if len(buffer) < 5:
                return replies
            status = buffer[4]
            if status in (DONE, REFUSED):
                replies.append(LedReply(buffer[2], "ack", ok=status == DONE, detail={"command": buffer[3]}))
                del buffer[:5]
            else:
                del buffer[:1]

    # -- screen side ------------------------------------------------------------------
    def decode_commands(self, buffer: bytearray) -> list[ScreenCommand]:
        out = []
        while True:
            start = buffer.find(SYNC)
            if start < 0:
                _keep_sync_start(buffer)
                return out
            del buffer[:start]
            if len(buffer) < HEADER:
                return out
            length = int.from_bytes(buffer[4:6], "big")
            if length > MAX_DATA:
                del buffer[:1]
                continue
            if len(buffer) < HEADER + length + 1:
                return out
            raw = bytes(buffer[:HEADER + length + 1])
            del buffer[:HEADER + length + 1]
            out.append(self._command(raw))

    def answer(self, command: ScreenCommand) -> bytes:
        cmd = command.raw[3] if len(command.raw) > 3 else SHOW
        return SYNC + bytes((command.address, cmd, DONE if command.valid else REFUSED))

    def _command(self, raw: bytes) -> ScreenCommand:
        address = raw[2]
        valid = raw[3] == SHOW and xor_checksum(raw[2:-1]) == raw[-1]
        try:
            text, colours = self._characters(raw[HEADER:-1])
        except (ValueError, UnicodeDecodeError):
            return ScreenCommand(address, "text", valid=False, raw=raw)
        return ScreenCommand(address, "text", text, colours, valid, raw)

    def _characters(self, data: bytes) -> tuple[str, tuple[int, ...]]:
        encoding = self.policy.encoding or self.default_encoding
        chars, colours, i = [], [], 0
        while i < len(data):
            width = 2 if data[i] >= 0x80 else 1
            if i + width >= len(data) or data[i + width] > 2:
                raise ValueError("character without a colour byte")
            chars.append(data[i:i + width].decode(encoding))
            colours.append(data[i + width])
            i += width + 1
        return "".join(chars), tuple(colours)


def _keep_sync_start(buffer: bytearray) -> None:
    """Drop a buffer holding no SYNC, except a trailing A0 that may begin one."""
    keep = 1 if buffer[-1:] == SYNC[:1] else 0
    del buffer[:len(buffer) - keep]
