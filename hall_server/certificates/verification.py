"""Is this document genuine? The answer the verify page, the verify API and the
offline command give for a token (and, when offered, the document's content).

Genuine means: the token's signature checks with the hall's public key, the hall
has an issuance record for its number whose type and content digest match the
token, the document was not voided (failed or cancelled print), it is within its
verification period, and — when the content is offered — the content's digest
is the one signed. Anything else is refused with the reason, Chinese first.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from hall_server.certificates import rules
from hall_server.certificates.content import content_digest
from hall_server.certificates.signing import TokenClaims, TokenInvalid, decode_token

_TEXTS = {
    "valid": ("证明真实有效", "the document is genuine"),
    "pending": ("证明为本大厅出具，尚未确认打印结果", "issued by this hall; printing not yet confirmed"),
    "offline": ("签名有效：该核验码由持有此公钥的大厅签发", "the signature is valid for this public key"),
    "unknown": ("本大厅没有该编号证明的出具记录", "this hall has no record of this document number"),
    "mismatch": ("证明内容与签发时不一致，可能被篡改", "the content differs from what was signed; it may have been altered"),
    "expired": ("该证明已超过核验有效期", "the document is past its verification period"),
    "void": ("该编号证明无效（未打印成功或已取消）", "this document number is void (not printed or cancelled)"),
}


@dataclass(frozen=True)
class Verification:
    """One verdict. ``summary`` holds masked fields only."""

    genuine: bool
    status: str
    message: str
    message_en: str
    claims: TokenClaims | None = None
    print_state: str | None = None
    summary: dict = field(default_factory=dict)
    verifiable_until: datetime | None = None
    reason: str = ""

    def as_dict(self, tz=None) -> dict:
        c = self.claims
        return {"genuine": self.genuine, "status": self.status, "message": self.message, "message_en": self.message_en,
                "reason": self.reason or None,
                "doc_no": c.doc_no if c else None, "type": c.type_code if c else None,
                "issued_at": c.issued_at.astimezone(tz).isoformat() if c else None,
                "digest": c.digest_hex if c else None, "print_state": self.print_state,
                "print_state_text": rules.STATE_TEXTS[self.print_state][0] if self.print_state else None,
                "verifiable_until": self.verifiable_until.isoformat() if self.verifiable_until else None,
                "summary": self.summary}


def _verdict(status: str, claims: TokenClaims | None = None, genuine: bool = False, **more) -> Verification:
    zh, en = _TEXTS[status]
    return Verification(genuine, status, zh, en, claims, **more)


def check_token(token: str, public_key, *, content: dict | None = None) -> Verification:
    """Offline: the signature, and the content's digest if ``content`` is given."""
    try:
        claims = decode_token(token, public_key)
    except TokenInvalid as err:
        return Verification(False, "invalid", err.message, err.message_en, reason=err.reason)
    if content is not None and content_digest(content) != claims.digest:
        return _verdict("mismatch", claims, reason="content")
    return _verdict("offline", claims, genuine=True)


def verify(token: str, public_key, lookup: Callable[[str], dict | None], now: datetime,
           valid_days: int | None, *, content: dict | None = None) -> Verification:
    """Online: the signature, the hall's record, the print state, the period and the content."""
    offline = check_token(token, public_key, content=content)
    claims = offline.claims
    if claims is None or offline.status == "mismatch":
        return offline
    record = lookup(claims.doc_no)
    if record is None:
        return _verdict("unknown", claims)
    if record["type"] != claims.type_code or record["content_digest"] != claims.digest_hex:
        return _verdict("mismatch", claims, reason="record")
    until = rules.verifiable_until(claims.issued_at, valid_days)
    more = {"print_state": record["print_state"], "summary": record["summary"], "verifiable_until": until}
    if record["print_state"] in rules.NOT_COUNTED:
        return _verdict("void", claims, **more)
    if until is not None and now > until:
        return _verdict("expired", claims, **more)
    if record["print_state"] != rules.PRINTED:
        return _verdict("pending", claims, genuine=True, **more)
    return _verdict("valid", claims, genuine=True, **more)
