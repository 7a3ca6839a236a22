"""``python -m drivers probe|emulate evalpad`` (API.md command-line contract).

``probe evalpad --url URL --ask A023`` pings the pad, asks for a rating and prints the
rating (or the pad's 未评 timeout) as one JSON object. For a demo without a person at
the pad use ``--url "emu://evalpad?scenario=demo"``: it rates 非常满意 after a second.
"""
from __future__ import annotations

import argparse
import queue

from drivers.errors import DeviceTimeout, DeviceUnavailable
from drivers.evalpad.driver import DEFAULT_BAUDRATE, Hep1Pad
from drivers.evalpad.emulator import SCENARIOS, PadBus, PadEmulator
from drivers.evalpad.pad import Rating

VENDORS = ("hep1",)


def add_probe_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--address", type=int, default=1, help="pad address on the bus (1-254)")
    parser.add_argument("--baudrate", type=int, default=DEFAULT_BAUDRATE, help="115200 by default, 9600 allowed")
    parser.add_argument("--ask", metavar="TICKET", help="ask the resident to rate this ticket and wait")
    parser.add_argument("--rating-timeout", type=int, default=30,
                        help="seconds the pad waits for the resident (10-255)")
    parser.add_argument("--text", help="show this line on the pad first")


def add_emulate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--address", type=int, action="append", dest="addresses",
                        help="pad address; repeat for several pads on one bus (default 1)")
    parser.add_argument("--auto-rating", type=int, choices=range(1, 6), default=None,
                        help="rate every request with this level after a second")


def probe(args: argparse.Namespace) -> dict:
    """Ping the pad; optionally show text and wait for one rating."""
    _check_vendor(getattr(args, "vendor", None))
    outcomes: queue.Queue = queue.Queue()
    pad = Hep1Pad(args.url, addresses=(args.address,), baudrate=args.baudrate, ping_interval=None,
                  on_rating=outcomes.put, on_rating_timeout=outcomes.put, backoff=(0.2, 1.0)).start()
    try:
        if not pad.wait_connected(min(args.timeout, 5.0)):
            status = pad.status
            raise DeviceUnavailable(status.message or "评价器端口不可用", status.message_en or "pad port unavailable")
        result = {"ok": True, "device": "evalpad", "vendor": "hep1", "address": args.address,
                  "firmware": _wait(pad.ping(address=args.address), args.timeout)}
        if args.text:
            _wait(pad.show_text(args.text, address=args.address), args.timeout)
        if args.ask:
            result.update(_ask(pad, args, outcomes))
        return result
    finally:
        pad.stop()


def _ask(pad: Hep1Pad, args: argparse.Namespace, outcomes: queue.Queue) -> dict:
    request_id = _wait(pad.ask(args.ask, timeout_s=args.rating_timeout, address=args.address), args.timeout)
    try:
        outcome = outcomes.get(timeout=args.rating_timeout + pad.rating_grace + 1)
    except queue.Empty:
        raise DeviceTimeout("等待评价超时", "no rating and no timeout report from the pad") from None
    if isinstance(outcome, Rating):
        return {"request_id": request_id, "rating": outcome.as_dict()}
    return {"request_id": request_id, "rating": None, "rating_timeout": outcome.as_dict()}


def _wait(future, timeout: float):
    try:
        return future.result(timeout)
    except TimeoutError:
        raise DeviceTimeout("评价器无响应", "the pad did not answer in time") from None


def _check_vendor(vendor: str | None) -> None:
    if vendor not in (None, "", *VENDORS):
        raise DeviceUnavailable(f"不支持的评价器协议：{vendor}（可用：hep1）",
                                f"unsupported pad protocol {vendor!r} (available: hep1)")


def make_emulator(vendor: str | None = None, scenario: str | None = None, *, addresses=None,
                  auto_rating: int | None = None, **options) -> PadEmulator | PadBus:
    """An emulated pad (or a bus of pads); ``scenario`` is one of :data:`SCENARIOS`."""
    _check_vendor(vendor)
    if scenario not in (None, "", *SCENARIOS):
        raise DeviceUnavailable(f"没有这种评价器场景：{scenario}", f"no evalpad scenario {scenario!r}")
    listed = [int(a) for a in (addresses.split(",") if isinstance(addresses, str) else addresses or [1])]
    pads = [PadEmulator(a, scenario=scenario or None, auto_rating=auto_rating) for a in listed]
    return pads[0] if len(pads) == 1 else PadBus(pads)
