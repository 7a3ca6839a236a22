"""Receipt → one ESC/POS job (bytes), with python-escpos 3.1 where it is right.

python-escpos's ``Dummy`` printer collects bytes without a device, so it serves
as the encoder for the commands it sends correctly (GS ! sizing, ESC E, ESC a,
GS ( k QR, GS v 0 raster, GS V cut). Its pitfalls are worked around on purpose
(devices.md §2.4):

* ``text()`` is never used: it sends only strings with an ideograph as GB18030,
  turns a punctuation-only line ("——", "，。") into ``??``, and sends ``¥`` as a
  single byte that a Chinese-mode printer reads as a lead byte. Lines go through
  :func:`drivers.printer.protocol.encode_line` and ``_raw`` in Chinese mode (FS &),
  the route the maintainer suggests in issue #491.
* Lines with characters the printer's font lacks become raster images (§2.1).
* ``image()`` prints a warning to stdout unless the profile knows the paper
  width, so each job's profile is given one.
* Nothing is sent from here: the bytes go out through ``drivers.transport`` on
  the driver's worker thread (escpos's ``Serial`` only takes a device path).
"""
from __future__ import annotations

import copy

from escpos.printer import Dummy

from drivers.printer import protocol
from drivers.printer.raster import LineRenderer
from drivers.printer.receipts import CUT_PARTIAL, Cut, Feed, LayoutOptions, Line, Qr, layout

QR_EC_LEVELS = {"L": 0, "M": 1, "Q": 2, "H": 3}  # python-escpos QR_ECLEVEL_* values


class EscPosJob:
    """Bytes of one print job, built command by command on a python-escpos ``Dummy``."""

    def __init__(self, paper_dots: int = 576):
        self._p = Dummy()
        media = copy.deepcopy(self._p.profile.profile_data)
        media["media"]["width"]["pixels"] = paper_dots
        self._p.profile.profile_data = media  # per instance: the class attribute is shared
        self._style: tuple | None = None
        self._p._raw(protocol.INIT + protocol.KANJI_ON)

    def style(self, align: str = "left", bold: bool = False, width: int = 1, height: int = 1) -> None:
        """Set alignment, bold and GS ! size; sends only what changed."""
        wanted = (align, bold, width, height)
        if wanted != self._style:
            self._p.set(align=align, bold=bold, custom_size=True, width=width, height=height)
            self._style = wanted

    def text_line(self, encoded: bytes) -> None:
        """One line already encoded for Chinese mode (see ``protocol.encode_line``)."""
        self._p._raw(encoded + protocol.LF)

    def image(self, img) -> None:
        """A raster image (GS v 0), already padded to the paper width."""
        self._p.image(img, impl="bitImageRaster", high_density_vertical=True,
                      high_density_horizontal=True)

    def qr(self, payload: str, module_size: int = 6, ec: str = "M", native: bool = True) -> None:
        """A QR code: native GS ( k model 2 (§2.2), or an image for printers without it."""
        self.style(align="center")
        self._p.qr(payload, ec=QR_EC_LEVELS[ec], size=module_size, native=native, center=not native)
        if native:
            self._p._raw(protocol.LF)

    def feed(self, lines: int) -> None:
        self._p.print_and_feed(lines)

    def cut(self, mode: str) -> None:
        """Feed to the cutter and cut (ESC d 6, GS V 00 / 01)."""
        self._p.cut(mode="PART" if mode == CUT_PARTIAL else "FULL")

    @property
    def output(self) -> bytes:
        return self._p.output


class ReceiptEncoder:
    """Encodes receipts for one printer model.

    ``paper_dots``: 576 for 80 mm paper, 384 for 58 mm. ``charset``: which
    two-byte area the printer's font covers ("gbk" or "gb2312"); other characters
    are drawn with the CJK font at ``font_path`` (found with fontconfig if None),
    looked up only when first needed.
    """

    def __init__(self, *, paper_dots: int = 576, charset: str = "gbk", font_path: str | None = None,
                 native_qr: bool = True, qr_ec: str = "M", number_size: int = 4,
                 renderer: LineRenderer | None = None):
        if charset not in protocol.CHARSETS:
            raise ValueError(f"charset must be one of {protocol.CHARSETS}, got {charset!r}")
        self.paper_dots, self.charset, self.font_path = paper_dots, charset, font_path
        self.native_qr, self.qr_ec = native_qr, qr_ec
        self.options = LayoutOptions(columns=paper_dots // 12, number_size=number_size)
        self._renderer = renderer

    @property
    def renderer(self) -> LineRenderer:
        if self._renderer is None:
            self._renderer = LineRenderer(self.font_path, paper_dots=self.paper_dots)
        return self._renderer

    def encode(self, receipt) -> bytes:
        """The whole job for a TicketReceipt or ChecklistReceipt, from ESC @ to the cut."""
        return self.encode_blocks(layout(receipt, self.options))

    def encode_blocks(self, blocks) -> bytes:
        job = EscPosJob(self.paper_dots)
        for block in blocks:
            if isinstance(block, Line):
                self._line(job, block)
            elif isinstance(block, Qr):
                job.qr(block.payload, block.module_size, self.qr_ec, self.native_qr)
            elif isinstance(block, Feed):
                job.feed(block.lines)
            elif isinstance(block, Cut):
                job.style()
                job.cut(block.mode)
        return job.output

    def _line(self, job: EscPosJob, line: Line) -> None:
        encoded = protocol.encode_line(line.text, self.charset)
        if encoded is not None:
            job.style(line.align, line.bold, line.width, line.height)
            job.text_line(encoded)
            return
        # A character outside the printer's font: the whole line as an image (§2.1).
        job.image(self.renderer.render(protocol.printable_text(line.text), align=line.align,
                                       width=line.width, height=line.height, bold=line.bold))
