"""The kiosk's start-up self-test: did it reach its home screen, with its files?

``hallterm-kiosk --rehearsal --self-test`` starts on the built-in rehearsal hall (no
server, no devices), and ``hallterm-kiosk --config kiosk.toml --windowed --self-test``
on the real hall server. Once the home screen is shown with the hall's catalogue
loaded, one line ``HOME_READY {json}`` goes to standard output and the program exits
0; if that does not happen within ``limit_s``, ``HOME_FAILED {json}`` and exit 1.

The JSON names what a broken build or install gets wrong: the hall's name (the
catalogue arrived), the home tiles and how many of their SVG icons rendered (assets
and the SVG plugin are in the bundle), the English text of the help button (the
``.qm`` translations are found), the font Qt resolved (a CJK font is installed), each
device's state, the size of a test ticket encoded for the printer (python-escpos and
its data, Pillow and a CJK font for the rare character drawn as an image) or the error
that stopped it, the pinyin the voice guidance would speak (pypinyin's dictionaries),
and whether this is a frozen (PyInstaller) build. The packaging test runs it on the
frozen kiosk (tests/packaging/); installers run it on a new kiosk (docs/packaging.md).
"""
from __future__ import annotations

import json
import sys
import time

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QFontInfo

from kiosk.core.screens import HomeScreen

READY = "HOME_READY"
FAILED = "HOME_FAILED"


def rehearsal():
    """(config, token, client) of a windowed kiosk on the in-memory sample hall, no devices, no voice."""
    from kiosk.config import KioskConfig, KioskInfo, VoiceSection
    from kiosk.ui.rehearsal import RehearsalClient

    config = KioskConfig(kiosk=KioskInfo(locked=False, device_id="rehearsal", location="彩排 / rehearsal"),
                         voice=VoiceSection(enabled=False))
    return config, "", RehearsalClient()


class HomeWatch(QObject):
    """Watches a built kiosk (kiosk.app.Kiosk) until its home screen is up, then reports and quits.

    ``finished`` carries the exit code; it ends the application unless ``exit_app`` is
    False (tests: ``QCoreApplication.exit`` would stop every later event loop too).
    """

    finished = Signal(int)

    def __init__(self, kiosk, app, *, limit_s: float = 60.0, out=None, exit_app: bool = True):
        super().__init__()
        self.kiosk, self.app, self.out = kiosk, app, out
        self.deadline = time.monotonic() + limit_s
        self.timer = QTimer(self)
        self.timer.setInterval(200)
        self.timer.timeout.connect(self.check)
        if exit_app:
            self.finished.connect(app.exit)
        self.timer.start()

    def missing(self) -> list[str]:
        """What still keeps the home screen from counting as shown (empty when it is)."""
        window, runtime = self.kiosk.window, self.kiosk.runtime
        home = window.views.get(HomeScreen)
        checks = (("window not visible", window.isVisible()),
                  ("hall not loaded", bool(runtime.hall)),
                  ("session not at home", isinstance(runtime.session.screen, HomeScreen)),
                  ("home view not current", home is not None and window.stack.currentWidget() is home),
                  ("still connecting", window.connecting.isHidden()))
        return [name for name, ok in checks if not ok]

    def check(self) -> None:
        missing = self.missing()
        if not missing:
            self._finish(READY, home_facts(self.kiosk, self.app), 0)
        elif time.monotonic() > self.deadline:
            self._finish(FAILED, {"missing": missing}, 1)

    def _finish(self, word: str, facts: dict, code: int) -> None:
        self.timer.stop()
        out = self.out or sys.stdout
        if out is not None:          # a windowed Windows build has no stdout: the exit code still tells
            print(f"{word} {json.dumps(facts, ensure_ascii=False)}", file=out, flush=True)
        self.finished.emit(code)


def home_facts(kiosk, app) -> dict:
    """What the shown home screen proves about the build (see the module docstring)."""
    window, runtime = kiosk.window, kiosk.runtime
    tiles = list(window.views[HomeScreen].tiles.values())
    language = runtime.language
    runtime.set_language("en")
    english = window.help.text()
    runtime.set_language(language)
    return {"hall": runtime.hall_name, "tiles": len(tiles),
            "icons": sum(1 for tile in tiles if tile.icon.renderer().isValid()),
            "english": english, "font": QFontInfo(app.font()).family(),
            "devices": {kind: status.state for kind, status in kiosk.devices.statuses.items()},
            "ticket_bytes": ticket_bytes(), "pinyin": _pinyin("请取号"),
            "frozen": bool(getattr(sys, "frozen", False)), "platform": app.platformName()}


def ticket_bytes() -> int | str:
    """Bytes of a small test ticket (a GBK line, a rare character drawn as an image, a QR,
    a cut) as the printer driver would send them; the error as text if encoding failed."""
    from drivers.printer.encoder import ReceiptEncoder
    from drivers.printer.receipts import Cut, Line, Qr

    blocks = [Line("自检 A001", align="center"), Line("䶮"), Qr("http://hall.example/t/self-test"), Cut()]
    try:
        return len(ReceiptEncoder().encode_blocks(blocks))
    except Exception as error:   # reported, not raised: the line names what the build lacks
        return f"{type(error).__name__}: {error}"


def _pinyin(text: str) -> str:
    from kiosk.voice import to_pinyin
    return to_pinyin(text)
