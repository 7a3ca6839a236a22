"""Performs the console core's effects and feeds their outcomes back, on the UI thread.

Server operations run one at a time, in order, on one worker thread (so an action's
answer never arrives before the state read that was sent ahead of it); their outcome
comes back through a queued signal. ``Schedule`` becomes a single-shot QTimer; the
LED and the evaluation prompt go to whichever devices the window has. Every intent
— button, hotkey, pad key, rating, event — enters through :meth:`ConsoleShell.dispatch`.
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, QTimer, Signal

from drivers.evalpad.pad import Clerk
from kiosk.core.errors import KioskError
from kiosk.counter.core import actions as A
from kiosk.counter.core.console import CounterConsole
from kiosk.counter.core.intents import (AskRating, CallServer, EndRating, HallEventArrived, PadFailed, Press,
                                        RatingGiven, RatingTimedOut, Refresh, Schedule, ServerFailed,
                                        ServerReplied, ShowLed)

log = logging.getLogger(__name__)


class ConsoleShell(QObject):
    """Glue between one :class:`CounterConsole`, the hall client, the devices and the screens."""

    changed = Signal()                 # the view needs redrawing
    outcome = Signal(object)           # worker thread → UI thread: ServerReplied / ServerFailed
    asked = Signal(object)             # an EvaluationPrompt for the resident's screen
    ended = Signal(object)             # the prompt is over

    def __init__(self, console: CounterConsole, client, *, pad=None, led=None, resync_s: float = 30.0,
                 pad_keys: bool = True, parent=None):
        super().__init__(parent)
        self.console, self.client, self.pad, self.led = console, client, pad, led
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="counter-hall")
        self._timers: set[QTimer] = set()
        self._closed = False
        self.outcome.connect(self.dispatch)
        self.resync = QTimer(self)
        self.resync.setInterval(int(resync_s * 1000))
        self.resync.timeout.connect(lambda: self.dispatch(Refresh()))
        if pad is not None:
            pad.rated.connect(self._pad_rated)
            pad.timed_out.connect(lambda t: self.dispatch(RatingTimedOut(t.ticket)))
            if pad_keys:
                pad.key_pressed.connect(self._pad_key)
            pad.ask_failed.connect(lambda number: self.dispatch(PadFailed(number)))

    def start(self) -> None:
        self._perform(self.console.start())
        self.resync.start()

    def close(self) -> None:
        """Stop timers and the worker (pending answers are dropped)."""
        self._closed = True
        self.resync.stop()
        for timer in list(self._timers):
            timer.stop()
        self._worker.shutdown(wait=False, cancel_futures=True)

    def dispatch(self, intent) -> None:
        """Hand one intent to the core and perform what it asks."""
        if self._closed:
            return
        self._perform(self.console.handle(intent))
        self.changed.emit()

    def hall_event(self, event) -> None:
        """A HallEvent from the stream (already on the UI thread)."""
        self.dispatch(HallEventArrived(event.type, event.data))

    # --- effects ------------------------------------------------------------------

    def _perform(self, effects: list) -> None:
        for effect in effects:
            if isinstance(effect, CallServer):
                self._call(effect.op)
            elif isinstance(effect, Schedule):
                self._schedule(effect.delay_s, effect.intent)
            elif isinstance(effect, ShowLed) and self.led is not None:
                self.led.show(effect.content)
            elif isinstance(effect, AskRating):
                self._ask(effect.prompt)
            elif isinstance(effect, EndRating):
                self._end(effect.prompt)

    def _call(self, op) -> None:
        def run():
            try:
                return ServerReplied(op, op.perform(self.client))
            except KioskError as error:
                return ServerFailed(op, error)
            except Exception:      # a bug: logged with its traceback, shown as a notice
                log.exception("hall call %s failed", type(op).__name__)
                return ServerFailed(op, KioskError("系统出了点问题", "Something went wrong", code="internal"))

        try:
            future = self._worker.submit(run)
        except RuntimeError:       # shut down
            return
        future.add_done_callback(lambda f: not f.cancelled() and self._deliver(f.result()))

    def _deliver(self, outcome) -> None:
        if not self._closed:
            self.outcome.emit(outcome)

    def _schedule(self, delay_s: float, intent) -> None:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(max(0, int(delay_s * 1000)))

        def fire():
            self._timers.discard(timer)
            timer.deleteLater()
            self.dispatch(intent)
        timer.timeout.connect(fire)
        self._timers.add(timer)
        timer.start()

    def _ask(self, prompt) -> None:
        mode = self.console.settings.evaluation_mode
        if mode == "pad":
            if self.pad is None:
                self.dispatch(PadFailed(prompt.number))
                return
            clerk = self.console.clerk
            window = self.console.window
            self.pad.ask(prompt.number, Clerk(clerk.staff_number or "-", clerk.shown_name,
                                              str(window.number if window else "")), prompt.timeout_s)
        elif mode == "screen":
            self.asked.emit(prompt)

    def _end(self, prompt) -> None:
        if self.console.settings.evaluation_mode == "pad" and self.pad is not None and prompt.status != "rated":
            self.pad.clear()
        self.ended.emit(prompt)

    # --- pad input ------------------------------------------------------------------

    def _pad_rated(self, rating) -> None:
        self.dispatch(RatingGiven(rating.ticket, rating.level, tuple(rating.reasons), None, "pad", rating.request_id))

    def _pad_key(self, key) -> None:
        action = A.action_for_pad_key(key.key)
        if action is not None:
            self.dispatch(Press(action, source="pad"))
