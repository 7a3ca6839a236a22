"""Scanner codes into Qt: the keyboard-wedge event filter, and a relay for driver threads.

A wedge scanner is a USB keyboard that types the code (devices.md §4.1). Installed on
the ``QApplication``, :class:`WedgeScanFilter` feeds every key press to
:class:`~drivers.scanner.protocol.WedgeBurstDetector` and:

* holds each character key back while it may be the start of a burst;
* when the burst proves to be a scan, swallows it and emits ``code_scanned(code)``;
* when it proves to be typing, replays the held keys to where they were going, in order,
  before any later key, so the person's text arrives unchanged, ``max_gap_ms`` late.

Limits, by design of the Qt event path:

* Shortcuts are matched (``ShortcutOverride``) before the filter sees the key press, so
  a single-key shortcut fires even inside a scan: do not bind bare keys on the kiosk.
* A system input method (fcitx, ibus, Windows IME) sees keys before Qt does and can
  swallow Latin letters into a pinyin candidate box: call :func:`disable_input_method`
  on the kiosk's windows (§4.1 option 4).
* Characters the scanner cannot express as keys (汉字) arrive as Alt+keypad codes or
  not at all (§4.1); layout differences change symbols (``@`` vs ``"``). For such
  codes use serial mode or read the scanner's own input device (:mod:`evdev_reader`).
* The decision rests on timing measured when the event loop handles each key; a UI
  thread blocked for longer than ``max_gap_ms`` in mid-burst can split a scan. The
  kiosk never blocks its UI thread (CONVENTIONS.md rule 4).
"""
from __future__ import annotations

import math
import time
from typing import Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

from drivers.scanner.protocol import WedgeBurstDetector, WedgeVerdict

_MODIFIER_KEYS = frozenset({Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta,
                            Qt.Key.Key_AltGr, Qt.Key.Key_CapsLock, Qt.Key.Key_NumLock})
_RETURN_KEYS = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter})


class CodeRelay(QObject):
    """Carries codes from a driver thread to the Qt main thread.

    ``SerialScanner(url, on_code=relay.code_scanned.emit)`` (or ``CameraScanner``,
    ``EvdevScanner``): the signal is emitted on the driver's thread and Qt queues it
    to slots living in the main thread, so no widget is touched off that thread.
    """

    code_scanned = Signal(str)


def disable_input_method(root: QWidget) -> int:
    """Turn the system input method off for ``root`` and every widget inside it.

    Returns how many widgets were changed. Widgets created later need the same call.
    """
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        widget.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
    return len(widgets)


class WedgeScanFilter(QObject):
    """Application-wide event filter that turns wedge-scanner bursts into ``code_scanned``.

    ``clock`` returns milliseconds (default: monotonic); tests inject a fake one. Detector
    settings (``max_gap_ms``, ``min_length``, ``suffixes``, ``require_suffix``) are those
    of :class:`~drivers.scanner.protocol.WedgeBurstDetector`.
    """

    code_scanned = Signal(str)

    def __init__(self, parent: QObject | None = None, *, clock: Callable[[], float] | None = None,
                 **detector_options):
        super().__init__(parent)
        self.detector = WedgeBurstDetector(**detector_options)
        self._clock = clock or (lambda: time.monotonic() * 1000.0)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.poll)
        self._replaying = False

    def install(self, app: QCoreApplication | None = None) -> "WedgeScanFilter":
        """Install on ``app`` (default: the running application); returns self."""
        (app or QCoreApplication.instance()).installEventFilter(self)
        return self

    def uninstall(self, app: QCoreApplication | None = None) -> None:
        """Remove the filter, first replaying anything still held back."""
        self._apply(self.detector.poll(math.inf))
        (app or QCoreApplication.instance()).removeEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() != QEvent.Type.KeyPress or self._replaying:
            return False
        if event.isAutoRepeat() or event.key() in _MODIFIER_KEYS:
            return False
        # A press that passes reaches us again on its next hop (window → focus widget →
        # parents); judging it again is harmless, see WedgeBurstDetector.
        text = "\r" if event.key() in _RETURN_KEYS else event.text()
        verdict = self.detector.key(text, self._clock(), payload=(obj, event.clone()))
        return self._apply(verdict)

    def poll(self) -> None:
        """Settle held keys whose burst has ended (called by the timer; tests may call it)."""
        self._apply(self.detector.poll(self._clock()))

    def _apply(self, verdict: WedgeVerdict) -> bool:
        self._replay(verdict.replay)
        for code in verdict.codes:
            self.code_scanned.emit(code)
        self._reschedule()
        return verdict.swallow

    def _replay(self, payloads: tuple) -> None:
        self._replaying = True
        try:
            for target, event in payloads:
                if shiboken6.isValid(target):
                    QCoreApplication.sendEvent(target, event)
        finally:
            self._replaying = False

    def _reschedule(self) -> None:
        deadline = self.detector.deadline_ms
        if deadline is None:
            self._timer.stop()
            return
        self._timer.start(max(1, math.ceil(deadline - self._clock()) + 1))

