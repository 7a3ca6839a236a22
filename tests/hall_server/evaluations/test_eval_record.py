"""The evaluation record's outbound forms (pure): provincial mapping with its code
direction, GB/T 39046 Table 9, project numbers, and the mapping's config checks."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from hall_server.config.evaluation_upstream import RecordSettings, UpstreamSettings
from hall_server.domain import evaluation_record as records
from hall_server.domain.model import DomainError
from hall_server.engine.outbox import payload

RECORD = {
    "id": "e1", "ticket_id": "t" * 32, "project_no": "370102A023", "evaluation_count": 1, "channel": "pad",
    "level": 5, "level_name": "非常满意", "reasons": [], "comment": "办事很快", "at": "2026-11-23T10:05:00+08:00",
    "region_code": "370102", "service": "S-A1", "implementation_code": "11370100MB0000000X", "handle_item_code": "",
    "service_name": "社保参保登记", "department_name": "市人社局", "department_code": "",
    "clerk_name": "李四", "evaluator_kind": "个人", "evaluator_name_masked": "张*",
    "evaluator_id_masked": "3701**********123X", "anonymous": 0, "indicator_codes": "", "project_status": "已办结",
    "audit_status": "无需审核", "public_flag": 1, "accepted_at": "2026-11-23T09:50:00+08:00",
    "finished_at": "2026-11-23T10:04:30+08:00",
}


def test_default_provincial_mapping_reverses_the_standard_code_direction():
    body = payload(RECORD, UpstreamSettings())
    assert body["satisfaction"] == "5"                       # interface practice: 5 = 非常满意 (HCP-13)
    assert records.table9(RECORD)["满意度代码"] == "1"          # GB/T 39046 A.8: 1 = 非常满意
    assert body["pf"] == "4" and body["processNumber"] == "370102A023" and body["assessNumber"] == 1
    assert body["assessTime"] == "2026-11-23 10:05:00" and body["anonymityFlag"] == "2"
    assert body["userName"] == "张*" and body["proStatus"] == "3" and body["appStatus"] == "1"
    bad = payload({**RECORD, "level_name": "非常不满意", "channel": "kiosk"}, UpstreamSettings())
    assert bad["satisfaction"] == "1" and bad["pf"] == "5"


def test_anonymous_records_carry_no_evaluator_and_wrapping_and_constants():
    upstream = UpstreamSettings(anonymous=True, wrap_in="data", constants={"dataSource": "370"})
    body = payload(RECORD, upstream)["data"]
    assert body["anonymityFlag"] == "1" and body["userName"] == "" and body["dataSource"] == "370"
    assert "3701**" not in str(body) and "张" not in str(body)


def test_table9_holds_the_nine_items_of_the_standard():
    row = records.table9(RECORD)
    assert list(row) == ["办件编号", "评价渠道", "评价人", "评价时间", "评价次数", "满意度", "满意度代码", "文字评价", "行政区划"]
    assert row["评价时间"] == "20261123T100500" and row["评价渠道"] == "政务大厅平板电脑"
    assert records.table9({**RECORD, "channel": "kiosk"})["评价渠道"] == "政务大厅其他终端"


def test_custom_mapping_and_an_uncoded_value():
    fields = {"bjbh": "project_no", "pjsj": "at", "myd": "level_name", "yy": "reasons"}
    codes = {"level_name": {"满意": "B"}}
    body = records.outbound({**RECORD, "level_name": "满意", "reasons": ["态度不好", "其他"]}, fields, codes, {}, "%Y%m%d%H%M%S")
    assert body == {"bjbh": "370102A023", "pjsj": "20261123100500", "myd": "B", "yy": "态度不好,其他"}
    with pytest.raises(DomainError) as err:
        records.outbound(RECORD, fields, codes, {}, "%Y")
    assert "非常满意" in err.value.message


def test_project_numbers():
    assert records.project_number("{region_code}{day}{number}", region_code="370102", day="20261123",
                                  number="A023") == "37010220261123A023"
    for bad in ("", "A 023", "x" * 51, "办件1"):
        with pytest.raises(DomainError):
            records.check_project_no(bad)
    assert records.promise_type("即办") == "即办件" and records.promise_type("5个工作日") == "承诺件"
    assert records.document_project_number("{region_code}-{doc_no}", doc_no="GS20261123000013",
                                           region_code="370102") == "370102-GS20261123000013"
    assert RecordSettings().document_project_no_template == "{doc_no}"


@pytest.mark.parametrize("section,values,needle", [
    (UpstreamSettings, {"enabled": True}, "url"),
    (UpstreamSettings, {"fields": {"x": "no_such_field"}}, "no_such_field"),
    (UpstreamSettings, {"codes": {"level_name": {"满意": "4"}}}, "level_name"),
    (UpstreamSettings, {"codes": {"channel": {"pad": "4"}}}, "channel"),
    (UpstreamSettings, {"timeout_seconds": 60.0, "lease_seconds": 100.0}, "lease_seconds"),
    (UpstreamSettings, {"initial_backoff_seconds": 60.0, "max_backoff_seconds": 30.0}, "max_backoff_seconds"),
    (RecordSettings, {"project_no_template": "{ticket_id}{nope}"}, "nope"),
    (RecordSettings, {"project_no_template": "{ticket_id}{ticket_id}"}, "50"),
    (RecordSettings, {"document_project_no_template": "{region_code}"}, "doc_no"),
    (RecordSettings, {"document_project_no_template": "{doc_no}{ticket_id}"}, "ticket_id"),
    (RecordSettings, {"document_project_no_template": "{doc_no}{doc_no}{doc_no}"}, "50"),
    (RecordSettings, {"counter_channels": ["pad", "fax"]}, "fax"),
    (RecordSettings, {"department_code": "12345"}, "department_code"),
])
def test_bad_mapping_settings_are_refused_with_a_reason(section, values, needle):
    with pytest.raises(ValidationError) as err:
        section.model_validate(values)
    assert needle in str(err.value)


def test_the_examples_in_the_guide_are_valid_configuration():
    import re
    import tomllib
    from pathlib import Path

    from hall_server.config.evaluation_upstream import CalendarSettings, EvaluationLoopSettings
    text = (Path(__file__).resolve().parents[3] / "docs" / "evaluation-and-cases.md").read_text(encoding="utf-8")
    blocks = [tomllib.loads(b.replace("…", "x"))["evaluation_loop"] for b in re.findall(r"```toml\n(.*?)```", text, re.S)]
    assert len(blocks) == 2
    loop = [EvaluationLoopSettings.model_validate(b) for b in blocks]
    assert loop[0].calendar == CalendarSettings()          # the guide shows the shipped default
    assert loop[1].upstream.enabled and loop[1].record.services["S-A1"].implementation_code
