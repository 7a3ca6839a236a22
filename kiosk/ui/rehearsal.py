"""A hall client for building, photographing and soaking the Qt kiosk without a server.

``RehearsalClient`` wraps the core's ``MemoryHall`` (request_id idempotency, scripted
failures) and adds what the shell calls beyond the flows: the catalogue, heartbeats
and help requests, and the certificate API (``MemoryCertificates``; with
``MemoryDocumentPrinter`` as the A4 printer). ``offline`` makes every call fail as an
unreachable server.
"""
from __future__ import annotations

import time
from typing import Mapping

from kiosk.core.errors import HallApiError, HallUnreachable
from kiosk.core.identity import mask_id_number, mask_name
from kiosk.core.rehearsal import SAMPLE_HALL, MemoryHall

SAMPLE_NOTICES = (
    "工作时间：周一至周五 上午 9:00–12:00，下午 13:30–17:00，延时服务至最后一位群众办结",
    "70 周岁以上老年人、残疾人、孕妇等群体请到总服务台，走绿色通道优先办理",
)


class RehearsalClient:
    """``HallPort`` plus ``hall()``, ``heartbeat()``, ``help_request()`` on an in-memory hall."""

    base_url = "rehearsal://hall"

    def __init__(self, catalogue: Mapping | None = None, notices=SAMPLE_NOTICES):
        catalogue = dict(catalogue or SAMPLE_HALL)
        catalogue["hall"] = {**(catalogue.get("hall") or {}), "notices": list(notices)}
        self.catalogue = catalogue
        self.memory = MemoryHall(catalogue)
        self.certificates = MemoryCertificates(str(catalogue["hall"].get("name") or ""))
        self.offline = False
        self.heartbeats: list[tuple[str, dict]] = []
        self.help_requests: list[dict] = []

    def __getattr__(self, name):
        # issue_ticket, check_in, lookup_appointments, ticket_status, queue, evaluate; certificate_types,
        # issue_certificate, report_certificate_print, request_certificate_reprint, rate_certificate
        method = getattr(self.certificates if "certificate" in name else self.memory, name)
        if not callable(method):
            return method

        def call(*args, **kwargs):
            self._check()
            return method(*args, **kwargs)
        return call

    def _check(self) -> None:
        if self.offline:
            raise HallUnreachable("ConnectionError")

    def hall(self) -> dict:
        self._check()
        return self.catalogue

    def heartbeat(self, device: str, components: Mapping) -> dict:
        self._check()
        self.heartbeats.append((device, dict(components)))
        return {"ok": True}

    def help_request(self, device: str, location: str, *, reason=None, request_id=None) -> dict:
        self._check()
        self.help_requests.append({"device": device, "location": location, "reason": reason,
                                   "request_id": request_id})
        return {"id": f"h{len(self.help_requests)}", "state": "open"}


def example_catalogue() -> dict:
    """The example hall's real catalogue (config/hall.example.toml), as ``GET /hall`` gives it."""
    from hall_server.config import load_hall_config
    from pathlib import Path

    config = load_hall_config(Path(__file__).resolve().parents[2] / "config" / "hall.example.toml")
    dump = config.model_dump(mode="json")
    return {"hall": dump["hall"], "zones": dump["zones"], "categories": dump["categories"],
            "services": dump["services"], "windows": dump["windows"]}


# --- 证明打印 without a hall server -------------------------------------------------------

REHEARSAL_TYPES = (
    {"code": "social_insurance", "name": "个人社保参保缴费证明", "name_en": "Social insurance contribution record",
     "department": "示例市社会保险事业管理中心", "prefix": "SB", "periods": [6, 12, 24, 36],
     "purposes": ["购房", "入学", "落户", "贷款", "其他"]},
    {"code": "medical_insurance", "name": "医保参保证明", "name_en": "Medical insurance certificate",
     "department": "示例市医疗保障局", "prefix": "YB", "periods": [], "purposes": ["就医结算", "入学", "其他"]},
    {"code": "real_estate", "name": "不动产登记信息查询结果", "name_en": "Real estate registration search result",
     "department": "示例市不动产登记中心", "prefix": "BDC", "periods": [], "purposes": ["购房", "入学", "公积金贷款", "其他"]},
)


