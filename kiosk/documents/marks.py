"""What makes a printed certificate checkable: the electronic seal, the QR code, the watermark.

The seal is drawn here, from the department's name: a red ring, the name along the
upper arc, a star, and "证明专用章" below. It imitates the look of a department's
seal so the document reads as a certificate; it is *not* anyone's real seal and
proves nothing by itself — the signed QR code does (domain.md §6 CERT-03). A hall
that receives real electronic seal images from its departments replaces this.
"""
from __future__ import annotations

import math

import qrcode
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF

SEAL_RED = QColor(200, 16, 30)
WATERMARK_RED = QColor(250, 226, 228)
FONT_FAMILY = "Noto Sans CJK SC"


def font(pixel_size: float, bold: bool = False) -> QFont:
    """The document font at ``pixel_size`` logical units (0.1 mm on the page)."""
    f = QFont(FONT_FAMILY)
    f.setPixelSize(max(1, round(pixel_size)))
    f.setBold(bold)
    # The SC face's 'locl' swaps digits after Latin letters for glyphs its cmap does not
    # name, so Qt's PDF text layer loses them ("SB2026…" extracts as "SB"). The SC face
    # already defaults to SC forms, so nothing visible changes without it.
    f.setFeature(QFont.Tag("locl"), 0)
    return f


def draw_seal(painter: QPainter, center: QPointF, radius: float, department: str,
              caption: str = "证明专用章") -> None:
    """A round seal of ``department`` centred at ``center``, in opaque red.

    No transparency anywhere on the page: PDF transparency makes the CUPS chain
    (pdftops, Ghostscript) rasterise the page, which is slow and blurs small text.
    The renderer draws the seal first and the text over it.
    """
    painter.save()
    painter.setPen(QPen(SEAL_RED, radius * 0.055))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(center, radius, radius)
    _draw_star(painter, center, radius * 0.27)
    _draw_arc_text(painter, center, radius * 0.76, department, radius * 0.2)
    painter.setFont(font(radius * 0.15, bold=True))
    painter.setPen(SEAL_RED)
    band = QRectF(center.x() - radius * 0.7, center.y() + radius * 0.36, radius * 1.4, radius * 0.24)
    painter.drawText(band, Qt.AlignmentFlag.AlignCenter, caption)
    painter.restore()


def _draw_star(painter: QPainter, center: QPointF, size: float) -> None:
    points = []
    for i in range(10):
        r = size if i % 2 == 0 else size * 0.382
        angle = math.radians(-90 + i * 36)
        points.append(QPointF(center.x() + r * math.cos(angle), center.y() + r * math.sin(angle)))
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(SEAL_RED)
    painter.drawPolygon(QPolygonF(points))
    painter.restore()


def _draw_arc_text(painter: QPainter, center: QPointF, radius: float, text: str, size: float) -> None:
    """Characters along the upper arc, left to right, each standing on the circle."""
    chars = list(text)[:24]
    if not chars:
        return
    size = min(size, radius * 3.6 / max(len(chars), 1))
    span = min(250.0, len(chars) * math.degrees(size * 1.08 / radius))
    painter.save()
    painter.setFont(font(size, bold=True))
    painter.setPen(SEAL_RED)
    for index, char in enumerate(chars):
        angle = -90 - span / 2 + span * (index + 0.5) / len(chars)
        painter.save()
        painter.translate(center)
        painter.rotate(angle + 90)
        painter.drawText(QRectF(-size, -radius - size / 2, 2 * size, size * 1.2), Qt.AlignmentFlag.AlignCenter, char)
        painter.restore()
    painter.restore()


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR code of ``text`` (level M, no quiet zone): rows of dark/light modules."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


def draw_qr(painter: QPainter, rect: QRectF, text: str) -> None:
    """The QR code of ``text`` filling ``rect`` (square), with a white quiet zone of 4 modules."""
    matrix = qr_matrix(text)
    modules = len(matrix) + 8
    cell = min(rect.width(), rect.height()) / modules
    painter.save()
    painter.fillRect(QRectF(rect.x(), rect.y(), cell * modules, cell * modules), Qt.GlobalColor.white)
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.WindingFill)
    # Whole runs of dark modules, each a hair taller than a row so that rows overlap:
    # viewers and printers then draw no hairline seams between touching squares.
    for y, row in enumerate(matrix):
        for start, length in _dark_runs(row):
            path.addRect(QRectF(rect.x() + (start + 4) * cell, rect.y() + (y + 4) * cell, length * cell, cell * 1.04))
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.fillPath(path, Qt.GlobalColor.black)
    painter.restore()


def _dark_runs(row: list[bool]) -> list[tuple[int, int]]:
    runs, start = [], None
    for x, dark in enumerate([*row, False]):
        if dark and start is None:
            start = x
        elif not dark and start is not None:
            runs.append((start, x - start))
            start = None
    return runs


def draw_watermark(painter: QPainter, page: QRectF, text: str) -> None:
    """A large diagonal pale-red mark across the page (sample documents), drawn first, opaque."""
    painter.save()
    painter.setPen(WATERMARK_RED)
    painter.setFont(font(page.width() * 0.075, bold=True))
    painter.translate(page.center())
    painter.rotate(-35)
    for offset in (-0.28, 0.0, 0.28):
        painter.drawText(QRectF(-page.width(), page.height() * offset - page.width() * 0.06, 2 * page.width(),
                                page.width() * 0.12), Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()
