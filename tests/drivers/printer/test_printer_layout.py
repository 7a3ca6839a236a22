"""Receipt layout (pure), the encoder's job bytes, and raster lines for rare characters."""
from __future__ import annotations

import pytest

from drivers.printer import protocol
from drivers.printer.emulator import PrinterEmulator
from drivers.printer.encoder import ReceiptEncoder
from drivers.printer.errors import FontMissing
from drivers.printer.raster import LineRenderer, locate_font
from drivers.printer.receipts import (ChecklistReceipt, Cut, LayoutOptions, Line, Material, Qr,
                                      TicketReceipt, layout, wrap)
from drivers.printer.tokenizer import EscPosTokenizer

TICKET = TicketReceipt(
    hall_name="历下区政务服务中心", number="A023", category_name="社保医保",
    service_name="城乡居民基本养老保险参保登记", ahead=5, est_wait_min=15,
    issued_at="2026-11-21 09:30", status_url="https://hall.example.cn/s/7f3a",
    notice=("请留意叫号，过号需重新排队。", "，。"))

CHECKLIST = ChecklistReceipt(
    title="一次性告知单", service_name="不动产登记资料查询",
    materials=(Material("居民身份证", originals=1, copies=1), Material("不动产权证书", originals=0, copies=2),
               Material("授权委托书", note="委托办理时提供")),
    time_limit="即办", fees="不收费", windows="12、13号窗口", phone="0531-12345678",
    guide_url="https://hall.example.cn/g/BDC-001", issued_at="2026-11-21 09:31")


def print_on_emulator(data: bytes):
    emulator = PrinterEmulator()
    emulator.receive(data)
    return emulator


# -- layout ----------------------------------------------------------------

def test_wrap_counts_chinese_as_two_columns():
    assert wrap("一二三四五", 4) == ["一二", "三四", "五"]
    assert wrap("AB一C", 3) == ["AB", "一C"]
    assert wrap("", 10) == [""]


def test_ticket_layout_order_and_big_number():
    blocks = layout(TICKET)
    lines = [b for b in blocks if isinstance(b, Line)]
    texts = [line.text for line in lines]
    assert texts[0] == "历下区政务服务中心"
    number = next(line for line in lines if line.text == "A023")
    assert (number.width, number.height, number.bold, number.align) == (4, 4, True, "center")
    assert "您前面还有 5 人等候" in texts and "预计等候约 15 分钟" in texts
    assert not any(t.startswith("姓名") for t in texts)  # no name given, no name line
    assert [b.payload for b in blocks if isinstance(b, Qr)] == ["https://hall.example.cn/s/7f3a"]
    assert blocks[-1] == Cut("full")


def test_ticket_layout_shows_masked_name_only_when_given():
    texts = [b.text for b in layout(TicketReceipt(**{**TICKET.__dict__, "masked_name": "张*"}))
             if isinstance(b, Line)]
    assert "姓名：张*" in texts


def test_long_lines_wrap_to_the_paper():
    narrow = LayoutOptions(columns=32)
    for block in layout(TICKET, narrow):
        if isinstance(block, Line):
            assert protocol.display_columns(block.text) * block.width <= 32


def test_checklist_layout_lists_materials_with_counts():
    texts = [b.text for b in layout(CHECKLIST) if isinstance(b, Line)]
    assert texts[0] == "一次性告知单"
    assert "1. 居民身份证" in texts and "原件1份、复印件1份" in texts
    assert "复印件2份" in texts and "原件1份  委托办理时提供" in texts
    for expected in ("办理时限：即办", "收费标准：不收费", "办理窗口：12、13号窗口", "咨询电话：0531-12345678"):
        assert expected in texts


def test_layout_rejects_bad_input():
    with pytest.raises(TypeError):
        layout({"number": "A001"})
    with pytest.raises(ValueError):
        layout(TicketReceipt(**{**TICKET.__dict__, "cut": "half"}))


# -- encoder ---------------------------------------------------------------

