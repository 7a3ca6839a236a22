"""The small sections of a hall file: ``[hall]``, ``[server]``, ``[policy]``,
``[appointments]``, ``[evaluation]`` and ``[[zones]]``.

Every field has a default and a description; docs/configuration.md lists them.
"""
from __future__ import annotations

from datetime import time, timezone
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hall_server.config.values import ClockTime, Code, PathText, RequiredText, UtcOffset, invalid, offset_timezone
from hall_server.domain.model import CallPolicy, Priority


class ConfigModel(BaseModel):
    """Base of every configuration model: unknown keys and loose types are errors.

    ``strict`` because TOML has real integers, booleans and times: ``port = "8600"``
    is a mistake to report, not to guess about. Defaults are validated too, so a
    key without a sensible default (a code) fails with "must be given".
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, validate_default=True)


def unique_texts(values: list[str]) -> list[str]:
    """A list of display texts: none empty, none twice."""
    for index, value in enumerate(values):
        if not value.strip():
            raise invalid(f"第 {index + 1} 项为空", f"item {index + 1} is empty")
        if value in values[:index]:
            raise invalid(f"“{value}”重复出现", f"'{value}' appears twice")
    return values


class HallInfo(ConfigModel):
    """``[hall]``: who and where the hall is."""

    name: RequiredText = Field("政务服务中心", description="大厅名称，如“某某市政务服务中心” / hall name shown on screens and tickets")
    region_code: str = Field("", pattern=r"^(\d{6})?$", description="行政区划代码（6 位，GB/T 2260），用于好差评上报 / 6-digit administrative division code for upstream reports; empty if unknown")
    timezone: UtcOffset = Field("+08:00", description="大厅所在地与 UTC 的偏移 / the hall's UTC offset, \"+08:00\" in China")
    numbering_reset: ClockTime = Field(time(0, 0), description="每天号码重新从 1 开始的本地时间 / local time at which ticket numbers restart each day")
    address: str = Field("", description="大厅地址，打印在号票上 / hall address, printed on tickets")
    hotline: str = Field("12345", description="咨询投诉电话 / enquiry and complaint phone number")
    help_desk: RequiredText = Field("总服务台", description="总服务台名称，提示群众求助时使用 / name of the help desk residents are sent to")
    notices: list[str] = Field(default_factory=list, description="显示屏滚动字幕和自助终端待机画面的公告 / notices for the display ticker and the kiosk attract screen")

    @field_validator("notices")
    @classmethod
    def _distinct_notices(cls, notices: list[str]) -> list[str]:
        return unique_texts(notices)

    @property
    def tzinfo(self) -> timezone:
        """The hall's fixed-offset time zone."""
        return offset_timezone(self.timezone)


class ServerSettings(ConfigModel):
    """``[server]``: where the hall server listens and keeps its data."""

    host: RequiredText = Field("127.0.0.1", description="监听地址；大厅局域网内提供服务时设为本机局域网地址或 0.0.0.0 / listen address")
    port: int = Field(8600, ge=1, le=65535, description="监听端口 / listen port")
    data_dir: PathText = Field("data", description="数据目录（SQLite 文件等）；相对路径以本配置文件所在目录为基准 / data directory; a relative path is taken from the hall file's directory")
    token_ttl_hours: int = Field(12, ge=1, le=720, description="工作人员、管理员登录令牌有效小时数 / hours a clerk or manager login stays valid")
    login_max_failures: int = Field(5, ge=1, le=100, description="连续登录失败多少次后锁定（等保 身份鉴别） / failed logins before lock-out")
    login_lockout_minutes: int = Field(15, ge=1, le=1440, description="锁定分钟数 / minutes an account stays locked")
    header_timeout_seconds: int = Field(10, ge=1, le=300, description="请求头须在多少秒内收完，否则答 408 并断开（防慢速连接占满服务器） / seconds a client has to send a request's headers before it is answered 408 and cut off")
    body_timeout_seconds: int = Field(30, ge=1, le=600, description="请求内容须在多少秒内收完，否则答 408 并断开 / seconds a client has to send a request's whole body before it is answered 408 and cut off")
    audit_retention_days: int = Field(185, description="审计日志保留天数，不少于 185 天（网络安全法 第二十一条 日志留存不少于六个月） / days audit records are kept, at least 185")
    id_hash_key_file: PathText = Field("id-hash.key", description="身份证号 keyed hash 的密钥文件；相对路径以数据目录为基准；首次启动时由服务器生成 / secret key for the keyed hash of ID numbers, relative to data_dir; the server creates it on first start")

    @field_validator("audit_retention_days")
    @classmethod
    def _six_months(cls, days: int) -> int:
        # Six calendar months are 181-184 days; assessors read "六个月" differently, so
        # the floor is 185 (reference/domain.md SEC-01).
        if days < 185:
            raise invalid(f"审计日志至少保留 185 天（网络安全法要求不少于六个月），实际为 {days}",
                          f"audit records must be kept at least 185 days (six months by law), got {days}")
        return days

    @property
    def data_path(self) -> Path:
        """The data directory (absolute once loaded by :func:`load_hall_config`)."""
        return Path(self.data_dir)

    @property
    def id_hash_key_path(self) -> Path:
        """The key file; a relative name lives in the data directory."""
        return self.data_path / self.id_hash_key_file


PriorityName = Literal["green", "appointment", "normal"]

