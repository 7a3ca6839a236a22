"""Render a certificate on A4 with QPainter: to a PDF file (QPdfWriter) or straight to a
printer (QPrinter) — the same drawing for both, so the preview PDF and the paper agree.

Layout, in tenths of a millimetre on a 210 × 297 mm page: the hall and the document
number at the top of every page; the title; the masked holder block; the labelled
values; the tables (split across pages with their heading repeated); the notes; and
on the last page the verification QR code, the issuing department, the date and the
department's seal. Sample documents carry a diagonal "测试样例" watermark on every page.
Text uses "Noto Sans CJK SC" (Debian fonts-noto-cjk).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontDatabase, QFontMetricsF, QPageSize, QPainter, QPdfWriter, QPen

from kiosk.documents.certificate import CertificateDocument, DocumentTable
from kiosk.documents.marks import FONT_FAMILY, draw_qr, draw_seal, draw_watermark, font
from kiosk.ui.refcount_guard import guard_none_refcount

PAGE_W, PAGE_H, MARGIN = 2100.0, 2970.0, 200.0
TOP, BOTTOM = 330.0, 2970.0 - 230.0           # body area below the header, above the page number
WIDTH = PAGE_W - 2 * MARGIN
FOOTER_HEIGHT = 450.0
WRAP = int(Qt.TextFlag.TextWrapAnywhere)
GRID = QColor(90, 90, 90)
SHADE = QColor(236, 238, 242)


def font_available() -> bool:
    """Whether the CJK font is installed (without it Chinese text prints as boxes)."""
    return FONT_FAMILY in QFontDatabase.families()


def render_pdf(doc: CertificateDocument, path: str | Path, resolution: int = 300) -> Path:
    """Write ``doc`` as an A4 PDF at ``path``; returns the path."""
    path = Path(path)
    writer = QPdfWriter(str(path))
    writer.setResolution(resolution)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(0, 0, 0, 0))
    writer.setTitle(f"{doc.title} {doc.doc_no}")
    writer.setCreator("hallterm")
    painter = QPainter(writer)
    try:
        paint_document(painter, writer, doc, resolution)
    finally:
        painter.end()
    return path


def paint_document(painter: QPainter, device, doc: CertificateDocument, dpi: float) -> int:
    """Draw every page of ``doc`` on an active painter over a paged device; returns the page count."""
    guard_none_refcount()   # thousands of void Qt calls follow: PySide6 6.12.0 on 3.11 (kiosk/ui/refcount_guard.py)
    total = _Layout(painter, device, doc, dpi, dry=True).run()
    return _Layout(painter, device, doc, dpi, dry=False, total=total).run()


class _Layout:
    """One pass over the document: ``dry`` only measures (to count pages)."""

    def __init__(self, painter: QPainter, device, doc: CertificateDocument, dpi: float, *, dry: bool, total: int = 0):
        self.p, self.device, self.doc, self.dpi = painter, device, doc, dpi
        self.dry, self.total = dry, total
        self.page, self.y = 1, TOP

    # --- pages ----------------------------------------------------------------------
    def run(self) -> int:
        self._page_chrome()
        self._title()
        self._holder()
        if self.doc.fields:
            self._fields()
        for table in self.doc.tables:
            self._table(table)
        self._notes()
        self._footer()
        return self.page

    def _new_page(self) -> None:
        if not self.dry:
            self.device.newPage()
        self.page += 1
        self.y = TOP
        self._page_chrome()

    def _ensure(self, height: float) -> None:
        if self.y + height > BOTTOM:
            self._new_page()

    def _page_chrome(self) -> None:
        if self.dry:
            return
        p = self.p
        p.resetTransform()
        p.scale(self.dpi / 254.0, self.dpi / 254.0)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if self.doc.sample:
            draw_watermark(p, QRectF(0, 0, PAGE_W, PAGE_H), "测试样例  无证明效力")
        p.setPen(QColor(60, 60, 60))
        p.setFont(font(26))
        p.drawText(QRectF(MARGIN, 200, WIDTH / 2, 50), int(Qt.AlignmentFlag.AlignLeft), self.doc.hall)
        p.drawText(QRectF(PAGE_W / 2, 200, WIDTH / 2, 50), int(Qt.AlignmentFlag.AlignRight),
                   f"证明编号：{self.doc.doc_no}")
        p.setPen(QPen(GRID, 3))
        p.drawLine(QPointF(MARGIN, 262), QPointF(PAGE_W - MARGIN, 262))
        p.setFont(font(24))
        p.drawText(QRectF(MARGIN, PAGE_H - 180, WIDTH, 40), int(Qt.AlignmentFlag.AlignCenter),
                   f"第 {self.page} 页  共 {self.total} 页")

    # --- text helpers ----------------------------------------------------------------------
    @staticmethod
    def _height(text: str, size: float, width: float, bold: bool = False) -> float:
        rect = QFontMetricsF(font(size, bold)).boundingRect(QRectF(0, 0, width, 10000), WRAP, text)
        return rect.height()

    def _text(self, rect: QRectF, text: str, size: float, *, bold: bool = False,
              align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter) -> None:
        if self.dry:
            return
        self.p.setFont(font(size, bold))
        self.p.setPen(Qt.GlobalColor.black)
        self.p.drawText(rect, int(align) | WRAP, text)

    def _box(self, rect: QRectF, shade: bool = False) -> None:
        if self.dry:
            return
        if shade:
            self.p.fillRect(rect, SHADE)
        self.p.setPen(QPen(GRID, 2.5))
        self.p.setBrush(Qt.BrushStyle.NoBrush)
        self.p.drawRect(rect)

    # --- blocks ---------------------------------------------------------------------------------
    def _title(self) -> None:
        height = self._height(self.doc.title, 68, WIDTH, bold=True)
        self._text(QRectF(MARGIN, self.y + 40, WIDTH, height), self.doc.title, 68, bold=True,
                   align=Qt.AlignmentFlag.AlignCenter)
        self.y += height + 90

    def _holder(self) -> None:
        d = self.doc
        pairs = [("姓名", d.holder_name), ("证件号码", d.holder_id)]
        if d.period:
            pairs.append(("查询期间", d.period))
        if d.purpose:
            pairs.append(("用途", d.purpose))
        pairs.append(("出具时间", d.issued_at.strftime("%Y年%m月%d日 %H:%M")))
        for index, (label, value) in enumerate(pairs):
            column, row = index % 2, index // 2
            rect = QRectF(MARGIN + column * WIDTH / 2, self.y + row * 58, WIDTH / 2, 56)
            self._text(rect, f"{label}：{value}", 34)
        self.y += ((len(pairs) + 1) // 2) * 58 + 40

    def _fields(self) -> None:
        label_w, size = 460.0, 32
        for label, value in self.doc.fields:
            height = max(self._height(value, size, WIDTH - label_w - 40), self._height(label, size, label_w - 40)) + 24
            self._ensure(height)
            self._box(QRectF(MARGIN, self.y, label_w, height), shade=True)
            self._box(QRectF(MARGIN + label_w, self.y, WIDTH - label_w, height))
            self._text(QRectF(MARGIN + 20, self.y, label_w - 40, height), label, size, bold=True)
            self._text(QRectF(MARGIN + label_w + 20, self.y, WIDTH - label_w - 40, height), value, size)
            self.y += height
        self.y += 50

    def _table(self, table: DocumentTable) -> None:
        size = 25
        widths = _column_widths(table, size)
        self._ensure(70 + self._row_height(table.columns, widths, size) * 2)
        self._text(QRectF(MARGIN, self.y, WIDTH, 60), table.title, 32, bold=True)
        self.y += 66
        self._row(table.columns, widths, size, header=True)
        for row in table.rows:
            height = self._row_height(row, widths, size)
            if self.y + height > BOTTOM:
                self._new_page()
                self._text(QRectF(MARGIN, self.y, WIDTH, 60), f"{table.title}（续）", 32, bold=True)
                self.y += 66
                self._row(table.columns, widths, size, header=True)
            self._row(row, widths, size)
        if not table.rows:
            self._text(QRectF(MARGIN, self.y, WIDTH, 60), "（无记录）", size, align=Qt.AlignmentFlag.AlignCenter)
            self.y += 60
        self.y += 50

    def _row_height(self, cells, widths, size) -> float:
        return max(self._height(c, size, w - 24) for c, w in zip(cells, widths)) + 20

    def _row(self, cells, widths, size, header: bool = False) -> None:
        height, x = self._row_height(cells, widths, size), MARGIN
        for cell, width in zip(cells, widths):
            self._box(QRectF(x, self.y, width, height), shade=header)
            self._text(QRectF(x + 12, self.y, width - 24, height), cell, size, bold=header,
                       align=Qt.AlignmentFlag.AlignCenter)
            x += width
        self.y += height

    def _notes(self) -> None:
        notes = [*self.doc.notes, "本证明可扫描下方二维码核验真伪；核验页显示的信息应与本证明一致。"]
        self._ensure(60 + self._height(notes[0], 28, WIDTH))
        self._text(QRectF(MARGIN, self.y, WIDTH, 50), "说明：", 30, bold=True)
        self.y += 55
        for number, note in enumerate(notes, 1):
            text = f"{number}. {note}"
            height = self._height(text, 28, WIDTH) + 12
            self._ensure(height)
            self._text(QRectF(MARGIN, self.y, WIDTH, height), text, 28, align=Qt.AlignmentFlag.AlignLeft)
            self.y += height
        self.y += 40

    def _footer(self) -> None:
        self._ensure(FOOTER_HEIGHT)
        top, qr = self.y + 10, 340.0
        if not self.dry:
            draw_qr(self.p, QRectF(MARGIN, top, qr, qr), self.doc.verify_url)
            draw_seal(self.p, QPointF(PAGE_W - MARGIN - 250, top + 160), 200, self.doc.department)
        self._text(QRectF(MARGIN, top + qr + 8, qr + 200, 44), "扫码核验真伪", 28)
        right = QRectF(PAGE_W - MARGIN - 900, top + 110, 900, 60)
        self._text(right, self.doc.department, 34, align=Qt.AlignmentFlag.AlignRight)
        self._text(right.translated(0, 70), self.doc.issued_at.strftime("%Y年%m月%d日"), 34,
                   align=Qt.AlignmentFlag.AlignRight)
        self.y += FOOTER_HEIGHT


def _column_widths(table: DocumentTable, size: float) -> list[float]:
    """Natural widths (longest cell), shrunk proportionally to fit the page width."""
    metrics = QFontMetricsF(font(size, bold=True))
    natural = [max(metrics.horizontalAdvance(text) for text in (column, *(row[i] for row in table.rows))) + 40
               for i, column in enumerate(table.columns)]
    scale = WIDTH / sum(natural)
    return [w * scale for w in natural]
