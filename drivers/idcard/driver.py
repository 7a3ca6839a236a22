"""The ID card reader on its own worker thread (CONVENTIONS.md rule 4).

:class:`IdCardReader` polls find → select → read (devices.md §1.13.1) and calls
``on_card(IdCard)`` once per presentation. A read card is halted by the reader and
is not found again until it leaves the field (§1.13.3), so "find fails" cannot tell
"gone" from "still lying there". While a read card may still be present the driver
therefore asks for the appended address (``30 03``): the reader answers 90/91 while
the card is in the field and fails once it is gone, which is when ``on_removed()``
fires. (Vendor SDKs detect removal the same way — routon's loop mode polls its
read-new-address call after a read; devices.md has it as [U] until checked on the
hall's reader model.)

Callbacks run on the worker thread; a Qt shell re-emits them as signals.
"""
from __future__ import annotations

import logging
import time
from typing import Callable

from drivers.errors import DeviceError, DeviceTimeout, ProtocolError
from drivers.idcard.card import IdCard
from drivers.idcard.errors import (CardSelectFailed, NoCard, ReaderStatusError, SamError)
from drivers.idcard.protocol import (Command, FrameParser, Response, decode_read_data,
                                     decode_response, decode_sam_id, encode_command)
from drivers.idcard.text import parse_appended_address, parse_text_block
from drivers.status import DeviceStatus
from drivers.worker import DeviceWorker, StatusCallback

log = logging.getLogger(__name__)

DEFAULT_BAUDRATE = 115200  # devices.md §1.2
FAILURES_BEFORE_ERROR = 3


