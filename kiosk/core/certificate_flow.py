"""证明自助打印: card → type → parameters → fetch → preview → print → result → rating → home.

Pure: screens are frozen data, effects are requests to the outside (domain.md §6
CERT-04). Only the ID card read on the reader identifies the resident — a typed
number is refused (the hall server insists too: docs/certificates.md "Trust
model"). The card (number, name, the reader's SAM id) is held until the hall has
issued the document and is then dropped; the document holds masked data only.
One document is issued once: a failed print may be reprinted once within the
hall's window without a second issuance (the server decides, ``reprint_allowed``);
after that the resident is sent to the service desk with the document number.
Leaving the flow (home, idle timeout) replaces the screen: nothing remains.

Wiring (kiosk UI): ``_FLOWS["certificate"] = handle`` and a home tile ``certificate``
→ ``start``; the runner performs ``PrintCertificate`` and ``CheckDocumentPrinter``
(kiosk.documents.effects) and server ops against a ``CertificateClient``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar, Mapping

from kiosk.core import issuance
from kiosk.core.effects import CallServer
from kiosk.core.errors import HallApiError, KioskError
from kiosk.core.evaluation import LEVELS, REASON_REQUIRED_AT_OR_BELOW
from kiosk.core.intents import (Action, Back, CardSwiped, Choose, ChooseLevel, Done, Evaluate, PrintFailed, Printed,
                                RetryPrint, ServerFailed, ServerReplied, Submit, SubmitText, ToggleReason, UseKeypad)
from kiosk.core.messages import HELP_DESK, HOME, RETRY, Notice, notice_for_error
from kiosk.core.screens import FlowContext, Refused, Screen, Step, home_screen
from kiosk.documents.certificate import CertificateDocument, DocumentInvalid
from kiosk.documents.operations import (CardReading, CertificateType, CheckDocumentPrinter, DocumentPrinterChecked,
                                        FetchCertificateTypes, IssueCertificate, PrintCertificate, RateCertificate,
                                        ReportPrint, RequestReprint)

FLOW = "certificate"


@dataclass(frozen=True)
class SetPeriod:
    months: int


@dataclass(frozen=True)
class SetPurpose:
    purpose: str


# --- texts -----------------------------------------------------------------------------------

def _notice(code: str, zh: str, en: str, advice_zh: str = "", advice_en: str = "",
            actions: tuple[str, ...] = (HOME,)) -> Notice:
    return Notice(code, zh, en, advice_zh, advice_en, actions)


CARD_ONLY = _notice("card_required", "打印证明须刷身份证原件", "Printing a certificate needs your ID card on the reader",
                    "请把身份证放在感应区；没有带身份证请到窗口办理",
                    "Please place your ID card on the reader; without it, please go to a window", (HOME, HELP_DESK))
READER_UNVERIFIED = _notice("reader_unverified", "读卡器未就绪，暂时不能打印证明", "The card reader is not ready for certificates",
                            "请到总服务台，工作人员会帮助您", "Please go to the main service desk", (HELP_DESK, HOME))
CHOOSE_PERIOD = _notice("period_required", "请选择查询期间", "Please choose a period", actions=())
CHOOSE_PURPOSE = _notice("purpose_required", "请选择用途", "Please choose a purpose", actions=())
LEVEL_REQUIRED = _notice("evaluation_level_required", "请先选择满意程度", "Please choose how satisfied you are", actions=())
REASON_REQUIRED = _notice("evaluation_reason_required", "请选择不满意的原因", "Please choose what was unsatisfactory", actions=())


def printer_unavailable(reason_zh: str = "", reason_en: str = "") -> Notice:
    return _notice("document_printer_unavailable", f"证明打印机暂时不能使用{f'（{reason_zh}）' if reason_zh else ''}",
                   f"The certificate printer cannot print right now{f' ({reason_en})' if reason_en else ''}",
                   "请使用其他自助机，或到总服务台由工作人员为您打印",
                   "Please use another kiosk, or ask at the main service desk", (HELP_DESK, HOME))


def print_failed_notice(doc_no: str, reason_zh: str, reason_en: str, reprint: bool) -> Notice:
    if reprint:
        return _notice("certificate_print_failed", f"证明没有打印出来（{reason_zh}）", f"The certificate was not printed ({reason_en})",
                       "打印机需要工作人员处理：请呼叫工作人员或到总服务台；处理好后可以再打印一次，不重复计入当天份数",
                       "The printer needs staff: please call for help or go to the main service desk; "
                       "then you can print it once more, and it does not count again",
                       (RETRY, HELP_DESK))
    return _notice("certificate_print_failed_final", f"证明没有打印出来（{reason_zh}）", f"The certificate was not printed ({reason_en})",
                   f"请到总服务台，工作人员会为您处理（证明编号 {doc_no}）",
                   f"Please go to the main service desk with document number {doc_no}", (HELP_DESK, HOME))


# --- screens ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _CertScreen(Screen):
    flow: ClassVar[str] = FLOW
    texts: ClassVar[tuple[str, str]] = ("请稍候", "Please wait")

    def prompt(self) -> tuple[str, str]:
        return self.texts


@dataclass(frozen=True)
class Identify(_CertScreen):
    """Place the ID card. Types and the printer's state load meanwhile."""

    types: tuple[CertificateType, ...] | None = None
    printer_ready: bool | None = None
    card: CardReading | None = None
    notice: Notice | None = None
    texts: ClassVar = ("请在感应区放置身份证，打印证明须刷身份证原件",
                       "Please place your ID card on the reader; certificates need the card itself")


