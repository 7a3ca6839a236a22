"""``python -m drivers probe|emulate led`` (API.md command-line contract).

``probe led --url URL --vendor shuangse --show 请A023号到5号窗口 --address 2`` sends one
frame and prints what came back as one JSON object. With ``emu://led`` the vendor
given by ``--vendor`` is passed on to the emulator.
"""
from __future__ import annotations

import argparse

from drivers.errors import DeviceTimeout, DeviceUnavailable
from drivers.led.driver import DEFAULT_BAUDRATE, LedBus
from drivers.led.emulator import SCENARIOS, LedBusEmulator
from drivers.led.protocol import Colour, TextPolicy
from drivers.led.vendors import DEFAULT_VENDOR, VENDORS


def add_probe_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--address", type=int, default=1, help="screen address on the bus (0-254)")
    parser.add_argument("--baudrate", type=int, default=DEFAULT_BAUDRATE)
    parser.add_argument("--show", metavar="TEXT", help="show this text")
    parser.add_argument("--colour", choices=[c.name.lower() for c in Colour], default="red")
    parser.add_argument("--call", metavar="TICKET", help="show a call for this ticket (needs --window)")
    parser.add_argument("--window", type=int, default=1, help="window number for --call")
    parser.add_argument("--encoding", choices=("gb2312", "gbk"), default=None)
    parser.add_argument("--replace", action="store_true", help="replace characters the screen cannot show")
    parser.add_argument("--screen", choices=("strip", "integrated"), default=None, help="平安力合 screen type")


def add_emulate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--silent-address", type=int, action="append", dest="silent_addresses",
                        help="with --scenario silent: this address never answers (repeatable)")


def probe(args: argparse.Namespace) -> dict:
    """Check the screen if the protocol can, then show ``--show`` / ``--call``; one JSON object."""
    vendor = args.vendor or DEFAULT_VENDOR
    bus = LedBus(_with_vendor(args.url, vendor), vendor=vendor, addresses=(args.address,), baudrate=args.baudrate,
                 text_policy=TextPolicy(args.encoding, "replace" if args.replace else "reject"),
                 codec_options={"screen": args.screen} if args.screen else None,
                 check_interval=None, backoff=(0.2, 1.0)).start()
    try:
        if not bus.wait_connected(min(args.timeout, 5.0)):
            status = bus.status
            raise DeviceUnavailable(status.message or "LED 屏端口不可用", status.message_en or "LED port unavailable")
        result = {"ok": True, "device": "led", "vendor": vendor, "address": args.address,
                  "answering": _wait(bus.check(), args.timeout)}
        if vendor == "pinganlihe" and result["answering"]:
            result["version"] = _wait(bus.send(bus.codec.version(args.address)), args.timeout).detail
        if args.call:
            result["call"] = _wait(bus.show_call(args.call, args.window), args.timeout).as_dict()
        if args.show:
            result["shown"] = _wait(bus.show(args.show, colour=Colour[args.colour.upper()]), args.timeout).as_dict()
        result["status"] = bus.status.as_component()
        return result
    finally:
        bus.stop()


def _with_vendor(url: str, vendor: str) -> str:
    """Tell an ``emu://led`` URL without a vendor which screens to play."""
    if url.startswith("emu://") and "vendor=" not in url:
        return f"{url}{'&' if '?' in url else '?'}vendor={vendor}"
    return url


def _wait(future, timeout: float):
    try:
        return future.result(timeout)
    except TimeoutError:
        raise DeviceTimeout("LED 屏无响应", "the LED screen did not answer in time") from None


def make_emulator(vendor: str | None = None, scenario: str | None = None, *, silent_addresses=None,
                  **options) -> LedBusEmulator:
    """Emulated screens of ``vendor`` (one of VENDORS); ``scenario`` is one of :data:`SCENARIOS`."""
    if vendor not in (None, "", *VENDORS):
        raise DeviceUnavailable(f"没有该厂商的 LED 屏模拟器：{vendor}", f"no LED emulator for vendor {vendor!r}")
    if scenario not in (None, "", *SCENARIOS):
        raise DeviceUnavailable(f"没有这种 LED 屏场景：{scenario}", f"no LED scenario {scenario!r}")
    if isinstance(silent_addresses, str):
        silent_addresses = [int(a) for a in silent_addresses.split(",") if a]
    return LedBusEmulator(vendor or None, scenario=scenario or None, silent_addresses=silent_addresses or ())
