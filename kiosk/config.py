"""The kiosk's configuration: pydantic models loaded from one TOML file (CONVENTIONS.md rule 5).

``load_kiosk_config(path)`` is the one place a kiosk file is read. Every key has a
default and a description (docs/kiosk.md lists them); unknown keys and loose types
are errors; a bad file raises :class:`KioskConfigError` naming the file, the key
path (``devices.printer.baudrate``) and what is wrong, in Chinese and English.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kiosk.config_file import ConfigFileError, load_toml_model
from kiosk.core.idle import IdlePolicy
from kiosk.core.settings import DEFAULT_BAD_REVIEW_REASONS, FlowSettings

PIN_ITERATIONS = 200_000


class Section(BaseModel):
    """Base of every kiosk config model: unknown keys and loose types are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, validate_default=True)


class KioskInfo(Section):
    """``[kiosk]``: who this terminal is and how it behaves."""

    device_id: str = Field("kiosk-01", min_length=1, max_length=64, description="设备名，心跳与呼叫帮办时上报 / device name reported with heartbeats and help requests")
    location: str = Field("大厅自助服务区", min_length=1, max_length=64, description="本机位置，呼叫帮办时告诉工作人员 / where this kiosk stands, sent with help requests")
    language: Literal["zh", "en"] = Field("zh", description="开机语言 / start-up language; residents switch with 语言")
    locked: bool = Field(True, description="锁定全屏，无窗口边框，只能用维护密码退出 / full screen, no decorations, exit only with the maintenance PIN")
    maintenance_pin_hash: str = Field("", description="维护密码的哈希（python -m kiosk hash-pin 生成）；为空时不能进入维护界面 / PIN hash from `python -m kiosk hash-pin`; empty disables maintenance")
    maintenance_taps: int = Field(5, ge=3, le=10, description="在左上角连续点按多少次打开维护密码键盘 / taps in the top-left corner that open the PIN keypad")
    heartbeat_s: float = Field(30.0, ge=5, le=600, description="向服务器上报设备状态的间隔秒数 / seconds between health heartbeats")
    catalogue_refresh_s: float = Field(300.0, ge=30, le=86400, description="在首页时重新读取事项目录和公告的间隔秒数 / seconds between catalogue and notice refreshes while at home")
    attract_after_s: float = Field(90.0, ge=10, le=3600, description="首页无人操作多少秒后显示公告轮播 / seconds idle at home before the notice screen")
    notice_rotate_s: float = Field(8.0, ge=2, le=120, description="公告轮播每条停留秒数 / seconds each notice stays on the notice screen")


class ServerSection(Section):
    """``[server]``: the hall server this kiosk talks to."""

    base_url: str = Field("http://127.0.0.1:8600", pattern=r"^https?://[^\s/]+(:\d+)?/?$", description="大厅服务器地址 / hall server address, e.g. http://10.0.0.2:8600")
    token: str = Field("", description="设备令牌（python -m hall_server admin create-device-token kiosk-01 --role kiosk）/ device token; prefer token_file")
    token_file: str = Field("", description="存放设备令牌的文件，相对本配置文件 / file holding the device token, relative to this file")
    timeout_s: float = Field(5.0, gt=0, le=60, description="每次请求的超时秒数 / seconds to wait for each answer")
    retries: int = Field(3, ge=0, le=10, description="网络故障时同一请求（同一幂等键）的重试次数 / retries of one request (same idempotency key)")
    status_url_template: str = Field("{server}/t/{token}", description="号票二维码指向的手机页面；{server} 为服务器地址，{token} 为号票查询令牌 / the receipt QR's phone page")
    guide_url_template: str = Field("{server}/guide/{code}", description="没有在线地址的事项，其办事指南二维码地址 / guide QR for services without an online page")

    @field_validator("status_url_template")
    @classmethod
    def _has_token(cls, value: str) -> str:
        if "{token}" not in value:
            raise ValueError("必须包含 {token} / must contain {token}")
        return value


