"""Start the real hall server process (``python -m hall_server demo``) for e2e tests."""
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

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HallProcess:
    def __init__(self, data_dir: Path, port: int | None = None):
        self.data_dir = data_dir
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.credentials: dict = {}

    def start(self, timeout: float = 30.0) -> "HallProcess":
        creds = self.data_dir / "demo-credentials.json"
        if creds.exists():
            creds.unlink()
        self.log = open(self.data_dir.parent / f"server-{self.port}.log", "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "hall_server", "demo", "--port", str(self.port),
                                      "--data-dir", str(self.data_dir)], cwd=ROOT, stdout=self.log,
                                     stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if creds.exists():
                self.credentials = json.loads(creds.read_text())
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            time.sleep(0.1)
        raise TimeoutError("server did not start")

    def session(self, role: str) -> requests.Session:
        s = requests.Session()
        s.headers["Authorization"] = f"Bearer {self.credentials['tokens'][role]}"
        return s

    def url(self, path: str) -> str:
        return f"{self.base_url}/api/v1{path}"

    def stop(self, sig=signal.SIGTERM, timeout: float = 15.0) -> int:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode if self.proc else 0


@pytest.fixture
def hall_process(tmp_path):
    server = HallProcess(tmp_path / "data").start()
    yield server
    server.stop()
