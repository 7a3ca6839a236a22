"""The interfaces the kiosk core talks through. Implementations live outside the core:
``kiosk.hall_client.HallClient`` for the hall server, the printer driver, the voice
agent. Tests use fakes that record calls.
"""
from __future__ import annotations

from typing import Iterable, Mapping, Protocol

from kiosk.core.identity import IdCard
from kiosk.core.receipt import Checklist, Receipt


class HallPort(Protocol):
    """The part of the hall server's API (API.md) that the kiosk flows use.

    Every call raises ``HallApiError`` for an error body and ``HallUnreachable``
    when the server cannot be reached after the client's own retries.
    """

    def issue_ticket(self, *, service_code: str | None = None, category_code: str | None = None,
                     id_card: IdCard | None = None, priority: str = "normal",
                     request_id: str) -> Mapping: ...

    def check_in(self, code: str, *, id_card: IdCard | None = None, request_id: str) -> Mapping: ...

    def lookup_appointments(self, id_card: IdCard) -> Mapping: ...

    def ticket_status(self, status_token: str) -> Mapping: ...

    def ticket_by_number(self, number: str) -> Mapping: ...

    def queue(self) -> Mapping: ...

    def evaluate(self, ticket_id: str, level: int, *, reasons: Iterable[str] = (),
                 comment: str | None = None, channel: str = "kiosk", request_id: str) -> Mapping: ...


class PrinterPort(Protocol):
    """The ticket printer. Raises (any exception, typically ``DeviceError``) when nothing
    was printed; must give up within its own timeout rather than hang."""

    def print_receipt(self, receipt: Receipt) -> None: ...

    def print_checklist(self, checklist: Checklist) -> None: ...


class VoicePort(Protocol):
    """Text to speech for step prompts (elderly mode, replay)."""

    def speak(self, text: str) -> None: ...
