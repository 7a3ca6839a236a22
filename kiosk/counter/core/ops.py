"""Server operations of the counter console, as data that knows how to run itself.

Each operation carries the ``request_id`` chosen once per clerk intent (or per rating
event); the console hands the very same object to every retry, so a retried call
reaches the server with the same key and the server returns the first result
instead of calling a second resident (API.md "request_id"). ``perform`` runs on a
worker thread against a :class:`CounterPort` (``kiosk.counter.client.CounterClient``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Protocol

from kiosk.counter.core import actions as A


class CounterPort(Protocol):
    """The part of the hall server API the console uses (API.md); errors as in HallClient."""

    def call_next(self, window_id: str, *, request_id: str | None = None) -> dict: ...
    def call_ticket(self, window_id: str, ticket_id: str, *, request_id: str | None = None) -> dict: ...
    def recall(self, window_id: str, *, request_id: str | None = None) -> dict: ...
    def skip(self, window_id: str, *, request_id: str | None = None) -> dict: ...
    def start(self, window_id: str, *, request_id: str | None = None) -> dict: ...
    def finish(self, window_id: str, *, request_id: str | None = None) -> dict: ...
    def suspend(self, window_id: str, *, request_id: str | None = None) -> dict: ...
    def unsuspend(self, window_id: str, *, request_id: str | None = None) -> dict: ...
    def transfer(self, window_id: str, *, to_category: str | None = None, to_window: str | None = None,
                 request_id: str | None = None) -> dict: ...
    def pause(self, window_id: str, *, reason: str | None = None, request_id: str | None = None) -> dict: ...
    def resume(self, window_id: str, *, request_id: str | None = None) -> dict: ...
    def open_window(self, window_id: str, *, request_id: str | None = None) -> dict: ...
    def requeue(self, ticket_id: str, *, request_id: str | None = None) -> dict: ...
    def evaluate(self, ticket_id: str, level: int, *, reasons: Iterable[str] = (), comment: str | None = None,
                 channel: str = "kiosk", request_id: str) -> dict: ...
    def unrated(self, ticket_id: str, *, reason: str, channel: str | None, request_id: str) -> dict: ...
    def window_state(self, window_id: str) -> dict: ...


# Ticket actions without arguments → the client method that performs them.
_SIMPLE = {A.CALL_NEXT: "call_next", A.RECALL: "recall", A.NO_SHOW: "skip", A.START: "start",
           A.FINISH: "finish", A.SUSPEND: "suspend", A.UNSUSPEND: "unsuspend", A.RESUME: "resume",
           A.OPEN: "open_window"}
SIMPLE_ACTIONS = frozenset(_SIMPLE)


@dataclass(frozen=True)
class WindowAction:
    """叫号, 重呼, 过号, 开始, 办结, 挂起, 恢复办理, 恢复服务, 开启窗口: one POST on the window."""

    action: str
    window_id: str
    request_id: str

    def perform(self, hall: CounterPort) -> Mapping:
        return getattr(hall, _SIMPLE[self.action])(self.window_id, request_id=self.request_id)


@dataclass(frozen=True)
class CallChosen:
    """特呼: call one chosen waiting ticket."""

    window_id: str
    ticket_id: str
    number: str
    request_id: str
    action: str = A.CALL_TICKET

    def perform(self, hall: CounterPort) -> Mapping:
        return hall.call_ticket(self.window_id, self.ticket_id, request_id=self.request_id)


@dataclass(frozen=True)
class TransferTicket:
    """转移 to a category or to a window (exactly one of them)."""

    window_id: str
    to_category: str | None
    to_window: str | None
    request_id: str
    action: str = A.TRANSFER

    def perform(self, hall: CounterPort) -> Mapping:
        return hall.transfer(self.window_id, to_category=self.to_category, to_window=self.to_window,
                             request_id=self.request_id)


@dataclass(frozen=True)
class PauseWindow:
    """暂停服务 with the clerk's reason (kept by the server for the manager's statistics, domain.md WIN-03)."""

    window_id: str
    reason: str | None
    request_id: str
    action: str = A.PAUSE

    def perform(self, hall: CounterPort) -> Mapping:
        return hall.pause(self.window_id, reason=self.reason, request_id=self.request_id)


@dataclass(frozen=True)
class RequeueTicket:
    """过号重排: a no-show of this window back into the waiting line."""

    ticket_id: str
    number: str
    request_id: str
    action: str = A.REQUEUE

    def perform(self, hall: CounterPort) -> Mapping:
        return hall.requeue(self.ticket_id, request_id=self.request_id)


@dataclass(frozen=True)
class SubmitRating:
    """The resident's rating (pad or second screen); one request_id per rating event."""

    ticket_id: str
    number: str
    level: int
    reasons: tuple[str, ...]
    comment: str | None
    channel: str
    request_id: str

    def perform(self, hall: CounterPort) -> Mapping:
        return hall.evaluate(self.ticket_id, self.level, reasons=self.reasons, comment=self.comment,
                             channel=self.channel, request_id=self.request_id)


@dataclass(frozen=True)
class MarkUnrated:
    """未评: the prompt ended without a rating (``timeout``) or the resident declined (``declined``)."""

    ticket_id: str
    number: str
    reason: str
    channel: str
    request_id: str

    def perform(self, hall: CounterPort) -> Mapping:
        return hall.unrated(self.ticket_id, reason=self.reason, channel=self.channel, request_id=self.request_id)


@dataclass(frozen=True)
class LoadState:
    """Read the window, its waiting line, its no-shows and its current ticket (with history)."""

    window_id: str

    def perform(self, hall: CounterPort) -> Mapping:
        return hall.window_state(self.window_id)


ClerkOp = WindowAction | CallChosen | TransferTicket | PauseWindow | RequeueTicket
ServerOp = ClerkOp | SubmitRating | MarkUnrated | LoadState
