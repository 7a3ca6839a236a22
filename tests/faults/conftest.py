"""Fixtures for fault tests: real hall server processes (killed and restarted on the
same data dir and port) and the loopback fault proxy. tests/ is not a package, so
the helper modules of this folder are loaded by path."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def _load(name: str, path: Path):
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


runner_module = _load("hallterm_fault_runner", HERE / "hall_runner.py")
proxy_module = _load("hallterm_fault_proxy", HERE / "proxy.py")


@pytest.fixture(scope="session")
def runner():
    """tests/faults/hall_runner.py: HallRun, prepare_tokens, open_windows, free_port."""
    return runner_module


@pytest.fixture(scope="session")
def fault_proxy():
    """tests/faults/proxy.py: FaultProxy and its MODES."""
    return proxy_module


@pytest.fixture
def halls():
    """Make :class:`HallRun` processes; every one is killed at the end of the test."""
    made = []

    def make(data_dir: Path, **kwargs):
        run = runner_module.HallRun(data_dir, **kwargs)
        made.append(run)
        return run

    yield make
    for run in made:
        run.kill()
