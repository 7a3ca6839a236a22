"""``python -m drivers probe|emulate <kind>`` — the installer's tool (API.md).

Each kind's ``drivers/<kind>/cli.py`` provides:

* ``add_probe_arguments(parser)`` and ``probe(args) -> dict`` (one JSON object out);
* ``add_emulate_arguments(parser)`` (optional) and
  ``make_emulator(vendor=None, scenario=None, **options) -> emulator``.
"""
from __future__ import annotations

import argparse
import importlib
import json
import signal
import sys
import threading

KINDS = ("idcard", "printer", "scanner", "evalpad", "led")


def _cli(kind: str):
    return importlib.import_module(f"drivers.{kind}.cli")


def build_parser(selected: str | None = None) -> argparse.ArgumentParser:
    """The parser; only the ``selected`` kind's module is imported (each pulls in
    its own libraries, and importing all of them made the probe slow to start)."""
    parser = argparse.ArgumentParser(prog="python -m drivers", description="hallterm 设备检测与模拟 / device probe and emulators")
    sub = parser.add_subparsers(dest="command", required=True)
    probe = sub.add_parser("probe", help="与一台设备通信并输出 JSON / talk to one device, print JSON")
    probe_kinds = probe.add_subparsers(dest="kind", required=True)
    emulate = sub.add_parser("emulate", help="在新的伪终端上启动模拟器 / start an emulator on a new pseudo-terminal")
    emulate_kinds = emulate.add_subparsers(dest="kind", required=True)
    for kind in KINDS:
        p = probe_kinds.add_parser(kind)
        p.add_argument("--url", required=True, help="serial path, socket://host:port, usb://VID:PID or emu://<kind>")
        p.add_argument("--vendor", default=None)
        p.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for the device")
        e = emulate_kinds.add_parser(kind)
        e.add_argument("--vendor", default=None)
        e.add_argument("--scenario", default=None)
        e.add_argument("--baudrate", type=int, default=None, help="pace output like a real line at this speed")
        if kind == selected:
            cli = _cli(kind)
            cli.add_probe_arguments(p)
            if hasattr(cli, "add_emulate_arguments"):
                cli.add_emulate_arguments(e)
    return parser


def _selected_kind(argv: list[str]) -> str | None:
    return next((a for a in argv if a in KINDS), None)


def main(argv: list[str] | None = None) -> int:
    from drivers.errors import DeviceError

    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(_selected_kind(argv)).parse_args(argv)
    cli = _cli(args.kind)
    if args.command == "probe":
        try:
            result = cli.probe(args)
            code = 0 if result.get("ok", True) else 1
        except DeviceError as exc:
            result, code = {"ok": False, "error": exc.as_dict()}, 1
        print(json.dumps(result, ensure_ascii=False))
        return code
    from drivers.emulation import PtyHost

    extra = {k: v for k, v in vars(args).items() if k not in ("command", "kind", "vendor", "scenario", "baudrate")}
    device = cli.make_emulator(vendor=args.vendor, scenario=args.scenario, **extra)
    host = PtyHost(device, baudrate=args.baudrate).start()
    print(host.path, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    host.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
