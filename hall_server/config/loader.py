"""``load_hall_config``: the one place a hall file is read.

Order of work: read the file, parse TOML, read the catalogue it names, validate the
models, run the cross-reference checks. The first stage that fails raises
:class:`ConfigError` with every problem that stage found.
"""
from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hall_server.config.catalogue import Catalogue
from hall_server.config.errors import ConfigError, ConfigProblem, problems_from
from hall_server.config.hall import PROBLEMS_CONTEXT_KEY, HallConfig

_WHERE = re.compile(r"\(at line (\d+), column (\d+)\)")
_SERVICE_REF = re.compile(r"services\[(\d+)\]")


def load_hall_config(path: str | Path) -> HallConfig:
    """Read, validate and return the hall file at ``path``.

    A relative ``catalogue`` is taken from the hall file's directory, and so is a
    relative ``server.data_dir``, which the returned config holds as an absolute path.

    Raises:
        ConfigError: the file (or its catalogue) is missing, is not TOML, or does not
            describe a valid hall; ``.problems`` lists each key path and what is wrong.
    """
    path = Path(path)
    data = read_toml(path)
    catalogue_path, services = _catalogue(path, data)
    inline = data.get("services", [])
    if services and isinstance(inline, list):
        data = {**data, "services": [*inline, *services]}
    sink: list[ConfigProblem] = []
    try:
        config = HallConfig.model_validate(data, context={PROBLEMS_CONTEXT_KEY: sink})
    except ValidationError as error:
        raise ConfigError(path, problems_from(error, HallConfig)) from None
    if sink:
        _raise_located(sink, path, catalogue_path, len(inline) if isinstance(inline, list) else 0)
    return _with_data_dir(config, path.parent)


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed TOML document at ``path``, or :class:`ConfigError`."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(path, [ConfigProblem("", "找不到配置文件", "configuration file not found")]) from None
    except OSError as error:
        raise ConfigError(path, [ConfigProblem("", f"无法读取配置文件：{error.strerror}",
                                               f"cannot read the configuration file: {error.strerror}")]) from None
    try:
        # utf-8-sig: Windows editors often save a byte-order mark, which TOML forbids.
        return tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ConfigError(path, [ConfigProblem("", f"文件不是 UTF-8 编码（第 {error.start} 字节）",
                                               f"the file is not UTF-8 (byte {error.start})")]) from None
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(path, error) from None


def _syntax_error(path: Path, error: tomllib.TOMLDecodeError) -> ConfigError:
    # Python 3.11's TOMLDecodeError has no lineno attribute; the position is in the text.
    message = str(error)
    where = _WHERE.search(message)
    line, column = (int(where[1]), int(where[2])) if where else (None, None)
    reason = _WHERE.sub("", message).replace("(at end of document)", "").strip()
    place_zh = f"第 {line} 行第 {column} 列" if where else "文件末尾"
    place_en = f"line {line}, column {column}" if where else "end of file"
    problem = ConfigProblem("", f"TOML 语法错误，位于{place_zh}：{reason}", f"TOML syntax error at {place_en}: {reason}")
    return ConfigError(path, [problem], line=line, column=column)


def _catalogue(hall_path: Path, data: dict[str, Any]) -> tuple[Path | None, list]:
    """The catalogue file named by ``data["catalogue"]`` and its validated services."""
    name = data.get("catalogue")
    if not isinstance(name, str) or not name:
        return None, []   # absent, or a wrong type that HallConfig will report
    path = hall_path.parent / name
    if not _is_file(path):
        raise ConfigError(hall_path, [ConfigProblem(
            "catalogue", f"找不到事项目录文件 {path}", f"catalogue file {path} not found")])
    try:
        return path, Catalogue.model_validate(read_toml(path)).services
    except ValidationError as error:
        raise ConfigError(path, problems_from(error, Catalogue)) from None


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):   # a name too long, a NUL byte: no such file either way
        return False


def _raise_located(problems: list[ConfigProblem], hall_path: Path, catalogue_path: Path | None, inline: int) -> None:
    """Raise the cross-reference problems against the file each one is in."""
    by_file: dict[Path, list[ConfigProblem]] = {}
    for problem in problems:
        file = _file_of(problem.key_path, hall_path, catalogue_path, inline)
        by_file.setdefault(file, []).append(_relocated(problem, file, hall_path, catalogue_path, inline))
    file = hall_path if hall_path in by_file else next(iter(by_file))
    raise ConfigError(file, by_file[file])


def _file_of(key_path: str, hall_path: Path, catalogue_path: Path | None, inline: int) -> Path:
    match = re.match(r"services\[(\d+)\]", key_path)
    if catalogue_path is not None and match and int(match[1]) >= inline:
        return catalogue_path
    return hall_path


def _relocated(problem: ConfigProblem, file: Path, hall_path: Path, catalogue_path: Path | None,
               inline: int) -> ConfigProblem:
    """Rewrite ``services[i]`` (an index into hall + catalogue) into each file's own index."""
    if catalogue_path is None:
        return problem

    def rewrite(match: re.Match) -> str:
        index = int(match[1])
        owner, local = (catalogue_path, index - inline) if index >= inline else (hall_path, index)
        prefix = "" if owner == file else f"{owner.name}: "
        return f"{prefix}services[{local}]"

    if file == catalogue_path:
        key = _SERVICE_REF.sub(lambda m: f"services[{int(m[1]) - inline}]", problem.key_path, count=1)
    else:
        key = problem.key_path
    return ConfigProblem(key, _SERVICE_REF.sub(rewrite, problem.message_zh), _SERVICE_REF.sub(rewrite, problem.message_en))


def _with_data_dir(config: HallConfig, base: Path) -> HallConfig:
    # abspath, not resolve(): pure string work, nothing on disk is touched or required.
    data_dir = os.path.abspath(base / config.server.data_dir)
    return config.model_copy(update={"server": config.server.model_copy(update={"data_dir": data_dir})})
