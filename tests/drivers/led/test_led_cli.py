"""``python -m drivers probe|emulate led`` (API.md command-line contract)."""
from __future__ import annotations

import json

import pytest

from drivers.__main__ import main
from drivers.errors import DeviceUnavailable
from drivers.led.cli import _with_vendor, make_emulator
from drivers.led.emulator import LedBusEmulator


def run_main(capsys, *argv) -> tuple[int, dict]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def test_probe_shuangse_shows_text_and_reports_the_answer(capsys):
    code, out = run_main(capsys, "probe", "led", "--url", "emu://led", "--vendor", "shuangse",
                         "--show", "请A023号到5号窗口", "--address", "2", "--colour", "green")
    assert code == 0 and out["ok"] is True and out["vendor"] == "shuangse" and out["address"] == 2
    assert out["shown"] == {"address": 2, "kind": "text", "answered": True, "command": 0xA5}
    assert out["answering"] is None and out["status"]["screens"] == {"2": "ok"}


def test_probe_pinganlihe_checks_reads_version_and_calls(capsys):
    code, out = run_main(capsys, "probe", "led", "--url", "emu://led", "--vendor", "pinganlihe",
                         "--call", "B1234", "--window", "3", "--address", "3")
    assert code == 0 and out["answering"] is True
    assert out["version"] == {"card_type": "A1", "version": "21"}
    assert out["call"] == {"address": 3, "kind": "call", "answered": True}


def test_probe_silent_screen_is_an_error_with_chinese_message(capsys):
    code, out = run_main(capsys, "probe", "led", "--url", "emu://led?scenario=silent", "--vendor", "pinganlihe",
                         "--call", "A1")
    assert code == 1 and out["error"]["code"] == "device_timeout" and "无应答" in out["error"]["message"]


def test_probe_unencodable_text_is_refused_and_replace_works(capsys):
    code, out = run_main(capsys, "probe", "led", "--url", "emu://led", "--show", "王珺")
    assert code == 1 and out["error"]["code"] == "text_not_encodable" and "珺" in out["error"]["message"]
    code, out = run_main(capsys, "probe", "led", "--url", "emu://led", "--show", "王珺", "--replace")
    assert code == 0 and out["shown"]["answered"] is True


def test_unknown_vendor_is_unavailable(capsys):
    code, out = run_main(capsys, "probe", "led", "--url", "emu://led", "--vendor", "ruize", "--show", "x")
    assert code == 1 and out["error"]["code"] == "device_unavailable"


def test_emu_url_gets_the_vendor():
    assert _with_vendor("emu://led", "pinganlihe") == "emu://led?vendor=pinganlihe"
    assert _with_vendor("emu://led?scenario=silent", "x") == "emu://led?scenario=silent&vendor=x"
    assert _with_vendor("emu://led?vendor=a", "b") == "emu://led?vendor=a"
    assert _with_vendor("/dev/ttyUSB0", "b") == "/dev/ttyUSB0"


def test_make_emulator():
    screens = make_emulator("pinganlihe", "silent", silent_addresses="2,3")
    assert isinstance(screens, LedBusEmulator) and screens.vendor == "pinganlihe"
    assert screens.is_silent(2) and not screens.is_silent(1)
    assert make_emulator().vendor == "shuangse" and not make_emulator().is_silent(1)
    with pytest.raises(DeviceUnavailable):
        make_emulator("ruize")
    with pytest.raises(DeviceUnavailable):
        make_emulator(scenario="flaky")
