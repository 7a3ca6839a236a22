"""``[agents]``: how a call reaches the hall — the display's caption, the voice
announcer and the LED screens (issue 6). One wording, ``call_text``, is shared by
the display banner and the voice, so what the hall hears is what the deaf read
(domain.md ACC-12: "text display of voice prompts").
"""
from __future__ import annotations

import string
from typing import Literal

from pydantic import Field, field_validator

from hall_server.config.sections import ConfigModel, unique_texts
from hall_server.config.values import Code, invalid

CALL_FIELDS = frozenset({"number", "window"})
DEFAULT_CALL_TEXT = "请 {number} 号 到 {window} 号窗口 办理"


def template_fields(template: str) -> set[str]:
    """The ``{placeholders}`` of a text template; a malformed one is an error."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise invalid(f"模板格式错误（花括号不成对）：{template!r:.60}",
                      f"malformed template (unbalanced braces): {template!r:.60}") from exc


def checked_template(template: str, required: frozenset[str] = frozenset()) -> str:
    """A template using only ``{number}`` and ``{window}``, with every ``required`` one."""
    fields = template_fields(template)
    unknown = sorted(fields - CALL_FIELDS)
    if unknown:
        raise invalid(f"模板只能使用 {{number}} 和 {{window}}，不认识：{', '.join(unknown)}",
                      f"a template may use only {{number}} and {{window}}; unknown: {', '.join(unknown)}")
    missing = sorted(required - fields)
    if missing:
        raise invalid(f"模板缺少 {', '.join('{' + m + '}' for m in missing)}",
                      f"the template lacks {', '.join('{' + m + '}' for m in missing)}")
    return template


class DisplaySettings(ConfigModel):
    """``[agents.display]``: the hall TV (``/display``) and the phone page (``/t/…``)."""

    recent_calls: int = Field(8, ge=1, le=20, description="“最近叫号”列表显示的条数 / rows in the recent-calls list")
    flash_seconds: int = Field(8, ge=1, le=60, description="新叫号、重呼时闪烁的秒数 / seconds a new call or recall flashes")
    ticker_speed: int = Field(90, ge=20, le=400, description="滚动公告速度（像素/秒） / notice ticker speed in pixels per second")
    refresh_seconds: int = Field(20, ge=5, le=300, description="显示屏重新取等候人数快照、检查事件流的间隔秒数 / seconds between snapshot refreshes and stream checks")
    phone_poll_seconds: int = Field(5, ge=2, le=60, description="手机查询页刷新间隔秒数 / seconds between refreshes of the phone page")


class VoiceSettings(ConfigModel):
    """``[agents.voice]``: the announcer (``python -m hall_server.agents voice``)."""

    repeat: int = Field(2, ge=1, le=5, description="每次叫号播报的遍数 / times each call is spoken")
    repeat_gap_ms: int = Field(800, ge=0, le=5000, description="两遍之间的停顿毫秒数 / pause between repeats, ms")
    word_gap_ms: int = Field(30, ge=0, le=500, description="字词之间的停顿毫秒数 / pause between words, ms")
    chime: bool = Field(True, description="播报前先响提示音 / a chime before each call")
    window_reading: Literal["natural", "digits"] = Field("natural", description="窗口号读法：natural 读作“十二号窗口”，digits 逐位读作“一二号窗口” / how window numbers are read")
    pack_dir: str = Field("", description="语音包目录；为空用默认包（见 docs/display-and-voice.md） / voice pack directory; empty = the generated default pack")
    sink: str = Field("auto", description="声音输出：auto、paplay、aplay、pw-play、play、wav:目录、none / audio output")
    max_age_seconds: int = Field(120, ge=5, le=3600, description="超过此秒数的叫号（如断线后补收）不再播报 / calls older than this (caught up after an outage) are not spoken")
    zones: list[Code] = Field(default_factory=list, description="只播报这些区域窗口的叫号；为空播报全部 / announce only calls to windows of these zones; empty = all")

    @field_validator("zones")
    @classmethod
    def _distinct_zones(cls, zones: list[str]) -> list[str]:
        return unique_texts(zones)


class LedSettings(ConfigModel):
    """``[agents.led]``: window screens and the hall strip on the RS-485 bus
    (``python -m hall_server.agents led``); addresses come from ``[[windows]].led_address``."""

    bus_url: str = Field("", description="LED 总线端口，如 /dev/ttyUSB0、socket://…；为空表示没有 LED 屏 / the bus port; empty = no LED screens")
    vendor: str = Field("shuangse", description="屏的协议：shuangse、pinganlihe（见 docs/devices） / screen protocol")
    strip_address: int | None = Field(None, ge=1, le=254, description="大厅条屏地址，显示最新叫号；无则不写 / address of the hall strip showing the latest call")
    call_template: str = Field("请{number}号到{window}号窗口", description="叫号时窗口屏和条屏的文字 / text on a call")
    serving_template: str = Field("正在办理{number}号", description="办理中窗口屏的文字 / window screen while serving")
    idle_template: str = Field("{window}号窗口", description="空闲时窗口屏的文字 / window screen when idle")
    paused_text: str = Field("暂停服务", description="窗口暂停时的文字 / window screen when paused")
    closed_text: str = Field("", description="窗口关闭时的文字；为空则清屏 / window screen when closed; empty = blank")
    encoding: Literal["gb2312", "gbk"] | None = Field(None, description="屏的汉字编码；不写用厂商默认 / text encoding; vendor default if unset")
    frame_gap_ms: int = Field(100, ge=0, le=2000, description="总线上两帧之间至少间隔的毫秒数 / minimum gap between frames on the bus, ms")

    @field_validator("call_template")
    @classmethod
    def _call(cls, template: str) -> str:
        return checked_template(template, frozenset({"number", "window"}))

    @field_validator("serving_template", "idle_template", "paused_text", "closed_text")
    @classmethod
    def _others(cls, template: str) -> str:
        return checked_template(template)


class AgentSettings(ConfigModel):
    """``[agents]``: the call wording and the display, voice and LED sub-sections."""

    call_text: str = Field(DEFAULT_CALL_TEXT, description="叫号文字，显示屏字幕与语音播报共用；空格处为语音停顿，只用语音包中有的字词 / call wording shared by display caption and voice; spaces separate spoken words")
    display: DisplaySettings = Field(default_factory=DisplaySettings, description="大厅显示屏与手机查询页 / the hall display and the phone page")
    voice: VoiceSettings = Field(default_factory=VoiceSettings, description="语音播报 / the voice announcer")
    led: LedSettings = Field(default_factory=LedSettings, description="LED 窗口屏与条屏 / LED window screens and hall strip")

    @field_validator("call_text")
    @classmethod
    def _call_text(cls, template: str) -> str:
        return checked_template(template, frozenset({"number", "window"}))
