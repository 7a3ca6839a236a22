"""What the resident, the devices and the effect runner tell a flow, as data.

The Qt shell turns taps, card reads and scans into these and passes them to
``KioskSession.handle``; the runner turns effect outcomes into the result intents.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from kiosk.core.errors import KioskError

# --- the resident ------------------------------------------------------------------


@dataclass(frozen=True)
class Open:
    """Tap a home tile: ``take_number``, ``check_in``, ``guide``, ``progress``, ``evaluate``."""

    tile: str


@dataclass(frozen=True)
class Choose:
    """Tap an item in a list (a category code, a service code)."""

    code: str


@dataclass(frozen=True)
class Search:
    """The search box's whole text (name fragment, pinyin initials or code)."""

    text: str


@dataclass(frozen=True)
class Action:
    """Tap a notice's next-step button (kiosk.core.messages: ``home``, ``retry``...)."""

    key: str


@dataclass(frozen=True)
class Back:
    pass


@dataclass(frozen=True)
class Home:
    pass


@dataclass(frozen=True)
class Done:
    """Finished reading the confirmation."""


@dataclass(frozen=True)
class UseKeypad:
    pass


@dataclass(frozen=True)
class SubmitText:
    """The keypad's text: an ID number, an appointment code or a ticket number."""

    text: str


@dataclass(frozen=True)
class Skip:
    """Skip an optional step (real name)."""


@dataclass(frozen=True)
class Print:
    """Print what is on screen (a guide's checklist)."""


@dataclass(frozen=True)
class RetryPrint:
    pass


@dataclass(frozen=True)
class Evaluate:
    """Rate the ticket shown on the progress screen."""


@dataclass(frozen=True)
class ChooseLevel:
    level: int


@dataclass(frozen=True)
class ToggleReason:
    reason: str


@dataclass(frozen=True)
class Submit:
    pass


@dataclass(frozen=True)
class ToggleElderly:
    pass


@dataclass(frozen=True)
class ReplayPrompt:
    pass


@dataclass(frozen=True)
class MoreTime:
    pass


@dataclass(frozen=True)
class CallHelp:
    pass


# --- devices --------------------------------------------------------------------------


@dataclass(frozen=True)
class CardSwiped:
    """A card reader's result object (anything with ``number`` and ``name``)."""

    reading: Any

    def __repr__(self) -> str:  # never let a log line show the reading
        return "CardSwiped(<card>)"


@dataclass(frozen=True)
class CodeScanned:
    text: str


@dataclass(frozen=True)
class PrinterHealth:
    """The ticket printer's readiness as the 取号 gate sees it."""

    online: bool = False
    paper: str = "unknown"   # ok | near_end | out | unknown

    @property
    def ready(self) -> bool:
        return self.online and self.paper in ("ok", "near_end")

    @classmethod
    def from_status(cls, status: Any) -> "PrinterHealth":
        """From a driver ``DeviceStatus`` (``ok`` and ``details["paper"]``)."""
        details = getattr(status, "details", None) or {}
        return cls(bool(getattr(status, "ok", False)), str(details.get("paper", "ok")))


@dataclass(frozen=True)
class PrinterChanged:
    health: PrinterHealth


# --- the effect runner and the clock ----------------------------------------------------


@dataclass(frozen=True)
class ServerReplied:
    op: Any
    body: Mapping


@dataclass(frozen=True)
class ServerFailed:
    op: Any
    error: KioskError


@dataclass(frozen=True)
class RetryServer:
    """A scheduled retry of ``op`` with its original request_id."""

    op: Any


@dataclass(frozen=True)
class Printed:
    job: Any


@dataclass(frozen=True)
class PrintFailed:
    job: Any
    message: str = ""
    message_en: str = ""


@dataclass(frozen=True)
class Tick:
    """Once a second from the shell: lets the idle timer act."""


SYSTEM_INTENTS = (PrinterChanged, ServerReplied, ServerFailed, RetryServer, Printed, PrintFailed, Tick)
