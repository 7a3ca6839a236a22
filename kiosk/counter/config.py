"""The counter console's configuration: pydantic models loaded from one TOML file.

``load_counter_config(path)`` is the one place the file is read (CONVENTIONS.md rule 5).
Every key has a default and a description (docs/counter.md lists them); unknown keys
and loose types are errors; a bad file raises :class:`CounterConfigError` naming the
file, the key path (``led.address``) and what is wrong, in Chinese and English.
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kiosk.config_file import ConfigFileError, load_toml_model, resolve
from kiosk.counter.core.actions import BY_NAME, HotkeyError, HotkeyMap
from kiosk.counter.core.console import ConsoleSettings


class Section(BaseModel):
    """Base of every counter config model: unknown keys and loose types are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, validate_default=True)


class CounterInfo(Section):
    """``[counter]``: this console."""

    device_id: str = Field("counter-01", min_length=1, max_length=64, description="设备名，心跳上报用 / device name for heartbeats")
    window_id: str = Field("", max_length=32, description="本机所在窗口 id（如 w05）；为空则用账号绑定的窗口或登录时选择 / this PC's window id; empty = the account's window or chosen at login")
    language: Literal["zh", "en"] = Field("zh", description="界面语言 / console language")
    fullscreen: bool = Field(True, description="全屏显示工作台 / run the console full screen")
    resync_s: float = Field(30.0, ge=5, le=600, description="定期从服务器重新读取窗口状态的间隔秒数（事件流之外的保险）/ seconds between full re-reads (a safety net besides the event stream)")
    debounce_s: float = Field(3.0, ge=0.5, le=30, description="叫号、重呼、特呼按键防抖秒数 / seconds between two call-type actions")
    heartbeat_s: float = Field(60.0, ge=10, le=600, description="设备状态上报间隔秒数 / seconds between heartbeats")


class ServerSection(Section):
    """``[server]``: the hall server."""

    base_url: str = Field("http://127.0.0.1:8600", pattern=r"^https?://[^\s/]+(:\d+)?/?$", description="大厅服务器地址 / hall server address")
    token: str = Field("", description="窗口设备令牌（不登录、以设备身份工作时用）；留空则需工作人员登录 / a counter device token (works without a personal login); empty = clerks log in")
    token_file: str = Field("", description="存放设备令牌的文件，相对本配置文件 / file holding the device token, relative to this file")
    timeout_s: float = Field(5.0, gt=0, le=60, description="每次请求的超时秒数 / seconds to wait for each answer")
    retries: int = Field(2, ge=0, le=10, description="网络故障时客户端立即重试次数（同一幂等键）/ immediate client retries (same idempotency key)")
    retry_delays_s: list[float] = Field([1.0, 2.0, 4.0, 8.0, 15.0], min_length=1, max_length=10, description="之后工作台再次重试同一操作的等待秒数，最后一个重复使用 / waits before the console resends the same action; the last repeats")


class LoginSection(Section):
    """``[login]``: how clerks log in."""

    username: str = Field("", max_length=64, description="登录框预填的账号 / account prefilled in the login box")
    take_duty: bool = Field(True, description="登录后自动接管本窗口（AB岗），服务器记录当前在岗人员 / after login, take over the window on the server (AB岗)")


class PadSection(Section):
    """``[pad]``: the evaluation pad with caller keys (docs/devices/evalpad.md)."""

    url: str = Field("", description="评价器端口：/dev/ttyACM0、socket://…、emu://evalpad?scenario=demo；为空表示没有评价器 / pad port; empty = none")
    addresses: list[int] = Field([1], min_length=1, max_length=32, description="总线上评价器地址，第一个是本窗口的 / pad addresses on the bus; the first is this window's")
    baudrate: int = Field(115200, ge=1200, le=921600, description="串口波特率 / serial speed")
    keys: bool = Field(True, description="评价器上的叫号键可以操作工作台 / the pad's caller keys operate the console")

    @field_validator("addresses")
    @classmethod
    def _addresses(cls, value: list[int]) -> list[int]:
        if any(not 1 <= a <= 254 for a in value):
            raise ValueError("评价器地址应在 1–254 之间 / pad addresses are 1-254")
        return value


