"""Split an ESC/POS byte stream into commands, incrementally and without I/O.

The printer side of the codec (devices.md §2.5): the emulator feeds whatever
chunks arrive and gets whole tokens back; a command cut across chunks waits in
the buffer. It covers the subset hallterm sends (§2.1, §2.2, §2.3) and skips
what it does not know by the shortest plausible length, so garbage costs a few
bytes of resync, never an exception or an unbounded buffer.
"""
from __future__ import annotations

from dataclasses import dataclass

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10

# Commands with one parameter byte: (prefix, code) → token kind.
_ONE_ARG = {
    (ESC, 0x74): "codepage", (ESC, 0x21): "print_mode", (ESC, 0x45): "bold",
    (ESC, 0x61): "align", (ESC, 0x64): "feed", (ESC, 0x2D): "underline",
    (ESC, 0x4D): "font", (ESC, 0x47): "double_strike", (ESC, 0x7B): "upside_down",
    (ESC, 0x4A): "feed_dots", (ESC, 0x20): "char_spacing", (ESC, 0x33): "line_spacing",
    (GS, 0x21): "char_size", (GS, 0x42): "reverse", (GS, 0x48): "hri_position",
    (GS, 0x68): "barcode_height", (GS, 0x77): "barcode_width",
    (FS, 0x21): "kanji_mode", (FS, 0x57): "kanji_quadruple", (FS, 0x43): "kanji_code",
    (DLE, 0x04): "status_request", (DLE, 0x05): "realtime_request",
}
_NO_ARG = {(ESC, 0x40): "init", (FS, 0x26): "kanji_on", (FS, 0x2E): "kanji_off",
           (ESC, 0x32): "default_line_spacing"}

MAX_BLOCK = 8 * 1024           # GS ( k payload: QR store holds at most 7092 + 3 bytes (§2.2)
MAX_RASTER = 1024 * 1024       # GS v 0 data bytes; a ticket's images are far smaller


@dataclass(frozen=True)
class Token:
    """One command or run of text.

    ``kind`` names it ("text", "align", "cut", "qr", "raster", "status_request",
    "unknown", "error", …); ``args`` holds parameter bytes; ``data`` the text bytes
    or the payload; ``size`` how many stream bytes it consumed.
    """

    kind: str
    args: tuple[int, ...] = ()
    data: bytes = b""
    size: int = 0


class EscPosTokenizer:
    """Incremental tokenizer: ``feed(chunk) -> list[Token]``."""

    def __init__(self) -> None:
        self._buf = bytearray()

    @property
    def pending(self) -> int:
        """Bytes held back because the command they start is not complete yet."""
        return len(self._buf)

    def feed(self, data: bytes) -> list[Token]:
        self._buf.extend(data)
        tokens: list[Token] = []
        while self._buf:
            token = self._next()
            if token is None:
                break
            del self._buf[:token.size]
            tokens.append(token)
        return tokens

    def _next(self) -> Token | None:
        b = self._buf
        if b[0] >= 0x20:
            return self._text()
        if b[0] in (ESC, GS, FS, DLE):
            return self._command()
        return Token("lf" if b[0] == 0x0A else "control", (b[0],), size=1)

    def _text(self) -> Token:
        end = 1
        while end < len(self._buf) and self._buf[end] >= 0x20:
            end += 1
        return Token("text", data=bytes(self._buf[:end]), size=end)

    def _command(self) -> Token | None:
        b = self._buf
        if len(b) < 2:
            return None
        key = (b[0], b[1])
        if key in _NO_ARG:
            return Token(_NO_ARG[key], size=2)
        if key in _ONE_ARG:
            return Token(_ONE_ARG[key], (b[2],), size=3) if len(b) >= 3 else None
        if key == (GS, 0x56):
            return self._cut()
        if key == (GS, 0x28):
            return self._block()
        if key == (GS, 0x76):
            return self._raster()
        return Token("unknown", (b[0], b[1]), size=2)

    def _cut(self) -> Token | None:
        # GS V m: m 00/01/30/31 → 3 bytes; m 41/42 (feed then cut) take n → 4 bytes (§2.1).
        b = self._buf
        if len(b) < 3:
            return None
        m = b[2]
        if m in (0x41, 0x42, 0x61, 0x62, 0x67, 0x68):
            return Token("cut", (m, b[3]), size=4) if len(b) >= 4 else None
        return Token("cut", (m,), size=3)

    def _block(self) -> Token | None:
        # GS ( x pL pH <pL + 256·pH bytes>: QR (x = 'k', cn '1') and friends (§2.2).
        b = self._buf
        if len(b) < 5:
            return None
        length = b[3] + 256 * b[4]
        if length > MAX_BLOCK:
            return Token("error", (b[2],), size=5)
        if len(b) < 5 + length:
            return None
        body = bytes(b[5:5 + length])
        if b[2] == 0x6B and length >= 2 and body[0] == 0x31:
            return Token("qr", (body[1],), body[2:], size=5 + length)
        return Token("block", (b[2],), body, size=5 + length)

    def _raster(self) -> Token | None:
        # GS v 0 m xL xH yL yH d1…dk, k = (xL + 256·xH) · (yL + 256·yH).
        b = self._buf
        if len(b) < 3:
            return None
        if b[2] != 0x30:
            return Token("unknown", (GS, 0x76), size=2)
        if len(b) < 8:
            return None
        width, height = b[4] + 256 * b[5], b[6] + 256 * b[7]
        length = width * height
        if length > MAX_RASTER:
            return Token("error", (0x76,), size=8)
        if len(b) < 8 + length:
            return None
        return Token("raster", (b[3], width, height), bytes(b[8:8 + length]), size=8 + length)


class GbTextDecoder:
    """Decode Chinese-mode text as a two-byte-only printer would (§2.1).

    Bytes 20–7F are ASCII; a lead byte 81–FE with a trail byte 40–FE (not 7F) is
    one GB18030 character. A four-byte GB18030 sequence, which such printers
    cannot print, and any malformed pair come out as U+FFFD. A lead byte at the
    end of a chunk waits for the next chunk.
    """

    def __init__(self) -> None:
        self._lead: int | None = None

    def decode(self, data: bytes) -> str:
        out: list[str] = []
        for b in data:
            out.append(self._byte(b))
        return "".join(out)

    def reset(self) -> str:
        """Forget a dangling lead byte (at a line end); return its replacement, if any."""
        had, self._lead = self._lead is not None, None
        return "\ufffd" if had else ""

    def _byte(self, b: int) -> str:
        lead = self._lead
        if lead is None:
            if 0x81 <= b <= 0xFE:
                self._lead = b
                return ""
            return chr(b) if b < 0x80 else "\ufffd"
        self._lead = None
        if 0x40 <= b <= 0xFE and b != 0x7F:
            return bytes((lead, b)).decode("gb18030", errors="replace")
        # A four-byte sequence's second byte is 30–39; its two remaining bytes
        # then decode as a (garbage) pair or ASCII digits, as on the printer.
        return "\ufffd" if b >= 0x80 or 0x30 <= b <= 0x39 else "\ufffd" + chr(b)