class MemoryCertificates:
    """The hall's certificate API in memory: types, issue (idempotent, card only), print
    reports, one reprint after a failure, ratings. Documents are visibly sample data."""

    def __init__(self, hall_name: str = ""):
        self.hall_name = hall_name
        self.issued: dict[str, dict] = {}
        self.ratings: list[dict] = []
        self.calls: list[tuple[str, dict]] = []
        self.delay_s = 0.0            # the department answers this slowly (photographing the wait)
        self._answers: dict[str, dict] = {}

    def certificate_types(self) -> dict:
        return {"types": [{k: v for k, v in t.items() if k != "prefix"} | {"identification": "card"}
                          for t in REHEARSAL_TYPES]}

    def issue_certificate(self, type_code, card, *, period_months=None, purpose=None, request_id) -> dict:
        self.calls.append(("issue_certificate", {"type": type_code, "request_id": request_id}))
        time.sleep(self.delay_s)
        if request_id not in self._answers:
            if not getattr(card, "sam_id", ""):
                raise HallApiError("card_required", "打印证明须刷身份证原件", "The ID card is required", status=422)
            self._answers[request_id] = self._issue(type_code, card, period_months, purpose)
        return dict(self._answers[request_id])

    def report_certificate_print(self, doc_no, result, *, reason=None, request_id) -> dict:
        self.calls.append(("report_certificate_print", {"doc_no": doc_no, "result": result, "reason": reason}))
        record = self._record(doc_no)
        record["print_state"] = {"ok": "printed"}.get(result, result)
        allowed = result == "failed" and record["reprints"] < 1
        return {"doc_no": doc_no, "print_state": record["print_state"], "reprint_allowed": allowed}

    def request_certificate_reprint(self, doc_no, *, request_id) -> dict:
        self.calls.append(("request_certificate_reprint", {"doc_no": doc_no}))
        record = self._record(doc_no)
        if record["print_state"] != "failed" or record["reprints"] >= 1:
            raise HallApiError("reprint_not_allowed", "不能再次打印", "No more reprints", status=409)
        record.update(print_state="reprinting", reprints=record["reprints"] + 1)
        return {"doc_no": doc_no, "print_state": "reprinting", "reprints": record["reprints"]}

    def rate_certificate(self, doc_no, level, *, reasons=(), request_id) -> dict:
        self._record(doc_no)
        self.ratings.append({"doc_no": doc_no, "level": level, "reasons": tuple(reasons)})
        return {"doc_no": doc_no, "level": level}

    def _record(self, doc_no: str) -> dict:
        if doc_no not in self.issued:
            raise HallApiError("not_found", "没有这份证明", "No such document", status=404)
        return self.issued[doc_no]

    def _issue(self, type_code: str, card, period_months, purpose) -> dict:
        kind = next(t for t in REHEARSAL_TYPES if t["code"] == type_code)
        doc_no = f"{kind['prefix']}20261121{len(self.issued) + 1:05d}0"
        self.issued[doc_no] = {"type": type_code, "print_state": "pending", "reprints": 0}
        document = {"v": 1, "type": type_code, "title": kind["name"], "department": kind["department"],
                    "hall": self.hall_name, "doc_no": doc_no, "issued_at": "2026-11-21T09:30:00+08:00",
                    "holder": {"name": mask_name(card.name), "id_number": mask_id_number(card.number)},
                    "params": {"period_months": period_months, "purpose": purpose},
                    "period": f"近 {period_months} 个月" if period_months else "", "sample": True,
                    **_sample_content(type_code, period_months or 0)}
        token = f"rehearsal-{doc_no}"
        return {"doc_no": doc_no, "type": type_code, "issued_at": document["issued_at"], "token": token,
                "verify_url": f"{REHEARSAL_VERIFY}/verify/{token}", "print_state": "pending",
                "reprint_minutes": 10, "document": document}


REHEARSAL_VERIFY = "http://127.0.0.1:8600"


def _sample_content(type_code: str, months: int) -> dict:
    """Fields, tables and notes of a rehearsal document (synthetic, no one's record)."""
    notes = ["本证明为演练样例数据，无证明效力。"]
    if type_code != "social_insurance":
        return {"fields": [["参保状态", "正常参保"], ["查询结果", "演练样例"]], "tables": [], "notes": notes}
    rows = [[_month_back(i), "示例市示例科技有限公司", "6500.00", "520.00", "130.00", "已缴"] for i in range(min(months, 6))]
    return {"fields": [["参保状态", "正常参保"], ["参保险种", "企业职工基本养老保险、失业保险、工伤保险"],
                       ["累计缴费月数", f"{months} 个月"]],
            "tables": [{"title": "缴费明细（个人缴费部分，单位：元）",
                        "columns": ["年月", "参保单位", "缴费基数", "养老保险", "医疗保险", "状态"], "rows": rows}],
            "notes": notes}


def _month_back(count: int) -> str:
    year, month = divmod(2026 * 12 + 10 - count, 12)     # from 2026-11 backwards
    return f"{year}-{month + 1:02d}"


class MemoryDocumentPrinter:
    """The A4 printer of a rehearsal kiosk: records documents; ``fail_next`` makes jobs fail
    with a CUPS problem (code, zh, en), e.g. a jam."""

    JAM = ("paper_jam", "打印机卡纸", "the paper is jammed")

    def __init__(self):
        self.printed: list = []
        self.problems: list[tuple[str, str, str]] = []
        self.paused = False
        self.delay_s = 0.0

    def fail_next(self, problem: tuple[str, str, str] = JAM, times: int = 1) -> None:
        self.problems.extend([problem] * times)

    def status(self):
        from kiosk.documents.cups import PrinterState
        return PrinterState("rehearsal", True, "stopped" if self.paused else "idle")

    def print_document(self, document):
        from kiosk.documents.printing import PrintOutcome
        time.sleep(self.delay_s)
        if self.problems:
            code, zh, en = self.problems.pop(0)
            return PrintOutcome(False, code, zh, en)
        self.printed.append(document)
        return PrintOutcome(True, "printed", "证明已打印，请取走", "the document is printed; please take it",
                            confirmed=True, pages=1)
