"""Kiosk soak: 10,000 取号 flows through the real window against the real hall server, with
the production printer, ID card reader and serial scanner drivers on ptys, the printer and
the reader unplugged and plugged back every 1,000 flows.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_kiosk_soak.py [--flows 10000] [--warmup 500]

Flows: 取号 with the card on the reader every 50th flow (the rest skip real name), every slip
printed on the emulated printer; every 100th flow the slip's QR code is scanned back at home
(进度查询). The printer's ``settle_time`` (the wait for a slip to feed before the confirming
status query, 0.5 s on hardware) is set to 0: the bench measures the software, not paper.

Census after the warm-up and after the soak: resident set size; Python threads by name and
the process's OS threads (Qt's included); open file descriptors by kind (socket, pty,
pipe, eventfd …). Wanted: RSS growth under 5 %, the same threads, the same descriptors —
device workers, the effect pool and the HTTP session's pooled sockets included. Then
``kiosk.stop()`` and closing the HTTP session must bring threads and descriptors back to
what they were before the kiosk was built. The hall server runs in its own process (not
counted); the device emulators run in this one (their recorders are emptied as they go).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_issue import start_hall  # noqa: E402  (after the path set-up)

CARD_EVERY, SCAN_EVERY, CYCLE_EVERY = 50, 100, 1000


def census() -> dict:
    """RSS, threads and open descriptors of this process, after a full collection."""
    gc.collect()
    threads = Counter(re.sub(r"_\d+$", "_n", t.name) for t in threading.enumerate())
    fds = Counter()
    for fd in os.listdir("/proc/self/fd"):
        try:
            fds[_fd_kind(os.readlink(f"/proc/self/fd/{fd}"))] += 1
        except OSError:
            continue                     # the directory listing's own descriptor, already closed
    return {"rss_kib": _rss_kib(), "threads": dict(sorted(threads.items())),
            "os_threads": dict(sorted(_os_threads().items())), "fds": dict(sorted(fds.items()))}


def _os_threads() -> Counter:
    """The process's threads by their kernel name (Qt's own threads appear only here)."""
    names = Counter()
    for task in os.listdir("/proc/self/task"):
        try:
            names[re.sub(r"\d+$", "#", Path(f"/proc/self/task/{task}/comm").read_text().strip())] += 1
        except OSError:
            continue
    return names


def _fd_kind(target: str) -> str:
    if target.startswith(("socket:", "pipe:")):
        return target.split(":")[0]
    if target.startswith("anon_inode:"):
        return target.strip("[]").replace("anon_inode:[", "anon:").replace("anon_inode:", "anon:")
    if target.startswith("/dev/pts/") or target == "/dev/ptmx":
        return "pty"
    return "file"


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Rig:
    """The server, the emulated devices on ptys and the kiosk built on them."""

    def __init__(self, tmp: Path):
        from drivers.emulation import PtyHost
        from drivers.idcard.emulator import IdCardEmulator
        from drivers.printer.emulator import PrinterEmulator
        from drivers.scanner.emulator import ScannerEmulator
        self.server, self.base_url, self.token = start_hall(tmp)
        self.printer = PtyHost(PrinterEmulator("ok")).start()
        self.reader = PtyHost(IdCardEmulator("no_card", card_delay=0.05)).start()
        self.scanner = PtyHost(ScannerEmulator()).start()
        self.tmp = tmp

    def build(self, app):
        from kiosk.app import build_kiosk
        from kiosk.config import (DevicesSection, IdCardSection, KioskConfig, KioskInfo, PrinterSection,
                                  ScannerSection, ServerSection, VoiceSection)
        from kiosk.hall_client import HallClient
        from kiosk.voice import RecordingSink
        config = KioskConfig(
            kiosk=KioskInfo(locked=False, device_id="kiosk-soak"), server=ServerSection(base_url=self.base_url),
            devices=DevicesSection(printer=PrinterSection(url=self.printer.path, poll_s=3.0),
                                   idcard=IdCardSection(url=self.reader.path),
                                   scanner=ScannerSection(mode="serial", url=self.scanner.path)),
            voice=VoiceSection(cache_dir=str(self.tmp / "voice")))
        self.client = HallClient(self.base_url, self.token)
        kiosk = build_kiosk(config, self.token, app=app, client=self.client, voice_sink=RecordingSink())
        kiosk.devices.printer.settle_time = 0.0
        kiosk.window.resize(1080, 1920)
        kiosk.window.show()
        return kiosk

    def forget(self) -> None:
        """Empty the emulators' recorders (they live in this process, the kiosk must not be blamed)."""
        for host in (self.printer, self.reader, self.scanner):
            host.received.clear()
        self.printer.device.documents.clear()
        self.printer.device.interrupted.clear()
        self.reader.device.commands.clear()
        self.scanner.device.sent.clear()

    def stop(self) -> None:
        for host in (self.printer, self.reader, self.scanner):
            host.stop()
        self.server.terminate()
        self.server.wait(20)


