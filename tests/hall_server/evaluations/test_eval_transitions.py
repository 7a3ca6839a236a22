"""差评 case rules (pure): the transition table, every illegal step, notes, deadlines."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from hall_server.domain import cases as rules
from hall_server.domain.model import DomainError

CST = timezone(timedelta(hours=8))
ALL_PAIRS = [(state, action) for state in rules.STATE_NAMES for action in rules.TRANSITIONS]
EXPECTED = {  # the loop of HCP-50/55, written out independently of the table
    ("pending_verify", "verify"): "pending_rectify", ("pending_verify", "appeal"): "appealing",
    ("pending_rectify", "appeal"): "appealing", ("pending_rectify", "start_rectify"): "rectifying",
    ("pending_rectify", "rectify"): "rectified", ("rectifying", "rectify"): "rectified",
    ("rectified", "reply"): "replied", ("replied", "close"): "closed",
    ("appealing", "uphold_appeal"): "appeal_upheld", ("appealing", "reject_appeal"): "pending_rectify",
    ("appeal_upheld", "close"): "closed",
}


def test_the_eight_states_carry_the_names_of_hcp_55():
    assert list(rules.STATE_NAMES.values()) == ["待核实", "待整改", "整改中", "已整改", "已反馈", "申诉中", "申诉成立", "已关闭"]


@pytest.mark.parametrize("state,action", ALL_PAIRS)
def test_every_state_action_pair(state, action):
    if (state, action) in EXPECTED:
        assert rules.transition(state, action) == EXPECTED[(state, action)]
    else:
        with pytest.raises(DomainError) as err:
            rules.transition(state, action)
        assert err.value.code == "bad_state"
        assert rules.STATE_NAMES[state] in err.value.message
        assert action not in err.value.data["allowed"]


def test_closed_is_final_and_every_state_can_reach_closed():
    assert all(rules.TRANSITIONS[a][0].isdisjoint({"closed"}) for a in rules.TRANSITIONS)
    reach = {"closed"}
    for _ in rules.STATE_NAMES:
        reach |= {s for (s, a), t in EXPECTED.items() if t in reach}
    assert reach == set(rules.STATE_NAMES)


def test_unknown_action_is_invalid_input():
    with pytest.raises(DomainError) as err:
        rules.transition("pending_verify", "delete")
    assert err.value.code == "invalid_input"


def test_steps_need_a_note_and_reply_fields_only_on_reply():
    for action in rules.TRANSITIONS:
        if action == "close":
            rules.check_step(action, None, {})
        else:
            with pytest.raises(DomainError):
                rules.check_step(action, "   ", {})
            rules.check_step(action, "已电话回访，情况属实", {})
    rules.check_step("reply", "已电话告知整改结果", {"method": "电话", "satisfied": True})
    with pytest.raises(DomainError):
        rules.check_step("reply", "x", {"method": "微信群"})
    with pytest.raises(DomainError):
        rules.check_step("verify", "x", {"satisfied": False})


def test_deadline_states_overdue_and_reminder():
    deadline = datetime(2026, 11, 30, 23, 59, 59, tzinfo=CST)
    after, before = deadline + timedelta(seconds=1), deadline - timedelta(hours=1)
    assert rules.is_overdue("rectifying", deadline, after) and not rules.is_overdue("rectifying", deadline, before)
    for settled in ("replied", "appeal_upheld", "closed"):
        assert not rules.is_overdue(settled, deadline, after)
    remind_at = datetime(2026, 11, 30, 0, 0, tzinfo=CST)
    assert rules.reminder_due("pending_verify", remind_at, False, deadline, before)
    assert not rules.reminder_due("pending_verify", remind_at, True, deadline, before)       # once
    assert not rules.reminder_due("pending_verify", remind_at, False, deadline, after)       # overdue instead
    assert not rules.reminder_due("pending_verify", None, False, deadline, before)            # reminders off
    assert not rules.reminder_due("replied", remind_at, False, deadline, before)


def test_levels_and_bad_reviews():
    assert rules.LEVEL_NAMES[5] == "非常满意" and rules.LEVEL_BY_NAME["非常不满意"] == 1
    assert [lv for lv in range(1, 6) if rules.opens_case(lv)] == [1, 2]
    legacy = rules.add_working_days(datetime(2026, 11, 23, 9, 30, tzinfo=CST), 5)
    assert legacy == datetime(2026, 11, 30, 9, 30, tzinfo=CST)
