"""What the console core is told (intents) and what it asks the shell to do (effects).

The Qt shell turns button presses, hotkeys, pad keys, pad ratings, second-screen
ratings, event-stream events and finished server calls into intents; the core
answers with effects, which the shell performs (server calls on a worker thread,
LED frames through the LED bus, the rating prompt on the pad or the second screen).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from kiosk.core import intents as kiosk_intents
from kiosk.counter.core.evaluation import EvaluationPrompt

# --- intents: the clerk ------------------------------------------------------------


@dataclass(frozen=True)
class Press:
    """The clerk asked for ``action`` (kiosk.counter.core.actions) by button, hotkey or pad key.

    ``ticket_id`` for 特呼 and 过号重排; ``to_category``/``to_window`` for 转移; ``reason`` for 暂停.
    """

    action: str
    ticket_id: str | None = None
    to_category: str | None = None
    to_window: str | None = None
    reason: str | None = None
    source: str = "button"


@dataclass(frozen=True)
class CancelPending:
    """Stop waiting for an unconfirmed action (the state is read again from the server)."""


@dataclass(frozen=True)
class Refresh:
    """Read the window's state from the server again (periodic safety net, or by hand)."""


# --- intents: outcomes and the outside world ---------------------------------------


# A finished server call: the same outcome types as the kiosk core's.
ServerReplied = kiosk_intents.ServerReplied
ServerFailed = kiosk_intents.ServerFailed


@dataclass(frozen=True)
class RetryDue:
    """Time to send ``op`` again, with its own request_id."""

    op: Any


@dataclass(frozen=True)
class HallEventArrived:
    """One event from ``GET /api/v1/events`` (no personal data in it, API.md)."""

    type: str
    data: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class RatingGiven:
    """A resident rated ``number`` on the pad (``channel="pad"``) or the second screen (``"screen"``).

    ``request_id`` is the pad driver's id of the ask, when it has one.
    """

    number: str
    level: int
    reasons: tuple[str, ...] = ()
    comment: str | None = None
    channel: str = "pad"
    request_id: str | None = None


@dataclass(frozen=True)
class RatingTimedOut:
    """The pad (or the screen) reports that nobody rated ``number`` in time (未评)."""

    number: str


@dataclass(frozen=True)
class RatingDeclined:
    """The resident chose not to rate ``number`` (评价是自愿的, GB/T 39734 4.1)."""

    number: str


@dataclass(frozen=True)
class RatingExpired:
    """The console's own deadline for the prompt ``request_id`` passed."""

    request_id: str


@dataclass(frozen=True)
class PadFailed:
    """The pad did not accept the prompt for ``number`` (not answering, unplugged)."""

    number: str


# --- effects ------------------------------------------------------------------------


@dataclass(frozen=True)
class CallServer:
    """Run ``op`` on the worker; answer ServerReplied or ServerFailed."""

    op: Any


@dataclass(frozen=True)
class Schedule:
    """Hand ``intent`` back after ``delay_s`` (a QTimer in the shell)."""

    delay_s: float
    intent: Any


@dataclass(frozen=True)
class LedContent:
    """What the window LED screen should show: ``call`` (请 A023 号…), ``paused`` (暂停服务) or ``blank``."""

    kind: str
    number: str = ""
    window_number: int = 0


@dataclass(frozen=True)
class ShowLed:
    content: LedContent


@dataclass(frozen=True)
class AskRating:
    """Ask the resident to rate (pad: ASK_RATING; screen: the five buttons)."""

    prompt: EvaluationPrompt


@dataclass(frozen=True)
class EndRating:
    """The prompt is over (``prompt.status`` says how): the pad idles, the screen thanks or resets."""

    prompt: EvaluationPrompt
