"""一次一评 at the window: the prompt after 办结, and the resident's screen flow.

When the clerk finishes a ticket the console opens one :class:`EvaluationPrompt`
for it and asks whatever the window has — the HEP/1 pad or the second screen facing
the resident (domain.md HCP-20/23). The prompt ends exactly once: rated, or 未评
when nobody rated within the timeout (HCP-25/61: the server counts a finished ticket
without an evaluation as 未评).

Privacy (domain.md HCP-42/43): the clerk's console learns only *that* the resident
rated, never the level; the clerk has no way to rate. :class:`ResidentRating` is the
state of the resident's own screen: five levels, reasons for 不满意/非常不满意 (a bad
rating must carry content, HCP-11), an optional comment.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from kiosk.core.evaluation import LEVELS, REASON_REQUIRED_AT_OR_BELOW

ASKING, SUBMITTING, RATED, UNRATED, FAILED = "asking", "submitting", "rated", "unrated", "failed"
COMMENT_MAX = 200


@dataclass(frozen=True)
class EvaluationPrompt:
    """One finished ticket waiting for its rating; ``request_id`` keys its submission."""

    ticket_id: str
    number: str
    request_id: str
    timeout_s: int
    status: str = ASKING

    @property
    def open(self) -> bool:
        return self.status == ASKING


@dataclass(frozen=True)
class ResidentRating:
    """What the resident has chosen so far on the second screen."""

    level: int | None = None
    reasons: tuple[str, ...] = ()
    comment: str = ""

    @property
    def needs_reason(self) -> bool:
        return self.level is not None and self.level <= REASON_REQUIRED_AT_OR_BELOW

    def choose(self, level: int) -> "ResidentRating":
        """Pick a level; reasons survive only while the level still asks for them."""
        if level not in {value for value, _, _ in LEVELS}:
            return self
        reasons = self.reasons if level <= REASON_REQUIRED_AT_OR_BELOW else ()
        return replace(self, level=level, reasons=reasons)

    def toggle(self, reason: str, offered: tuple[str, ...]) -> "ResidentRating":
        """Add or remove one of the ``offered`` reasons (others are ignored)."""
        if reason not in offered:
            return self
        if reason in self.reasons:
            return replace(self, reasons=tuple(r for r in self.reasons if r != reason))
        return replace(self, reasons=(*self.reasons, reason))

    def write(self, comment: str) -> "ResidentRating":
        return replace(self, comment=comment[:COMMENT_MAX])

    def problem(self) -> str | None:
        """Why it cannot be sent yet (a messages code), or None when it can."""
        if self.level is None:
            return "evaluation_level_required"
        if self.needs_reason and not self.reasons:
            return "evaluation_reason_required"
        return None

    @property
    def immediate(self) -> bool:
        """A good level goes out on the tap itself: one touch is enough (domain.md ACC-07)."""
        return self.level is not None and not self.needs_reason


def pad_reasons(level: int, reasons: tuple[str, ...], fallback: str) -> tuple[str, ...]:
    """Reasons to send for a pad rating. A five-key pad cannot say why; the server
    requires a reason for a bad rating, so the configured fallback records that the
    resident gave none (the case still opens and the manager follows up, HCP-50)."""
    if level <= REASON_REQUIRED_AT_OR_BELOW and not reasons:
        return (fallback,)
    return tuple(reasons)


def level_labels() -> tuple[tuple[int, str, str], ...]:
    """(level, 中文, English) from 非常满意 5 down to 非常不满意 1 (domain.md HCP-10)."""
    return LEVELS
