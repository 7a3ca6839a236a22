"""The message catalogue and the ticket → receipt mapping."""
import re
from datetime import datetime

import pytest

from kiosk.core import messages
from kiosk.core.directory import HallDirectory
from kiosk.core.errors import HallApiError, HallUnreachable, KioskError
from kiosk.core.receipt import receipt_from_ticket, ticket_view
from kiosk.core.rehearsal import SAMPLE_HALL

API_CODES = ["quota_exhausted", "outside_hours", "person_limit", "unknown_service", "unknown_category",
             "appointment_not_found", "appointment_not_in_window", "window_closed", "window_paused",
             "no_ticket", "bad_state", "forbidden", "unauthenticated", "invalid_input", "conflict"]


@pytest.mark.parametrize("code", API_CODES + ["server_unreachable", "printer_unavailable", "invalid_id_number"])
def test_every_code_has_chinese_english_and_a_way_on(code):
    notice = messages.notice(code)
    assert notice.code == code
    assert re.search(r"[\u4e00-\u9fff]", notice.zh) and notice.en.isascii() and notice.en
    assert notice.actions or code == "server_unreachable"    # the retry notice has no buttons


def test_templates_fill_named_fields_and_missing_fields_render_empty():
    n = messages.notice("print_failed_after_issue", number="A023")
    assert "A023" in n.zh and "A023" in n.en
    assert "{" not in messages.notice("appointment_too_early").zh
    assert messages.prompt("confirmation", number="B007", ahead=3)[0] == "您的号码是 B007，前面还有 3 人，请留意叫号"


def test_errors_translate_to_notices():
    assert messages.notice_for_error(HallUnreachable("x")).code == "server_unreachable"
    assert messages.notice_for_error(HallApiError("quota_exhausted", "a", "b")).zh == "今日该业务的号已取完"
    novel = messages.notice_for_error(HallApiError("new_rule", "新规则", "New rule", status=409))
    assert (novel.code, novel.zh, novel.en) == ("new_rule", "新规则", "New rule")
    assert messages.HELP_DESK in novel.actions
    assert messages.notice_for_error(ValueError("boom")).code == "internal"
    assert messages.notice("no-such-code").code == "internal"
    assert str(KioskError("中", "en")) == "中 / en"


def test_receipt_from_ticket_json():
    hall = HallDirectory.from_hall(SAMPLE_HALL)
    body = {"id": "t9", "number": "A023", "category": "A", "service": "SB001",
            "issued_at": "2026-11-21T09:30:00+08:00", "ahead": 4, "est_wait_min": 12,
            "status_token": "s3cr3t", "state": "waiting"}
    receipt = receipt_from_ticket(body, hall, status_url_template="https://h/status/{token}",
                                  masked_name="张*", notice_lines=("请留意叫号",))
    assert receipt.hall_name == "示范区政务服务中心" and receipt.number == "A023"
    assert (receipt.category_name, receipt.service_name) == ("社保医保", "社会保障卡申领")
    assert (receipt.ahead, receipt.est_wait_min) == (4, 12)
    assert receipt.issued_at == datetime.fromisoformat("2026-11-21T09:30:00+08:00")
    assert receipt.status_url == "https://h/status/s3cr3t" and receipt.masked_name == "张*"
    assert receipt.notice_lines == ("请留意叫号",)


def test_receipt_tolerates_objects_unknown_codes_and_garbage():
    hall = HallDirectory.from_hall(SAMPLE_HALL)
    view = ticket_view({"number": "Z001", "category": {"code": "Z", "name": "新类别"}, "service": None,
                        "ahead": "x", "name_masked": "李*"}, hall, status_url_template="u/{token}")
    assert (view.category_name, view.service_name, view.ahead, view.status_url) == ("新类别", "", None, "")
    assert view.masked_name == "李*"
    assert receipt_from_ticket({"issued_at": "yesterday"}, hall, status_url_template="{token}").issued_at is None


def test_names_the_kiosk_does_not_know_come_from_the_ticket():
    hall = HallDirectory.from_hall(SAMPLE_HALL)
    view = ticket_view({"number": "D001", "category": "D", "category_name": "新增类别", "service": "X9",
                        "service_name": "新增事项"}, hall, status_url_template="{token}")
    assert (view.category_name, view.service_name) == ("新增类别", "新增事项")
