"""The hall server's error root. One JSON body for every error (API.md):
``{"error": {"code", "message", "message_en"}}``."""
from __future__ import annotations

from hall_server.domain.model import DomainError

# HTTP status per machine code (API.md "Conventions").
STATUS_BY_CODE = {
    "quota_exhausted": 409,
    "outside_hours": 409,
    "person_limit": 409,
    "appointment_not_in_window": 409,
    "window_closed": 409,
    "window_paused": 409,
    "bad_state": 409,
    "conflict": 409,
    "unknown_service": 404,
    "unknown_category": 404,
    "appointment_not_found": 404,
    "no_ticket": 404,
    "not_found": 404,
    "forbidden": 403,
    "unauthenticated": 401,
    "invalid_input": 422,
    "too_large": 413,
    "request_timeout": 408,
    "unsupported_media_type": 415,
    "locked": 423,
    "rate_limited": 429,
    "storage_error": 503,
    "internal": 500,
    # certificates (docs/certificates.md)
    "card_required": 422,
    "reader_not_trusted": 403,
    "unknown_certificate_type": 404,
    "certificate_refused": 409,
    "provider_unavailable": 424,
    "reprint_not_allowed": 409,
    "token_invalid": 400,
}


class HallError(Exception):
    """A request the hall server refuses, with a Chinese and an English message."""

    audited = False   # True once the refusal has its audit row (api.deps)

    def __init__(self, code: str, message: str, message_en: str, status: int | None = None, **data):
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message = message
        self.message_en = message_en
        self.status = status or STATUS_BY_CODE.get(code, 400)
        self.data = data

    @classmethod
    def from_domain(cls, err: DomainError) -> "HallError":
        return cls(err.code, err.message, err.message_en, **err.data)

    def body(self) -> dict:
        error = {"code": self.code, "message": self.message, "message_en": self.message_en}
        if self.data:
            error["details"] = self.data
        return {"error": error}


def not_found(what_zh: str, what_en: str, code: str = "not_found") -> HallError:
    return HallError(code, f"{what_zh}不存在", f"{what_en} not found")


def forbidden() -> HallError:
    return HallError("forbidden", "当前身份无权执行此操作", "this role may not do that")


def unauthenticated(reason_zh: str = "请先登录或提供有效令牌", reason_en: str = "a valid token is required") -> HallError:
    return HallError("unauthenticated", reason_zh, reason_en)


def invalid(message: str, message_en: str, **data) -> HallError:
    return HallError("invalid_input", message, message_en, **data)


def request_timeout(seconds: float) -> HallError:
    """A client too slow to send its request (headers or body): answered, then cut off."""
    return HallError("request_timeout", f"请求未在 {seconds:g} 秒内收完，连接已断开",
                     f"the request did not arrive within {seconds:g} s; the connection is closed")
