"""``ConfigError``: a hall file that cannot be used, with every problem found.

Each problem names the key path (``categories[3].hours[0]``) and says what is wrong
in Chinese first and English too (CONVENTIONS.md rule 5). Pydantic's own errors are
translated here, once, so the models never format messages themselves.
"""
from __future__ import annotations

import difflib
import types
from pathlib import Path
from typing import Annotated, Any, NamedTuple, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError


class ConfigProblem(NamedTuple):
    """One thing wrong in a configuration file."""

    key_path: str     # "categories[3].hours[0]"; "" for the file as a whole
    message_zh: str
    message_en: str


class ConfigError(Exception):
    """A configuration file that cannot be used.

    Attributes:
        file: the file at fault (the hall file, or the catalogue it names).
        problems: every problem found, as ``(key_path, message_zh, message_en)``.
        line, column: where a TOML syntax error is, when known.
    """

    def __init__(self, file: str | Path, problems: list[ConfigProblem],
                 line: int | None = None, column: int | None = None):
        self.file = Path(file)
        self.problems = list(problems)
        self.line, self.column = line, column
        super().__init__(self._render())

    def _render(self) -> str:
        count = len(self.problems)
        lines = [f"配置文件有误：{self.file}（{count} 处问题）",
                 f"Invalid configuration file: {self.file} ({count} problem{'s' * (count != 1)})"]
        for problem in self.problems:
            lines.append(f"  {problem.key_path or '(文件 file)'}")
            lines.append(f"    {problem.message_zh}")
            lines.append(f"    {problem.message_en}")
        return "\n".join(lines)


def key_path(loc: tuple[str | int, ...]) -> str:
    """``("categories", 3, "hours", 0)`` → ``"categories[3].hours[0]"``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


_TYPE_NAMES = {
    "str": ("字符串", "a string"), "int": ("整数", "an integer"), "float": ("小数", "a float"),
    "bool": ("布尔值 true/false", "a boolean"), "list": ("数组", "an array"),
    "dict": ("表", "a table"), "time": ("时间", "a time"), "date": ("日期", "a date"),
    "datetime": ("日期时间", "a date-time"),
}

# pydantic error type → (中文, English) for "expected X" errors.
_EXPECTED = {
    "string_type": "str", "int_type": "int", "int_parsing": "int", "float_type": "float",
    "bool_type": "bool", "list_type": "list", "model_type": "dict", "dict_type": "dict",
    "model_attributes_type": "dict", "time_type": "time",
}

_BOUNDS = {
    "greater_than_equal": ("ge", "不能小于 {}", "must be at least {}"),
    "greater_than": ("gt", "必须大于 {}", "must be greater than {}"),
    "less_than_equal": ("le", "不能大于 {}", "must be at most {}"),
    "less_than": ("lt", "必须小于 {}", "must be less than {}"),
    "string_too_short": ("min_length", "至少 {} 个字符", "must have at least {} characters"),
    "string_too_long": ("max_length", "最多 {} 个字符", "must have at most {} characters"),
    "too_short": ("min_length", "至少需要 {} 项", "needs at least {} items"),
    "too_long": ("max_length", "最多 {} 项", "allows at most {} items"),
}


def _shown(value: Any) -> tuple[str, str]:
    name = type(value).__name__
    zh, en = _TYPE_NAMES.get(name, (name, name))
    text = repr(value)
    text = text if len(text) <= 40 else text[:37] + "..."
    return f"{zh} {text}", f"{en} {text}"


def _unknown_key(root: type[BaseModel], loc: tuple) -> tuple[str, str]:
    allowed = _fields_at(root, loc[:-1])
    guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
    if guess:
        return (f"未知的配置项“{loc[-1]}”，是否应为“{guess[0]}”？",
                f"unknown key '{loc[-1]}'; did you mean '{guess[0]}'?")
    listed = ", ".join(allowed)
    return (f"未知的配置项“{loc[-1]}”（此处允许：{listed}）",
            f"unknown key '{loc[-1]}' (allowed here: {listed})")


def translate(error: dict, root: type[BaseModel]) -> ConfigProblem:
    """One pydantic error dict → one bilingual :class:`ConfigProblem`."""
    kind, ctx, loc = error["type"], error.get("ctx") or {}, tuple(error["loc"])
    path = key_path(loc)
    if kind == "hall_value":
        return ConfigProblem(path, ctx["zh"], ctx["en"])
    if kind == "extra_forbidden":
        return ConfigProblem(path, *_unknown_key(root, loc))
    if kind in _EXPECTED:
        zh_want, en_want = _TYPE_NAMES[_EXPECTED[kind]]
        got_zh, got_en = _shown(error.get("input"))
        return ConfigProblem(path, f"应为{zh_want}，实际为{got_zh}", f"expected {en_want}, got {got_en}")
    if kind in _BOUNDS:
        key, zh, en = _BOUNDS[kind]
        return ConfigProblem(path, zh.format(ctx.get(key)), en.format(ctx.get(key)))
    if kind == "literal_error":
        return ConfigProblem(path, f"取值应为 {ctx.get('expected')} 之一，实际为 {error.get('input')!r:.40}",
                             f"must be one of {ctx.get('expected')}; got {error.get('input')!r:.40}")
    if kind == "finite_number":
        return ConfigProblem(path, "必须是有限的数值（不能是 inf 或 nan）", "must be a finite number (not inf or nan)")
    return ConfigProblem(path, f"取值无效：{error.get('msg')}", f"invalid value: {error.get('msg')}")


def problems_from(error: ValidationError, root: type[BaseModel]) -> list[ConfigProblem]:
    """Every error of a failed validation of ``root``, translated."""
    return [translate(item, root) for item in error.errors()]


def _strip(annotation: Any) -> Any:
    """Peel ``Annotated[...]`` and ``X | None`` down to the type inside."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            inner = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(inner) != 1:
                return annotation
            annotation = inner[0]
        else:
            return annotation


def _fields_at(root: type[BaseModel], loc: tuple) -> list[str]:
    """The keys allowed at ``loc`` below ``root`` (for "did you mean" hints)."""
    node: Any = root
    for part in loc:
        node = _strip(node)
        if isinstance(part, int) and get_origin(node) is list:
            node = get_args(node)[0]
        elif isinstance(node, type) and issubclass(node, BaseModel) and part in node.model_fields:
            node = node.model_fields[part].annotation
        else:
            return []
    node = _strip(node)
    return list(node.model_fields) if isinstance(node, type) and issubclass(node, BaseModel) else []
