"""Pure rules: document numbers, daily limits, print states, the reprint window."""
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings, strategies as st

from hall_server.certificates import rules
from hall_server.certificates.content import doc_number, doc_number_ok, holder, verify_summary
from hall_server.certificates.providers import CertificateData, CertificateRequest, months_back, period_text, yuan
from hall_server.certificates.sample import monthly_tax
from hall_server.domain.model import DomainError

CST = timezone(timedelta(hours=8))
ISSUED = datetime(2026, 11, 23, 9, 30, tzinfo=CST)


def test_document_numbers_carry_prefix_day_serial_and_a_check_digit():
    assert doc_number("SB", "2026-11-23", 17).startswith("SB2026112300017")
    assert len(doc_number("BDC", "2026-11-23", 1)) == 3 + 14
    assert doc_number_ok(doc_number("GJ", "2026-01-05", 99999))
    assert not doc_number_ok("SB2026112300017") and not doc_number_ok("sb20261123000170")


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 99999), st.integers(0, 13), st.integers(0, 9))
def test_the_check_digit_catches_any_single_mistyped_digit(serial, position, digit):
    number = doc_number("SB", "2026-11-23", serial)
    digits = list(number[2:])
    if digits[position] == str(digit):
        return
    digits[position] = str(digit)
    assert not doc_number_ok("SB" + "".join(digits))


def test_daily_limit_refuses_at_the_limit_and_absent_means_unlimited():
    rules.check_daily_limit("income_tax", "个人所得税纳税记录", 3, 2)
    rules.check_daily_limit("income_tax", "个人所得税纳税记录", None, 500)
    with pytest.raises(DomainError) as caught:
        rules.check_daily_limit("income_tax", "个人所得税纳税记录", 3, 3)
    assert caught.value.code == "person_limit" and "每日上限 3 份" in caught.value.message
    assert caught.value.data == {"type": "income_tax", "limit": 3}


@pytest.mark.parametrize("current, result, expected", [
    ("pending", "ok", "printed"), ("pending", "failed", "failed"), ("pending", "cancelled", "cancelled"),
    ("reprinting", "ok", "printed"), ("reprinting", "failed", "failed"),
])
def test_print_states_move_from_pending_or_reprinting(current, result, expected):
    assert rules.next_print_state(current, result) == expected


@pytest.mark.parametrize("current, result", [
    ("printed", "ok"), ("printed", "failed"), ("failed", "ok"), ("cancelled", "ok"), ("reprinting", "cancelled"),
])
def test_a_result_for_a_settled_document_is_refused(current, result):
    with pytest.raises(DomainError) as caught:
        rules.next_print_state(current, result)
    assert caught.value.code == "bad_state"


def test_an_unknown_result_is_invalid_input():
    with pytest.raises(DomainError) as caught:
        rules.next_print_state("pending", "maybe")
    assert caught.value.code == "invalid_input"


def test_reprint_only_after_failure_within_window_and_under_limit():
    within = ISSUED + timedelta(minutes=9, seconds=59)
    assert rules.reprint_verdict("failed", 0, ISSUED, within, 10, 1).allowed
    assert rules.reprint_verdict("failed", 0, ISSUED, ISSUED + timedelta(minutes=10), 10, 1).allowed
    late = rules.reprint_verdict("failed", 0, ISSUED, ISSUED + timedelta(minutes=10, seconds=1), 10, 1)
    assert (late.allowed, late.reason, late.until) == (False, "window", ISSUED + timedelta(minutes=10))
    assert rules.reprint_verdict("failed", 1, ISSUED, within, 10, 1).reason == "limit"
    assert rules.reprint_verdict("printed", 0, ISSUED, within, 10, 1).reason == "state"
    assert rules.reprint_verdict("failed", 0, ISSUED, within, 10, 0).reason == "limit"
    refusal = rules.refuse_reprint(late)
    assert refusal.code == "reprint_not_allowed" and "09:40" in refusal.message


def test_months_back_spans_year_ends_and_reads_in_chinese():
    months = months_back(date(2026, 2, 10), 3)
    assert months == ["2025-11", "2025-12", "2026-01"]
    assert period_text(months) == "2025年11月 至 2026年1月" and period_text([]) == ""
    assert yuan(123456) == "1234.56" and yuan(5) == "0.05"


@pytest.mark.parametrize("income, tax", [(500000, 0), (800000, 9000), (1880000, 135000), (6000000, 1209000), (9000000, 2309000)])
def test_sample_income_tax_uses_the_monthly_table(income, tax):
    assert monthly_tax(income) == tax


def test_holder_block_masks_the_number_always_and_the_name_unless_told(persons):
    number, name = persons[3][0], persons[3][1]          # 欧阳明辉: a compound surname
    block = holder(number, name)
    assert block == {"id_number": number[:4] + "*" * 10 + number[-4:], "name": "欧阳**"}
    assert holder(number, name, "full")["name"] == name and holder(number, name, "full")["id_number"] != number


def test_verify_summary_keeps_the_name_masked_even_when_paper_shows_it(persons):
    number, name = persons[0][0], persons[0][1]
    content = {"title": "医保参保证明", "department": "示例市医疗保障局", "holder": holder(number, name, "full"),
               "period": "", "params": {"purpose": "入学"}, "sample": True}
    summary = verify_summary(content, CertificateData(summary=(("参保状态", "正常参保"),)), "张**")
    assert summary["holder"] == {"id_number": content["holder"]["id_number"], "name": "张**"}
    assert summary["fields"] == [["参保状态", "正常参保"]] and name not in str(summary)


def test_a_request_never_shows_the_full_number_or_name(persons):
    number, name = persons[0][0], persons[0][1]
    request = CertificateRequest("income_tax", number, name, date(2026, 11, 23), 12, "购房")
    assert number not in repr(request) and name not in str(request) and "张**" in repr(request)
