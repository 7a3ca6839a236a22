"""Helpers for the certificate tests that need no hall server: the sample TEST persons,
a signing key, and issue answers built the way the hall server builds them."""
from __future__ import annotations

import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hall_server.certificates import content as docs
from hall_server.certificates.providers import CertificateRequest
from hall_server.certificates.sample import SampleProvider
from hall_server.certificates.sample_data import BUNDLED, read_rows
from hall_server.certificates.signing import TokenClaims, encode_token
from hall_server.config.certificates import DEFAULT_TYPES

CST = timezone(timedelta(hours=8))
ISSUED = datetime(2026, 11, 23, 9, 30, tzinfo=CST)
PERSONS = read_rows(BUNDLED)["persons"]          # (number, name, sex, birth, note), synthetic
PARAMS = {"social_insurance": {"period_months": 36, "purpose": "购房"}, "medical_insurance": {"purpose": "入学"},
          "income_tax": {"period_months": 12, "purpose": "落户"}, "housing_fund": {"period_months": 12, "purpose": "贷款"},
          "real_estate": {"purpose": "购房"}}


def issue_body(type_code: str, person: int = 0, *, key: Ed25519PrivateKey | None = None, serial: int = 1,
               base_url: str = "http://hall.test") -> dict:
    """A ``POST /api/v1/certificates`` answer for a sample person, signed with ``key``."""
    kind = next(t for t in DEFAULT_TYPES if t.code == type_code)
    number, name = PERSONS[person][0], PERSONS[person][1]
    params = {"period_months": None, "purpose": None, **PARAMS[type_code]}
    data = SampleProvider().fetch(CertificateRequest(type_code, number, name, ISSUED.date(),
                                                     params["period_months"], params["purpose"]))
    doc_no = docs.doc_number(kind.doc_prefix, "2026-11-23", serial)
    content = docs.build_content(type_code=type_code, title=kind.name, department=kind.department,
                                 hall_name="示例市政务服务中心", doc_no=doc_no, issued_at=ISSUED,
                                 holder_block=docs.holder(number, name), params=params, data=data, notes=[])
    key = key or Ed25519PrivateKey.generate()
    token = encode_token(key, TokenClaims(doc_no, type_code, ISSUED, docs.content_digest(content)))
    return {"doc_no": doc_no, "type": type_code, "issued_at": ISSUED.isoformat(), "token": token,
            "verify_url": f"{base_url}/verify/{token}", "document": content}


_RADICALS: dict[int, str] = {}


def radical_fixes() -> dict[int, str]:
    """Radical code point → the ideograph that shares its glyph in Noto Sans CJK SC.

    Qt's PDF text layer names a glyph by the lowest code point the font maps to it, so
    人 extracts as ⼈ (U+2F08) and 页 as ⻚ (U+2EDA). NFKC is not enough (⼾ → 戶, not
    户), so ask the font itself which ideograph each radical's glyph belongs to.
    """
    if not _RADICALS:
        from PySide6.QtGui import QFont, QRawFont
        font = QRawFont.fromFont(QFont("Noto Sans CJK SC"))
        ideographs = "".join(chr(c) for c in range(0x4E00, 0xA000))
        owner: dict[int, str] = {}
        for char, glyph in zip(ideographs, font.glyphIndexesForString(ideographs)):
            owner.setdefault(glyph, char)
        radicals = "".join(chr(c) for c in range(0x2E80, 0x2FE0))
        for char, glyph in zip(radicals, font.glyphIndexesForString(radicals)):
            if glyph and glyph in owner:
                _RADICALS[ord(char)] = owner[glyph]
    return _RADICALS


def pdf_text(path: Path) -> str:
    """pdftotext in content order, radicals mapped back to the ideographs drawn."""
    raw = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return raw.translate(radical_fixes())


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def qr_codes(path: Path, tmp: Path, dpi: int = 150) -> list[str]:
    """Texts of the QR codes on the last page of a PDF (the verification code sits at its
    lower left): pdftoppm renders the left half of that page, zxing-cpp reads it."""
    import zxingcpp
    from PIL import Image
    last = pdf_pages(path)
    width = int(210 / 25.4 * dpi * 0.5)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(last), "-l", str(last), "-x", "0", "-y", "0",
                    "-W", str(width), "-H", str(int(297 / 25.4 * dpi)), "-png", "-singlefile", str(path),
                    str(tmp / "qr-page")], check=True)
    return [code.text for code in zxingcpp.read_barcodes(Image.open(tmp / "qr-page.png"))]


@pytest.fixture
def make_issue():
    """``make_issue(type_code, person=0, key=None, serial=1)`` → an issue answer."""
    return issue_body


@pytest.fixture
def pdf():
    """PDF readers: ``pdf.text(path)``, ``pdf.pages(path)``, ``pdf.qr_codes(path, tmp)``."""
    class Reader:
        text = staticmethod(pdf_text)
        pages = staticmethod(pdf_pages)
        qr_codes = staticmethod(qr_codes)
    return Reader


@pytest.fixture
def persons():
    """The bundled synthetic TEST persons: (number, name, sex, birth, note)."""
    return PERSONS


@pytest.fixture
def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def today() -> date:
    return ISSUED.date()
