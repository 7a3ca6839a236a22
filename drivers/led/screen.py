"""LED screens as the application sees them, whatever protocol they speak. Pure.

The hall's LED agent and the window PC code against :class:`LedScreen`; the serial
adapter is :class:`drivers.led.driver.LedBus`. Commands return futures: a slow or
dead screen never blocks the caller, and frames for other screens keep going.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Callable, Sequence

from drivers.led.protocol import Colour, Segment
from drivers.status import DeviceStatus


@dataclass(frozen=True)
class Delivery:
    """A frame that went out: ``answered`` True when the screen acknowledged it,
    None when the protocol has no answer for that frame (平安力合 free text)."""

    address: int
    kind: str
    answered: bool | None
    detail: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"address": self.address, "kind": self.kind, "answered": self.answered, **self.detail}


class LedScreen(ABC):
    """One or more LED screens on one port, told apart by address.

    Futures fail with ``DeviceTimeout`` when a screen that should answer does not,
    ``ProtocolError`` when it refuses a frame or the text cannot be encoded (raised
    at once, before anything is queued), ``DeviceUnavailable`` when the port is gone.
    ``address`` defaults to the first configured screen.
    """

    on_status: Callable[[DeviceStatus], None] | None = None

    @abstractmethod
    def start(self) -> "LedScreen":
        """Open the port on the worker thread."""

    @abstractmethod
    def stop(self) -> None:
        """Close the port and end the worker."""

    @property
    @abstractmethod
    def status(self) -> DeviceStatus:
        """The latest status (also pushed to ``on_status`` on change)."""

    @abstractmethod
    def show(self, text: str | Sequence[Segment | tuple], *, address: int | None = None,
             colour: Colour = Colour.RED) -> "Future[Delivery]":
        """Show text now: a string in ``colour``, or (text, colour) segments."""

    @abstractmethod
    def show_call(self, ticket: str, window: int, *, address: int | None = None) -> "Future[Delivery]":
        """Show a call: 请 A023 号到 5 号窗口 (the vendor's call command where it has one)."""

    @abstractmethod
    def show_paused(self, *, address: int | None = None) -> "Future[Delivery]":
        """Show that the window is paused (暂停服务)."""

    @abstractmethod
    def clear(self, *, address: int | None = None) -> "Future[Delivery]":
        """Blank the screen."""

    @abstractmethod
    def check(self, *, address: int | None = None) -> "Future[bool | None]":
        """Whether the screen answers its protocol's "are you there?" frame.

        None for a protocol without one: asking would mean changing the display.
        """
