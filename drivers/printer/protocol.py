"""ESC/POS codec for the queue-ticket printer, without I/O (devices.md §2).

Three things live here, all pure:

* the commands python-escpos 3.1 does not send right for a Chinese printer:
  Chinese mode (FS & / FS .) and DLE EOT real-time status requests (§2.1, §2.3);
* :func:`encode_line`: a line of text as the bytes a Chinese-mode printer prints,
  or ``None`` when the printer's built-in font lacks a character (§2.1: two-byte
  GB18030 areas only), so the caller renders the line as an image instead;
* :class:`PrinterStatus` and the DLE EOT reply parser.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from drivers.errors import ProtocolError
from drivers.status import DeviceStatus

# §2.1: Chinese-market printers take GB18030 two-byte codes in "Chinese mode".
KANJI_ON = b"\x1c\x26"   # FS &
KANJI_OFF = b"\x1c\x2e"  # FS .
INIT = b"\x1b\x40"       # ESC @
LF = b"\n"

STATUS_PRINTER, STATUS_OFFLINE_CAUSE, STATUS_ERROR_CAUSE, STATUS_PAPER = 1, 2, 3, 4
STATUS_KINDS = (STATUS_PRINTER, STATUS_OFFLINE_CAUSE, STATUS_ERROR_CAUSE, STATUS_PAPER)

# Charsets whose two-byte area the printer's built-in font is assumed to cover
# (§2.1: "GB18030 only supports double bytes"); configurable per printer model.
CHARSETS = ("gbk", "gb2312")

# Symbols with no two-byte GB code that have a full-width twin that does: U+00A5
# is four bytes in GB18030, and a single-byte A5 in Chinese mode is a lead byte
# that swallows the next character (§2.1, SPRT note; §2.4 pitfalls).
SUBSTITUTES = {"\u00a5": "\uffe5", "\u00a0": " ", "\t": "    "}


def status_request(n: int) -> bytes:
    """The DLE EOT request for status kind ``n`` (1 printer, 2 offline cause, 3 error cause, 4 paper)."""
    if n not in STATUS_KINDS:
        raise ValueError(f"DLE EOT n must be 1-4, got {n}")
    return bytes((0x10, 0x04, n))


def is_status_byte(b: int) -> bool:
    """Every DLE EOT reply has the fixed bit pattern ``0xx1xx10`` (§2.3)."""
    return (b & 0x93) == 0x12


def first_status_byte(data: bytes) -> int | None:
    """The first byte of ``data`` that is a valid status reply; anything else is skipped.

    Skipping is how a reader resynchronises after line noise or a stale XON/XOFF.
    """
    for b in data:
        if is_status_byte(b):
            return b
    return None


def printable_text(text: str) -> str:
    """``text`` with the substitutions applied and control characters removed.

    Control characters are dropped so data (a service name from the catalogue)
    can never smuggle a command into the job.
    """
    text = "".join(SUBSTITUTES.get(ch, ch) for ch in text)
    return "".join(ch for ch in text if ch >= " " and ch != "\x7f" and not 0x80 <= ord(ch) < 0xA0)


def char_printable(ch: str, charset: str = "gbk") -> bool:
    """Whether the printer's font has ``ch``: printable ASCII, or two bytes in ``charset``.

    "gb2312" is judged by the code's rows (lead A1–F7, trail A1–FE) rather than by
    Python's gb2312 codec, which maps A1AA to U+2015 and so would reject "—".
    """
    if " " <= ch <= "~":
        return True
    try:
        code = ch.encode("gb18030")
        if len(code) != 2:
            return False
        if charset == "gb2312":
            return 0xA1 <= code[0] <= 0xF7 and code[1] >= 0xA1
        return len(ch.encode("gbk")) == 2
    except UnicodeEncodeError:
        return False


def encode_line(text: str, charset: str = "gbk") -> bytes | None:
    """GB18030 bytes of one line for Chinese mode, or ``None`` if a character is missing.

    Works for lines of only Chinese punctuation ("——", "，。"), which python-escpos
    3.1 turns into ``??`` (§2.4 pitfall), and for ``¥`` (sent as ``￥``).
    """
    if charset not in CHARSETS:
        raise ValueError(f"charset must be one of {CHARSETS}, got {charset!r}")
    text = printable_text(text)
    if not all(char_printable(ch, charset) for ch in text):
        return None
    return text.encode("gb18030")


def display_columns(text: str) -> int:
    """Columns ``text`` takes in the printer's font: ASCII 1, a two-byte character 2."""
    return sum(1 if ord(ch) < 0x80 else 2 for ch in text)


PAPER_OK, PAPER_NEAR_END, PAPER_OUT = "ok", "near_end", "out"

