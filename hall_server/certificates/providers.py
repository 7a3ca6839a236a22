"""The provider interface: who answers for one certificate type.

A provider gets the verified person (ID number and name, held in memory for the
call only) and the resident's parameters, and returns the document's data — or a
typed refusal (zh/en). It never returns, and the document never shows, the full
ID number: the holder block is built by the hall from the masked card data.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from hall_server.domain.persons import mask_id, mask_name
from hall_server.errors import HallError


class ProviderRefusal(HallError):
    """The department answers, but will not issue this document (no record, not eligible…).

    ``reason`` is a short machine word (``no_record``, ``not_eligible``, ``refused``);
    the messages are safe to show to the resident and hold no personal data.
    """

    def __init__(self, reason: str, message: str, message_en: str):
        super().__init__("certificate_refused", message, message_en, status=409, reason=reason)
        self.reason = reason


class ProviderUnavailable(HallError):
    """The department's system could not be reached or answered nonsense.

    HTTP 424 (failed dependency), not 502/503: the hall server itself is fine, and
    the kiosk's client must not mistake this for its own connection failing.
    """

    def __init__(self, detail: str = ""):
        super().__init__("provider_unavailable", "出具部门的系统暂时无法连接，请稍后再试或到窗口办理",
                         "the issuing department's system cannot be reached; try later or go to a window",
                         status=424)
        self.detail = detail


@dataclass(frozen=True, repr=False)
class CertificateRequest:
    """One request to a provider. ``repr`` shows masked values only."""

    type_code: str
    id_number: str
    name: str
    today: date
    period_months: int | None = None
    purpose: str | None = None

    def __repr__(self) -> str:
        return (f"CertificateRequest({self.type_code!r}, {mask_id(self.id_number)!r}, "
                f"{mask_name(self.name)!r}, period={self.period_months}, purpose={self.purpose!r})")

    __str__ = __repr__


@dataclass(frozen=True)
class Table:
    """A table on the document: a title, column headings, rows of text."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def as_dict(self) -> dict:
        return {"title": self.title, "columns": list(self.columns), "rows": [list(r) for r in self.rows]}


@dataclass(frozen=True)
class CertificateData:
    """What a provider answers: labelled values, tables, and what the verify page may show.

    ``summary`` is a few (label, value) pairs for the public verify page (e.g. 参保状态);
    ``period`` is the human text of the period covered (``2025年11月 至 2026年10月``);
    ``sample`` marks data from the bundled TEST data set (printed with a watermark).
    """

    fields: tuple[tuple[str, str], ...] = ()
    tables: tuple[Table, ...] = ()
    summary: tuple[tuple[str, str], ...] = ()
    period: str = ""
    notes: tuple[str, ...] = ()
    sample: bool = False
    extra: dict = field(default_factory=dict)


class Provider(Protocol):
    """Answers for one or more certificate types. Must give up within its own timeout."""

    def fetch(self, request: CertificateRequest) -> CertificateData:
        """The document's data; raises ProviderRefusal or ProviderUnavailable."""
        ...


def months_back(today: date, months: int) -> list[str]:
    """The ``months`` whole calendar months before ``today``'s month, oldest first, ``YYYY-MM``."""
    out, year, month = [], today.year, today.month
    for _ in range(months):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        out.append(f"{year:04d}-{month:02d}")
    return out[::-1]


def period_text(months: list[str]) -> str:
    """``["2025-11", …, "2026-10"]`` → ``2025年11月 至 2026年10月``."""
    if not months:
        return ""
    first, last = months[0].split("-"), months[-1].split("-")
    return f"{first[0]}年{int(first[1])}月 至 {last[0]}年{int(last[1])}月"


def yuan(cents: int) -> str:
    """Money for the document: ``123456`` → ``1234.56``."""
    return f"{cents // 100}.{cents % 100:02d}"
