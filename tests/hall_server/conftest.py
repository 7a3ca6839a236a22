"""Fixtures for hall-server tests: a small hall file, a fake clock, an app on a
temporary SQLite file, and clients holding a token per role."""
from __future__ import annotations

import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hall_server import auth
from hall_server.app import Settings, build_hall, create_app
from hall_server.clock import FakeClock

CST = timezone(timedelta(hours=8))
MONDAY_0930 = datetime(2026, 11, 23, 9, 30, tzinfo=CST)

SMALL_HALL = textwrap.dedent("""
    [hall]
    name = "测试市政务服务中心"

    [server]
    login_max_failures = 3
    login_lockout_minutes = 15

    [policy]
    promote_after_minutes = 60

    [[zones]]
    code = "Z1"
    name = "综合受理板块"

    [[categories]]
    code = "A"
    prefix = "A"
    name = "综合受理"
    zone = "Z1"

    [[categories]]
    code = "B"
    prefix = "B"
    name = "不动产登记"
    zone = "Z1"
    daily_quota = 3
    person_daily_limit = 1
    real_name = "required"

    [[categories]]
    code = "C"
    prefix = "C"
    name = "公安户政"
    zone = "Z1"
    hours = [{ start = "09:00", end = "10:00" }]

    [[services]]
    code = "S-A1"
    name = "社保参保登记"
    category = "A"
    guide = { conditions = "本市户籍或在本市就业人员", time_limit = "即办" }

    [[services]]
    code = "S-B1"
    name = "不动产转移登记"
    category = "B"

    [[services]]
    code = "S-C1"
    name = "户籍迁入"
    category = "C"

    [[windows]]
    id = "w1"
    number = 1
    name = "1号窗口 综合受理"
    zone = "Z1"
    categories = ["A", "B"]

    [[windows]]
    id = "w2"
    number = 2
    name = "2号窗口 不动产"
    zone = "Z1"
    kind = "专业"
    categories = ["B"]

    [[windows]]
    id = "w3"
    number = 3
    name = "3号窗口 户政"
    zone = "Z1"
    kind = "专业"
    categories = ["C", "A"]
""")


@pytest.fixture
def hall_file(tmp_path: Path) -> Path:
    path = tmp_path / "hall.toml"
    path.write_text(SMALL_HALL, encoding="utf-8")
    return path


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_0930)


@pytest.fixture
def hall(hall_file: Path, tmp_path: Path, clock: FakeClock):
    hall = build_hall(Settings(config_path=hall_file, data_dir=tmp_path / "data", clock=clock))
    yield hall
    hall.store.close()


class Clients:
    """One TestClient per role, each sending its own bearer token."""

    def __init__(self, app, hall):
        self.app, self.hall = app, hall
        self._base = TestClient(app)
        self._base.__enter__()
        with hall.store.transaction(hall.now()) as tx:
            self.tokens = {role: auth.create_device_token(tx, f"test-{role}", role, "w1" if role == "counter" else None)
                           for role in ("kiosk", "counter", "display", "manager", "admin", "agent")}
            self.tokens["counter2"] = auth.create_device_token(tx, "test-counter2", "counter", "w2")
            self.tokens["counter3"] = auth.create_device_token(tx, "test-counter3", "counter", "w3")

    def __call__(self, role: str | None):
        return _RoleClient(self._base, self.tokens.get(role) if role else None)

    def close(self):
        self._base.__exit__(None, None, None)


class _RoleClient:
    def __init__(self, client: TestClient, token: str | None):
        self.client, self.token = client, token

    def request(self, method: str, url: str, **kw):
        headers = kw.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return self.client.request(method, "/api/v1" + url, headers=headers, **kw)

    def get(self, url, **kw):
        return self.request("GET", url, **kw)

    def post(self, url, json=None, **kw):
        return self.request("POST", url, json=json, **kw)

    def put(self, url, json=None, **kw):
        return self.request("PUT", url, json=json, **kw)


@pytest.fixture
def app(hall):
    return create_app(hall=hall)


@pytest.fixture
def api(app, hall):
    clients = Clients(app, hall)
    yield clients
    clients.close()


def synthetic_id(first17: str) -> str:
    """A synthetic ID number: 17 digits plus their GB 11643 check digit."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


@pytest.fixture
def make_id():
    return synthetic_id
