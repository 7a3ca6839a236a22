"""The counter console's state machine: pure, driven by intents, answering effects.

The Qt shell owns one :class:`CounterConsole`; it renders :meth:`CounterConsole.view`
and performs the effects :meth:`CounterConsole.handle` returns (docs/counter.md).

Rules it keeps:

* state comes from the server (``LoadState`` after every own action and every
  relevant event); the console only remembers what is in flight;
* one clerk action at a time; its operation, with the request_id made for that
  intent, is resent unchanged until the server answers, so it is never done twice;
* call-type actions share one debounce (3 s by default);
* the LED shows 请 A023 号 while a ticket is open at the window, 暂停服务 while the
  window is paused, nothing otherwise, and the call again on every recall;
* 办结 opens one evaluation prompt; its outcome reaches the clerk as rated or 未评,
  never as a level (domain.md HCP-43).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Callable, Mapping

from kiosk.core.effects import new_request_id as _new_request_id
from kiosk.core.errors import HallApiError, KioskError
from kiosk.counter.core import actions as A
from kiosk.counter.core import evaluation as ev
from kiosk.counter.core import messages
from kiosk.counter.core.debounce import CallDebounce
from kiosk.counter.core.intents import (AskRating, CallServer, CancelPending, EndRating, HallEventArrived,
                                        LedContent, PadFailed, Press, RatingDeclined, RatingExpired, RatingGiven,
                                        RatingTimedOut,
                                        Refresh, RetryDue, Schedule, ServerFailed, ServerReplied, ShowLed)
from kiosk.counter.core.model import (OPEN_STATES, ClerkInfo, TicketInfo, WindowInfo, find_window, parse_ticket,
                                      waiting_line)
from kiosk.counter.core.ops import (CallChosen, LoadState, MarkUnrated, PauseWindow, RequeueTicket, SIMPLE_ACTIONS,
                                    SubmitRating, TransferTicket, WindowAction)
from kiosk.counter.core.service_timer import parse_time
from kiosk.counter.core.view import ConsoleView, console_view

NO_SHOWS_KEPT = 20


@dataclass(frozen=True)
class ConsoleSettings:
    """Everything the console decides with that is not hall data (kiosk/counter/config.py builds it)."""

    debounce_s: float = 3.0
    retry_delays_s: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0, 15.0)   # the last repeats
    evaluation_mode: str = "pad"          # pad | screen | tablet | none
    evaluation_timeout_s: int = 30
    rating_grace_s: float = 5.0
    pad_reason_fallback: str = "评价器未选择原因"


class CounterConsole:
    """One window's console. Not thread-safe: call from the UI thread only."""

    def __init__(self, window_id: str, clerk: ClerkInfo, settings: ConsoleSettings = ConsoleSettings(), *,
                 monotonic: Callable[[], float], wall_clock: Callable[[], datetime],
                 new_request_id: Callable[[], str] = _new_request_id):
        self.window_id, self.clerk, self.settings = window_id, clerk, settings
        self._monotonic, self._wall_clock, self._new_request_id = monotonic, wall_clock, new_request_id
        self.debounce = CallDebounce(settings.debounce_s)
        self.window: WindowInfo | None = None
        self.current: TicketInfo | None = None
        self.waiting: tuple[TicketInfo, ...] = ()
        self.no_shows: tuple[TicketInfo, ...] = ()
        self.in_flight = None                 # the clerk's unconfirmed operation
        self.retrying = False
        self.attempts = 0
        self.online = True
        self.notice: messages.Notice | None = None
        self.prompt: ev.EvaluationPrompt | None = None
        self.rating_op: SubmitRating | MarkUnrated | None = None
        self.led: LedContent | None = None
        self.clock_offset = timedelta(0)
        self.server_tz = None
        self.loading = self.reload_wanted = False
        self.loaded = False

    # --- public ------------------------------------------------------------------------

    def start(self) -> list:
        """The first effects: read the window's state."""
        return self._reload()

    def server_now(self) -> datetime:
        """The server's time in the server's zone (the demo hall may run on a shifted clock)."""
        now = self._wall_clock() + self.clock_offset
        return now.astimezone(self.server_tz) if self.server_tz is not None else now

    def handle(self, intent) -> list:
        """Apply one intent; return the effects to perform, in order."""
        for kind, method in _HANDLERS:
            if isinstance(intent, kind):
                return method(self, intent)
        return []

    def allowed(self, action: str) -> bool:
        """Whether ``action`` makes sense now (a choice-needing action: whether it can be offered)."""
        window, current = self.window, self.current
        if window is None or self.in_flight is not None:
            return False
        state = current.state if current else None
        holding = state in OPEN_STATES
        rules = {
            A.CALL_NEXT: window.state == "open" and not holding,
            A.CALL_TICKET: window.state == "open" and not holding and bool(self.waiting),
            A.RECALL: state == "called", A.NO_SHOW: state == "called", A.START: state == "called",
            A.FINISH: state == "serving", A.SUSPEND: state == "serving", A.UNSUSPEND: state == "suspended",
            A.TRANSFER: state in ("called", "serving"),
            A.PAUSE: window.state == "open", A.RESUME: window.state in ("paused", "closed"),
            A.REQUEUE: bool(self.no_shows),
        }
        return rules.get(action, False)

    # --- the clerk ---------------------------------------------------------------------

    def _on_press(self, press: Press) -> list:
        if press.action == A.HELP:
            self.notice = messages.notice("pad_help")
            return []
        spec = A.BY_NAME.get(press.action)
        if spec is None:
            return []
        if self.in_flight is not None:
            if self.retrying and self.in_flight.action == press.action:
                self.retrying = False         # pressed again while retrying: retry now, same request_id
                return [CallServer(self.in_flight)]
            self.notice = messages.notice("busy")
            return []
        if not self.allowed(press.action):
            self.notice = messages.notice("not_now", action=spec.zh)
            return []
        if not self._arguments_ok(press):
            return []
        if spec.calls and not self.debounce.allow(self._monotonic()):
            seconds = math.ceil(self.debounce.remaining(self._monotonic()))
            self.notice = messages.notice("debounced", seconds=seconds)
            return []
        self.in_flight, self.retrying, self.attempts = self._op_for(press), False, 0
        return [CallServer(self.in_flight)]

    def _arguments_ok(self, press: Press) -> bool:
        label = A.BY_NAME[press.action].zh
        if press.action == A.CALL_TICKET and press.ticket_id not in {t.id for t in self.waiting}:
            self.notice = messages.notice("choose_ticket")
            return False
        if press.action == A.REQUEUE and press.ticket_id not in {t.id for t in self.no_shows}:
            self.notice = messages.notice("choose_ticket")
            return False
        if press.action == A.TRANSFER and bool(press.to_category) == bool(press.to_window):
            self.notice = messages.notice("not_now", action=label)
            return False
        return True

    def _op_for(self, press: Press):
        rid = self._new_request_id()
        if press.action == A.RESUME and self.window.state == "closed":
            return WindowAction(A.OPEN, self.window_id, rid)     # a closed window is opened, not resumed
        if press.action in SIMPLE_ACTIONS:
            return WindowAction(press.action, self.window_id, rid)
        if press.action == A.CALL_TICKET:
            chosen = next(t for t in self.waiting if t.id == press.ticket_id)
            return CallChosen(self.window_id, chosen.id, chosen.number, rid)
        if press.action == A.REQUEUE:
            chosen = next(t for t in self.no_shows if t.id == press.ticket_id)
            return RequeueTicket(chosen.id, chosen.number, rid)
        if press.action == A.TRANSFER:
            return TransferTicket(self.window_id, press.to_category or None, press.to_window or None, rid)
        return PauseWindow(self.window_id, (press.reason or "").strip() or None, rid)

    def _on_cancel(self, _: CancelPending) -> list:
        if self.in_flight is None:
            return []
        self.notice = messages.notice("abandoned", action=A.BY_NAME[self.in_flight.action].zh)
        self.in_flight, self.retrying = None, False
        return self._reload()

    # --- server outcomes -----------------------------------------------------------------

    def _on_reply(self, reply: ServerReplied) -> list:
        if isinstance(reply.op, LoadState):
            return self._loaded(reply.body)
        if reply.op == self.rating_op:
            if isinstance(reply.op, MarkUnrated):
                self.rating_op = None
                return []
            return self._rating_settled(ev.RATED)
        if reply.op != self.in_flight:
            return []
        op, self.in_flight, self.retrying = self.in_flight, None, False
        effects = self._back_online()
        effects += self._apply_action(op, reply.body)
        return effects + self._reload()

    def _apply_action(self, op, body: Mapping) -> list:
        ticket = parse_ticket(body)
        number = ticket.number if ticket else getattr(op, "number", "")
        if op.action in (A.PAUSE, A.RESUME, A.OPEN):
            if self.window is not None:
                self.window = replace(self.window, state=body.get("state", self.window.state),
                                      pause_reason=body.get("pause_reason"))
            self.notice = messages.notice("paused" if op.action == A.PAUSE else "resumed")
            return self._led_sync()
        if op.action == A.REQUEUE:
            self.no_shows = tuple(t for t in self.no_shows if t.id != op.ticket_id)
            self.notice = messages.notice("requeued", number=number)
            return []
        if op.action in (A.CALL_NEXT, A.CALL_TICKET, A.RECALL, A.START, A.SUSPEND, A.UNSUSPEND) and ticket:
            history = self.current.history if self.current and self.current.id == ticket.id else ()
            self.current = replace(ticket, history=history)
            self.waiting = tuple(t for t in self.waiting if t.id != ticket.id)
        else:
            self.current = None
        self.notice = messages.notice(_DONE_NOTICE[op.action], number=number,
                                      count=ticket.recall_count if ticket else 0)
        effects = self._led_sync(force=op.action == A.RECALL)
        if op.action == A.FINISH and ticket is not None:
            effects += self._ask_rating(ticket)
        return effects

    def _on_failure(self, failed: ServerFailed) -> list:
        error, op = failed.error, failed.op
        unreachable = error.code == "server_unreachable"
        if isinstance(op, LoadState):
            self.loading = False
            if unreachable:
                self.online = False
                return [Schedule(self._delay(self.attempts), Refresh())]
            self.notice = messages.notice_for_error(error)
            return []
        if op == self.rating_op:
            return self._rating_failed(op, error, unreachable)
        if op != self.in_flight:
            return []
        if unreachable:
            self.online, self.retrying = False, True
            self.notice = messages.notice("retrying", action=A.BY_NAME[op.action].zh)
            self.attempts += 1
            return [Schedule(self._delay(self.attempts - 1), RetryDue(op))]
        self.in_flight, self.retrying = None, False
        if op.action in A.CALL_ACTIONS:
            self.debounce.reset()       # nobody was called: the next press may go at once
        self.notice = messages.notice_for_error(error)
        return self._reload()

    def _on_retry(self, due: RetryDue) -> list:
        if due.op == self.in_flight and self.retrying:
            self.retrying = False
            return [CallServer(self.in_flight)]
        if due.op == self.rating_op:
            return [CallServer(self.rating_op)]
        return []

    def _delay(self, attempt: int) -> float:
        delays = self.settings.retry_delays_s or (2.0,)
        return delays[min(attempt, len(delays) - 1)]

    def _back_online(self) -> list:
        if not self.online:
            self.online = True
            self.notice = messages.notice("online")
        self.attempts = 0
        return []

    # --- the server's state ---------------------------------------------------------------

    def _reload(self) -> list:
        if self.loading:
            self.reload_wanted = True
            return []
        self.loading, self.reload_wanted = True, False
        return [CallServer(LoadState(self.window_id))]

    def _loaded(self, body: Mapping) -> list:
        self.loading, effects = False, []
        if not self.online and self.in_flight is not None and self.retrying:
            self.retrying = False        # the server is back: resend now, same request_id
            effects.append(CallServer(self.in_flight))
        self._back_online()
        self._apply_state(body)
        effects += self._led_sync()
        return effects + (self._reload() if self.reload_wanted else [])

    def _apply_state(self, body: Mapping) -> None:
        window = find_window([body.get("window") or {}], self.window_id) or self.window
        if window is None:
            return
        server_time = parse_time(body.get("server_time"))
        if server_time is not None:
            self.clock_offset = server_time - self._wall_clock()
            self.server_tz = server_time.tzinfo
        current = parse_ticket(body.get("current") or {})
        self.window, self.loaded = window, True
        self.current = current if current and current.id == window.current_ticket_id \
            and current.state in OPEN_STATES else None
        tickets = [t for t in (parse_ticket(b) for b in body.get("waiting") or ()) if t]
        self.waiting = waiting_line(tickets, window)
        shows = [t for t in (parse_ticket(b) for b in body.get("no_shows") or ()) if t and t.state == "no_show"
                 and t.window_id == self.window_id]
        shows.sort(key=lambda t: t.called_at.timestamp() if t.called_at else 0.0, reverse=True)
        self.no_shows = tuple(shows[:NO_SHOWS_KEPT])

    def _on_event(self, event: HallEventArrived) -> list:
        if self._concerns_me(event):
            return self._reload()
        return []

    def _concerns_me(self, event: HallEventArrived) -> bool:
        data, window = event.data or {}, self.window
        if event.type.startswith("window."):
            return data.get("window_id") == self.window_id
        if not event.type.startswith("ticket."):
            return False           # evaluation.* and case.* are not the clerk's business (HCP-43)
        mine = {data.get("window_id"), data.get("to_window"), data.get("from_window")}
        return self.window_id in mine or (window is not None and data.get("category") in window.categories)

    def _on_refresh(self, _: Refresh) -> list:
        return self._reload()

    # --- the LED screen ---------------------------------------------------------------------

    def desired_led(self) -> LedContent:
        """What the window's LED screen should show for the current state."""
        window, current = self.window, self.current
        if window is not None and window.state == "paused":
            return LedContent("paused")
        if window is not None and current is not None and current.state in OPEN_STATES:
            return LedContent("call", current.number, window.number)
        return LedContent("blank")

    def _led_sync(self, *, force: bool = False) -> list:
        if self.window is None:
            return []
        wanted = self.desired_led()
        if wanted == self.led and not force:
            return []
        self.led = wanted
        return [ShowLed(wanted)]

    # --- evaluation (一次一评) ------------------------------------------------------------------

    def _ask_rating(self, ticket: TicketInfo) -> list:
        if self.settings.evaluation_mode in ("none", "tablet"):
            return []       # tablet: the server's /evaltablet page asks by itself on ticket.done
        self.prompt = ev.EvaluationPrompt(ticket.id, ticket.number, self._new_request_id(),
                                          self.settings.evaluation_timeout_s)
        self.rating_op = None
        deadline = self.settings.evaluation_timeout_s + self.settings.rating_grace_s
        return [AskRating(self.prompt), Schedule(deadline, RatingExpired(self.prompt.request_id))]

    def _on_rating(self, rating: RatingGiven) -> list:
        prompt = self.prompt
        if prompt is None or not prompt.open or rating.number != prompt.number or not 1 <= rating.level <= 5:
            return []             # late, repeated or unsolicited: one rating per prompt
        reasons = tuple(rating.reasons)
        if rating.channel == "pad":
            reasons = ev.pad_reasons(rating.level, reasons, self.settings.pad_reason_fallback)
        self.rating_op = SubmitRating(prompt.ticket_id, prompt.number, rating.level, reasons,
                                      (rating.comment or "").strip() or None, rating.channel,
                                      rating.request_id or prompt.request_id)
        self.prompt = replace(prompt, status=ev.SUBMITTING)
        return [CallServer(self.rating_op)]

    def _on_rating_over(self, intent) -> list:
        prompt = self.prompt
        if prompt is None or not prompt.open:
            return []
        if isinstance(intent, RatingExpired) and intent.request_id != prompt.request_id:
            return []
        if isinstance(intent, (RatingTimedOut, PadFailed, RatingDeclined)) and intent.number != prompt.number:
            return []
        status = ev.FAILED if isinstance(intent, PadFailed) else ev.UNRATED
        self.prompt = replace(prompt, status=status)
        self.notice = messages.notice("pad_unavailable" if status == ev.FAILED else "unrated", number=prompt.number)
        if status == ev.FAILED:
            return [EndRating(self.prompt)]     # never asked: the server's sweep counts it later
        reason = "declined" if isinstance(intent, RatingDeclined) else "timeout"
        channel = "screen" if self.settings.evaluation_mode == "screen" else "pad"
        # Its own key: the idempotency store is per token, not per route.
        self.rating_op = MarkUnrated(prompt.ticket_id, prompt.number, reason, channel, f"{prompt.request_id}-unrated")
        return [EndRating(self.prompt), CallServer(self.rating_op)]

    def _rating_settled(self, status: str) -> list:
        self.rating_op = None
        self.prompt = replace(self.prompt, status=status)
        if status == ev.RATED:
            self.notice = messages.notice("rated", number=self.prompt.number)
        self._back_online()
        return [EndRating(self.prompt)]

    def _rating_failed(self, op: SubmitRating | MarkUnrated, error: KioskError, unreachable: bool) -> list:
        if unreachable:
            self.online = False
            return [Schedule(self._delay(1), RetryDue(op))]
        if isinstance(op, MarkUnrated):
            self.rating_op = None      # a server without the 未评 route, or rated meanwhile: it counts anyway
            return []
        if isinstance(error, HallApiError) and error.code == "conflict":
            return self._rating_settled(ev.RATED)      # rated already: the first one counts
        self.notice = messages.notice("rating_failed", number=op.number, reason=error.message,
                                      reason_en=error.message_en)
        return self._rating_settled(ev.FAILED)

    def view(self) -> ConsoleView:
        """The render model for the Qt shell."""
        return console_view(self)


_DONE_NOTICE = {A.CALL_NEXT: "called", A.CALL_TICKET: "called", A.RECALL: "recalled", A.NO_SHOW: "no_show",
                A.START: "started", A.FINISH: "finished", A.TRANSFER: "transferred", A.SUSPEND: "suspended",
                A.UNSUSPEND: "unsuspended"}

_HANDLERS = (
    (Press, CounterConsole._on_press), (CancelPending, CounterConsole._on_cancel),
    (ServerReplied, CounterConsole._on_reply), (ServerFailed, CounterConsole._on_failure),
    (RetryDue, CounterConsole._on_retry), (HallEventArrived, CounterConsole._on_event),
    (Refresh, CounterConsole._on_refresh), (RatingGiven, CounterConsole._on_rating),
    (RatingTimedOut, CounterConsole._on_rating_over), (RatingExpired, CounterConsole._on_rating_over),
    (PadFailed, CounterConsole._on_rating_over), (RatingDeclined, CounterConsole._on_rating_over),
)
