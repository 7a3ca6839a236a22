"""LED screens on one bus, played in software (``python -m drivers emulate led``).

:class:`LedBusEmulator` decodes what the host sends with the vendor codec's screen
side (checksums checked), keeps what each address shows in :attr:`shown`, records
every frame with its arrival time in :attr:`frames` (so tests can check the gap
between frames), and answers as the vendor's screens do.

Scenarios: ``normal``; ``silent`` — the screens at ``silent_addresses`` (all of them
if none are named) are dead: they neither answer nor change what they show.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterable

from drivers.led.protocol import ScreenCommand, TextPolicy
from drivers.led.vendors import make_codec

SCENARIOS = ("normal", "silent")


@dataclass(frozen=True)
class ReceivedFrame:
    """One frame as the bus saw it, with its arrival time."""

    at: float
    command: ScreenCommand


class LedBusEmulator:
    """Screens of one vendor; any address 0–254 answers unless it is silent."""

    def __init__(self, vendor: str | None = None, *, scenario: str | None = None,
                 silent_addresses: Iterable[int] = (), encoding: str | None = None,
                 clock: Callable[[], float] = time.monotonic, **codec_options):
        scenario = scenario or "normal"
        if scenario not in SCENARIOS:
            raise ValueError(f"unknown LED scenario {scenario!r}; choose from {', '.join(SCENARIOS)}")
        self.codec = make_codec(vendor, TextPolicy(encoding), **codec_options)
        self.vendor, self.scenario, self._clock = self.codec.name, scenario, clock
        self.silent = frozenset(silent_addresses)
        self._lock = threading.Lock()
        self._buffer = bytearray()
        self.shown: dict[int, str] = {}
        self.colours: dict[int, tuple[int, ...]] = {}
        self.frames: list[ReceivedFrame] = []

    def is_silent(self, address: int) -> bool:
        return self.scenario == "silent" and (not self.silent or address in self.silent)

    def receive(self, data: bytes) -> bytes:
        """Bytes from the host; returns the screens' answers."""
        with self._lock:
            now = self._clock()
            self._buffer += data
            answers = bytearray()
            for command in self.codec.decode_commands(self._buffer):
                self.frames.append(ReceivedFrame(now, command))
                if command.address < 0 or self.is_silent(command.address):
                    continue
                if command.valid and command.kind in ("text", "call", "serving", "pause", "welcome"):
                    self.shown[command.address] = command.text
                    self.colours[command.address] = command.colours
                answers += self.codec.answer(command)
            return bytes(answers)

    def valid_frames(self, address: int | None = None) -> list[ReceivedFrame]:
        """Frames that passed the checksum, optionally for one address."""
        with self._lock:
            return [f for f in self.frames if f.command.valid and address in (None, f.command.address)]
