"""The hall configuration: example files load, every kind of mistake is reported with
its key path in Chinese and English, and no mutation of a file crashes the loader."""
from __future__ import annotations

import copy
import json
import math
import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticUndefined

from hall_server.config import (AppointmentSettings, Catalogue, Category, ConfigError, EvaluationSettings, Guide,
                                HallConfig, HallInfo, Material, OpeningPeriod, PolicyOverrides, PolicySettings,
                                ServerSettings, Service, Window, Zone, load_hall_config)
from hall_server.domain.model import CategoryRules, DomainError, Priority, WindowState

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "hall.example.toml"
CATALOGUE = ROOT / "assets" / "catalogue" / "services.toml"


# ---------------------------------------------------------------- a tiny TOML writer

def toml_value(value: Any) -> str:
    """Every value on one line (inline tables and arrays), which TOML allows at any depth."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value == math.inf else "-inf" if value == -math.inf else repr(value))
    if isinstance(value, str):
        # JSON escapes are TOML basic-string escapes, except DEL, which TOML also forbids raw.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, (time, date, datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_value(str(k))} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def toml_document(data: dict) -> str:
    return "".join(f"{toml_value(str(key))} = {toml_value(value)}\n" for key, value in data.items())


def test_toml_writer_round_trips_the_example():
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert tomllib.loads(toml_document(data)) == data


# ---------------------------------------------------------------- fixtures

def example_data() -> dict:
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["catalogue"] = str(CATALOGUE)   # absolute: the copy lives in a temporary directory
    return data


def small_hall() -> dict:
    """A hall small enough that every key path in a test is obvious."""
    return {
        "hall": {"name": "测试政务服务中心"},
        "zones": [{"code": "RS", "name": "人社医保服务区"}, {"code": "GA", "name": "公安业务板块"}],
        "categories": [
            {"code": "A", "prefix": "A", "name": "社会保险", "zone": "RS",
             "hours": [{"start": "09:00", "end": "12:00"}]},
            {"code": "E", "prefix": "E", "name": "户籍业务", "zone": "GA", "real_name": "required",
             "hours": [{"start": "09:00", "end": "12:00"}, {"start": "13:30", "end": "17:00"}]},
        ],
        "services": [{"code": "370100-GAJ-QR-004", "name": "居住证申领", "category": "E"}],
        "windows": [
            {"id": "w01", "number": 1, "name": "1号窗口", "zone": "RS", "categories": ["A"]},
            {"id": "w02", "number": 2, "name": "2号窗口", "zone": "GA", "categories": ["E", "A"]},
        ],
    }


def write(tmp_path: Path, data: dict, name: str = "hall.toml") -> Path:
    path = tmp_path / name
    path.write_text(toml_document(data), encoding="utf-8")
    return path


def load_error(tmp_path: Path, data: dict) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_hall_config(write(tmp_path, data))
    return caught.value


def only_problem(error: ConfigError) -> tuple[str, str, str]:
    assert len(error.problems) == 1, error.problems
    return error.problems[0]


# ---------------------------------------------------------------- the example files

@pytest.mark.parametrize("path", sorted((ROOT / "config").glob("hall*.toml")), ids=lambda p: p.name)
def test_every_example_hall_file_loads(path):
    config = load_hall_config(path)
    assert config.categories and config.windows and config.services
    served = {code for window in config.windows for code in window.categories}
    assert served == {category.code for category in config.categories}
    assert all(service.guide.time_limit and service.guide.fees for service in config.services)


def test_the_example_is_a_city_hall_of_realistic_size():
    config = load_hall_config(EXAMPLE)
    assert len(config.categories) >= 10 and len(config.services) >= 40 and len(config.windows) >= 20
    assert {zone.name for zone in config.zones} >= {"人社医保服务区", "不动产登记交易区", "公安业务板块", "综合受理板块"}
    assert {window.kind for window in config.windows} >= {"综合", "专业", "总服务台", "帮办代办", "投诉"}
    transfer = config.service("370100-BDC-QR-001")
    assert transfer.guide.materials and transfer.guide.basis and transfer.guide.online_url.startswith("https://")


def test_window_rules_merge_overrides_over_the_hall_policy():
    config = load_hall_config(EXAMPLE)
    rules = config.window_rules()
    assert rules["w14"].policy.priority_run == 2            # overridden
    assert rules["w14"].policy.max_recalls == config.policy.max_recalls
    assert rules["w05"].policy.priority_run == config.policy.priority_run == 3
    assert rules["w02"].policy.max_recalls == 5
    assert rules["w05"].policy.priority_order == (Priority.GREEN, Priority.APPOINTMENT, Priority.NORMAL)
    assert rules["w08"].state is WindowState.CLOSED and rules["w05"].state is WindowState.OPEN
    assert rules["w05"].categories == ("H", "K", "J") and rules["w05"].number == 5


def test_category_and_service_rules_carry_the_domain_fields():
    config = load_hall_config(EXAMPLE)
    land = config.category_rules()["C"]
    assert land == CategoryRules(code="C", prefix="C", name="不动产登记", padding=3, daily_quota=200,
                                 hours=((time(9), time(12)), (time(13, 30), time(16, 30))),
                                 person_daily_limit=2, requires_real_name=True)
    services = config.service_rules()
    assert services["370100-BDC-QR-001"].real_name == "required"     # inherited from category C
    assert services["370100-ZWB-GG-003"].real_name == "none"
    assert services["370100-RSJ-GG-004"].real_name == "required"     # stricter than category A
    chronic = services["370100-YBJ-JF-004"]
    assert (chronic.daily_quota, chronic.hours) == (40, ((time(9), time(11, 30)),))


def test_lookups_find_by_code_and_refuse_unknown_codes_with_api_error_codes():
    config = load_hall_config(EXAMPLE)
    assert config.category("F").name == "出入境"
    assert config.window("w20").number == 20
    assert config.zone("BDC").name == "不动产登记交易区"
    assert [s.code for s in config.services_in("G")] == ["370100-GAJ-XK-201", "370100-GAJ-XK-202"]
    assert [w.id for w in config.windows_serving("G")] == ["w21", "w22"]
    for call, code in [(lambda: config.category("Q"), "unknown_category"),
                       (lambda: config.service("nope"), "unknown_service"),
                       (lambda: config.window("w99"), "not_found")]:
        with pytest.raises(DomainError) as caught:
            call()
        assert caught.value.code == code and caught.value.message and caught.value.message_en


def test_relative_data_dir_is_taken_from_the_hall_file(tmp_path):
    data = small_hall() | {"server": {"data_dir": "state", "id_hash_key_file": "keys/id.key"}}
    config = load_hall_config(write(tmp_path, data))
    assert config.server.data_path == tmp_path / "state"
    assert config.server.id_hash_key_path == tmp_path / "state" / "keys" / "id.key"
    data["server"]["data_dir"] = str(tmp_path / "elsewhere")
    assert load_hall_config(write(tmp_path, data)).server.data_path == tmp_path / "elsewhere"


def test_an_absent_section_takes_the_documented_defaults(tmp_path):
    config = load_hall_config(write(tmp_path, small_hall()))
    assert (config.server.host, config.server.port, config.server.token_ttl_hours) == ("127.0.0.1", 8600, 12)
    assert (config.server.login_max_failures, config.server.login_lockout_minutes) == (5, 15)
    assert config.server.audit_retention_days >= 185
    assert (config.hall.timezone, config.hall.numbering_reset) == ("+08:00", time(0))
    assert config.hall.tzinfo.utcoffset(None).total_seconds() == 8 * 3600
    assert (config.appointments.early_minutes, config.appointments.late_minutes) == (30, 15)
    assert config.evaluation.timeout_seconds == 30 and "态度不好" in config.evaluation.bad_reasons
    assert config.category("A").padding == 3 and config.category("A").daily_quota is None


def _models(root: type[BaseModel], seen: set) -> set:
    seen.add(root)
    for field in root.model_fields.values():
        for candidate in _nested(field.annotation):
            if candidate not in seen:
                _models(candidate, seen)
    return seen


def _nested(annotation: Any):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        yield from _nested(arg)


def test_every_field_has_a_default_and_a_description_and_forbids_extras():
    models = _models(HallConfig, set()) | _models(Catalogue, set())
    assert len(models) >= 12
    for model in models:
        assert model.model_config.get("extra") == "forbid", model
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no description"
            assert field.default is not PydanticUndefined or field.default_factory, f"{model.__name__}.{name}"


# ---------------------------------------------------------------- file-level errors

def test_missing_file(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_hall_config(tmp_path / "absent.toml")
    assert caught.value.file == tmp_path / "absent.toml"
    assert only_problem(caught.value) == ("", "找不到配置文件", "configuration file not found")
    assert str(tmp_path / "absent.toml") in str(caught.value)


def test_toml_syntax_error_names_line_and_column(tmp_path):
    path = tmp_path / "hall.toml"
    path.write_text('[hall]\nname = "某某市政务服务中心\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_hall_config(path)
    assert (caught.value.line, caught.value.column) == (2, 18)
    _, zh, en = only_problem(caught.value)
    assert "TOML 语法错误" in zh and "第 2 行第 18 列" in zh
    assert "TOML syntax error" in en and "line 2, column 18" in en


def test_file_not_in_utf8(tmp_path):
    path = tmp_path / "hall.toml"
    path.write_bytes('[hall]\nname = "政务服务中心"\n'.encode("gbk"))
    with pytest.raises(ConfigError) as caught:
        load_hall_config(path)
    _, zh, en = only_problem(caught.value)
    assert "UTF-8" in zh and "不是" in zh and "not UTF-8" in en


def test_a_byte_order_mark_is_tolerated(tmp_path):
    path = write(tmp_path, small_hall())
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_hall_config(path).hall.name == "测试政务服务中心"


# ---------------------------------------------------------------- model errors

def test_unknown_key_suggests_the_nearest_one(tmp_path):
    data = small_hall()
    data["categories"][1]["hourz"] = data["categories"][1].pop("hours")
    path, zh, en = only_problem(load_error(tmp_path, data))
    assert path == "categories[1].hourz"
    assert "未知的配置项" in zh and "“hours”" in zh
    assert "unknown key 'hourz'" in en and "did you mean 'hours'" in en


def test_unknown_section_lists_what_is_allowed(tmp_path):
    data = small_hall() | {"xyzzy": {"a": 1}}
    path, zh, en = only_problem(load_error(tmp_path, data))
    assert path == "xyzzy"
    assert "未知的配置项" in zh and "windows" in zh and "allowed here" in en and "windows" in en


@pytest.mark.parametrize("section, key, value, zh_part, en_part", [
    ("server", "port", "8600", "应为整数", "expected an integer"),
    ("server", "port", 70000, "不能大于 65535", "at most 65535"),
    ("server", "token_ttl_hours", 1.5, "应为整数", "expected an integer"),
    ("hall", "notices", "请排队", "应为数组", "expected an array"),
    ("hall", "timezone", "Asia/Shanghai", "UTC 偏移", "UTC offset"),
    ("hall", "numbering_reset", "25:00", "HH:MM", "HH:MM"),
    ("policy", "max_recalls", -1, "不能小于 0", "at least 0"),
    ("appointments", "early_minutes", True, "应为整数", "expected an integer"),
])
def test_wrong_type_or_range_names_the_key(tmp_path, section, key, value, zh_part, en_part):
    data = small_hall() | {section: {key: value}}
    path, zh, en = only_problem(load_error(tmp_path, data))
    assert path == f"{section}.{key}"
    assert zh_part in zh and en_part in en


def test_wrong_time_inside_a_list(tmp_path):
    data = small_hall()
    data["categories"][1]["hours"][1]["start"] = 1330
    path, zh, en = only_problem(load_error(tmp_path, data))
    assert path == "categories[1].hours[1].start"
    assert "24 小时制时间" in zh and "1330" in zh and "24-hour time" in en


def test_hours_ending_before_they_start(tmp_path):
    data = small_hall()
    data["categories"][1]["hours"][0] = {"start": "12:00", "end": "09:00"}
    assert only_problem(load_error(tmp_path, data)) == (
        "categories[1].hours[0]", "结束时间 09:00 不晚于开始时间 12:00", "end 09:00 is not after start 12:00")


def test_overlapping_hours(tmp_path):
    data = small_hall()
    data["categories"][1]["hours"][1]["start"] = "11:00"
    path, zh, en = only_problem(load_error(tmp_path, data))
    assert path == "categories[1].hours" and "重叠" in zh and "overlap" in en


def test_a_required_code_left_out(tmp_path):
    data = small_hall()
    del data["windows"][1]["id"]
    assert only_problem(load_error(tmp_path, data)) == (
        "windows[1].id", "必须填写，不能为空", "must be given and must not be empty")


@pytest.mark.parametrize("value", ["a", "AB", "1"])
def test_prefix_is_one_uppercase_letter(tmp_path, value):
    data = small_hall()
    data["categories"][0]["prefix"] = value
    path, zh, en = only_problem(load_error(tmp_path, data))
    assert path == "categories[0].prefix" and "大写英文字母" in zh and "uppercase letter" in en


def test_audit_retention_below_six_months(tmp_path):
    data = small_hall() | {"server": {"audit_retention_days": 180}}
    path, zh, en = only_problem(load_error(tmp_path, data))
    assert path == "server.audit_retention_days" and "185" in zh and "六个月" in zh and "185" in en


def test_priority_order_must_name_each_class_once(tmp_path):
    data = small_hall()
    data["windows"][0]["policy"] = {"priority_order": ["green", "green", "normal"]}
    path, zh, en = only_problem(load_error(tmp_path, data))
    assert path == "windows[0].policy.priority_order" and "各一次" in zh and "exactly once" in en


def test_literal_choice(tmp_path):
    data = small_hall()
    data["windows"][1]["kind"] = "VIP"
    path, zh, en = only_problem(load_error(tmp_path, data))
    assert path == "windows[1].kind" and "之一" in zh and "综合" in zh and "must be one of" in en


def test_all_problems_of_a_stage_come_together(tmp_path):
    data = small_hall()
    data["server"] = {"port": "x"}
    data["windows"][0]["number"] = 0
    error = load_error(tmp_path, data)
    assert [p.key_path for p in error.problems] == ["server.port", "windows[0].number"]
    text = str(error)
    assert text.index("配置文件有误") < text.index("Invalid configuration file") < text.index("server.port")
    assert "2 处问题" in text and "2 problems" in text


# ---------------------------------------------------------------- cross-reference errors

def test_window_listing_an_unknown_category(tmp_path):
    data = small_hall()
    data["windows"][1]["categories"] = ["E", "Q"]
    data["windows"][0]["categories"] = ["A"]
    assert only_problem(load_error(tmp_path, data)) == (
        "windows[1].categories[1]", "未知的类别 'Q'（[[categories]] 中没有定义）",
        "unknown category 'Q' (not defined in [[categories]])")


def test_service_with_an_unknown_category(tmp_path):
    data = small_hall()
    data["services"][0]["category"] = "X"
    path, zh, en = only_problem(load_error(tmp_path, data))
    assert path == "services[0].category" and "未知的类别 'X'" in zh and "unknown category 'X'" in en


def test_unknown_zone(tmp_path):
    data = small_hall()
    data["windows"][0]["zone"] = "BDC"
    path, zh, en = only_problem(load_error(tmp_path, data))
    assert path == "windows[0].zone" and "未知的区域" in zh and "unknown zone" in en


@pytest.mark.parametrize("section, index, key, value, zh_what, en_what", [
    ("categories", 1, "code", "A", "类别编码", "category code"),
    ("categories", 1, "prefix", "A", "号票前缀", "ticket prefix"),
    ("windows", 1, "number", 1, "窗口号", "window number"),
    ("windows", 1, "id", "w01", "窗口标识", "window id"),
    ("zones", 1, "code", "RS", "区域编码", "zone code"),
])
def test_duplicates_are_reported_at_the_second_entry(tmp_path, section, index, key, value, zh_what, en_what):
    data = small_hall()
    data[section][index][key] = value
    problems = load_error(tmp_path, data).problems
    path, zh, en = problems[0]
    assert path == f"{section}[{index}].{key}"
    assert zh_what in zh and "重复" in zh and f"{section}[0]" in zh
    assert f"duplicate {en_what}" in en and f"{section}[0]" in en


def test_duplicate_led_address_and_service_code(tmp_path):
    data = small_hall()
    data["windows"][0]["led_address"] = data["windows"][1]["led_address"] = 7
    data["services"].append(dict(data["services"][0]))
    paths = [p.key_path for p in load_error(tmp_path, data).problems]
    assert paths == ["services[1].code", "windows[1].led_address"]


def test_a_category_no_window_serves(tmp_path):
    data = small_hall()
    data["windows"][1]["categories"] = ["E"]
    data["windows"][0]["categories"] = ["E"]
    path, zh, en = only_problem(load_error(tmp_path, data))
    assert path == "categories[0].code" and "没有任何窗口" in zh and "no window serves" in en


def test_a_service_cannot_relax_a_real_name_category(tmp_path):
    data = small_hall()
    data["services"][0]["real_name"] = "none"
    path, zh, en = only_problem(load_error(tmp_path, data))
    assert path == "services[0].real_name" and "实名" in zh and "real-name" in en


def test_numbering_reset_inside_ticket_hours(tmp_path):
    data = small_hall() | {"hall": {"numbering_reset": "10:00"}}
    paths = [p.key_path for p in load_error(tmp_path, data).problems]
    assert paths == ["categories[0].hours[0]", "categories[1].hours[0]"]


def test_direct_validation_also_refuses_broken_references():
    data = small_hall()
    data["windows"][1]["categories"] = ["E", "Q"]
    with pytest.raises(ValidationError) as caught:
        HallConfig.model_validate(data)
    assert "windows[1].categories[1]" in str(caught.value)


# ---------------------------------------------------------------- the catalogue file

def test_missing_catalogue_is_reported_against_the_hall_file(tmp_path):
    data = small_hall() | {"catalogue": "nowhere/services.toml"}
    error = load_error(tmp_path, data)
    assert error.file == tmp_path / "hall.toml"
    path, zh, en = only_problem(error)
    assert path == "catalogue" and "找不到事项目录" in zh and "not found" in en


def test_a_bad_catalogue_entry_is_reported_against_the_catalogue(tmp_path):
    catalogue = {"services": [{"code": "S-1", "name": "测试事项", "category": "A",
                               "guide": {"materials": [{"name": "居民身份证", "copies": "一份"}]}}]}
    write(tmp_path, catalogue, "services.toml")
    error = load_error(tmp_path, small_hall() | {"catalogue": "services.toml"})
    assert error.file == tmp_path / "services.toml"
    path, zh, en = only_problem(error)
    assert path == "services[0].guide.materials[0].copies" and "应为整数" in zh and "expected an integer" in en


def test_catalogue_cross_references_use_the_catalogue_index(tmp_path):
    catalogue = {"services": [{"code": "S-1", "name": "甲", "category": "A"},
                              {"code": "370100-GAJ-QR-004", "name": "乙", "category": "Q"}]}
    write(tmp_path, catalogue, "services.toml")
    error = load_error(tmp_path, small_hall() | {"catalogue": "services.toml"})
    assert error.file == tmp_path / "services.toml"
    assert [p.key_path for p in error.problems] == ["services[1].code", "services[1].category"]
    assert "hall.toml: services[0]" in error.problems[0].message_en


def test_catalogue_and_inline_services_are_both_loaded(tmp_path):
    write(tmp_path, {"services": [{"code": "S-1", "name": "甲", "category": "A"}]}, "services.toml")
    config = load_hall_config(write(tmp_path, small_hall() | {"catalogue": "services.toml"}))
    assert [s.code for s in config.services] == ["370100-GAJ-QR-004", "S-1"]


# ---------------------------------------------------------------- mutation fuzzing

FIELD_NAMES = ["code", "name", "prefix", "zone", "hours", "start", "end", "categories", "number",
               "id", "policy", "daily_quota", "real_name", "guide", "materials", "copies", "port"]
SCALARS = st.one_of(
    st.booleans(), st.integers(-(2 ** 40), 2 ** 40), st.floats(allow_nan=True),
    st.text(max_size=8), st.times(), st.dates(),
    st.sampled_from(["09:00", "24:00", "12:00", "A", "a", "Q", "w01", "RS", "required", "closed", "", "+08:00"]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=5), inner, max_size=3),
                      max_leaves=6)


def _slots(node: Any, found: list) -> list:
    """Every (container, key) pair in a parsed TOML tree."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        found.append((node, key))
        _slots(child, found)
    return found


