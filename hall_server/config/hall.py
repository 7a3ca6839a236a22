"""``HallConfig``: one hall file, validated, with the look-ups the server needs."""
from __future__ import annotations

from pydantic import Field, ValidationInfo, model_validator

from hall_server.config.agents import AgentSettings
from hall_server.config.catalogue import Service
from hall_server.config.certificates import CertificateSettings
from hall_server.config.evaluation_upstream import EvaluationLoopSettings
from hall_server.config.console import ConsoleSettings
from hall_server.config.consistency import hall_problems
from hall_server.config.queues import Category, Window
from hall_server.config.sections import (AppointmentSettings, ConfigModel, EvaluationSettings, HallInfo,
                                         PolicySettings, ServerSettings, Zone)
from hall_server.config.values import invalid
from hall_server.domain.model import (CategoryRules, DomainError, ServiceRules, WindowRules, WindowState)

PROBLEMS_CONTEXT_KEY = "cross_reference_problems"


class HallConfig(ConfigModel):
    """A whole hall: sections, zones, categories, services and windows.

    Build it with :func:`hall_server.config.load_hall_config`; validating a dict
    directly also runs the cross-reference checks, but does not read a catalogue.
    """

    catalogue: str = Field("", description="事项目录文件，相对本文件所在目录；为空表示事项都写在本文件 / service catalogue file, relative to this file")
    hall: HallInfo = Field(default_factory=HallInfo, description="大厅信息 / the hall")
    server: ServerSettings = Field(default_factory=ServerSettings, description="服务器 / the hall server")
    policy: PolicySettings = Field(default_factory=PolicySettings, description="叫号规则默认值 / default call policy")
    appointments: AppointmentSettings = Field(default_factory=AppointmentSettings, description="预约签到 / appointment check-in")
    evaluation: EvaluationSettings = Field(default_factory=EvaluationSettings, description="好差评 / evaluations")
    evaluation_loop: EvaluationLoopSettings = Field(default_factory=EvaluationLoopSettings, description="评价记录、工作日历、差评整改与上报 / evaluation record, calendar, cases, upstream")
    console: ConsoleSettings = Field(default_factory=ConsoleSettings, description="管理台报警阈值 / manager console alarm thresholds")
    zones: list[Zone] = Field(default_factory=list, description="区域 / zones")
    categories: list[Category] = Field(default_factory=list, description="业务类别 / categories (queues)")
    services: list[Service] = Field(default_factory=list, description="事项（可另放在目录文件） / service items (may live in the catalogue)")
    windows: list[Window] = Field(default_factory=list, description="窗口 / windows")
    certificates: CertificateSettings = Field(default_factory=CertificateSettings, description="证明自助打印 / certificate self-printing")
    agents: AgentSettings = Field(default_factory=AgentSettings, description="叫号文字、显示屏、语音播报、LED 屏 / call wording, display, voice and LED agents")

    @model_validator(mode="after")
    def _references_resolve(self, info: ValidationInfo) -> "HallConfig":
        # The loader passes a list in the context to receive each problem with its own
        # key path; a plain model_validate() gets them folded into one error.
        problems = hall_problems(self)
        sink = (info.context or {}).get(PROBLEMS_CONTEXT_KEY)
        if sink is not None:
            sink.extend(problems)
        elif problems:
            raise invalid("；".join(f"{p.key_path}: {p.message_zh}" for p in problems),
                          "; ".join(f"{p.key_path}: {p.message_en}" for p in problems))
        return self

    def zone(self, code: str) -> Zone:
        """The zone ``code``; ``DomainError("not_found")`` if there is none."""
        found = next((zone for zone in self.zones if zone.code == code), None)
        if found is None:
            raise DomainError("not_found", f"区域 {code} 不存在", f"zone {code} not found", zone=code)
        return found

    def category(self, code: str) -> Category:
        """The category ``code``; ``DomainError("unknown_category")`` if there is none."""
        found = next((category for category in self.categories if category.code == code), None)
        if found is None:
            raise DomainError("unknown_category", f"业务类别 {code} 不存在", f"unknown category {code}", category=code)
        return found

    def service(self, code: str) -> Service:
        """The service item ``code``; ``DomainError("unknown_service")`` if there is none."""
        found = next((service for service in self.services if service.code == code), None)
        if found is None:
            raise DomainError("unknown_service", f"事项 {code} 不存在", f"unknown service {code}", service=code)
        return found

    def window(self, window_id: str) -> Window:
        """The window ``window_id``; ``DomainError("not_found")`` if there is none."""
        found = next((window for window in self.windows if window.id == window_id), None)
        if found is None:
            raise DomainError("not_found", f"窗口 {window_id} 不存在", f"window {window_id} not found", window=window_id)
        return found

    def services_in(self, category_code: str) -> list[Service]:
        """The service items whose tickets are taken in ``category_code``, in file order."""
        return [service for service in self.services if service.category == category_code]

    def windows_serving(self, category_code: str) -> list[Window]:
        """The windows that list ``category_code``, in file order."""
        return [window for window in self.windows if category_code in window.categories]

    def category_rules(self) -> dict[str, CategoryRules]:
        """Domain ``CategoryRules`` by category code."""
        return {category.code: CategoryRules(
            code=category.code, prefix=category.prefix, name=category.name, padding=category.padding,
            daily_quota=category.daily_quota, hours=tuple(period.as_pair() for period in category.hours),
            person_daily_limit=category.person_daily_limit,
            requires_real_name=category.real_name == "required",
        ) for category in self.categories}

    def service_rules(self) -> dict[str, ServiceRules]:
        """Domain ``ServiceRules`` by service code; an unset ``real_name`` is the category's."""
        real_names = {category.code: category.real_name for category in self.categories}
        return {service.code: ServiceRules(
            code=service.code, category=service.category, name=service.name,
            daily_quota=service.daily_quota, hours=tuple(period.as_pair() for period in service.hours),
            real_name=service.real_name or real_names[service.category],
        ) for service in self.services}

    def window_rules(self) -> dict[str, WindowRules]:
        """Domain ``WindowRules`` by window id, each window's overrides merged over ``[policy]``."""
        return {window.id: WindowRules(
            id=window.id, number=window.number, categories=tuple(window.categories),
            state=WindowState(window.initial_state),
            policy=window.policy.over(self.policy).call_policy(),
        ) for window in self.windows}
