"""Checks that span sections: every reference resolves, every identifier is unique.

Each check returns :class:`ConfigProblem` values whose key path points at the entry
to fix (the second of two duplicates, the unknown reference itself).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from hall_server.config.errors import ConfigProblem

if TYPE_CHECKING:
    from hall_server.config.hall import HallConfig

_STRICTNESS = {"none": 0, "optional": 1, "required": 2}


def hall_problems(config: "HallConfig") -> list[ConfigProblem]:
    """Every cross-reference problem of ``config``, in file order."""
    return [
        *_duplicates(config.zones, "zones", "code", "区域编码", "zone code"),
        *_duplicates(config.categories, "categories", "code", "类别编码", "category code"),
        *_duplicates(config.categories, "categories", "prefix", "号票前缀", "ticket prefix"),
        *_duplicates(config.services, "services", "code", "事项编码", "service code"),
        *_duplicates(config.windows, "windows", "id", "窗口标识", "window id"),
        *_duplicates(config.windows, "windows", "number", "窗口号", "window number"),
        *_duplicates(config.windows, "windows", "led_address", "LED 屏地址", "LED address"),
        *_category_problems(config),
        *_service_problems(config),
        *_window_problems(config),
    ]


def _duplicates(items: list, section: str, key: str, what_zh: str, what_en: str) -> Iterable[ConfigProblem]:
    first_seen: dict = {}
    for index, item in enumerate(items):
        value = getattr(item, key)
        if value is None:
            continue
        if value in first_seen:
            yield ConfigProblem(
                f"{section}[{index}].{key}",
                f"{what_zh} {value!r} 重复，已在 {section}[{first_seen[value]}] 使用",
                f"duplicate {what_en} {value!r}, already used by {section}[{first_seen[value]}]",
            )
        else:
            first_seen[value] = index


def _unknown(path: str, what_zh: str, what_en: str, value: str, section: str) -> ConfigProblem:
    return ConfigProblem(path, f"未知的{what_zh} {value!r}（{section} 中没有定义）",
                         f"unknown {what_en} {value!r} (not defined in {section})")


def _category_problems(config: "HallConfig") -> Iterable[ConfigProblem]:
    zones = {zone.code for zone in config.zones}
    served = {code for window in config.windows for code in window.categories}
    reset = config.hall.numbering_reset
    for index, category in enumerate(config.categories):
        if category.zone not in zones:
            yield _unknown(f"categories[{index}].zone", "区域", "zone", category.zone, "[[zones]]")
        if category.code not in served:
            yield ConfigProblem(f"categories[{index}].code",
                                f"没有任何窗口办理类别 {category.code!r}，取到的号将无人叫号",
                                f"no window serves category {category.code!r}; its tickets would never be called")
        for number, period in enumerate(category.hours):
            if period.start < reset < period.end:
                yield ConfigProblem(f"categories[{index}].hours[{number}]",
                                    f"号码重置时间 {reset:%H:%M} 落在取号时段内，号码会在营业中途从 1 重新开始",
                                    f"numbering_reset {reset:%H:%M} falls inside this period; numbers would restart mid-service")


def _service_problems(config: "HallConfig") -> Iterable[ConfigProblem]:
    categories = {category.code: category for category in config.categories}
    for index, service in enumerate(config.services):
        category = categories.get(service.category)
        if category is None:
            yield _unknown(f"services[{index}].category", "类别", "category", service.category, "[[categories]]")
        elif service.real_name and _STRICTNESS[service.real_name] < _STRICTNESS[category.real_name]:
            yield ConfigProblem(f"services[{index}].real_name",
                                f"类别 {category.code!r} 要求实名取号，事项不能设为 {service.real_name!r}",
                                f"category {category.code!r} requires real-name tickets; a service cannot be {service.real_name!r}")


def _window_problems(config: "HallConfig") -> Iterable[ConfigProblem]:
    zones = {zone.code for zone in config.zones}
    categories = {category.code for category in config.categories}
    for index, window in enumerate(config.windows):
        if window.zone not in zones:
            yield _unknown(f"windows[{index}].zone", "区域", "zone", window.zone, "[[zones]]")
        if window.kind in ("综合", "专业") and not window.categories:
            yield ConfigProblem(f"windows[{index}].categories",
                                f"{window.kind}窗口至少要办理一个类别", f"a {window.kind} window must serve at least one category")
        for number, code in enumerate(window.categories):
            path = f"windows[{index}].categories[{number}]"
            if code not in categories:
                yield _unknown(path, "类别", "category", code, "[[categories]]")
            elif code in window.categories[:number]:
                yield ConfigProblem(path, f"类别 {code!r} 在本窗口中重复", f"category {code!r} is listed twice")
