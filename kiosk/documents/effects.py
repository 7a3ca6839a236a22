"""Performing the certificate flow's printer effects, next to the kiosk's own runner.

``CertificateEffectRunner`` is a :class:`kiosk.core.runner.EffectRunner` that also
performs ``CheckDocumentPrinter`` (→ ``DocumentPrinterChecked``) and
``PrintCertificate`` (→ ``Printed(document)`` / ``PrintFailed(document, zh, en)``)
with a :class:`kiosk.documents.printing.CertificatePrinter`. The Qt shell calls
``perform`` on a worker thread, as for every effect (kiosk/core/runner.py).
"""
from __future__ import annotations

import logging

from kiosk.core.intents import PrintFailed, Printed
from kiosk.core.runner import EffectRunner
from kiosk.documents.operations import CheckDocumentPrinter, DocumentPrinterChecked, PrintCertificate
from kiosk.ui.refcount_guard import guard_none_refcount

log = logging.getLogger(__name__)


class CertificateEffectRunner(EffectRunner):
    """``EffectRunner`` plus the A4 certificate printer (``document_printer``)."""

    def __init__(self, hall, document_printer, printer=None, voice=None, assistance=None):
        super().__init__(hall, printer, voice, assistance)
        self.document_printer = document_printer
        guard_none_refcount()

    def perform(self, effect):
        if isinstance(effect, PrintCertificate):
            return self._print_certificate(effect)
        if isinstance(effect, CheckDocumentPrinter):
            return self._check()
        return super().perform(effect)

    def _print_certificate(self, effect: PrintCertificate):
        try:
            outcome = self.document_printer.print_document(effect.document)
        except Exception:      # a bug in rendering must read as "not printed", not crash the kiosk
            log.exception("printing certificate %s failed", effect.document.doc_no)
            return PrintFailed(effect.document, "打印机故障", "printer problem")
        if outcome.ok:
            return Printed(effect.document)
        return PrintFailed(effect.document, outcome.message, outcome.message_en)

    def _check(self) -> DocumentPrinterChecked:
        try:
            problem = self.document_printer.status().problem
        except Exception:
            log.exception("could not read the certificate printer's state")
            return DocumentPrinterChecked(False, "无法读取打印机状态", "cannot read the printer state")
        if problem is None:
            return DocumentPrinterChecked(True)
        return DocumentPrinterChecked(False, problem[1], problem[2])
