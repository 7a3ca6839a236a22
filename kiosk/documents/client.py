"""The hall server's certificate API over HTTP, on top of :class:`kiosk.hall_client.HallClient`
(same session, retries with the caller's ``request_id``, typed errors, no bodies in logs).

``CertificateHallClient`` implements the flow's ``CertificateClient`` protocol and is
also a full ``HallClient``, so one object serves the kiosk's ``EffectRunner``.
"""
from __future__ import annotations

from urllib.parse import quote

from kiosk.documents.operations import CardReading
from kiosk.hall_client import HallClient


def _doc(doc_no: str) -> str:
    return quote(str(doc_no), safe="")


class CertificateHallClient(HallClient):
    """``HallClient`` plus ``/api/v1/certificates/...`` (docs/certificates.md "API")."""

    def certificate_types(self) -> dict:
        """``GET /api/v1/certificates/types``: ``{"types": [{code, name, periods, purposes, ...}]}``."""
        return self._request("GET", "/api/v1/certificates/types")

    def issue_certificate(self, type_code: str, card: CardReading, *, period_months: int | None = None,
                          purpose: str | None = None, request_id: str) -> dict:
        """``POST /api/v1/certificates``: 201 with ``document``, ``doc_no``, ``token``, ``verify_url``."""
        params = {k: v for k, v in (("period_months", period_months), ("purpose", purpose)) if v is not None}
        body = {"type": type_code, "id_card": card.payload(), "params": params, "request_id": request_id}
        return self._request("POST", "/api/v1/certificates", body=body)

    def report_certificate_print(self, doc_no: str, result: str, *, reason: str | None = None,
                                 request_id: str) -> dict:
        """``POST /api/v1/certificates/{doc_no}/printed``: ``result`` ok, failed or cancelled."""
        body = {"result": result, "request_id": request_id}
        if reason:
            body["reason"] = reason[:200]
        return self._request("POST", f"/api/v1/certificates/{_doc(doc_no)}/printed", body=body)

    def request_certificate_reprint(self, doc_no: str, *, request_id: str) -> dict:
        """``POST /api/v1/certificates/{doc_no}/reprint``: 409 ``reprint_not_allowed`` when closed."""
        return self._request("POST", f"/api/v1/certificates/{_doc(doc_no)}/reprint", body={"request_id": request_id})

    def rate_certificate(self, doc_no: str, level: int, *, reasons: tuple[str, ...] = (), request_id: str) -> dict:
        """``POST /api/v1/certificates/{doc_no}/evaluation``: 5 非常满意 … 1 非常不满意."""
        body = {"level": int(level), "reasons": list(reasons), "request_id": request_id}
        return self._request("POST", f"/api/v1/certificates/{_doc(doc_no)}/evaluation", body=body)

    def verify_certificate(self, token: str) -> dict:
        """``GET /api/v1/certificates/verify/{token}`` (public)."""
        return self._request("GET", f"/api/v1/certificates/verify/{quote(token, safe='')}")
