"""The ticket printer driver: one worker thread, status polling, confirmed printing.

python-escpos 3.1's status calls read 16 bytes and so wait the whole serial
timeout for a one-byte reply (devices.md §2.4, §5.2 pitfall 9), and its
``Serial`` class cannot take our transport URLs; so the driver asks DLE EOT
itself (``10 04 n``, one byte back within a short deadline, §2.3) and writes the
job bytes built by :class:`ReceiptEncoder` through ``drivers.transport``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from drivers.errors import DeviceTimeout, DeviceUnavailable
from drivers.printer import protocol
from drivers.printer.encoder import ReceiptEncoder
from drivers.printer.errors import not_confirmed, refusal_for
from drivers.printer.protocol import PrinterStatus
from drivers.status import DeviceStatus
from drivers.worker import DeviceWorker

try:  # pyserial lets termios.error (not an OSError) escape tcflush on a vanished pty
    from termios import error as _TermiosError
    PORT_ERRORS: tuple[type[BaseException], ...] = (_TermiosError,)
except ImportError:  # Windows
    PORT_ERRORS = ()

MAX_STATUS_READS = 256
WRITE_CHUNK = 512  # bytes per write, so a slow 9600-baud line never meets one long write timeout


@dataclass(frozen=True)
class PrintResult:
    """A job the printer accepted: ``printed`` is True only after the status check after the job."""

    printed: bool
    status: PrinterStatus
    bytes_sent: int
    confirmed: bool = True  # False only with ``status_queries=False``: sent, not verifiable


class TicketPrinter(DeviceWorker):
    """ESC/POS ticket printer on a serial, socket, USB or emulated port.

    ``on_status`` receives a DeviceStatus once per change: ``ok``, ``warning``
    (paper near end), ``error`` (paper out, cover open…) or ``unavailable``.
    ``settle_time`` is how long to wait after sending a job before the
    confirming status query, so a printer that runs out of paper while the
    slip is still feeding is caught; about one slip's print time on hardware.
    """

    kind = "printer"

    def __init__(self, url: str, *, on_status=None, encoder: ReceiptEncoder | None = None,
                 poll_interval: float = 3.0, status_timeout: float = 0.3, settle_time: float = 0.5,
                 status_queries: bool = True, baudrate: int = 9600, open_options: dict | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 **worker_options):
        options = {"baudrate": baudrate, "timeout": status_timeout, **(open_options or {})}
        super().__init__(url, on_status=on_status, open_options=options, **worker_options)
        self.encoder = encoder or ReceiptEncoder()
        self.poll_interval, self.status_timeout = poll_interval, status_timeout
        self.settle_time, self.status_queries = settle_time, status_queries
        self._clock, self._sleep = clock, sleep
        self._last_poll = float("-inf")
        self._printer_status: PrinterStatus | None = None
        self._unavailable_reported = False

    # -- public API --------------------------------------------------------
    @property
    def printer_status(self) -> PrinterStatus | None:
        """The last status the printer reported (None before the first answer)."""
        return self._printer_status

    def query_status(self, timeout: float = 2.0) -> PrinterStatus:
        """Ask the printer now (DLE EOT 1–4); raises DeviceUnavailable / DeviceTimeout."""
        return self.call(self._poll_now, timeout)

    def print_receipt(self, receipt, timeout: float = 10.0) -> PrintResult:
        """Print a TicketReceipt or ChecklistReceipt and confirm the printer took it.

        Refuses before sending anything with PaperOut, CoverOpen, PrinterOffline,
        CutterError or PrinterFault; raises PrintNotConfirmed when the printer
        reports a problem (paper ran out mid-job) or stops answering after the job.
        """
        job = self.encoder.encode(receipt)  # on the caller's thread: the worker keeps polling
        return self.print_bytes(job, timeout)

    def print_bytes(self, job: bytes, timeout: float = 10.0) -> PrintResult:
        """Send an already encoded job with the same checks as :meth:`print_receipt`."""
        deadline = self._clock() + timeout
        return self.call(lambda port: self._run_job(port, job, deadline), timeout)

    # -- worker hooks ------------------------------------------------------
    def on_connected(self, port) -> None:
        self._printer_status = None
        if self.status_queries:
            self._printer_status = self._read_status(port)  # a silent port is not a printer
        self._last_poll = self._clock()

    def healthy_status(self) -> DeviceStatus:
        if self._printer_status is None:
            return DeviceStatus(self.kind, "ok", "打印机已连接（不查询状态）",
                                "printer connected (status not queried)", {"paper": "unknown"})
        return self._printer_status.to_device_status()

    def idle(self, port) -> None:
        if self.status_queries and self._clock() - self._last_poll >= self.poll_interval:
            self._poll_now(port)

    def set_status(self, status: DeviceStatus) -> None:
        """As the worker's, but a run of ``unavailable`` reports once, whatever its message.

        The worker's first failure ("connection lost") and its reconnect attempts
        ("cannot open port") carry different messages; the shell wants one report.
        """
        unavailable = status.state == "unavailable"
        if unavailable and self._unavailable_reported:
            return
        self._unavailable_reported = unavailable
        super().set_status(status)

    # -- on the worker thread ----------------------------------------------
    def _poll_now(self, port) -> PrinterStatus:
        self._last_poll = self._clock()
        status = self._read_status(port)
        self._printer_status = status
        self.set_status(status.to_device_status())
        return status

    def _read_status(self, port) -> PrinterStatus:
        try:
            replies = {n: self._ask(port, n) for n in protocol.STATUS_KINDS}
        except DeviceTimeout as exc:
            # A port that opens but never answers: printer off or not a printer.
            raise DeviceUnavailable("打印机无响应，请检查电源和连接线",
                                    "printer does not answer; check power and cable") from exc
        return protocol.parse_status(replies)

    def _ask(self, port, n: int) -> int:
        """DLE EOT n, then exactly one valid status byte within ``status_timeout`` (§2.3).

        Bytes without the fixed status bits are skipped (resync after noise).
        """
        _drop_stale_input(port)
        port.write(protocol.status_request(n))
        port.flush()
        deadline = self._clock() + self.status_timeout
        for _ in range(MAX_STATUS_READS):  # bounded even if a port returns noise forever
            if self._clock() >= deadline:
                break
            data = port.read(1)
            if data and protocol.is_status_byte(data[0]):
                return data[0]
        raise DeviceTimeout(f"打印机未回复状态查询（DLE EOT {n}）",
                            f"printer did not answer status request DLE EOT {n}")

    def _run_job(self, port, job: bytes, deadline: float) -> PrintResult:
        if not self.status_queries:
            self._send(port, job, deadline)
            return PrintResult(True, PrinterStatus(), len(job), confirmed=False)
        refusal = refusal_for(self._poll_now(port))
        if refusal is not None:
            raise refusal
        self._send(port, job, deadline)
        if self.settle_time:
            self._sleep(self.settle_time)
        return PrintResult(True, self._confirm(port), len(job))

    def _confirm(self, port) -> PrinterStatus:
        try:
            status = self._poll_now(port)
        except DeviceUnavailable as exc:
            raise not_confirmed("no_reply") from exc
        if not status.can_print:
            raise not_confirmed(status.problem, status)
        return status

    def _send(self, port, job: bytes, deadline: float) -> None:
        for start in range(0, len(job), WRITE_CHUNK):
            if self._clock() > deadline:
                raise not_confirmed("no_reply")
            port.write(job[start:start + WRITE_CHUNK])
        port.flush()


def _drop_stale_input(port) -> None:
    """Forget a late reply to an earlier query, so it cannot answer this one."""
    try:
        port.reset_input_buffer()
    except PORT_ERRORS as exc:
        raise DeviceUnavailable(f"打印机连接中断：{exc}", f"printer connection lost: {exc}") from exc
