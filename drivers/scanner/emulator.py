"""The device side of a serial / USB-CDC scanner, for tests and the demo (devices.md §4.2, §5.3).

A scanner in CDC mode sends the code's bytes plus its suffix, and nothing else; it
ignores what the host writes (configuration commands are vendor-specific, §4.2
S-W52, and not modelled). Run it with :class:`drivers.emulation.PtyHost`; call
:meth:`ScannerEmulator.scan` from any thread to "scan" a code.

Scenarios (``make_emulator(scenario=...)``):

* ``utf8`` (default) — codes sent as UTF-8;
* ``gb18030`` — a legacy scanner / GBK-made code: codes sent as GB18030;
* ``garbage`` — line noise (NUL, 0xFF, stray bytes) between codes.
"""
from __future__ import annotations

import threading
from collections import deque

from drivers.scanner.protocol import suffix_bytes

DEMO_CODES = ("码上办:370100-001 社保参保", "YY20240601-0007", "https://zwfw.example.gov.cn/v?c=A1B2C3")
SCENARIOS = ("utf8", "gb18030", "garbage")
NOISE = b"\x00\xff\x13\x00"


class ScannerEmulator:
    """Emits scanned codes with a suffix; optionally repeats a list of codes every ``every_s``.

    ``encoding`` is the default wire encoding of :meth:`scan`; ``noise`` bytes, when
    given, are sent before every code (scenario ``garbage``).
    """

    def __init__(self, *, suffix: str = "CR", encoding: str = "utf-8", codes: tuple[str, ...] = (),
                 every_s: float = 0.0, noise: bytes = b""):
        self.suffix = suffix_bytes(suffix)
        self.encoding = encoding
        self.codes = tuple(codes)
        self.every_s = every_s
        self.noise = noise
        self.sent: list[bytes] = []  # every scan as sent, for tests
        self._out: deque[bytes] = deque()
        self._lock = threading.Lock()
        self._next_demo: float | None = None
        self._demo_index = 0

    def scan(self, text: str, encoding: str | None = None) -> bytes:
        """Scan ``text``: queue its bytes (in ``encoding``) plus the suffix; return them."""
        raw = self.noise + text.encode(encoding or self.encoding) + self.suffix
        self.scan_bytes(raw)
        return raw

    def scan_bytes(self, raw: bytes) -> None:
        """Queue raw bytes exactly as given (garbage, a split code, a bare suffix)."""
        with self._lock:
            self._out.append(bytes(raw))
            self.sent.append(bytes(raw))

    def receive(self, data: bytes) -> bytes:
        """Host writes are ignored: a CDC scanner has nothing to answer."""
        return b""

    def poll(self, now: float) -> bytes:
        """Bytes due now: queued scans and, if configured, the next periodic code."""
        self._periodic(now)
        with self._lock:
            out = b"".join(self._out)
            self._out.clear()
        return out

    def _periodic(self, now: float) -> None:
        if not self.codes or self.every_s <= 0:
            return
        if self._next_demo is None:
            self._next_demo = now + min(self.every_s, 0.2)
        if now >= self._next_demo:
            self.scan(self.codes[self._demo_index % len(self.codes)])
            self._demo_index += 1
            self._next_demo = now + self.every_s


def scenario_emulator(scenario: str | None = None, **options) -> ScannerEmulator:
    """An emulator configured for a named scenario (see module docstring)."""
    name = (scenario or "utf8").lower()
    if name not in SCENARIOS:
        from drivers.scanner.protocol import ScannerSettingError

        raise ScannerSettingError(f"没有这个扫码器模拟场景：{scenario}",
                                  f"unknown scanner scenario {scenario!r}; expected one of {', '.join(SCENARIOS)}")
    if name == "gb18030":
        options.setdefault("encoding", "gb18030")
    if name == "garbage":
        options.setdefault("noise", NOISE)
    return ScannerEmulator(**options)
