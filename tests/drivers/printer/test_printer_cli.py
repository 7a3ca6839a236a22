"""``python -m drivers probe printer`` and ``emulate printer``, as an installer runs them."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from drivers.__main__ import main
from drivers.emulation import PtyHost
from drivers.printer.cli import make_emulator
from drivers.printer.emulator import PrinterEmulator

ROOT = Path(__file__).resolve().parents[3]


def probe(capsys, *args: str) -> tuple[int, dict]:
    code = main(["probe", "printer", *args])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def host():
    emulator = PrinterEmulator()
    with PtyHost(emulator) as running:
        yield running


def test_probe_reports_status_without_printing(capsys, host):
    code, out = probe(capsys, "--url", host.path, "--timeout", "5")
    assert code == 0
    assert out["ok"] is True and out["printed"] is False
    assert out["status"]["paper"] == "ok" and out["status"]["state"] == "ok"
    assert host.device.documents == []


def test_probe_print_test_prints_the_test_slip(capsys, host):
    code, out = probe(capsys, "--url", host.path, "--print-test", "--timeout", "5")
    assert code == 0 and out["printed"] is True
    doc = host.device.last_document
    assert doc.find_line("T001").width == 4 and doc.qr_payloads == ["https://example.cn/printer-test"]
    assert "中文、标点——，。；￥￥ 与 ASCII 0123456789" in doc.text_lines


def test_probe_out_of_paper_says_so_and_fails(capsys, host):
    host.device.set_paper("out")
    code, out = probe(capsys, "--url", host.path, "--print-test", "--timeout", "5")
    assert code == 1 and out["ok"] is False and out["printed"] is False
    assert out["error"]["code"] == "paper_out"
    assert out["status"]["paper"] == "out" and out["status"]["message"] == "打印机缺纸，请联系工作人员"


def test_probe_emulated_url_runs_in_process(capsys):
    code, out = probe(capsys, "--url", "emu://printer?scenario=near_end", "--timeout", "5")
    assert code == 0 and out["status"]["state"] == "warning" and out["status"]["paper"] == "near_end"


def test_probe_missing_port_is_unavailable_not_a_traceback(capsys, tmp_path):
    code, out = probe(capsys, "--url", str(tmp_path / "ttyNOPE"), "--timeout", "0.5")
    assert code == 1 and out["error"]["code"] == "device_unavailable"
    assert out["status"]["state"] == "unavailable" and "无法打开" in out["error"]["message"]


def test_probe_usb_without_the_device_is_a_clear_error(capsys):
    code, out = probe(capsys, "--url", "usb://0416:5011?in_ep=0x81&out_ep=0x03", "--timeout", "0.5")
    assert code == 1 and out["error"]["code"] == "device_unavailable"
    assert "USB" in out["error"]["message"]


def test_make_emulator_scenarios():
    assert make_emulator(scenario="cover_open").state.cover_open
    assert make_emulator().state.can_print
    with pytest.raises(ValueError):
        make_emulator(scenario="on_fire")
    with pytest.raises(ValueError):
        make_emulator(vendor="acme")


def test_emulate_command_serves_a_printer_until_sigterm(capsys):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "drivers", "emulate", "printer", "--scenario", "near_end"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        path = proc.stdout.readline().strip()
        code, out = probe(capsys, "--url", path, "--timeout", "5")
        assert code == 0 and out["status"]["paper"] == "near_end"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
