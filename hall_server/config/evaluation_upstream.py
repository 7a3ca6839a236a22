"""``[evaluation_loop]``: the 好差评 record, the working-day calendar, the 差评 case
loop and the outbox to the provincial 好差评 platform.

Sub-tables: ``[evaluation_loop.record]``, ``[evaluation_loop.calendar]``,
``[evaluation_loop.cases]``, ``[evaluation_loop.upstream]``. Every key has a
default; docs/configuration.md and docs/evaluation-and-cases.md describe them.
"""
from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator, model_validator

from hall_server.config.sections import ConfigModel
from hall_server.config.values import ClockTime, Code, invalid
from hall_server.domain.calendar import WorkCalendar
from hall_server.domain.cases import LEVEL_NAMES
from hall_server.domain.evaluation_record import DOCUMENT_PROJECT_NO_KEYS, PROJECT_NO_KEYS, RECORD_FIELDS, template_keys

CHANNELS = ("pad", "screen", "kiosk", "phone", "web")

# 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04, Xinhua copy on gmw.cn):
# 元旦 1.1–3 (1.4 上班); 春节 2.15–23 (2.14, 2.28 上班); 清明 4.4–6; 劳动节 5.1–5 (5.9 上班);
# 端午 6.19–21; 中秋 9.25–27; 国庆 10.1–7 (9.20, 10.10 上班). Replace every year.
CHINA_2026_HOLIDAYS = ["2026-01-01..2026-01-03", "2026-02-15..2026-02-23", "2026-04-04..2026-04-06",
                       "2026-05-01..2026-05-05", "2026-06-19..2026-06-21", "2026-09-25..2026-09-27",
                       "2026-10-01..2026-10-07"]
CHINA_2026_WORKDAYS = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]

# National-interface style field names (domain.md §1.4); adjust to the province's spec.
DEFAULT_FIELDS = {
    "processNumber": "project_no", "assessNumber": "evaluation_count", "taskCode": "implementation_code",
    "taskHandleItem": "handle_item_code", "taskName": "service_name", "areaCode": "region_code",
    "deptCode": "department_code", "proDepart": "department_name", "proManager": "clerk_name",
    "proStatus": "project_status", "pf": "channel", "userProp": "evaluator_kind",
    "userName": "evaluator_name_masked", "anonymityFlag": "anonymous", "satisfaction": "level_name",
    "evalDetail": "indicator_codes", "writingEvaluation": "comment", "assessTime": "at",
    "appStatus": "audit_status", "publicFlag": "public_flag",
}
# Interface practice: satisfaction 1 非常不满意 … 5 非常满意 (HCP-13, the opposite of
# GB/T 39046 A.8); channels per the national list (HCP-22): pad 4, kiosk 5, QR 3.
DEFAULT_CODES = {
    "level_name": {"非常不满意": "1", "不满意": "2", "基本满意": "3", "满意": "4", "非常满意": "5"},
    "channel": {"pad": "4", "screen": "4", "web": "4", "kiosk": "5", "phone": "3"},
    "evaluator_kind": {"个人": "1", "法人": "2"},
    "anonymous": {"1": "1", "0": "2"},
    "project_status": {"已办结": "3"},
    "audit_status": {"无需审核": "1", "已审核": "2", "未审核": "3"},
    "public_flag": {"1": "1", "0": "2"},
}


def _dates(value: Any) -> Any:
    """TOML dates, ``"2026-10-01"`` or ranges ``"2026-10-01..2026-10-07"`` → dates."""
    if not isinstance(value, list):
        return value
    out: list[date] = []
    for item in value:
        out.extend(_date_item(item))
    return out


def _date_item(item: Any) -> list[date]:
    if isinstance(item, date):
        return [item]
    try:
        first, _, last = str(item).partition("..")
        start, end = date.fromisoformat(first.strip()), date.fromisoformat((last or first).strip())
    except ValueError:
        raise invalid(f"应为日期 \"YYYY-MM-DD\" 或区间 \"YYYY-MM-DD..YYYY-MM-DD\"，实际为 {item!r:.40}",
                      f"expected a date \"YYYY-MM-DD\" or a range \"YYYY-MM-DD..YYYY-MM-DD\", got {item!r:.40}") from None
    if end < start or (end - start).days > 60:
        raise invalid(f"日期区间 {item} 无效（结束早于开始或超过 60 天）", f"bad date range {item} (reversed or over 60 days)")
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


DateList = Annotated[list[date], BeforeValidator(_dates)]


