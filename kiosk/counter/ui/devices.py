"""The window's devices as Qt objects: the evaluation pad and the LED screen.

Driver callbacks run on each driver's worker thread (CONVENTIONS.md rule 4); these
wrappers re-emit them as Qt signals, which Qt queues to the UI thread, so no widget
and no console state is ever touched off the main thread.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from drivers.evalpad.driver import Hep1Pad
from drivers.evalpad.pad import Clerk, KeyPress, Rating, RatingTimeout
from drivers.led.driver import LedBus
from drivers.status import DeviceStatus
from kiosk.counter.core.intents import LedContent

log = logging.getLogger(__name__)


class PadLink(QObject):
    """A HEP/1 pad (or a bus of them) whose first address is this window's pad."""

    rated = Signal(object)          # drivers.evalpad.pad.Rating
    timed_out = Signal(object)      # RatingTimeout
    key_pressed = Signal(object)    # KeyPress
    status_changed = Signal(object)  # DeviceStatus
    ask_failed = Signal(str)        # ticket number

    def __init__(self, url: str, addresses=(1,), *, baudrate: int = 115200, parent=None, **driver_options):
        super().__init__(parent)
        self.address = tuple(addresses)[0]
        self.clerk: Clerk | None = None
        self._was_ok = False
        self.pad = Hep1Pad(url, addresses=tuple(addresses), baudrate=baudrate, on_rating=self._on_rating,
                           on_rating_timeout=self._on_timeout, on_key=self._on_key,
                           on_status=self.status_changed.emit, **driver_options)
        self.status_changed.connect(self._on_status)

    def start(self) -> "PadLink":
        self.pad.start()
        return self

    def stop(self) -> None:
        self.pad.stop()

    @property
    def status(self) -> DeviceStatus:
        return self.pad.status

    def ask(self, number: str, clerk: Clerk, timeout_s: int) -> None:
        """Ask for a rating; a pad that does not take the prompt is reported through ``ask_failed``."""
        try:
            future = self.pad.ask(number, clerk=clerk, timeout_s=timeout_s, address=self.address)
        except Exception:       # a ticket HEP/1 cannot carry: nothing was sent
            log.warning("pad refused the prompt for %s", number, exc_info=True)
            self.ask_failed.emit(number)
            return
        future.add_done_callback(lambda f: f.exception() is not None and self.ask_failed.emit(number))

    def show_clerk(self, clerk: Clerk) -> None:
        """Show who serves at this window (again whenever the pad comes back)."""
        self.clerk = clerk
        self._quietly(self.pad.show_clerk(clerk, address=self.address))

    def _on_status(self, status: DeviceStatus) -> None:
        if status.ok and not self._was_ok and self.clerk is not None:
            self.show_clerk(self.clerk)
        self._was_ok = status.ok

    def show_text(self, text: str) -> None:
        self._quietly(self.pad.show_text(text, address=self.address))

    def clear(self) -> None:
        self._quietly(self.pad.clear(address=self.address))

    def _quietly(self, future) -> None:
        future.add_done_callback(lambda f: f.exception() and log.info("pad command failed: %s", f.exception()))

    # worker thread → signals
    def _on_rating(self, rating: Rating) -> None:
        if rating.address == self.address:
            self.rated.emit(rating)

    def _on_timeout(self, timeout: RatingTimeout) -> None:
        if timeout.address == self.address:
            self.timed_out.emit(timeout)

    def _on_key(self, key: KeyPress) -> None:
        if key.address == self.address:
            self.key_pressed.emit(key)


class LedLink(QObject):
    """The window's LED screen at ``address`` on a bus."""

    status_changed = Signal(object)

    def __init__(self, url: str, *, vendor: str, address: int, baudrate: int = 9600, parent=None, **driver_options):
        super().__init__(parent)
        self.address = address
        self.last: LedContent | None = None
        self._was_ok = False
        self.bus = LedBus(url, vendor=vendor, addresses=(address,), baudrate=baudrate,
                          on_status=self.status_changed.emit, **driver_options)
        self.status_changed.connect(self._on_status)

    def start(self) -> "LedLink":
        self.bus.start()
        return self

    def stop(self) -> None:
        self.bus.stop()

    @property
    def status(self) -> DeviceStatus:
        return self.bus.status

    def show(self, content: LedContent) -> None:
        """请 A023 号到 5 号窗口 / 暂停服务 / blank; a dead screen is logged, never raised."""
        self.last = content
        try:
            if content.kind == "call":
                future = self.bus.show_call(content.number, content.window_number, address=self.address)
            elif content.kind == "paused":
                future = self.bus.show_paused(address=self.address)
            else:
                future = self.bus.clear(address=self.address)
        except Exception:
            log.warning("LED refused %s", content.kind, exc_info=True)
            return
        future.add_done_callback(lambda f: f.exception() and log.info("LED frame failed: %s", f.exception()))

    def _on_status(self, status: DeviceStatus) -> None:
        # A screen that was off or unplugged shows what it missed once it is back.
        if status.ok and not self._was_ok and self.last is not None:
            self.show(self.last)
        self._was_ok = status.ok
