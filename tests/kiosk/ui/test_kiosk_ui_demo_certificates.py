"""证明打印 in the demo hall: the A4 queue the demo sets up on a REAL CUPS scheduler
(kiosk/documents/demo_printer.py, called by hall_server/demo_hall.py), the demo kiosk
that uses it only when CUPS has it (kiosk/demo.py), and the whole demo path — the
demo hall server, the demo kiosk's config and emulated reader, the 模拟设备 panel's
certificate card — down to the PDF in the folder the demo names.

The queue here has its own name, so a developer's real demo queue is left alone.
Skipped, with the reason, only when cupsd cannot run (like the certificate CUPS tests).
"""
from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest

from kiosk.core import certificate_flow as cert
from kiosk.core.intents import Choose, Submit
from kiosk.core.screens import HomeScreen
from kiosk.demo import CERTIFICATE_CARD, DemoSetup
from kiosk.documents.cups import CupsQueue
from kiosk.documents.demo_printer import DemoPrinter, cups_pdf_output_dir, queue_exists, setup_demo_printer

TESTS = Path(__file__).resolve().parents[2]
QUEUE, OTHER = "hallterm-test-demo-a4", "hallterm-test-demo-other"


def _load(relative: str, name: str):
    spec = importlib.util.spec_from_file_location(name, TESTS / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CUPS = _load("certificates/test_cert_printing_cups.py", "hallterm_demo_cups_helpers")


def _cupsd_can_run() -> str:
    """'' when this machine can run cupsd (proved by starting and stopping it), else why not."""
    cupsd = shutil.which("cupsd") or "/usr/sbin/cupsd"
    if not Path(cupsd).exists():
        return "cupsd is not installed"
    try:
        process = subprocess.Popen([cupsd, "-f"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
    except OSError as exc:
        return f"cupsd could not be started: {exc}"
    try:
        deadline = time.monotonic() + 15
        while not CUPS.scheduler_running():
            if process.poll() is not None:
                return f"cupsd exited with {process.returncode}"
            if time.monotonic() > deadline:
                return "cupsd did not come up within 15 s"
            time.sleep(0.2)
        return ""
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="module")
def demo_a4():
    """The demo queue as setup_demo_printer leaves it: it starts cupsd itself when it is not
    running. If it fails, the test starts cupsd its own way: that failing too skips (this
    machine cannot run CUPS), that working fails (setup_demo_printer was wrong)."""
    was_running = CUPS.scheduler_running()
    if was_running:
        CUPS.tool("lpadmin", "-x", QUEUE, check=False)          # a leftover of an interrupted run
    said: list[str] = []
    printer = setup_demo_printer(QUEUE, say=said.append)
    if printer is None:
        why = "" if was_running else _cupsd_can_run()
        if why:
            pytest.skip(f"{why} ({said})")
        pytest.fail(f"setup_demo_printer gave up although cupsd can run here: {said}")
    assert said == [] and (printer.cupsd is None) is was_running
    if not printer.created:     # cupsd was down and the queue left over from an earlier run: add it afresh
        CUPS.tool("lpadmin", "-x", QUEUE)
        again = setup_demo_printer(QUEUE, say=said.append)
        assert again is not None and again.created and again.cupsd is None, said
        printer = DemoPrinter(QUEUE, again.output_dir, True, printer.cupsd)
    yield printer
    for queue in (QUEUE, OTHER):
        CUPS.tool("cancel", "-a", queue, check=False)
        CUPS.tool("lpadmin", "-x", queue, check=False)
    printer.stop()
    if printer.cupsd is not None:
        assert printer.cupsd.poll() is not None                # the cupsd it started is gone again


def _stub(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + script + "\n")
    path.chmod(0o755)


# --- the queue ------------------------------------------------------------------------------

def test_the_demo_adds_a_ready_cups_pdf_queue_and_names_the_folder_its_pdfs_land_in(demo_a4):
    assert demo_a4.created and demo_a4.queue == QUEUE and queue_exists(QUEUE)
    assert CUPS.tool("lpstat", "-v", QUEUE).stdout.strip() == f"device for {QUEUE}: cups-pdf:/"
    assert CupsQueue(QUEUE).state().ready
    assert demo_a4.output_dir == cups_pdf_output_dir()
    title = f"hallterm-demo-probe-{time.time_ns()}"
    before = set(demo_a4.output_dir.glob("*.pdf")) if demo_a4.output_dir.exists() else set()
    subprocess.run(["lp", "-d", QUEUE, "-t", title], input="hallterm demo A4\n", text=True,
                   capture_output=True, check=True, timeout=30)
    CUPS.finished_output(demo_a4.output_dir, f"*{title}*.pdf", before).unlink()    # where the demo says


def test_a_second_start_finds_the_queue_and_touches_nothing(demo_a4):
    CUPS.tool("lpadmin", "-p", OTHER, "-v", "cups-pdf:/", "-m", CUPS.cups_pdf_ppd(), "-E")
    CUPS.tool("cupsdisable", "-r", "hallterm test: staff paused it", OTHER)
    CUPS.tool("lpadmin", "-p", QUEUE, "-D", "hallterm test: staff renamed it")
    before = {args: CUPS.tool("lpstat", *args, check=False).stdout for args in (("-v",), ("-d",), ("-l", "-p"))}
    said: list[str] = []
    again = setup_demo_printer(QUEUE, say=said.append)
    assert again is not None and not again.created and again.cupsd is None and said == []
    after = {args: CUPS.tool("lpstat", *args, check=False).stdout for args in before}
    assert after == before
    assert "staff renamed it" in after[("-l", "-p")] and "staff paused it" in after[("-l", "-p")]


def test_without_lpadmin_the_demo_says_why_in_one_line_and_goes_on(tmp_path):
    _stub(tmp_path, "lpstat", "echo 'scheduler is running'")
    _stub(tmp_path, "lpinfo", "exit 0")
    said: list[str] = []
    assert setup_demo_printer(QUEUE, search_path=str(tmp_path), say=said.append) is None
    [line] = said
    assert "lpadmin" in line and "lpstat" not in line and "apt-get install cups" in line
    assert "示范大厅不提供证明打印" in line and "the demo runs without it" in line


def test_a_scheduler_that_is_down_without_cupsd_is_reported_not_raised(tmp_path):
    for name in ("lpadmin", "lpinfo"):
        _stub(tmp_path, name, "exit 0")
    _stub(tmp_path, "lpstat", "echo 'scheduler is not running'")
    said: list[str] = []
    assert setup_demo_printer(QUEUE, search_path=str(tmp_path), say=said.append) is None
    assert len(said) == 1 and "CUPS 打印服务未运行" in said[0] and "cupsd is not installed" in said[0]


def test_a_refused_lpadmin_is_reported_with_its_own_words(tmp_path):
    _stub(tmp_path, "lpstat", 'case "$1" in -r) echo "scheduler is running";; *) exit 1;; esac')
    _stub(tmp_path, "lpinfo", "echo 'lsb/usr/cups-pdf/CUPS-PDF_opt.ppd Generic CUPS-PDF Printer (w/ options)'")
    _stub(tmp_path, "lpadmin", "echo 'lpadmin: Forbidden' >&2; exit 1")
    said: list[str] = []
    assert setup_demo_printer(QUEUE, search_path=str(tmp_path), say=said.append) is None
    assert len(said) == 1 and f"不能添加打印队列 {QUEUE}" in said[0] and "lpadmin: Forbidden" in said[0]


# --- the demo kiosk and the demo hall -------------------------------------------------------

def test_the_demo_hall_sets_up_the_a4_printer_only_when_it_starts_the_kiosk(monkeypatch):
    from hall_server import demo_hall
    from kiosk.documents import demo_printer
    calls = []
    monkeypatch.setattr(demo_printer, "setup_demo_printer", lambda: calls.append("setup") or "printer")
    counter = (["-m", "kiosk.counter", "--demo"], "counter console")
    assert demo_hall.a4_printer([counter]) is None and calls == []          # headless or --no-gui: no CUPS
    assert demo_hall.a4_printer([(["-m", "kiosk", "--demo"], "kiosk"), counter]) == "printer" and calls == ["setup"]


def _credentials(tmp_path: Path, base_url: str = "http://127.0.0.1:9", token: str = "t") -> Path:
    path = tmp_path / "demo-credentials.json"
    path.write_text(json.dumps({"base_url": base_url, "tokens": {"kiosk": token}}), encoding="utf-8")
    return path


@pytest.fixture
def demo_setups():
    made = []
    yield lambda *args, **kw: made.append(DemoSetup.from_credentials(*args, **kw)) or made[-1]
    for demo in made:
        demo.stop()


def test_the_demo_kiosk_takes_the_a4_printer_only_when_cups_has_the_queue(demo_a4, demo_setups, tmp_path):
    with_queue = demo_setups(_credentials(tmp_path), a4_queue=QUEUE)
    assert with_queue.config.devices.document_printer.name == QUEUE
    assert with_queue.config.flow_settings().certificates and with_queue.certificate_pdfs == demo_a4.output_dir
    without = demo_setups(_credentials(tmp_path), a4_queue="hallterm-test-no-such-queue")
    assert without.config.devices.document_printer.name == "" and not without.config.flow_settings().certificates
    assert without.certificate_pdfs is None


def test_the_demo_card_has_a_document_of_every_type_the_demo_hall_offers():
    from hall_server.app import DEFAULT_CONFIG
    from hall_server.certificates.providers import CertificateRequest
    from hall_server.certificates.sample import SampleProvider
    from hall_server.certificates.sample_data import BUNDLED, read_rows
    from hall_server.config import load_hall_config
    certificates = load_hall_config(DEFAULT_CONFIG).certificates          # what `hall_server demo` runs on
    person = next(p for p in read_rows(BUNDLED)["persons"] if p[0] == CERTIFICATE_CARD["id_number"])
    assert (person[1], person[3]) == (CERTIFICATE_CARD["name"], CERTIFICATE_CARD["birth"].isoformat())
    assert ("1" if person[2] == "男" else "2") == CERTIFICATE_CARD["sex"]
    kinds = [t for t in certificates.types if t.enabled]
    assert certificates.enabled and len(kinds) == 5
    for kind in kinds:
        assert certificates.provider(kind.provider).kind == "sample"
        data = SampleProvider().fetch(CertificateRequest(kind.code, CERTIFICATE_CARD["id_number"],
                                                         CERTIFICATE_CARD["name"], date.today(),
                                                         kind.periods[0] if kind.periods else None,
                                                         kind.purposes[0] if kind.purposes else None))
        assert data.fields and data.sample


@pytest.mark.e2e
def test_the_demo_kiosk_offers_and_prints_a_certificate_with_the_panel_card(
        demo_a4, demo_setups, hall_server, make_kiosk, qtbot, tmp_path):
    """`./hallterm.sh demo` in one test: the demo hall server, the demo kiosk's own config and
    emulated reader, the 模拟设备 button, the demo queue, the PDF in the folder it names."""
    from PySide6.QtWidgets import QPushButton

    from kiosk.demo_panel import DemoPanel
    from kiosk.documents.client import CertificateHallClient
    creds = hall_server.data_dir / "demo-credentials.json"
    bare = make_kiosk(CertificateHallClient(hall_server.base_url, hall_server.credentials["tokens"]["kiosk"]),
                      demo_setups(creds, a4_queue="hallterm-test-no-such-queue").config)
    assert bare.screen.tiles and "certificate" not in [t.key for t in bare.screen.tiles]
    demo = demo_setups(creds, a4_queue=QUEUE)
    kiosk = make_kiosk(CertificateHallClient(demo.config.server.base_url, demo.token), demo.config)
    home = kiosk.window.views[HomeScreen]
    qtbot.waitUntil(lambda: "certificate" in home.tiles and kiosk.kiosk.devices.reader_ready, timeout=8000)
    assert home.tiles["certificate"].isVisibleTo(kiosk.window) and home.tiles["certificate"].title.text() == "证明打印"
    panel = DemoPanel(demo, kiosk.kiosk)
    assert str(demo_a4.output_dir) in panel.a4.text()
    home.tiles["certificate"].click()
    qtbot.waitUntil(lambda: bool(isinstance(kiosk.screen, cert.Identify) and kiosk.screen.types
                                 and kiosk.screen.printer_ready), timeout=8000)
    next(b for b in panel.findChildren(QPushButton) if "证明打印样例人员" in b.text()).click()
    kiosk.wait_screen(cert.ChooseType)
    kiosk.send(Choose("medical_insurance"), cert.SetPurpose("入学"), Submit())
    kiosk.wait_screen(cert.Preview, timeout=15)
    document = kiosk.screen.document
    before = set(demo_a4.output_dir.glob("*.pdf")) if demo_a4.output_dir.exists() else set()
    kiosk.view().confirm.click()
    kiosk.wait_screen(cert.Finished, timeout=45)
    CUPS.finished_output(demo_a4.output_dir, f"*{document.doc_no}*.pdf", before).unlink()
    panel.deleteLater()