def test_ticket_job_prints_as_laid_out():
    job = ReceiptEncoder().encode(TICKET)
    assert job.startswith(protocol.INIT + protocol.KANJI_ON)
    assert b"\x1b\x74" not in job  # no ESC t: python-escpos's text() was bypassed
    doc = print_on_emulator(job).last_document
    assert doc.find_line("A023").width == 4 and doc.find_line("A023").height == 4
    assert "——" * 12 in doc.text_lines and "，。" in doc.text_lines
    assert "办理事项：城乡居民基本养老保险参保登记" in doc.text_lines
    assert doc.qr_payloads == ["https://hall.example.cn/s/7f3a"]
    assert doc.cut == "full" and doc.raster_count == 0
    assert "\ufffd" not in doc.text and "?" not in doc.text


def test_checklist_job_prints_with_partial_cut():
    job = ReceiptEncoder().encode(ChecklistReceipt(**{**CHECKLIST.__dict__, "cut": "partial"}))
    doc = print_on_emulator(job).last_document
    assert doc.find_line("一次性告知单").width == 2
    assert doc.qr_payloads == ["https://hall.example.cn/g/BDC-001"] and doc.cut == "partial"


def test_rare_character_line_becomes_one_raster_image():
    job = ReceiptEncoder().encode(TicketReceipt(**{**TICKET.__dict__, "masked_name": "𠮷*"}))
    doc = print_on_emulator(job).last_document
    assert doc.raster_count == 1
    assert not any("姓名" in line for line in doc.text_lines)  # the whole line is the image
    raster = doc.rasters[0]
    assert raster.width_bytes * 8 == 576 and raster.height >= 24
    assert 0 < raster.black_dots < raster.width_bytes * 8 * raster.height // 4


def test_gb2312_printer_gets_images_for_gbk_only_characters():
    ticket = TicketReceipt(**{**TICKET.__dict__, "masked_name": "喆*"})
    assert print_on_emulator(ReceiptEncoder().encode(ticket)).last_document.raster_count == 0
    narrow = print_on_emulator(ReceiptEncoder(charset="gb2312").encode(ticket)).last_document
    assert narrow.raster_count == 1


def test_image_qr_for_printers_without_native_qr():
    tokens = EscPosTokenizer().feed(ReceiptEncoder(native_qr=False).encode(TICKET))
    assert not any(t.kind == "qr" for t in tokens)
    assert sum(t.kind == "raster" for t in tokens) == 1


def test_58mm_paper_lays_out_32_columns():
    encoder = ReceiptEncoder(paper_dots=384)
    assert encoder.options.columns == 32
    doc = print_on_emulator(encoder.encode(TICKET)).last_document
    assert "——" * 8 in doc.text_lines


# -- raster font -----------------------------------------------------------

def test_missing_font_fails_with_a_clear_bilingual_error(tmp_path):
    with pytest.raises(FontMissing) as info:
        locate_font(str(tmp_path / "nope.ttc"))
    assert "字体" in info.value.message and "font" in info.value.message_en


def test_windows_finds_a_chinese_font_in_its_fonts_folder(tmp_path, monkeypatch):
    """No fc-match, no Linux font folders: the Windows fonts folder (WINDIR) is searched,
    Noto first, else the YaHei every Chinese Windows has."""
    import drivers.printer.raster as raster
    monkeypatch.setattr(raster, "_fc_match", lambda: None)
    monkeypatch.setattr(raster, "KNOWN_FONT_FILES", ())
    fonts = tmp_path / "Windows" / "Fonts"
    fonts.mkdir(parents=True)
    monkeypatch.setenv("WINDIR", str(tmp_path / "Windows"))
    with pytest.raises(FontMissing):
        locate_font()
    (fonts / "simsun.ttc").write_bytes(b"")
    (fonts / "msyh.ttc").write_bytes(b"")
    assert locate_font() == (str(fonts / "msyh.ttc"), 0)
    (fonts / "NotoSansCJKsc-Regular.otf").write_bytes(b"")
    assert locate_font() == (str(fonts / "NotoSansCJKsc-Regular.otf"), 0)


def test_renderer_centres_and_scales_with_gs_size():
    renderer = LineRenderer()
    small = renderer.render("𠮷", align="center")
    big = renderer.render("𠮷", align="center", width=2, height=2)
    assert small.width == big.width == 576 and big.height == 2 * small.height
    left, _, right, _ = small.convert("L").point(lambda v: 255 - v).getbbox()
    assert abs((left + right) / 2 - 288) < 12
