"""Scanner byte streams from tests/captures/scanner_cdc_streams.hex, pure and through a pty."""
import json
import queue
from pathlib import Path

import pytest

from drivers.emulation import PtyHost
from drivers.scanner.driver import SerialScanner
from drivers.scanner.emulator import ScannerEmulator
from drivers.scanner.protocol import CodeAssembler

CAPTURES = Path(__file__).resolve().parents[2] / "captures"


def streams():
    out = []
    for line in (CAPTURES / "scanner_cdc_streams.hex").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        head, expected = line.split("|", 1)
        name, suffix, *hex_bytes = head.split()
        out.append(pytest.param(suffix, bytes.fromhex("".join(hex_bytes)), json.loads(expected), id=name))
    return out


@pytest.mark.parametrize("suffix, raw, expected", streams())
def test_capture_assembles_in_one_read(suffix, raw, expected):
    assert CodeAssembler(suffix).feed(raw, 0) == expected


@pytest.mark.parametrize("suffix, raw, expected", streams())
def test_capture_assembles_byte_by_byte(suffix, raw, expected):
    asm = CodeAssembler(suffix)
    codes = []
    for i in range(len(raw)):
        codes += asm.feed(raw[i:i + 1], i)
    assert codes == expected


@pytest.mark.parametrize("suffix, raw, expected", streams()[:3])
def test_capture_through_a_real_port(suffix, raw, expected):
    emulator = ScannerEmulator(suffix=suffix)
    host = PtyHost(emulator).start()
    codes = queue.Queue()
    scanner = SerialScanner(host.path, codes.put, suffix=suffix).start()
    try:
        assert scanner.wait_connected(3)
        emulator.scan_bytes(raw)
        assert [codes.get(timeout=3) for _ in expected] == expected
    finally:
        scanner.stop()
        host.stop()
