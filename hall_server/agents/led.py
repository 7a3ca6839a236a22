"""The LED agent: window screens (窗口屏) and the hall strip (条屏) follow the hall.

:class:`LedPresenter` (pure) decides what each screen shows from the queue snapshot
and the events: a call ("请A023号到5号窗口", red), serving (green), paused (yellow),
closed (blank), idle ("5号窗口", green); the strip shows the latest call. Screen
addresses are the windows' ``led_address`` and ``[agents.led].strip_address``.

:class:`ScreenFeed` sends to a :class:`drivers.led.screen.LedScreen` (the RS-485
``LedBus``) with at most one frame in flight per screen and only the newest text
waiting behind it: at 9600 bps with a 100 ms gap between frames a burst of events
(a caught-up backlog, a manager closing ten windows) must not queue stale frames
for seconds (devices.md §3.4 "Observed conventions").
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from drivers.errors import DeviceError
from drivers.led.protocol import Colour
from drivers.led.screen import LedScreen
from hall_server.config.agents import LedSettings

log = logging.getLogger(__name__)

ENDED = ("ticket.done", "ticket.no_show", "ticket.cancelled")


@dataclass(frozen=True)
class Show:
    """Text for one screen; an empty text blanks it."""

    text: str
    colour: Colour = Colour.RED


@dataclass
class _Window:
    number: int
    address: int | None
    state: str = "open"
    ticket_id: str | None = None
    number_shown: str | None = None
    serving: bool = False


class LedPresenter:
    """What every screen should show. Pure: events in, ``{address: Show}`` out."""

    def __init__(self, settings: LedSettings, windows: list[dict]):
        self.settings = settings
        self.windows = {w["id"]: _Window(int(w["number"]), w.get("led_address"), w.get("state", "open"))
                        for w in windows}
        self.strip: Show | None = None

    @property
    def addresses(self) -> list[int]:
        found = {w.address for w in self.windows.values() if w.address}
        if self.settings.strip_address:
            found.add(self.settings.strip_address)
        return sorted(found)

    def from_snapshot(self, snapshot: dict) -> dict[int, Show]:
        """Every screen's text for a ``GET /queue`` snapshot (start-up, resync)."""
        for view in snapshot.get("windows", []):
            window = self.windows.get(view["id"])
            if window is None:
                continue
            ticket = view.get("current_ticket") or {}
            window.state = view.get("state", window.state)
            window.ticket_id, window.number_shown = ticket.get("id"), ticket.get("number")
            window.serving = ticket.get("state") in ("serving", "suspended")
        calls = snapshot.get("recent_calls") or []
        if calls:
            self.strip = self._call_show(calls[0]["number"], calls[0]["window_number"])
        return self.current()

    def current(self) -> dict[int, Show]:
        """What every screen should show now."""
        out = {w.address: self._window_show(w) for w in self.windows.values() if w.address}
        if self.settings.strip_address and self.strip:
            out[self.settings.strip_address] = self.strip
        return out

    def apply(self, event) -> dict[int, Show]:
        """The screens ``event`` changes (``seq``, ``type``, ``data``)."""
        data, kind = event.data, event.type
        window = self.windows.get(data.get("from_window") if kind == "ticket.transferred" else data.get("window_id"))
        if window is None:
            return {}
        if kind in ("ticket.called", "ticket.recalled"):
            window.ticket_id, window.number_shown, window.serving = data.get("id"), data.get("number"), False
            self.strip = self._call_show(data["number"], window.number)
            return self._for(window) | ({self.settings.strip_address: self.strip} if self.settings.strip_address else {})
        if kind in ("ticket.serving", "ticket.suspended") and data.get("id") == window.ticket_id:
            window.serving = True
        elif (kind in ENDED or kind == "ticket.transferred") and data.get("id") == window.ticket_id:
            window.ticket_id = window.number_shown = None
            window.serving = False
        elif kind == "window.state":
            window.state = data.get("state", window.state)
        else:
            return {}
        return self._for(window)

    def _for(self, window: _Window) -> dict[int, Show]:
        return {window.address: self._window_show(window)} if window.address else {}

    def _window_show(self, window: _Window) -> Show:
        s = self.settings
        if window.state == "paused":
            return Show(s.paused_text.format(window=window.number, number=""), Colour.YELLOW)
        if window.state == "closed":
            return Show(s.closed_text.format(window=window.number, number=""), Colour.RED)
        if window.number_shown and window.serving:
            return Show(s.serving_template.format(number=window.number_shown, window=window.number), Colour.GREEN)
        if window.number_shown:
            return self._call_show(window.number_shown, window.number)
        return Show(s.idle_template.format(window=window.number, number=""), Colour.GREEN)

    def _call_show(self, number: str, window: int) -> Show:
        return Show(self.settings.call_template.format(number=number, window=window), Colour.RED)


class ScreenFeed:
    """Sends texts to screens: one frame in flight per screen, only the newest waiting."""

    def __init__(self, screen: LedScreen):
        self.screen = screen
        self.delivered: dict[int, Show] = {}   # what each screen acknowledged (or took) last
        self._pending: dict[int, Show] = {}
        self._busy: set[int] = set()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)

    def put(self, address: int, show: Show) -> None:
        with self._lock:
            self._pending[address] = show
            if address in self._busy:
                return
            self._busy.add(address)
        self._send(address)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until nothing is pending or in flight (tests, shutdown)."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._busy, timeout)

    def _send(self, address: int) -> None:
        with self._lock:
            show = self._pending.pop(address, None)
            if show is None:
                self._busy.discard(address)
                self._idle.notify_all()
                return
        try:
            future = (self.screen.show(show.text, address=address, colour=show.colour) if show.text.strip()
                      else self.screen.clear(address=address))
        except DeviceError as exc:   # text the screen cannot hold: refused before queuing
            log.error("LED %d: cannot show %r: %s", address, show.text, exc)
            self._send(address)
            return
        future.add_done_callback(lambda done: self._sent(address, show, done))

    def _sent(self, address: int, show: Show, done) -> None:
        error = done.exception()
        if error is None:
            self.delivered[address] = show
        else:
            log.warning("LED %d: %r not shown: %s", address, show.text, error)
        self._send(address)


class LedAgent:
    """Presenter plus feed: give it the snapshot once, then every event."""

    def __init__(self, screen: LedScreen, presenter: LedPresenter):
        self.presenter, self.feed = presenter, ScreenFeed(screen)

    def sync(self, snapshot: dict) -> None:
        for address, show in self.presenter.from_snapshot(snapshot).items():
            self.feed.put(address, show)

    def handle(self, event) -> None:
        for address, show in self.presenter.apply(event).items():
            self.feed.put(address, show)

    def resend(self) -> None:
        """Send every screen its text again (after the bus came back)."""
        for address, show in self.presenter.current().items():
            self.feed.put(address, show)