class FlowSection(Section):
    """``[flows]``: rules the resident flows decide with (kiosk/core/settings.py)."""

    green_channel_age: int | None = Field(70, ge=50, le=120, description="刷证取号达到此年龄走绿色通道（本地规定）；不写则关闭 / age for the green channel (local rule); omit to turn off")
    bad_review_reasons: list[str] = Field(list(DEFAULT_BAD_REVIEW_REASONS), min_length=1, max_length=12, description="不满意、非常不满意时可选的原因 / reasons offered for a bad rating")
    server_retry_delays_s: list[float] = Field([2.0, 4.0, 8.0, 15.0], max_length=10, description="服务器连不上时，同一请求再试的等待秒数 / waits before retrying the same request")
    receipt_notice_lines: list[str] = Field(["请留意大厅叫号屏和广播"], max_length=6, description="号票底部的提示行 / lines at the foot of the ticket")
    speak_always: bool = Field(False, description="非长者模式也朗读每一步提示 / speak every step outside elderly mode too")


class IdleSection(Section):
    """``[idle]``: when an unattended screen asks, then wipes (domain.md ACC-07, ACC-13)."""

    timeout_s: float = Field(60.0, ge=15, le=600, description="无操作多少秒后清除并回到首页 / seconds without a touch before the wipe")
    ask_s: float = Field(15.0, ge=5, le=120, description="剩余多少秒时询问“还需要更多时间吗” / seconds left when the kiosk asks")
    elderly_timeout_s: float = Field(180.0, ge=30, le=1800, description="长者模式的清除时间 / the same in elderly mode")
    elderly_ask_s: float = Field(30.0, ge=5, le=300, description="长者模式的询问时间 / the same in elderly mode")


class PrinterSection(Section):
    """``[devices.printer]``: the ESC/POS ticket printer (docs/devices/printer.md)."""

    url: str = Field("", description="端口：/dev/ttyUSB0、usb://VID:PID、socket://ip:9100、emu://printer；为空表示没有打印机 / port; empty = none")
    baudrate: int = Field(9600, ge=1200, le=921600, description="串口波特率 / serial speed")
    paper_dots: Literal[384, 576] = Field(576, description="80 mm 纸为 576，58 mm 纸为 384 / 576 for 80 mm paper, 384 for 58 mm")
    charset: Literal["gbk", "gb2312"] = Field("gbk", description="打印机字库覆盖的编码 / two-byte area the printer's font covers")
    poll_s: float = Field(3.0, ge=0.5, le=60, description="查询纸张状态的间隔秒数 / seconds between paper status polls")
    status_queries: bool = Field(True, description="打印机支持 DLE EOT 状态查询 / printer answers DLE EOT status requests")


class IdCardSection(Section):
    """``[devices.idcard]``: the 二代证 reader (docs/devices/idcard.md)."""

    url: str = Field("", description="端口：/dev/ttyUSB1、emu://idcard；为空表示没有读卡器，只能手动输入 / port; empty = typed path only")
    baudrate: int = Field(115200, ge=1200, le=921600, description="串口波特率 / serial speed")


class ScannerSection(Section):
    """``[devices.scanner]``: the QR scanner (docs/devices/scanner.md)."""

    mode: Literal["wedge", "serial", "camera", "none"] = Field("wedge", description="wedge 键盘模式、serial 串口、camera 摄像头、none 无 / keyboard wedge, serial, camera or none")
    url: str = Field("", description="serial: 端口或 emu://scanner；camera: camera://0 / port (serial) or camera URL")
    suffix: Literal["CR", "LF", "CRLF", "TAB", "NONE"] = Field("CR", description="扫码器结束符 / the scanner's suffix")
    baudrate: int = Field(9600, ge=1200, le=921600, description="串口波特率 / serial speed")
    decoder: Literal["auto", "zxing", "pyzbar"] = Field("auto", description="摄像头模式的二维码解码器 / camera QR decoder")


class DocumentPrinterSection(Section):
    """``[devices.document_printer]``: the A4 printer for certificates (docs/certificates.md "Printer setup")."""

    name: str = Field("", max_length=127, pattern=r"^[^\s/#]*$", description="A4 打印机在 CUPS 中的队列名（lpstat -p 可见），如 cert-a4；为空表示没有 A4 打印机，首页不提供证明打印 / the A4 printer's CUPS queue name, e.g. cert-a4; empty = no A4 printer, no 证明打印 tile")
    wait_s: float = Field(60.0, ge=5, le=600, description="跟踪打印任务直到打印完成的最长秒数 / seconds to follow a print job until CUPS reports it done")


