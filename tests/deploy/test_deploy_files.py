"""The shipped systemd units, udev rules and logrotate file stay consistent with the code."""
from __future__ import annotations

import configparser
import importlib.util
import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UNITS = sorted((ROOT / "config" / "systemd").glob("*.service"))


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser


def test_every_unit_starts_a_module_of_this_project():
    assert len(UNITS) >= 5
    for path in UNITS:
        exec_start = unit(path)["Service"]["ExecStart"]
        words = shlex.split(exec_start)
        module = words[words.index("-m") + 1]
        assert module.split(".")[0] in {"hall_server", "kiosk"}, path.name
        assert importlib.util.find_spec(module.split(".")[0]) is not None


def test_server_unit_serves_the_configured_hall_and_restarts():
    service = unit(ROOT / "config" / "systemd" / "hallterm-server.service")["Service"]
    assert "serve --config /etc/hallterm/hall.toml" in service["ExecStart"]
    assert service["Restart"] == "on-failure" and "/var/lib/hallterm" in service["ReadWritePaths"]


def test_backup_timer_runs_nightly_with_retention():
    timer = unit(ROOT / "config" / "systemd" / "hallterm-backup.timer")["Timer"]
    assert re.fullmatch(r"\*-\*-\* \d\d:\d\d:\d\d", timer["OnCalendar"]) and timer["Persistent"] == "true"
    service = unit(ROOT / "config" / "systemd" / "hallterm-backup.service")["Service"]
    assert "backup --dir" in service["ExecStart"] and "--keep-days" in service["ExecStart"]


def test_logrotate_keeps_at_least_185_days():
    text = (ROOT / "config" / "logrotate" / "hallterm").read_text(encoding="utf-8")
    assert "daily" in text and int(re.search(r"rotate (\d+)", text).group(1)) >= 185


def test_udev_rules_are_well_formed():
    rules = [line for line in (ROOT / "config" / "udev" / "99-hallterm.rules").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert len(rules) >= 5
    for rule in rules:
        for clause in rule.split(", "):
            assert re.fullmatch(r'[A-Z]+(\{\w+\})?(==|\+=|=)"[^"]*"', clause), clause
    names = " ".join(rules)
    for device in ("hallterm-idcard", "hallterm-evalpad", "hallterm-led", "input/hallterm-scanner"):
        assert device in names
