"""差评整改 (bad-review rectification) rules: levels, which ratings open a case, the
case states and the transitions allowed between them, and working-day deadlines.

States follow domain.md HCP-55: 待核实, 待整改, 整改中, 已整改, 已反馈, 申诉中,
申诉成立, 已关闭. Levels are stored by name (HCP-13: codes differ per interface).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from hall_server.domain.model import DomainError

LEVEL_NAMES = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
LEVEL_NAMES_EN = {5: "very satisfied", 4: "satisfied", 3: "fairly satisfied", 2: "dissatisfied", 1: "very dissatisfied"}
BAD_LEVELS = {1, 2}  # HCP-11: 差评 = 不满意 + 非常不满意

STATE_NAMES = {
    "pending_verify": "待核实", "pending_rectify": "待整改", "rectifying": "整改中",
    "rectified": "已整改", "replied": "已反馈", "appealing": "申诉中",
    "appeal_upheld": "申诉成立", "closed": "已关闭",
}

# action → (states it may start from, state it leads to)
TRANSITIONS = {
    "verify": ({"pending_verify"}, "pending_rectify"),
    "appeal": ({"pending_verify", "pending_rectify"}, "appealing"),
    "uphold_appeal": ({"appealing"}, "appeal_upheld"),
    "reject_appeal": ({"appealing"}, "pending_rectify"),
    "start_rectify": ({"pending_rectify"}, "rectifying"),
    "rectify": ({"pending_rectify", "rectifying"}, "rectified"),
    "reply": ({"rectified"}, "replied"),
    "close": ({"replied", "appeal_upheld"}, "closed"),
}


def opens_case(level: int) -> bool:
    return level in BAD_LEVELS


def transition(state: str, action: str) -> str:
    """The state after ``action``, or DomainError('bad_state')."""
    if action not in TRANSITIONS:
        raise DomainError("invalid_input", f"未知的整改操作：{action}", f"unknown case action: {action}")
    allowed, target = TRANSITIONS[action]
    if state not in allowed:
        raise DomainError("bad_state", f"工单当前为「{STATE_NAMES[state]}」，不能执行该操作",
                          f"the case is {state}; {action} is not allowed now")
    return target


def add_working_days(start: datetime, days: int, holidays: frozenset[date] = frozenset(),
                     workdays: frozenset[date] = frozenset()) -> datetime:
    """``start`` plus ``days`` working days. Weekends are off unless listed in
    ``workdays`` (调休 make-up days); ``holidays`` are off even on weekdays."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        d = current.date()
        working = (d.weekday() < 5 or d in workdays) and d not in holidays
        if working:
            remaining -= 1
    return current
