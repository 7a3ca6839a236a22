"""Certificates (证明自助打印): types, issue, print result, reprint, rating, verify, public key.

The kiosk asks; the hall server checks the card, the limits and the parameters,
asks the type's provider, signs and logs, and returns the document (masked) for
the kiosk to render and print. docs/certificates.md describes the flow.
"""
from __future__ import annotations

import json
from datetime import date
from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from hall_server.api.deps import failure, get_hall, mutate, roles
from hall_server.auth import Principal
from hall_server.certificates import records
from hall_server.certificates.desk import CertificateDesk
from hall_server.certificates.signing import key_id, public_key_pem
from hall_server.certificates.verification import verify
from hall_server.errors import HallError
from hall_server.runtime import Hall

router = APIRouter(tags=["certificates"])
RequestId = Field(default=None, min_length=1, max_length=64, description="client-chosen idempotency key")


class CardRead(BaseModel):
    """The card as the kiosk's reader read it. ``source`` must be ``card``; ``sam_id`` is
    the reader's security module id (non-personal proof of which reader read it)."""

    number: str = Field(min_length=15, max_length=18, description="ID number; hashed and masked, never stored")
    name: str = Field(min_length=1, max_length=64, description="name; only the masked form is kept")
    source: str = Field(max_length=16, description='"card" — a typed number is refused')
    sam_id: str | None = Field(default=None, max_length=64, description="the card reader's SAM id")

    def __repr__(self) -> str:
        return "CardRead(***)"

    __str__ = __repr__


class CertificateParams(BaseModel):
    period_months: int | None = Field(default=None, ge=1, le=120, description="查询期间（月）")
    purpose: str | None = Field(default=None, max_length=32, description="用途")


class CertificateCreate(BaseModel):
    type: str = Field(min_length=1, max_length=40)
    id_card: CardRead
    params: CertificateParams = Field(default_factory=CertificateParams)
    request_id: str | None = RequestId


class PrintResult(BaseModel):
    result: Literal["ok", "failed", "cancelled"]
    reason: str | None = Field(default=None, max_length=200, description="e.g. 缺纸 / media-empty")
    request_id: str | None = RequestId


class Reprint(BaseModel):
    request_id: str | None = RequestId


class CertificateRating(BaseModel):
    level: int = Field(ge=1, le=5, description="5 非常满意 … 1 非常不满意")
    reasons: list[str] = Field(default_factory=list, max_length=20)
    request_id: str | None = RequestId


class VerifyRequest(BaseModel):
    token: str = Field(min_length=1, max_length=400)
    content: dict | None = Field(default=None, description="the document content, to check its digest too")


@router.get("/certificates/types")
async def certificate_types(request: Request, who: Principal = Depends(roles("any"))):
    """The types this hall offers, with their parameter choices."""
    return {"types": CertificateDesk.of(request.app).types_view()}


@router.post("/certificates", status_code=201)
async def issue_certificate(body: CertificateCreate, request: Request, who: Principal = Depends(roles("kiosk"))):
    """Issue one document for the person on the card: 201 with ``document`` (masked content),
    ``doc_no``, ``token`` and ``verify_url``."""
    desk = CertificateDesk.of(request.app)
    try:
        kind = desk.require_type(body.type)
        card = desk.check_card(body.id_card, who.subject)
        params = desk.check_params(kind, body.params.period_months, body.params.purpose)
        desk.precheck_limit(kind, card)
        data = await run_in_threadpool(desk.fetch, kind, card, params)
    except HallError as err:
        failure(desk.hall, who, "certificate.issue", body.type[:40], err.code)
        raise
    response = await mutate(request, who, "certificate.issue", kind.code,
                      lambda tx: desk.issue(tx, kind=kind, card=card, params=params, data=data, kiosk=who.subject,
                                            base_url=str(request.base_url), request_id=body.request_id),
                      request_id=body.request_id, status=201)
    if response.status_code != 201:
        return response
    issued = json.loads(response.body)
    document = desk.document_for(issued, kind, card, params, data)
    return JSONResponse({**issued, "document": document}, status_code=201, headers=_replay(response))


def _replay(response: JSONResponse) -> dict:
    flag = response.headers.get("Idempotent-Replay")
    return {"Idempotent-Replay": flag} if flag else {}


@router.post("/certificates/{doc_no}/printed")
async def certificate_printed(doc_no: str, body: PrintResult, request: Request, who: Principal = Depends(roles("kiosk"))):
    """Record the print result; the answer says whether one reprint is still open."""
    desk = CertificateDesk.of(request.app)
    return await mutate(request, who, "certificate.printed", doc_no[:40],
                  lambda tx: desk.record_print(tx, doc_no, who.subject, body.result, body.reason),
                  request_id=body.request_id)


@router.post("/certificates/{doc_no}/reprint")
async def certificate_reprint(doc_no: str, request: Request, body: Reprint | None = None,
                              who: Principal = Depends(roles("kiosk"))):
    """Allow one reprint of a failed document within the window (409 ``reprint_not_allowed``)."""
    desk = CertificateDesk.of(request.app)
    return await mutate(request, who, "certificate.reprint", doc_no[:40], lambda tx: desk.reprint(tx, doc_no, who.subject),
                  request_id=body.request_id if body else None)


@router.post("/certificates/{doc_no}/evaluation", status_code=201)
async def certificate_rating(doc_no: str, body: CertificateRating, request: Request,
                             who: Principal = Depends(roles("kiosk"))):
    """好差评 for a self-printed document (one per document): a record queued upstream; a 差评 opens a case."""
    desk = CertificateDesk.of(request.app)
    return await mutate(request, who, "certificate.evaluate", doc_no[:40],
                  lambda tx: desk.evaluate(tx, doc_no, who.subject, body.level, body.reasons),
                  request_id=body.request_id, status=201)


@router.get("/certificates/issues")
async def certificate_log(request: Request, day: date | None = None, hall: Hall = Depends(get_hall),
                          who: Principal = Depends(roles("manager", "admin"))):
    """The issuance log of one numbering day (default today): masked forms only."""
    CertificateDesk.of(request.app)
    return {"day": (day.isoformat() if day else hall.day()),
            "issues": records.log_for_day(hall.store, day.isoformat() if day else hall.day())}


@router.get("/certificates/verify/{token}")
async def verify_certificate(token: str, request: Request):
    """Public: is the document with this token genuine? Masked fields only."""
    return _verify(request, token[:400], None)


@router.post("/certificates/verify")
async def verify_certificate_content(body: VerifyRequest, request: Request):
    """Public: as the GET, and also check that ``content`` is what was signed."""
    return _verify(request, body.token, body.content)


def _verify(request: Request, token: str, content: dict | None) -> dict:
    desk = CertificateDesk.of(request.app)
    hall = desk.hall
    verdict = verify(token, desk.public_key, lambda doc_no: records.get(hall.store, doc_no), hall.now(),
                     desk.settings.verify_valid_days, content=content)
    return verdict.as_dict(hall.now().tzinfo)


@router.get("/certificates/public-key")
async def certificate_public_key(request: Request):
    """Public: the Ed25519 public key that signs this hall's verification tokens."""
    desk = CertificateDesk.of(request.app)
    return {"algorithm": "Ed25519", "key_id": key_id(desk.public_key).hex(), "public_key_pem": public_key_pem(desk.public_key)}
