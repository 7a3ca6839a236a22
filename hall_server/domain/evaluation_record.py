"""The 好差评 evaluation record: its fields, and how it leaves the hall.

One record per rating holds the data set of GB/T 39046-2020 Table 9 and the fields
the provincial 好差评 interfaces carry (domain.md §1.4, HCP-30). Levels are kept by
name; every code is produced per outbound interface from a mapping table, because
the code directions differ (HCP-13) and so do channel lists (HCP-22).

Pure: plain dicts in, plain dicts out.
"""
from __future__ import annotations

import re
import string
from datetime import datetime

from hall_server.domain.model import DomainError

# Internal field → (GB/T 39046 Table 9 数据项 or interface meaning, English).
RECORD_FIELDS: dict[str, tuple[str, str]] = {
    "project_no": ("办件编号", "case (project) number"),
    "evaluation_count": ("评价次数", "evaluation count for this 办件, 1 = first"),
    "channel": ("评价渠道（内部）", "channel: pad, screen, kiosk, phone, web"),
    "channel_name": ("评价渠道", "channel name as in GB/T 39046 Table 9"),
    "evaluator_name_masked": ("评价人（脱敏）", "evaluator name, masked"),
    "evaluator_id_masked": ("评价人身份标识（脱敏）", "evaluator ID number, masked"),
    "evaluator_kind": ("用户属性", "个人 or 法人"),
    "anonymous": ("是否匿名", "1 anonymous, 0 real-name"),
    "at": ("评价时间", "evaluation time"),
    "level_name": ("满意度", "satisfaction by name"),
    "reasons": ("差评原因", "reasons chosen (list)"),
    "indicator_codes": ("测评指标编码", "indicator codes, comma list"),
    "comment": ("文字评价", "free text"),
    "region_code": ("行政区划", "administrative division code"),
    "service": ("事项编码（本厅）", "service code in the hall catalogue"),
    "implementation_code": ("事项编码（实施编码）", "item code sent upstream"),
    "handle_item_code": ("办理项编码", "handling-item code"),
    "service_name": ("事项名称", "service name"),
    "promise_type": ("办件类型", "即办件 or 承诺件"),
    "department_name": ("受理部门", "accepting department"),
    "department_code": ("受理部门统一社会信用代码", "department USCC"),
    "clerk": ("经办人账号", "clerk login"),
    "clerk_name": ("经办人", "clerk name"),
    "clerk_staff_no": ("经办人工号", "clerk staff number"),
    "window_id": ("窗口标识", "window id"),
    "window_number": ("窗口号", "window number"),
    "ticket_id": ("号票标识", "ticket id"),
    "ticket_number": ("号票号码", "ticket number"),
    "doc_no": ("证明编号", "number of the self-printed document rated (instead of a ticket)"),
    "project_status": ("办件状态", "已办结"),
    "accepted_at": ("收件时间", "service start"),
    "finished_at": ("办结时间", "service end"),
    "audit_status": ("审核状态", "无需审核 / 已审核 / 未审核"),
    "public_flag": ("是否公开", "1 public, 0 not"),
    "device": ("评价设备", "device or session that sent the rating"),
}

# GB/T 39046-2020 Table 9 评价渠道 names per internal channel (HCP-22).
CHANNEL_NAMES = {"pad": "政务大厅平板电脑", "screen": "政务大厅平板电脑", "web": "政务大厅平板电脑",
                 "kiosk": "政务大厅其他终端", "phone": "二维码"}
# GB/T 39046-2020 Annex A.8 满意度代码: 1 非常满意 … 5 非常不满意 (opposite of interface practice).
GBT39046_LEVEL_CODES = {"非常满意": "1", "满意": "2", "基本满意": "3", "不满意": "4", "非常不满意": "5"}

PROJECT_NO_KEYS = ("ticket_id", "region_code", "day", "number", "serial", "window_number")
# A self-printed document's 办件编号: its own number, optionally with the division code.
DOCUMENT_PROJECT_NO_KEYS = ("doc_no", "region_code")
_PROJECT_NO = re.compile(r"^[A-Za-z0-9_\-]{1,50}$")  # 字符型 an..50


def check_project_no(value: str) -> str:
    """A 办件编号: letters, digits, ``-`` and ``_``, at most 50 (GB/T 39046 an..50)."""
    if not _PROJECT_NO.match(value or ""):
        raise DomainError("invalid_input", "办件编号应为 1 至 50 位字母、数字、- 或 _",
                          "a project number is 1 to 50 letters, digits, - or _")
    return value


def template_keys(template: str) -> set[str]:
    """The ``{names}`` a project-number template uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def project_number(template: str, **values) -> str:
    """A 办件编号 from a template such as ``"{region_code}{day}{number}"``."""
    return check_project_no(template.format(**values))


def document_project_number(template: str, *, doc_no: str, region_code: str) -> str:
    """The 办件编号 of a self-printed document, e.g. ``"{doc_no}"`` → ``GS20261123000017``."""
    return check_project_no(template.format(doc_no=doc_no, region_code=region_code))


def promise_type(time_limit: str) -> str:
    """办件类型 (GB/T 39046 A.6): 即办件 when the guide promises 即办, else 承诺件."""
    return "即办件" if "即办" in (time_limit or "") else "承诺件"


def table9(record: dict) -> dict:
    """The record as GB/T 39046-2020 Table 9 (政务服务绩效评价基础数据集)."""
    return {
        "办件编号": record["project_no"],
        "评价渠道": CHANNEL_NAMES.get(record["channel"], "政务大厅其他终端"),
        "评价人": record.get("evaluator_name_masked") or "",
        "评价时间": _parse(record["at"]).strftime("%Y%m%dT%H%M%S"),
        "评价次数": record["evaluation_count"],
        "满意度": record["level_name"],
        "满意度代码": GBT39046_LEVEL_CODES[record["level_name"]],
        "文字评价": record.get("comment") or "",
        "行政区划": record.get("region_code") or "",
    }


def outbound(record: dict, fields: dict[str, str], codes: dict[str, dict[str, str]],
             constants: dict[str, str], time_format: str) -> dict:
    """The payload for one interface: ``fields`` maps an outbound name to a record
    field; ``codes`` maps a record field's values to that interface's codes;
    ``constants`` are sent as they are. Times use ``time_format`` (strftime)."""
    payload: dict = dict(constants)
    for name, source in fields.items():
        value = _value(record, source)
        table = codes.get(source)
        if table is not None and value is not None:
            key = str(value)
            if key not in table:
                raise DomainError("invalid_input", f"{source} 的值“{key}”没有对应的上报代码",
                                  f"no upstream code for {source} = {key!r}")
            value = table[key]
        elif isinstance(value, datetime):
            value = value.strftime(time_format)
        payload[name] = "" if value is None else value
    return payload


def _value(record: dict, source: str):
    if source not in RECORD_FIELDS:
        raise DomainError("invalid_input", f"评价记录没有字段 {source}", f"the record has no field {source}")
    value = record.get(source)
    if source == "channel_name":
        value = CHANNEL_NAMES.get(record.get("channel"), "政务大厅其他终端")
    elif source in ("at", "accepted_at", "finished_at") and value:
        value = _parse(value)
    elif source == "reasons" and isinstance(value, list):
        value = ",".join(value)
    return value


def _parse(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)
