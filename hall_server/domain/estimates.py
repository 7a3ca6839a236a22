"""Waiting-time estimates shown on the ticket, the kiosk and the hall display.

No national waiting-time target exists (domain.md Q-01), so the estimate is a plain
figure: the tickets ahead share the open windows, each taking the recent mean service
time. It is rounded up so a resident is not told "0 minutes" while someone is ahead.
"""
from __future__ import annotations

import math
from collections import deque
from typing import Iterable

DEFAULT_SERVICE_SECONDS = 300.0  # a configured default replaces this; 5 min until data exists
DEFAULT_WINDOW_SIZE = 50


def estimate_wait_minutes(ahead: int, open_windows: int, mean_service_seconds: float) -> int:
    """Minutes until the call: ``ceil(ahead × mean / windows / 60)``. With no open
    window the figure is computed as if one window served the line (the hall will open
    one), so it never divides by zero."""
    if ahead < 0 or mean_service_seconds < 0 or not math.isfinite(mean_service_seconds):
        raise ValueError("ahead and mean_service_seconds must be finite and not negative")
    windows = max(open_windows, 1)
    return math.ceil(ahead * mean_service_seconds / windows / 60)


class ServiceTimeStats:
    """Rolling mean of the last ``size`` service times (seconds), falling back to
    ``default_seconds`` (from the hall configuration) until one is recorded."""

    def __init__(
        self,
        size: int = DEFAULT_WINDOW_SIZE,
        default_seconds: float = DEFAULT_SERVICE_SECONDS,
        samples: Iterable[float] = (),
    ):
        if size < 1:
            raise ValueError("size must be at least 1")
        self.default_seconds = float(default_seconds)
        self._samples: deque[float] = deque(maxlen=size)
        for seconds in samples:
            self.add(seconds)

    def add(self, seconds: float) -> None:
        """Record one service time; the oldest drops out once ``size`` are kept."""
        if seconds < 0 or not math.isfinite(seconds):
            raise ValueError("a service time must be finite and not negative")
        self._samples.append(float(seconds))

    @property
    def mean(self) -> float:
        """Mean of the kept samples, or the default when there are none."""
        if not self._samples:
            return self.default_seconds
        return sum(self._samples) / len(self._samples)

    @property
    def count(self) -> int:
        """How many samples are kept (at most ``size``)."""
        return len(self._samples)

    def samples(self) -> list[float]:
        """The kept samples, oldest first."""
        return list(self._samples)