class Soak:
    def __init__(self, app, rig: Rig, kiosk):
        self.app, self.rig, self.kiosk, self.runtime = app, rig, kiosk, kiosk.runtime
        self.service = None              # once the hall is loaded
        self.flows = self.reads = self.scans = self.cycles = 0

    def until(self, predicate, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError(f"flow {self.flows}: condition not met ({type(self.runtime.session.screen).__name__})")
            self.app.processEvents()
            time.sleep(0.0005)

    def one_flow(self) -> None:
        from drivers.idcard.card import CardKind
        from drivers.idcard.emulator import SAMPLE_CARDS
        from kiosk.core.intents import Choose, Done, Open, Skip
        from kiosk.core.screens import Confirmation
        from kiosk.core.take_number import RealName
        self.flows += 1
        session = self.runtime.session
        self.runtime.dispatch(Open("take_number"))
        self.runtime.dispatch(Choose(self.service.category))
        self.runtime.dispatch(Choose(self.service.code))
        if isinstance(session.screen, RealName):
            if self.flows % CARD_EVERY == 0:
                self.rig.reader.device.place_card(SAMPLE_CARDS[CardKind.RESIDENT])
                self.reads += 1
            else:
                self.runtime.dispatch(Skip())
        self.until(lambda: isinstance(session.screen, Confirmation))
        number = session.screen.view.number
        self.runtime.dispatch(Done())
        if self.flows % SCAN_EVERY == 0:
            self.scan_back(number)
        if self.flows % CYCLE_EVERY == 0:
            self.cycle_devices()
        if self.flows % 200 == 0:
            self.rig.forget()

    def scan_back(self, number: str) -> None:
        from kiosk.core.intents import Home
        from kiosk.core.progress import ProgressView
        slip = next(d for d in reversed(self.rig.printer.device.documents) if d.find_line(number) is not None)
        self.rig.scanner.device.scan(slip.qr_payloads[0])
        self.until(lambda: isinstance(self.runtime.session.screen, ProgressView))
        self.runtime.dispatch(Home())
        self.scans += 1

    def cycle_devices(self) -> None:
        """Pull the printer's and the reader's cables, then plug them back and wait for both."""
        devices = self.kiosk.devices
        for host in (self.rig.printer, self.rig.reader):
            host.unplug()
        self.until(lambda: not self.runtime.session.printer.ready and not devices.reader_ready)
        for host in (self.rig.printer, self.rig.reader):
            host.replug()
        self.until(lambda: self.runtime.session.printer.ready and devices.reader_ready, timeout=60)
        self.cycles += 1


def difference(before: dict, after: dict) -> dict:
    keys = set(before) | set(after)
    return {k: after.get(k, 0) - before.get(k, 0) for k in sorted(keys) if after.get(k, 0) != before.get(k, 0)}


def settle(app, seconds: float = 3.0) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def run(flows: int, warmup: int) -> dict:
    """The whole soak; the census before the kiosk, after the warm-up, after the soak, after stop."""
    from kiosk.app import make_app
    app = make_app()
    rig = Rig(Path(tempfile.mkdtemp(prefix="bench-soak-")))
    try:
        import numpy  # noqa: F401  (the QR widget loads it on the first slip; its OpenBLAS pool is one thread for good)
        settle(app, 0.5)
        unbuilt = census()
        kiosk = rig.build(app)
        soak = Soak(app, rig, kiosk)
        soak.until(lambda: kiosk.runtime.hall and kiosk.runtime.session.printer.ready and kiosk.devices.reader_ready)
        soak.service = kiosk.runtime.session.directory.services[0]
        base, end, elapsed = _soak(app, rig, soak, flows, warmup)
        _stop(app, rig, kiosk)
        stopped = _census_when(app, lambda now: now["os_threads"] == unbuilt["os_threads"], 40.0)
    finally:
        rig.stop()
    return _report(soak, flows, warmup, elapsed, unbuilt, base, end, stopped)


def _soak(app, rig: Rig, soak: Soak, flows: int, warmup: int) -> tuple[dict, dict, float]:
    for _ in range(warmup):
        soak.one_flow()
    rig.forget()
    settle(app)
    base = census()
    started = time.perf_counter()
    for _ in range(flows):
        soak.one_flow()
    elapsed = time.perf_counter() - started
    rig.forget()
    settle(app)
    return base, census(), elapsed


def _stop(app, rig: Rig, kiosk) -> None:
    from PySide6.QtCore import QThreadPool
    kiosk.stop()
    rig.client._session.close()
    kiosk.window.allow_close()
    kiosk.window.close()
    kiosk.window.deleteLater()
    settle(app, 5.0)
    QThreadPool.globalInstance().waitForDone(5000)


def _census_when(app, predicate, timeout: float) -> dict:
    """The census once ``predicate(census)`` holds, or after ``timeout``: Qt's pooled threads
    outside its global pool end only after 30 s idle."""
    deadline = time.monotonic() + timeout
    while True:
        now = census()
        if predicate(now) or time.monotonic() > deadline:
            return now
        settle(app, 1.0)


def _report(soak: Soak, flows: int, warmup: int, elapsed: float, unbuilt: dict, base: dict, end: dict,
            stopped: dict) -> dict:
    return {
        "flows": flows, "warmup": warmup, "card_reads": soak.reads, "scans_back": soak.scans,
        "unplug_cycles": soak.cycles, "flows_per_s": round(flows / elapsed, 1),
        "rss_after_warmup_mib": round(base["rss_kib"] / 1024, 1), "rss_after_soak_mib": round(end["rss_kib"] / 1024, 1),
        "rss_growth_pct": round(100 * (end["rss_kib"] - base["rss_kib"]) / base["rss_kib"], 2),
        "threads_after_warmup": base["threads"], "os_threads_after_warmup": base["os_threads"],
        "threads_change": difference(base["threads"], end["threads"]),
        "os_threads_change": difference(base["os_threads"], end["os_threads"]),
        "fds_after_warmup": base["fds"], "fds_change": difference(base["fds"], end["fds"]),
        "after_stop_vs_before_build": {key: difference(unbuilt[key], stopped[key])
                                       for key in ("threads", "os_threads", "fds")},
        "targets": {"rss_growth_pct": 5, "threads_change": {}, "os_threads_change": {}, "fds_change": {}},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_kiosk_soak")
    parser.add_argument("--flows", type=int, default=10_000)
    parser.add_argument("--warmup", type=int, default=500)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.flows, args.warmup), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
