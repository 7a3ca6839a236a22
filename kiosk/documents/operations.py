"""The certificate flow's requests to the outside world, as plain data (no Qt, no HTTP).

``CertificateClient`` is the part of the hall server's API the flow needs
(kiosk.documents.client implements it over HTTP); the ``*Certificate*`` and
``ReportPrint``/``RequestReprint`` operations run themselves against it inside a
``CallServer`` effect, exactly like kiosk.core.effects' operations. The printer
effects are performed by kiosk.documents.effects.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Protocol

from kiosk.core.identity import mask_id_number, mask_name, normalise_id_number
from kiosk.documents.certificate import CertificateDocument


class CertificateClient(Protocol):
    """The hall server's certificate API (kiosk.documents.client implements it over HTTP)."""

    def certificate_types(self) -> Mapping: ...

    def issue_certificate(self, type_code: str, card: "CardReading", *, period_months: int | None = None,
                          purpose: str | None = None, request_id: str) -> Mapping: ...

    def report_certificate_print(self, doc_no: str, result: str, *, reason: str | None = None,
                                 request_id: str) -> Mapping: ...

    def request_certificate_reprint(self, doc_no: str, *, request_id: str) -> Mapping: ...

    def rate_certificate(self, doc_no: str, level: int, *, reasons: tuple[str, ...] = (),
                         request_id: str) -> Mapping: ...


@dataclass(frozen=True, repr=False)
class CardReading:
    """A card as the reader read it: number, name and the reader's SAM id. Masked repr."""

    number: str
    name: str
    sam_id: str

    @classmethod
    def from_reading(cls, reading: Any) -> "CardReading":
        """From a reader result (``number`` or ``id_number``; ``name`` or ``display_name()``; ``sam_id``)."""
        number = getattr(reading, "number", None) or getattr(reading, "id_number", "") or ""
        name = reading.display_name() if hasattr(reading, "display_name") else getattr(reading, "name", "")
        return cls(normalise_id_number(str(number)), str(name or "").strip(), str(getattr(reading, "sam_id", "") or ""))

    def payload(self) -> dict:
        """The API's ``id_card``: ``source`` "card" and the reader's SAM id."""
        return {"number": self.number, "name": self.name, "source": "card", "sam_id": self.sam_id}

    def __repr__(self) -> str:
        return f"CardReading({mask_id_number(self.number)!r}, {mask_name(self.name)!r})"

    __str__ = __repr__


@dataclass(frozen=True)
class CertificateType:
    code: str
    name: str
    name_en: str
    department: str
    periods: tuple[int, ...]
    purposes: tuple[str, ...]


# --- server operations (CallServer(op); each runs itself against a CertificateClient) ---------

@dataclass(frozen=True)
class FetchCertificateTypes:
    def perform(self, client: CertificateClient) -> Mapping:
        return client.certificate_types()


@dataclass(frozen=True)
class IssueCertificate:
    type_code: str
    card: CardReading
    period_months: int | None
    purpose: str | None
    request_id: str

    def perform(self, client: CertificateClient) -> Mapping:
        return client.issue_certificate(self.type_code, self.card, period_months=self.period_months,
                                        purpose=self.purpose, request_id=self.request_id)


@dataclass(frozen=True)
class ReportPrint:
    doc_no: str
    result: str          # ok | failed | cancelled
    reason: str | None
    request_id: str

    def perform(self, client: CertificateClient) -> Mapping:
        return client.report_certificate_print(self.doc_no, self.result, reason=self.reason,
                                               request_id=self.request_id)


@dataclass(frozen=True)
class RequestReprint:
    doc_no: str
    request_id: str

    def perform(self, client: CertificateClient) -> Mapping:
        return client.request_certificate_reprint(self.doc_no, request_id=self.request_id)


@dataclass(frozen=True)
class RateCertificate:
    doc_no: str
    level: int
    reasons: tuple[str, ...]
    request_id: str

    def perform(self, client: CertificateClient) -> Mapping:
        return client.rate_certificate(self.doc_no, self.level, reasons=self.reasons, request_id=self.request_id)


# --- effects and intents of the document printer ----------------------------------------

@dataclass(frozen=True)
class CheckDocumentPrinter:
    """Ask the A4 printer's state; the runner answers ``DocumentPrinterChecked``."""


@dataclass(frozen=True)
class PrintCertificate:
    """Render and print ``document``; the runner answers ``Printed(document)`` or ``PrintFailed(document, …)``."""

    document: CertificateDocument


@dataclass(frozen=True)
class DocumentPrinterChecked:
    ready: bool
    message: str = ""
    message_en: str = ""
