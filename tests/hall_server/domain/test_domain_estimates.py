"""Waiting-time estimate and the rolling service-time mean."""
import math

import pytest

from hall_server.domain.estimates import DEFAULT_SERVICE_SECONDS, ServiceTimeStats, estimate_wait_minutes


def test_estimate_shares_the_line_between_windows_and_rounds_up():
    assert estimate_wait_minutes(0, 3, 300) == 0
    assert estimate_wait_minutes(6, 3, 300) == 10
    assert estimate_wait_minutes(1, 2, 300) == 3      # 2.5 min → 3
    assert estimate_wait_minutes(10, 1, 61) == 11     # 10.17 min → 11


def test_estimate_with_no_open_window_counts_one():
    assert estimate_wait_minutes(4, 0, 300) == estimate_wait_minutes(4, 1, 300) == 20


@pytest.mark.parametrize("ahead, mean", [(-1, 300), (3, -1), (3, math.inf), (3, math.nan)])
def test_estimate_refuses_bad_input(ahead, mean):
    with pytest.raises(ValueError):
        estimate_wait_minutes(ahead, 1, mean)


def test_stats_default_until_first_sample():
    stats = ServiceTimeStats(default_seconds=420)
    assert stats.mean == 420 and stats.count == 0
    assert ServiceTimeStats().mean == DEFAULT_SERVICE_SECONDS


def test_stats_keep_only_the_last_n():
    stats = ServiceTimeStats(size=3, default_seconds=999)
    for seconds in (100, 200, 300, 600):
        stats.add(seconds)
    assert stats.samples() == [200.0, 300.0, 600.0]
    assert stats.mean == pytest.approx(366.666, rel=1e-4)
    assert stats.count == 3


def test_stats_seeded_from_history():
    assert ServiceTimeStats(size=2, samples=[10, 20, 30]).samples() == [20.0, 30.0]


@pytest.mark.parametrize("seconds", [-1, math.inf, math.nan])
def test_stats_refuse_bad_samples(seconds):
    stats = ServiceTimeStats()
    with pytest.raises(ValueError):
        stats.add(seconds)
    assert stats.count == 0


def test_stats_refuse_empty_window():
    with pytest.raises(ValueError):
        ServiceTimeStats(size=0)
