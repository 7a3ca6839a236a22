"""The rules of issuing and printing a certificate, pure: limits, print states, reprints.

A document is issued once (one issuance record, one number) and then printed. Its
print state moves ``pending`` → ``printed`` | ``failed`` | ``cancelled``; a
``failed`` document may be reprinted ``reprint_limit`` times within
``reprint_minutes`` of its issue (state ``reprinting``), without a second issuance
record, because the resident must not lose a daily allowance to a paper jam.
Failed and cancelled documents do not count toward the per-person daily limit,
and the verify page reports them as void (a half-printed page must not pass).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from hall_server.domain.model import DomainError

PENDING, PRINTED, FAILED, CANCELLED, REPRINTING = "pending", "printed", "failed", "cancelled", "reprinting"
NOT_COUNTED = (FAILED, CANCELLED)
RESULTS = {"ok": PRINTED, "failed": FAILED, "cancelled": CANCELLED}

# (zh, en) shown on the verify page for each print state.
STATE_TEXTS = {
    PRINTED: ("已出具", "issued and printed"),
    PENDING: ("出具中，尚未确认打印结果", "issued; printing not yet confirmed"),
    REPRINTING: ("出具中，正在重新打印", "issued; being reprinted"),
    FAILED: ("打印失败，该编号证明无效", "printing failed; this document number is void"),
    CANCELLED: ("已取消打印，该编号证明无效", "printing was cancelled; this document number is void"),
}


def check_daily_limit(type_code: str, type_name: str, limit: int | None, issued_today: int) -> None:
    """Refuse with ``person_limit`` when this person already has ``limit`` documents of the type today."""
    if limit is not None and issued_today >= limit:
        raise DomainError("person_limit", f"您今天已打印 {issued_today} 份{type_name}，已达每日上限 {limit} 份",
                          f"you have printed {issued_today} of this document today; the daily limit is {limit}",
                          type=type_code, limit=limit)


def next_print_state(current: str, result: str) -> str:
    """The state after the kiosk reports ``result`` (``ok``, ``failed`` or ``cancelled``)."""
    if result not in RESULTS:
        raise DomainError("invalid_input", f"打印结果无效：{result}", f"unknown print result {result}")
    if current not in (PENDING, REPRINTING) or (result == "cancelled" and current != PENDING):
        raise DomainError("bad_state", f"该证明的打印结果已记录（{STATE_TEXTS[current][0]}）",
                          f"the print result of this document was already recorded ({STATE_TEXTS[current][1]})")
    return RESULTS[result]


@dataclass(frozen=True)
class ReprintVerdict:
    allowed: bool
    until: datetime
    reason: str = ""          # "" | state | window | limit


def reprint_verdict(state: str, reprints: int, issued_at: datetime, now: datetime,
                    window_minutes: int, limit: int) -> ReprintVerdict:
    """Whether a reprint may start now: only after a failure, within the window, under the limit."""
    until = issued_at + timedelta(minutes=window_minutes)
    if state != FAILED:
        return ReprintVerdict(False, until, "state")
    if reprints >= limit:
        return ReprintVerdict(False, until, "limit")
    if now > until:
        return ReprintVerdict(False, until, "window")
    return ReprintVerdict(True, until)


def refuse_reprint(verdict: ReprintVerdict) -> DomainError:
    """The typed refusal for a reprint that is not allowed (code ``reprint_not_allowed``)."""
    texts = {
        "state": ("只有打印失败的证明可以重新打印", "only a document whose printing failed may be reprinted"),
        "limit": ("该证明已重新打印过，不能再次重打，请到总服务台处理", "this document was already reprinted; please go to the main service desk"),
        "window": (f"已超过重打时限（{verdict.until:%H:%M} 前），请到总服务台处理",
                   f"the reprint window ended at {verdict.until:%H:%M}; please go to the main service desk"),
    }
    zh, en = texts[verdict.reason]
    return DomainError("reprint_not_allowed", zh, en, reason=verdict.reason, until=verdict.until.isoformat())


def verifiable_until(issued_at: datetime, valid_days: int | None) -> datetime | None:
    """The end of the document's verification period, or None for no limit."""
    return issued_at + timedelta(days=valid_days) if valid_days else None