@dataclass(frozen=True)
class ChooseType(_CertScreen):
    card: CardReading
    types: tuple[CertificateType, ...]
    texts: ClassVar = ("请选择要打印的证明", "Please choose the certificate to print")


@dataclass(frozen=True)
class Params(_CertScreen):
    card: CardReading
    types: tuple[CertificateType, ...]
    kind: CertificateType
    period_months: int | None = None
    purpose: str | None = None
    notice: Notice | None = None
    texts: ClassVar = ("请选择查询期间和用途", "Please choose the period and the purpose")


@dataclass(frozen=True)
class Fetching(_CertScreen):
    """The hall asks the issuing department (progress)."""

    kind: CertificateType
    op: IssueCertificate
    retry: Screen | None = None
    attempt: int = 0
    notice: Notice | None = None
    texts: ClassVar = ("正在查询并生成证明，请稍候", "Fetching your certificate, please wait")

    @property
    def busy(self) -> bool:
        return self.notice is None


@dataclass(frozen=True)
class Preview(_CertScreen):
    """Masked preview: the resident checks, then confirms printing (or cancels)."""

    document: CertificateDocument
    texts: ClassVar = ("请核对证明信息（个人信息已隐去部分），确认后打印",
                       "Please check the certificate (personal data partly hidden), then confirm to print")

    def on_leave(self, ctx: FlowContext) -> tuple:
        """Left unprinted (取消, 返回首页, idle): the hall stops counting it against the daily limit."""
        return (CallServer(ReportPrint(self.document.doc_no, "cancelled", None, ctx.new_request_id())),)


@dataclass(frozen=True)
class Printing(_CertScreen):
    document: CertificateDocument
    texts: ClassVar = ("正在打印证明，请稍候", "Printing your certificate, please wait")

    @property
    def busy(self) -> bool:
        return True


@dataclass(frozen=True)
class Reporting(_CertScreen):
    """Telling the hall how printing went (ok, or failed and whether a reprint is open)."""

    document: CertificateDocument
    op: ReportPrint | RequestReprint
    failure: tuple[str, str] | None = None     # (zh, en) reason when printing failed

    @property
    def busy(self) -> bool:
        return True


@dataclass(frozen=True)
class PrintFailedScreen(_CertScreen):
    document: CertificateDocument
    notice: Notice
    reprint_allowed: bool = False

    def prompt(self) -> tuple[str, str]:
        return self.notice.zh, self.notice.en


@dataclass(frozen=True)
class Finished(_CertScreen):
    """Printed: take the paper; rating offered. Holds no personal data."""

    doc_no: str
    title: str
    texts: ClassVar = ("证明已打印，请取走。欢迎对本次服务进行评价", "Your certificate is printed; please take it. You may rate the service")


@dataclass(frozen=True)
class Rate(_CertScreen):
    doc_no: str
    reason_options: tuple[str, ...]
    level: int | None = None
    reasons: tuple[str, ...] = ()
    notice: Notice | None = None
    op: RateCertificate | None = None
    texts: ClassVar = ("请为本次自助打印服务评价", "Please rate this self-service")

    @property
    def busy(self) -> bool:
        return self.op is not None


@dataclass(frozen=True)
class Thanks(_CertScreen):
    texts: ClassVar = ("感谢您的评价", "Thank you for your feedback")


# --- the flow --------------------------------------------------------------------------------

def start(ctx: FlowContext) -> Step:
    """Identify screen; load the types and check the A4 printer meanwhile."""
    return Step(Identify(), (CallServer(FetchCertificateTypes()), CheckDocumentPrinter()))


def handle(screen: Screen, intent, ctx: FlowContext) -> Step | None:
    """Dispatch an intent to the handler of the current certificate screen."""
    handler = _HANDLERS.get(type(screen))
    return handler(screen, intent, ctx) if handler else None


