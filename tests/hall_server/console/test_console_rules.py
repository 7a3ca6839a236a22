"""The console's pure parts: alarm rules, figures, a manager's moves on a waiting
ticket, and the export files (CSV/XLSX, formula injection defused)."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from hall_server.console import alarms, exports, figures, moves
from hall_server.domain.model import DomainError, Priority, Ticket, TicketState

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=CST)
LIMITS = alarms.Thresholds(wait_minutes=15, queue_length=10, offline_minutes=5, help_escalate_minutes=3, case_due_hours=24)


def ticket(number="A001", minutes_ago=0, **kw) -> Ticket:
    issued = NOW - timedelta(minutes=minutes_ago)
    return Ticket(id=number, number=number, serial=int(number[1:]), category=number[0], day="2026-11-23",
                  issued_at=issued, queued_at=issued, **kw)


# ---------------------------------------------------------------- alarms

@pytest.mark.parametrize("waiting, longest, open_windows, expected", [
    (9, 15, 2, []),
    (10, 15, 2, ["queue_length"]),
    (3, 16, 2, ["queue_wait"]),
    (12, 30, 1, ["queue_length", "queue_wait"]),
    (2, 1, 0, ["queue_unserved"]),
    (0, 99, 0, []),
])
def test_queue_alarms_at_their_thresholds(waiting, longest, open_windows, expected):
    found = alarms.queue_alarms([{"code": "A", "name": "社会保险", "waiting": waiting, "longest_wait_min": longest,
                                  "open_windows": open_windows}], LIMITS)
    assert [a.kind for a in found] == expected
    assert all(a.level == alarms.ALARM and a.message and a.message_en and a.target == "A" for a in found)


def device(minutes_ago: int, **components) -> dict:
    return {"name": "kiosk-01", "last_seen": (NOW - timedelta(minutes=minutes_ago)).isoformat(), "components": components}


@pytest.mark.parametrize("row, expected", [
    (device(4, printer={"ok": True, "paper": "ok"}), []),
    (device(5, printer={"ok": True, "paper": "out"}), [("device_offline", None)]),
    (device(0, printer={"ok": True, "paper": "near_end"}), [("paper_near_end", "printer")]),
    (device(0, printer={"ok": False, "paper": "out"}, idcard={"ok": False, "state": "error", "message": "SAM 模块故障"}),
     [("device_fault", "idcard"), ("paper_out", "printer")]),
    (device(0, led="garbage", scanner={"ok": False, "state": "absent", "message": "未配置"}), []),
])
def test_device_problems(row, expected):
    assert [(p["kind"], p["component"]) for p in alarms.device_problems(row, NOW, 5)] == expected


def test_a_fault_carries_the_drivers_words():
    [problem] = alarms.device_problems(device(0, idcard={"ok": False, "state": "unavailable", "message": "读卡器未连接",
                                                         "message_en": "reader not connected"}), NOW, 5)
    assert (problem["message"], problem["message_en"]) == ("读卡器未连接", "reader not connected")


def test_device_alarm_levels_and_words():
    found = alarms.device_alarms([device(0, printer={"ok": True, "paper": "near_end"}), device(9)], NOW, LIMITS)
    assert [(a.kind, a.level) for a in found] == [("paper_near_end", "warning"), ("device_offline", "alarm")]
    assert found[1].params["minutes"] == 9 and "9" in found[1].message and "kiosk-01" in found[1].message_en


def test_help_requests_escalate_after_their_minutes():
    found = alarms.help_alarms([
        {"id": "h1", "device": "kiosk-01", "location": "1号机", "requested_at": (NOW - timedelta(minutes=2)).isoformat()},
        {"id": "h2", "device": "kiosk-02", "location": None, "requested_at": (NOW - timedelta(minutes=3)).isoformat()},
    ], NOW, LIMITS)
    assert [(a.target, a.level, a.params["location"]) for a in found] == [("h1", "warning", "1号机"),
                                                                           ("h2", "alarm", "kiosk-02")]


def test_cases_overdue_due_soon_or_quiet():
    def case(state, hours):
        return {"id": state + str(hours), "state": state, "deadline": (NOW + timedelta(hours=hours)).isoformat(),
                "ticket_number": "A001"}
    found = alarms.case_alarms([case("pending_verify", -1), case("rectifying", 23), case("replied", 25),
                                case("closed", -10), case("appeal_upheld", -10), case("replied", -5)], NOW, LIMITS)
    assert [(a.kind, a.target) for a in found] == [("case_overdue", "pending_verify-1"), ("case_due_soon", "rectifying23")]
    quiet = alarms.case_alarms([case("rectifying", 1)], NOW, alarms.Thresholds(case_due_hours=0))
    assert quiet == []


def test_ranked_puts_alarms_first_and_keeps_order():
    a = [alarms.Alarm("x", "warning", "1", "", ""), alarms.Alarm("y", "alarm", "2", "", ""),
         alarms.Alarm("z", "warning", "3", "", ""), alarms.Alarm("w", "alarm", "4", "", "")]
    assert [x.target for x in alarms.ranked(a)] == ["2", "4", "1", "3"]


# ---------------------------------------------------------------- figures

def test_line_order_is_priority_then_time_in_line():
    normal_old = ticket("A001", 30)
    green_new = ticket("A003", 1, priority=Priority.GREEN)
    appointment = ticket("A002", 5, priority=Priority.APPOINTMENT)
    assert [t.number for t in figures.line_order([normal_old, green_new, appointment])] == ["A003", "A002", "A001"]


def test_category_line_counts_only_that_category_waiting():
    line = figures.category_line("A", [ticket("A001", 20), ticket("A002", 3, priority=Priority.GREEN),
                                       ticket("B001", 50), ticket("A003", 40, state=TicketState.CALLED)], NOW)
    assert line == {"waiting": 2, "green": 1, "appointment": 0, "longest_wait_min": 20}


def called(number, wait_min, service_min=None, state=TicketState.DONE, window="w1"):
    t = ticket(number, 60)
    call = t.issued_at + timedelta(minutes=wait_min)
    extra = {"started_at": call, "finished_at": call + timedelta(minutes=service_min)} if service_min else {}
    return t.with_(state=state, called_at=call, window_id=window, **extra)


def test_window_day_counts_and_means():
    day = figures.window_day([called("A001", 10, 6), called("A002", 20, 4), called("A003", 6, state=TicketState.NO_SHOW),
                              called("A004", 1, 2, window="w2"), ticket("A005")])
    assert day["w1"] == {"called": 3, "served": 2, "no_show": 1, "wait_mean": 720.0, "service_mean": 300.0}
    assert set(day) == {"w1", "w2"}


def test_wait_histogram_buckets_edges_into_the_upper_bucket():
    counts = figures.wait_histogram([called("A1", 0), called("A2", 4.99), called("A3", 5), called("A4", 15),
                                     called("A5", 59), called("A6", 200), ticket("A7")])["counts"]
    assert counts == [2, 1, 0, 1, 0, 0, 1, 1]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=600, allow_nan=False), max_size=30))
def test_wait_histogram_holds_every_called_ticket_once(minutes):
    tickets = [called(f"A{i + 1}", m) for i, m in enumerate(minutes)]
    result = figures.wait_histogram(tickets)
    assert sum(result["counts"]) == len(minutes)
    for m in minutes:
        index = max(i for i, edge in enumerate(figures.WAIT_EDGES_MIN) if m >= edge)
        assert result["counts"][index] >= 1


def test_evaluation_rates():
    assert figures.evaluation_rates([5, 4, 3, 2, 1, 5], done=10, done_rated=6) == {
        "good": 4, "good_rate": 0.667, "done": 10, "unrated": 4, "unrated_rate": 0.4}
    assert figures.evaluation_rates([], done=0, done_rated=0)["good_rate"] is None


# ---------------------------------------------------------------- moves

def test_prioritise_only_a_waiting_normal_ticket():
    t = ticket("A001")
    assert moves.prioritise(t, NOW).priority == Priority.GREEN
    with pytest.raises(DomainError) as err:
        moves.prioritise(t.with_(priority=Priority.GREEN), NOW)
    assert err.value.code == "conflict"
    with pytest.raises(DomainError) as err:
        moves.prioritise(t.with_(state=TicketState.CALLED), NOW)
    assert err.value.code == "bad_state" and "A001" in err.value.message


def test_transfer_waiting_keeps_number_issue_time_and_place():
    t = ticket("A001", 12, service="S-A1")
    moved = moves.transfer_waiting(t, NOW, to_category="C")
    assert (moved.number, moved.issued_at, moved.queued_at, moved.category, moved.service, moved.transfer_count) == (
        "A001", t.issued_at, t.queued_at, "C", None, 1)
    targeted = moves.transfer_waiting(t, NOW, to_window="w2")
    assert targeted.category == "A" and targeted.service == "S-A1" and targeted.target_window == "w2"
    for bad in ({}, {"to_category": "A"}):
        with pytest.raises(DomainError):
            moves.transfer_waiting(t, NOW, **bad)
    with pytest.raises(DomainError):
        moves.transfer_waiting(t.with_(state=TicketState.NO_SHOW), NOW, to_category="C")


# ---------------------------------------------------------------- exports

@settings(max_examples=80, deadline=None)
@given(st.one_of(st.text(max_size=20), st.integers(), st.floats(allow_nan=False), st.none()))
def test_safe_cell_never_leaves_a_formula(value):
    out = exports.safe_cell(value)
    if isinstance(value, str):
        assert not out.startswith(("=", "+", "-", "@", "\t", "\r")) and out.endswith(value)
    else:
        assert out == value


def test_csv_and_xlsx_hold_the_same_defused_table():
    table = exports.Table("明细", ["号码", "工作人员", "分钟"], [["A001", "=HYPERLINK(\"x\")", 3.5], ["A002", None, -1]])
    rows = list(csv.reader(io.StringIO(exports.to_csv(table).decode("utf-8-sig"))))
    assert rows == [["号码", "工作人员", "分钟"], ["A001", "'=HYPERLINK(\"x\")", "3.5"], ["A002", "", "-1"]]
    sheet = load_workbook(io.BytesIO(exports.to_xlsx([table])))["明细"]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [["号码", "工作人员", "分钟"],
                                                                    ["A001", "'=HYPERLINK(\"x\")", 3.5], ["A002", None, -1]]
    assert sheet["B2"].data_type == "s" and sheet.freeze_panes == "A2"


def test_ticket_table_names_codes_and_never_person_data():
    t = called("A001", 10, 5).with_(service="S-A1", clerk="clerk01", person_hash="h" * 64, person_masked="3701**********123X",
                                    name_masked="张*")
    names = {"category": {"A": "综合受理"}, "service": {"S-A1": "社保参保登记"}, "window": {"w1": "1号窗口"},
             "clerk": {"clerk01": "王*"}}
    table = exports.ticket_table([t], names, {"A001": "满意"}, CST)
    row = table.rows[0]
    assert row[:9] == ["2026-11-23", "A001", "综合受理", "社保参保登记", "kiosk", "普通", "已办结", "1号窗口", "王*"]
    assert row[9:] == ["09:00:00", "09:10:00", "09:10:00", "09:15:00", 10.0, 5.0, 0, 0, "是", "满意"]
    assert "3701" not in repr(table) and "张" not in repr(table)
    english = exports.ticket_table([t], names, {}, CST, lang="en")
    assert english.headers[0] == "day" and english.rows[0][6] == "done" and english.rows[0][17] == "yes"
