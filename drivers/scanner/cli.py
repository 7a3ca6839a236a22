"""``python -m drivers probe|emulate scanner`` — check a scanner on site (docs/devices/scanner.md).

``probe scanner --url URL [--suffix CR] [--timeout 10]`` waits for one scanned code and
prints ``{"ok": true, "code": ..., "mode": ...}``. URLs:

* a serial port, pseudo-terminal or ``emu://scanner[?scenario=gb18030]`` — serial mode;
* ``camera://0`` or ``camera:///dev/video0`` — camera mode (``--decoder``);
* ``evdev:///dev/input/by-id/...-event-kbd`` — the scanner's own input device (Linux).
"""
from __future__ import annotations

import threading
import time

from drivers.errors import DeviceTimeout, DeviceUnavailable
from drivers.scanner.emulator import DEMO_CODES, ScannerEmulator, scenario_emulator
from drivers.scanner.protocol import SUFFIXES


def add_probe_arguments(parser) -> None:
    parser.add_argument("--suffix", default="CR", choices=list(SUFFIXES), type=str.upper,
                        help="serial/evdev: the scanner's suffix (NONE = split on idle gap)")
    parser.add_argument("--decoder", default="auto", choices=["auto", "zxing", "pyzbar"],
                        help="camera: QR decoder")


def add_emulate_arguments(parser) -> None:
    parser.add_argument("--suffix", default="CR", choices=list(SUFFIXES), type=str.upper)
    parser.add_argument("--code", action="append", dest="codes", default=None,
                        help="code to emit periodically (repeatable); default: demo codes")
    parser.add_argument("--every", type=float, default=3.0, dest="every_s",
                        help="seconds between emitted codes (0 = only on demand)")


def make_emulator(vendor: str | None = None, scenario: str | None = None, **options) -> ScannerEmulator:
    """A serial scanner emulator; ``vendor`` is ignored (CDC scanners all look alike).

    Unless told otherwise (``every_s=0``) it scans a demo code every 3 s, so that
    ``probe scanner --url emu://scanner`` and the demo see codes without a person.
    """
    options.setdefault("codes", DEMO_CODES)
    options["codes"] = tuple(options["codes"] or DEMO_CODES)
    options.setdefault("every_s", 3.0)
    return scenario_emulator(scenario, **options)


def probe(args) -> dict:
    """Wait up to ``args.timeout`` seconds for one code; raise DeviceError on failure."""
    url, timeout = args.url, float(getattr(args, "timeout", 10.0))
    scanner, mode = _open_scanner(url, args)
    got: list[str] = []
    done = threading.Event()

    def on_code(code: str) -> None:
        got.append(code)
        done.set()

    scanner.on_code = on_code
    started = time.monotonic()
    scanner.start()
    try:
        _wait_connected(scanner, min(timeout, 5.0))
        if not done.wait(max(0.0, timeout - (time.monotonic() - started))):
            raise DeviceTimeout(f"{timeout:g} 秒内没有扫到码", f"no code scanned within {timeout:g} s")
    finally:
        scanner.stop()
    return {"ok": True, "code": got[0], "mode": mode,
            "elapsed_ms": round((time.monotonic() - started) * 1000)}


def _wait_connected(scanner, timeout: float) -> None:
    """Return once connected; raise at the first failed attempt instead of retrying on."""
    first = scanner.status
    deadline = time.monotonic() + timeout
    while not scanner.wait_connected(0.05):
        status = scanner.status
        if status != first or time.monotonic() >= deadline:
            raise DeviceUnavailable(status.message or "扫码器不可用", status.message_en or "scanner unavailable")


def _open_scanner(url: str, args):
    suffix = getattr(args, "suffix", "CR") or "CR"
    if url.startswith("camera://"):
        from drivers.scanner.camera import CameraScanner, camera_source

        return CameraScanner(camera_source(url), decoder=getattr(args, "decoder", "auto")), "camera"
    if url.startswith("evdev://"):
        from drivers.scanner.evdev_reader import EvdevScanner

        return EvdevScanner(url[len("evdev://"):], suffix=suffix), "evdev"
    from drivers.scanner.driver import SerialScanner

    return SerialScanner(url, suffix=suffix), "serial"
