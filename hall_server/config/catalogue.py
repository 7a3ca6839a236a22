"""The service catalogue (事项目录): each 事项 with its 办事指南.

Kept in its own TOML file (``assets/catalogue/services.toml``) so one catalogue can
serve several halls; a hall file names it with ``catalogue = "..."``.
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from hall_server.config.queues import REAL_NAME_DESCRIPTION, OpeningPeriod, RealName, disjoint_periods
from hall_server.config.sections import ConfigModel, unique_texts
from hall_server.config.values import Code, RequiredText, invalid


class Material(ConfigModel):
    """One document the resident brings (申请材料)."""

    name: RequiredText = Field("", description="材料名称（必填） / document name (required)")
    copies: int = Field(1, ge=0, le=99, description="份数；0 表示只需出示 / copies; 0 = shown only")
    form: Literal["原件", "复印件", "原件及复印件"] = Field("原件", description="材料形式：原件、复印件、原件及复印件 / original, copy, or both")
    note: str = Field("", description="备注，如“可通过电子证照免提交” / note")


class Guide(ConfigModel):
    """办事指南: what a resident must know before coming (一次性告知)."""

    department: str = Field("", description="实施主体 / the department that decides")
    conditions: str = Field("", description="受理条件 / who may apply and when")
    materials: list[Material] = Field(default_factory=list, description="申请材料 / documents to bring")
    time_limit: str = Field("", description="承诺时限，如“即办”“5个工作日” / promised processing time")
    legal_time_limit: str = Field("", description="法定时限 / processing time set by law")
    fees: str = Field("不收费", description="收费标准及依据，或“不收费” / fee and its basis, or 不收费")
    basis: list[str] = Field(default_factory=list, description="设定依据（法律法规） / legal basis")
    windows: str = Field("", description="办理窗口说明 / where in the hall it is handled")
    online_url: str = Field("", description="网上办理或指南链接（码上办二维码） / online guide or application URL")
    phone: str = Field("", description="咨询电话 / enquiry phone")

    @field_validator("basis")
    @classmethod
    def _distinct_basis(cls, basis: list[str]) -> list[str]:
        return unique_texts(basis)

    @field_validator("online_url")
    @classmethod
    def _web_address(cls, url: str) -> str:
        if url and not url.startswith(("https://", "http://")):
            raise invalid(f"链接应以 https:// 或 http:// 开头，实际为 {url!r:.60}",
                          f"a link must start with https:// or http://; got {url!r:.60}")
        return url


class Service(ConfigModel):
    """One government service item (事项)."""

    code: Code = Field("", description="事项编码（必填，唯一） / service item code (required, unique)")
    name: RequiredText = Field("", description="事项名称（必填） / service name (required)")
    category: Code = Field("", description="取号类别编码 / the category its tickets are taken in")
    real_name: RealName | None = Field(None, description=REAL_NAME_DESCRIPTION + "；不写则同类别 / absent = as the category")
    daily_quota: int | None = Field(None, ge=1, le=9999, description="本事项每日放号量；不写表示只受类别限制 / tickets per day for this item")
    hours: list[OpeningPeriod] = Field(default_factory=list, description="本事项取号时段；为空表示同类别 / periods; empty = as the category")
    guide: Guide = Field(default_factory=Guide, description="办事指南 / service guide")

    @field_validator("hours")
    @classmethod
    def _no_overlap(cls, hours: list[OpeningPeriod]) -> list[OpeningPeriod]:
        return disjoint_periods(hours)


class Catalogue(ConfigModel):
    """A catalogue file: ``version`` and ``[[services]]``."""

    version: str = Field("", description="目录版本或更新日期 / catalogue version or date")
    services: list[Service] = Field(default_factory=list, description="事项 / service items")
