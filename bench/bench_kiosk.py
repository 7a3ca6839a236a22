"""Kiosk timing and memory, each beside a baseline measured in the same run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_kiosk.py [--taps 20] [--flows 10000]

1. Cold start to the home screen: a subprocess building the kiosk on the rehearsal hall
   until its home view is current with the catalogue loaded, against a bare QApplication + QWidget shown
   and quit. Target: under 2 s.
2. Tap to print: the real hall server process, the production printer driver on a pty
   with the printer emulator; from the resident's confirming tap (the intent handed to
   the runtime) to the first byte of the job (ESC @) at the emulator. Baseline: one
   ``POST /api/v1/tickets`` round trip from the same client. Target: under 300 ms.
3. Memory: resident set size after 10,000 simulated 取号 flows through the real window
   (rehearsal hall, recording printer), against the size after a 500-flow warm-up.
   Target: growth under 5 %.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The kiosk on the rehearsal hall: "HOME" once the home view is current with the catalogue loaded.
KIOSK_START = ("from kiosk.app import build_kiosk, make_app; from kiosk.self_test import rehearsal; "
               "from kiosk.core.screens import HomeScreen; from PySide6.QtCore import QTimer; "
               "app = make_app(); config, token, client = rehearsal(); "
               "k = build_kiosk(config, token, app=app, client=client); k.window.resize(1080, 1920); k.window.show(); "
               "home = k.window.views[HomeScreen]; t = QTimer(); t.setInterval(5); "
               "t.timeout.connect(lambda: (k.runtime.hall and k.window.stack.currentWidget() is home "
               "and not k.window.connecting.isVisible()) and (print('HOME', flush=True), app.quit())); "
               "t.start(); app.exec()")
BARE_QT = ("from PySide6.QtWidgets import QApplication, QWidget; from PySide6.QtCore import QTimer; "
           "app = QApplication([]); w = QWidget(); w.resize(1080, 1920); w.show(); "
           "QTimer.singleShot(0, app.quit); app.exec(); print('READY')")


def timed_start(args: list[str], marker: str) -> float:
    # Byte-code caches as on an installed kiosk (this workplace sets PYTHONDONTWRITEBYTECODE).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, env={**env, "QT_QPA_PLATFORM": "offscreen"})
    for line in proc.stdout:
        if line.startswith(marker):
            elapsed = time.perf_counter() - started
            proc.wait(20)
            return elapsed
    raise RuntimeError(f"{marker} never printed (exit {proc.wait()})")


def bench_start(runs: int = 3) -> dict:
    timed_start(["-c", KIOSK_START], "HOME")    # writes the byte-code caches
    kiosk = [timed_start(["-c", KIOSK_START], "HOME") for _ in range(runs)]
    bare = [timed_start(["-c", BARE_QT], "READY") for _ in range(runs)]
    return {"kiosk_start_s": round(statistics.median(kiosk), 3), "bare_qt_start_s": round(statistics.median(bare), 3),
            "ratio": round(statistics.median(kiosk) / statistics.median(bare), 2), "target_s": 2.0}


class JobClock:
    """Wraps the printer emulator: the time the first job byte (ESC @) arrives."""

    def __init__(self, emulator):
        self.emulator, self.first_job_at = emulator, None
        self._receive = emulator.receive
        emulator.receive = self.receive

    def receive(self, data: bytes):
        if self.first_job_at is None and b"\x1b@" in data:
            self.first_job_at = time.perf_counter()
        return self._receive(data)


def bench_tap_to_print(taps: int) -> dict:
    from PySide6.QtWidgets import QApplication

    from drivers.emulation import PtyHost
    from drivers.printer.emulator import PrinterEmulator
    from kiosk.app import build_kiosk, make_app
    from kiosk.config import DevicesSection, KioskConfig, KioskInfo, PrinterSection, ServerSection, VoiceSection
    from kiosk.core.intents import Choose, Done, Open, Skip
    from kiosk.core.screens import Confirmation
    from kiosk.hall_client import HallClient
    app = make_app()
    server = _hall_process()
    host = PtyHost(PrinterEmulator("ok")).start()
    clock = JobClock(host.device)
    try:
        token = server.credentials["tokens"]["kiosk"]
        config = KioskConfig(kiosk=KioskInfo(locked=False), server=ServerSection(base_url=server.base_url),
                             devices=DevicesSection(printer=PrinterSection(url=host.path, poll_s=60.0)),
                             voice=VoiceSection(enabled=False))
        client = HallClient(server.base_url, token)
        kiosk = build_kiosk(config, token, app=app, client=client)
        kiosk.window.resize(1080, 1920)
        kiosk.window.show()
        _until(app, lambda: kiosk.runtime.hall and kiosk.runtime.session.printer.ready)
        service = next(s for s in kiosk.runtime.session.directory.services if s.real_name == "optional")
        samples = []
        for _ in range(taps):
            kiosk.runtime.dispatch(Open("take_number"))
            kiosk.runtime.dispatch(Choose(service.category))
            kiosk.runtime.dispatch(Choose(service.code))
            clock.first_job_at = None
            tapped = time.perf_counter()
            kiosk.runtime.dispatch(Skip())                       # the confirming tap: no ID card
            _until(app, lambda: clock.first_job_at is not None)
            samples.append(clock.first_job_at - tapped)
            _until(app, lambda: isinstance(kiosk.runtime.session.screen, Confirmation))
            kiosk.runtime.dispatch(Done())
        baseline = []
        for i in range(taps):
            started = time.perf_counter()
            client.issue_ticket(service_code=service.code, request_id=f"bench-{time.time_ns()}-{i}")
            baseline.append(time.perf_counter() - started)
        kiosk.stop()
    finally:
        host.stop()
        server.stop()
    return {"tap_to_first_byte_ms_median": round(statistics.median(samples) * 1000, 1),
            "tap_to_first_byte_ms_max": round(max(samples) * 1000, 1),
            "http_issue_ms_median": round(statistics.median(baseline) * 1000, 1), "target_ms": 300}


def _hall_process():
    """The real server on the example hall (tests/e2e/conftest.py ``HallProcess``)."""
    import importlib.util
    import tempfile
    spec = importlib.util.spec_from_file_location("e2e_conftest", ROOT / "tests" / "e2e" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.HallProcess(Path(tempfile.mkdtemp(prefix="bench-kiosk-")) / "data").start()


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def bench_memory(flows: int, warmup: int = 500) -> dict:
    from kiosk.app import build_kiosk, make_app
    from kiosk.config import KioskConfig, KioskInfo, VoiceSection
    from kiosk.core.intents import CardSwiped, Choose, Done, Open, PrinterChanged, PrinterHealth, Tick
    from kiosk.core.rehearsal import MemoryPrinter
    from kiosk.core.screens import Confirmation
    from kiosk.ui.rehearsal import RehearsalClient
    from types import SimpleNamespace
    import gc

    app = make_app()
    client = RehearsalClient()
    kiosk = build_kiosk(KioskConfig(kiosk=KioskInfo(locked=False), voice=VoiceSection(enabled=False)), "",
                        app=app, client=client)
    printer = MemoryPrinter()
    kiosk.runtime.runner.printer = printer
    kiosk.window.resize(1080, 1920)
    kiosk.window.show()
    _until(app, lambda: kiosk.runtime.hall)
    runtime = kiosk.runtime
    runtime.dispatch(PrinterChanged(PrinterHealth(True, "ok")))
    from kiosk.core.identity import check_character
    # A synthetic person (the GB 11643 example digits); the check character is computed.
    card = SimpleNamespace(number="11010519491231002" + check_character("11010519491231002"), name="王秀英")
    memory = client.memory

    def one_flow(i: int) -> None:
        runtime.dispatch(Open("take_number"))
        runtime.dispatch(Choose("A"))
        runtime.dispatch(Choose("SB001"))
        runtime.dispatch(CardSwiped(card))
        _until(app, lambda: isinstance(runtime.session.screen, Confirmation))
        runtime.dispatch(Tick())
        runtime.dispatch(Done())
        if len(memory.tickets) > 200:      # the stand-in hall keeps every ticket; the kiosk must not
            memory.tickets.clear()
            memory._answers.clear()
            memory.calls.clear()
        printer.printed.clear() if i % 1000 == 999 else None

    done = 0
    started = time.perf_counter()
    for done in range(warmup):
        one_flow(len(printer.printed))
    gc.collect()
    base = rss_kib()
    for _ in range(flows):
        one_flow(len(printer.printed))
    gc.collect()
    end = rss_kib()
    elapsed = time.perf_counter() - started
    kiosk.stop()
    return {"flows": flows, "rss_after_warmup_mib": round(base / 1024, 1), "rss_after_soak_mib": round(end / 1024, 1),
            "growth_pct": round(100 * (end - base) / base, 2), "flows_per_s": round((flows + warmup) / elapsed, 1),
            "target_growth_pct": 5}


def _until(app, predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        app.processEvents()
        time.sleep(0.0005)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_kiosk")
    parser.add_argument("--taps", type=int, default=20)
    parser.add_argument("--flows", type=int, default=10_000)
    parser.add_argument("--only", choices=("start", "tap", "memory"))
    args = parser.parse_args(argv)
    results = {}
    if args.only in (None, "start"):
        results["start"] = bench_start()
    if args.only in (None, "tap"):
        results["tap_to_print"] = bench_tap_to_print(args.taps)
    if args.only in (None, "memory"):
        results["memory"] = bench_memory(args.flows)
    print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
