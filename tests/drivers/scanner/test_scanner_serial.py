"""SerialScanner against the scanner emulator through a real pyserial port on a pty (devices.md §5)."""
import argparse
import json
import queue
import subprocess
import sys
import time

import pytest

from drivers.emulation import PtyHost
from drivers.errors import DeviceTimeout, DeviceUnavailable
from drivers.scanner import cli
from drivers.scanner.driver import SerialScanner
from drivers.scanner.emulator import ScannerEmulator, scenario_emulator
from drivers.scanner.protocol import ScannerSettingError

ZH = "码上办:370100-001 社保参保"


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


@pytest.fixture
def rig(request):
    """(emulator, scanner, codes queue, statuses) wired through a pty; torn down in order."""
    made = []

    def build(emulator=None, **scanner_options):
        emulator = emulator or ScannerEmulator()
        host = PtyHost(emulator).start()
        codes, statuses = queue.Queue(), []
        scanner = SerialScanner(host.path, codes.put, on_status=statuses.append, **scanner_options).start()
        made.append((scanner, host))
        assert scanner.wait_connected(3)
        return emulator, scanner, codes, statuses, host

    yield build
    for scanner, host in made:  # clients before the emulator (§5.2 pitfall 4)
        scanner.stop()
        host.stop()


def drain(codes, wait=0.3):
    out = []
    try:
        while True:
            out.append(codes.get(timeout=wait))
    except queue.Empty:
        return out


def test_utf8_chinese_code_arrives_whole(rig):
    emulator, scanner, codes, statuses, _ = rig()
    emulator.scan(ZH)
    assert codes.get(timeout=3) == ZH
    assert statuses[-1].state == "ok" and statuses[-1].kind == "scanner"


def test_gb18030_scanner_falls_back(rig):
    emulator, _, codes, _, _ = rig(scenario_emulator("gb18030"))
    sent = emulator.scan(ZH)
    assert sent == ZH.encode("gb18030") + b"\r"
    assert codes.get(timeout=3) == ZH
    emulator.scan("预约 YY-0001")  # GBK bytes that also pass as UTF-8 (Armenian)
    assert codes.get(timeout=3) == "预约 YY-0001"


@pytest.mark.parametrize("suffix", ["LF", "CRLF", "TAB"])
def test_suffix_variants(rig, suffix):
    emulator, _, codes, _, _ = rig(ScannerEmulator(suffix=suffix), suffix=suffix)
    emulator.scan("A001")
    emulator.scan(ZH)
    assert [codes.get(timeout=3), codes.get(timeout=3)] == ["A001", ZH]


def test_no_suffix_scanner_split_on_idle_gap(rig):
    emulator, _, codes, _, host = rig(ScannerEmulator(suffix="NONE"), suffix="NONE", idle_gap_ms=60)
    emulator.scan("FIRST-1")
    assert codes.get(timeout=3) == "FIRST-1"
    host.inject("SECOND-2".encode(), delay=0.3)
    assert codes.get(timeout=3) == "SECOND-2"


def test_same_code_is_debounced_and_returns_after_the_window(rig):
    clock = FakeClock()
    emulator, _, codes, _, _ = rig(debounce_ms=1500, clock=clock)
    emulator.scan("YY-0007")
    assert codes.get(timeout=3) == "YY-0007"
    clock.now += 0.5
    emulator.scan("YY-0007")
    emulator.scan("YY-0008")
    assert codes.get(timeout=3) == "YY-0008"  # the repeat before it was dropped
    clock.now += 2.0
    emulator.scan("YY-0007")
    assert codes.get(timeout=3) == "YY-0007"
    assert drain(codes) == []


def test_garbage_between_codes_is_dropped(rig):
    emulator, scanner, codes, _, _ = rig(scenario_emulator("garbage"))
    emulator.scan("A001")
    emulator.scan_bytes(b"\x00\xff\xfe\x1b\r")  # noise with a suffix: no code
    emulator.scan(ZH)
    assert drain(codes, 0.5) == ["A001", ZH]
    assert scanner.assembler.garbage >= 1


def wait_for(predicate, timeout=3.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def test_unplug_reports_unavailable_and_replug_recovers(rig):
    emulator, scanner, codes, statuses, host = rig(backoff=(0.05, 0.2))
    host.unplug()
    assert wait_for(lambda: scanner.status.state == "unavailable")
    assert statuses[-1].state == "unavailable" and statuses[-1].message and statuses[-1].message_en
    host.replug()
    assert wait_for(lambda: scanner.status.state == "ok")
    emulator.scan("AFTER-1")
    assert codes.get(timeout=3) == "AFTER-1"


def test_bad_suffix_fails_at_construction():
    with pytest.raises(ScannerSettingError):
        SerialScanner("/dev/null", suffix="ETX")


# -- probe ------------------------------------------------------------------
def probe_args(url, timeout=5.0, suffix="CR"):
    return argparse.Namespace(url=url, timeout=timeout, suffix=suffix, decoder="auto", vendor=None)


def test_probe_reads_one_code_from_a_port():
    emulator = ScannerEmulator(codes=(ZH,), every_s=0.2)
    with PtyHost(emulator) as host:
        result = cli.probe(probe_args(host.path))
    assert result["ok"] is True and result["code"] == ZH and result["mode"] == "serial"


def test_probe_times_out_with_typed_error():
    with PtyHost(ScannerEmulator()) as host:
        with pytest.raises(DeviceTimeout) as err:
            cli.probe(probe_args(host.path, timeout=0.4))
    assert "没有扫到码" in err.value.message


def test_probe_missing_port_is_unavailable(tmp_path):
    with pytest.raises(DeviceUnavailable):
        cli.probe(probe_args(str(tmp_path / "no-such-tty"), timeout=1.0))


def test_probe_command_line_against_gb18030_emulator():
    out = subprocess.run([sys.executable, "-m", "drivers", "probe", "scanner", "--url",
                          "emu://scanner?scenario=gb18030", "--timeout", "5"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["ok"] is True and result["code"] == ZH


def test_make_emulator_rejects_unknown_scenario():
    with pytest.raises(ScannerSettingError):
        cli.make_emulator(scenario="morse")
    assert cli.make_emulator(scenario="gb18030").encoding == "gb18030"
