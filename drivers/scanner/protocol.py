"""Sans-I/O core of the QR / barcode scanner (devices.md §4).

Three pure pieces, each fed bytes or keys with an injected time in milliseconds:

* :class:`CodeAssembler` — serial / USB-CDC mode (§4.2): bytes in, complete codes out,
  split on the configured suffix (or on an idle gap when the scanner sends none),
  decoded UTF-8 first and GB18030 second, control garbage dropped, length guarded;
* :class:`WedgeBurstDetector` — keyboard-wedge mode (§4.1): tells a scanner's burst of
  keys from a person typing by the gaps between keys, and tells the Qt shell which
  keys to hold back, which to replay and which codes were scanned;
* :class:`Debouncer` — drops the same code seen again within a window (a scanner in
  continuous mode, or a camera looking at one QR for a second, reports it many times).

Nothing here imports Qt, serial or a clock.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, Hashable

from drivers.errors import DeviceError

#: Suffix names a scanner can be configured with and the bytes it appends (§4.1, §4.2).
SUFFIXES: dict[str, bytes] = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n", "TAB": b"\t", "NONE": b""}

# Control bytes never occur inside a UTF-8 or GB18030 multi-byte sequence (their trail
# bytes are >= 0x30), so they can be deleted before decoding without cutting a character.
_CONTROL_BYTES = bytes(range(0x20)) + b"\x7f"


class ScannerSettingError(DeviceError, ValueError):
    """A scanner setting (suffix name, gap, length) that cannot work."""

    code = "scanner_setting_invalid"


def suffix_bytes(name: str) -> bytes:
    """The bytes of a suffix named ``CR``, ``LF``, ``CRLF``, ``TAB`` or ``NONE`` (any case)."""
    key = (name or "NONE").strip().upper()
    if key not in SUFFIXES:
        raise ScannerSettingError(
            f"扫码器后缀设置无效：{name!r}，应为 {'/'.join(SUFFIXES)}",
            f"invalid scanner suffix {name!r}; expected one of {', '.join(SUFFIXES)}")
    return SUFFIXES[key]


def decode_code_bytes(raw: bytes) -> str:
    """Turn the raw bytes of one code into text.

    Control bytes are dropped. Strict UTF-8 is tried first, then strict GB18030
    (legacy scanners and GBK-made QR codes, §4.2). Short GBK text can also be valid
    UTF-8 (预约 = ``D4 A4 D4 BC`` reads as Armenian ``ԤԼ``), so a UTF-8 reading with
    characters no hall code holds loses to a GB18030 reading made only of plausible
    ones (see :func:`plausible_text`). If neither decoding fits cleanly, the one with
    fewer undecodable bytes wins and those bytes are dropped.
    """
    cleaned = bytes(raw).translate(None, _CONTROL_BYTES)
    utf8 = _strict(cleaned, "utf-8")
    if utf8 is not None and plausible_text(utf8):
        return visible_text(utf8)
    gb = _strict(cleaned, "gb18030")
    if gb is not None and (utf8 is None or plausible_text(gb)):
        return visible_text(gb)
    if utf8 is not None:
        return visible_text(utf8)
    loose_utf8 = cleaned.decode("utf-8", errors="replace")
    loose_gb = cleaned.decode("gb18030", errors="replace")
    return visible_text(loose_utf8 if loose_utf8.count("\ufffd") <= loose_gb.count("\ufffd") else loose_gb)


def _strict(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return None


# Scripts a code in a Chinese service hall may hold: ASCII and Latin-1, the scripts of
# China's national minorities written in codes (Uyghur/Kazakh Arabic, Tibetan,
# Mongolian), punctuation, CJK ideographs and full-width forms.
_PLAUSIBLE_RANGES = ((0x20, 0x7E), (0xA0, 0xFF), (0x600, 0x6FF), (0xF00, 0xFFF), (0x1800, 0x18AF),
                     (0x2000, 0x206F), (0x2100, 0x214F), (0x2460, 0x24FF), (0x3000, 0x303F),
                     (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F),
                     (0xFF00, 0xFFEF), (0x20000, 0x3134F))


def plausible_text(text: str) -> bool:
    """True if every character belongs to a script a hall code plausibly holds."""
    return all(any(lo <= ord(ch) <= hi for lo, hi in _PLAUSIBLE_RANGES) for ch in text)


def visible_text(text: str) -> str:
    """Text without anything a code cannot contain: drop replacement marks, byte-order marks and C0/C1 control characters."""
    return "".join(ch for ch in text if ch not in "\ufffd\ufeff" and unicodedata.category(ch) != "Cc")


class CodeAssembler:
    """Reassembles codes from a serial scanner's byte stream.

    ``suffix`` is the configured terminator name (``CR`` default). With ``NONE`` a code
    ends when no byte arrived for ``idle_gap_ms``. In suffix modes a partial code that
    got no further byte for ``stale_ms`` is line noise and is dropped. A code longer
    than ``max_length`` bytes is dropped whole (up to its suffix), counted in
    ``overflows``; codes shorter than ``min_length`` characters after cleaning are
    dropped as garbage.
    """

    def __init__(self, suffix: str = "CR", *, idle_gap_ms: float = 80.0, stale_ms: float = 1000.0,
                 max_length: int = 4096, min_length: int = 1):
        if idle_gap_ms <= 0 or stale_ms <= 0 or max_length < 1 or min_length < 1:
            raise ScannerSettingError("扫码器组码参数必须为正数", "scanner assembly settings must be positive")
        self.suffix = suffix_bytes(suffix)
        self.idle_gap_ms, self.stale_ms = idle_gap_ms, stale_ms
        self.max_length, self.min_length = max_length, min_length
        self._buf = bytearray()
        self._last_ms: float | None = None
        self._skipping = False
        self.overflows = 0
        self.garbage = 0

    @property
    def pending(self) -> int:
        """How many bytes of an unfinished code are buffered."""
        return len(self._buf)

    def feed(self, data: bytes, now_ms: float) -> list[str]:
        """Add bytes received at ``now_ms``; return the codes they completed."""
        codes = self.poll(now_ms)
        if not data:
            return codes
        self._last_ms = now_ms
        self._buf.extend(data)
        if self.suffix:
            codes.extend(self._split_on_suffix())
        self._guard_length()
        return codes

    def poll(self, now_ms: float) -> list[str]:
        """Let time pass: finish a suffix-less code after the idle gap, drop stale partials."""
        if not self._buf or self._last_ms is None:
            return []
        quiet = now_ms - self._last_ms
        if not self.suffix and quiet >= self.idle_gap_ms:
            return self._finish(self._take(len(self._buf), 0))
        if self.suffix and quiet >= self.stale_ms:
            self._take(len(self._buf), 0)
            self._skipping = False
            self.garbage += 1
        return []

    def _split_on_suffix(self) -> list[str]:
        codes: list[str] = []
        while (end := self._buf.find(self.suffix)) >= 0:
            frame = self._take(end, len(self.suffix))
            if self._skipping:  # tail of an over-long code
                self._skipping = False
                continue
            codes.extend(self._finish(frame))
        return codes

    def _guard_length(self) -> None:
        if len(self._buf) > self.max_length:
            self._buf.clear()
            self.overflows += 1
            self._skipping = bool(self.suffix)

    def _take(self, end: int, skip: int) -> bytes:
        frame = bytes(self._buf[:end])
        del self._buf[:end + skip]
        return frame

    def _finish(self, frame: bytes) -> list[str]:
        text = decode_code_bytes(frame)
        if len(text) < self.min_length:
            if frame:
                self.garbage += 1
            return []
        return [text]


@dataclass(frozen=True)
class WedgeVerdict:
    """What the keyboard shell must do after feeding one key (or letting time pass).

    ``replay`` are payloads of keys held earlier that turned out to be typing: deliver
    them now, in order, *before* the current key. ``swallow`` tells whether the current
    key must be kept from the widget (held, or part of a scan). ``codes`` are scans
    completed by this step.
    """

    swallow: bool = False
    replay: tuple = ()
    codes: tuple[str, ...] = ()

    def merged(self, later: "WedgeVerdict") -> "WedgeVerdict":
        return WedgeVerdict(later.swallow, self.replay + later.replay, self.codes + later.codes)


class WedgeBurstDetector:
    """Tells a keyboard-wedge scanner's burst from a person typing (devices.md §4.1).

    Every character key is held back at first. While keys keep coming less than
    ``max_gap_ms`` apart they are a suspected burst; the burst becomes a code when a
    suffix key (Enter, Tab) ends it with at least ``min_length`` characters, or, unless
    ``require_suffix``, when the keys stop. A burst that fails these tests is released
    for replay as typing. The price: a typed key reaches its widget up to
    ``max_gap_ms`` late. Non-character keys (arrows, Backspace: empty or unprintable
    text) end a burst and pass straight through.

    A character key is always swallowed when fed (held, scanned, or handed back in
    ``replay``), and a key that passes leaves nothing held; so feeding the same pass
    key again, as Qt delivers it again to a parent or from window to widget, changes
    nothing.
    """

    def __init__(self, *, max_gap_ms: float = 30.0, min_length: int = 4,
                 suffixes: tuple[str, ...] = ("\r", "\n", "\t"), require_suffix: bool = False,
                 max_length: int = 4096):
        if max_gap_ms <= 0 or min_length < 1 or max_length < min_length:
            raise ScannerSettingError("扫码枪识别参数无效", "invalid keyboard-wedge detection settings")
        self.max_gap_ms, self.min_length, self.max_length = max_gap_ms, min_length, max_length
        self.suffixes = tuple(suffixes)
        self.require_suffix = require_suffix
        self._held: list[tuple[str, Any]] = []
        self._last_ms = 0.0
        self._overlong = False

    @property
    def holding(self) -> int:
        """How many keys are held back now."""
        return len(self._held)

    @property
    def deadline_ms(self) -> float | None:
        """When :meth:`poll` must next be called to settle held keys, or ``None``."""
        return self._last_ms + self.max_gap_ms if self._held else None

    def key(self, text: str, t_ms: float, payload: Hashable | Any = None) -> WedgeVerdict:
        """Feed one key press with its text and time; ``payload`` comes back on replay."""
        payload = text if payload is None else payload
        before = self.poll(t_ms)
        if self._overlong and t_ms - self._last_ms > self.max_gap_ms:
            self._overlong = False
        if text in self.suffixes or not text or not text.isprintable():
            self._overlong = False
            return before.merged(self._suffix() if text in self.suffixes else self._release())
        self._held.append((text, payload))
        self._last_ms = t_ms
        if self._overlong or len(self._held) > self.max_length:
            # Longer than any code: typing (or a macro). Hand it back, this key too,
            # and keep doing so until the keys pause.
            self._overlong = True
            return before.merged(WedgeVerdict(swallow=True, replay=self._release().replay))
        return before.merged(WedgeVerdict(swallow=True))

    def poll(self, now_ms: float) -> WedgeVerdict:
        """Let time pass; a burst whose keys stopped more than ``max_gap_ms`` ago is settled."""
        if not self._held or now_ms - self._last_ms <= self.max_gap_ms:
            return WedgeVerdict(swallow=bool(self._held))
        if not self.require_suffix and len(self._held) >= self.min_length:
            return self._scanned(swallow=False)
        return self._release()

    def _suffix(self) -> WedgeVerdict:
        if len(self._held) >= self.min_length:
            return self._scanned(swallow=True)
        return self._release()

    def _scanned(self, swallow: bool) -> WedgeVerdict:
        code = "".join(text for text, _ in self._held)
        self._held.clear()
        return WedgeVerdict(swallow=swallow, codes=(code,))

    def _release(self) -> WedgeVerdict:
        replay = tuple(payload for _, payload in self._held)
        self._held.clear()
        return WedgeVerdict(swallow=False, replay=replay)


class Debouncer:
    """Drops a code seen again within ``window_ms`` of its previous sighting.

    The window slides: a QR held in front of a camera (or a scanner in continuous
    mode) is reported once, and again only after it was out of sight for the window.
    """

    def __init__(self, window_ms: float = 1500.0):
        self.window_ms = window_ms
        self._seen: dict[str, float] = {}

    def accept(self, code: str, now_ms: float) -> bool:
        """True if ``code`` is new news at ``now_ms``."""
        last = self._seen.get(code)
        self._seen[code] = now_ms
        if len(self._seen) > 64:  # forget codes long gone so the map stays small
            self._seen = {c: t for c, t in self._seen.items() if now_ms - t <= self.window_ms}
        return last is None or now_ms - last > self.window_ms
