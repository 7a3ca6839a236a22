"""The terminals' systemd units start the programs with flags the programs accept.

tests/deploy/ checks the units' shape; this checks them against the real argument
parsers of kiosk/app.py and kiosk/counter/app.py, so renaming a flag breaks here
before it breaks a hall.
"""
from __future__ import annotations

import configparser
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def exec_words(unit: str) -> list[str]:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string((ROOT / "config" / "systemd" / unit).read_text(encoding="utf-8"))
    return shlex.split(parser["Service"]["ExecStart"])


def program_arguments(words: list[str], module: str) -> list[str]:
    """What follows ``-m <module>`` (the unit may start it inside cage first)."""
    index = words.index("-m")
    assert words[index + 1] == module
    return words[index + 2:]


def test_kiosk_unit_runs_the_locked_kiosk_on_the_etc_config():
    from kiosk.app import build_parser
    words = exec_words("hallterm-kiosk.service")
    args = build_parser().parse_args(program_arguments(words, "kiosk"))
    assert (args.command, args.config) == ("run", "/etc/hallterm/kiosk.toml")
    assert not (args.demo or args.windowed or args.rehearsal or args.self_test)
    assert words[0].endswith("/cage") and "--" in words       # full screen, no desktop to escape to


def test_counter_unit_runs_the_console_on_the_etc_config():
    from kiosk.counter.app import parse_args
    args = parse_args(program_arguments(exec_words("hallterm-counter.service"), "kiosk.counter"))
    assert args.config == Path("/etc/hallterm/counter.toml")
    assert not (args.demo or args.windowed)


def test_frozen_unit_lines_in_the_guide_use_flags_the_programs_accept():
    """docs/installation.md §2.3 gives the ExecStart drop-ins of a frozen install; their flags must exist too."""
    from kiosk.app import build_parser
    from kiosk.counter.app import parse_args
    text = (ROOT / "docs" / "installation.md").read_text(encoding="utf-8")
    lines = [line.strip().split("=", 1)[1] for line in text.splitlines() if line.strip().startswith("ExecStart=/")]
    kiosk = [shlex.split(line) for line in lines if "hallterm-kiosk/hallterm-kiosk" in line]
    counter = [shlex.split(line) for line in lines if "hallterm-counter/hallterm-counter" in line]
    assert kiosk and counter
    for words in kiosk:
        program = next(i for i, w in enumerate(words) if w.endswith("hallterm-kiosk/hallterm-kiosk"))
        assert build_parser().parse_args(words[program + 1:]).config == "/etc/hallterm/kiosk.toml"
    for words in counter:
        assert parse_args(words[1:]).config == Path("/etc/hallterm/counter.toml")
