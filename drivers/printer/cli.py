"""``python -m drivers probe printer`` and ``python -m drivers emulate printer``.

The installer's check (docs/devices/printer.md)::

    python -m drivers probe printer --url /dev/ttyUSB0
    python -m drivers probe printer --url "usb://0416:5011?in_ep=0x81&out_ep=0x03" --print-test

prints one JSON object: ``{"ok", "status": {...}, "printed"}`` (plus ``"error"``).
"""
from __future__ import annotations

import argparse

from drivers.errors import DeviceError, DeviceUnavailable
from drivers.printer.driver import TicketPrinter
from drivers.printer.emulator import SCENARIOS, PrinterEmulator
from drivers.printer.encoder import ReceiptEncoder
from drivers.printer.receipts import TicketReceipt


def add_probe_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--print-test", action="store_true", help="打印一张测试号票 / print a test ticket")
    parser.add_argument("--baudrate", type=int, default=9600, help="serial speed (ignored for usb:// and socket://)")
    parser.add_argument("--paper-dots", type=int, default=576, help="576 for 80 mm paper, 384 for 58 mm")
    parser.add_argument("--charset", choices=("gbk", "gb2312"), default="gbk",
                        help="two-byte area the printer's font covers; other characters print as images")
    parser.add_argument("--font", default=None, help="CJK font file for rare characters (default: fontconfig)")


def add_emulate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-chinese-mode", dest="chinese_mode", action="store_false",
                        help="start outside Chinese mode (a printer that needs FS &); scenarios: "
                             + ", ".join(SCENARIOS))


def make_emulator(vendor: str | None = None, scenario: str | None = None, *,
                  chinese_mode: bool = True, **_options) -> PrinterEmulator:
    """An ESC/POS printer emulator; ``vendor`` is accepted for symmetry (one generic model)."""
    if vendor not in (None, "", "generic"):
        raise ValueError(f"unknown printer vendor {vendor!r}; known: generic")
    return PrinterEmulator(scenario or "ok", chinese_mode=chinese_mode)


def sample_receipt() -> TicketReceipt:
    """The slip ``--print-test`` prints: Chinese, punctuation-only and ¥ lines, a QR code."""
    return TicketReceipt(
        hall_name="政务服务中心 打印测试", number="T001", category_name="测试业务",
        service_name="打印机安装检查", ahead=0, est_wait_min=0, issued_at="——",
        status_url="https://example.cn/printer-test",
        notice=("中文、标点——，。；￥¥ 与 ASCII 0123456789", "如能看清本页文字与二维码，打印机工作正常。"))


def probe(args: argparse.Namespace) -> dict:
    """Connect, read the status, optionally print a test slip; one JSON-able dict."""
    encoder = ReceiptEncoder(paper_dots=args.paper_dots, charset=args.charset, font_path=args.font)
    printer = TicketPrinter(args.url, encoder=encoder, baudrate=args.baudrate, poll_interval=3600)
    result = {"ok": False, "url": args.url, "status": printer.status.as_component(), "printed": False}
    printer.start()
    try:
        if not printer.wait_connected(args.timeout):
            raise DeviceUnavailable(printer.status.message or "打印机无法连接",
                                    printer.status.message_en or "printer unavailable")
        result["status"] = printer.query_status(args.timeout).as_dict()
        if args.print_test:
            outcome = printer.print_receipt(sample_receipt(), timeout=args.timeout)
            result["printed"] = outcome.printed
            result["status"] = outcome.status.as_dict()
        result["ok"] = result["status"]["ok"] and (result["printed"] or not args.print_test)
    except DeviceError as exc:
        result["error"] = exc.as_dict()
        status = getattr(exc, "status", None)
        result["status"] = status.as_dict() if status is not None else printer.status.as_component()
    finally:
        printer.stop()
    return result
