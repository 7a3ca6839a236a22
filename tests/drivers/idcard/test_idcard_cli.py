"""``python -m drivers probe|emulate idcard``: one JSON object, masked fields only."""
import argparse
import json
import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from drivers.__main__ import main
from drivers.errors import DeviceUnavailable
from drivers.idcard.card import CardKind
from drivers.idcard.cli import make_emulator, probe, probe_result
from drivers.idcard.emulator import SAMPLE_CARDS

REPO = Path(__file__).resolve().parents[3]
KINDS = {"resident": CardKind.RESIDENT, "hmt": CardKind.HMT, "foreigner2017": CardKind.FOREIGNER_2017,
         "foreigner2023": CardKind.FOREIGNER_2023}


def run_probe(capsys, url: str, timeout: float = 2.0) -> tuple[int, dict, str]:
    """The whole command line: argument parsing, JSON on stdout, exit code."""
    code = main(["probe", "idcard", "--url", url, "--timeout", str(timeout)])
    out = capsys.readouterr().out
    return code, json.loads(out), out


def probe_args(url: str, timeout: float = 2.0) -> argparse.Namespace:
    return argparse.Namespace(url=url, timeout=timeout, vendor=None, baudrate=115200, fingerprint=False)


@pytest.mark.parametrize("scenario", list(KINDS))
def test_probe_reads_one_card_and_returns_only_masked_fields(scenario):
    card = SAMPLE_CARDS[KINDS[scenario]]
    result = probe(probe_args(f"emu://idcard?scenario={scenario}"))
    out = json.dumps(result, ensure_ascii=False)
    assert result["ok"] is True
    assert result["card"] == card.masked().as_dict()
    assert result["sam_id"] == "05.01-20230101-0000012345-0123456789"
    assert result["photo_bytes"] == 1024
    assert card.id_number not in out and card.display_name() not in out
    assert card.address not in out or not card.address


@pytest.mark.parametrize("scenario, code", [("no_card", "idcard_no_card"), ("bad_sam", "idcard_sam_self_test_failed")])
def test_probe_failures_are_typed_json_errors_with_exit_code_1(capsys, scenario, code):
    exit_code, result, _ = run_probe(capsys, f"emu://idcard?scenario={scenario}", timeout=0.3)
    assert exit_code == 1 and result["ok"] is False
    assert result["error"]["code"] == code and result["error"]["message"] != result["error"]["message_en"]


def test_probe_of_a_missing_port_says_unavailable(capsys, tmp_path):
    code, result, _ = run_probe(capsys, str(tmp_path / "no-such-tty"), timeout=0.5)
    assert code == 1 and result["error"]["code"] == "device_unavailable"


def test_probe_result_reports_validity_on_the_given_day():
    card = SAMPLE_CARDS[CardKind.RESIDENT]
    assert probe_result(card, None, "ok", date(2040, 1, 1))["validity"] == {
        "valid_today": False, "expired": True, "long_term": False}
    assert probe_result(card, None, "ok", date(2020, 1, 1))["validity"]["valid_today"] is True


def test_make_emulator_accepts_known_scenarios_and_refuses_others():
    assert make_emulator(scenario="hmt", card_delay=0).card_delay == 0
    assert make_emulator().scenario == "resident" and make_emulator().card_delay == 0.3
    with pytest.raises(DeviceUnavailable):
        make_emulator(scenario="nope")
    with pytest.raises(DeviceUnavailable):
        make_emulator(vendor="acme")


def test_emulate_command_serves_a_pty_that_probe_reads():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "drivers", "emulate", "idcard", "--scenario", "hmt",
                             "--card-delay", "0"], stdout=subprocess.PIPE, text=True, env=env, cwd=REPO)
    try:
        path = proc.stdout.readline().strip()
        result = probe(probe_args(path))
        assert result["card"]["kind"] == "hmt"
        assert result["card"]["id_number"] == SAMPLE_CARDS[CardKind.HMT].masked().id_number
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
