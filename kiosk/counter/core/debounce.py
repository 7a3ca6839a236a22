"""The call-button debounce: one call per window every few seconds.

A double press, a bouncing key on the pad or the button and its hotkey together
must not call two residents or announce one twice (anchors-queue.md (d) 11:
NovoSGA blocks the call button for 3 s). Every call-type action (叫号, 重呼, 特呼)
shares one timer, whichever input it came from. Time is an injected monotonic
reading, so it is tested without waiting.
"""
from __future__ import annotations

from dataclasses import dataclass

DEFAULT_INTERVAL_S = 3.0


@dataclass
class CallDebounce:
    """Lets a call through when ``interval_s`` has passed since the last one let through."""

    interval_s: float = DEFAULT_INTERVAL_S
    last_at: float | None = None

    def allow(self, now: float) -> bool:
        """True (and the timer restarts) when a call may go out at monotonic time ``now``."""
        if self.last_at is not None and 0 <= now - self.last_at < self.interval_s:
            return False
        self.last_at = now
        return True

    def remaining(self, now: float) -> float:
        """Seconds until the next call is allowed (0 when it is)."""
        if self.last_at is None:
            return 0.0
        left = self.interval_s - (now - self.last_at)
        return left if 0 < left <= self.interval_s else 0.0

    def reset(self) -> None:
        """Forget the last call (a refused call did not reach anyone)."""
        self.last_at = None