class CalendarSettings(ConfigModel):
    """``[evaluation_loop.calendar]``: working days for 差评 deadlines."""

    holidays: DateList = Field(default_factory=lambda: _dates(CHINA_2026_HOLIDAYS), description="法定节假日（含调休放假日），日期或区间 \"2026-10-01..2026-10-07\"；默认 2026 年国务院办公厅通知，每年更新 / public holidays (dates or ranges); default: the 2026 national schedule, update yearly")
    workdays: DateList = Field(default_factory=lambda: _dates(CHINA_2026_WORKDAYS), description="调休上班的周末日期 / weekend days worked as make-up days (调休)")
    deadline_time: ClockTime = Field(time(23, 59, 59), description="期限日的截止时刻 / time of day a deadline ends on its last working day")

    @model_validator(mode="after")
    def _disjoint(self) -> "CalendarSettings":
        both = sorted(set(self.holidays) & set(self.workdays))
        if both:
            raise invalid(f"日期同时列为节假日和调休上班日：{both[0]}", f"{both[0]} is both a holiday and a make-up working day")
        return self

    def calendar(self) -> WorkCalendar:
        """The domain calendar."""
        return WorkCalendar.of(self.holidays, self.workdays)


class ServiceCodes(ConfigModel):
    """Per-service codes the upstream needs that the catalogue does not hold."""

    implementation_code: str = Field("", max_length=24, description="事项实施编码（为空则用事项编码） / item implementation code; empty = the service code")
    handle_item_code: str = Field("", max_length=50, description="办理项编码 / handling-item code")
    department: str = Field("", max_length=100, description="受理部门名称（为空则用办事指南的实施主体） / accepting department; empty = the guide's department")
    department_code: str = Field("", pattern=r"^([0-9A-HJ-NPQRTUWXY]{18})?$", description="受理部门统一社会信用代码（18 位） / department USCC (18 characters)")


class RecordSettings(ConfigModel):
    """``[evaluation_loop.record]``: how each evaluation record is filled."""

    project_no_template: str = Field("{ticket_id}", description="办件编号规则；可用 {ticket_id} {region_code} {day} {number} {serial} {window_number} / project number template")
    document_project_no_template: str = Field("{doc_no}", description="自助打印证明的办件编号规则，须含 {doc_no}，可加 {region_code} / project number of a self-printed document; must use {doc_no}")
    department: str = Field("", max_length=100, description="默认受理部门（大厅主管单位） / default accepting department")
    department_code: str = Field("", pattern=r"^([0-9A-HJ-NPQRTUWXY]{18})?$", description="默认受理部门统一社会信用代码 / default department USCC")
    services: dict[str, ServiceCodes] = Field(default_factory=dict, description="按事项编码（或证明类型编码）补充上报所需编码 / upstream codes per service code (or certificate type code)")
    reason_codes: dict[str, str] = Field(default_factory=dict, description="差评原因 → 测评指标编码（如 \"501\"） / reason → indicator code")
    counter_channels: list[str] = Field(default_factory=lambda: ["pad", "screen", "web"], description="窗口端（counter 令牌）可提交的评价渠道 / channels a window (counter token) may submit")
    counter_window_seconds: int = Field(600, ge=30, le=86400, description="办结后多少秒内窗口端仍可提交评价器的评价 / seconds after finish a window may still submit its pad's rating")
    unrated_after_minutes: int = Field(30, ge=1, le=10080, description="办结后多少分钟仍无评价即记为未评 / minutes after finish an unrated ticket counts as 未评")
    supplement_hours: int = Field(168, ge=1, le=2160, description="办结后多少小时内可补充评价（自助终端、扫码） / hours after finish a late rating (补充评价) is accepted")

    @field_validator("project_no_template")
    @classmethod
    def _template(cls, value: str) -> str:
        unknown = template_keys(value) - set(PROJECT_NO_KEYS)
        if unknown or not value:
            raise invalid(f"办件编号规则中有未知字段：{', '.join(sorted(unknown)) or '（空）'}",
                          f"unknown keys in the project number template: {', '.join(sorted(unknown)) or '(empty)'}")
        sample = value.format(ticket_id="f" * 32, region_code="370102", day="20261123", number="A023",
                              serial=23, window_number=12)
        if not re.fullmatch(r"[A-Za-z0-9_\-]{1,50}", sample):
            raise invalid("办件编号规则生成的编号须为不超过 50 位的字母、数字、- 或 _",
                          "the template must yield at most 50 letters, digits, - or _")
        return value

    @field_validator("document_project_no_template")
    @classmethod
    def _document_template(cls, value: str) -> str:
        keys = template_keys(value)
        unknown = keys - set(DOCUMENT_PROJECT_NO_KEYS)
        if unknown or "doc_no" not in keys:
            raise invalid(f"证明办件编号规则须含 {{doc_no}}，只可再用 {{region_code}}：{value[:60]}",
                          "the document project number template must use {doc_no} and may add only "
                          f"{{region_code}}: {value[:60]}")
        if not re.fullmatch(r"[A-Za-z0-9_\-]{1,50}", value.format(doc_no="ABCD20261123000179", region_code="370102")):
            raise invalid("证明办件编号规则生成的编号须为不超过 50 位的字母、数字、- 或 _",
                          "the document template must yield at most 50 letters, digits, - or _")
        return value

    @field_validator("counter_channels")
    @classmethod
    def _channels(cls, value: list[str]) -> list[str]:
        unknown = [c for c in value if c not in CHANNELS]
        if unknown:
            raise invalid(f"未知的评价渠道：{unknown[0]}", f"unknown channel {unknown[0]}")
        return value


