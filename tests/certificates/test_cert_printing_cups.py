"""Printing through QtPrintSupport to a REAL CUPS server.

Set-up: start ``cupsd`` if it is not running (CI runs as root on Debian with ``cups``
and ``printer-driver-cups-pdf``), add a cups-pdf queue, and a queue whose backend
reports a paper jam the way real backends do (``STATE: +media-jam-error`` on stderr,
exit code 4 = stop the queue). Skipped, with the reason, only when cupsd cannot run.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from kiosk.documents.certificate import CertificateDocument
from kiosk.documents.cups import CupsQueue
from kiosk.documents.demo_printer import cups_pdf_output_dir
from kiosk.documents.printing import CertificatePrinter, printer_status

PDF_QUEUE, JAM_QUEUE, PAUSED_QUEUE = "hallterm-test-pdf", "hallterm-test-jam", "hallterm-test-paused"
JAM_BACKEND = Path("/usr/lib/cups/backend/hallterm-test-jam")
JAM_SCRIPT = """#!/bin/sh
# hallterm test backend: every job jams (tests/certificates/test_cert_printing_cups.py)
if [ $# -eq 0 ]; then echo 'direct hallterm-test-jam "Unknown" "hallterm test jam"'; exit 0; fi
echo "STATE: +media-jam-error" >&2
echo "ERROR: Paper jam (hallterm test backend)" >&2
sleep 1
exit 4
"""


def tool(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=30, check=check,
                          env={**os.environ, "LC_ALL": "C"})


def scheduler_running() -> bool:
    return shutil.which("lpstat") is not None and "is running" in tool("lpstat", "-r", check=False).stdout


def cups_pdf_ppd() -> str:
    models = tool("lpinfo", "-m").stdout.splitlines()
    found = [line.split()[0] for line in models if "CUPS-PDF" in line and line.split()[0].endswith(".ppd")]
    if not found:
        pytest.skip("printer-driver-cups-pdf is not installed (no CUPS-PDF model in lpinfo -m)")
    return next((m for m in found if "_opt" in m), found[0])


def finished_output(out_dir: Path, pattern: str, before: set, timeout: float = 30.0) -> Path:
    """The new PDF cups-pdf wrote, once it is whole: the file appears before cups-pdf has
    finished writing it, so wait until pdfinfo reads it and its size stops changing."""
    deadline = time.monotonic() + timeout
    last_size = -1
    while time.monotonic() < deadline:
        new = set(out_dir.glob(pattern)) - before
        if len(new) == 1:
            [found] = new
            size = found.stat().st_size
            readable = subprocess.run(["pdfinfo", str(found)], capture_output=True).returncode == 0
            if readable and size == last_size:
                return found
            last_size = size
        time.sleep(0.3)
    raise AssertionError(f"cups-pdf wrote no complete {pattern} within {timeout} s")


@pytest.fixture(scope="module")
def cups():
    started = None
    if not scheduler_running():
        if shutil.which("cupsd") is None and not Path("/usr/sbin/cupsd").exists():
            pytest.skip("cupsd is not installed")
        try:
            tool(shutil.which("cupsd") or "/usr/sbin/cupsd")
        except (subprocess.CalledProcessError, OSError) as exc:
            pytest.skip(f"cupsd could not be started: {exc}")
        started = True
        deadline = time.monotonic() + 15
        while not scheduler_running():
            if time.monotonic() > deadline:
                pytest.skip("cupsd did not come up within 15 s")
            time.sleep(0.2)
    JAM_BACKEND.write_text(JAM_SCRIPT)
    JAM_BACKEND.chmod(0o755)
    tool("lpadmin", "-p", PDF_QUEUE, "-v", "cups-pdf:/", "-m", cups_pdf_ppd(), "-E")
    tool("lpadmin", "-p", JAM_QUEUE, "-v", "hallterm-test-jam:/", "-m", cups_pdf_ppd(), "-E")
    tool("lpadmin", "-p", PAUSED_QUEUE, "-v", "cups-pdf:/", "-m", cups_pdf_ppd(), "-E")
    tool("cupsdisable", "-r", "hallterm test: paused by staff", PAUSED_QUEUE)
    yield {"started_cupsd": started}
    for queue in (PDF_QUEUE, JAM_QUEUE, PAUSED_QUEUE):
        tool("cancel", "-a", queue, check=False)
        tool("lpadmin", "-x", queue, check=False)
    JAM_BACKEND.unlink(missing_ok=True)
    if started:    # leave the machine as we found it: stop the scheduler this fixture started
        pid_file = Path("/run/cups/cupsd.pid")
        if pid_file.exists():
            os.kill(int(pid_file.read_text().strip()), 15)


@pytest.fixture
def document(make_issue, signing_key):
    return CertificateDocument.from_issue(make_issue("real_estate", 0, key=signing_key, serial=int(time.time()) % 90000 + 1))


def test_a_certificate_prints_through_qt_and_cups_pdf_and_its_qr_survives(cups, qapp, document, pdf, tmp_path):
    out_dir = cups_pdf_output_dir()
    before = set(out_dir.glob(f"*{document.doc_no}*.pdf")) if out_dir.exists() else set()
    outcome = CertificatePrinter(PDF_QUEUE, wait_s=45, poll_s=0.3).print_document(document)
    assert outcome.ok and outcome.code == "printed" and outcome.confirmed, outcome
    assert len(outcome.job_ids) == 1 and outcome.pages == 1
    assert outcome.job_ids[0] not in CupsQueue(PDF_QUEUE).job_ids("not-completed")
    printed = finished_output(out_dir, f"*{document.doc_no}*.pdf", before)
    try:
        assert pdf.pages(printed) == 1
        assert pdf.qr_codes(printed, tmp_path) == [document.verify_url]      # the page that came out is ours
    finally:
        printed.unlink()


def test_a_jam_during_the_job_is_reported_and_the_job_is_cancelled(cups, qapp, document):
    tool("cupsenable", JAM_QUEUE)
    outcome = CertificatePrinter(JAM_QUEUE, wait_s=45, poll_s=0.3).print_document(document)
    assert not outcome.ok and outcome.code == "paper_jam" and outcome.message == "打印机卡纸", outcome
    assert outcome.job_ids and not set(outcome.job_ids) & CupsQueue(JAM_QUEUE).job_ids("not-completed")
    state = printer_status(JAM_QUEUE)
    assert "media-jam-error" in state.reasons and not state.ready


def test_a_paused_printer_is_refused_before_anything_is_sent(cups, qapp, document):
    before = CupsQueue(PAUSED_QUEUE).job_ids("all")
    outcome = CertificatePrinter(PAUSED_QUEUE, wait_s=5).print_document(document)
    assert not outcome.ok and outcome.code == "paused" and outcome.message == "打印机已暂停使用"
    assert CupsQueue(PAUSED_QUEUE).job_ids("all") == before


def test_an_unknown_printer_is_reported_missing(cups, qapp, document):
    outcome = CertificatePrinter("hallterm-no-such-printer").print_document(document)
    assert (outcome.ok, outcome.code, outcome.message) == (False, "printer_missing", "找不到证明打印机")
    assert printer_status("hallterm-no-such-printer").problem[0] == "printer_missing"


def test_an_existing_pdf_prints_page_by_page_through_qtpdf(cups, qapp, document, pdf, tmp_path, monkeypatch):
    from kiosk.documents import printing
    from kiosk.documents.printing import print_pdf
    from kiosk.documents.render import render_pdf
    monkeypatch.setattr(printing, "PDF_RASTER_DPI", 150)         # enough for the QR code, and quick
    source = render_pdf(document, tmp_path / f"again-{document.doc_no}.pdf")
    out_dir = cups_pdf_output_dir()
    before = set(out_dir.glob(f"*again-{document.doc_no}*.pdf")) if out_dir.exists() else set()
    outcome = print_pdf(source, PDF_QUEUE, wait_s=45, poll_s=0.3)
    assert outcome.ok and outcome.confirmed and outcome.pages == 1, outcome
    printed = finished_output(out_dir, f"*again-{document.doc_no}*.pdf", before)
    try:
        assert pdf.qr_codes(printed, tmp_path) == [document.verify_url]
    finally:
        printed.unlink()
