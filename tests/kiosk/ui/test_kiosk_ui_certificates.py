"""证明打印 through the real kiosk window, end to end: the production ID card driver on a
pseudo-terminal with the card emulator, the real hall server process (example hall: the
default [certificates] with the sample provider), and a REAL CUPS scheduler with
cups-pdf queues — one that prints, one whose backend jams (as real backends report it:
``STATE: +media-jam-error``, exit 4), one paused by staff.

The CUPS helpers are the certificate printing tests' own (tests/certificates/
test_cert_printing_cups.py); the queues here have their own names so the two test
files can run at the same time.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest
import requests

from drivers.emulation import PtyHost
from drivers.idcard.emulator import IdCardEmulator
from kiosk.config import DevicesSection, DocumentPrinterSection, IdCardSection, KioskConfig, KioskInfo, ServerSection
from kiosk.core import certificate_flow as cert
from kiosk.core.intents import SubmitText
from kiosk.core.progress import ProgressView
from kiosk.core.screens import HomeScreen, Refused
from kiosk.documents.client import CertificateHallClient

pytestmark = [pytest.mark.e2e]
TESTS = Path(__file__).resolve().parents[2]
PDF_QUEUE, JAM_QUEUE, PAUSED_QUEUE = "hallterm-kiosk-pdf", "hallterm-kiosk-jam", "hallterm-kiosk-paused"
JAM_BACKEND = Path("/usr/lib/cups/backend/hallterm-kiosk-jam")
# After staff clear the jam, the printer works again: like a real backend, this one clears the
# jam reason it finds and prints (through cups-pdf, hence root: mode 0700).
FIXED_BACKEND = Path("/usr/lib/cups/backend/hallterm-kiosk-fixed")
FIXED_SCRIPT = """#!/bin/sh
# hallterm test backend: the jam is cleared (tests/kiosk/ui/test_kiosk_ui_certificates.py)
if [ $# -eq 0 ]; then echo 'direct hallterm-kiosk-fixed "Unknown" "hallterm test: jam cleared"'; exit 0; fi
echo "STATE: -media-jam-error" >&2
DEVICE_URI=cups-pdf:/ exec /usr/lib/cups/backend/cups-pdf "$@"
"""


def _load(relative: str, name: str):
    spec = importlib.util.spec_from_file_location(name, TESTS / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CUPS = _load("certificates/test_cert_printing_cups.py", "hallterm_cert_cups_helpers")
PDF = _load("certificates/conftest.py", "hallterm_cert_pdf_helpers")
PERSONS = PDF.PERSONS                       # the sample provider's synthetic TEST persons


@pytest.fixture(scope="module")
def a4_queues():
    """cupsd (started if needed, stopped again if we started it) with the three queues."""
    started = _start_cupsd()
    ppd = CUPS.cups_pdf_ppd()
    JAM_BACKEND.write_text(CUPS.JAM_SCRIPT.replace("hallterm-test-jam", JAM_BACKEND.name))
    JAM_BACKEND.chmod(0o755)
    FIXED_BACKEND.write_text(FIXED_SCRIPT)
    FIXED_BACKEND.chmod(0o700)
    CUPS.tool("lpadmin", "-p", PDF_QUEUE, "-v", "cups-pdf:/", "-m", ppd, "-E")
    CUPS.tool("lpadmin", "-p", JAM_QUEUE, "-v", f"{JAM_BACKEND.name}:/", "-m", ppd, "-E")
    CUPS.tool("lpadmin", "-p", PAUSED_QUEUE, "-v", "cups-pdf:/", "-m", ppd, "-E")
    CUPS.tool("cupsdisable", "-r", "hallterm kiosk test: paused by staff", PAUSED_QUEUE)
    yield CUPS.cups_pdf_output_dir()
    for queue in (PDF_QUEUE, JAM_QUEUE, PAUSED_QUEUE):
        CUPS.tool("cancel", "-a", queue, check=False)
        CUPS.tool("lpadmin", "-x", queue, check=False)
    JAM_BACKEND.unlink(missing_ok=True)
    FIXED_BACKEND.unlink(missing_ok=True)
    if started and Path("/run/cups/cupsd.pid").exists():
        os.kill(int(Path("/run/cups/cupsd.pid").read_text().strip()), 15)


def _start_cupsd() -> bool:
    if CUPS.scheduler_running():
        return False
    cupsd = shutil.which("cupsd") or "/usr/sbin/cupsd"
    if not Path(cupsd).exists():
        pytest.skip("cupsd is not installed")
    try:
        CUPS.tool(cupsd)
    except (subprocess.CalledProcessError, OSError) as exc:
        pytest.skip(f"cupsd could not be started: {exc}")
    deadline = time.monotonic() + 15
    while not CUPS.scheduler_running():
        if time.monotonic() > deadline:
            pytest.skip("cupsd did not come up within 15 s")
        time.sleep(0.2)
    return True


@pytest.fixture
def reader():
    host = PtyHost(IdCardEmulator("no_card", card_delay=0.05)).start()
    yield host
    host.stop()


@pytest.fixture
def cert_kiosk(hall_server, a4_queues, reader, make_kiosk, qtbot):
    """``cert_kiosk(queue)``: a kiosk whose A4 printer is that CUPS queue, at home with the tile."""
    def make(queue: str):
        token = hall_server.credentials["tokens"]["kiosk"]
        config = KioskConfig(
            kiosk=KioskInfo(locked=False, device_id="kiosk-cert", location="一楼大厅东侧"),
            server=ServerSection(base_url=hall_server.base_url),
            devices=DevicesSection(idcard=IdCardSection(url=reader.path),
                                   document_printer=DocumentPrinterSection(name=queue, wait_s=40)))
        kiosk = make_kiosk(CertificateHallClient(hall_server.base_url, token, retries=1, backoff_s=0.05), config)
        home = kiosk.window.views[HomeScreen]
        qtbot.waitUntil(lambda: "certificate" in home.tiles and kiosk.kiosk.devices.reader_ready, timeout=8000)
        return kiosk
    return make


def _lay_card(reader, person: int) -> tuple[str, str]:
    number, name, sex, birth, _ = PERSONS[person]
    reader.device.place_card({"id_number": number, "name": name, "sex": "1" if sex == "男" else "2",
                              "birth": date.fromisoformat(birth)})
    return number, name


def _to_preview(kiosk, reader, person: int, type_title: str, period: str | None, purpose: str):
    """Tile → card on the reader → certificate → period and purpose → the masked preview."""
    kiosk.window.views[HomeScreen].tiles["certificate"].click()
    kiosk.qtbot.waitUntil(lambda: bool(isinstance(kiosk.screen, cert.Identify) and kiosk.screen.types
                                       and kiosk.screen.printer_ready), timeout=8000)
    number, name = _lay_card(reader, person)
    kiosk.wait_screen(cert.ChooseType)
    _click_text(kiosk.view().choices._rows, type_title)
    kiosk.wait_screen(cert.Params)
    view = kiosk.view()
    if period:
        next(b for b in view.periods if b.text() == period).click()
    next(b for b in view.purposes if b.text() == purpose).click()
    view.submit.click()
    kiosk.wait_screen(cert.Preview, timeout=15)
    return number, name


def _click_text(rows, title: str) -> None:
    for button, heading, _ in rows:
        if heading.text() == title:
            button.click()
            return
    raise AssertionError(f"no row {title!r}")


def _pdfs(out_dir: Path) -> set[Path]:
    return set(out_dir.glob("*.pdf")) if out_dir.exists() else set()


def _printed_pdf(out_dir: Path, title: str, before: set[Path]) -> Path:
    """The one whole PDF cups-pdf wrote since ``before`` for a job titled with ``title``."""
    return CUPS.finished_output(out_dir, f"*{title}*.pdf", before)


def _clear_jam(out_dir: Path) -> None:
    """Staff clear the jam, resume the queue and print a test page (the backend then reports
    the jam gone, as a real printer's backend does)."""
    # The kiosk cancelled the jammed job, but a job cancelled while its backend still runs
    # can be requeued when that backend exits "stop printer" (4) and come out after all
    # (reported to the lead): clear the queue as staff would, so this test stays exact.
    CUPS.tool("cancel", "-a", JAM_QUEUE, check=False)
    CUPS.tool("lpadmin", "-p", JAM_QUEUE, "-v", f"{FIXED_BACKEND.name}:/")
    CUPS.tool("cupsenable", JAM_QUEUE)
    before = _pdfs(out_dir)
    subprocess.run(["lp", "-d", JAM_QUEUE, "-t", "hallterm-staff-test"], input="test page\n", text=True,
                   capture_output=True, check=True)
    deadline = time.monotonic() + 20
    while "media-jam-error" in CUPS.tool("lpstat", "-l", "-p", JAM_QUEUE).stdout:
        assert time.monotonic() < deadline, "the test page did not clear the jam"
        time.sleep(0.2)
    _printed_pdf(out_dir, "hallterm-staff-test", before).unlink()


def _issue_record(server, doc_no: str) -> dict:
    rows = server.session("manager").get(server.url("/certificates/issues"), timeout=5).json()["issues"]
    mine = [r for r in rows if r["doc_no"] == doc_no]
    assert len(mine) == 1, mine               # one issuance record per document, reprint or not
    return mine[0]


def _reachable(*roots) -> str:
    """Every string reachable from ``roots`` through plain data (dataclasses, dicts, objects)."""
    from dataclasses import fields, is_dataclass
    seen, out, stack = set(), [], list(roots)
    while stack:
        obj = stack.pop()
        if id(obj) in seen or (callable(obj) and not is_dataclass(obj)) or type(obj).__module__.startswith("PySide6"):
            continue
        seen.add(id(obj))
        if isinstance(obj, str):
            out.append(obj)
        elif isinstance(obj, dict):
            stack.extend([*obj.keys(), *obj.values()])
        elif isinstance(obj, (list, tuple, set, frozenset)):
            stack.extend(obj)
        elif is_dataclass(obj):
            stack.extend(getattr(obj, f.name) for f in fields(obj))
        elif hasattr(obj, "__dict__"):
            stack.extend(vars(obj).values())
    return "\n".join(out)


def test_a_certificate_is_identified_by_card_previewed_masked_printed_rated_and_wiped(
        cert_kiosk, reader, hall_server, a4_queues, qtbot, tmp_path):
    kiosk = cert_kiosk(PDF_QUEUE)
    seen = []                                 # what the window drew on each change: the progress indication
    kiosk.runtime.changed.connect(lambda: seen.append(
        (type(kiosk.screen).__name__, kiosk.window.views.get(type(kiosk.screen)).progress.isVisibleTo(kiosk.window)
         if isinstance(kiosk.screen, cert.Fetching) else None)))
    number, name = _to_preview(kiosk, reader, 0, "个人社保参保缴费证明", "近 24 个月", "落户")
    assert ("Fetching", True) in seen
    document = kiosk.screen.document
    shown = kiosk.texts()
    assert document.holder_name in shown and document.holder_id in shown and "落户" in shown
    assert document.holder_id[:4] == number[:4] and "*" in document.holder_id
    assert number not in shown and name not in shown                   # masked on screen
    before = _pdfs(a4_queues)
    kiosk.view().confirm.click()
    kiosk.wait_screen(cert.Finished, timeout=45)
    pdf = _printed_pdf(a4_queues, document.doc_no, before)
    try:     # (cups-pdf re-encodes the fonts, so the page's text layer is not readable: the QR code is)
        assert PDF.pdf_pages(pdf) >= 1
        assert PDF.qr_codes(pdf, tmp_path) == [document.verify_url]       # the paper that came out is ours
    finally:
        pdf.unlink()
    verdict = requests.get(hall_server.url(f"/certificates/verify/{document.token}"), timeout=5).json()
    assert verdict["status"] == "valid" and verdict["genuine"]
    record = _issue_record(hall_server, document.doc_no)
    assert record["print_state"] == "printed"
    assert record["reader_sam"] == reader.device.sam_id                 # the driver's SAM id went along
    kiosk.view().evaluate.click()
    kiosk.wait_screen(cert.Rate)
    kiosk.view().levels[5].click()
    kiosk.view().submit.click()
    kiosk.wait_screen(cert.Thanks)
    kiosk.view().done.click()
    assert isinstance(kiosk.screen, HomeScreen)
    left = kiosk.texts() + _reachable(kiosk.runtime.session, [v.screen for v in kiosk.window.view_list])
    for secret in (number, name, document.holder_name, document.holder_id, document.doc_no):
        assert secret not in left                                        # wiped


def test_a_jam_is_reported_with_where_to_go_and_one_reprint_prints_without_a_second_issue(
        cert_kiosk, reader, hall_server, a4_queues, qtbot):
    CUPS.tool("lpadmin", "-p", JAM_QUEUE, "-v", f"{JAM_BACKEND.name}:/")
    CUPS.tool("cupsenable", JAM_QUEUE)
    kiosk = cert_kiosk(JAM_QUEUE)
    _to_preview(kiosk, reader, 1, "医保参保证明", None, "入学")
    document = kiosk.screen.document
    kiosk.view().confirm.click()
    failed = kiosk.wait_screen(cert.PrintFailedScreen, timeout=45)
    view = kiosk.view()
    assert failed.reprint_allowed and "打印机卡纸" in view.notice.message.text()
    assert "总服务台" in view.notice.advice.text() and document.doc_no in view.number.text()
    assert view.reprint.isVisibleTo(kiosk.window) and view.help.isVisibleTo(kiosk.window)
    record = _issue_record(hall_server, document.doc_no)
    assert (record["print_state"], record["reprints"]) == ("failed", 0)
    _clear_jam(a4_queues)
    before = _pdfs(a4_queues)
    view.reprint.click()
    kiosk.wait_screen(cert.Finished, timeout=45)
    _printed_pdf(a4_queues, document.doc_no, before).unlink()
    record = _issue_record(hall_server, document.doc_no)
    assert (record["print_state"], record["reprints"]) == ("printed", 1)


def test_a_second_failure_offers_no_further_reprint_and_sends_the_resident_to_the_desk(
        cert_kiosk, reader, hall_server, qtbot):
    CUPS.tool("lpadmin", "-p", JAM_QUEUE, "-v", f"{JAM_BACKEND.name}:/")
    CUPS.tool("cupsenable", JAM_QUEUE)
    kiosk = cert_kiosk(JAM_QUEUE)
    _to_preview(kiosk, reader, 2, "不动产登记信息查询结果", None, "购房")
    document = kiosk.screen.document
    kiosk.view().confirm.click()
    kiosk.wait_screen(cert.PrintFailedScreen, timeout=45)
    CUPS.tool("cupsenable", JAM_QUEUE)                                   # resumed, but still jammed
    kiosk.view().reprint.click()
    qtbot.waitUntil(lambda: isinstance(kiosk.screen, cert.PrintFailedScreen) and not kiosk.screen.reprint_allowed,
                    timeout=45000)
    view = kiosk.view()
    assert kiosk.screen.notice.code == "certificate_print_failed_final"
    assert "总服务台" in view.notice.advice.text() and document.doc_no in view.notice.advice.text()
    assert not view.reprint.isVisibleTo(kiosk.window)
    record = _issue_record(hall_server, document.doc_no)
    assert (record["print_state"], record["reprints"]) == ("failed", 1)


def test_a_paused_a4_printer_is_reported_before_the_card_is_asked_for(cert_kiosk, qtbot):
    kiosk = cert_kiosk(PAUSED_QUEUE)
    kiosk.window.views[HomeScreen].tiles["certificate"].click()
    screen = kiosk.wait_screen(Refused)
    assert screen.notice.code == "document_printer_unavailable" and "打印机已暂停使用" in screen.notice.zh
    texts = kiosk.texts()
    assert "打印机已暂停使用" in texts and "总服务台" in texts


def test_a_typed_ticket_number_is_looked_up_exactly_on_the_real_server(cert_kiosk, hall_server):
    """进度查询 by typed number (GET /tickets/lookup), on the server this module already runs."""
    kiosk = cert_kiosk(PDF_QUEUE)
    service = kiosk.runtime.session.directory.services[0]
    ticket = hall_server.session("kiosk").post(hall_server.url("/tickets"), timeout=5, json={
        "service_code": service.code, "request_id": f"typed-{time.time_ns()}"}).json()
    kiosk.window.views[HomeScreen].tiles["progress"].click()
    kiosk.send(SubmitText(ticket["number"].lower()))
    view = kiosk.wait_screen(ProgressView)
    assert (view.number, view.state) == (ticket["number"], "waiting") and not view.by_receipt
    assert ticket["number"] in kiosk.view().number.text()
