"""The document the kiosk prints, as plain data (no Qt): what ``POST /api/v1/certificates``
returned, checked once, so the renderer and the preview screen read typed fields.

Everything personal in it is already masked by the hall server (``张*``,
``3701**********123X``; domain.md MASK-03), except the name when the hall prints
full names (``[certificates] holder_name_on_paper``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from kiosk.core.errors import KioskError


class DocumentInvalid(KioskError):
    """The server's answer is not a document this kiosk can print."""

    code = "document_invalid"

    def __init__(self, detail: str = ""):
        super().__init__("证明数据不完整，无法打印", "The document data is incomplete and cannot be printed")
        self.detail = detail


@dataclass(frozen=True)
class DocumentTable:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class CertificateDocument:
    """One certificate to render: the canonical content plus its token and verify URL."""

    doc_no: str
    type_code: str
    title: str
    department: str
    hall: str
    issued_at: datetime
    holder_name: str
    holder_id: str
    period: str
    purpose: str
    fields: tuple[tuple[str, str], ...]
    tables: tuple[DocumentTable, ...]
    notes: tuple[str, ...]
    sample: bool
    token: str
    verify_url: str
    content: Mapping[str, Any]

    @classmethod
    def from_issue(cls, body: Mapping[str, Any]) -> "CertificateDocument":
        """Build from the 201 body of ``POST /api/v1/certificates``.

        Raises:
            DocumentInvalid: a field is missing or of the wrong shape.
        """
        try:
            content = body["document"]
            return cls(
                doc_no=str(body["doc_no"]), type_code=str(content["type"]), title=str(content["title"]),
                department=str(content["department"]), hall=str(content.get("hall", "")),
                issued_at=datetime.fromisoformat(str(content["issued_at"])),
                holder_name=str(content["holder"]["name"]), holder_id=str(content["holder"]["id_number"]),
                period=str(content.get("period") or ""), purpose=str((content.get("params") or {}).get("purpose") or ""),
                fields=tuple((str(label), str(value)) for label, value in content.get("fields", ())),
                tables=tuple(_table(t) for t in content.get("tables", ())),
                notes=tuple(str(n) for n in content.get("notes", ())), sample=bool(content.get("sample")),
                token=str(body["token"]), verify_url=str(body["verify_url"]), content=dict(content))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise DocumentInvalid(type(exc).__name__) from exc

    def preview_lines(self) -> tuple[tuple[str, str], ...]:
        """(label, value) pairs for the preview screen: masked holder, parameters, values."""
        head = [("证明", self.title), ("姓名", self.holder_name), ("证件号码", self.holder_id)]
        if self.period:
            head.append(("查询期间", self.period))
        if self.purpose:
            head.append(("用途", self.purpose))
        return (*head, *self.fields)

    def __repr__(self) -> str:   # never dump the values into a log line
        return f"CertificateDocument({self.doc_no!r}, {self.type_code!r})"


def _table(raw: Mapping[str, Any]) -> DocumentTable:
    columns = tuple(str(c) for c in raw["columns"])
    rows = tuple(tuple(str(cell) for cell in row) for row in raw["rows"])
    if any(len(row) != len(columns) for row in rows):
        raise ValueError("a row does not match the columns")
    return DocumentTable(str(raw["title"]), columns, rows)
