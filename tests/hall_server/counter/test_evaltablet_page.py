"""The window's evaluation tablet page in headless Chromium against a live server (uvicorn
in a thread, the test hall, real SQLite): a finished ticket is asked for, a bad rating
needs a reason and is recorded once with channel web; declining is 未评."""
from __future__ import annotations

import socket
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
import uvicorn

from hall_server.api import counter
from hall_server.app import create_app
from hall_server.web import evaltablet

pytestmark = [pytest.mark.slow]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Live:
    def __init__(self, hall, tokens: dict):
        app = create_app(hall=hall)
        paths = {getattr(r, "path", "") for r in app.routes}
        if "/api/v1/counter/duty" not in paths:
            app.include_router(counter.router, prefix="/api/v1")
        if "/evaltablet" not in paths:
            app.include_router(evaltablet.router)
        self.hall, self.tokens, self.port = hall, tokens, _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    timeout_graceful_shutdown=1))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline
            time.sleep(0.02)

    def post(self, path: str, role: str, body: dict | None = None) -> dict:
        reply = requests.post(f"{self.base_url}/api/v1{path}", json={"request_id": uuid.uuid4().hex, **(body or {})},
                              headers={"Authorization": f"Bearer {self.tokens[role]}"}, timeout=10)
        assert reply.status_code < 300, reply.text
        return reply.json()

    def serve_one(self) -> dict:
        """Issue an A ticket and serve it to the end at window w1."""
        ticket = self.post("/tickets", "kiosk", {"category_code": "A"})
        for action in ("call", "start", "finish"):
            path = "/windows/w1/call" if action == "call" else f"/windows/w1/{action}"
            self.post(path, "counter", {"ticket_id": ticket["id"]} if action == "call" else {})
        return ticket

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def live(api, hall):
    server = Live(hall, api.tokens)
    yield server
    server.stop()


@pytest.fixture
def tablet(live):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian chromium is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{live.base_url}/evaltablet?window=w1&token={live.tokens['counter']}")
        page.wait_for_selector("#idle:not([hidden])")
        page.wait_for_function("document.getElementById('link').className === 'ok'")
        yield page
        browser.close()
        assert not errors, errors


def test_a_finished_ticket_is_rated_once_on_the_tablet(live, tablet, hall):
    ticket = live.serve_one()
    tablet.wait_for_selector("#ask:not([hidden])")
    assert tablet.inner_text("#number") == ticket["number"]
    tablet.click(".level-2")                                     # 不满意: a reason first
    tablet.wait_for_selector("#reasons:not([hidden])")
    assert tablet.is_disabled("#submit")
    reason = tablet.get_attribute(".reason >> nth=0", "data-reason")
    tablet.click(".reason >> nth=0")
    tablet.fill("#comment", "等了很久")
    tablet.click("#submit")
    tablet.wait_for_selector("#thanks:not([hidden])")
    deadline = time.monotonic() + 10
    while not hall.store.all("SELECT * FROM evaluations WHERE ticket_id = ?", (ticket["id"],)):
        assert time.monotonic() < deadline, "no evaluation recorded"
        time.sleep(0.1)
    rows = hall.store.all("SELECT level, channel, reasons, comment FROM evaluations WHERE ticket_id = ?", (ticket["id"],))
    assert rows == [{"level": 2, "channel": "web", "reasons": f'["{reason}"]', "comment": "等了很久"}]


def test_declining_reports_unrated(live, tablet, hall):
    ticket = live.serve_one()
    tablet.wait_for_selector("#ask:not([hidden])")
    tablet.click("#decline")
    tablet.wait_for_selector("#idle:not([hidden])")
    deadline = time.monotonic() + 10
    while not hall.store.all("SELECT * FROM evaluation_unrated WHERE ticket_id = ?", (ticket["id"],)):
        assert time.monotonic() < deadline, "no 未评 recorded"
        time.sleep(0.1)
    assert hall.store.one("SELECT reason, channel FROM evaluation_unrated WHERE ticket_id = ?",
                          (ticket["id"],)) == {"reason": "declined", "channel": "web"}
    assert not hall.store.all("SELECT * FROM evaluations WHERE ticket_id = ?", (ticket["id"],))


def test_an_unknown_window_gets_a_page_that_says_so(live):
    reply = requests.get(f"{live.base_url}/evaltablet?window=w99", timeout=10)
    assert reply.status_code == 404 and "w99" in reply.text