_POLICY_DESCRIPTIONS = {
    "priority_order": "优先级顺序：green 绿色通道、appointment 预约、normal 普通 / order of priority classes",
    "priority_run": "连续叫几个优先号后插叫一个普通号；0 表示严格优先 / priority calls in a row before one normal ticket; 0 = strict priority",
    "promote_after_minutes": "普通号等候超过此分钟数按优先号处理，避免久等 / a normal ticket waiting longer is treated as priority",
    "requeue_offset": "过号重排时排到第几位之后 / a requeued no-show goes behind this many waiting tickets",
    "max_recalls": "每个号最多重呼次数 / recalls allowed before the clerk must skip",
    "max_requeues": "每个号最多过号重排次数 / requeues allowed per ticket",
}


def _priority_permutation(order: list[str] | None) -> list[str] | None:
    if order is not None and sorted(order) != sorted(("green", "appointment", "normal")):
        raise invalid("priority_order 必须恰好包含 green、appointment、normal 各一次",
                      "priority_order must hold green, appointment and normal exactly once each")
    return order


class PolicySettings(ConfigModel):
    """``[policy]``: the hall-wide call policy (mirrors domain ``CallPolicy``) and estimates."""

    priority_order: list[PriorityName] = Field(["green", "appointment", "normal"], description=_POLICY_DESCRIPTIONS["priority_order"])
    priority_run: int = Field(0, ge=0, le=20, description=_POLICY_DESCRIPTIONS["priority_run"])
    promote_after_minutes: int = Field(60, ge=1, le=1440, description=_POLICY_DESCRIPTIONS["promote_after_minutes"])
    requeue_offset: int = Field(3, ge=0, le=100, description=_POLICY_DESCRIPTIONS["requeue_offset"])
    max_recalls: int = Field(3, ge=0, le=10, description=_POLICY_DESCRIPTIONS["max_recalls"])
    max_requeues: int = Field(1, ge=0, le=10, description=_POLICY_DESCRIPTIONS["max_requeues"])
    estimate_default_service_minutes: int = Field(10, ge=1, le=480, description="尚无统计数据时每个号的预计办理分钟数 / minutes per ticket assumed until statistics exist")

    @field_validator("priority_order")
    @classmethod
    def _each_class_once(cls, order: list[str] | None) -> list[str] | None:
        return _priority_permutation(order)

    def call_policy(self) -> CallPolicy:
        """The domain ``CallPolicy`` these defaults describe."""
        return CallPolicy(
            priority_order=tuple(Priority(name) for name in self.priority_order),
            priority_run=self.priority_run,
            promote_after_minutes=self.promote_after_minutes,
            requeue_offset=self.requeue_offset,
            max_recalls=self.max_recalls,
            max_requeues=self.max_requeues,
        )


class PolicyOverrides(ConfigModel):
    """``[windows.policy]``: a window's departures from ``[policy]``; absent = inherited."""

    priority_order: list[PriorityName] | None = Field(None, description=_POLICY_DESCRIPTIONS["priority_order"])
    priority_run: int | None = Field(None, ge=0, le=20, description=_POLICY_DESCRIPTIONS["priority_run"])
    promote_after_minutes: int | None = Field(None, ge=1, le=1440, description=_POLICY_DESCRIPTIONS["promote_after_minutes"])
    requeue_offset: int | None = Field(None, ge=0, le=100, description=_POLICY_DESCRIPTIONS["requeue_offset"])
    max_recalls: int | None = Field(None, ge=0, le=10, description=_POLICY_DESCRIPTIONS["max_recalls"])
    max_requeues: int | None = Field(None, ge=0, le=10, description=_POLICY_DESCRIPTIONS["max_requeues"])

    @field_validator("priority_order")
    @classmethod
    def _each_class_once(cls, order: list[str] | None) -> list[str] | None:
        return _priority_permutation(order)

    def over(self, defaults: PolicySettings) -> PolicySettings:
        """``defaults`` with every override that is set put in its place."""
        return defaults.model_copy(update=self.model_dump(exclude_none=True))


class AppointmentSettings(ConfigModel):
    """``[appointments]``: when a booked resident may check in at a kiosk."""

    early_minutes: int = Field(30, ge=0, le=240, description="预约时段开始前多少分钟可签到 / minutes before the slot a check-in is accepted")
    late_minutes: int = Field(15, ge=0, le=240, description="预约时段开始后多少分钟内仍可签到 / minutes after the slot start a check-in is still accepted")


DEFAULT_BAD_REASONS = ["态度不好", "效率太低", "多次跑动", "材料要求不清", "等候时间过长",
                       "政策解释不清", "未一次性告知", "其他"]


class EvaluationSettings(ConfigModel):
    """``[evaluation]``: the 好差评 prompt after each service (一次一评)."""

    timeout_seconds: int = Field(30, ge=5, le=600, description="评价器等待评价的秒数，超时记为未评 / seconds the pad waits before the service counts as not evaluated")
    bad_reasons: list[str] = Field(default_factory=lambda: list(DEFAULT_BAD_REASONS), description="不满意时可选的原因 / reasons offered with 不满意 and 非常不满意")
    case_deadline_working_days: int = Field(5, ge=1, le=60, description="差评整改期限（工作日，各地规定不同） / working days to rectify a bad review (local rule)")

    @field_validator("bad_reasons")
    @classmethod
    def _distinct_reasons(cls, reasons: list[str]) -> list[str]:
        return unique_texts(reasons)


class Zone(ConfigModel):
    """``[[zones]]``: an area of the hall (区 / 板块)."""

    code: Code = Field("", description="区域编码（必填） / zone code (required)")
    name: RequiredText = Field("", description="区域名称，如“人社医保服务区” / zone name (required)")
