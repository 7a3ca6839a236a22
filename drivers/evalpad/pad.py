"""The evaluation pad as the application sees it, whatever protocol the pad speaks.

devices.md §3.1: pads have no standard wire protocol, so the counter console codes
against :class:`EvaluationPad` and each protocol gets an adapter (HEP/1:
:class:`drivers.evalpad.driver.Hep1Pad`). Pure: values and an abstract class, no I/O.

Callbacks run on the driver's worker thread; a Qt shell forwards them through
signals (CONVENTIONS.md rule 4). Every :meth:`EvaluationPad.ask` ends in exactly one
of: its future failing, one ``on_rating``, one ``on_rating_timeout``, or the
application itself abandoning it (:meth:`clear`, or a new ask at the same pad).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Callable

from drivers.evalpad.protocol import KEY_NAMES, LEVEL_LABELS
from drivers.status import DeviceStatus

KEYS = tuple(KEY_NAMES.values())  # call_next recall no_show start finish pause resume help


@dataclass(frozen=True)
class Clerk:
    """The clerk shown on the pad: staff number (工号), display name, window number."""

    staff_number: str
    name: str
    window: str


@dataclass(frozen=True)
class Rating:
    """One resident's rating, delivered once however often the pad repeated it.

    ``level`` 1 非常不满意 … 5 非常满意 (devices.md §3.2, DESIGN.md "evaluation");
    ``request_id`` is the id :meth:`EvaluationPad.ask` returned, usable as the
    idempotency key of ``POST /api/v1/evaluations``; None for a rating nobody asked
    for (a pad that kept a prompt across a host restart).
    """

    ticket: str
    level: int
    reasons: tuple[str, ...] = ()
    request_id: str | None = None
    address: int = 1

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.level]

    def as_dict(self) -> dict:
        return {"ticket": self.ticket, "level": self.level, "label": self.label,
                "reasons": list(self.reasons), "request_id": self.request_id, "address": self.address}


@dataclass(frozen=True)
class RatingTimeout:
    """The resident did not rate in time (未评). ``reported_by`` is ``pad`` or ``host``."""

    ticket: str
    request_id: str | None = None
    address: int = 1
    reported_by: str = "pad"

    def as_dict(self) -> dict:
        return {"ticket": self.ticket, "request_id": self.request_id, "address": self.address,
                "reported_by": self.reported_by}


@dataclass(frozen=True)
class KeyPress:
    """A caller key (叫号器) on the pad: ``key`` is one of :data:`KEYS`."""

    key: str
    address: int = 1


RatingCallback = Callable[[Rating], None]
RatingTimeoutCallback = Callable[[RatingTimeout], None]
KeyCallback = Callable[[KeyPress], None]
StatusCallback = Callable[[DeviceStatus], None]


class EvaluationPad(ABC):
    """An evaluation pad (评价器), possibly with caller keys, on one port.

    Commands return futures so no caller ever blocks a UI thread; they fail with
    ``DeviceTimeout`` when the pad does not answer and ``DeviceUnavailable`` when the
    port is gone. ``address`` defaults to the adapter's first configured pad.
    """

    on_rating: RatingCallback | None = None
    on_rating_timeout: RatingTimeoutCallback | None = None
    on_key: KeyCallback | None = None
    on_status: StatusCallback | None = None

    @abstractmethod
    def start(self) -> "EvaluationPad":
        """Open the port on the worker thread and begin listening."""

    @abstractmethod
    def stop(self) -> None:
        """Close the port and end the worker."""

    @property
    @abstractmethod
    def status(self) -> DeviceStatus:
        """The latest status (also pushed to ``on_status`` on change)."""

    @abstractmethod
    def ask(self, ticket: str, *, clerk: Clerk | None = None, timeout_s: int = 60,
            address: int | None = None) -> "Future[str]":
        """Prompt the resident to rate ``ticket``; the future yields the request id once the pad accepted."""

    @abstractmethod
    def show_clerk(self, clerk: Clerk, *, address: int | None = None) -> "Future[None]":
        """Show the clerk on duty."""

    @abstractmethod
    def show_text(self, text: str, *, address: int | None = None) -> "Future[None]":
        """Show one line of text (e.g. 暂停服务)."""

    @abstractmethod
    def clear(self, *, address: int | None = None) -> "Future[None]":
        """Return to idle; a pending rating is abandoned."""

    @abstractmethod
    def ping(self, *, address: int | None = None) -> "Future[str]":
        """Check the pad answers; the future yields its firmware version."""