class DevicesSection(Section):
    """``[devices]``: the kiosk's own devices."""

    printer: PrinterSection = Field(default_factory=PrinterSection, description="号票打印机 / ticket printer")
    idcard: IdCardSection = Field(default_factory=IdCardSection, description="身份证阅读器 / ID card reader")
    scanner: ScannerSection = Field(default_factory=ScannerSection, description="扫码器 / QR scanner")
    document_printer: DocumentPrinterSection = Field(default_factory=DocumentPrinterSection, description="证明打印用的 A4 打印机 / A4 printer for certificates")


class VoiceSection(Section):
    """``[voice]``: spoken step prompts (kiosk/voice.py)."""

    enabled: bool = Field(True, description="开启语音引导 / voice guidance on")
    engine: str = Field("espeak-ng", min_length=1, description="语音合成程序 / the TTS program")
    voice_zh: str = Field("cmn-latn-pinyin", description="中文声音：读拼音（cmn 会读错）/ Chinese voice reading pinyin (cmn mispronounces)")
    voice_en: str = Field("en", description="英文声音 / English voice")
    speed: int = Field(150, ge=80, le=300, description="语速（字/分）/ words per minute")
    player: Literal["qt", "aplay", "none"] = Field("qt", description="播放方式：qt（QtMultimedia）、aplay 或 none / how WAV files are played")
    cache_dir: str = Field("", description="语音缓存目录；为空用 ~/.cache/hallterm/voice / WAV cache; empty = ~/.cache/hallterm/voice")


class KioskConfig(Section):
    """A whole kiosk file."""

    kiosk: KioskInfo = Field(default_factory=KioskInfo, description="本机 / this kiosk")
    server: ServerSection = Field(default_factory=ServerSection, description="大厅服务器 / hall server")
    flows: FlowSection = Field(default_factory=FlowSection, description="流程规则 / flow rules")
    idle: IdleSection = Field(default_factory=IdleSection, description="空闲计时 / idle timer")
    devices: DevicesSection = Field(default_factory=DevicesSection, description="外设 / devices")
    voice: VoiceSection = Field(default_factory=VoiceSection, description="语音引导 / voice guidance")

    def flow_settings(self, hall_name: str = "") -> FlowSettings:
        """The core's settings, with the server address filled into the URL templates."""
        server = self.server.base_url.rstrip("/")
        idle = self.idle
        return FlowSettings(
            hall_name=hall_name,
            status_url_template=self.server.status_url_template.replace("{server}", server),
            guide_url_template=self.server.guide_url_template.replace("{server}", server),
            idle=IdlePolicy(idle.timeout_s, idle.ask_s, idle.elderly_timeout_s, idle.elderly_ask_s),
            server_retry_delays_s=tuple(self.flows.server_retry_delays_s),
            green_channel_age=self.flows.green_channel_age,
            bad_review_reasons=tuple(self.flows.bad_review_reasons),
            speak_always=self.flows.speak_always,
            receipt_notice_lines=tuple(self.flows.receipt_notice_lines),
            # 证明打印 identifies by the card on the reader only: no reader, no tile.
            certificates=bool(self.devices.document_printer.name and self.devices.idcard.url))


class KioskConfigError(ConfigFileError):
    """A kiosk file that cannot be used; ``problems`` is a list of (key_path, zh, en)."""

    label_zh = "自助终端配置文件"
    label_en = "kiosk configuration file"


def load_kiosk_config(path: str | Path) -> tuple[KioskConfig, str]:
    """Read and validate the kiosk file; return the config and the device token.

    Raises:
        KioskConfigError: unreadable file, bad TOML, or invalid keys (with key paths).
    """
    return load_toml_model(path, KioskConfig, KioskConfigError)


# --- the maintenance PIN -------------------------------------------------------------

def hash_pin(pin: str, *, salt: str | None = None, iterations: int = PIN_ITERATIONS) -> str:
    """``pbkdf2_sha256$ITER$SALT$HEX`` for the config file (never store the PIN itself)."""
    if not (4 <= len(pin) <= 12 and pin.isdigit()):
        raise ValueError("维护密码应为 4–12 位数字 / the PIN must be 4-12 digits")
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), iterations).hex()
    return f"pbkdf2_sha256${iterations}${salt}${digest}"


def pin_matches(pin: str, stored: str) -> bool:
    """True when ``pin`` matches the stored hash; a malformed or empty hash matches nothing."""
    try:
        scheme, iterations, salt, digest = stored.split("$")
        if scheme != "pbkdf2_sha256":
            return False
        got = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), int(iterations)).hex()
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, digest)
