"""Fixtures of the counter console tests: a real hall server process, emulated pad and LED on ptys."""
from __future__ import annotations

import importlib.util
import sqlite3
import time
import uuid
from pathlib import Path

import pytest
import requests

from drivers.emulation import PtyHost
from drivers.evalpad.emulator import PadEmulator
from drivers.led.emulator import LedBusEmulator

_E2E = Path(__file__).resolve().parents[2] / "e2e" / "conftest.py"


def _hall_process_class():
    # tests/e2e/conftest.py owns HallProcess; conftests are not importable as modules, so load it by path.
    spec = importlib.util.spec_from_file_location("counter_e2e_conftest", _E2E)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.HallProcess


class Hall:
    """The server process plus what tests need of it: tickets, the clerk's login, the database."""

    def __init__(self, process):
        self.process = process

    @property
    def base_url(self) -> str:
        return self.process.base_url

    @property
    def clerk(self) -> dict:
        return self.process.credentials["logins"]["clerk"]

    def issue(self, category: str = "Z", priority: str = "normal") -> dict:
        session = self.process.session("kiosk")
        reply = session.post(self.process.url("/tickets"), json={"category_code": category, "priority": priority,
                                                                  "request_id": uuid.uuid4().hex}, timeout=10)
        assert reply.status_code == 201, reply.text
        return reply.json()

    def rows(self, sql: str, params=()) -> list[tuple]:
        """Read the server's own SQLite file (WAL: readers do not disturb the writer)."""
        with sqlite3.connect(f"file:{self.process.data_dir / 'hall.sqlite3'}?mode=ro", uri=True) as db:
            return db.execute(sql, params).fetchall()

    def manager(self) -> requests.Session:
        return self.process.session("manager")

    def restart(self) -> None:
        """Start the process again on the same data directory and port (stopping it first if it runs)."""
        self.process.stop()
        time.sleep(0.2)
        self.process = type(self.process)(self.process.data_dir, port=self.process.port).start()


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    process = _hall_process_class()(tmp_path_factory.mktemp("counter-hall") / "data").start()
    wrapped = Hall(process)
    yield wrapped
    wrapped.process.stop()


class Devices:
    """A HEP/1 pad emulator and an LED screen emulator, each on its own pseudo-terminal."""

    def __init__(self, pad_scenario: str = "repeats"):
        self.pad = PadEmulator(1, scenario=pad_scenario)
        self.screens = LedBusEmulator("shuangse")
        self.pad_host = PtyHost(self.pad).start()
        self.led_host = PtyHost(self.screens).start()

    def close(self) -> None:
        self.pad_host.stop()
        self.led_host.stop()


@pytest.fixture
def devices():
    made = Devices()
    yield made
    made.close()
