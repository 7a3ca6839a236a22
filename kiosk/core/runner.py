"""Performing effects: call the hall, print, speak; turn each outcome into an intent.

The Qt shell runs ``EffectRunner.perform`` for server and printer effects on a
worker thread and posts the returned intent back to the UI thread; ``Schedule``
becomes a QTimer. ``run_to_rest`` does all of it synchronously, for tests and for a
headless run: it is the reference for what the shell must do.
"""
from __future__ import annotations

import logging
from collections import deque
from typing import Callable

from kiosk.core.effects import (CallServer, PrintChecklist, PrintReceipt, RequestAssistance, Schedule,
                                Speak)
from kiosk.core.errors import KioskError
from kiosk.core.intents import PrintFailed, Printed, ServerFailed, ServerReplied
from kiosk.core.ports import HallPort, PrinterPort, VoicePort

log = logging.getLogger(__name__)


class EffectRunner:
    """Performs one effect at a time against the injected ports."""

    def __init__(self, hall: HallPort, printer: PrinterPort | None = None, voice: VoicePort | None = None,
                 assistance: Callable[[str], None] | None = None):
        self.hall, self.printer, self.voice, self.assistance = hall, printer, voice, assistance

    def perform(self, effect):
        """Do ``effect``; return the intent that reports its outcome, or None."""
        if isinstance(effect, CallServer):
            return self._call(effect)
        if isinstance(effect, (PrintReceipt, PrintChecklist)):
            return self._print(effect)
        if isinstance(effect, Speak) and self.voice is not None:
            self._quietly(self.voice.speak, effect.text)
        elif isinstance(effect, RequestAssistance) and self.assistance is not None:
            self._quietly(self.assistance, effect.reason)
        return None

    def _call(self, effect: CallServer):
        try:
            return ServerReplied(effect.op, effect.op.perform(self.hall))
        except KioskError as error:
            return ServerFailed(effect.op, error)
        except Exception:   # a bug, not the resident's problem: log it, show a notice
            log.exception("hall call %s failed unexpectedly", type(effect.op).__name__)
            return ServerFailed(effect.op, KioskError("系统出了点问题", "Something went wrong", code="internal"))

    def _print(self, effect):
        job = effect.receipt if isinstance(effect, PrintReceipt) else effect.checklist
        if self.printer is None:
            return PrintFailed(job, "没有连接打印机", "No printer is configured")
        try:
            if isinstance(effect, PrintReceipt):
                self.printer.print_receipt(job)
            else:
                self.printer.print_checklist(job)
        except Exception as error:   # any driver failure means "not on paper"
            log.warning("printing %s failed", type(job).__name__, exc_info=True)
            return PrintFailed(job, getattr(error, "message", ""), getattr(error, "message_en", ""))
        return Printed(job)

    @staticmethod
    def _quietly(action: Callable[[str], None], text: str) -> None:
        try:
            action(text)
        except Exception:
            log.warning("voice or assistance output failed", exc_info=True)


def run_to_rest(session, intent, runner: EffectRunner, *, max_steps: int = 100) -> list[Schedule]:
    """Handle ``intent`` and every outcome it causes; return the scheduled intents left.

    Raises:
        KioskError: if the loop does not settle within ``max_steps`` (a flow bug).
    """
    pending, scheduled = deque([intent]), []
    for _ in range(max_steps):
        if not pending:
            return scheduled
        for effect in session.handle(pending.popleft()):
            if isinstance(effect, Schedule):
                scheduled.append(effect)
                continue
            outcome = runner.perform(effect)
            if outcome is not None:
                pending.append(outcome)
    raise KioskError("流程没有结束", "The flow did not settle", code="internal")
