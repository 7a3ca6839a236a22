"""Composition root of the resident kiosk: load config, build drivers, start Qt.

``hallterm-kiosk --config kiosk.toml`` (or ``python -m kiosk``) runs the locked,
full-screen kiosk. ``python -m kiosk --demo --credentials <data-dir>/demo-credentials.json``
runs it windowed on emulated devices against the demo hall. ``python -m kiosk hash-pin``
prints the hash of a maintenance PIN for the config file. See docs/kiosk.md.
"""
from __future__ import annotations

import argparse
import getpass
import logging
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

log = logging.getLogger("kiosk")
VERSION = "0.1.0"


@dataclass
class Kiosk:
    """The running parts, for the caller (tests, the demo, main) to reach and stop."""

    runtime: object
    window: object
    devices: object
    voice: object
    lockdown: object

    def stop(self) -> None:
        self.runtime.stop()
        self.devices.stop()
        if self.voice is not None:
            self.voice.shutdown()


def build_kiosk(config, token: str, *, app, client=None, voice_sink=None, start: bool = True,
                scanner_app=None, devices_options: dict | None = None) -> Kiosk:
    """Wire one kiosk from ``config`` (kiosk.config.KioskConfig); nothing is shown yet.

    ``client`` replaces the HallClient (tests); ``voice_sink`` replaces the audio
    output (tests record instead of playing); ``devices_options`` go to KioskDevices
    (tests: ``wedge_clock``, ``camera_capture``).
    """
    from kiosk.core.directory import HallDirectory
    from kiosk.core.session import KioskSession
    from kiosk.devices import KioskDevices, guide_details
    from kiosk.documents.client import CertificateHallClient
    from kiosk.runtime import KioskRuntime
    from kiosk.ui.lockdown import Lockdown
    from kiosk.ui.translations import Translations
    from kiosk.ui.window import KioskWindow

    # A HallClient that also speaks /api/v1/certificates (证明打印).
    client = client or CertificateHallClient(config.server.base_url, token, timeout=config.server.timeout_s,
                                             retries=config.server.retries)
    session = KioskSession(HallDirectory("", (), ()), config.flow_settings(), clock=_local_now)
    devices = KioskDevices(config.devices, **(devices_options or {})).start(scanner_app or app)
    if devices.receipts is not None:
        devices.receipts.details = lambda code: guide_details(session.directory, code)
    voice = _voice(config.voice, voice_sink)
    runtime = KioskRuntime(session, client, devices=devices, voice=voice, device_id=config.kiosk.device_id,
                           location=config.kiosk.location, heartbeat_s=config.kiosk.heartbeat_s,
                           catalogue_refresh_s=config.kiosk.catalogue_refresh_s,
                           language=config.kiosk.language, version=VERSION)
    lockdown = Lockdown(runtime, config.kiosk.maintenance_pin_hash)
    window = KioskWindow(runtime, Translations(app), locked=config.kiosk.locked, taps=config.kiosk.maintenance_taps,
                         attract_after_s=config.kiosk.attract_after_s, notice_rotate_s=config.kiosk.notice_rotate_s,
                         maintenance=lockdown)
    if devices.wedge is not None:     # a pinyin input method would swallow the scanner's letters (devices.md §4.1)
        from drivers.scanner.wedge import disable_input_method
        disable_input_method(window)
    lockdown.exit_requested.connect(lambda: (window.allow_close(), app.quit()))
    window.connecting.show_connecting()
    if start:
        runtime.start()
    return Kiosk(runtime, window, devices, voice, lockdown)


def _local_now() -> datetime:
    return datetime.now().astimezone()


def _voice(section, sink):
    from kiosk.voice import KioskVoice, make_sink
    if not section.enabled:
        return None
    cache = Path(section.cache_dir).expanduser() if section.cache_dir else Path.home() / ".cache" / "hallterm" / "voice"
    return KioskVoice(cache, engine=section.engine, voice_zh=section.voice_zh, voice_en=section.voice_en,
                      speed=section.speed, sink=sink if sink is not None else make_sink(section.player))


def make_app(argv: list[str] | None = None):
    """The QApplication with the kiosk's font (Noto Sans CJK SC preferred)."""
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.refcount_guard import guard_none_refcount
    guard_none_refcount()
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("hallterm-kiosk")
    from kiosk.resources import load_fonts
    load_fonts()       # fonts a build carries in assets/fonts (docs/packaging.md "Fonts")
    font = QFont("Noto Sans CJK SC")
    font.setPixelSize(26)
    app.setFont(font)
    return app


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hallterm-kiosk", description="hallterm 自助终端 / resident kiosk")
    parser.add_argument("command", nargs="?", default="run", choices=("run", "hash-pin"),
                        help="run (default) or hash-pin: print the hash of a maintenance PIN")
    parser.add_argument("--config", default="config/kiosk.toml", help="kiosk TOML file")
    parser.add_argument("--demo", action="store_true", help="windowed, emulated devices, the demo hall")
    parser.add_argument("--credentials", help="demo-credentials.json written by `python -m hall_server demo`")
    parser.add_argument("--size", default="", help="window size WxH, e.g. 1080x1920 (windowed runs)")
    parser.add_argument("--windowed", action="store_true", help="do not lock full screen (testing a real config)")
    parser.add_argument("--rehearsal", action="store_true", help="the built-in sample hall: no server, no devices")
    parser.add_argument("--self-test", action="store_true",
                        help="print HOME_READY and exit 0 once the home screen is shown (kiosk/self_test.py)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """The ``hallterm-kiosk`` entry point."""
    from kiosk.resources import configure_logging
    configure_logging("kiosk")
    args = build_parser().parse_args(argv)
    if args.command == "hash-pin":
        return _hash_pin()
    from kiosk.config import KioskConfigError, load_kiosk_config
    demo = client = None
    try:
        if args.rehearsal:
            from kiosk.self_test import rehearsal
            config, token, client = rehearsal()
        elif args.demo:
            from kiosk.demo import DemoSetup
            demo = DemoSetup.from_credentials(Path(args.credentials or ".demo-data/demo-credentials.json"))
            config, token = demo.config, demo.token
        else:
            config, token = load_kiosk_config(args.config)
    except KioskConfigError as error:
        print(error, file=sys.stderr)
        return 2
    if args.windowed:
        config = config.model_copy(update={"kiosk": config.kiosk.model_copy(update={"locked": False})})
    app = make_app()
    kiosk = build_kiosk(config, token, app=app, client=client)
    _show(kiosk.window, config.kiosk.locked, args.size or ("1280x900" if demo or args.rehearsal else ""))
    if args.self_test:
        from kiosk.self_test import HomeWatch
        watch = HomeWatch(kiosk, app)  # noqa: F841 (kept alive while the event loop runs)
    if demo is not None:
        demo.show_panel(kiosk)
    try:
        return app.exec()
    finally:
        kiosk.stop()
        if demo is not None:
            demo.stop()


def _show(window, locked: bool, size: str) -> None:
    if locked:
        window.showFullScreen()
        return
    if size:
        width, _, height = size.lower().partition("x")
        window.resize(int(width), int(height))
    window.setWindowTitle("hallterm 自助终端")
    window.show()


def _hash_pin() -> int:
    from kiosk.config import hash_pin
    pin = getpass.getpass("维护密码 / maintenance PIN (4-12 digits): ")
    if getpass.getpass("再输一次 / again: ") != pin:
        print("两次输入不一致 / the two entries differ", file=sys.stderr)
        return 1
    try:
        print(hash_pin(pin))
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    return 0
