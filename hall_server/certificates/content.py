"""A document's canonical content, its digest, its number and its verify summary.

The canonical content is exactly what the document shows — title, department,
number, issue time, masked holder, parameters, labelled values, tables, notes —
as JSON with sorted keys and no spaces, UTF-8. Its SHA-256 goes into the signed
token, so changing any printed value (an amount, a month, a name) breaks the
match. The hall keeps the digest and a small summary (masked), never the content.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from hall_server.certificates.providers import CertificateData
from hall_server.domain.persons import mask_id, mask_name

CONTENT_VERSION = 1


def doc_number(prefix: str, day: str, serial: int) -> str:
    """``SB`` + ``20261123`` + 5-digit serial + one check digit: ``SB20261123000017``.

    The check digit (ISO 7064 MOD 11-10) catches a mistyped number at a window.
    """
    body = f"{day.replace('-', '')}{serial:05d}"
    return f"{prefix}{body}{_mod11_10(body)}"


def _mod11_10(digits: str) -> str:
    product = 10
    for char in digits:
        total = (int(char) + product) % 10 or 10
        product = (total * 2) % 11
    return str((11 - product) % 10)


def doc_number_ok(doc_no: str) -> bool:
    """Whether ``doc_no`` has the shape and check digit :func:`doc_number` gives."""
    head = doc_no.rstrip("0123456789")
    digits = doc_no[len(head):]
    return (1 <= len(head) <= 4 and head.isascii() and head.isupper() and len(digits) == 14
            and _mod11_10(digits[:-1]) == digits[-1])


def holder(id_number: str, name: str, name_on_paper: str = "masked") -> dict:
    """The holder block: ID number always masked; the name masked unless the hall says full."""
    return {"id_number": mask_id(id_number),
            "name": name.strip() if name_on_paper == "full" else mask_name(name)}


def build_content(*, type_code: str, title: str, department: str, hall_name: str, doc_no: str,
                  issued_at: datetime, holder_block: dict, params: dict, data: CertificateData,
                  notes: list[str]) -> dict:
    """The canonical content of one document (the JSON the kiosk renders)."""
    return {
        "v": CONTENT_VERSION,
        "type": type_code,
        "title": title,
        "department": department,
        "hall": hall_name,
        "doc_no": doc_no,
        "issued_at": issued_at.isoformat(timespec="seconds"),
        "holder": holder_block,
        "params": {k: v for k, v in params.items() if v not in (None, "")},
        "period": data.period,
        "fields": [[label, value] for label, value in data.fields],
        "tables": [t.as_dict() for t in data.tables],
        "notes": [*data.notes, *notes],
        "sample": data.sample,
    }


def canonical_bytes(content: dict) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the same content always gives the same bytes."""
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def content_digest(content: dict) -> bytes:
    """SHA-256 of the canonical bytes."""
    return hashlib.sha256(canonical_bytes(content)).digest()


def verify_summary(content: dict, data: CertificateData, masked_name: str) -> dict:
    """The masked fields the public verify page shows (kept per document number).

    The name is always masked here, even when the paper carries the full name.
    """
    return {
        "title": content["title"],
        "department": content["department"],
        "holder": {"id_number": content["holder"]["id_number"], "name": masked_name},
        "period": content["period"],
        "purpose": content["params"].get("purpose", ""),
        "fields": [[label, value] for label, value in data.summary],
        "sample": content["sample"],
    }
