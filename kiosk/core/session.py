"""One kiosk's resident-facing state: home, navigation, elderly mode, idle timer, wipe.

The Qt shell owns one ``KioskSession``. It renders ``session.screen`` (and the idle
countdown from ``session.idle()``), forwards every tap, card, scan and effect
outcome as an intent to ``session.handle(intent)``, and performs the returned
effects (see kiosk/core/runner.py and docs/kiosk-flows.md).

Personal data lives only inside flow screens. Going home replaces the screen, so
nothing about the resident survives a finished flow; the idle timeout also resets
elderly mode for the next person (DESIGN.md "Personal data").
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from kiosk.core import certificate_flow, check_in, evaluation, guide, issuance, messages, progress, scan, take_number
from kiosk.core.directory import HallDirectory, UsageCounter
from kiosk.core.effects import RequestAssistance, Speak, new_request_id as _new_request_id
from kiosk.core.idle import ASK, TIMEOUT, IdleVerdict, idle_verdict
from kiosk.core.intents import (SYSTEM_INTENTS, Action, Back, CallHelp, CodeScanned, Home, MoreTime, Open,
                                PrinterChanged, PrinterHealth, ReplayPrompt, Tick, ToggleElderly)
from kiosk.core.screens import FlowContext, HomeScreen, Refused, Step, home_screen
from kiosk.core.settings import FlowSettings

_FLOWS = {
    "take_number": take_number.handle, "check_in": check_in.handle, "guide": guide.handle,
    "progress": progress.handle, "evaluation": evaluation.handle, "issuance": issuance.handle,
    "certificate": certificate_flow.handle,
}
_STARTS = {
    "take_number": take_number.start, "check_in": check_in.start, "guide": guide.start,
    "progress": progress.start, "evaluate": evaluation.start, "certificate": certificate_flow.start,
}


class KioskSession:
    """The state machine the kiosk screens render. Not thread-safe: call from the UI thread."""

    def __init__(self, directory: HallDirectory, settings: FlowSettings = FlowSettings(), *,
                 clock: Callable[[], datetime], new_request_id: Callable[[], str] = _new_request_id,
                 usage: UsageCounter = UsageCounter(), printer: PrinterHealth = PrinterHealth()):
        self.directory = directory
        self.settings = settings
        self.usage = usage
        self.printer = printer
        self.elderly = False
        self._clock = clock
        self._new_request_id = new_request_id
        self._asked = False
        self.last_activity = clock()
        self.screen = home_screen(printer).offered(settings)

    def handle(self, intent) -> list:
        """Apply one intent; return the effects to perform, in order."""
        now = self._clock()
        if isinstance(intent, Tick):
            return self._tick(now)
        if not isinstance(intent, SYSTEM_INTENTS):
            self.last_activity, self._asked = now, False
        step = self._session_step(intent, now)
        if step is None:
            handler = _FLOWS.get(self.screen.flow)
            step = handler(self.screen, intent, self._context(now)) if handler else None
        return self._enter(step) if step is not None else []

    def idle(self) -> IdleVerdict:
        """The idle countdown for the current screen (paused at home and while busy)."""
        # Home holds nothing to wipe, except elderly mode, which the next person may not want.
        at_rest = isinstance(self.screen, HomeScreen) and not self.elderly
        paused = at_rest or self.screen.busy
        return idle_verdict(self.settings.idle, now=self._clock(), last_activity=self.last_activity,
                            elderly=self.elderly, paused=paused)

    def wipe(self) -> list:
        """Forget the resident: home screen, standard mode. Returns what the left screen
        still owes (e.g. telling the hall an unprinted certificate was cancelled)."""
        owed = list(self.screen.on_leave(self._context(self._clock())))
        self.screen = home_screen(self.printer).offered(self.settings)
        self.elderly, self._asked = False, False
        self.last_activity = self._clock()
        return owed

    def _context(self, now: datetime) -> FlowContext:
        return FlowContext(self.directory, self.settings, now, self.printer, self.usage, self._new_request_id)

    def _tick(self, now: datetime) -> list:
        verdict = self.idle()
        if verdict.kind == TIMEOUT:
            return self.wipe()
        if verdict.kind == ASK and not self._asked:
            self._asked = True
            return [Speak(messages.prompt("ask_more_time")[0])] if self._speaks else []
        return []

    def _session_step(self, intent, now: datetime) -> Step | None:
        """Intents that mean the same on every screen."""
        step = self._mode_step(intent)
        if step is not None or self.screen.busy:
            return step
        ctx, screen = self._context(now), self.screen
        if isinstance(intent, Home) or (isinstance(intent, Action) and intent.key == messages.HOME):
            return Step(home_screen(self.printer), screen.on_leave(ctx))
        if isinstance(intent, Action) and intent.key == messages.TAKE_TICKET:
            return take_number.start(ctx)
        if isinstance(screen, Refused):
            return self._on_refused(screen, intent)
        if isinstance(screen, HomeScreen):
            return self._on_home(intent, ctx)
        return None

    def _mode_step(self, intent) -> Step | None:
        """Printer, elderly mode, voice and help: allowed even while busy."""
        screen = self.screen
        if isinstance(intent, PrinterChanged):
            self.printer = intent.health
            return Step(home_screen(self.printer, screen.notice)) if isinstance(screen, HomeScreen) else None
        if isinstance(intent, ToggleElderly):
            self.elderly = not self.elderly
            return Step(screen, (Speak(screen.prompt()[0]),) if self.elderly else ())
        if isinstance(intent, ReplayPrompt):
            return Step(screen, (Speak(screen.prompt()[0]),))
        if isinstance(intent, MoreTime):
            return Step(screen)
        if isinstance(intent, CallHelp) or (isinstance(intent, Action) and intent.key == messages.HELP_DESK):
            notice = getattr(screen, "notice", None)
            return Step(screen, (RequestAssistance(notice.code if notice else ""),))
        return None

    def _on_refused(self, screen: Refused, intent) -> Step | None:
        if isinstance(intent, Action) and intent.key == messages.RETRY:
            return Step(screen.retry_screen or home_screen(self.printer))
        if isinstance(intent, Back):
            return Step(home_screen(self.printer))
        return None                     # "book" and "note the number" are shown by the shell

    def _on_home(self, intent, ctx: FlowContext) -> Step | None:
        if isinstance(intent, Open) and intent.tile in _STARTS:
            return _STARTS[intent.tile](ctx)
        if isinstance(intent, CodeScanned):
            return _route_scan(intent.text, ctx)
        return None                     # e.g. a card swiped on the home screen is ignored

    def _enter(self, step: Step) -> list:
        before = self.screen.prompt()
        screen = step.screen
        self.screen = screen.offered(self.settings) if isinstance(screen, HomeScreen) else screen
        if step.usage is not None:
            self.usage = step.usage
        effects = list(step.effects)
        spoken = any(isinstance(e, Speak) for e in effects)
        if self._speaks and not spoken and self.screen.prompt() != before:
            effects.append(Speak(self.screen.prompt()[0]))
        return effects

    @property
    def _speaks(self) -> bool:
        return self.elderly or self.settings.speak_always


def _route_scan(text: str, ctx: FlowContext) -> Step:
    """码上办 from the home screen: any known QR code opens its flow directly."""
    code = scan.parse_scan(text)
    if code.kind == scan.TICKET_STATUS:
        return progress.lookup_token(code.value)
    if code.kind == scan.SERVICE_GUIDE:
        return guide.open_service(code.value, ctx)
    if code.kind == scan.APPOINTMENT:
        if not ctx.printer.ready:
            return Step(home_screen(ctx.printer, messages.notice("printer_unavailable")))
        return check_in.start_with_code(code.value, ctx)
    return Step(home_screen(ctx.printer, messages.notice("unknown_code")))
