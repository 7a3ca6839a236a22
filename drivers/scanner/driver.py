"""Serial / USB-CDC scanner driver (devices.md §4.2): one worker thread, codes out.

The scanner speaks first and only: it sends the code's bytes plus a suffix whenever
something is scanned. :class:`SerialScanner` reads whatever arrived in ``idle()``,
assembles codes with the pure :class:`~drivers.scanner.protocol.CodeAssembler`,
drops repeats with :class:`~drivers.scanner.protocol.Debouncer`, and calls
``on_code(text)`` — on the worker thread, so a Qt shell must hand it on by a signal.
"""
from __future__ import annotations

import logging
import time
from typing import Callable

from drivers.scanner.protocol import CodeAssembler, Debouncer
from drivers.worker import DeviceWorker

log = logging.getLogger(__name__)

CodeCallback = Callable[[str], None]


class SerialScanner(DeviceWorker):
    """A scanner on a serial port, pseudo-terminal or ``emu://scanner``.

    ``suffix``: ``CR`` (default), ``LF``, ``CRLF``, ``TAB`` or ``NONE`` (then a code ends
    after ``idle_gap_ms`` of silence). ``debounce_ms``: the same code again within
    this window (sliding) is dropped. ``clock`` returns seconds (monotonic).
    """

    kind = "scanner"

    def __init__(self, url: str, on_code: CodeCallback | None = None, *, suffix: str = "CR",
                 idle_gap_ms: float = 80.0, debounce_ms: float = 1500.0, max_length: int = 4096,
                 baudrate: int = 9600, clock: Callable[[], float] = time.monotonic, **worker_options):
        options = {"baudrate": baudrate, "timeout": 0.02}
        options.update(worker_options.pop("open_options", None) or {})
        worker_options.setdefault("idle_interval", 0.01)
        super().__init__(url, open_options=options, **worker_options)
        self.on_code = on_code
        self._assembly = {"suffix": suffix, "idle_gap_ms": idle_gap_ms, "max_length": max_length}
        self.assembler = CodeAssembler(**self._assembly)  # fails early on a bad suffix
        self.debouncer = Debouncer(debounce_ms)
        self._clock = clock

    def on_connected(self, port) -> None:
        # Bytes left from before a reconnect belong to no code we can finish.
        port.reset_input_buffer()
        self.assembler = CodeAssembler(**self._assembly)

    def idle(self, port) -> None:
        data = port.read(port.in_waiting or 1)
        for code in self.assembler.feed(data, self._clock() * 1000.0):
            self._deliver(code)

    def _deliver(self, code: str) -> None:
        if not self.debouncer.accept(code, self._clock() * 1000.0):
            return
        if self.on_code is None:
            return
        try:
            self.on_code(code)
        except Exception:  # a shell's callback must never kill the worker
            log.exception("scanner code callback failed")