class IdCardReader(DeviceWorker):
    """A GA/T 467 SAM reader on ``url`` (serial path, ``socket://``, ``emu://idcard``).

    ``on_card(card)``: a card was read (once per presentation). ``on_removed()``: the
    read card left the field. ``on_error(exc)``: a presented card could not be read
    (typed :class:`~drivers.idcard.errors.IdCardError`), once per streak.
    ``polling=False`` turns the loop off (probes use :meth:`read_once`).
    """

    kind = "idcard"

    def __init__(self, url: str, *, on_card: Callable[[IdCard], None] | None = None,
                 on_removed: Callable[[], None] | None = None, on_status: StatusCallback | None = None,
                 on_error: Callable[[DeviceError], None] | None = None, baudrate: int = DEFAULT_BAUDRATE,
                 polling: bool = True, poll_interval: float = 0.3, response_timeout: float = 1.0,
                 read_timeout: float = 3.0, retries: int = 2, with_fingerprint: bool = False,
                 sam_check_interval: float = 3.0, clock: Callable[[], float] = time.monotonic, **worker):
        open_options = {"baudrate": baudrate, "timeout": 0.05, **worker.pop("open_options", {})}
        super().__init__(url, on_status=on_status, open_options=open_options, **worker)
        self.on_card, self.on_removed, self.on_error = on_card, on_removed, on_error
        self.polling = polling
        self.poll_interval, self.sam_check_interval = poll_interval, sam_check_interval
        self.response_timeout, self.read_timeout = response_timeout, read_timeout
        self.retries, self.with_fingerprint = retries, with_fingerprint
        self.clock = clock
        self.sam_id: str | None = None
        self.protocol_errors = 0  # frames that failed checksum/length and were retried
        self._parser = FrameParser()
        self._sam_problem: SamError | None = None
        self._card_in_field = False
        self._last_error_code: str | None = None
        self._failures = 0
        self._next_poll = self._next_sam_check = 0.0

    # -- public API (any thread) ---------------------------------------------
    def read_once(self, timeout: float = 10.0) -> IdCard:
        """Wait up to ``timeout`` s for a card and read it; NoCard if none came."""
        def job(port):
            deadline = self.clock() + timeout
            while True:
                try:
                    return self._take_card(port)
                except (NoCard, CardSelectFailed):
                    if self.clock() >= deadline:
                        raise
                    time.sleep(min(self.poll_interval, 0.1))
        return self.call(job, timeout=timeout + self.read_timeout + 4 * self.response_timeout)

    def reset(self) -> None:
        """Reset the SAM (``10 FF``)."""
        self.call(lambda port: self._exchange(port, Command.RESET).expect(0x90))

    def sam_status(self) -> None:
        """Ask the SAM for its status (``11 FF``); raise the typed SamError if it is not fine."""
        self.call(lambda port: self._exchange(port, Command.SAM_STATUS).expect(0x90))

    def read_sam_id(self) -> str:
        """The SAM's ID in display form (``12 FF``, devices.md §1.10)."""
        return self.call(lambda port: decode_sam_id(self._exchange(port, Command.SAM_ID).expect(0x90).data))

    def read_appended_address(self) -> str:
        """The latest appended address of the card in the field ('' if it has none)."""
        def job(port):
            resp = self._exchange(port, Command.READ_APPENDED_ADDRESS)
            return "" if resp.sw3 == 0x91 else parse_appended_address(resp.expect(0x90).data)
        return self.call(job)

    # -- DeviceWorker hooks (worker thread) -----------------------------------
    def on_connected(self, port) -> None:
        """Check the SAM and read its ID; a silent port raises DeviceTimeout (wrong baud?)."""
        self._parser.reset()
        self._card_in_field, self._failures, self._last_error_code = False, 0, None
        self.sam_id = None  # after a replug it may be another reader
        try:
            self._check_sam(port)
        except DeviceTimeout as exc:
            raise DeviceTimeout("读卡器无响应，请检查端口、波特率（默认 115200）和电源",
                                "the card reader does not answer: check port, baud rate (default 115200) and power") from exc

    def healthy_status(self) -> DeviceStatus:
        details = {"sam_id": self.sam_id} if self.sam_id else {}
        if self._sam_problem is not None:
            return DeviceStatus(self.kind, "error", self._sam_problem.message, self._sam_problem.message_en, details)
        return DeviceStatus(self.kind, "ok", details=details)

    def idle(self, port) -> None:
        now = self.clock()
        if now < self._next_poll:
            return
        self._next_poll = now + self.poll_interval
        try:
            if self._sam_problem is not None or now >= self._next_sam_check:
                self._check_sam(port)
            if self.polling and self._sam_problem is None:
                self._poll_card(port)
        except (DeviceTimeout, ProtocolError, ReaderStatusError) as exc:
            self._count_failure(exc)
            return
        self._failures = 0
        self.set_status(self.healthy_status())

    # -- the card session ----------------------------------------------------
    def _poll_card(self, port) -> None:
        if self._card_in_field:
            if self._exchange(port, Command.READ_APPENDED_ADDRESS).sw3 not in (0x90, 0x91):
                self._card_in_field = False
                log.info("id card left the reader")
                self._emit(self.on_removed)
            return
        try:
            card = self._take_card(port)
        except (NoCard, CardSelectFailed):
            self._last_error_code = None
            return
        except SamError as exc:  # the SAM failed mid-session: a reader fault, not a card's
            self._sam_problem = exc
            return
        except (ReaderStatusError, ProtocolError) as exc:
            self._report_card_error(exc)
            return
        self._emit(self.on_card, card)

    def _take_card(self, port) -> IdCard:
        """find → select → read → parse; the card counts as in the field once its read went through."""
        self._exchange(port, Command.FIND).expect(0x9F)
        self._exchange(port, Command.SELECT).expect(0x90)
        command = Command.READ_WITH_FINGERPRINT if self.with_fingerprint else Command.READ
        resp = self._exchange(port, command, timeout=self.read_timeout).expect(0x90)
        self._card_in_field = True  # halted from here on (§1.13.3), whether or not it parses
        record = decode_read_data(resp.data, with_fingerprint=self.with_fingerprint)
        card = parse_text_block(record.text, photo_wlt=record.photo, fingerprint=record.fingerprint)
        self._last_error_code = None
        log.info("id card read: %r", card)  # masked by IdCard.__repr__
        return card

    def _report_card_error(self, exc: DeviceError) -> None:
        if exc.code == self._last_error_code:
            return
        self._last_error_code = exc.code
        log.warning("id card could not be read: %s", exc.message_en)
        self._emit(self.on_error, exc)

    def _check_sam(self, port) -> None:
        self._next_sam_check = self.clock() + self.sam_check_interval
        try:
            self._exchange(port, Command.SAM_STATUS).expect(0x90)
        except SamError as exc:
            self._sam_problem = exc
            self.set_status(self.healthy_status())
            return
        self._sam_problem = None
        if self.sam_id is None:
            self.sam_id = decode_sam_id(self._exchange(port, Command.SAM_ID).expect(0x90).data)

    def _count_failure(self, exc: DeviceError) -> None:
        self._failures += 1
        log.debug("id card reader exchange failed: %s", exc.message_en)
        if self._failures >= FAILURES_BEFORE_ERROR:
            self.set_status(DeviceStatus(self.kind, "error", "读卡器无响应或应答错误，请检查连接和波特率",
                                         "the card reader does not answer properly: check cable and baud rate"))

    # -- one exchange on the wire ---------------------------------------------
    def _exchange(self, port, command: Command, data: bytes = b"", *, timeout: float | None = None) -> Response:
        """Send one command and return its answer, retrying line noise (§1.6 codes 10/11 included)."""
        attempts = self.retries + 1
        while True:
            attempts -= 1
            try:
                resp = self._transact(port, command, data, timeout or self.response_timeout)
            except ProtocolError:
                self.protocol_errors += 1
                if not attempts:
                    raise
                continue
            if resp.sw3 not in (0x10, 0x11) or not attempts:
                return resp
            self.protocol_errors += 1

    def _transact(self, port, command: Command, data: bytes, timeout: float) -> Response:
        # Drop stale bytes (a late answer to a timed-out command). Read them rather than
        # reset_input_buffer(): on a hung-up pty tcflush raises termios.error, which is
        # neither OSError nor SerialException, so the worker would not see the unplug.
        stale = port.in_waiting
        if stale:
            port.read(stale)
        self._parser.reset()
        port.write(encode_command(command, data))
        deadline = self.clock() + timeout
        while True:
            payload = self._parser.next_payload()
            if payload is not None:
                return decode_response(payload)
            if self.clock() >= deadline:
                raise DeviceTimeout("读卡器应答超时", f"the card reader did not answer {command.name} in time")
            chunk = port.read(max(1, port.in_waiting))
            if chunk:
                self._parser.feed(chunk)

    def _emit(self, callback, *args) -> None:
        if callback is None:
            return
        try:
            callback(*args)
        except Exception:  # a shell's callback must never kill the worker
            log.exception("id card callback failed")
