"""``[[categories]]`` (业务类别: one queue, one prefix letter) and ``[[windows]]`` (窗口)."""
from __future__ import annotations

from datetime import time
from typing import Literal

from pydantic import Field, field_validator, model_validator

from hall_server.config.sections import ConfigModel, PolicyOverrides
from hall_server.config.values import ClockTime, Code, Prefix, RequiredText, invalid

RealName = Literal["required", "optional", "none"]
REAL_NAME_DESCRIPTION = "实名取号：required 必须刷身份证，optional 可选，none 不实名 / real-name ticketing"


class OpeningPeriod(ConfigModel):
    """One ticket-taking period of a day, local time: ``{start = "09:00", end = "12:00"}``."""

    start: ClockTime = Field(time(9, 0), description="开始时间 \"HH:MM\" / start, local time")
    end: ClockTime = Field(time(17, 0), description="结束时间 \"HH:MM\"，须晚于开始时间 / end, local time, after start")

    @model_validator(mode="after")
    def _ends_after_start(self) -> "OpeningPeriod":
        if self.end <= self.start:
            raise invalid(
                f"结束时间 {self.end:%H:%M} 不晚于开始时间 {self.start:%H:%M}",
                f"end {self.end:%H:%M} is not after start {self.start:%H:%M}",
            )
        return self

    def as_pair(self) -> tuple[time, time]:
        """``(start, end)`` as the domain's ``hours`` tuples want it."""
        return (self.start, self.end)


def disjoint_periods(periods: list[OpeningPeriod]) -> list[OpeningPeriod]:
    """Periods of one day must not overlap (one would hide the other's end)."""
    ordered = sorted(periods, key=lambda period: period.start)
    for earlier, later in zip(ordered, ordered[1:]):
        if later.start < earlier.end:
            raise invalid(
                f"时段 {earlier.start:%H:%M}–{earlier.end:%H:%M} 与 {later.start:%H:%M}–{later.end:%H:%M} 重叠",
                f"periods {earlier.start:%H:%M}-{earlier.end:%H:%M} and {later.start:%H:%M}-{later.end:%H:%M} overlap",
            )
    return periods


class Category(ConfigModel):
    """One queue (业务类别): tickets ``A001``, ``A002``… of one prefix letter."""

    code: Code = Field("", description="类别编码（必填，唯一），窗口和事项用它引用本类别 / category code (required, unique)")
    prefix: Prefix = Field("", description="号票前缀，一个大写字母，全厅唯一 / ticket prefix, one uppercase letter, unique")
    name: RequiredText = Field("", description="类别名称，如“社会保险” / category name (required)")
    zone: Code = Field("", description="所在区域编码，见 [[zones]] / zone code from [[zones]]")
    hours: list[OpeningPeriod] = Field(default_factory=list, description="取号时段；为空表示全天 / ticket-taking periods; empty = all day")
    daily_quota: int | None = Field(None, ge=1, le=9999, description="每日放号量；不写表示不限 / tickets per day; absent = unlimited")
    padding: int = Field(3, ge=1, le=6, description="号码位数，3 表示 A001 / digits of the number, 3 gives A001")
    person_daily_limit: int | None = Field(None, ge=1, le=99, description="同一身份证每日最多取号数（防黄牛）；不写表示不限 / real-name tickets per person per day; absent = unlimited")
    real_name: RealName = Field("optional", description=REAL_NAME_DESCRIPTION)

    @field_validator("hours")
    @classmethod
    def _no_overlap(cls, hours: list[OpeningPeriod]) -> list[OpeningPeriod]:
        return disjoint_periods(hours)

    @model_validator(mode="after")
    def _quota_fits_padding(self) -> "Category":
        # A023 with padding 3 can count to 999; a larger quota would need a 4th digit.
        if self.daily_quota is not None and self.daily_quota >= 10 ** self.padding:
            raise invalid(
                f"每日放号量 {self.daily_quota} 超出 {self.padding} 位号码能表示的范围",
                f"daily_quota {self.daily_quota} does not fit in {self.padding} digits",
            )
        return self


WindowKind = Literal["综合", "专业", "总服务台", "帮办代办", "咨询", "投诉"]


class Window(ConfigModel):
    """One counter (窗口) and the queues it calls from, in order."""

    id: Code = Field("", description="窗口标识（必填，唯一），如 \"w05\" / window id (required, unique)")
    number: int = Field(0, ge=1, le=999, description="窗口号（必填，唯一），叫号时播报“到 5 号窗口” / window number announced in calls")
    name: RequiredText = Field("", description="窗口名称，如“5号窗口 综合受理” / window name (required)")
    zone: Code = Field("", description="所在区域编码 / zone code from [[zones]]")
    kind: WindowKind = Field("综合", description="窗口类型：综合、专业、总服务台、帮办代办、咨询、投诉 / window kind")
    categories: list[Code] = Field(default_factory=list, description="办理的类别编码，靠前的先叫 / category codes served, earlier first")
    policy: PolicyOverrides = Field(default_factory=PolicyOverrides, description="本窗口不同于 [policy] 的叫号规则 / call-policy overrides for this window")
    led_address: int | None = Field(None, ge=1, le=254, description="窗口 LED 屏的总线地址 1–254；无屏不写 / bus address of the window LED screen")
    initial_state: Literal["open", "closed"] = Field("open", description="每天开始时的状态：open 开放，closed 关闭 / state at the start of the day")