def mutate(data: dict, draw) -> dict:
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        container, key = draw(st.sampled_from(_slots(data, [(data, None)])))
        operation = draw(st.sampled_from(["delete", "replace", "insert", "duplicate"]))
        if key is None or operation == "insert":
            target = container[key] if key is not None and isinstance(container[key], (dict, list)) else container
            if isinstance(target, list):
                target.insert(draw(st.integers(0, len(target))), draw(VALUES))
            else:
                target[draw(st.sampled_from(FIELD_NAMES) | st.text(max_size=6))] = draw(VALUES)
        elif operation == "delete":
            del container[key]
        elif operation == "replace":
            container[key] = draw(VALUES)
        elif isinstance(container, list):
            container.append(copy.deepcopy(container[key]))
        else:
            container[key] = [container[key], copy.deepcopy(container[key])]
    return data


def assert_loads_or_explains(path: Path) -> None:
    try:
        config = load_hall_config(path)
    except ConfigError as error:
        assert error.problems and all(zh and en for _, zh, en in error.problems)
        assert str(error.file) in str(error)
    else:
        assert isinstance(config, HallConfig)
        config.category_rules(), config.service_rules(), config.window_rules()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_mutated_hall_file_loads_or_raises_config_error(tmp_path, data):
    mutated = mutate(example_data(), data.draw)
    assert_loads_or_explains(write(tmp_path, mutated))