def _on_identify(screen: Identify, intent, ctx: FlowContext) -> Step | None:
    if isinstance(intent, ServerReplied) and isinstance(intent.op, FetchCertificateTypes):
        return _advance(replace(screen, types=parse_types(intent.body)), ctx)
    if isinstance(intent, ServerFailed) and isinstance(intent.op, FetchCertificateTypes):
        return Step(Refused(notice_for_error(intent.error)))
    if isinstance(intent, DocumentPrinterChecked):
        if not intent.ready:
            return Step(Refused(printer_unavailable(intent.message, intent.message_en)))
        return _advance(replace(screen, printer_ready=True), ctx)
    if isinstance(intent, CardSwiped):
        card = CardReading.from_reading(intent.reading)
        if not card.sam_id:
            return Step(Refused(READER_UNVERIFIED))
        return _advance(replace(screen, card=card, notice=None), ctx)
    if isinstance(intent, (SubmitText, UseKeypad)):
        return Step(replace(screen, notice=CARD_ONLY))
    if isinstance(intent, Back):
        return Step(home_screen(ctx.printer))
    return None


def _advance(screen: Identify, ctx: FlowContext) -> Step:
    if screen.types is None or not screen.printer_ready or screen.card is None:
        return Step(screen)
    return Step(ChooseType(screen.card, screen.types))


def parse_types(body: Mapping) -> tuple[CertificateType, ...]:
    """The types of ``GET /api/v1/certificates/types``; malformed entries are skipped."""
    out = []
    for row in body.get("types") or ():
        try:
            out.append(CertificateType(str(row["code"]), str(row["name"]), str(row.get("name_en") or ""),
                                       str(row.get("department") or ""), tuple(int(m) for m in row.get("periods") or ()),
                                       tuple(str(p) for p in row.get("purposes") or ())))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
    return tuple(out)


def _on_choose(screen: ChooseType, intent, ctx: FlowContext) -> Step | None:
    if isinstance(intent, Choose):
        kind = next((t for t in screen.types if t.code == intent.code), None)
        if kind is None:
            return None
        params = Params(screen.card, screen.types, kind)
        return Step(params) if kind.periods or kind.purposes else _fetch(params, ctx)
    if isinstance(intent, Back):
        return Step(home_screen(ctx.printer))
    return None


def _on_params(screen: Params, intent, ctx: FlowContext) -> Step | None:
    if isinstance(intent, SetPeriod) and intent.months in screen.kind.periods:
        return Step(replace(screen, period_months=intent.months, notice=None))
    if isinstance(intent, SetPurpose) and intent.purpose in screen.kind.purposes:
        return Step(replace(screen, purpose=intent.purpose, notice=None))
    if isinstance(intent, Submit):
        if screen.kind.periods and screen.period_months is None:
            return Step(replace(screen, notice=CHOOSE_PERIOD))
        if screen.kind.purposes and screen.purpose is None:
            return Step(replace(screen, notice=CHOOSE_PURPOSE))
        return _fetch(screen, ctx)
    if isinstance(intent, Back):
        return Step(ChooseType(screen.card, screen.types))
    return None


def _fetch(params: Params, ctx: FlowContext) -> Step:
    """One request_id per confirmed choice; every retry of it reuses it."""
    op = IssueCertificate(params.kind.code, params.card, params.period_months, params.purpose, ctx.new_request_id())
    return Step(Fetching(params.kind, op, retry=ChooseType(params.card, params.types)), (CallServer(op),))


def _on_fetching(screen: Fetching, intent, ctx: FlowContext) -> Step | None:
    return issuance.await_server(screen, intent, ctx, on_reply=lambda body: _issued(body),
                                 on_error=lambda error: Step(Refused(_issue_error(error), retry_screen=screen.retry)))


def _issued(body: Mapping) -> Step:
    try:
        return Step(Preview(CertificateDocument.from_issue(body)))    # the card is dropped here
    except DocumentInvalid as error:
        return Step(Refused(notice_for_error(error)))


# The server's own words for these (the catalogue's person_limit speaks of tickets, not documents).
_SERVER_WORDED = ("certificate_refused", "provider_unavailable", "card_required", "person_limit",
                  "reader_not_trusted", "unknown_certificate_type")


def _issue_error(error: KioskError) -> Notice:
    if isinstance(error, HallApiError) and error.code in _SERVER_WORDED:
        return Notice(error.code, error.message, error.message_en, "如有疑问请到窗口咨询",
                      "If in doubt, please ask at a window", (HELP_DESK, HOME))
    return notice_for_error(error)


def _on_preview(screen: Preview, intent, ctx: FlowContext) -> Step | None:
    if isinstance(intent, Submit):
        return Step(Printing(screen.document), (PrintCertificate(screen.document),))
    if isinstance(intent, Back):
        return Step(home_screen(ctx.printer), screen.on_leave(ctx))
    return None


