"""The Qt effect runner: the session on the UI thread, effects on worker threads.

``KioskRuntime.dispatch(intent)`` is the only way into the session and always runs on
the UI thread. Server and printer effects run on a thread pool through the core's
``EffectRunner`` (kiosk/core/runner.py is the reference behaviour); each outcome
intent comes back through a queued signal. ``Schedule`` becomes a QTimer. Around the
flows it keeps the hall catalogue fresh, sends heartbeats with every component's
health, and tracks whether the server can be reached (docs/kiosk.md).
"""
from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.core import messages
from kiosk.core.directory import HallDirectory
from kiosk.core.effects import (CallServer, PrintChecklist, PrintReceipt, RequestAssistance, Schedule, Speak,
                                new_request_id)
from kiosk.core.errors import KioskError
from kiosk.core.idle import TIMEOUT
from kiosk.core.intents import SYSTEM_INTENTS, PrinterChanged, PrinterHealth, Tick
from kiosk.core.screens import HomeScreen, Refused
from kiosk.documents.effects import CertificateEffectRunner
from kiosk.documents.operations import CheckDocumentPrinter, PrintCertificate

log = logging.getLogger(__name__)
SERVER_RETRY_S = 5.0


class NoDocumentPrinter:
    """The A4 printer of a kiosk that has none: never ready (the tile is not offered anyway)."""

    def status(self):
        from kiosk.documents.cups import PrinterState
        return PrinterState("", True, "missing")

    def print_document(self, document):
        from kiosk.documents.cups import MISSING
        from kiosk.documents.printing import PrintOutcome
        return PrintOutcome(False, *MISSING)


