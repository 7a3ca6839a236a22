"""Print a certificate on the system's A4 printer through QtPrintSupport, and say whether it worked.

``print_document`` checks the queue first (out of paper, jammed, cover open, paused
— whatever CUPS exposes), paints the document straight onto a ``QPrinter`` (CUPS
on Linux, the spooler on Windows), then follows its job until CUPS has finished
it. A blocking printer problem while the job waits cancels the job (so the paper
cannot come out later, after the resident was told it failed) and is reported
with its reason. Without CUPS tools only Qt's own result is known.

Safe on a worker thread: QPainter may paint on a QPrinter outside the GUI thread.
Nothing is written to disk by the kiosk (the spooler keeps its own copy: set
``PreserveJobFiles No`` in cupsd.conf, docs/certificates.md).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from kiosk.documents.certificate import CertificateDocument
from kiosk.documents.cups import MISSING, CupsQueue, PrinterState
from kiosk.documents.render import paint_document

log = logging.getLogger(__name__)
FINISHED_BAD = {"canceled", "cancelled", "aborted"}
PDF_RASTER_DPI = 300


@dataclass(frozen=True)
class PrintOutcome:
    """What happened. ``confirmed``: CUPS saw the job through (not just accepted it)."""

    ok: bool
    code: str                    # printed | submitted | paper_out | paper_jam | ... | print_failed
    message: str
    message_en: str
    confirmed: bool = False
    job_ids: tuple[int, ...] = ()
    pages: int = 0


def _failed(problem: tuple[str, str, str], jobs: tuple[int, ...] = ()) -> PrintOutcome:
    code, zh, en = problem
    return PrintOutcome(False, code, zh, en, job_ids=jobs)


PAINT_FAILED = ("print_failed", "证明没有打印出来", "the document could not be printed")
JOB_ABORTED = ("print_failed", "打印任务被中止，证明没有打印出来", "the print job was aborted")


def printer_info(name: str | None) -> QPrinterInfo:
    """The named printer, or the system default when ``name`` is empty."""
    return QPrinterInfo.printerInfo(name) if name else QPrinterInfo.defaultPrinter()


def printer_status(name: str | None) -> PrinterState:
    """The queue's state as CUPS reports it (``known=False`` without CUPS)."""
    info = printer_info(name)
    if info.isNull():
        return PrinterState(name or "", True, "missing")
    return CupsQueue(info.printerName()).state() if CupsQueue.available() else PrinterState(info.printerName())


class CertificatePrinter:
    """Prints documents on one printer. ``wait_s`` bounds how long a job is followed."""

    def __init__(self, printer_name: str | None = None, *, wait_s: float = 60.0, poll_s: float = 0.5,
                 queue: Callable[[str], CupsQueue] = CupsQueue, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic):
        self.printer_name = printer_name
        self.wait_s, self.poll_s = wait_s, poll_s
        self._queue, self._sleep, self._clock = queue, sleep, clock

    def status(self) -> PrinterState:
        return printer_status(self.printer_name)

    def print_document(self, doc: CertificateDocument) -> PrintOutcome:
        """Check, paint, follow. Never raises for a printer problem: the outcome says it."""
        return self._print(f"hallterm-{doc.doc_no}", lambda painter, printer: paint_document(
            painter, printer, doc, printer.resolution()))

    def print_pdf(self, path: str | Path) -> PrintOutcome:
        """Print an existing PDF (QtPdf renders each page at the printer's resolution)."""
        return self._print(f"hallterm-{Path(path).stem}", lambda painter, printer: _paint_pdf(painter, printer, Path(path)))

    def _print(self, title: str, paint) -> PrintOutcome:
        info = printer_info(self.printer_name)
        if info.isNull():
            return _failed(MISSING)
        queue = self._queue(info.printerName()) if CupsQueue.available() else None
        state = queue.state() if queue else PrinterState(info.printerName())
        if state.problem:
            return _failed(state.problem)
        before = queue.job_ids("all") if queue else set()
        pages = self._paint(info, title, paint)
        if pages is None:
            return _failed(PAINT_FAILED)
        if queue is None:
            return PrintOutcome(True, "submitted", "证明已发送到打印机", "the document was sent to the printer", pages=pages)
        jobs = tuple(sorted(queue.job_ids("all") - before))
        return self._follow(queue, jobs, pages)

    def _paint(self, info: QPrinterInfo, title: str, paint) -> int | None:
        printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setFullPage(True)
        printer.setDocName(title)
        printer.setCopyCount(1)
        painter = QPainter()
        if not painter.begin(printer):
            log.warning("could not open printer %s", info.printerName())
            return None
        try:
            pages = paint(painter, printer)
        except Exception:     # a bad page must become "not printed", never a crash
            log.exception("painting for %s failed", info.printerName())
            pages = None
        finally:
            ended = painter.end()
        return pages if ended else None

    def _follow(self, queue: CupsQueue, jobs: tuple[int, ...], pages: int) -> PrintOutcome:
        deadline = self._clock() + self.wait_s
        while True:
            problem = queue.state().problem
            pending = set(jobs) & queue.job_ids("not-completed")
            if problem and pending:
                for job in sorted(pending):
                    queue.cancel(job)
                return _failed(problem, jobs)
            if jobs and not pending:
                if any(queue.job_state(job) in FINISHED_BAD for job in jobs):
                    return _failed(JOB_ABORTED, jobs)
                return PrintOutcome(True, "printed", "证明已打印，请取走", "the document is printed; please take it",
                                    confirmed=True, job_ids=jobs, pages=pages)
            if self._clock() >= deadline:
                return PrintOutcome(True, "submitted", "证明已发送到打印机", "the document was sent to the printer",
                                    job_ids=jobs, pages=pages)
            self._sleep(self.poll_s)


def _paint_pdf(painter: QPainter, printer: QPrinter, path: Path) -> int:
    from PySide6.QtCore import QSize
    from PySide6.QtPdf import QPdfDocument

    pdf = QPdfDocument()
    if pdf.load(str(path)) != QPdfDocument.Error.None_:
        raise OSError(f"cannot read {path.name}")
    target = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
    # Pages become images: 300 dpi is print quality; the printer's own 1200 dpi would
    # mean a 550 MB bitmap per A4 page.
    size = printer.pageLayout().fullRectPixels(PDF_RASTER_DPI).size()
    for index in range(pdf.pageCount()):
        if index:
            printer.newPage()
        painter.drawImage(target, pdf.render(index, QSize(size.width(), size.height())))
    return pdf.pageCount()


def print_document(doc: CertificateDocument, printer_name: str | None = None, **options) -> PrintOutcome:
    """Print ``doc`` on ``printer_name`` (default printer when None); ``options`` as CertificatePrinter."""
    return CertificatePrinter(printer_name, **options).print_document(doc)


def print_pdf(path: str | Path, printer_name: str | None = None, **options) -> PrintOutcome:
    """Print an existing PDF on ``printer_name``; ``options`` as CertificatePrinter."""
    return CertificatePrinter(printer_name, **options).print_pdf(path)
