"""One codec per published LED protocol (devices.md §3.4), picked by name in config and on the command line."""
from __future__ import annotations

from drivers.errors import DeviceUnavailable
from drivers.led.protocol import LedCodec, TextPolicy
from drivers.led.vendors.pinganlihe import PinganLiheCodec
from drivers.led.vendors.shuangse import ShuangseCodec

VENDORS: dict[str, type[LedCodec]] = {"pinganlihe": PinganLiheCodec, "shuangse": ShuangseCodec}
DEFAULT_VENDOR = "shuangse"


def make_codec(vendor: str | None = None, policy: TextPolicy | None = None, **options) -> LedCodec:
    """The codec called ``vendor`` (default :data:`DEFAULT_VENDOR`); DeviceUnavailable for an unknown name."""
    name = vendor or DEFAULT_VENDOR
    try:
        codec_class = VENDORS[name]
    except KeyError:
        raise DeviceUnavailable(f"不支持的 LED 屏协议：{name}（可用：{'、'.join(VENDORS)}）",
                                f"unsupported LED protocol {name!r} (available: {', '.join(VENDORS)})") from None
    return codec_class(policy, **options)
