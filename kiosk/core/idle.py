"""Idle timer logic: when a resident walks away, the kiosk asks, then wipes.

Pure arithmetic over an injected ``now``. In elderly mode the limits are longer and
the "need more time?" question comes earlier, because the resident must have
enough time to finish (domain.md ACC-07, ACC-13).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

ACTIVE = "active"      # countdown running, nothing to show but the remaining time
ASK = "ask"            # show "需要更多时间吗？" with the remaining seconds
TIMEOUT = "timeout"    # wipe and go home
PAUSED = "paused"      # home screen, or waiting on the server or the printer


@dataclass(frozen=True)
class IdlePolicy:
    """Seconds without a touch before the kiosk asks, and before it wipes."""

    timeout_s: float = 60.0
    ask_s: float = 15.0
    elderly_timeout_s: float = 180.0
    elderly_ask_s: float = 30.0

    def limits(self, elderly: bool) -> tuple[float, float]:
        """(timeout, ask window) for the current mode."""
        if elderly:
            return self.elderly_timeout_s, self.elderly_ask_s
        return self.timeout_s, self.ask_s


@dataclass(frozen=True)
class IdleVerdict:
    """What the screen should show; ``remaining_s`` counts down to the wipe."""

    kind: str
    remaining_s: int


def idle_verdict(policy: IdlePolicy, *, now: datetime, last_activity: datetime,
                 elderly: bool, paused: bool = False) -> IdleVerdict:
    """Decide from the time since the last touch.

    Args:
        policy: the limits.
        now, last_activity: aware datetimes from the injected clock.
        elderly: use the longer elderly-mode limits.
        paused: the screen holds nothing to wipe or the kiosk itself is busy.
    """
    timeout, ask = policy.limits(elderly)
    if paused:
        return IdleVerdict(PAUSED, math.ceil(timeout))
    remaining = timeout - (now - last_activity).total_seconds()
    if remaining <= 0:
        return IdleVerdict(TIMEOUT, 0)
    kind = ASK if remaining <= ask else ACTIVE
    return IdleVerdict(kind, math.ceil(remaining))
