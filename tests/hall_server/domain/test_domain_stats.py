"""Daily statistics: counts, nearest-rank percentiles, per window/clerk, pauses, satisfaction."""
import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings, strategies as st

from hall_server.domain.model import Ticket, TicketState
from hall_server.domain.stats import distribution, hourly, pause_seconds, percentile, satisfaction, summarize

CST = timezone(timedelta(hours=8))
T0 = datetime(2026, 11, 21, 9, 0, tzinfo=CST)


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def ticket(n, category="A", state=TicketState.WAITING, issued=0.0, called=None, started=None, finished=None,
           window=None, clerk=None, suspended=0.0) -> Ticket:
    return Ticket(id=f"t{n}", number=f"{category}{n:03d}", serial=n, category=category, day="2026-11-21",
                  issued_at=minutes(issued), queued_at=minutes(issued), state=state, window_id=window, clerk=clerk,
                  called_at=None if called is None else minutes(called),
                  started_at=None if started is None else minutes(started),
                  finished_at=None if finished is None else minutes(finished), suspended_seconds=suspended)


def done(n, issued, called, started, finished, window="w1", clerk="c1", category="A", suspended=0.0):
    return ticket(n, category, TicketState.DONE, issued, called, started, finished, window, clerk, suspended)


def test_percentile_nearest_rank():
    values = [15, 20, 35, 40, 50]
    assert percentile(values, 50) == 35
    assert percentile(values, 90) == 50
    assert percentile(values, 30) == 20
    assert percentile(values, 0) == 15
    assert percentile(list(range(1, 11)), 90) == 9
    assert percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile(values, 101)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 1e5), min_size=1, max_size=50), st.floats(0, 100))
def test_percentile_is_an_observed_value_with_enough_at_or_below(values, p):
    result = percentile(values, p)
    assert result in values
    at_or_below = sum(v <= result for v in values)
    assert at_or_below >= p / 100 * len(values) - 1e-9
    assert sum(v < result for v in values) < max(p / 100 * len(values), 1)


def test_distribution_rounds_and_handles_empty():
    assert distribution([60, 120.04, 300]) == {"count": 3, "mean": 160.0, "p50": 120.0, "p90": 300}
    assert distribution([]) == {"count": 0, "mean": None, "p50": None, "p90": None}


def sample_day():
    return [
        done(1, 0, 5, 6, 16, "w1", "c1"),                                  # wait 300, service 600
        done(2, 1, 11, 12, 17, "w1", "c1", suspended=60),                  # wait 600, service 240
        done(3, 2, 14, 15, 35, "w2", "c2"),                                # wait 720, service 1200
        ticket(4, state=TicketState.NO_SHOW, issued=3, called=20, window="w2", clerk="c2"),  # wait 1020
        ticket(5, state=TicketState.CANCELLED, issued=4),
        ticket(6, state=TicketState.WAITING, issued=5),
        done(1, 0, 2, 3, 8, "w2", "c2", category="B"),                     # wait 120, service 300
        ticket(2, "B", TicketState.EXPIRED, issued=30),
    ]


def test_summary_per_category():
    summary = summarize(sample_day())
    a, b = summary["categories"]["A"], summary["categories"]["B"]
    assert (a["issued"], a["served"], a["no_show"], a["cancelled"], a["waiting"]) == (6, 3, 1, 1, 1)
    assert a["wait"] == {"count": 4, "mean": 660.0, "p50": 600.0, "p90": 1020.0}
    assert a["service"] == {"count": 3, "mean": 680.0, "p50": 600.0, "p90": 1200.0}
    assert (b["issued"], b["served"], b["expired"]) == (2, 1, 1)
    assert summary["totals"]["issued"] == 8 and summary["totals"]["service"]["count"] == 4


def test_summary_per_window_and_clerk():
    summary = summarize(sample_day())
    w1, w2 = summary["windows"]["w1"], summary["windows"]["w2"]
    assert (w1["called"], w1["served"], w2["called"], w2["served"]) == (2, 2, 3, 2)
    assert w1["service"]["mean"] == 420.0 and w1["wait"]["p90"] == 600.0
    assert summary["clerks"]["c2"]["wait"]["count"] == 3
    assert set(summary["clerks"]) == {"c1", "c2"}


def test_pauses_per_window_merge_overlaps_and_ignore_empty_spans():
    pauses = [("w1", minutes(0), minutes(10)), ("w1", minutes(5), minutes(15)), ("w1", minutes(20), minutes(21)),
              ("w2", minutes(3), minutes(3)), ("w3", minutes(0), minutes(1))]
    assert pause_seconds(pauses) == {"w1": 960.0, "w3": 60.0}
    summary = summarize(sample_day(), pauses=pauses)
    assert summary["windows"]["w1"]["pause_seconds"] == 960.0
    assert summary["windows"]["w2"]["pause_seconds"] == 0.0
    assert summary["windows"]["w3"] == {"called": 0, "served": 0, "pause_seconds": 60.0,
                                        "wait": distribution([]), "service": distribution([])}


def test_satisfaction_counts_levels_and_bad_reviews():
    result = satisfaction([5, 5, 4, 3, 2, 1, 5])
    assert result == {"levels": {1: 1, 2: 1, 3: 1, 4: 1, 5: 3}, "count": 7, "bad": 2}
    assert summarize([], evaluation_levels=[4])["satisfaction"]["levels"][4] == 1
    with pytest.raises(ValueError):
        satisfaction([6])


def test_summary_of_nothing_is_well_formed_and_json_ready():
    summary = summarize([])
    assert summary["totals"]["issued"] == 0 and summary["categories"] == {} and summary["windows"] == {}
    json.dumps(summarize(sample_day(), evaluation_levels=[1, 5]))


def test_hourly_arrivals_and_calls_in_local_time():
    tickets = [ticket(1, issued=0, called=70), ticket(2, issued=59), ticket(3, issued=61, called=62)]
    result = hourly(tickets, CST)
    assert result["arrivals"][9] == 2 and result["arrivals"][10] == 1
    assert result["calls"][10] == 2 and sum(result["calls"]) == 2 and len(result["calls"]) == 24
    assert hourly(tickets, timezone.utc)["arrivals"][1] == 2