_MESSAGES = {
    # problem: (state, 中文, English)
    "cover_open": ("error", "打印机仓盖未关闭，请联系工作人员", "printer cover open"),
    "paper_out": ("error", "打印机缺纸，请联系工作人员", "printer out of paper"),
    "cutter_error": ("error", "打印机切刀故障，请联系工作人员", "printer cutter error"),
    "printer_fault": ("error", "打印机故障，请联系工作人员", "printer error"),
    "printer_offline": ("error", "打印机离线，请联系工作人员", "printer offline"),
    "paper_near_end": ("warning", "打印纸即将用完，请及时更换", "printer paper near end"),
    None: ("ok", "打印机正常", "printer ready"),
}


@dataclass(frozen=True)
class PrinterStatus:
    """What the four DLE EOT replies say about the printer (§2.3)."""

    online: bool = True
    cover_open: bool = False
    paper: str = PAPER_OK
    cutter_error: bool = False
    other_error: bool = False  # unrecoverable or auto-recoverable error (n=3 bits 5, 6)

    @property
    def problem(self) -> str | None:
        """The most important thing wrong, as a code; ``None`` when all is well.

        Order matters: paper out also sets the offline bit (§2.3), and the
        resident's message should name the cause, not the symptom.
        """
        if self.cover_open:
            return "cover_open"
        if self.paper == PAPER_OUT:
            return "paper_out"
        if self.cutter_error:
            return "cutter_error"
        if self.other_error:
            return "printer_fault"
        if not self.online:
            return "printer_offline"
        return "paper_near_end" if self.paper == PAPER_NEAR_END else None

    @property
    def can_print(self) -> bool:
        return self.problem in (None, "paper_near_end")

    def to_device_status(self) -> DeviceStatus:
        """The shared health shape (drivers.status) with zh + en messages."""
        state, message, message_en = _MESSAGES[self.problem]
        details = {"paper": self.paper, "online": self.online, "cover_open": self.cover_open,
                   "cutter_error": self.cutter_error}
        return DeviceStatus("printer", state, message, message_en, details)

    def as_dict(self) -> dict:
        out = {"online": self.online, "cover_open": self.cover_open, "paper": self.paper,
               "cutter_error": self.cutter_error, "other_error": self.other_error}
        out.update(self.to_device_status().as_component())
        return out


def problem_message(problem: str) -> tuple[str, str]:
    """The zh + en message for a problem code of :attr:`PrinterStatus.problem`."""
    _, zh, en = _MESSAGES[problem]
    return zh, en


def parse_status(replies: Mapping[int, int]) -> PrinterStatus:
    """Combine the DLE EOT replies (n → byte) into a :class:`PrinterStatus`.

    Kinds that were not asked are taken as healthy, so a driver may skip n=3
    when n=2 reports no error. A byte without the fixed bits raises ProtocolError.
    """
    for n, b in replies.items():
        if n not in STATUS_KINDS or not 0 <= b <= 0xFF or not is_status_byte(b):
            raise ProtocolError(f"打印机状态字节无效：n={n} 值={b!r}",
                                f"invalid printer status byte: n={n} value={b!r}")
    printer = replies.get(STATUS_PRINTER, 0x12)
    offline = replies.get(STATUS_OFFLINE_CAUSE, 0x12)
    error = replies.get(STATUS_ERROR_CAUSE, 0x12)
    paper = replies.get(STATUS_PAPER, 0x12)
    return PrinterStatus(
        online=not printer & 0x08,
        cover_open=bool(offline & 0x04),
        paper=_paper_state(paper, offline),
        cutter_error=bool(error & 0x08),
        other_error=bool(error & 0x60),
    )


def _paper_state(paper: int, offline: int) -> str:
    # n=4 bits 5,6 paper end, bits 2,3 near end; n=2 bit 5 printing stopped at paper end.
    if paper & 0x60 or offline & 0x20:
        return PAPER_OUT
    return PAPER_NEAR_END if paper & 0x0C else PAPER_OK


def status_bytes(status: PrinterStatus) -> dict[int, int]:
    """The replies a printer in ``status`` gives (§2.3 emulator values); the inverse of parse_status."""
    out = status.paper == PAPER_OUT
    offline = not status.online or out or status.cover_open or status.cutter_error
    n1 = 0x12 | (0x08 if offline else 0)
    n2 = 0x12 | (0x04 if status.cover_open else 0) | (0x20 if out else 0) \
        | (0x40 if status.cutter_error or status.other_error else 0)
    n3 = 0x12 | (0x08 if status.cutter_error else 0) | (0x40 if status.other_error else 0)
    n4 = 0x12 | (0x6C if out else 0x0C if status.paper == PAPER_NEAR_END else 0)
    return {1: n1, 2: n2, 3: n3, 4: n4}
