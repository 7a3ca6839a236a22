"""Every certificate type rendered to A4 PDF with Qt, read back with pdftotext and zxing:
fields, masking, number, seal caption, watermark, pagination and a QR code that verifies."""
import pytest

from hall_server.certificates.signing import decode_token
from kiosk.documents.certificate import CertificateDocument, DocumentInvalid
from kiosk.documents.render import font_available, render_pdf

TYPES = ["social_insurance", "medical_insurance", "income_tax", "housing_fund", "real_estate"]


@pytest.fixture(autouse=True)
def _qt(qapp):
    assert font_available(), "fonts-noto-cjk (Noto Sans CJK SC) must be installed"


@pytest.mark.parametrize("type_code", TYPES)
def test_each_type_renders_its_fields_masked_with_number_and_verifying_qr(type_code, make_issue, pdf, persons,
                                                                          signing_key, tmp_path):
    body = make_issue(type_code, 0, key=signing_key)
    doc = CertificateDocument.from_issue(body)
    path = render_pdf(doc, tmp_path / f"{type_code}.pdf")
    text = pdf.text(path)
    number, name = persons[0][0], persons[0][1]
    content = body["document"]
    assert content["title"] in text and content["department"] in text and "示例市政务服务中心" in text
    assert f"证明编号：{doc.doc_no}" in text
    assert "姓名：张**" in text and f"证件号码：{number[:4]}**********{number[-4:]}" in text
    assert number not in text and name not in text               # never the full number or name
    for label, value in content["fields"]:
        assert label in text and value in text.replace("\n", "")
    for table in content["tables"]:
        assert table["title"] in text
        assert all(row[0] in text for row in table["rows"])
    assert "证明专用章" in text and "扫码核验真伪" in text
    assert "测\n试\n样\n例" in text                              # the diagonal watermark, glyph by glyph
    [qr] = pdf.qr_codes(path, tmp_path)
    assert qr == body["verify_url"]
    assert decode_token(qr.rsplit("/", 1)[1], signing_key.public_key()).doc_no == doc.doc_no


def test_a_long_table_spans_pages_with_its_heading_repeated(make_issue, pdf, tmp_path):
    body = make_issue("social_insurance", 0)
    rows = body["document"]["tables"][0]["rows"]
    assert len(rows) == 36
    path = render_pdf(CertificateDocument.from_issue(body), tmp_path / "long.pdf")
    text = pdf.text(path)
    assert pdf.pages(path) == 2 and "第 2 页 共 2 页" in text
    assert "缴费明细（个人缴费部分，单位：元）（续）" in text
    assert rows[-1][0] in text and text.count("缴费基数 养老保险") == 2     # the heading row again on page 2


def test_a_short_certificate_is_one_page(make_issue, pdf, tmp_path):
    path = render_pdf(CertificateDocument.from_issue(make_issue("medical_insurance", 0)), tmp_path / "m.pdf")
    assert pdf.pages(path) == 1 and "第 1 页 共 1 页" in pdf.text(path)


def test_a_document_without_the_sample_flag_has_no_watermark(make_issue, pdf, tmp_path):
    body = make_issue("real_estate", 1)
    body["document"]["sample"] = False
    text = pdf.text(render_pdf(CertificateDocument.from_issue(body), tmp_path / "real.pdf"))
    assert "测\n试\n样\n例" not in text and "未发现该权利人" in text


@pytest.mark.parametrize("breakage", ["no_document", "bad_time", "ragged_row", "no_token"])
def test_a_malformed_answer_is_a_typed_error(make_issue, breakage):
    body = make_issue("income_tax", 0)
    if breakage == "no_document":
        del body["document"]
    elif breakage == "bad_time":
        body["document"]["issued_at"] = "yesterday"
    elif breakage == "ragged_row":
        body["document"]["tables"][0]["rows"][0].append("extra")
    else:
        del body["token"]
    with pytest.raises(DocumentInvalid) as caught:
        CertificateDocument.from_issue(body)
    assert caught.value.message == "证明数据不完整，无法打印"


def test_the_document_repr_and_preview_hold_no_full_personal_data(make_issue, persons):
    doc = CertificateDocument.from_issue(make_issue("housing_fund", 0))
    number, name = persons[0][0], persons[0][1]
    lines = dict(doc.preview_lines())
    assert lines["姓名"] == "张**" and lines["证件号码"].count("*") == 10
    assert number not in repr(doc) + str(doc.preview_lines()) and name not in str(doc.preview_lines())
