"""Fixtures for security tests: the example hall in process on a fake clock with a
token per role, and the real-process helpers of tests/faults (loaded by path)."""
from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hall_server import auth
from hall_server.app import Settings, build_hall, create_app
from hall_server.clock import FakeClock

HERE = Path(__file__).resolve().parent
CST = timezone(timedelta(hours=8))
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=CST)
PASSWORD = "security-test-password"


def _load(name: str, path: Path):
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


runner_module = _load("hallterm_fault_runner", HERE.parent / "faults" / "hall_runner.py")
roles_module = _load("hallterm_route_roles", HERE / "route_roles.py")


@pytest.fixture(scope="session")
def runner():
    return runner_module


@pytest.fixture(scope="session")
def route_roles():
    """tests/security/route_roles.py: route_roles(app), api_md_roles(), shape(path), ROLES."""
    return roles_module


@dataclass
class SecuredHall:
    """The example hall in process: ``tokens[role]`` for every role (the counter sits
    at w01), ``counter2`` at w02, and a manager and a clerk who can log in."""

    hall: object
    app: object
    client: TestClient
    clock: FakeClock
    tokens: dict = field(default_factory=dict)

    def call(self, method: str, path: str, token: str | None = None, **kw):
        headers = kw.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.client.request(method, path, headers=headers, **kw)

    def login(self, username: str, password: str = PASSWORD):
        return self.client.post("/api/v1/auth/login", json={"username": username, "password": password})


@pytest.fixture
def secured(tmp_path, runner):
    clock = FakeClock(MONDAY_10)
    hall = build_hall(Settings(config_path=runner.EXAMPLE_HALL, data_dir=tmp_path / "data", clock=clock))
    with hall.store.transaction(hall.now()) as tx:
        tokens = {role: auth.create_device_token(tx, f"dev-{role}", role, "w01" if role == "counter" else None)
                  for role in roles_module.ROLES}
        tokens["counter2"] = auth.create_device_token(tx, "dev-counter2", "counter", "w02")
        auth.create_user(tx, "mgr", PASSWORD, "manager")
        auth.create_user(tx, "clerk", PASSWORD, "counter", window_id="w01")
    app = create_app(hall=hall)
    with TestClient(app) as client:
        yield SecuredHall(hall, app, client, clock, tokens)
    hall.store.close()
