"""Service timer (suspended time excluded), call debounce, resident rating, forgiving parsing."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings, strategies as st

from kiosk.counter.core.debounce import CallDebounce
from kiosk.counter.core.evaluation import ResidentRating, pad_reasons
from kiosk.counter.core.model import parse_ticket, parse_window
from kiosk.counter.core.service_timer import format_duration, service_seconds

TZ = timezone(timedelta(hours=8))
START = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)


def at(minutes: float) -> str:
    return (START + timedelta(minutes=minutes)).isoformat(timespec="milliseconds")


def test_timer_runs_from_start():
    assert service_seconds(START, [], START + timedelta(minutes=3)) == 180


def test_timer_excludes_a_finished_suspension():
    history = [{"at": at(0), "action": "start"}, {"at": at(2), "action": "suspend"}, {"at": at(7), "action": "resume"}]
    assert service_seconds(START, history, START + timedelta(minutes=10)) == 5 * 60


def test_timer_stops_while_suspended():
    history = [{"at": at(4), "action": "suspend"}]
    assert service_seconds(START, history, START + timedelta(minutes=30)) == 4 * 60


def test_timer_adds_up_several_suspensions_and_ignores_earlier_service():
    history = [{"at": (START - timedelta(minutes=50)).isoformat(), "action": "suspend"},   # before a transfer
               {"at": (START - timedelta(minutes=40)).isoformat(), "action": "resume"},
               {"at": at(1), "action": "suspend"}, {"at": at(2), "action": "resume"},
               {"at": at(5), "action": "suspend"}, {"at": at(8), "action": "resume"},
               {"at": "garbage", "action": "suspend"}, {"action": "resume"}, "not a row"]
    assert service_seconds(START, history, START + timedelta(minutes=10)) == 6 * 60


def test_timer_before_start_and_never_negative():
    assert service_seconds(None, [], START) == 0
    assert service_seconds(START, [], START - timedelta(minutes=1)) == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 600), st.sampled_from(["suspend", "resume", "recall"])), max_size=12),
       st.integers(0, 900))
def test_timer_never_exceeds_wall_time(rows, elapsed):
    history = [{"at": at(m / 10), "action": a} for m, a in rows]
    now = START + timedelta(minutes=elapsed / 10)
    seconds = service_seconds(START, history, now)
    assert 0 <= seconds <= (now - START).total_seconds()


def test_format_duration():
    assert format_duration(0) == "00:00"
    assert format_duration(65.9) == "01:05"
    assert format_duration(3 * 3600 + 61) == "3:01:01"


def test_debounce_three_seconds():
    gate = CallDebounce(3.0)
    assert gate.allow(10.0)
    assert not gate.allow(11.0) and not gate.allow(12.99)
    assert gate.remaining(12.0) == 1.0
    assert gate.allow(13.0)
    gate.reset()
    assert gate.allow(13.5) and gate.remaining(13.5) == 3.0


def test_resident_rating_flow():
    offered = ("态度不好", "效率太低")
    rating = ResidentRating()
    assert rating.problem() == "evaluation_level_required"
    rating = rating.choose(2)
    assert rating.needs_reason and rating.problem() == "evaluation_reason_required" and not rating.immediate
    rating = rating.toggle("态度不好", offered).toggle("编造的", offered)
    assert rating.reasons == ("态度不好",) and rating.problem() is None
    assert rating.toggle("态度不好", offered).reasons == ()
    assert rating.choose(5).reasons == () and rating.choose(5).immediate
    assert rating.choose(9) == rating
    assert len(rating.write("很" * 500).comment) == 200


def test_pad_reasons_fallback_only_for_bad_levels():
    assert pad_reasons(2, (), "未选原因") == ("未选原因",)
    assert pad_reasons(1, ("态度不好",), "未选原因") == ("态度不好",)
    assert pad_reasons(4, (), "未选原因") == ()


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.sampled_from(["id", "number", "state", "history", "categories", "current_ticket",
                                        "issued_at", "recall_count", "priority"]),
                       st.one_of(st.none(), st.integers(), st.text(max_size=5), st.lists(st.integers(), max_size=2),
                                 st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))))
def test_parsing_never_raises(body):
    parse_ticket(body)
    parse_window(body)


def test_the_core_is_pure():
    """kiosk.counter.core imports no Qt, HTTP client or serial (CONVENTIONS.md rule 1)."""
    import subprocess
    import sys
    code = ("import sys, kiosk.counter.core.console, kiosk.counter.core.view, kiosk.counter.core.ops;"
            "bad = [m for m in ('PySide6', 'requests', 'serial', 'httpx', 'fastapi') if m in sys.modules];"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
