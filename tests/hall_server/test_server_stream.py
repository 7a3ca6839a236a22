"""The event stream over a real socket: heartbeats while idle, then live events."""
from __future__ import annotations

import socket
import threading
import time

import requests
import uvicorn


def test_stream_sends_heartbeats_while_idle_and_then_events(app, api):
    app.state.sse_ping_seconds = 0.3
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        headers = {"Authorization": f"Bearer {api.tokens['display']}"}
        lines = []
        with requests.get(f"http://127.0.0.1:{port}/api/v1/events", headers=headers, stream=True, timeout=10) as r:
            for raw in r.iter_lines(decode_unicode=True):
                lines.append(raw)
                if sum(1 for line in lines if line.startswith(": ping")) == 2:
                    requests.post(f"http://127.0.0.1:{port}/api/v1/tickets", json={"category_code": "A"},
                                  headers={"Authorization": f"Bearer {api.tokens['kiosk']}"}, timeout=5)
                if raw.startswith("event: "):
                    break
        assert sum(1 for line in lines if line.startswith(": ping")) >= 2
        assert lines[-1] == "event: ticket.issued"
    finally:
        server.should_exit = True
        thread.join(5)
