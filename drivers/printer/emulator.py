"""The printer side of the wire: a Chinese thermal ESC/POS printer (devices.md §2.5).

Parses what the host sends with :class:`EscPosTokenizer`, answers DLE EOT at
once (even mid-job) with the §2.3 status byte for its state, and records the
documents it "prints" (decoded lines with their size, QR payloads, raster
images, the cut) so tests can assert what reached the paper. Serve it with
``drivers.emulation.PtyHost``.

Scenarios: ``ok``, ``near_end``, ``out``, ``cover_open``, ``offline``,
``cutter_error``, ``silent`` (never answers status), ``runs_out_after:N``
(paper ends after N more printed lines).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace

from drivers.printer.protocol import PAPER_NEAR_END, PAPER_OK, PAPER_OUT, PrinterStatus, status_bytes
from drivers.printer.tokenizer import EscPosTokenizer, GbTextDecoder, Token

SCENARIOS = ("ok", "near_end", "out", "cover_open", "offline", "cutter_error", "silent",
             "runs_out_after:N")
ALIGNS = {0: "left", 1: "center", 2: "right", 0x30: "left", 0x31: "center", 0x32: "right"}
FULL_CUTS, PARTIAL_CUTS = (0x00, 0x30, 0x41, 0x61), (0x01, 0x31, 0x42, 0x62)


@dataclass
class PrintedLine:
    """A line as it came out: decoded text and the GS ! size, bold and alignment it had."""

    text: str
    width: int = 1
    height: int = 1
    bold: bool = False
    align: str = "left"


@dataclass
class Raster:
    """A GS v 0 image: ``width_bytes`` × 8 dots wide, ``height`` dots high, 1 = black."""

    width_bytes: int
    height: int
    data: bytes

    @property
    def black_dots(self) -> int:
        return sum(bin(b).count("1") for b in self.data)


@dataclass
class PrintedDocument:
    """Everything printed between two cuts."""

    lines: list[PrintedLine] = field(default_factory=list)
    qr_payloads: list[str] = field(default_factory=list)
    rasters: list[Raster] = field(default_factory=list)
    cut: str | None = None
    interrupted: bool = False

    @property
    def text_lines(self) -> list[str]:
        return [line.text for line in self.lines]

    @property
    def text(self) -> str:
        return "\n".join(self.text_lines)

    @property
    def raster_count(self) -> int:
        return len(self.rasters)

    def find_line(self, fragment: str) -> PrintedLine | None:
        return next((line for line in self.lines if fragment in line.text), None)

    @property
    def empty(self) -> bool:
        return not (self.lines or self.qr_payloads or self.rasters)


class PrinterEmulator:
    """A thermal printer: ``receive(bytes) -> reply bytes`` for ``PtyHost``."""

    def __init__(self, scenario: str | None = None, *, chinese_mode: bool = True):
        self._lock = threading.Lock()
        self._tokens = EscPosTokenizer()
        self._decoder = GbTextDecoder()
        self._power_on_chinese = chinese_mode  # Chinese models start in Chinese mode (§2.1)
        self.documents: list[PrintedDocument] = []
        self.interrupted: list[PrintedDocument] = []
        self.status_requests = 0
        self.lines_printed = 0
        self.unknown_commands = 0
        self._status = PrinterStatus()
        self._silent = False
        self._lines_left: int | None = None
        self._reset_modes()
        self._doc = PrintedDocument()
        self.set_scenario(scenario or "ok")

    # -- scenario control (thread-safe, usable while a job runs) ----------
    def set_scenario(self, scenario: str) -> None:
        """Switch to one of :data:`SCENARIOS` (``runs_out_after:12`` …)."""
        name, _, arg = scenario.partition(":")
        states = {"ok": PrinterStatus(), "near_end": PrinterStatus(paper=PAPER_NEAR_END),
                  "out": PrinterStatus(online=False, paper=PAPER_OUT),
                  "cover_open": PrinterStatus(online=False, cover_open=True),
                  "offline": PrinterStatus(online=False),
                  "cutter_error": PrinterStatus(online=False, cutter_error=True),
                  "silent": PrinterStatus(), "runs_out_after": PrinterStatus()}
        if name not in states or (name == "runs_out_after") != bool(arg) or (arg and not arg.isdigit()):
            raise ValueError(f"unknown printer scenario {scenario!r}; known: {', '.join(SCENARIOS)}")
        with self._lock:
            self._status = states[name]
            self._silent = name == "silent"
            self._lines_left = int(arg) if arg else None
            self._tear_off()

    def set_paper(self, paper: str) -> None:
        """Load paper (``ok``), let it run low (``near_end``) or out (``out``)."""
        if paper not in (PAPER_OK, PAPER_NEAR_END, PAPER_OUT):
            raise ValueError(f"paper must be ok, near_end or out, got {paper!r}")
        with self._lock:
            self._status = _with(self._status, paper=paper, online=paper != PAPER_OUT)
            self._lines_left = None
            self._tear_off()

    def set_cover_open(self, is_open: bool) -> None:
        with self._lock:
            self._status = _with(self._status, cover_open=is_open, online=not is_open)
            self._tear_off()

    @property
    def state(self) -> PrinterStatus:
        return self._status

    @property
    def last_document(self) -> PrintedDocument | None:
        with self._lock:
            return self.documents[-1] if self.documents else None

    # -- the wire ----------------------------------------------------------
    def receive(self, data: bytes) -> bytes:
        """Process bytes from the host; return status replies for any DLE EOT among them."""
        replies = bytearray()
        with self._lock:
            for token in self._tokens.feed(data):
                reply = self._apply(token)
                if reply is not None:
                    replies.append(reply)
        return bytes(replies)

    def _apply(self, token: Token) -> int | None:
        if token.kind == "status_request":
            return self._status_reply(token.args[0])
        handler = getattr(self, f"_on_{token.kind}", None)
        if handler is None:
            self.unknown_commands += token.kind in ("unknown", "error")
            return None
        handler(token)
        return None

    def _status_reply(self, n: int) -> int | None:
        self.status_requests += 1
        if self._silent or n not in (1, 2, 3, 4):
            return None
        return status_bytes(self._status)[n]

    @property
    def _can_print(self) -> bool:
        return self._status.can_print

    # -- command handlers (names follow Token.kind) ------------------------
    def _on_init(self, _: Token) -> None:
        self._reset_modes()

    def _on_kanji_on(self, _: Token) -> None:
        self._chinese = True

    def _on_kanji_off(self, _: Token) -> None:
        self._chinese = False

    def _on_align(self, t: Token) -> None:
        self._align = ALIGNS.get(t.args[0], "left")

    def _on_bold(self, t: Token) -> None:
        self._bold = bool(t.args[0] & 1)

    def _on_char_size(self, t: Token) -> None:
        # GS ! n: high nibble width − 1, low nibble height − 1 (§2.1).
        self._width, self._height = min((t.args[0] >> 4) + 1, 8), min((t.args[0] & 0x0F) + 1, 8)

    def _on_text(self, t: Token) -> None:
        if self._chinese:
            self._line += self._decoder.decode(t.data)
        else:
            self._line += t.data.decode("cp437")

    def _on_lf(self, _: Token) -> None:
        self._finish_line(blank_too=True)

    def _on_feed(self, t: Token) -> None:
        self._finish_line(blank_too=False)
        self._consume_paper(t.args[0])

    def _on_qr(self, t: Token) -> None:
        fn = t.args[0]
        if fn == 0x50 and t.data[:1] == b"0":  # store: m '0' then the data (§2.2)
            self._qr_data = t.data[1:]
        elif fn == 0x51 and self._qr_data is not None and self._consume_paper(1):
            self._doc.qr_payloads.append(self._qr_data.decode("utf-8", errors="replace"))

    def _on_raster(self, t: Token) -> None:
        _, width, height = t.args
        if self._consume_paper(1):
            self._doc.rasters.append(Raster(width, height, t.data))

    def _on_cut(self, t: Token) -> None:
        self._finish_line(blank_too=False)
        if not self._can_print:
            return
        mode = t.args[0]
        self._doc.cut = "partial" if mode in PARTIAL_CUTS else "full"
        if not self._doc.empty:
            self.documents.append(self._doc)
        self._doc = PrintedDocument()

    # -- paper -------------------------------------------------------------
    def _finish_line(self, blank_too: bool) -> None:
        text, self._line = self._line + self._decoder.reset(), ""
        if not text and not blank_too:
            return
        if self._consume_paper(1):
            self._doc.lines.append(PrintedLine(text, self._width, self._height, self._bold, self._align))

    def _consume_paper(self, lines: int) -> bool:
        """Advance the paper; False (and the document marked interrupted) if it cannot."""
        if self._lines_left is not None:
            if self._lines_left < lines:
                self._lines_left = None
                self._status = _with(self._status, paper=PAPER_OUT, online=False)
            else:
                self._lines_left -= lines
        if not self._can_print:
            self._interrupt()
            return False
        self.lines_printed += lines
        return True

    def _interrupt(self) -> None:
        if not self._doc.interrupted:
            self._doc.interrupted = True
            self.interrupted.append(self._doc)

    def _tear_off(self) -> None:
        # Whoever fixes the printer tears off a half-printed slip; the next job starts clean.
        if getattr(self, "_doc", None) is not None and self._doc.interrupted:
            self._doc = PrintedDocument()

    def _reset_modes(self) -> None:
        self._chinese = self._power_on_chinese
        self._align, self._bold, self._width, self._height = "left", False, 1, 1
        self._line = ""
        self._qr_data: bytes | None = None


def _with(status: PrinterStatus, **changes) -> PrinterStatus:
    return replace(status, **changes)
