"""``python -m drivers probe|emulate idcard`` (API.md command-line contract).

The probe reads one card and prints masked fields only: it runs on site, where
its output lands in terminals and tickets, so a full number must never appear.
"""
from __future__ import annotations

import argparse
from datetime import date

from drivers.errors import DeviceUnavailable
from drivers.idcard.driver import DEFAULT_BAUDRATE, IdCardReader
from drivers.idcard.emulator import SCENARIOS, IdCardEmulator


def add_probe_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--baudrate", type=int, default=DEFAULT_BAUDRATE,
                        help="serial speed (readers default to 115200; some use 9600)")
    parser.add_argument("--fingerprint", action="store_true",
                        help="read with fingerprint (30 10) instead of text + photo (30 01)")


def add_emulate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--card-delay", type=float, default=0.3, help="seconds a card read takes")


def probe(args: argparse.Namespace) -> dict:
    """Connect, check the SAM, wait up to ``--timeout`` s for a card, read it once."""
    reader = IdCardReader(args.url, polling=False, baudrate=args.baudrate,
                          with_fingerprint=args.fingerprint, backoff=(0.2, 1.0)).start()
    try:
        if not reader.wait_connected(min(args.timeout, 5.0)):
            status = reader.status
            raise DeviceUnavailable(status.message or "读卡器不可用", status.message_en or "card reader unavailable")
        sam_status = reader.status
        card = reader.read_once(timeout=args.timeout)
        return probe_result(card, reader.sam_id, sam_status.state, date.today())
    finally:
        reader.stop()


def probe_result(card, sam_id: str | None, reader_state: str, today: date) -> dict:
    """The probe's JSON object: masked card, SAM ID, validity on ``today``."""
    return {
        "ok": True,
        "device": "idcard",
        "reader_state": reader_state,
        "sam_id": sam_id,
        "card": card.masked().as_dict(),
        "validity": {"valid_today": card.is_valid_on(today), "expired": card.is_expired(today),
                     "long_term": card.long_term},
        "photo_bytes": len(card.photo_wlt),
        "fingerprint_bytes": len(card.fingerprint),
    }


def make_emulator(vendor: str | None = None, scenario: str | None = None, **options) -> IdCardEmulator:
    """An emulated reader; ``scenario`` is one of :data:`~drivers.idcard.emulator.SCENARIOS`."""
    if vendor not in (None, "", "generic"):
        raise DeviceUnavailable(f"没有该厂商的读卡器模拟器：{vendor}", f"no ID card reader emulator for vendor {vendor!r}")
    if scenario not in (None, *SCENARIOS):
        raise DeviceUnavailable(f"未知的模拟场景：{scenario}", f"unknown scenario {scenario!r}; one of {', '.join(SCENARIOS)}")
    delay = options.get("card_delay")
    return IdCardEmulator(scenario, card_delay=0.3 if delay is None else delay)