class LedSection(Section):
    """``[led]``: the window's LED screen (docs/devices/led.md)."""

    url: str = Field("", description="LED 屏端口：/dev/ttyUSB0、socket://…、emu://led；为空表示没有窗口屏 / port; empty = none")
    vendor: Literal["shuangse", "pinganlihe"] = Field("shuangse", description="LED 屏协议 / LED protocol")
    address: int = Field(0, ge=0, le=254, description="屏地址；0 表示用大厅配置中本窗口的 led_address / screen address; 0 = the window's led_address from the hall")
    baudrate: int = Field(9600, ge=1200, le=921600, description="串口波特率 / serial speed")


class EvaluationSection(Section):
    """``[evaluation]``: 一次一评 after each 办结."""

    mode: Literal["pad", "screen", "tablet", "none"] = Field("pad", description="pad 评价器，screen 面向群众的第二块屏，tablet 服务器提供的评价平板网页（/evaltablet?window=…），none 不在本机评价 / pad, second screen, the server's tablet page, or none")
    timeout_s: int = Field(0, ge=0, le=255, description="评价等待秒数；0 表示用大厅配置 [evaluation].timeout_seconds / seconds to wait; 0 = the hall's setting")
    screen: int = Field(1, ge=0, le=8, description="第二块屏的序号（0 为主屏）；没有该屏时在主屏开一个窗口 / which display faces the resident; falls back to a window")
    photo_dir: str = Field("", description="工作人员照片目录，文件名为工号（0001.png / 0001.jpg），相对本配置文件 / clerk photos named by staff number")
    pad_reason_fallback: str = Field("评价器未选择原因", min_length=1, max_length=40, description="评价器上给出差评但无法选原因时记录的原因 / reason recorded for a bad pad rating without one")
    thanks_s: float = Field(4.0, ge=1, le=30, description="第二块屏上“感谢评价”停留秒数 / seconds the thank-you stays on the second screen")


class CounterConfig(Section):
    """A whole counter file."""

    counter: CounterInfo = Field(default_factory=CounterInfo, description="本机 / this console")
    server: ServerSection = Field(default_factory=ServerSection, description="大厅服务器 / hall server")
    login: LoginSection = Field(default_factory=LoginSection, description="登录 / login")
    hotkeys: dict[str, str] = Field(default_factory=dict, description="快捷键覆盖：操作名 = 按键（如 call_next = \"F1\"）；空字符串取消 / hotkey overrides: action = key")
    pad: PadSection = Field(default_factory=PadSection, description="评价器 / evaluation pad")
    led: LedSection = Field(default_factory=LedSection, description="窗口 LED 屏 / window LED screen")
    evaluation: EvaluationSection = Field(default_factory=EvaluationSection, description="评价 / evaluation")

    @model_validator(mode="after")
    def _hotkeys_usable(self) -> "CounterConfig":
        unknown = [a for a in self.hotkeys if a not in BY_NAME]
        if unknown:
            raise ValueError(f"hotkeys: 没有这个操作 {unknown[0]!r} / no such action {unknown[0]!r}")
        try:
            HotkeyMap(self.hotkeys)
        except HotkeyError as error:
            raise ValueError(f"hotkeys: {error}") from None
        return self

    def hotkey_map(self) -> HotkeyMap:
        return HotkeyMap(self.hotkeys)

    def console_settings(self, hall_timeout_s: int | None = None) -> ConsoleSettings:
        """The core's settings; the hall's evaluation timeout applies unless this file sets one."""
        timeout = self.evaluation.timeout_s or hall_timeout_s or 30
        return ConsoleSettings(debounce_s=self.counter.debounce_s, retry_delays_s=tuple(self.server.retry_delays_s),
                               evaluation_mode=self.evaluation.mode, evaluation_timeout_s=max(10, min(255, timeout)),
                               pad_reason_fallback=self.evaluation.pad_reason_fallback)


class CounterConfigError(ConfigFileError):
    """A counter file that cannot be used; ``problems`` is a list of (key_path, zh, en)."""

    label_zh = "窗口工作台配置文件"
    label_en = "counter configuration file"


def load_counter_config(path: str | Path) -> tuple[CounterConfig, str]:
    """Read and validate the file; return the config and the device token ("" when clerks log in).

    Raises:
        CounterConfigError: unreadable file, bad TOML, or invalid keys (with key paths).
    """
    return load_toml_model(path, CounterConfig, CounterConfigError, root_key="hotkeys")
