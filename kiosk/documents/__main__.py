"""``python -m kiosk.documents``: the certificate printer on site.

    printers                          list printers with CUPS state (JSON)
    render ISSUE.json OUT.pdf         render a POST /api/v1/certificates answer to a PDF
    print FILE.pdf [--printer NAME]   print a PDF through QtPrintSupport and report the outcome

Offline verification of a token is ``python -m hall_server.certificates verify``.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path


def _app():
    from PySide6.QtWidgets import QApplication
    return QApplication.instance() or QApplication([])


def _printers(args) -> int:
    _app()
    from PySide6.QtPrintSupport import QPrinterInfo

    from kiosk.documents.printing import printer_status
    rows = []
    for name in QPrinterInfo.availablePrinterNames():
        state = printer_status(name)
        problem = state.problem
        rows.append({"name": name, "default": name == QPrinterInfo.defaultPrinterName(), "state": state.state,
                     "reasons": list(state.reasons), "ready": state.ready,
                     "problem": {"code": problem[0], "message": problem[1], "message_en": problem[2]} if problem else None})
    print(json.dumps({"printers": rows}, ensure_ascii=False, indent=2))
    return 0


def _render(args) -> int:
    _app()
    from kiosk.documents.certificate import CertificateDocument
    from kiosk.documents.render import render_pdf
    doc = CertificateDocument.from_issue(json.loads(Path(args.issue).read_text(encoding="utf-8")))
    print(render_pdf(doc, args.out))
    return 0


def _print(args) -> int:
    _app()
    from kiosk.documents.printing import CertificatePrinter
    outcome = CertificatePrinter(args.printer, wait_s=args.wait).print_pdf(args.pdf)
    print(json.dumps(asdict(outcome), ensure_ascii=False, indent=2))
    return 0 if outcome.ok else 1


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m kiosk.documents", description="certificate printer tools")
    sub = top.add_subparsers(dest="command", required=True)
    sub.add_parser("printers", help="list printers and their CUPS state").set_defaults(run=_printers)
    render = sub.add_parser("render", help="render an issue answer (JSON) to PDF")
    render.add_argument("issue")
    render.add_argument("out")
    render.set_defaults(run=_render)
    printing = sub.add_parser("print", help="print a PDF and report the outcome")
    printing.add_argument("pdf")
    printing.add_argument("--printer", default=None, help="printer name; default: the system default")
    printing.add_argument("--wait", type=float, default=60.0, help="seconds to follow the job")
    printing.set_defaults(run=_print)
    return top


def main(argv: list[str] | None = None) -> int:
    from kiosk.core.errors import KioskError
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (OSError, ValueError, KioskError) as err:
        print(f"错误 / error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