def _on_printing(screen: Printing, intent, ctx: FlowContext) -> Step | None:
    doc = screen.document
    if isinstance(intent, Printed) and intent.job == doc:
        op = ReportPrint(doc.doc_no, "ok", None, ctx.new_request_id())
        return Step(Reporting(doc, op), (CallServer(op),))
    if isinstance(intent, PrintFailed) and intent.job == doc:
        reason = (intent.message or "打印机故障", intent.message_en or "printer problem")
        op = ReportPrint(doc.doc_no, "failed", reason[1][:200], ctx.new_request_id())
        return Step(Reporting(doc, op, failure=reason), (CallServer(op),))
    return None


def _on_reporting(screen: Reporting, intent, ctx: FlowContext) -> Step | None:
    """No waiting on a lost report (the client already retried): paper in hand beats a
    "server unreachable" screen; without an answer no reprint is offered."""
    if isinstance(intent, ServerReplied) and intent.op == screen.op:
        return _reported(screen, intent.body)
    if isinstance(intent, ServerFailed) and intent.op == screen.op:
        return _reported(screen, {})
    return None


def _reported(screen: Reporting, body: Mapping) -> Step:
    doc = screen.document
    if isinstance(screen.op, RequestReprint):
        if body.get("print_state") == "reprinting":
            return Step(Printing(doc), (PrintCertificate(doc),))
        return Step(PrintFailedScreen(doc, print_failed_notice(doc.doc_no, *screen.failure, reprint=False)))
    if screen.failure is None:
        return Step(Finished(doc.doc_no, doc.title))
    allowed = bool(body.get("reprint_allowed"))
    return Step(PrintFailedScreen(doc, print_failed_notice(doc.doc_no, *screen.failure, reprint=allowed), allowed))


def _on_print_failed(screen: PrintFailedScreen, intent, ctx: FlowContext) -> Step | None:
    wants_retry = isinstance(intent, RetryPrint) or (isinstance(intent, Action) and intent.key == RETRY)
    if wants_retry and screen.reprint_allowed:
        op = RequestReprint(screen.document.doc_no, ctx.new_request_id())
        failure = (screen.notice.zh, screen.notice.en)
        return Step(Reporting(screen.document, op, failure=failure), (CallServer(op),))
    if isinstance(intent, (Done, Back)) or (isinstance(intent, Action) and intent.key == HOME):
        return Step(home_screen(ctx.printer))
    return None


def _on_finished(screen: Finished, intent, ctx: FlowContext) -> Step | None:
    if isinstance(intent, Evaluate):
        return Step(Rate(screen.doc_no, ctx.settings.bad_review_reasons))
    if isinstance(intent, (Done, Back)):
        return Step(home_screen(ctx.printer))
    return None


def _on_rate(screen: Rate, intent, ctx: FlowContext) -> Step | None:
    if screen.op is not None:   # a lost rating is not the resident's problem: thank them either way
        answered = isinstance(intent, (ServerReplied, ServerFailed)) and intent.op == screen.op
        return Step(Thanks()) if answered else None
    if isinstance(intent, ChooseLevel) and intent.level in {level for level, _, _ in LEVELS}:
        keep = screen.reasons if intent.level <= REASON_REQUIRED_AT_OR_BELOW else ()
        return Step(replace(screen, level=intent.level, reasons=keep, notice=None))
    if isinstance(intent, ToggleReason) and intent.reason in screen.reason_options:
        chosen = tuple(r for r in screen.reasons if r != intent.reason)
        return Step(replace(screen, reasons=chosen if intent.reason in screen.reasons else (*chosen, intent.reason)))
    if isinstance(intent, Submit):
        return _submit_rating(screen, ctx)
    if isinstance(intent, (Back, Done)):
        return Step(home_screen(ctx.printer))
    return None


def _submit_rating(screen: Rate, ctx: FlowContext) -> Step:
    if screen.level is None:
        return Step(replace(screen, notice=LEVEL_REQUIRED))
    if screen.level <= REASON_REQUIRED_AT_OR_BELOW and not screen.reasons:
        return Step(replace(screen, notice=REASON_REQUIRED))
    op = RateCertificate(screen.doc_no, screen.level, screen.reasons, ctx.new_request_id())
    return Step(replace(screen, op=op, notice=None), (CallServer(op),))


def _on_thanks(screen: Thanks, intent, ctx: FlowContext) -> Step | None:
    return Step(home_screen(ctx.printer)) if isinstance(intent, (Done, Back)) else None


_HANDLERS = {Identify: _on_identify, ChooseType: _on_choose, Params: _on_params, Fetching: _on_fetching,
             Preview: _on_preview, Printing: _on_printing, Reporting: _on_reporting,
             PrintFailedScreen: _on_print_failed, Finished: _on_finished, Rate: _on_rate, Thanks: _on_thanks}
