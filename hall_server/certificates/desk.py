"""The certificate desk of one hall: types, providers, the signing key, and the steps
of issuing, printing and reprinting a document.

The hall server is the gateway (kiosk → hall server → provider). The provider is
asked outside any transaction (it may take seconds); the issuance itself — limit
check, number, signature, log row, event — is one transaction run by ``mutate``.
The document content goes back to the kiosk in the response and is not kept.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hall_server.certificates import content as docs
from hall_server.certificates import records, rules
from hall_server.certificates.http_provider import HttpProvider
from hall_server.certificates.providers import CertificateData, CertificateRequest, Provider
from hall_server.certificates.sample import SampleProvider
from hall_server.certificates.signing import TokenClaims, encode_token, load_or_create_signing_key
from hall_server.config.certificates import CertificateSettings, CertificateType
from hall_server.domain import persons
from hall_server.domain.model import DomainError
from hall_server.engine import evaluations
from hall_server.errors import HallError, invalid, not_found
from hall_server.store import Tx

_CREATE_LOCK = threading.Lock()
# Codes of this area that STATUS_BY_CODE does not know (hall_server/errors.py).
_STATUS = {"reprint_not_allowed": 409, "person_limit": 409, "bad_state": 409, "invalid_input": 422}


def hall_error(err: DomainError) -> HallError:
    """A rule's refusal as the API error, with this area's HTTP status."""
    return HallError(err.code, err.message, err.message_en, status=_STATUS.get(err.code), **err.data)


@dataclass(frozen=True, repr=False)
class VerifiedCard:
    """An ID card the kiosk read, checked; ``repr`` masked. Lives for one request."""

    number: str
    name: str
    sam_id: str

    def __repr__(self) -> str:
        return f"VerifiedCard({persons.mask_id(self.number)!r}, {persons.mask_name(self.name)!r})"

    __str__ = __repr__


def build_providers(settings: CertificateSettings, data_dir: Path) -> dict[str, Provider]:
    """One provider object per ``[[certificates.providers]]`` entry."""
    built: dict[str, Provider] = {}
    for spec in settings.providers:
        if spec.kind == "sample":
            dataset = Path(spec.dataset) if spec.dataset else None
            if dataset is not None and not dataset.is_absolute():
                dataset = data_dir / dataset
            built[spec.name] = SampleProvider(dataset or "")
        else:
            built[spec.name] = HttpProvider(spec)
    return built


class CertificateDesk:
    """Everything the certificate routes need, built once per app (see :meth:`of`)."""

    def __init__(self, hall, settings: CertificateSettings, key, providers: dict[str, Provider]):
        self.hall = hall
        self.settings = settings
        self.key = key
        self.public_key = key.public_key()
        self.providers = providers

    @classmethod
    def build(cls, hall) -> "CertificateDesk":
        settings: CertificateSettings = hall.config.certificates
        key_path = Path(settings.signing_key_file)
        key = load_or_create_signing_key(key_path if key_path.is_absolute() else hall.data_dir / key_path)
        return cls(hall, settings, key, build_providers(settings, hall.data_dir))

    @classmethod
    def of(cls, app) -> "CertificateDesk":
        """The app's desk, created on first use (this also creates the signing key)."""
        desk = getattr(app.state, "certificate_desk", None)
        if desk is None:
            with _CREATE_LOCK:
                desk = getattr(app.state, "certificate_desk", None) or cls.build(app.state.hall)
                app.state.certificate_desk = desk
        return desk

    # --- what a kiosk may ask for ------------------------------------------------------
    def types_view(self) -> list[dict]:
        return [{"code": t.code, "name": t.name, "name_en": t.name_en, "department": t.department,
                 "periods": list(t.periods), "purposes": list(t.purposes), "daily_limit": t.daily_limit,
                 "identification": "card"} for t in self.settings.types if t.enabled]

    def require_type(self, code: str) -> CertificateType:
        found = self.settings.certificate_type(code) if self.settings.enabled else None
        if found is None:
            raise HallError("unknown_certificate_type", f"没有这种证明：{code[:40]}", f"no certificate type {code[:40]}",
                            status=404)
        return found

    def check_card(self, card, kiosk: str) -> VerifiedCard:
        """Only a card read on the kiosk's reader will do (docs/certificates.md "Trust model")."""
        if card.source != "card" or not card.sam_id:
            raise HallError("card_required", "打印证明须在读卡器上刷身份证原件，手工输入的号码不能用于打印证明",
                            "printing a certificate needs the ID card on the reader; a typed number is not enough",
                            status=422)
        allowed = self.settings.trusted_readers.get(kiosk)
        if allowed is not None and card.sam_id not in allowed:
            raise HallError("reader_not_trusted", "本机读卡器未登记，不能打印证明，请联系工作人员",
                            "this kiosk's card reader is not registered for certificates", status=403)
        number = persons.normalize_id(card.number)
        if not persons.validate_id_number(number, self.hall.now().date()):
            raise invalid("身份证号码校验不通过，请重新刷卡", "the ID number read fails its checks; please read the card again")
        return VerifiedCard(number, card.name.strip(), card.sam_id)

    def check_params(self, kind: CertificateType, period_months: int | None, purpose: str | None) -> dict:
        if kind.periods and period_months not in kind.periods:
            raise invalid(f"请选择查询期间：{'、'.join(f'{m} 个月' for m in kind.periods)}",
                          f"period_months must be one of {kind.periods}")
        if kind.purposes and purpose not in kind.purposes:
            raise invalid(f"请选择用途：{'、'.join(kind.purposes)}", f"purpose must be one of {kind.purposes}")
        return {"period_months": period_months if kind.periods else None,
                "purpose": purpose if kind.purposes else None}

    def precheck_limit(self, kind: CertificateType, card: VerifiedCard) -> None:
        """Refuse before asking the provider when the limit is already reached."""
        with self.hall.store.transaction(self.hall.now()) as tx:
            self._check_limit(tx, kind, self.person_hash(card))

    def person_hash(self, card: VerifiedCard) -> str:
        return persons.hash_id(card.number, self.hall.id_key)

    def _check_limit(self, tx: Tx, kind: CertificateType, person_hash: str) -> None:
        issued = records.count_today(tx, self.hall.day(tx.at), person_hash, kind.code)
        try:
            rules.check_daily_limit(kind.code, kind.name, kind.daily_limit, issued)
        except DomainError as err:
            raise hall_error(err) from err

    # --- issuing -------------------------------------------------------------------------
    def fetch(self, kind: CertificateType, card: VerifiedCard, params: dict) -> CertificateData:
        """Ask the type's provider (blocking: call it from a worker thread)."""
        provider = self.providers[kind.provider]
        return provider.fetch(CertificateRequest(kind.code, card.number, card.name, self.hall.now().date(),
                                                 params["period_months"], params["purpose"]))

    def content(self, kind: CertificateType, card: VerifiedCard, params: dict, data: CertificateData,
                doc_no: str, issued_at) -> dict:
        holder = docs.holder(card.number, card.name, self.settings.holder_name_on_paper)
        return docs.build_content(type_code=kind.code, title=kind.name, department=kind.department,
                                  hall_name=self.hall.config.hall.name, doc_no=doc_no, issued_at=issued_at,
                                  holder_block=holder, params=params, data=data, notes=list(kind.notes))

    def issue(self, tx: Tx, *, kind: CertificateType, card: VerifiedCard, params: dict, data: CertificateData,
              kiosk: str, base_url: str, request_id: str | None) -> dict:
        """Inside ``mutate``: check the limit again, number, sign, log. Returns no content."""
        person_hash = self.person_hash(card)
        self._check_limit(tx, kind, person_hash)
        day = self.hall.day(tx.at)
        doc_no = docs.doc_number(kind.doc_prefix, day, records.next_serial(tx, day, kind.doc_prefix))
        issued_at = tx.at.replace(microsecond=0)
        content = self.content(kind, card, params, data, doc_no, issued_at)
        digest = docs.content_digest(content)
        token = encode_token(self.key, TokenClaims(doc_no, kind.code, issued_at, digest))
        masked_name = persons.mask_name(card.name)
        records.insert(tx, {"doc_no": doc_no, "type": kind.code, "day": day, "person_hash": person_hash,
                            "person_masked": persons.mask_id(card.number), "name_masked": masked_name,
                            "kiosk": kiosk, "reader_sam": card.sam_id, "issued_at": issued_at.isoformat(),
                            "content_digest": digest.hex(), "summary": docs.verify_summary(content, data, masked_name),
                            "print_state": rules.PENDING, "request_id": request_id})
        tx.event("certificate.issued", {"doc_no": doc_no, "type": kind.code, "kiosk": kiosk})
        return {"doc_no": doc_no, "type": kind.code, "issued_at": issued_at.isoformat(), "token": token,
                "verify_url": f"{self.verify_base(base_url)}/verify/{token}", "digest": digest.hex(),
                "print_state": rules.PENDING, "reprint_minutes": self.settings.reprint_minutes}

    def verify_base(self, base_url: str) -> str:
        return (self.settings.verify_base_url or base_url).rstrip("/")

    def document_for(self, issued: dict, kind: CertificateType, card: VerifiedCard, params: dict,
                     data: CertificateData) -> dict:
        """The content matching an issue result (also a replayed one): refused if it changed
        or if a replayed request_id came with another person's card."""
        record = records.get(self.hall.store, issued["doc_no"])
        if record is None or record["person_hash"] != self.person_hash(card):
            raise HallError("conflict", "请求编号已用于另一次申请，请重新操作", "this request_id belongs to another request")
        content = self.content(kind, card, params, data, issued["doc_no"], datetime.fromisoformat(issued["issued_at"]))
        if docs.content_digest(content).hex() != issued["digest"]:
            raise HallError("conflict", "证明数据已变化，请重新申请打印", "the document's data changed; please request it again")
        return content

    # --- printing -------------------------------------------------------------------------
    def _own_record(self, tx: Tx, doc_no: str, kiosk: str) -> dict:
        record = records.get(tx, doc_no)
        if record is None:
            raise not_found("证明", "certificate")
        if record["kiosk"] != kiosk:
            raise HallError("forbidden", "只有出具该证明的终端可以报告打印结果", "only the issuing kiosk may do that")
        return record

    def _reprint_verdict(self, record: dict, now: datetime) -> rules.ReprintVerdict:
        return rules.reprint_verdict(record["print_state"], record["reprints"], datetime.fromisoformat(record["issued_at"]),
                                     now, self.settings.reprint_minutes, self.settings.reprint_limit)

    def record_print(self, tx: Tx, doc_no: str, kiosk: str, result: str, reason: str | None) -> dict:
        """The kiosk reports ``ok``, ``failed`` or ``cancelled``; says whether a reprint is open."""
        record = self._own_record(tx, doc_no, kiosk)
        try:
            state = rules.next_print_state(record["print_state"], result)
        except DomainError as err:
            raise hall_error(err) from err
        records.update(tx, doc_no, {"print_state": state, "print_reason": (reason or None) and reason[:200],
                                    "printed_at": tx.at.isoformat(timespec="seconds") if state == rules.PRINTED else None})
        tx.event("certificate.printed", {"doc_no": doc_no, "type": record["type"], "result": result, "kiosk": kiosk})
        verdict = self._reprint_verdict({**record, "print_state": state}, tx.at)
        return {"doc_no": doc_no, "print_state": state, "reprint_allowed": verdict.allowed,
                "reprint_until": verdict.until.isoformat(timespec="seconds")}

    def reprint(self, tx: Tx, doc_no: str, kiosk: str) -> dict:
        """Open one reprint of a failed document: the same number, no second issuance record."""
        record = self._own_record(tx, doc_no, kiosk)
        verdict = self._reprint_verdict(record, tx.at)
        if not verdict.allowed:
            raise hall_error(rules.refuse_reprint(verdict))
        records.update(tx, doc_no, {"print_state": rules.REPRINTING, "reprints": record["reprints"] + 1})
        tx.event("certificate.reprint", {"doc_no": doc_no, "type": record["type"], "kiosk": kiosk})
        return {"doc_no": doc_no, "print_state": rules.REPRINTING, "reprints": record["reprints"] + 1,
                "reprint_until": verdict.until.isoformat(timespec="seconds")}

    def evaluate(self, tx: Tx, doc_no: str, kiosk: str, level: int, reasons: list[str]) -> dict:
        """一次一评 for a self-printed document: one rating per document number, a full
        好差评 record (queued upstream; a 差评 opens a case) plus the desk's own line."""
        record = self._own_record(tx, doc_no, kiosk)
        if level <= 2 and not reasons:
            raise invalid("选择不满意或非常不满意时，请选择原因", "reasons are required for a bad rating")
        if records.evaluation(tx, doc_no):
            raise HallError("conflict", "该证明已评价过", "this document was already rated")
        evaluation, case = evaluations.record_document(self.hall, tx, record, level, reasons, device=kiosk)
        row = {"doc_no": doc_no, "type": record["type"], "level": level, "level_name": evaluation["level_name"],
               "reasons": reasons, "kiosk": kiosk, "at": evaluation["at"], "evaluation_id": evaluation["id"]}
        records.insert_evaluation(tx, row)
        tx.event("certificate.evaluated", {"doc_no": doc_no, "type": record["type"], "level": level})
        return {**row, "project_no": evaluation["project_no"], "evaluation_count": evaluation["evaluation_count"],
                "case_id": case["id"] if case else None}
