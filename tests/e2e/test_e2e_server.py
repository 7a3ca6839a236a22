"""The real server process over HTTP: start, serve, stream, stop; concurrent kiosks."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

import pytest
import requests

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def read_events(server, since: int | None, last_event_id: str | None, want: int, timeout: float = 10.0) -> list[dict]:
    """Read ``want`` events from the SSE stream (a plain HTTP client, as a display would)."""
    headers = {"Authorization": f"Bearer {server.credentials['tokens']['display']}", "Accept": "text/event-stream"}
    if last_event_id:
        headers["Last-Event-ID"] = last_event_id
    params = {"since": since} if since is not None else {}
    events, current = [], {}
    with requests.get(server.url("/events"), headers=headers, params=params, stream=True, timeout=timeout) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        for raw in r.iter_lines(decode_unicode=True):
            if raw == "":
                if "data" in current:
                    events.append(current)
                    if len(events) >= want:
                        return events
                current = {}
            elif not raw.startswith(":"):
                key, _, value = raw.partition(": ")
                current[key] = value
    return events


def test_demo_serves_streams_and_stops_cleanly(hall_process):
    server = hall_process
    creds = server.credentials
    assert set(creds["tokens"]) >= {"kiosk", "counter", "display", "manager", "admin"}
    assert creds["base_url"] == server.base_url and creds["windows"]
    kiosk, counter = server.session("kiosk"), server.session("counter")
    hall = kiosk.get(server.url("/hall")).json()
    assert len(hall["services"]) >= 30 and len(hall["windows"]) >= 15
    window = creds["windows"][0]["id"]
    category = next(w for w in hall["windows"] if w["id"] == window)["categories"][0]
    ticket = kiosk.post(server.url("/tickets"), json={"category_code": category, "request_id": "e2e-1"})
    assert ticket.status_code == 201, ticket.text
    called = counter.post(server.url(f"/windows/{window}/call-next"))
    assert called.status_code == 200 and called.json()["number"] == ticket.json()["number"]
    events = read_events(server, since=0, last_event_id=None, want=2)
    assert [e["event"] for e in events] == ["ticket.issued", "ticket.called"]
    call = json.loads(events[1]["data"])
    assert call["data"]["window_number"] == creds["windows"][0]["number"] and call["seq"] == int(events[1]["id"])
    # resume after the first event with Last-Event-ID: the call is delivered again, nothing before it
    resumed = read_events(server, since=None, last_event_id=events[0]["id"], want=1)
    assert resumed[0]["id"] == events[1]["id"]
    assert server.stop() == 0


def test_stream_delivers_live_events(hall_process):
    server = hall_process
    kiosk = server.session("kiosk")
    got: list = []
    reader = threading.Thread(target=lambda: got.extend(read_events(server, None, None, want=1)))
    reader.start()
    time.sleep(0.5)
    hall = kiosk.get(server.url("/hall")).json()
    kiosk.post(server.url("/tickets"), json={"category_code": hall["categories"][0]["code"]})
    reader.join(10)
    assert got and got[0]["event"] == "ticket.issued"


def _issue_many(args):
    base, token, category, worker, count = args
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {token}"
    numbers = []
    for i in range(count):
        rid = f"w{worker}-{i}"
        first = s.post(f"{base}/api/v1/tickets", json={"category_code": category, "request_id": rid}, timeout=10)
        retry = s.post(f"{base}/api/v1/tickets", json={"category_code": category, "request_id": rid}, timeout=10)
        assert first.status_code == 201 and retry.json()["id"] == first.json()["id"]
        numbers.append(first.json()["number"])
    return numbers


def test_concurrent_kiosk_processes_get_unique_gapless_numbers(hall_process):
    server = hall_process
    token = server.credentials["tokens"]["kiosk"]
    category = server.session("kiosk").get(server.url("/hall")).json()["categories"][0]["code"]
    with ProcessPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(_issue_many, [(server.base_url, token, category, w, 25) for w in range(4)]))
    numbers = [n for batch in results for n in batch]
    serials = sorted(int(n[1:]) for n in numbers)
    assert len(numbers) == 100 and serials == list(range(1, 101))
    snapshot = server.session("display").get(server.url("/queue")).json()
    assert next(c for c in snapshot["categories"] if c["code"] == category)["waiting"] == 100


def test_serve_refuses_a_broken_config_with_key_path(tmp_path):
    bad = tmp_path / "hall.toml"
    bad.write_text('[hall]\nname = "x"\n[[categories]]\ncode = "A"\nprefix = "AA"\n', encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "hall_server", "serve", "--config", str(bad), "--data-dir",
                        str(tmp_path / "d")], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "categories[0].prefix" in r.stderr and str(bad) in r.stderr


def test_demo_hall_orchestrator_starts_the_server_and_stops_everything(tmp_path):
    import signal
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = tmp_path / "demo"
    proc = subprocess.Popen([sys.executable, "-m", "hall_server.demo_hall", "--no-gui", "--port", str(port),
                             "--data-dir", str(data)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (data / "demo-credentials.json").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        creds = json.loads((data / "demo-credentials.json").read_text())
        assert requests.get(f"{creds['base_url']}/api/v1/health", timeout=5).json()["status"] == "ok"
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "/display?token=" in out and "/console" in out and "agents" in out
    assert (data / "agents" / "voice.log").exists() and (data / "agents" / "led.log").exists()
    with socket.socket() as s:  # the server child is gone too: nothing listens on the port
        # SO_REUSEADDR: connections the server closed may linger in TIME_WAIT on the
        # port; on Linux the bind still fails if any socket is listening there.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        s.listen()


def test_backup_dir_with_retention_and_restore(tmp_path):
    import os
    from pathlib import Path
    data = tmp_path / "data"
    base = [sys.executable, "-m", "hall_server", "admin", "--data-dir", str(data)]
    subprocess.run([*base, "create-device-token", "k1", "--role", "kiosk"], check=True, capture_output=True, timeout=60)
    folder = tmp_path / "backups"
    folder.mkdir()
    stale = folder / "hall-20200101-000000.sqlite3"
    stale.write_bytes(b"old")
    os.utime(stale, (0, 0))
    out = subprocess.run([*base, "backup", "--dir", str(folder), "--keep-days", "30"], capture_output=True,
                         text=True, timeout=60, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["integrity"] == "ok" and result["removed"] == [stale.name] and not stale.exists()
    fresh = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "hall_server", "admin", "--data-dir", str(fresh), "restore",
                    result["backup"]], check=True, capture_output=True, timeout=60)
    import sqlite3
    rows = sqlite3.connect(fresh / "hall.sqlite3").execute("SELECT subject FROM tokens").fetchall()
    assert rows == [("k1",)] and Path(result["backup"]).exists()


def test_sigterm_stops_the_server_promptly_with_streams_open(hall_process):
    server = hall_process
    opened = threading.Event()

    def listen():
        headers = {"Authorization": f"Bearer {server.credentials['tokens']['display']}"}
        try:
            with requests.get(server.url("/events"), headers=headers, stream=True, timeout=30) as r:
                opened.set()
                for _ in r.iter_lines():
                    pass
        except requests.RequestException:
            pass

    readers = [threading.Thread(target=listen, daemon=True) for _ in range(3)]
    for reader in readers:
        reader.start()
    assert opened.wait(10)
    time.sleep(0.5)
    started = time.monotonic()
    assert server.stop(timeout=8) == 0
    assert time.monotonic() - started < 8