CATALOGUE_DATA = tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_mutated_catalogue_loads_or_raises_config_error(tmp_path, data):
    mutated = mutate({"services": CATALOGUE_DATA["services"][:6]}, data.draw)
    write(tmp_path, mutated, "services.toml")
    hall = small_hall() | {"catalogue": "services.toml", "services": []}
    hall["windows"][0]["categories"] = ["A", "B", "E"]
    hall["categories"].append({"code": "B", "prefix": "B", "name": "医疗保障", "zone": "RS"})
    assert_loads_or_explains(write(tmp_path, hall))


# ---------------------------------------------------------------- the documentation

DOCUMENTED = {
    "## Top level": [HallConfig],
    "### `[hall]`": [HallInfo], "### `[server]`": [ServerSettings], "### `[policy]`": [PolicySettings],
    "### `[appointments]`": [AppointmentSettings], "### `[evaluation]`": [EvaluationSettings],
    "### `[[zones]]`": [Zone], "### `[[categories]]`": [Category, OpeningPeriod],
    "### `[[windows]]`": [Window, PolicyOverrides], "### `[[services]]`": [Service, Catalogue],
    "#### `[services.guide]`": [Guide, Material],
}


@pytest.mark.parametrize("heading", list(DOCUMENTED))
def test_docs_describe_every_key_under_its_heading(heading):
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert f"\n{heading}\n" in text
    section = text.split(f"\n{heading}\n", 1)[1].split("\n#", 1)[0]
    for model in DOCUMENTED[heading]:
        missing = [key for key in model.model_fields if f"`{key}`" not in section]
        assert not missing, f"{heading} does not describe {model.__name__}: {missing}"
