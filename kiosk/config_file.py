"""Reading a terminal's TOML file into its pydantic model: the one way the kiosk and
the counter console load their configuration (CONVENTIONS.md rule 5).

A file that cannot be used raises the program's :class:`ConfigFileError` subclass
naming the file, each key path (``devices.printer.baudrate``) and what is wrong,
in Chinese and English; the device token may live in a file beside the config.
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound=BaseModel)


class ConfigFileError(Exception):
    """A configuration file that cannot be used; ``problems`` is a list of (key_path, zh, en)."""

    label_zh = "配置文件"
    label_en = "configuration file"

    def __init__(self, file: str | Path, problems: list[tuple[str, str, str]]):
        self.file, self.problems = Path(file), list(problems)
        lines = [f"{self.label_zh}有误：{self.file}", f"Invalid {self.label_en}: {self.file}"]
        for path, zh, en in self.problems:
            lines += [f"  {path or '(文件 file)'}", f"    {zh}", f"    {en}"]
        super().__init__("\n".join(lines))


def resolve(config_path: str | Path, relative: str) -> Path | None:
    """A path from the file, relative to the file's folder; None for an empty setting."""
    if not relative:
        return None
    candidate = Path(relative)
    return candidate if candidate.is_absolute() else Path(config_path).parent / candidate


def load_toml_model(path: str | Path, model: type[Model], error: type[ConfigFileError], *,
                    root_key: str = "") -> tuple[Model, str]:
    """Read and validate ``path`` as ``model``; return it and the device token
    (``[server] token``, or the contents of ``[server] token_file``).

    ``root_key`` names the problems a whole-file validator reports (they have no key path).

    Raises:
        error: unreadable file, bad TOML, invalid keys (with key paths), unreadable token file.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise error(path, [("", "找不到配置文件", "configuration file not found")]) from None
    except UnicodeDecodeError:
        raise error(path, [("", "文件不是 UTF-8 编码", "the file is not UTF-8")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise error(path, [("", f"TOML 语法错误：{exc}", f"TOML syntax error: {exc}")]) from None
    try:
        config = model.model_validate(data)
    except ValidationError as exc:
        raise error(path, [problem(e, root_key) for e in exc.errors()]) from None
    return config, _token(config, path, error)


def _token(config: BaseModel, path: Path, error: type[ConfigFileError]) -> str:
    server = config.server  # type: ignore[attr-defined]
    if not server.token_file:
        return server.token
    token_path = resolve(path, server.token_file)
    try:
        return token_path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise error(path, [("server.token_file", f"无法读取令牌文件 {token_path}：{exc.strerror}",
                            f"cannot read the token file {token_path}: {exc.strerror}")]) from None


_KINDS = {"string_type": ("字符串", "a string"), "int_type": ("整数", "an integer"),
          "float_type": ("数值", "a number"), "bool_type": ("布尔值 true/false", "a boolean"),
          "list_type": ("数组", "an array"), "model_type": ("表", "a table"), "dict_type": ("表", "a table")}
_BOUNDS = {"greater_than_equal": ("ge", "不能小于", "must be at least"), "less_than_equal": ("le", "不能大于", "must be at most"),
           "greater_than": ("gt", "必须大于", "must be greater than"), "too_short": ("min_length", "至少需要几项：", "needs at least"),
           "too_long": ("max_length", "最多几项：", "allows at most"), "string_too_short": ("min_length", "最少字符数：", "min characters:"),
           "string_too_long": ("max_length", "最多字符数：", "max characters:")}


def problem(error: dict, root_key: str = "") -> tuple[str, str, str]:
    """One pydantic error → (key path, 中文, English)."""
    path = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in error["loc"]).replace(".[", "[")
    kind, ctx, shown = error["type"], error.get("ctx") or {}, repr(error.get("input"))[:40]
    if kind == "extra_forbidden":
        return path, f"未知的配置项“{error['loc'][-1]}”", f"unknown key '{error['loc'][-1]}'"
    if kind in _KINDS:
        zh, en = _KINDS[kind]
        return path, f"应为{zh}，实际为 {shown}", f"expected {en}, got {shown}"
    if kind == "literal_error":
        return path, f"取值应为 {ctx.get('expected')} 之一，实际为 {shown}", f"must be one of {ctx.get('expected')}; got {shown}"
    if kind in _BOUNDS:
        key, zh, en = _BOUNDS[kind]
        return path, f"{zh} {ctx.get(key)}", f"{en} {ctx.get(key)}"
    if kind == "string_pattern_mismatch":
        return path, f"格式不对：{shown}", f"wrong format: {shown}"
    message = str(ctx.get("error") or error.get("msg"))  # a validator's own bilingual text when it has one
    return path or root_key, f"取值无效：{message}", f"invalid value: {message}"
