"""差评整改 (bad-review rectification) rules: levels, which ratings open a case, the
case states and the transitions allowed between them, and working-day deadlines.

States follow domain.md HCP-55: 待核实, 待整改, 整改中, 已整改, 已反馈, 申诉中,
申诉成立, 已关闭. Levels are stored by name (HCP-13: codes differ per interface).
The loop itself is HCP-50: 回访核实 → 立行立改 or 限期整改 (台账) → 反馈; a 误评 or
恶意差评 goes to 申诉复核 and, when upheld, is excluded (剔除) from the figures.

::

    待核实 ──verify──▶ 待整改 ──start_rectify──▶ 整改中 ──rectify──▶ 已整改 ──reply──▶ 已反馈 ──close──▶ 已关闭
      │                 │ ▲ └────────────── rectify (立行立改) ──────────▲                        ▲
      └──appeal──▶ 申诉中 ─┘ reject_appeal                                                       │
                      └──uphold_appeal──▶ 申诉成立 ──close────────────────────────────────────────┘
"""
from __future__ import annotations

from datetime import date, datetime

from hall_server.domain.calendar import WorkCalendar
from hall_server.domain.model import DomainError

LEVEL_NAMES = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
LEVEL_NAMES_EN = {5: "very satisfied", 4: "satisfied", 3: "fairly satisfied", 2: "dissatisfied", 1: "very dissatisfied"}
LEVEL_BY_NAME = {name: level for level, name in LEVEL_NAMES.items()}
BAD_LEVELS = {1, 2}  # HCP-11: 差评 = 不满意 + 非常不满意
GOOD_LEVELS = {3, 4, 5}  # HCP-61: 好评率 likely counts 基本满意 and better (formula unseen: [U])

STATE_NAMES = {
    "pending_verify": "待核实", "pending_rectify": "待整改", "rectifying": "整改中",
    "rectified": "已整改", "replied": "已反馈", "appealing": "申诉中",
    "appeal_upheld": "申诉成立", "closed": "已关闭",
}
STATE_NAMES_EN = {
    "pending_verify": "to verify", "pending_rectify": "to rectify", "rectifying": "rectifying",
    "rectified": "rectified", "replied": "answered", "appealing": "under appeal",
    "appeal_upheld": "appeal upheld", "closed": "closed",
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
ACTION_NAMES = {
    "open": "生成工单", "verify": "回访核实", "appeal": "提出申诉", "uphold_appeal": "申诉成立",
    "reject_appeal": "申诉不成立", "start_rectify": "建立台账、限期整改", "rectify": "整改完成",
    "reply": "反馈群众", "close": "办结归档",
}

# Every step but closing must say what was done (who and when are recorded anyway).
NOTE_REQUIRED = frozenset(TRANSITIONS) - {"close"}
# The deadline is for rectification and feedback: once answered, or once the review is
# struck out on appeal, the clock stops (HCP-50 "件件有整改、有反馈").
SETTLED_STATES = frozenset({"replied", "appeal_upheld", "closed"})
REPLY_METHODS = ("电话", "短信", "当面", "上门", "其他")


def opens_case(level: int) -> bool:
    """Whether a rating opens a 差评 case (HCP-11)."""
    return level in BAD_LEVELS


def transition(state: str, action: str) -> str:
    """The state after ``action``, or DomainError('bad_state')."""
    if action not in TRANSITIONS:
        raise DomainError("invalid_input", f"未知的整改操作：{action}", f"unknown case action: {action}")
    allowed, target = TRANSITIONS[action]
    if state not in allowed:
        raise DomainError("bad_state", f"工单当前为「{STATE_NAMES[state]}」，不能执行「{ACTION_NAMES[action]}」",
                          f"the case is {STATE_NAMES_EN[state]}; {action} is not allowed now",
                          state=state, allowed=sorted(a for a, (src, _) in TRANSITIONS.items() if state in src))
    return target


def check_step(action: str, note: str | None, detail: dict) -> None:
    """A step's content: a note where required; a reply's method and result make sense."""
    if action in NOTE_REQUIRED and not (note or "").strip():
        raise DomainError("invalid_input", f"「{ACTION_NAMES[action]}」需要填写处理说明",
                          f"{action} needs a note saying what was done")
    method = detail.get("method")
    if method is not None and method not in REPLY_METHODS:
        raise DomainError("invalid_input", f"反馈方式应为：{'、'.join(REPLY_METHODS)}",
                          f"method must be one of {', '.join(REPLY_METHODS)}")
    if action != "reply" and ("satisfied" in detail or method is not None):
        raise DomainError("invalid_input", "只有「反馈群众」可以填写反馈方式和群众是否满意",
                          "method and satisfied belong to the reply step only")


def is_settled(state: str) -> bool:
    """Whether the deadline no longer runs for a case in ``state``."""
    return state in SETTLED_STATES


def is_overdue(state: str, deadline: datetime, now: datetime) -> bool:
    """Past its deadline and not yet answered or struck out."""
    return not is_settled(state) and now > deadline


def reminder_due(state: str, remind_at: datetime | None, reminded: bool, deadline: datetime, now: datetime) -> bool:
    """A reminder is due once, between ``remind_at`` and the deadline, while unsettled."""
    return (remind_at is not None and not reminded and not is_settled(state)
            and remind_at <= now <= deadline)


def add_working_days(start: datetime, days: int, holidays: frozenset[date] = frozenset(),
                     workdays: frozenset[date] = frozenset()) -> datetime:
    """``start`` plus ``days`` working days at the same time of day (kept for callers
    of the first version; new code uses :meth:`WorkCalendar.deadline`)."""
    due = WorkCalendar(holidays, workdays).add_working_days(start.date(), days)
    return datetime.combine(due, start.timetz())
