"""The public verify page, ``/verify/{token}``: the target of a certificate's QR code.

Anyone holding the paper scans the code and sees whether the hall issued it and
the document's masked fields (Chinese first), to compare with the paper. No token,
no login, nothing personal beyond the masked forms (domain.md §6 CERT-03 (b)).
A tampered token, a void document or content that differs from what was signed
is refused with the reason.
"""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from hall_server.certificates import records
from hall_server.certificates.desk import CertificateDesk
from hall_server.certificates.verification import verify

router = APIRouter(tags=["verify"])

PAGES = Environment(loader=FileSystemLoader(Path(__file__).resolve().parent / "templates" / "verify"),
                    autoescape=select_autoescape(["html"]))
# The token is in the URL: keep it out of Referer headers, caches and search engines.
HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}
STATUS_CODES = {"valid": 200, "pending": 200, "offline": 200, "unknown": 404, "void": 410, "expired": 410}


@router.get("/verify/{token}", response_class=HTMLResponse, include_in_schema=False)
async def verify_page(token: str, request: Request):
    """The verdict as a mobile-friendly page; HTTP 200 only when genuine."""
    desk = CertificateDesk.of(request.app)
    hall = desk.hall
    verdict = verify(token[:400], desk.public_key, lambda doc_no: records.get(hall.store, doc_no), hall.now(),
                     desk.settings.verify_valid_days)
    view = verdict.as_dict(hall.now().tzinfo)
    kind = next((t for t in desk.settings.types if t.code == view["type"]), None)
    html = PAGES.get_template("page.html").render(
        v=view, hall_name=hall.config.hall.name, hotline=hall.config.hall.hotline,
        type_name=(view["summary"] or {}).get("title") or (kind.name if kind else view["type"]),
        issued_at=_local_text(view["issued_at"]), until=_local_text(view["verifiable_until"]))
    return HTMLResponse(html, status_code=STATUS_CODES.get(verdict.status, 400), headers=HEADERS)


def _local_text(iso: str | None) -> str:
    """``2026-11-23T09:30:00+08:00`` → ``2026-11-23 09:30``."""
    return iso[:16].replace("T", " ") if iso else ""