class KioskRuntime(QObject):
    """Owns the session's life on the UI thread; see the module docstring."""

    changed = Signal()              # the screen or the mode changed: redraw
    ticked = Signal()               # once a second, after the idle tick: countdowns
    wiped = Signal()                # the idle timer wiped the session
    help_answered = Signal(bool)    # 呼叫帮办 reached the console (or not)
    server_changed = Signal(bool)   # the server became reachable / unreachable
    hall_loaded = Signal()
    _outcome = Signal(object)
    _done = Signal(object)          # (callback, result) of run_async, in one list

    def __init__(self, session, client, *, devices=None, voice=None, device_id: str = "kiosk-01",
                 location: str = "", heartbeat_s: float = 30.0, catalogue_refresh_s: float = 300.0,
                 language: str = "zh", version: str = "", workers: int = 3):
        super().__init__()
        self.session, self.client, self.devices, self.voice = session, client, devices, voice
        self.device_id, self.location = device_id, location
        self.default_language = self.language = language
        self.server_ok: bool | None = None
        self.hall: dict = {}
        self.version = version
        self.started_at = self.last_touch = time.monotonic()
        self.dispatched = 0
        self._hall_loading = self._beating = False
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kiosk-effect")
        printer = devices.receipts if devices is not None else None
        documents = devices.documents if devices is not None else None
        # The certificate runner is the core's EffectRunner plus the A4 printer's two effects.
        self.runner = CertificateEffectRunner(client, documents or NoDocumentPrinter(), printer)
        self._outcome.connect(self.dispatch)
        self._done.connect(lambda pair: pair[0](pair[1]))
        self._tick = self._timer(1000, lambda: self.dispatch(Tick()))
        self._beat = self._timer(int(heartbeat_s * 1000), self.send_heartbeat)
        self._refresh = self._timer(int(catalogue_refresh_s * 1000), self._refresh_at_home)
        # One pending retry each, however many failures ask for one.
        self._hall_retry = self._timer(int(SERVER_RETRY_S * 1000), self.load_hall)
        self._beat_retry = self._timer(int(SERVER_RETRY_S * 1000), self.send_heartbeat)
        self._hall_retry.setSingleShot(True)
        self._beat_retry.setSingleShot(True)
        if devices is not None:
            devices.printer_changed.connect(lambda status: self.dispatch(PrinterChanged(PrinterHealth.from_status(status))))
            devices.card_read.connect(self._card)
            devices.code_scanned.connect(self._scan)
            if devices.printer is not None:   # a status reported before the connection above
                self.dispatch(PrinterChanged(PrinterHealth.from_status(devices.statuses["printer"])))

    def _timer(self, ms: int, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    def start(self) -> None:
        """Load the catalogue, then tick, beat and refresh."""
        self.load_hall()
        for timer in (self._tick, self._beat, self._refresh):
            timer.start()
        self.send_heartbeat()

    def stop(self) -> None:
        for timer in (self._tick, self._beat, self._refresh, self._hall_retry, self._beat_retry):
            timer.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- the session ------------------------------------------------------------------
    def dispatch(self, intent) -> None:
        """Handle one intent on the UI thread and start its effects."""
        before = (self.session.screen, self.session.elderly)
        timing_out = isinstance(intent, Tick) and self.session.idle().kind == TIMEOUT
        try:
            effects = self.session.handle(intent)
        except Exception:   # a flow bug: the resident sees a notice, the log has the traceback
            log.exception("session failed on %s", type(intent).__name__)
            self.session.screen, effects = Refused(messages.notice("internal")), []
        self.dispatched += 1
        if not isinstance(intent, SYSTEM_INTENTS):
            self.last_touch = time.monotonic()     # for the attract screen at home
        if timing_out:
            self.language = self.default_language
            self.wiped.emit()
        if (self.session.screen, self.session.elderly) != before or timing_out:
            self.changed.emit()
        for effect in effects:
            self.perform(effect)
        if isinstance(intent, Tick):
            self.ticked.emit()

    def perform(self, effect) -> None:
        if isinstance(effect, Schedule):
            QTimer.singleShot(int(effect.delay_s * 1000), self, lambda i=effect.intent: self.dispatch(i))
        elif isinstance(effect, Speak):
            self.say(effect.text)
        elif isinstance(effect, RequestAssistance):
            self.request_help(effect.reason)
        elif isinstance(effect, (CallServer, PrintReceipt, PrintChecklist, PrintCertificate, CheckDocumentPrinter)):
            self._pool.submit(self._perform_off_thread, effect)   # printing a certificate follows CUPS for up to wait_s

    def _perform_off_thread(self, effect) -> None:
        outcome = self.runner.perform(effect)
        if isinstance(effect, CallServer):
            error = getattr(outcome, "error", None)
            self._note_server(not (error is not None and error.code == "server_unreachable"))
        if outcome is not None:
            self._outcome.emit(outcome)

    def run_async(self, work: Callable[[], object], callback: Callable[[object], None]) -> None:
        """Run ``work`` off the UI thread; ``callback(result or exception)`` on the UI thread."""
        def job():
            try:
                result = work()
            except Exception as error:   # handed to the callback, which shows a notice
                result = error
            self._done.emit([callback, result])
        self._pool.submit(job)

    # -- language, voice, help ------------------------------------------------------------
    def set_language(self, lang: str) -> None:
        self.language = lang
        self.changed.emit()

    def say(self, text: str) -> None:
        """Speak a prompt in the current language (the core hands over the Chinese text)."""
        if self.voice is None:
            return
        self.voice.say(self._spoken(text), self.language)

    def _spoken(self, text: str) -> str:
        if self.language != "en":
            return text
        for pair in (self.session.screen.prompt(), messages.prompt("ask_more_time")):
            if text == pair[0]:
                return pair[1]
        return text

    def request_help(self, reason: str = "") -> None:
        """呼叫帮办: POST /help-requests with this kiosk's name and place."""
        request_id = new_request_id()
        self.run_async(lambda: self.client.help_request(self.device_id, self.location, reason=reason or None,
                                                        request_id=request_id),
                       lambda result: self.help_answered.emit(not isinstance(result, Exception)))

    # -- devices --------------------------------------------------------------------------
    def _card(self, reading) -> None:
        from kiosk.core.intents import CardSwiped
        self.dispatch(CardSwiped(reading))

    def _scan(self, text: str) -> None:
        from kiosk.core.intents import CodeScanned
        self.dispatch(CodeScanned(text))

    # -- the hall and the heartbeat ----------------------------------------------------------
    def load_hall(self) -> None:
        if self._hall_loading:
            return
        self._hall_loading = True
        self.run_async(self.client.hall, self._hall_answer)

    def _hall_answer(self, result) -> None:
        self._hall_loading = False
        if isinstance(result, Exception):
            self._note_server(False)
            self._hall_retry.start()
            return
        self.hall = result
        self.session.directory = HallDirectory.from_hall(result)
        self._pool.submit(self.session.directory.search, "a")   # load pypinyin now, off the UI thread
        self._note_server(True)
        self.hall_loaded.emit()
        if isinstance(self.session.screen, HomeScreen):
            self.changed.emit()

    def _refresh_at_home(self) -> None:
        if isinstance(self.session.screen, HomeScreen):
            self.load_hall()

    @property
    def hall_name(self) -> str:
        return str((self.hall.get("hall") or {}).get("name") or "")

    @property
    def notices(self) -> tuple[str, ...]:
        return tuple(str(n) for n in (self.hall.get("hall") or {}).get("notices") or ())

    def components(self) -> dict[str, dict]:
        parts = dict(self.devices.components()) if self.devices is not None else {}
        if self.voice is not None:
            parts["voice"] = {"ok": self.voice.ok, "state": "ok" if self.voice.ok else "unavailable"}
        parts["app"] = {"ok": True, "state": "ok", "version": self.version, "screen": type(self.session.screen).__name__,
                        "uptime_s": int(time.monotonic() - self.started_at), "language": self.language}
        return parts

    def send_heartbeat(self) -> None:
        if self._beating:
            return
        self._beating = True
        components = self.components()
        self.run_async(lambda: self.client.heartbeat(self.device_id, components), self._beat_answer)

    def _beat_answer(self, result) -> None:
        self._beating = False
        reachable = not (isinstance(result, KioskError) and result.code == "server_unreachable")
        self._note_server(reachable)
        if not reachable:     # look again soon, so the notice goes as soon as the server is back
            self._beat_retry.start()
        elif not self.hall:
            self.load_hall()

    def _note_server(self, ok: bool) -> None:
        """Any thread: a flip of reachability is announced on the UI thread."""
        if ok != self.server_ok:
            self.server_ok = ok
            self.server_changed.emit(ok)
