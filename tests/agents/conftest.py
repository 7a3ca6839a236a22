"""Fixtures for the agents: a synthetic voice pack whose words are tones of known
pitch (so an announcement can be decoded back into words), and a live hall server
(uvicorn in a thread, real clock, real SQLite) with tokens per role."""
from __future__ import annotations

import math
import socket
import textwrap
import threading
import time
import wave
from array import array
from pathlib import Path

import pytest
import requests
import uvicorn

from hall_server import auth
from hall_server.agents.voicepack import read_manifest
from hall_server.app import Settings, build_hall, create_app

RATE = 22050
AMPLITUDE = 12000

AGENT_HALL = textwrap.dedent("""
    [hall]
    name = "测试市政务服务中心"

    [[zones]]
    code = "Z1"
    name = "一区"

    [[zones]]
    code = "Z2"
    name = "二区"

    [[categories]]
    code = "A"
    prefix = "A"
    name = "综合受理"
    zone = "Z1"

    [[categories]]
    code = "B"
    prefix = "B"
    name = "不动产"
    zone = "Z2"

    [[windows]]
    id = "w1"
    number = 1
    name = "1号窗口"
    zone = "Z1"
    categories = ["A"]
    led_address = 1

    [[windows]]
    id = "w2"
    number = 12
    name = "12号窗口"
    zone = "Z1"
    categories = ["A"]
    led_address = 2

    [[windows]]
    id = "w3"
    number = 3
    name = "3号窗口"
    zone = "Z2"
    categories = ["B"]
    led_address = 3

    [agents.led]
    strip_address = 9
""")


def word_pitches() -> dict[str, float]:
    """Each manifest word's tone: 300 Hz, 340 Hz, ... (chime 220 Hz)."""
    words = [w for w in read_manifest()["words"] if w != "chime"]
    return {"chime": 220.0} | {w: 300.0 + 40.0 * i for i, w in enumerate(words)}


def tone(freq: float, seconds: float) -> array:
    """A sine starting and ending away from zero: a hard cut would click."""
    n = int(RATE * seconds)
    return array("h", (int(AMPLITUDE * math.sin(2 * math.pi * freq * i / RATE + math.pi / 2)) for i in range(n)))


@pytest.fixture(scope="session")
def tone_pack(tmp_path_factory) -> Path:
    """A complete pack of tones, 80–160 ms long by word."""
    directory = tmp_path_factory.mktemp("tone-pack")
    for index, (word, entry) in enumerate(read_manifest()["words"].items()):
        freq = word_pitches()[word]
        with wave.open(str(directory / entry["file"]), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(tone(freq, 0.08 + 0.01 * (index % 9)).tobytes())
    return directory


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """A hall server in this process, on a real socket; restartable on the same port and data."""

    def __init__(self, hall_file: Path, data_dir: Path):
        self.hall_file, self.data_dir = hall_file, data_dir
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.tokens: dict[str, str] = {}

    def start(self) -> "LiveServer":
        self.hall = build_hall(Settings(config_path=self.hall_file, data_dir=self.data_dir))
        if not self.tokens:
            with self.hall.store.transaction(self.hall.now()) as tx:
                self.tokens = {role: auth.create_device_token(tx, f"t-{role}", role) for role in ("kiosk", "manager", "agent")}
                for window in ("w1", "w2", "w3"):
                    self.tokens[f"counter:{window}"] = auth.create_device_token(tx, f"t-{window}", "counter", window)
        config = uvicorn.Config(create_app(hall=self.hall), host="127.0.0.1", port=self.port, log_level="warning",
                                timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.hall.store.close()

    def session(self, role: str) -> requests.Session:
        s = requests.Session()
        s.headers["Authorization"] = f"Bearer {self.tokens[role]}"
        return s

    def post(self, path: str, body: dict | None = None, role: str = "manager") -> dict:
        r = self.session(role).post(f"{self.base_url}/api/v1{path}", json=body or {})
        assert r.status_code < 300, r.text
        return r.json()

    def window(self, window_id: str, action: str) -> dict:
        """A window action as that window's clerk would do it."""
        return self.post(f"/windows/{window_id}/{action}", role=f"counter:{window_id}")

    def issue(self, category: str) -> dict:
        return self.post("/tickets", {"category_code": category, "channel": "kiosk"}, role="kiosk")


@pytest.fixture
def live_server(tmp_path):
    hall_file = tmp_path / "hall.toml"
    hall_file.write_text(AGENT_HALL, encoding="utf-8")
    server = LiveServer(hall_file, tmp_path / "data").start()
    yield server
    server.stop()


def wait_until(predicate, timeout: float = 10.0, step: float = 0.02):
    """Poll ``predicate`` until it is truthy; returns its value or fails."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    value = predicate()
    assert value, "condition not met in time"
    return value


@pytest.fixture
def wait():
    """``wait(predicate, timeout=10)``: poll until truthy."""
    return wait_until


@pytest.fixture(scope="session")
def pitches() -> dict[str, float]:
    return word_pitches()
