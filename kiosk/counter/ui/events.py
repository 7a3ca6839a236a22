"""The hall's event stream on a thread of its own, delivered to Qt as a signal.

``HallClient.follow_events`` reconnects by itself after a network blip or a server
restart and resumes from the last ``seq`` it saw (API.md ``Last-Event-ID``), so no
call is missed; events reach the UI thread through ``arrived`` (a queued signal).
A refused token (401/403) ends the thread and is reported through ``refused``.
"""
from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

from kiosk.core.errors import HallApiError
from kiosk.hall_client import HallClient

log = logging.getLogger(__name__)


class EventFollower(QObject):
    """Follows ``GET /api/v1/events`` from ``since_seq`` until :meth:`stop`."""

    arrived = Signal(object)      # kiosk.core.event_stream.HallEvent
    refused = Signal(object)      # HallApiError

    def __init__(self, client: HallClient, parent=None):
        super().__init__(parent)
        self.client = client
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, since_seq: int = 0) -> None:
        self._thread = threading.Thread(target=self._run, args=(since_seq,), name="counter-events", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self, since_seq: int) -> None:
        try:
            self.client.follow_events(since_seq, self.arrived.emit, self._stop, read_timeout=30.0, backoff_max_s=5.0)
        except HallApiError as error:
            log.warning("event stream refused: %s", error.code)
            self.refused.emit(error)
        except Exception:           # never let the thread die silently
            log.exception("event stream stopped")
