"""The kiosk's devices, built from config and carried into Qt by signals.

Each driver runs on its own worker thread (CONVENTIONS.md rule 4); its callbacks
only emit signals here, which Qt queues to the UI thread. The ticket printer is
wrapped as the core's ``PrinterPort`` (``ReceiptPrinter``): core receipts become the
driver's layouts, and any driver error means "not on paper".
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QObject, Signal

from drivers.status import DeviceStatus
from kiosk.config import DevicesSection
from kiosk.core.identity import mask_id_number, mask_name
from kiosk.core.receipt import Checklist, Receipt

log = logging.getLogger(__name__)

ABSENT = "absent"


@dataclass(frozen=True, repr=False)
class CardReading:
    """What the core needs from a read card: ``number``, ``name`` (never logged in full) and
    the reader's SAM id (the certificate flow sends it: docs/certificates.md "Trust model")."""

    number: str
    name: str
    sam_id: str = ""

    @classmethod
    def from_card(cls, card, sam_id: str | None = None) -> "CardReading":
        """From a driver ``drivers.idcard.IdCard`` (``id_number``, ``display_name()``)."""
        return cls(str(card.id_number), str(card.display_name()), str(sam_id or ""))

    def __repr__(self) -> str:
        return f"CardReading({mask_id_number(self.number)!r}, {mask_name(self.name)!r})"

    __str__ = __repr__


class KioskDevices(QObject):
    """Printer, ID card reader and scanner of one kiosk; absent ones are simply not built."""

    printer_changed = Signal(object)     # DeviceStatus
    card_read = Signal(object)           # CardReading
    code_scanned = Signal(str)
    status_changed = Signal(str, object)  # component, DeviceStatus

    def __init__(self, config: DevicesSection, *, hall_name: Callable[[], str] = lambda: "",
                 wedge_clock: Callable[[], float] | None = None, camera_capture: Callable | None = None):
        """``wedge_clock`` (ms) and ``camera_capture`` (``cv2.VideoCapture``'s stand-in) are for tests."""
        super().__init__()
        self.config = config
        self.printer = None
        self.reader = None
        self.scanner = None
        self.wedge = None
        self.receipts = None
        self.documents = None
        self._wedge_clock, self._camera_capture = wedge_clock, camera_capture
        self.statuses: dict[str, DeviceStatus] = {
            "printer": _absent("printer"), "idcard": _absent("idcard"), "scanner": _absent("scanner")}
        self._hall_name = hall_name

    # -- building ------------------------------------------------------------------------
    def start(self, app=None) -> "KioskDevices":
        """Build and start every configured device (``app`` gets the wedge filter)."""
        self._start_printer()
        self._start_reader()
        self._start_scanner(app)
        self._start_document_printer()
        return self

    def _start_document_printer(self) -> None:
        """The A4 certificate printer: a CUPS queue, asked for its state when a flow needs it."""
        cfg = self.config.document_printer
        if cfg.name:
            from kiosk.documents.printing import CertificatePrinter
            self.documents = CertificatePrinter(cfg.name, wait_s=cfg.wait_s)

    def _start_printer(self) -> None:
        cfg = self.config.printer
        if not cfg.url:
            return
        from drivers.printer.driver import TicketPrinter
        from drivers.printer.encoder import ReceiptEncoder
        encoder = ReceiptEncoder(paper_dots=cfg.paper_dots, charset=cfg.charset)
        self.printer = TicketPrinter(cfg.url, encoder=encoder, baudrate=cfg.baudrate, poll_interval=cfg.poll_s,
                                     status_queries=cfg.status_queries,
                                     on_status=lambda s: self._status("printer", s))
        self.statuses["printer"] = self.printer.status
        self.receipts = ReceiptPrinter(self.printer)
        self.printer.start()

    def _start_reader(self) -> None:
        cfg = self.config.idcard
        if not cfg.url:
            return
        from drivers.idcard.driver import IdCardReader
        self.reader = IdCardReader(cfg.url, baudrate=cfg.baudrate, on_status=lambda s: self._status("idcard", s),
                                   on_card=self._card)
        self.statuses["idcard"] = self.reader.status
        self.reader.start()

    def _start_scanner(self, app) -> None:
        cfg = self.config.scanner
        if cfg.mode == "wedge":
            from drivers.scanner.wedge import WedgeScanFilter
            self.wedge = WedgeScanFilter(self, clock=self._wedge_clock).install(app)
            self.wedge.code_scanned.connect(self.code_scanned)
            self.statuses["scanner"] = DeviceStatus("scanner", "ok", "键盘模式扫码器", "keyboard-wedge scanner",
                                                    {"mode": "wedge"})
        elif cfg.mode == "serial" and cfg.url:
            from drivers.scanner.driver import SerialScanner
            self.scanner = SerialScanner(cfg.url, on_code=self.code_scanned.emit, suffix=cfg.suffix,
                                         baudrate=cfg.baudrate, on_status=lambda s: self._status("scanner", s))
            self.scanner.start()
        elif cfg.mode == "camera":
            from drivers.scanner.camera import CameraScanner, camera_source
            self.scanner = CameraScanner(camera_source(cfg.url or "camera://0"), on_code=self.code_scanned.emit,
                                         decoder=cfg.decoder, on_status=lambda s: self._status("scanner", s),
                                         capture_factory=self._camera_capture)
            self.statuses["scanner"] = self.scanner.status
            self.scanner.start()

    def _card(self, card) -> None:
        """On the reader's thread: the reading, with the SAM id read at connect, to the UI thread."""
        self.card_read.emit(CardReading.from_card(card, self.reader.sam_id if self.reader else None))

    def stop(self) -> None:
        for device in (self.printer, self.reader, self.scanner):
            if device is not None:
                device.stop()
        if self.wedge is not None:
            self.wedge.uninstall()

    # -- state ---------------------------------------------------------------------------
    def _status(self, name: str, status: DeviceStatus) -> None:
        """On the driver's thread: only record and emit."""
        self.statuses[name] = status
        self.status_changed.emit(name, status)
        if name == "printer":
            self.printer_changed.emit(status)

    @property
    def reader_ready(self) -> bool:
        return self.statuses["idcard"].ok

    @property
    def scanner_ready(self) -> bool:
        return self.statuses["scanner"].ok

    def components(self) -> dict[str, dict]:
        """The heartbeat's ``components`` (API.md): paper near-end travels in ``printer``."""
        return {name: status.as_component() for name, status in self.statuses.items()}


