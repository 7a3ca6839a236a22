"""The real hall server process (``python -m hall_server demo`` on the example hall)
and a headless Chromium (Debian's; Playwright never downloads one) for the
display and phone-page tests."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DemoHall:
    """``hall_server demo`` in its own process; restartable on the same port and data dir."""

    def __init__(self, data_dir: Path):
        self.data_dir, self.port = data_dir, free_port()
        self.credentials: dict = {}
        self.proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        self.ready()
        return f"http://127.0.0.1:{self.port}"

    def launch(self) -> "DemoHall":
        """Start the process without waiting for it (the browser starts meanwhile)."""
        self._creds = self.data_dir / "demo-credentials.json"
        self._creds.unlink(missing_ok=True)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.data_dir.parent / f"server-{self.port}.log", "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "hall_server", "demo", "--port", str(self.port),
                                      "--data-dir", str(self.data_dir)], cwd=ROOT, stdout=log,
                                     stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        log.close()
        self._ready = False
        return self

    def ready(self, timeout: float = 30.0) -> "DemoHall":
        """Wait until the server listens (it writes its credentials then)."""
        deadline = time.monotonic() + timeout
        while not self._ready and not self._creds.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"demo server did not start (exit {self.proc.poll()})")
            time.sleep(0.05)
        if not self._ready:
            fresh = json.loads(self._creds.read_text())
            # Tokens of an earlier start stay valid (a TV keeps its URL across restarts).
            self.credentials = self.credentials or fresh
            self._ready = True
        return self

    def start(self) -> "DemoHall":
        return self.launch().ready()

    def stop(self, grace: float = 1.5) -> None:
        # The demo waits for open event streams before it exits (uvicorn's graceful
        # shutdown has no time limit there): a display keeps one open, so kill after a grace.
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def token(self, role: str) -> str:
        return self.ready().credentials["tokens"][role]

    def post(self, path: str, body: dict | None = None, role: str = "manager") -> dict:
        r = requests.post(f"{self.base_url}/api/v1{path}", json=body or {},
                          headers={"Authorization": f"Bearer {self.token(role)}"}, timeout=10)
        assert r.status_code < 300, r.text
        return r.json()

    def issue(self, category: str, id_card: dict | None = None) -> dict:
        body = {"category_code": category, "channel": "kiosk"} | ({"id_card": id_card} if id_card else {})
        return self.post("/tickets", body, role="kiosk")

    def display_url(self, zone: str | None = None) -> str:
        return f"{self.base_url}/display?token={self.token('display')}" + (f"&zone={zone}" if zone else "")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    hall = DemoHall(tmp_path_factory.mktemp("demo") / "data").launch()
    yield hall
    hall.stop()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian chromium is not installed")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def tv(browser):
    """A 1920×1080 page; fails the test on any script error."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors
