"""What the scanners that run their own threads share (camera, evdev): each code goes
to ``on_code`` and each change of status to ``on_status``; a callback that raises is
logged and never ends the reading thread."""
from __future__ import annotations

import logging
from typing import Callable

from drivers.status import DeviceStatus

log = logging.getLogger(__name__)


class ThreadedScanner:
    """Base of :class:`~drivers.scanner.camera.CameraScanner` and
    :class:`~drivers.scanner.evdev_reader.EvdevScanner`. ``mode`` names the kind of
    scanner in the status details; ``closed`` is the (zh, en) status before it opens."""

    kind = "scanner"
    mode = ""

    def __init__(self, on_code: Callable[[str], None] | None, on_status: Callable[[DeviceStatus], None] | None,
                 closed: tuple[str, str]):
        self.on_code, self.on_status = on_code, on_status
        self._status = DeviceStatus(self.kind, "unavailable", closed[0], closed[1], {"mode": self.mode})

    @property
    def status(self) -> DeviceStatus:
        """The latest status (also pushed to ``on_status`` on change)."""
        return self._status

    def _deliver(self, code: str) -> None:
        if self.on_code is None:
            return
        try:
            self.on_code(code)
        except Exception:  # a shell's callback must never end the reading thread
            log.exception("scanner code callback failed")

    def _set_status(self, state: str, message: str = "", message_en: str = "") -> None:
        status = DeviceStatus(self.kind, state, message, message_en, {"mode": self.mode})
        if status == self._status:
            return
        self._status = status
        if self.on_status is not None:
            try:
                self.on_status(status)
            except Exception:
                log.exception("scanner status callback failed")
