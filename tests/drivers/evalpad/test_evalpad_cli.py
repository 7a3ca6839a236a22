"""``python -m drivers probe|emulate evalpad`` (API.md command-line contract)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from drivers.__main__ import main
from drivers.errors import DeviceUnavailable
from drivers.evalpad.cli import make_emulator
from drivers.evalpad.emulator import PadBus, PadEmulator

ROOT = Path(__file__).resolve().parents[3]


def run_main(capsys, *argv) -> tuple[int, dict]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def test_probe_ask_waits_for_one_rating_and_prints_json(capsys):
    code, out = run_main(capsys, "probe", "evalpad", "--url", "emu://evalpad?scenario=demo",
                         "--ask", "A023", "--text", "请评价")
    assert code == 0
    assert out["ok"] is True and out["firmware"] == "HEP1-EMU 1.0" and out["address"] == 1
    assert out["rating"]["ticket"] == "A023" and out["rating"]["level"] == 5
    assert out["rating"]["label"] == "非常满意" and out["rating"]["request_id"] == out["request_id"]


def test_probe_of_a_silent_pad_reports_a_timeout_error(capsys):
    code, out = run_main(capsys, "probe", "evalpad", "--url", "emu://evalpad?scenario=silent", "--timeout", "3")
    assert code == 1 and out["ok"] is False
    assert out["error"]["code"] == "device_timeout" and "无应答" in out["error"]["message"]


def test_probe_of_a_missing_port_is_unavailable(capsys):
    code, out = run_main(capsys, "probe", "evalpad", "--url", "/dev/does-not-exist-hallterm", "--timeout", "1")
    assert code == 1 and out["error"]["code"] == "device_unavailable"


def test_make_emulator_single_pad_bus_and_bad_names():
    assert isinstance(make_emulator(), PadEmulator)
    bus = make_emulator(scenario="repeats", addresses="1,4")
    assert isinstance(bus, PadBus) and bus[4].scenario == "repeats"
    assert make_emulator(auto_rating=3).auto_rating == 3
    with pytest.raises(DeviceUnavailable):
        make_emulator(vendor="zhongyi")
    with pytest.raises(DeviceUnavailable):
        make_emulator(scenario="flaky")


def test_emulate_command_serves_a_pad_on_a_pty_until_sigterm():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "drivers", "emulate", "evalpad", "--address", "3"],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    try:
        path = proc.stdout.readline().strip()
        code = main(["probe", "evalpad", "--url", path, "--address", "3", "--timeout", "3"])
        assert code == 0
    finally:
        proc.terminate()
        assert proc.wait(5) == 0