class CaseSettings(ConfigModel):
    """``[evaluation_loop.cases]``: the 差评 case loop (the deadline itself is ``[evaluation].case_deadline_working_days``)."""

    reminder_lead_working_days: int = Field(1, ge=0, le=30, description="剩余多少个工作日（含期限日）时提醒；0 不提醒 / remind when this many working days are left (deadline day included); 0 = never")


class UpstreamSettings(ConfigModel):
    """``[evaluation_loop.upstream]``: the provincial 好差评 platform."""

    enabled: bool = Field(False, description="是否向上级平台推送（关闭时记录仍进入待发队列） / send to the upstream (records queue up either way)")
    name: Code = Field("province", description="接口名称，用于去重键和对账 / interface name")
    url: str = Field("", description="上报地址（http/https） / endpoint URL")
    headers: dict[str, str] = Field(default_factory=dict, description="附加请求头（如 appKey、token） / extra request headers")
    timeout_seconds: float = Field(10.0, gt=0, le=120, description="单次请求超时秒数 / per-request timeout")
    ack_field: str = Field("code", description="响应 JSON 中表示成功的字段（点号路径）；为空则任何 2xx 即成功 / JSON field (dotted) holding the result; empty = any 2xx acknowledges")
    ack_values: list[str] = Field(default_factory=lambda: ["0", "200"], description="表示接收成功的取值 / values meaning accepted")
    duplicate_values: list[str] = Field(default_factory=list, description="表示“已存在、重复”的取值，视同已送达 / values meaning already received (counted as delivered)")
    wrap_in: str = Field("", description="将记录包在此键下发送，如 \"data\"；为空直接发送 / wrap the record under this key")
    fields: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_FIELDS), description="上报字段名 → 记录字段 / outbound field → record field")
    codes: dict[str, dict[str, str]] = Field(default_factory=lambda: {k: dict(v) for k, v in DEFAULT_CODES.items()}, description="记录字段取值 → 上报代码 / record value → upstream code, per field")
    constants: dict[str, str] = Field(default_factory=dict, description="固定上报字段，如 dataSource / constant fields")
    time_format: str = Field("%Y-%m-%d %H:%M:%S", description="时间格式（strftime） / time format")
    anonymous: bool = Field(False, description="一律按匿名上报 / report every evaluation as anonymous")
    initial_backoff_seconds: float = Field(10.0, gt=0, le=3600, description="首次重试等待秒数，此后翻倍 / first retry delay, doubled each time")
    max_backoff_seconds: float = Field(1800.0, gt=0, le=86400, description="重试等待上限 / longest retry delay")
    backoff_jitter: float = Field(0.2, ge=0, le=1, description="重试等待的随机抖动比例 / random spread of retry delays")
    batch_size: int = Field(20, ge=1, le=500, description="每轮最多发送条数 / records per round")
    poll_seconds: float = Field(5.0, gt=0, le=600, description="空闲时轮询间隔（真实秒） / idle poll interval")
    lease_seconds: float = Field(120.0, gt=0, le=3600, description="发送租约秒数，防止两个发送进程重复发送 / claim lease that keeps two senders apart")

    @model_validator(mode="after")
    def _consistent(self) -> "UpstreamSettings":
        if self.enabled and not re.match(r"^https?://\S+$", self.url):
            raise invalid("启用上报时必须填写 http/https 上报地址", "an http(s) url is required when enabled")
        if self.lease_seconds <= self.timeout_seconds * 2:
            raise invalid("lease_seconds 须大于 timeout_seconds 的两倍", "lease_seconds must exceed twice timeout_seconds")
        if self.max_backoff_seconds < self.initial_backoff_seconds:
            raise invalid("max_backoff_seconds 不能小于 initial_backoff_seconds", "max_backoff_seconds is below initial_backoff_seconds")
        _check_mapping(self.fields, self.codes)
        return self


def _check_mapping(fields: dict[str, str], codes: dict[str, dict[str, str]]) -> None:
    for name, source in list(fields.items()) + [(f"codes.{k}", k) for k in codes]:
        if source not in RECORD_FIELDS:
            raise invalid(f"{name}：评价记录没有字段 {source}", f"{name}: the record has no field {source}")
    needed = {"level_name": set(LEVEL_NAMES.values()), "channel": set(CHANNELS)}
    for source, values in needed.items():
        missing = values - set(codes.get(source, values))
        if missing:
            raise invalid(f"codes.{source} 缺少取值：{'、'.join(sorted(missing))}",
                          f"codes.{source} lacks values: {', '.join(sorted(missing))}")


class EvaluationLoopSettings(ConfigModel):
    """``[evaluation_loop]``: record, calendar, cases and upstream."""

    record: RecordSettings = Field(default_factory=RecordSettings, description="评价记录 / the evaluation record")
    calendar: CalendarSettings = Field(default_factory=CalendarSettings, description="工作日历 / working-day calendar")
    cases: CaseSettings = Field(default_factory=CaseSettings, description="差评整改 / bad-review cases")
    upstream: UpstreamSettings = Field(default_factory=UpstreamSettings, description="省级好差评平台 / provincial platform")
