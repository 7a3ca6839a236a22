"""The network between a kiosk (or a window, or a display) and the hall server breaks
mid-request: a loopback proxy (tests/faults/proxy.py) refuses, stalls, cuts the
request, or lets the server answer and drops the answer. The production client
(kiosk/hall_client.py) retries with the same request_id, so one tap makes one ticket
and one "call next" calls one ticket; a display's stream resumes without a gap."""
from __future__ import annotations

import random
import threading
import time

import pytest
import requests

from kiosk.hall_client import HallClient, HallUnreachable, new_request_id

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

FAULTS = ["refuse", "stall", "cut_request", "cut_response", "truncate_response"]


@pytest.fixture(scope="module")
def served(tmp_path_factory, runner):
    """One real server for the module, with a kiosk, a counter at w01 and a display."""
    root = tmp_path_factory.mktemp("network")
    port = runner.free_port()
    config = runner.all_day_hall(root / "hall.toml", port)
    tokens = runner.prepare_tokens(root / "data", {"kiosk": ("kiosk", None), "counter": ("counter", "w01"),
                                                   "display": ("display", None)}, config)
    server = runner.HallRun(root / "data", port=port, config=config).start()
    server.tokens = tokens
    yield server
    server.kill()


@pytest.fixture
def proxy(served, fault_proxy):
    with fault_proxy.FaultProxy(served.port) as p:
        yield p


def client_via(proxy, token: str, retries: int = 4, timeout: float = 1.0) -> HallClient:
    """A HallClient through the proxy. ``Connection: close`` gives every attempt its own
    connection, so each attempt meets the proxy's next planned fault."""
    session = requests.Session()
    session.headers["Connection"] = "close"
    return HallClient(proxy.base_url, token, timeout=timeout, retries=retries, backoff_s=0.02, backoff_max_s=0.1,
                      session=session)


def ticket_count(server) -> int:
    return server.query("SELECT COUNT(*) AS n FROM tickets")[0]["n"]


@pytest.mark.parametrize("fault", FAULTS)
def test_one_tap_through_a_broken_link_makes_one_ticket(served, proxy, fault):
    kiosk = client_via(proxy, served.tokens["kiosk"])
    before = ticket_count(served)
    proxy.plan(fault, fault)
    ticket = kiosk.issue_ticket(category_code="Z", request_id=new_request_id())
    assert proxy.modes_used() == [fault, fault, "pass"]
    assert ticket_count(served) == before + 1
    newest = served.query("SELECT id FROM tickets ORDER BY rowid DESC LIMIT 1")[0]["id"]
    assert ticket["id"] == newest
    if fault in ("cut_response", "truncate_response"):
        # the server did the work on the first attempt; the answer was lost twice
        assert all(c.response_bytes_dropped > 0 for c in proxy.connections[:2])


def test_a_link_down_longer_than_the_retries_is_a_clean_error_and_a_later_retry_still_makes_one(served, proxy):
    kiosk = client_via(proxy, served.tokens["kiosk"], retries=2)
    before = ticket_count(served)
    rid = new_request_id()
    proxy.plan("cut_response", "stall", "refuse")
    started = time.monotonic()
    with pytest.raises(HallUnreachable):
        kiosk.issue_ticket(category_code="Z", request_id=rid)
    assert time.monotonic() - started < 10
    assert ticket_count(served) == before + 1   # the first attempt reached the server
    again = kiosk.issue_ticket(category_code="Z", request_id=rid)   # the resident taps "retry"
    assert ticket_count(served) == before + 1
    newest = served.query("SELECT id FROM tickets ORDER BY rowid DESC LIMIT 1")[0]["id"]
    assert again["id"] == newest


def test_many_taps_over_a_flaky_link_make_one_ticket_each(served, proxy):
    kiosk = client_via(proxy, served.tokens["kiosk"], retries=8, timeout=0.5)
    rng = random.Random(8)
    before = ticket_count(served)
    ids = []
    for _ in range(24):
        proxy.plan(*rng.choices(FAULTS, k=rng.randint(0, 3)))
        ids.append(kiosk.issue_ticket(category_code=rng.choice("AHYZ"), request_id=new_request_id())["id"])
    assert len(set(ids)) == 24
    assert ticket_count(served) == before + 24
    assert {m for m in proxy.modes_used()} >= set(FAULTS)


def test_a_lost_call_next_answer_calls_one_ticket(served, proxy):
    kiosk = HallClient(served.base_url, served.tokens["kiosk"])
    counter = client_via(proxy, served.tokens["counter"])
    direct = HallClient(served.base_url, served.tokens["counter"])
    _clear_window(direct, "w01")
    first = kiosk.issue_ticket(category_code="Z", request_id=new_request_id())
    second = kiosk.issue_ticket(category_code="Z", request_id=new_request_id())
    waiting = [t["id"] for t in served.query("SELECT id FROM tickets WHERE state = 'waiting' AND category = 'Z' "
                                             "ORDER BY queued_at")]
    proxy.plan("cut_response")
    called = counter.call_next("w01")
    assert called["id"] == waiting[0]
    states = {t["id"]: t["state"] for t in served.query("SELECT id, state FROM tickets")}
    assert states[waiting[0]] == "called" and states[waiting[1]] == "waiting"
    assert {first["id"], second["id"]} <= set(states)
    calls = served.query("SELECT COUNT(*) AS n FROM ticket_history WHERE ticket_id = ? AND action = 'call'", (called["id"],))
    assert calls[0]["n"] == 1


def _clear_window(client: HallClient, window: str) -> None:
    """Finish whatever the window holds and let it call every waiting Z ticket away."""
    for _ in range(200):
        try:
            client.call_next(window)
        except Exception as error:   # no_ticket: the line is empty; bad_state: finish first
            if getattr(error, "code", "") == "no_ticket":
                return
        for step in (client.start, client.finish):
            try:
                step(window)
            except Exception:
                pass
    raise AssertionError("window never emptied")


def test_a_display_stream_cut_by_the_network_resumes_without_a_gap(served, proxy):
    display = HallClient(proxy.base_url, served.tokens["display"], timeout=2)
    kiosk = HallClient(served.base_url, served.tokens["kiosk"])
    start = served.query("SELECT MAX(seq) AS seq FROM events")[0]["seq"] or 0
    seen: list[int] = []
    stop = threading.Event()
    follower = threading.Thread(target=display.follow_events, args=(start, lambda e: seen.append(e.seq), stop),
                                kwargs={"read_timeout": 5, "backoff_max_s": 0.2}, daemon=True)
    follower.start()
    try:
        for round_ in range(4):
            for _ in range(5):
                kiosk.issue_ticket(category_code="Y", request_id=new_request_id())
            if round_ < 3:
                deadline = time.monotonic() + 5
                while proxy.cut_open_connections() == 0 and time.monotonic() < deadline:
                    time.sleep(0.05)
                proxy.plan("refuse")          # and the first reconnect fails too
        last = served.query("SELECT MAX(seq) AS seq FROM events")[0]["seq"]
        deadline = time.monotonic() + 15
        while (not seen or seen[-1] < last) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        follower.join(5)
    assert seen == list(range(start + 1, last + 1))
    assert proxy.modes_used().count("refuse") == 3 and len(proxy.connections) >= 7
