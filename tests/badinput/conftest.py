"""Fixtures for bad-input tests: the example hall in process (a token per role and some
state to act on) and the real-process helpers of tests/faults, loaded by path."""
from __future__ import annotations

import importlib.util
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from hall_server import auth
from hall_server.app import Settings, build_hall, create_app
from hall_server.clock import FakeClock

HERE = Path(__file__).resolve().parent
CST = timezone(timedelta(hours=8))
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=CST)


def _load(name: str, path: Path):
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


runner_module = _load("hallterm_fault_runner", HERE.parent / "faults" / "hall_runner.py")
roles_module = _load("hallterm_route_roles", HERE.parent / "security" / "route_roles.py")


@pytest.fixture(scope="session")
def runner():
    return runner_module


@pytest.fixture(scope="session")
def route_roles():
    return roles_module


def seeded_hall(data_dir: Path):
    """The example hall on a fake clock with a token per role (the counter at w01) and a
    manager who can log in."""
    hall = build_hall(Settings(config_path=runner_module.EXAMPLE_HALL, data_dir=data_dir, clock=FakeClock(MONDAY_10)))
    with hall.store.transaction(hall.now()) as tx:
        tokens = {role: auth.create_device_token(tx, f"dev-{role}", role, "w01" if role == "counter" else None)
                  for role in roles_module.ROLES}
        auth.create_user(tx, "mgr", "badinput-password", "manager")
    return hall, tokens


@pytest.fixture(scope="session")
def make_seeded_hall():
    """:func:`seeded_hall`, for test modules (conftest functions are not importable)."""
    return seeded_hall
