"""Settings the flows need, as one frozen value handed in by the composition root.

The kiosk's pydantic config (kiosk/config.py, TOML) builds this; defaults here are
the configurable defaults the reference asks for (domain.md Q-03: the green-channel
age is local practice; HCP-14: 差评 reasons are data, not code).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.core.idle import IdlePolicy

# Shown when a resident rates 不满意 or 非常不满意 (GB/T 39734 Annex A not seen: domain.md §7.2).
DEFAULT_BAD_REVIEW_REASONS = (
    "等候时间太长",
    "服务态度不好",
    "办事效率低",
    "材料要求没有一次性告知",
    "办事指南不清楚",
    "其他",
)


@dataclass(frozen=True)
class FlowSettings:
    """Everything a flow decides with that is not hall data."""

    hall_name: str = ""
    status_url_template: str = "http://127.0.0.1:8600/t/{token}"   # the server's phone page
    guide_url_template: str = "http://127.0.0.1:8600/guide/{code}"
    idle: IdlePolicy = field(default_factory=IdlePolicy)
    # After the client's own retries fail, the flow retries the same request this
    # many more times, waiting these seconds between (the resident sees a notice).
    server_retry_delays_s: tuple[float, ...] = (2.0, 4.0, 8.0, 15.0)
    # A real-name ticket for someone this old or older goes to the green channel; None = off.
    green_channel_age: int | None = 70
    bad_review_reasons: tuple[str, ...] = DEFAULT_BAD_REVIEW_REASONS
    # Speak every step's prompt even outside elderly mode.
    speak_always: bool = False
    receipt_notice_lines: tuple[str, ...] = ("请留意大厅叫号屏和广播", "Please watch the screens and listen for your number")
    # Offer 证明打印 (the kiosk has an A4 printer and an ID card reader).
    certificates: bool = False