def _absent(kind: str) -> DeviceStatus:
    return DeviceStatus(kind, ABSENT, "未配置", "not configured")


class ReceiptPrinter:
    """The core's ``PrinterPort`` on the ticket printer driver (blocking: call off the UI thread)."""

    def __init__(self, printer, *, timeout: float = 15.0, details: Callable[[str], dict] | None = None):
        self.printer, self.timeout = printer, timeout
        self.details = details or (lambda code: {})

    def print_receipt(self, receipt: Receipt) -> None:
        from drivers.printer.receipts import TicketReceipt
        issued = receipt.issued_at.strftime("%Y-%m-%d %H:%M") if receipt.issued_at else ""
        ticket = TicketReceipt(
            hall_name=receipt.hall_name, number=receipt.number, category_name=receipt.category_name,
            service_name=receipt.service_name, ahead=receipt.ahead or 0, est_wait_min=receipt.est_wait_min or 0,
            issued_at=issued, status_url=receipt.status_url, masked_name=receipt.masked_name or None,
            notice=_priority_line(receipt.priority) + tuple(receipt.notice_lines))
        self.printer.print_receipt(ticket, timeout=self.timeout)

    def print_checklist(self, checklist: Checklist) -> None:
        self.printer.print_bytes(self.printer.encoder.encode_blocks(checklist_blocks(checklist, self.printer.encoder,
                                                                                     self.details(checklist.service_code))),
                                 timeout=self.timeout)


def _priority_line(priority: str) -> tuple[str, ...]:
    return {"green": ("绿色通道 优先办理",), "appointment": ("预约号 优先办理",)}.get(priority, ())


def checklist_blocks(checklist: Checklist, encoder, details: dict) -> list:
    """一次性告知单 blocks: the driver's checklist layout with the catalogue's material lines.

    The core keeps each material as one finished line (``居民身份证（原件，现场出示）``), so
    they go in as numbered lines rather than the driver's originals/copies counts.
    """
    from drivers.printer.receipts import ChecklistReceipt, Line, layout, wrap
    from datetime import datetime
    slip = ChecklistReceipt(title="一次性告知单", service_name=checklist.service_name,
                            time_limit=details.get("time_limit", ""), fees=details.get("fees", ""),
                            windows=details.get("windows", ""), phone=details.get("phone", ""),
                            guide_url=checklist.guide_url, issued_at=datetime.now().strftime("%Y-%m-%d %H:%M"),
                            notice=(checklist.hall_name,) if checklist.hall_name else ())
    blocks = layout(slip, encoder.options)
    at = next(i for i, b in enumerate(blocks) if isinstance(b, Line) and b.text == "所需材料：") + 1
    columns = encoder.options.columns
    lines = [Line(part) for index, text in enumerate(checklist.materials, start=1)
             for part in wrap(f"{index}. {text}", columns)]
    return blocks[:at] + lines + blocks[at:]


def guide_details(directory, code: str) -> dict:
    """Time limit, fees, windows and phone of a service's guide, for the checklist slip."""
    service = directory.service(code) if directory is not None else None
    keys = {"承诺时限": "time_limit", "收费标准": "fees", "办理窗口": "windows", "咨询电话": "phone"}
    out = {}
    for section in (service.guide if service else ()):
        if section.title_zh in keys:
            out[keys[section.title_zh]] = "；".join(section.lines)
    return out
